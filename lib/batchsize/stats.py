"""The verdict scale and the statistics it rests on: every number of ours that is compared is an `Estimate`, the
mean over seeds with a 95 % t interval (a Welch interval for a difference of two cells, its log version for a
ratio), and `graded` turns an interval and the paper's value into a verdict as an equivalence test, so that a
verdict uses our seed spread. A claim is "not testable" only when its rule raises `NotTestable` (our runs cannot
answer it); any other error is a bug and fails the build.

`SCALE` is the one grading scale every rule uses (the report's introduction prints it): `graded` for a value,
`effect_graded` for an effect (a drop, a ratio, a slope), `tie_graded` for a best B and `parts_verdict` for a claim
of several parts. "Not resolved" keeps apart what "not reproduced" used to lump together: an effect our seeds show
to be absent or opposite, and one they cannot tell from none (`unresolved`)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .style import side_of_one

REPRODUCED, PARTLY, NOT_REPRODUCED, NOT_TESTABLE = "reproduced", "partly", "not reproduced", "not testable"
UNRESOLVED = "not resolved"
VERDICTS = (REPRODUCED, PARTLY, UNRESOLVED, NOT_REPRODUCED, NOT_TESTABLE)
SCALE = {
    REPRODUCED: "all of our 95 % interval lies within the stated tolerance of the paper's value: close, and "
                "measured precisely enough to show it (a close mean from too few seeds to show it reads partly; one "
                "seed, or one timing, has no interval and never is, nor have seeds that all gave the same value: "
                "no spread is one measurement, not an exact one); for a best B, every B our seeds cannot tell "
                "from the best lies within it (a B where a run ended at chance is never tied with it)",
    PARTLY: "all of our interval within the claim's wider tolerance; for an effect, the same direction and a "
            "comparable size (our interval excludes no effect and overlaps ½× to 2× the paper's); for a claim of "
            "several parts, most testable parts reproduced, or none not reproduced and most of those testable at least "
            "partly (a claim about every data set holds only if every data set does)",
    UNRESOLVED: "for an effect, our interval holds both no effect and one of the paper's size (it contains the null "
                "and overlaps ½× to 2× the paper's); for a value, our interval holds the paper's value but reaches "
                "beyond the wider tolerance; for a best B, the B our seeds cannot tell from the best include the "
                "paper's and reach beyond the claim's wider tolerance: each way our seeds cannot tell, and more "
                "would decide it; for a claim of several parts, none not reproduced and at most half of the testable "
                "ones at least partly, the others not resolved",
    NOT_REPRODUCED: "otherwise: the opposite direction, an effect far from the paper's, or a value whose interval "
                    "excludes the paper's and reaches beyond the wider tolerance",
    NOT_TESTABLE: "our runs or this hardware cannot answer the claim (the row says why)",
}


class NotTestable(Exception):
    """Our runs cannot answer the claim (say why): the one way a claim becomes "not testable"."""


@dataclass(frozen=True)
class Estimate:
    """A mean over seeds with its 95 % interval; with one seed the interval is the point itself, and where every
    value is the same it has no width (`no_spread`; `text` then prints neither as an interval)."""

    mean: float
    low: float
    high: float
    n: int

    def one_measurement(self) -> Estimate:
        """The same mean counted as one measurement (seeds that share one timing): no interval."""
        return Estimate(self.mean, self.mean, self.mean, 1)

    @property
    def no_spread(self) -> bool:
        """Several values that all came out the same (one integer epoch for every seed): an interval of no width,
        which says nothing of how far the next seed might land, so the scale grades it as one measurement."""
        return self.n >= 2 and self.low == self.high and math.isfinite(self.low)

    def as_graded(self) -> Estimate:
        """What the verdict scale grades: the estimate, or one measurement where it has `no_spread`."""
        return self.one_measurement() if self.no_spread else self

    def text(self, unit: str = "", digits: int = 2) -> str:
        def fixed(value: float) -> str:  # the house style: a minus sign, none on what rounds to zero ("-0.00")
            places = side_of_one(value, 0 if unit == "×" and abs(value) >= 100 else digits) if unit == "×" else digits
            shown = f"{value:.{places}f}"  # a ratio of 8699, not 8699.23; of 1.003, not 1.00
            return shown.lstrip("-") if float(shown) == 0 else shown.replace("-", "−")

        if self.n < 2 or not math.isfinite(self.low):
            return f"{fixed(self.mean)}{unit} (n = {self.n}, no interval)"
        if self.no_spread:  # not "all equal": on a difference that would read as "no difference"
            return f"{fixed(self.mean)}{unit} (n = {self.n}, no spread)"
        return f"{fixed(self.mean)}{unit} [{fixed(self.low)}, {fixed(self.high)}] (n = {self.n})"


def _values(values) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return values[np.isfinite(values)]


def estimate(values) -> Estimate:
    """Mean and 95 % t interval over seeds."""
    values = _values(values)
    if len(values) == 0:
        raise NotTestable("no finite value")
    mean = float(values.mean())
    if len(values) < 2:
        return Estimate(mean, mean, mean, 1)
    if np.ptp(values) == 0:  # equal values vary by nothing, not by a rounding error of their mean
        return Estimate(mean, mean, mean, len(values))
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
    return Estimate(mean, mean - half, mean + half, len(values))


def log_estimate(values) -> Estimate:
    """Geometric mean and 95 % t interval on the log scale, for a positive quantity whose seeds spread by factors
    (a t interval on the values themselves runs below zero)."""
    values = _values(values)
    if (values <= 0).any():
        raise ValueError("a log-scale estimate of non-positive values")
    log = estimate(np.log(values))
    return Estimate(math.exp(log.mean), math.exp(log.low), math.exp(log.high), log.n)


def difference(a, b) -> Estimate:
    """mean(a) − mean(b) with Welch's 95 % interval (the point alone when either side has one seed)."""
    a, b = _values(a), _values(b)
    if len(a) == 0 or len(b) == 0:
        raise NotTestable("a side of the comparison has no finite value")
    diff = float(a.mean() - b.mean())
    n = min(len(a), len(b))
    if n < 2 or (np.ptp(a) == 0 and np.ptp(b) == 0):  # np.std of equal values can be a rounding error, not 0
        return Estimate(diff, diff, diff, n)
    with warnings.catch_warnings():  # nearly equal values (epoch times, say): scipy warns, the interval is fine
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    return Estimate(diff, float(low), float(high), n)


def ratio(a, b) -> Estimate:
    """Geometric mean(a) ÷ geometric mean(b), with the Welch interval on the log scale (positive values)."""
    a, b = _values(a), _values(b)
    if (a <= 0).any() or (b <= 0).any():
        raise ValueError("a ratio of non-positive values")
    log = difference(np.log(a), np.log(b))
    return Estimate(math.exp(log.mean), math.exp(log.low), math.exp(log.high), log.n)


def graded(ours: Estimate, target: float | tuple[float, float], tol: float, partly_tol: float) -> str:
    """Our interval against the paper's value (or range), as an equivalence test: reproduced when the *whole*
    interval lies within `tol` of it (close, and measured precisely enough to say so; one seed never is), partly
    when the whole interval lies within `partly_tol`; beyond that, not resolved when the interval still holds the
    paper's value (too wide to tell: an interval of 80 pp that holds it says nothing of it, for or against), not
    reproduced when it excludes it. So a wide interval never passes, not even in part, by merely touching the
    paper's value, nor fails as if it had measured a different one. Values with no spread are one measurement."""
    ours = ours.as_graded()
    low, high = (target, target) if np.isscalar(target) else target
    farthest = max(ours.high - high, low - ours.low, 0.0)
    if farthest <= tol and ours.n >= 2:
        return REPRODUCED
    if farthest <= partly_tol:
        return PARTLY
    holds = ours.n >= 2 and ours.low <= high and ours.high >= low
    return UNRESOLVED if holds else NOT_REPRODUCED


def comparable(ours: Estimate, effect: float | tuple[float, float]) -> bool:
    """The same direction as the paper's effect (all of our interval on its side of 0) and of comparable size (our
    interval overlaps ½× to 2× of it, or of its range)."""
    low, high = (effect, effect) if np.isscalar(effect) else effect
    if low < 0:  # a negative effect: mirror it
        return comparable(Estimate(-ours.mean, -ours.high, -ours.low, ours.n), (-high, -low))
    return ours.low > 0 and ours.high >= low / 2 and ours.low <= high * 2


def unresolved(ours: Estimate, effect: float | tuple[float, float], null: float = 0.0) -> bool:
    """Whether our interval holds both no effect (`null`) and an effect of the paper's size (it overlaps ½× to 2×
    of `effect`, or of its range, measured from `null`): our seeds cannot tell the paper's effect from none."""
    ours = ours.as_graded()
    low, high = sorted(abs(e - null) for e in ((effect, effect) if np.isscalar(effect) else effect))
    side = 1.0 if np.mean(effect) >= null else -1.0  # the paper's effect's side of the null
    near, far = sorted(side * (v - null) for v in (ours.low, ours.high))  # ours, measured towards the paper's side
    return ours.n >= 2 and near <= 0.0 <= far and far >= low / 2 and near <= high * 2


def effect_graded(ours: Estimate, effect: float | tuple[float, float], tol: float) -> str:
    """`SCALE` for an effect: reproduced within `tol` of the paper's (`graded`), partly when `comparable`, not
    resolved when our interval holds both no effect and the paper's (`unresolved`), not reproduced otherwise, so
    that a small effect in the right direction does not pass as partly, nor a wide interval fail as if measured.
    Values with no spread are one measurement: at best partly."""
    if graded(ours, effect, tol, tol) == REPRODUCED:
        return REPRODUCED
    return PARTLY if comparable(ours, effect) else UNRESOLVED if unresolved(ours, effect) else NOT_REPRODUCED


def direction_graded(ours: Estimate, null: float = 0.0) -> str:
    """A claim of a direction alone (no size given): reproduced when all of our interval lies above `null`; a
    single point above it (no interval) is partly, as in `graded`; not resolved when the interval holds `null` and
    reaches above it; not reproduced otherwise (all of it at or below `null`: there is no size to be comparable
    to). Values with no spread are one measurement."""
    ours = ours.as_graded()
    if ours.low > null:
        return REPRODUCED if ours.n >= 2 else PARTLY
    return UNRESOLVED if ours.n >= 2 and ours.high > null else NOT_REPRODUCED


def tie_graded(tied: Collection[int], target: int | tuple[int, int], partly_factor: float | None = None) -> str:
    """`SCALE` for a best B, as `graded` is for a value, on the B our seeds cannot tell from the best (`tied`, the
    best among them: `rulebook.best_b`) rather than on the noisy argmax, against the paper's B or range [low, high]:
    reproduced when all of them lie in it; partly, where the claim allows a factor `partly_factor`, when all lie
    within [low / factor, high × factor]; not resolved when some lie in it and others beyond (the seeds cannot tell
    whether the paper is right); not reproduced when none lies in it (and not all within the factor)."""
    low, high = (target, target) if np.isscalar(target) else target
    if not tied:
        raise ValueError("a tie set holds at least the best B")
    if all(low <= b <= high for b in tied):
        return REPRODUCED
    if partly_factor and all(low / partly_factor <= b <= high * partly_factor for b in tied):
        return PARTLY
    return UNRESOLVED if any(low <= b <= high for b in tied) else NOT_REPRODUCED


def rate_interval(failed: int, runs: int) -> tuple[float, float]:
    """The exact (Clopper–Pearson) 95 % interval of a rate of `failed` in `runs`, in %: with a few seeds a failure
    rate is a count, and its interval says how little it pins down."""
    rate = stats.binomtest(failed, runs).proportion_ci(0.95, method="exact")
    return 100 * rate.low, 100 * rate.high


def parts_verdict(verdicts: Sequence[str]) -> str:
    """`SCALE` for a claim of several parts (data sets, table rows): reproduced when every part is; partly when
    most testable parts are reproduced, or none is not reproduced and most of the testable ones are at least partly; not
    resolved when none is not reproduced and at most half of the testable ones are at least partly (the rest not
    resolved: one partly set among four that cannot tell is not a claim that mostly holds); not testable when every
    part is; not reproduced otherwise."""
    n = len(verdicts)
    held, testable = verdicts.count(REPRODUCED), n - verdicts.count(NOT_TESTABLE)
    if held == n:
        return REPRODUCED
    if NOT_REPRODUCED not in verdicts:
        if testable == 0:
            return NOT_TESTABLE
        return PARTLY if held + verdicts.count(PARTLY) > testable / 2 else UNRESOLVED
    return PARTLY if held > testable / 2 else NOT_REPRODUCED  # a part not testable counts neither way


def pearson_log_b_gap(table: pd.DataFrame) -> dict[str, float]:
    """Pearson r of log₂ B against Δ over all runs, with its two-sided p-value and a 95% Fisher-z interval."""
    x, y = np.log2(table["batch_size"].to_numpy(float)), table["gap"].to_numpy(float)
    keep = np.isfinite(y)
    x, y = x[keep], y[keep]
    if len(x) < 3 or np.ptp(x) == 0:
        raise NotTestable(f"{len(x)} runs over {len(set(x))} batch sizes: too few for a correlation")
    result = stats.pearsonr(x, y)
    low, high = result.confidence_interval(0.95)
    return {"r": float(result.statistic), "p": float(result.pvalue), "ci_low": float(low), "ci_high": float(high),
            "n": int(len(x))}
