"""The paper's Algorithm 2 (§VI), its batch-size selection protocol, implemented as printed.

Where the printed algorithm is ambiguous, the reading taken is stated here and in each docstring:
- Line 2/4/6 give a learning-rate range per regime, line 9 then scales η = η₀·B/B₀ (Eq. 2). The two can
  disagree (η₀ = 0.001, B₀ = 32, B = 16 gives 0.0005, below [0.001, 0.003]); we follow line 9 and report
  the range and the conflict beside it.
- Line 7 ("apply warmup if B ≥ 256") sits inside the N ≥ 20,000 branch, where B ∈ {64, 128}, so read
  literally it never fires. We apply the §VI summary instead: warmup whenever B ≥ 256, which matters once
  the wall-clock rule (line 15) has doubled B.
- Lines 2/4/6 set B to a pair of candidates ("Set B ← {16, 32}") and no line says which of the two to train
  (the §VI summary's "start at B = 32" is the smaller of one pair, the larger of another and in neither of the
  third). So `recommendations` gives one recommendation per candidate, and the book applies and grades both;
  `recommend_batch_size` gives the one asked for. The monitoring rules (lines 11–16) then move either.
- "Accuracy acceptable" (line 14) is not defined in the paper: the caller decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .config import UserError
from .paper import PROTOCOL_REGIMES, PROTOCOL_WARMUP_FROM
from .style import number

REGIMES = PROTOCOL_REGIMES  # (N below which the regime applies, batch-size candidates, learning-rate range)
WARMUP_FROM = PROTOCOL_WARMUP_FROM


@dataclass(frozen=True)
class Recommendation:
    n_samples: int
    candidates: tuple[int, ...]  # line 2, 4 or 6
    batch_size: int  # where to start: one of the candidates (capped by the upper bound, when c is given)
    lr: float  # η₀·B/B₀ (line 9)
    lr_range: tuple[float, float]  # the range printed beside the candidates
    warmup: bool  # B ≥ 256
    upper_bound: float | None  # c·√N (§VI "Upper bound"), when c is given
    notes: tuple[str, ...]  # where the printed rules disagree for this N


@dataclass(frozen=True)
class Adjustment:
    batch_size: int
    lr: float
    warmup: bool
    retrain: bool  # whether the rule asks for another run
    reason: str
    fired: bool  # whether its condition held, even where B cannot move (B = 1; the upper bound)


def scale_lr(lr: float, batch_size: int, new_batch_size: int) -> float:
    """The linear scaling rule, Eq. (2): η ∝ B."""
    return lr * new_batch_size / batch_size


def recommend_batch_size(n_samples: int, base_lr: float = 0.001, base_batch: int = 32,
                         c: float | None = None, candidate: int = 0) -> Recommendation:
    """Lines 1–9 of Algorithm 2 for one of the pair of candidates lines 2–6 give by data-set size N (`candidate`:
    0 the smaller, 1 the larger; the algorithm does not choose, see `recommendations`): η scaled linearly from
    (η₀, B₀), warmup if B ≥ 256. With `c`, the start is capped at the largest power of two ≤ c·√N (the §VI upper
    bound B ≤ B* ≈ c·√N, Eq. 6)."""
    if n_samples < 1 or base_lr <= 0 or base_batch < 1 or (c is not None and c <= 0):
        raise UserError(f"need N >= 1, base LR > 0, base batch >= 1 and c > 0; "
                        f"got {n_samples}, {base_lr}, {base_batch}, {c}")
    candidates, lr_range = next((b, r) for limit, b, r in REGIMES if n_samples < limit)
    if candidate not in range(len(candidates)):
        raise UserError(f"candidate is 0 (the smaller) or 1 (the larger) of {candidates}; got {candidate}")
    batch_size, notes = candidates[candidate], []
    upper_bound = None if c is None else c * math.sqrt(n_samples)
    if upper_bound is not None and batch_size > upper_bound:
        batch_size = 2 ** max(0, math.floor(math.log2(upper_bound)))
        notes.append(f"B capped from {candidates[candidate]} to {batch_size} by the upper bound "
                     f"c·√N = {upper_bound:.3g}")
    lr = scale_lr(base_lr, base_batch, batch_size)
    if not lr_range[0] <= lr <= lr_range[1]:
        notes.append(f"η = η₀·B/B₀ = {number(lr, 'lr')} lies outside the printed range [{lr_range[0]}, {lr_range[1]}]; "
                     f"line 9 (scaling) is followed")
    return Recommendation(n_samples, candidates, batch_size, lr, lr_range, batch_size >= WARMUP_FROM,
                          upper_bound, tuple(notes))


def recommendations(n_samples: int, base_lr: float = 0.001, base_batch: int = 32,
                    c: float | None = None) -> tuple[Recommendation, ...]:
    """`recommend_batch_size` for each candidate of lines 2–6, smaller first: Algorithm 2 sets B to the pair and
    never says which to train, so following it means either, and its advice is only as good as the worse."""
    smaller = recommend_batch_size(n_samples, base_lr, base_batch, c)
    return smaller, *(recommend_batch_size(n_samples, base_lr, base_batch, c, i)
                      for i in range(1, len(smaller.candidates)))


def adjust_for_gap(batch_size: int, lr: float, gap_percent: float, threshold: float = 5.0) -> Adjustment:
    """Lines 11–13: if the generalization gap Δ = train − test accuracy exceeds `threshold` points (strictly),
    halve B, re-scale η linearly and retrain. B = 1 cannot be halved: no retrain, and the reason says so."""
    if gap_percent <= threshold:
        return Adjustment(batch_size, lr, batch_size >= WARMUP_FROM, False,
                          f"gap {gap_percent:.2f} ≤ {threshold}: keep B", False)
    if batch_size <= 1:
        return Adjustment(batch_size, lr, False, False,
                          f"gap {gap_percent:.2f} > {threshold} but B = 1 cannot be halved", True)
    new = batch_size // 2
    return Adjustment(new, scale_lr(lr, batch_size, new), new >= WARMUP_FROM, True,
                      f"gap {gap_percent:.2f} > {threshold}: halve B", True)


def adjust_for_time(batch_size: int, lr: float, wall_clock: float, budget: float, accuracy_acceptable: bool,
                    upper_bound: float | None = None) -> Adjustment:
    """Lines 14–16: if training took longer than the budget T and accuracy is acceptable, double B, re-scale η
    linearly (warmup from B = 256) and retrain; not beyond `upper_bound` (c·√N) when one is given.

    The algorithm checks the gap rule first; when both fire they pull B in opposite directions, and the
    paper does not say which wins, so apply `adjust_for_gap` first, as printed."""
    if wall_clock <= budget or not accuracy_acceptable:
        why = "within the time budget" if wall_clock <= budget else "accuracy not acceptable"
        return Adjustment(batch_size, lr, batch_size >= WARMUP_FROM, False, f"{why}: keep B", False)
    new = 2 * batch_size
    if upper_bound is not None and new > upper_bound:
        return Adjustment(batch_size, lr, batch_size >= WARMUP_FROM, False,
                          f"over budget but 2B = {new} exceeds the upper bound {upper_bound:.3g}: keep B", True)
    return Adjustment(new, scale_lr(lr, batch_size, new), new >= WARMUP_FROM, True, "over budget: double B", True)
