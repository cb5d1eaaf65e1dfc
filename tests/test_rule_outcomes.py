"""Every verdict rule comes out each way on plausible hand-made run tables (issue 22: "every rule has tests for each
outcome"): one case per (claim, outcome) in `CASES`, and a registry test that every claim of `report.claims()` has cases
for reproduced, not reproduced, partly (where its tolerance text has a partly arm), not resolved (where it has a
not-resolved arm) and not testable, but for the outcomes listed in `UNREACHABLE` with the reason. `FINDINGS` are cases
where a rule gives the wrong outcome on plausible data: each is `xfail(strict=True)`, so that fixing the rule turns it
into a failure to be moved to `CASES`.

The tables are built as `report_inputs.report_tables` names them (`accuracy`, `histories`, `lr_scaling`, `sharpness`,
`variance_fits`, `critical_runs`, `mnist_largest_batch`; `verdict` turns the underscores into its dashes), with
the builders of `test_report` and `test_claims_shapes`: accuracies in 0–100, mostly three seeds per cell; the table
claims' runs with the seed counts and seed spreads of our paper-profile runs (`SEED_SD`). Every number of the paper
comes from `batchsize.paper`."""

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from test_claims_shapes import FLAT_THEN, HUMP_RISING, cifar, mnist, protocol_runs, spread_gaps, straddling
from test_claims_shapes import gaps as slopes_of_gap
from test_report import (
    SEEDS,
    brief,
    critical_runs,
    fourth_seed,
    histories,
    largest_batch,
    reaching,
    rising,
    runs,
    sharpness,
    sized_runs,
    synthetic,
    together,
    variance_fits,
    verdict,
)
from test_report import gaps as gaps_rising

from batchsize import claims_critical, paper, paper_tables, report
from batchsize.datasets import IN_PAPER
from batchsize.runtable import SYNTHETIC
from batchsize.stats import NOT_REPRODUCED, NOT_TESTABLE, PARTLY, REPRODUCED, UNRESOLVED

R, P, U, NR, NT = REPRODUCED, PARTLY, UNRESOLVED, NOT_REPRODUCED, NOT_TESTABLE
Tables = Callable[[], dict[str, pd.DataFrame]]


# --- builders, one per table kind ---------------------------------------------------------------------------------

def jitter(table: pd.DataFrame, column: str, sd: float) -> pd.DataFrame:
    """`table` with `column` moved by −sd, 0, +sd over the three seeds (a standard deviation of `sd`), so that no
    interval has zero width."""
    offsets = table["seed"].map(dict(zip(SEEDS, (-sd, 0.0, sd), strict=True)))
    table = table.assign(**{column: table[column] + offsets})
    return table.assign(train_acc=table["test_acc"] + table["gap"])


# Seed standard deviations (test accuracy, Δ) in pp of our paper-profile runs (results/paper at 613bbdc), the smallest
# over B and the median, and how many seeds that profile runs: what a plausible table of paper runs looks like.
SEED_SD = {"smallest": {"mnist": (0.09, 0.04), "cifar10": (0.07, 0.11), "synthetic-1k": (0.45, 0.48),
                        "synthetic-10k": (0.13, 0.11), "synthetic-50k": (0.03, 0.02)},
           "median": {"mnist": (0.13, 0.045), "cifar10": (0.79, 0.34), "synthetic-1k": (0.77, 0.91),
                      "synthetic-10k": (0.19, 0.155), "synthetic-50k": (0.053, 0.048)}}
SEED_SD["wide"] = {name: (3.0, 3.0) for name in SEED_SD["median"]}  # intervals wider than any partly tolerance
SEEDS_RUN = {"mnist": 3, "cifar10": 3, **dict.fromkeys(SYNTHETIC, 5)}


def seeded(cells: dict[tuple[str, int], tuple[float, float]], sd: dict[str, tuple[float, float]],
           outcome: dict | None = None, seeds: int | None = None) -> pd.DataFrame:
    """Each (data set, B) cell around its (test accuracy, Δ), with the data set's number of seeds (`SEEDS_RUN`,
    or `seeds`) and its (accuracy, Δ) seed standard deviations `sd`."""
    parts = []
    for (name, b), (acc, gap) in cells.items():
        n = seeds or SEEDS_RUN[name]
        unit = np.linspace(-1, 1, n) / np.std(np.linspace(-1, 1, n), ddof=1)  # standard deviation 1
        one = runs({(name, b): acc}, spread=(0.0, 0.0, 0.0), gap={(name, b): gap}, outcome=outcome or {}).iloc[[0]]
        parts += [one.assign(seed=42 + i, key=f"{name}-{b}-{42 + i}", test_acc=one["test_acc"] + u * sd[name][0],
                             gap=one["gap"] + u * sd[name][1]) for i, u in enumerate(unit)]
    table = pd.concat(parts, ignore_index=True)
    table.loc[table["outcome"] == "collapsed", "test_acc"] = 10.0
    return table.assign(train_acc=table["test_acc"] + table["gap"], best_test_acc=table["test_acc"])


def paper_rows(datasets, column: str = "test_acc", place: str = "within", skip=(), chance_at=(),
               spread: str = "smallest", seeds: int | None = None) -> pd.DataFrame:
    """Runs at the paper's table values (Tables III, IV, VII) of `datasets`, `column` moved below the paper's by
    `place`: "within" its row tolerance (not at all), "between": the mean at the tolerance, so that the interval
    reaches past it but stays within the partly tolerance, "beyond"
    twice the partly tolerance; the seeds spread as ours (`SEED_SD[spread]`). B in `skip` not run; B in
    `chance_at` collapsed to chance, as the paper reports CIFAR-10 at B = 1024; `seeds` per cell instead of ours."""
    tolerances = paper_tables.accuracy_tolerances if column == "test_acc" else paper_tables.gap_tolerances
    cells = {}
    for name in datasets:
        tol, partly = tolerances(name)
        shift = {"within": 0.0, "between": tol, "beyond": 2 * partly}[place]  # between: the interval straddles tol
        for b, row in paper.accuracy_table(name).set_index("B").iterrows():
            if b not in skip:
                acc, gap = float(row["test_acc"]), float(row["gap"])
                cells[name, int(b)] = (acc - shift, gap) if column == "test_acc" else (acc, gap - shift)
    return seeded(cells, SEED_SD[spread], {(name, b): "collapsed" for name in datasets for b in chance_at}, seeds)


def recommended_is_best(dataset: str, spread: str, seeds: int | None = None) -> pd.DataFrame:
    """1,000 training examples (Algorithm 2's candidates B = 16 and 32) at B = 16, 32 and 128, both candidates at
    the best by 3 pp, the seeds spread as ours (`SEED_SD[spread]`; `seeds`: None, the data set's number)."""
    cells = {(dataset, b): (87.0 if b == 128 else 90.0, 1.0) for b in (16, 32, 128)}
    return seeded(cells, SEED_SD[spread], seeds=seeds).assign(base_lr=0.001, base_batch=32)


def drop(dataset: str, size: float, ends=paper.SECTION_IVA_ENDS, spread: float = 0.1) -> pd.DataFrame:
    """One data set at the two B of a drop: 95 % at the small one, `size` pp less at the large one; the seeds of
    each cell at −`spread`, 0 and +`spread` pp."""
    return runs({(dataset, ends[0]): 95.0, (dataset, ends[1]): 95.0 - size}, spread=(-spread, 0.0, spread))


def drops(sizes: dict[str, float], spread: float = 0.1) -> pd.DataFrame:
    """Each data set's drop from B = 32 to 512 (`paper.DROP_ENDS`), the seeds spread as `drop`'s."""
    return pd.concat([drop(d, s, paper.DROP_ENDS, spread) for d, s in sizes.items()], ignore_index=True)


def gap_at(largest: int, gap: float, sd: float = 0.05) -> pd.DataFrame:
    """MNIST at B = 64 and `largest`, Δ = `gap` at `largest`."""
    return jitter(runs({("mnist", 64): 99.0, ("mnist", largest): 98.3}, gap={("mnist", largest): gap}), "gap", sd)


def table_v_runs(effect: dict[int, float] | float = 1.0, gap_effect: float = 1.0, shift: float = 0.0,
                 rules=("fixed", "linear"), sd: float = 0.1) -> pd.DataFrame:
    """The LR ablation (`lr-scaling` runs of the large synthetic set) at Table V's B: the linear rule at the paper's
    accuracy and Δ (moved by `shift`), the fixed rule `effect` times the paper's loss below it (per B, or one factor
    for all) and `gap_effect` times the paper's rise of Δ above it; accuracy and Δ of each cell's seeds at −`sd`,
    0 and +`sd` pp."""
    v = paper.table("V").set_index(["B", "lr_rule"])
    parts = []
    for b in sorted({b for b, _ in v.index}):
        factor = effect.get(b, 1.0) if isinstance(effect, dict) else effect
        linear, fixed = v.loc[(b, "linear")], v.loc[(b, "fixed")]
        acc = {"linear": linear["test_acc"], "fixed": linear["test_acc"] - factor * (linear["test_acc"] -
                                                                                    fixed["test_acc"])}
        gap = {"linear": linear["gap"], "fixed": linear["gap"] + gap_effect * (fixed["gap"] - linear["gap"])}
        parts += [jitter(runs({("synthetic-50k", b): acc[r] + shift}, spread=(-sd, 0.0, sd), lr_rule=r, gap=gap[r],
                              lr=v.loc[(b, r), "lr"]), "gap", sd) for r in rules]
    return pd.concat(parts, ignore_index=True)


def sharper(ratio: float, per_set: dict[str, float] | None = None, factor: float = 1.0) -> pd.DataFrame:
    """Both sharpness measures at B = 32 and 512 on every synthetic set, `ratio` times larger at 512 (times
    `per_set` of a set); the seeds of each cell spread by `factor` (÷ it, 1, × it) on top of `sharpness`'s 5 %."""
    small = paper.SHARPNESS[32]
    table = sharpness({32: small, 512: small * ratio}, per_set)
    by_seed = table["seed"].map(dict(zip(SEEDS, (1 / factor, 1.0, factor), strict=True)))
    return table.assign(epsilon_sharpness=table["epsilon_sharpness"] * by_seed,
                        hessian_top_eigenvalue=table["hessian_top_eigenvalue"] * by_seed)


def rises(table: pd.DataFrame, hessian: float | None = None) -> dict[str, pd.DataFrame]:
    """The surfaces rising as `table`'s λ_max (`test_report.rising`), its networks' Hessian measures beside them
    (shown, never judged): as they are, or λ_max `hessian` times larger at B = 512 than at 32."""
    sharp = table if hessian is None else table.assign(hessian_top_eigenvalue=np.where(
        table["batch_size"] == 512, hessian, 1.0) * table.groupby("batch_size")["hessian_top_eigenvalue"].transform(
        lambda v: v / v.mean()))
    return {"sharpness": sharp, "surface_rise": rising(table)}


def table_vi_runs(optimal: dict[str, int], critical: dict[str, int]) -> pd.DataFrame:
    """The synthetic sets at full size: 96 % at the optimal B, 95 % elsewhere below the critical B, 90 % from it."""
    sizes = {"synthetic-1k": 800, "synthetic-10k": 8000, "synthetic-50k": 40000}
    return pd.concat([runs({(d, b): 96.0 if b == optimal[d] else 90.0 if b >= critical[d] else 95.0},
                           train_size=n) for d, n in sizes.items() for b in (8, 16, 32, 64, 128, 256, 512)],
                     ignore_index=True)


VI = paper.table("VI").set_index("dataset")
VI_OPTIMAL, VI_CRITICAL = ({d: int(VI.loc[d, c]) for d in SYNTHETIC} for c in ("optimal_B", "critical_B"))


def table_vi_seeded(at_critical: float, above: float, batch_sizes: tuple[int, ...] = (8, 16, 32, 64, 128, 256, 512)
                    ) -> pd.DataFrame:
    """The synthetic sets at full size, with their seed counts and median seed spreads (`seeded`): 96 % at the
    paper's optimal B, `at_critical` at its B* (near the 1 pp line, where the seeds drawn decide), `above` above it,
    95.5 % elsewhere."""
    sizes = {"synthetic-1k": 800, "synthetic-10k": 8000, "synthetic-50k": 40000}
    table = seeded({(d, b): (96.0 if b == VI_OPTIMAL[d] else at_critical if b == VI_CRITICAL[d] else
                             above if b > VI_CRITICAL[d] else 95.5, 1.0) for d in SYNTHETIC for b in batch_sizes},
                   SEED_SD["median"])
    return table.assign(train_size=table["dataset"].map(sizes))


def doubled(found: dict[str, int]) -> dict[str, int]:
    return {d: 2 * b for d, b in found.items()}


Epochs = float | tuple[float, float, float]  # one for every seed, or one per seed of `SEEDS`


def converging(small: Epochs, large: Epochs, dataset: str = "mnist") -> dict[str, pd.DataFrame]:
    """One data set at B₀ = 32 and 512, its runs and their curves (`test_report.reaching`), reaching the accuracy
    both reach at epochs `small` and `large` (each for every seed, or per seed; NaN: a run at chance)."""
    return reaching({(dataset, paper.BASE_BATCH): small, (dataset, 512): large})


def speed_runs() -> pd.DataFrame:
    """MNIST at B₀ = 32 and 1024, 30× faster per epoch at 1024, each seed timed on its own."""
    table = runs({("mnist", 32): 99.0, ("mnist", 1024): 98.0}, median_epoch_time={("mnist", 32): 30.0,
                                                                               ("mnist", 1024): 1.0},
                 first_epoch_above_80={("mnist", 32): 1.0, ("mnist", 1024): 2.0})
    return table.assign(median_epoch_time=table["median_epoch_time"] * np.tile([0.99, 1.0, 1.01], 2))


def slowdown(reached: dict[int, int | tuple[int, int, int]], failed: tuple[int, ...] = (),
             collapsed: int = 0, large: float = 78.0) -> dict[str, pd.DataFrame]:
    """CIFAR-10 at B = 64, 512 and 1024 whose curves reach their best accuracy at the epochs `reached` gives (for
    every seed of a B, or per seed of `SEEDS`); B = 1024 trains to `large` % (B = 64's 78 %: it gets to B = 64's
    target); the B of `failed` collapsed, and the last `collapsed` seeds of B = 1024. Each run has its own epoch
    time, as CIFAR-10's runs do (not one stack's, as the MLPs')."""
    table = runs({("cifar10", 64): 78.0, ("cifar10", 512): 60.0, ("cifar10", 1024): large},
                 outcome={("cifar10", b): "collapsed" for b in failed}, median_epoch_time=1.0)
    table["median_epoch_time"] += table["seed"].map(dict(zip(SEEDS, (-0.05, 0.0, 0.05), strict=True)))  # timed apart
    gone = (table["batch_size"] == 1024) & table["seed"].isin(SEEDS[len(SEEDS) - collapsed:] if collapsed else [])
    table.loc[gone, ["outcome", "test_acc", "best_test_acc"]] = ["collapsed", 10.0, 10.0]
    reached = {**{512: 3}, **reached, **{b: 99 for b in failed}}
    curves = [histories(table[table["seed"] == s], {b: e if isinstance(e, int) else e[i] for b, e in reached.items()})
              for i, s in enumerate(SEEDS)]
    return {"accuracy": table, "histories": pd.concat(curves, ignore_index=True)}


def more_seeds(tables: dict[str, pd.DataFrame], batch_size: int, extra: int) -> dict[str, pd.DataFrame]:
    """`tables` with `extra` more seeds at `batch_size`, each a copy of its first seed's run and curve: a count of
    runs needs more seeds than `runs` gives to pin a rate (3 of 3 is [29, 100] %)."""
    acc, curves = tables["accuracy"], tables["histories"]
    first = acc[acc["batch_size"] == batch_size].iloc[[0]]
    copies = [first.assign(seed=100 + i, key=f"{first['key'].iloc[0]}-copy{i}") for i in range(extra)]
    curve = curves[curves["key"] == first["key"].iloc[0]]
    return {"accuracy": pd.concat([acc, *copies], ignore_index=True),
            "histories": pd.concat([curves, *(curve.assign(key=c["key"].iloc[0]) for c in copies)], ignore_index=True)}


def at_chance_1024(extra: int = 0) -> pd.DataFrame:
    """CIFAR-10 at B = 64 trained, every run at B = 1024 collapsed: 3 seeds, and `extra` more (`more_seeds`)."""
    acc = runs({("cifar10", 64): 78.0, ("cifar10", 1024): 10.0}, outcome={("cifar10", 1024): "collapsed"})
    return more_seeds({"accuracy": acc, "histories": acc.iloc[:0].assign(epoch=[])}, 1024, extra)["accuracy"]


def sweet(best: dict[str, int]) -> pd.DataFrame:
    """The synthetic sets at B = 8, 32 and 512: 96 % at each set's best B, 93–94 % elsewhere."""
    base = {8: 93.0, 32: 94.0, 512: 94.0}
    return pd.concat([runs({(d, b): 96.0 if b == best[d] else a for b, a in base.items()}) for d in SYNTHETIC],
                     ignore_index=True)


def one_seed(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["seed"] == SEEDS[0]]


GAP_1024 = float(paper.table("III").set_index("B")["gap"][1024])  # Table III's negative gap
NOT_64 = tuple(int(b) for b in paper.table("III")["B"] if b != 64)
FALLING = {8: 95.0, 32: 94.0, 128: 92.0, 512: 90.5}
FLAT = dict.fromkeys(FALLING, 95.0)
IVA = dict(zip(paper.SECTION_IVA["dataset"], paper.SECTION_IVA[f"acc_B{paper.SECTION_IVA_ENDS[0]}"]
               - paper.SECTION_IVA[f"acc_B{paper.SECTION_IVA_ENDS[1]}"], strict=True))  # the §IV-A drops
LOW, HIGH = paper.DROP_32_512
SLOPE = paper.VARIANCE_SLOPE
ALL_GAPS = {"cifar10": 1.0, "synthetic-1k": 0.5, "mnist": 0.0}  # pp per doubling of B


def wrong(reason: str):
    """A finding: the rule gives another outcome (the assertion fails, nothing else may), for `reason`."""
    return pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)


def case(claim: str, outcome: str, tables: Tables, why: str, *marks) -> object:
    return pytest.param(claim, outcome, tables, id=f"{claim}:{outcome.replace(' ', '-')}:{why}", marks=marks)


# --- the cases ----------------------------------------------------------------------------------------------------

CASES = [
    case("synthetic-trend", R, lambda: {"accuracy": synthetic(FALLING)}, "all three fall"),
    case("synthetic-trend", P, lambda: {"accuracy": pd.concat([
        synthetic(FALLING)[lambda t: t["dataset"] != "synthetic-50k"],
        synthetic(FLAT)[lambda t: t["dataset"] == "synthetic-50k"]])}, "two of three fall"),
    case("synthetic-trend", P, lambda: {"accuracy": synthetic({8: 93.0, 32: 95.0, 128: 92.0, 512: 90.5})},
         "falls with a rise from 8 to 32"),
    case("synthetic-trend", U, lambda: {"accuracy": synthetic(FLAT)}, "flat"),
    case("synthetic-trend", NR, lambda: {"accuracy": synthetic(
        dict(zip(FALLING, reversed(FALLING.values()), strict=True)))}, "rising"),
    case("synthetic-trend", NT, lambda: {"accuracy": synthetic({8: 95.0, 512: 90.0})}, "two B only"),
]
for name, size in IVA.items():
    claim = f"synthetic-drop-{name[10:]}"
    CASES += [
        case(claim, R, lambda n=name, s=size: {"accuracy": drop(n, s)}, "the papers drop"),
        case(claim, P, lambda n=name, s=size: {"accuracy": drop(n, 1.9 * s)}, "1.9x the drop"),
        case(claim, U, lambda n=name, s=size: {"accuracy": drop(n, s, spread=0.6 * s)},
             f"the papers drop, seeds spread {0.6 * size:.1f} pp"),
        case(claim, NR, lambda n=name, s=size: {"accuracy": drop(n, s / 10)}, "a tenth of it"),
        case(claim, NT, lambda n=name: {"accuracy": runs({(n, paper.SECTION_IVA_ENDS[0]): 95.0})}, "no B=512"),
    ]
CASES += [
    case("drop-32-512", R, lambda: {"accuracy": drops({"synthetic-1k": HIGH - 0.5, "synthetic-10k": (LOW + HIGH) / 2,
                                                       "synthetic-50k": LOW + 0.5})},
         "in range and larger on 1k"),
    case("drop-32-512", P, lambda: {"accuracy": drops({"synthetic-1k": HIGH + 2, "synthetic-50k": LOW + 0.5})},
         "1k beyond the range"),
    case("drop-32-512", U, lambda: {"accuracy": drops({"synthetic-1k": HIGH - 1, "synthetic-10k": (LOW + HIGH) / 2,
                                                       "synthetic-50k": LOW + 1}, spread=2.5)},
         "in range, seeds spread 2.5 pp"),  # "1k above 50k": the intervals overlap, not resolved either
    case("drop-32-512", NR, lambda: {"accuracy": drops({"synthetic-1k": 0.5, "synthetic-50k": 0.2})}, "slight"),
    case("drop-32-512", NT, lambda: {"accuracy": drops({"synthetic-1k": HIGH})}, "one data set"),

    case("synthetic-sweet-spot", R, lambda: {"accuracy": sweet(dict.fromkeys(SYNTHETIC, 32))}, "all at 32"),
    case("synthetic-sweet-spot", P, lambda: {"accuracy": sweet({**dict.fromkeys(SYNTHETIC, 32), "synthetic-1k": 8})},
         "1k at 8"),
    case("synthetic-sweet-spot", P, lambda: {"accuracy": pd.concat([
        sweet(dict.fromkeys(SYNTHETIC, 32))[lambda t: t["dataset"] != SYNTHETIC[2]],
        synthetic({8: 96.0, 32: 96.05, 512: 93.0})[lambda t: t["dataset"] == SYNTHETIC[2]]])},
         "1k and 10k at 32, 50k with 8 and 32 tied"),
    case("synthetic-sweet-spot", U, lambda: {"accuracy": pd.concat([
        sweet(dict.fromkeys(SYNTHETIC, 32))[lambda t: t["dataset"] == SYNTHETIC[0]],
        synthetic({8: 96.0, 32: 96.05, 512: 93.0})[lambda t: t["dataset"] != SYNTHETIC[0]]])},
         "1k at 32, the others with 8 and 32 tied (one of three holds: no majority)"),
    case("synthetic-sweet-spot", U, lambda: {"accuracy": synthetic({8: 96.0, 32: 96.05, 512: 93.0})},
         "8 and 32 tied on all three"),
    case("synthetic-sweet-spot", NR, lambda: {"accuracy": sweet(dict.fromkeys(SYNTHETIC, 512))}, "all at 512"),
    case("synthetic-sweet-spot", NT, lambda: {"accuracy": one_seed(sweet(dict.fromkeys(SYNTHETIC, 32)))},
         "one seed"),
]
# A perfect mean shown equivalent only with more seeds than we ran: at our median seed spread, the half-width of the
# 95 % interval is wider than a row's tolerance (1 pp on CIFAR-10 against 2.0 pp with three seeds; 0.055 pp on the 50K
# set against 0.06 pp with five; a 1K row's Δ, 1 pp against 1.1 pp). Decided (issue 22): "reproduced" needs the
# precision to show it; the tolerance stays tied to the paper's own spread across B (so no constant passes), and
# the equivalence test stays at 95 %. So these read "partly" with our seeds, and "reproduced" with the seeds named.
PRECISION = {"table-iv": ((1024,), 5), "table-vii": ((), 7), "table-vii-gap": ((), 7)}
TABLE_CLAIMS = [  # claim, its data sets, its column, the B whose runs collapse as the paper's (CIFAR-10's B = 1024)
    ("table-vii", SYNTHETIC, "test_acc", ()), ("table-vii-gap", SYNTHETIC, "gap", ()),
    ("table-iii", ("mnist",), "test_acc", ()), ("table-iii-gap", ("mnist",), "gap", ()),
    ("table-iv", ("cifar10",), "test_acc", (1024,)), ("table-iv-gap", ("cifar10",), "gap", (1024,))]
# A failed cell's Δ beside a paper row at chance is not testable, counted apart (`paper_tables.FAILED_GAP`): with
# CIFAR-10's B = 1024 at chance as the paper's, Table IV's Δ is graded on its 8 other rows.
for claim, datasets, column, chance in TABLE_CLAIMS:
    CASES += [
        case(claim, outcome, lambda d=datasets, c=column, p=place,
             k=chance: {"accuracy": paper_rows(d, c, p, chance_at=k)}, f"every row {place}")
        for outcome, place in ((R, "within"), (P, "between"), (NR, "beyond"))]
    CASES.append(case(claim, NT, lambda d=datasets, c=column, k=chance: {
        "accuracy": paper_rows(d, c, "within", chance_at=k).assign(prov_profile="quick")}, "quick profile"))
    CASES.append(case(claim, U, lambda d=datasets, c=column, k=chance: {  # the collapse row would be reproduced
        "accuracy": paper_rows(d, c, "within", skip=k, spread="wide")}, "every row at the papers, seeds spread 3 pp"))
    if claim not in PRECISION:
        CASES.append(case(claim, R, lambda d=datasets, c=column, k=chance: {
            "accuracy": paper_rows(d, c, "within", chance_at=k, spread="median")}, "every row at our median spread"))
for claim, (chance, seeds) in PRECISION.items():
    datasets, column = next((d, c) for name, d, c, _ in TABLE_CLAIMS if name == claim)
    CASES += [
        case(claim, P, lambda d=datasets, c=column, k=chance: {
            "accuracy": paper_rows(d, c, chance_at=k, spread="median")}, "every row at our median spread"),
        case(claim, R, lambda d=datasets, c=column, k=chance, n=seeds: {
            "accuracy": paper_rows(d, c, chance_at=k, spread="median", seeds=n)},
            f"every row at our median spread with {seeds} seeds")]
CASES += [
    case("table-iv", R, lambda: {"accuracy": paper_rows(("cifar10",), chance_at=(1024,))},
         "the papers own table with B=1024 at chance"),
    case("table-iv-gap", R, lambda: {"accuracy": paper_rows(("cifar10",), "gap", chance_at=(1024,))},
         "the papers own table with B=1024 at chance: that row counted apart"),
    case("table-iv-gap", P, lambda: {"accuracy": paper_rows(("cifar10",), "gap", chance_at=(256, 1024))},
         "B=256 failed where the papers row trained: not reproduced, 7 of 8 rows left"),
    case("table-iv-gap", R, lambda: {"accuracy": paper_rows(("cifar10",), "gap")}, "every row within, all trained"),
    case("table-iv-gap", P, lambda: {"accuracy": paper_rows(("cifar10",), "gap", "between")},
         "every row between, all trained"),
    case("table-iv", P, lambda: {"accuracy": paper_rows(("cifar10",), skip=(1024,))}, "every row but B=1024"),

    case("mnist-optimum", R, lambda: {"accuracy": mnist(64)}, "best 64"),
    case("mnist-optimum", P, lambda: {"accuracy": mnist(128)}, "best 128"),
    case("mnist-optimum", P, lambda: {"accuracy": mnist(64, 128)}, "64 and 128 tied"),
    case("mnist-optimum", U, lambda: {"accuracy": mnist(64, 1024)}, "64 and 1024 tied"),
    case("mnist-optimum", NR, lambda: {"accuracy": mnist(1024)}, "best 1024"),
    case("mnist-optimum", NR, lambda: {"accuracy": mnist(256, 128)}, "128 and 256 tied"),
    case("mnist-optimum", NT, lambda: {"accuracy": runs({("mnist", b): 99.0 for b in (32, 128, 256)})}, "no B=64"),

    case("mnist-floor", R, lambda: {"accuracy": runs({("mnist", 64): 99.2, ("mnist", 256): 99.0,
                                                      ("mnist", 512): 98.5, ("mnist", 1024): 98.3})}, "below"),
    case("mnist-floor", U, lambda: {"accuracy": runs({("mnist", 64): 99.2, ("mnist", 256): 99.0,
                                                      ("mnist", 512): 98.95, ("mnist", 1024): 98.9})},
         "ordered within the spread"),
    case("mnist-floor", NR, lambda: {"accuracy": mnist(1024)}, "1024 best"),
    case("mnist-floor", NR, lambda: {"accuracy": runs({("mnist", 8): 10.0, ("mnist", 64): 99.2, ("mnist", 512): 98.5},
                                                      outcome={("mnist", 8): "collapsed"})}, "B=8 failed, 512 trained"),
    case("mnist-floor", NT, lambda: {"accuracy": runs({("mnist", b): 99.0 for b in (32, 64, 256)})}, "no B>=512"),

    case("mnist-negative-gap", R, lambda: {"accuracy": gap_at(1024, GAP_1024)}, "the papers gap"),
    case("mnist-negative-gap", P, lambda: {"accuracy": gap_at(1024, 1.7 * GAP_1024)}, "1.7x the gap"),
    case("mnist-negative-gap", U, lambda: {"accuracy": gap_at(1024, GAP_1024, sd=0.3)},
         "the papers gap, seeds spread 0.3 pp"),
    case("mnist-negative-gap", NR, lambda: {"accuracy": gap_at(1024, 0.3)}, "positive"),
    case("mnist-negative-gap", NR, lambda: {"accuracy": runs({("mnist", 64): 99.0, ("mnist", 1024): 10.0},
                                                             outcome={("mnist", 1024): "collapsed"})},
         "B=1024 failed where the papers row trained"),
    case("table-iii-gap", P, lambda: {"accuracy": paper_rows(("mnist",), "gap", chance_at=(1024,))},
         "B=1024 failed where the papers row trained: not reproduced, 8 of 9 rows left"),
    case("mnist-negative-gap", NT, lambda: {"accuracy": synthetic(FALLING)}, "no mnist"),

    case("mnist-largest-batch", R, lambda: {"mnist_largest_batch": largest_batch("tttttttt")},
         "all 8 trained: the failure rate's interval below 50 %"),
    case("mnist-largest-batch", U, lambda: {"mnist_largest_batch": largest_batch("ttt")},
         "all 3 trained: the interval, [0, 70.8] %, holds 50 %"),
    case("mnist-largest-batch", P, lambda: {"mnist_largest_batch": largest_batch("tttttttttc")},
         "1 of 10 failed: the failure rate's interval below 50 %"),
    case("mnist-largest-batch", U, lambda: {"mnist_largest_batch": largest_batch("cdt")},
         "2 of 3 failed: the interval holds 50 %"),
    case("mnist-largest-batch", NR, lambda: {"mnist_largest_batch": largest_batch("cdcdcdcd")},
         "8 of 8 failed: the interval above 50 %"),
    case("mnist-largest-batch", NR, lambda: {"mnist_largest_batch": largest_batch("ttt", acc=96.0)},
         "all trained, far below the paper's"),
    case("mnist-largest-batch", U, lambda: {"mnist_largest_batch": largest_batch("ttt", spread=3.0)},
         "all trained, seeds 3 pp apart"),
    case("mnist-largest-batch", NT, lambda: {"mnist_largest_batch": largest_batch("ttt").assign(prov_profile="quick")},
         "quick profile"),

    case("cifar-collapse", R, lambda: {"accuracy": at_chance_1024(extra=3)}, "6 of 6 at chance"),
    case("cifar-collapse", U, lambda: {"accuracy": at_chance_1024()}, "3 of 3 at chance: [29, 100] %"),
    case("cifar-collapse", P, lambda: {"accuracy": runs({("cifar10", 64): 78.0, ("cifar10", 1024): 40.0})},
         "a 38 pp fall"),
    case("cifar-collapse", NR, lambda: {"accuracy": runs({("cifar10", 64): 78.0, ("cifar10", 1024): 77.5})}, "none"),
    case("cifar-collapse", NT, lambda: {"accuracy": runs({("cifar10", 64): 78.0, ("cifar10", 512): 60.0})},
         "no B=1024"),

    case("cifar-slowdown", R, lambda: more_seeds(slowdown({64: 2}, failed=(1024,)), 1024, 3),
         "every one of 6 runs at 1024 collapsed"),
    case("cifar-slowdown", R, lambda: more_seeds(slowdown({64: 2, 1024: 6}, large=45.0), 1024, 3),
         "every one of 6 runs at 1024 trains to 45 %, never to 64's 78 %"),
    case("cifar-slowdown", U, lambda: slowdown({64: 2}, failed=(1024,)), "3 of 3 at 1024 collapsed: [29, 100] %"),
    case("cifar-slowdown", P, lambda: slowdown({64: 2, 1024: 6}, collapsed=2), "2 of 3 at 1024 collapsed, 1 slower"),
    case("cifar-slowdown", P, lambda: slowdown({64: (2, 2, 3), 1024: (6, 7, 8)}), "1024 converges, slower"),
    case("cifar-slowdown", U, lambda: slowdown({64: 3, 1024: (2, 4, 8)}), "1024 slower, its seeds at 2 to 8 epochs"),
    case("cifar-slowdown", NR, lambda: slowdown({64: 6, 1024: 2}), "1024 faster"),
    case("cifar-slowdown", U, lambda: slowdown({64: (6, 6, 7), 1024: (2, 2, 3)}, collapsed=1),
         "1 of 3 at 1024 collapsed, the others faster: most might never converge"),
    case("cifar-slowdown", NT, lambda: {"accuracy": slowdown({64: 2, 1024: 6})["accuracy"]}, "no curves"),
    case("cifar-slowdown", NT, lambda: slowdown({64: 2, 1024: 6}, failed=(64,)), "B=64 failed"),

    case("mnist-sweet-spot", R, lambda: {"accuracy": mnist(64)}, "best 64"),
    case("mnist-sweet-spot", P, lambda: {"accuracy": mnist(256)}, "best 256"),
    case("mnist-sweet-spot", U, lambda: {"accuracy": mnist(64, 1024)}, "64 and 1024 tied"),
    case("mnist-sweet-spot", NR, lambda: {"accuracy": mnist(1024)}, "best 1024"),
    case("mnist-sweet-spot", NT, lambda: {"accuracy": synthetic(FALLING)}, "no mnist"),

    case("cifar-onset", R, lambda: {"accuracy": cifar({**FLAT_THEN, 256: 60.0, 512: 48.0})}, "at 256"),
    case("cifar-onset", P, lambda: {"accuracy": cifar({**FLAT_THEN, 256: 72.0, 512: 48.0})}, "at 512"),
    case("cifar-onset", U, lambda: {"accuracy": straddling(cifar({**FLAT_THEN, 256: 62.0, 512: 48.0}), 256)},
         "256's fall of 14 pp, seeds ±7, straddles the threshold"),
    case("cifar-onset", NR, lambda: {"accuracy": cifar({**FLAT_THEN, 256: 72.0, 512: 71.0})}, "none"),
    case("cifar-onset", NT, lambda: {"accuracy": mnist(64)}, "no cifar10"),

    case("gap-ordering", R, lambda: {"accuracy": slopes_of_gap(ALL_GAPS)}, "cifar steepest mnist flat"),
    case("gap-ordering", P, lambda: {"accuracy": slopes_of_gap({**ALL_GAPS, "synthetic-1k": 0.0, "mnist": 0.5})},
         "mnist not flattest"),
    case("gap-ordering", U, lambda: {"accuracy": spread_gaps(slopes_of_gap(dict.fromkeys(ALL_GAPS, 0.1)), 0.3,
                                                             tuple(ALL_GAPS))}, "every slope 0.1, seeds ±0.3"),
    case("gap-ordering", NR, lambda: {"accuracy": slopes_of_gap({**ALL_GAPS, "cifar10": -1.0})}, "cifar falls"),
    case("gap-ordering", NR, lambda: {"accuracy": slopes_of_gap(ALL_GAPS, {"cifar10": HUMP_RISING})},
         "cifar humped, its line over all B rising"),
    case("gap-ordering", NT, lambda: {"accuracy": slopes_of_gap({"cifar10": 1.0, "synthetic-1k": 0.5})}, "no mnist"),

    case("pearson", R, lambda: {"accuracy": gaps_rising(1.3, seeds=5)}, "r near 0.87"),
    case("pearson", P, lambda: {"accuracy": gaps_rising(4.5, seeds=5)}, "r near 0.5"),
    case("pearson", U, lambda: {"accuracy": gaps_rising(1.0, slope=0.0, seeds=5)}, "no slope in 45 runs"),
    case("pearson", NR, lambda: {"accuracy": gaps_rising(1.0, slope=0.0, seeds=40)}, "no slope in 360 runs"),
    case("pearson", NT, lambda: {"accuracy": runs({("mnist", 32): 99.0})}, "one B"),

    case("gap-bound", R, lambda: {"accuracy": jitter(runs({(d, 32): 90.0 for d in IN_PAPER}, gap=1.0), "gap", 0.1)},
         "below 2 everywhere"),
    case("gap-bound", P, lambda: {"accuracy": jitter(runs({("mnist", 32): 99.0}, gap=1.0), "gap", 0.1)},
         "one data set of all"),
    case("gap-bound", NR, lambda: {"accuracy": jitter(runs(
        {("mnist", 32): 99.0, ("cifar10", 32): 79.0, ("synthetic-1k", 32): 96.0},
        gap={("synthetic-1k", 32): 2.5, ("mnist", 32): 0.4, ("cifar10", 32): 1.0}), "gap", 0.1)}, "1k above"),
    case("gap-bound", NR, lambda: {"accuracy": jitter(runs({("mnist", 32): 99.0}, gap=3.0), "gap", 0.1)}, "above"),
    case("gap-bound", P, lambda: {"accuracy": pd.concat([jitter(runs({(d, 32): 90.0 for d in IN_PAPER if d != "mnist"},
                                                                   gap=1.0), "gap", 0.1),
                                                        runs({("mnist", 32): 99.0}, gap=1.0).iloc[[0]]])},
         "every set below 2, mnist one run"),
    case("gap-bound", U, lambda: {"accuracy": seeded(
        {**{(d, b): (95.0, 0.5) for d in IN_PAPER for b in (32, 64)}, ("synthetic-1k", 32): (95.0, 1.5)},
        SEED_SD["median"])}, "1k 1.5 at our median 1k spread: its interval holds 2"),
    case("gap-bound", NT, lambda: {"accuracy": runs({("mnist", 128): 99.0})}, "no B<=64"),

    case("epoch-speedup", NT, lambda: {"accuracy": speed_runs()}, "GPU times"),
    case("wall-clock-speedup", NT, lambda: {"accuracy": speed_runs()}, "GPU times"),

    case("extra-epochs", R, lambda: converging((10.0, 11.0, 12.0), (17.0, 18.0, 19.0)), "1.64x"),
    case("extra-epochs", P, lambda: converging((5.0, 6.0, 7.0), (16.0, 18.0, 20.0)), "3x"),
    case("extra-epochs", P, lambda: fourth_seed(converging(10.0, (17.0, 17.0, np.nan))),
         "1.7x, a run at chance of four at the large B"),
    case("extra-epochs", P, lambda: converging(10.0, (17.0, 17.0, np.nan)), "1.7x, a run at chance of three"),
    case("extra-epochs", NT, lambda: converging(2.0, (15.0, 42.0, np.nan)), "n = 2 apart: not estimable"),
    case("extra-epochs", U, lambda: together(converging(10.0, (8.0, 15.0, 30.0)),
                                             converging(20.0, (16.0, 30.0, 60.0), "synthetic-1k")),
         "1.5x on two data sets, the large Bs seeds 0.8x to 3x"),
    case("extra-epochs", NR, lambda: converging((40.0, 45.0, 50.0), (22.0, 25.0, 28.0)), "0.56x, as our 1K and 10K"),
    case("extra-epochs", NT, lambda: converging(1.0, 1.0), "every run there in its first epoch"),
    case("extra-epochs", NT, lambda: reaching({("mnist", 16): 2.0, ("mnist", 512): 3.0}), "no B0 = 32"),
]
for claim in ("lsr-accuracy", "lsr-accuracy-128", "lsr-up-to-10", "lsr-gap"):
    CASES += [
        case(claim, R, lambda: {"lr_scaling": table_v_runs()}, "the papers effects"),
        case(claim, P, lambda: {"lr_scaling": table_v_runs({128: 1.7, 512: 0.6}, 0.5)}, "comparable effects"),
        case(claim, U, lambda: {"lr_scaling": table_v_runs(sd=4.0)}, "the papers effects, seeds spread 4 pp"),
        case(claim, NR, lambda: {"lr_scaling": table_v_runs(0.1, 0.1)}, "a tenth of them"),
        case(claim, NT, lambda: {"lr_scaling": table_v_runs(rules=("linear",))}, "no fixed rule"),
    ]
CASES += [
    case("table-v", R, lambda: {"lr_scaling": table_v_runs()}, "the papers rows"),
    case("table-v", P, lambda: {"lr_scaling": table_v_runs(shift=-2.0)}, "2 pp below"),
    case("table-v", P, lambda: {"lr_scaling": table_v_runs()[lambda t: t["batch_size"] != 32]},
         "the papers rows, two of six not run"),
    case("table-v", NR, lambda: {"lr_scaling": table_v_runs(shift=-5.0)}, "5 pp below"),
    case("table-v", U, lambda: {"lr_scaling": table_v_runs(sd=4.0)}, "the papers rows, seeds spread 4 pp"),
    case("table-v", NT, lambda: {"lr_scaling": table_v_runs().assign(prov_profile="quick")}, "quick profile"),

    case("sharpness-ratio", R, lambda: {"sharpness": sharper(paper.SHARPNESS_RATIO)}, "the papers ratio"),
    case("sharpness-ratio", P, lambda: {"sharpness": sharper(paper.SHARPNESS_RATIO / 1.8)}, "within 2x"),
    case("sharpness-ratio", U, lambda: {"sharpness": sharper(paper.SHARPNESS_RATIO, factor=2.5)},
         "the papers ratio, seeds spread 2.5x"),
    case("sharpness-ratio", NR, lambda: {"sharpness": sharper(1.3)}, "1.3x"),
    case("sharpness-ratio", NT, lambda: {"sharpness": sharper(1.3)[lambda t: t["batch_size"] == 32]}, "one B"),

    case("flat-vs-sharp", R, lambda: rises(sharper(paper.SHARPNESS_RATIO)), "surfaces steeper at 512"),
    case("flat-vs-sharp", R, lambda: rises(sharper(1.38), hessian=0.41), "steeper, λ_max flatter (our 10K)"),
    case("flat-vs-sharp", P, lambda: rises(sharper(2.0, {"synthetic-1k": 0.45})), "1k flat"),
    case("flat-vs-sharp", P, lambda: rises(pd.concat([
        sharper(1.38)[lambda t: t["dataset"] != SYNTHETIC[2]],
        sharper(1.3, factor=1.3)[lambda t: t["dataset"] == SYNTHETIC[2]]])),
         "1K and 10K steeper, the 50K seeds spread (two of three hold, none fails)"),
    case("flat-vs-sharp", U, lambda: rises(pd.concat([
        sharper(1.38)[lambda t: t["dataset"] == SYNTHETIC[1]],
        sharper(1.3, factor=1.3)[lambda t: t["dataset"] != SYNTHETIC[1]]])),
         "10K steeper, the other seeds spread (as ours: one holds, the rest not resolved: no majority)"),
    case("flat-vs-sharp", U, lambda: rises(sharper(0.95)), "flat, or slightly steeper"),
    case("flat-vs-sharp", NR, lambda: rises(sharper(0.7)), "flatter"),
    case("flat-vs-sharp", NR, lambda: rises(sharper(0.7), hessian=6.9), "flatter, λ_max sharper"),
    case("flat-vs-sharp", NT, lambda: rises(sharper(2.0)[lambda t: t["batch_size"] == 32]), "one B"),
    case("flat-vs-sharp", NT, lambda: {"sharpness": sharper(2.0)}, "no surfaces: the Hessian alone is not judged"),

    case("variance-slope", R, lambda: {"variance_fits": variance_fits(SLOPE, paper.VARIANCE_R2)}, "the papers fit"),
    case("variance-slope", P, lambda: {"variance_fits": variance_fits(0.7 * SLOPE, 0.99)}, "0.7x the slope"),
    case("variance-slope", NR, lambda: {"variance_fits": variance_fits(SLOPE, 0.999, trained=0.3 * SLOPE)},
         "the papers fit at initialisation (a control, not graded), 0.3x at the trained weights"),
    case("variance-slope", U, lambda: {"variance_fits": variance_fits(0.5 * SLOPE, 0.9, half=0.6)},
         "half the slope, from -1.1 to 0.1"),
    case("variance-slope", NR, lambda: {"variance_fits": variance_fits(0.3 * SLOPE, 0.9)}, "0.3x the slope"),
    case("variance-slope", NT, lambda: {"variance_fits": variance_fits(-1.0, 1.0, "with replacement")},
         "with replacement only"),

    case("critical-exponent", R, lambda: {"critical_runs": sized_runs({400: 32, 1500: 64, 6400: 128, 25600: 256})},
         "square root"),
    case("critical-exponent", P, lambda: {"critical_runs": sized_runs({400: 16, 2000: 64, 10000: 256})}, "a=0.86"),
    case("critical-exponent", U, lambda: {"critical_runs": sized_runs({400: 64, 1600: 64, 6400: 128, 25600: 128})},
         "a=0.2, from 0 to 0.5"),
    case("critical-exponent", NR, lambda: {"critical_runs": sized_runs({400: 128, 1600: 64, 6400: 64, 25600: 32})},
         "a=-0.3"),
    case("critical-exponent", NT, lambda: {"critical_runs": sized_runs({400: 32, 1600: 64})}, "two sizes"),
    case("critical-exponent", NT, lambda: {"critical_runs": sized_runs({400: 1024, 1600: 1024, 6400: 1024})},
         "censored: no B* at any N"),
    case("critical-exponent", P, lambda: {"critical_runs": sized_runs({400: 32, 1600: 64, 6400: 128, 25600: 1024})},
         "a=0.5, but no B* where the fit puts one"),

    case("table-vi", R, lambda: {"critical_runs": table_vi_runs(VI_OPTIMAL, VI_CRITICAL)}, "the papers B*"),
    case("table-vi", P, lambda: {"critical_runs": table_vi_runs(VI_OPTIMAL, doubled(VI_CRITICAL))}, "2x each"),
    case("table-vi", NR, lambda: {"critical_runs": critical_runs({})}, "no B*"),
    case("table-vi", U, lambda: {"critical_runs": table_vi_seeded(94.98, 95.5)},
         "the papers B* about 1 pp below the peak, none beyond: the seeds cannot tell"),
    case("table-vi", P, lambda: {"critical_runs": table_vi_seeded(94.98, 90.0)},
         "the papers B* about 1 pp below the peak, 2x well below"),
    case("table-vi", NT, lambda: {"critical_runs": table_vi_runs(VI_OPTIMAL, VI_CRITICAL).assign(
        prov_profile="quick")}, "quick profile"),

    case("table-vi-optimal", R, lambda: {"critical_runs": table_vi_runs(VI_OPTIMAL, VI_CRITICAL)}, "the papers B"),
    case("table-vi-optimal", P, lambda: {"critical_runs": table_vi_runs(doubled(VI_OPTIMAL), doubled(VI_CRITICAL))},
         "2x each"),
    case("table-vi-optimal", U, lambda: {"critical_runs": critical_runs(VI_CRITICAL)},
         "every B below B* tied, the papers optimum and 8 among them"),
    case("table-vi-optimal", NR, lambda: {"critical_runs": table_vi_runs(dict.fromkeys(SYNTHETIC, 512),
                                                                         dict.fromkeys(SYNTHETIC, 1024))},
         "best at 512"),
    case("table-vi-optimal", NT, lambda: {"critical_runs": table_vi_runs(VI_OPTIMAL, VI_CRITICAL).assign(
        prov_profile="quick")}, "quick profile"),
    case("table-vi-optimal", NR, lambda: {"critical_runs": table_vi_runs(VI_OPTIMAL, VI_CRITICAL).assign(
        outcome="collapsed", test_acc=10.0)}, "every B failed: the runs trained at no B"),
    case("table-vi-optimal", NT, lambda: {"critical_runs": one_seed(table_vi_runs(VI_OPTIMAL, VI_CRITICAL))},
         "one seed: no cell measured, no best B"),

    case("protocol-choice", R, lambda: {"accuracy": protocol_runs({"synthetic-1k": (16, 32), "mnist": (16, 32)})},
         "both candidates at the best"),
    case("protocol-choice", P, lambda: {"accuracy": protocol_runs({"synthetic-1k": (16, 32), "mnist": (16, 32),
                                                                   "cifar10": (128,)})}, "two of three"),
    case("protocol-choice", NR, lambda: {"accuracy": protocol_runs({"synthetic-1k": (16, 32), "mnist": (128,)})},
         "one of two"),
    case("protocol-choice", NR, lambda: {"accuracy": protocol_runs({"synthetic-1k": (16,), "mnist": (16,)})},
         "the smaller candidate the best, the larger 4 pp behind"),
    case("protocol-choice", NT, lambda: {"accuracy": one_seed(protocol_runs({"synthetic-1k": (16, 32)}))},
         "one seed"),
    case("protocol-choice", U, lambda: {"accuracy": seeded({("synthetic-1k", 16): (89.0, 1.0), ("synthetic-1k", 32):
                                                            (90.0, 1.0), ("synthetic-1k", 128): (80.0, 1.0)},
                                                           SEED_SD["wide"]).assign(base_lr=0.001, base_batch=32)},
         "1 pp behind the best, seeds spread 3 pp"),
]

CASES += [  # once findings (below), mended: a table row or a data set we did not run, Table III's B, the best B
    case("synthetic-sweet-spot", P, lambda: {"accuracy": sweet(dict.fromkeys(SYNTHETIC, 32))[
        lambda t: t["dataset"] == SYNTHETIC[0]]}, "one data set of all"),
    case("drop-32-512", P, lambda: {"accuracy": drops({"synthetic-1k": HIGH - 0.5, "synthetic-50k": LOW + 0.5})},
         "one data set of all"),
    case("flat-vs-sharp", P, lambda: rises(sharper(paper.SHARPNESS_RATIO)[lambda t: t["dataset"] == SYNTHETIC[0]]),
         "one data set of all"),
    case("table-iii", P, lambda: {"accuracy": paper_rows(("mnist",), skip=NOT_64)}, "one row of nine"),
    case("mnist-negative-gap", NT, lambda: {"accuracy": gap_at(256, GAP_1024)}, "no B=1024 judged at B=256"),
    case("protocol-choice", R, lambda: {"accuracy": recommended_is_best("mnist", "median")},
         "both candidates at the best at our median MNIST spread"),
    # the other candidate, at the best's mean, is shown within 1 pp of it only with more seeds than the 1K set's five
    case("protocol-choice", P, lambda: {"accuracy": recommended_is_best("synthetic-1k", "median")},
         "both candidates at the best at our median 1K spread"),
    case("protocol-choice", R, lambda: {"accuracy": recommended_is_best("synthetic-1k", "median", seeds=7)},
         "both candidates at the best at our median 1K spread with 7 seeds"),
]

# Outcomes a rule cannot reach on any data, by design, with the reason.
UNREACHABLE = {(claim, outcome): "the paper's times come from its own hardware (a GPU; a Threadripper CPU for the "
                                 "synthetic sets): judged not testable here, ours shown beside them (issue 22, item 3)"
               for claim in ("epoch-speedup", "wall-clock-speedup") for outcome in (R, NR)}

# Plausible data on which a rule gives another outcome than the claim's evidence calls for: each case expects the
# outcome the evidence calls for, and fails (strictly) until the rule is changed.
FINDINGS: list = []  # none left: the last were decided (issue 22) and moved into `CASES`


@pytest.mark.parametrize(("claim", "outcome", "tables"), [*CASES, *FINDINGS])
def test_a_rule_gives_the_outcome_its_tolerance_says_on_plausible_tables(claim, outcome, tables):
    """The report's own road (`report.evaluate`): only `NotTestable` makes a claim not testable."""
    ours, found = verdict(claim, **tables())
    assert found == outcome, ours


def required(claim) -> set[str]:
    """The outcomes a claim's rule must be able to give: partly where its tolerance text has a partly arm, not resolved
    where it has a not-resolved arm."""
    return ({R, NR, NT} | ({P} if "partly" in claim.tolerance else set())
            | ({U} if UNRESOLVED in claim.tolerance else set()))


def test_every_claim_has_a_case_for_each_outcome_its_rule_can_give():
    """Issue 22's "every rule has tests for each outcome": a case per outcome of every claim the report judges, but
    for the outcomes `UNREACHABLE` by design; a finding or an exception names a claim the report has."""
    claims = {c.id: c for c in report.claims()}
    covered = {c: {p.values[1] for p in CASES if p.values[0] == c} for c in claims}
    assert {p.values[0] for p in [*CASES, *FINDINGS]} <= set(claims), "cases of claims the report does not have"
    unreachable = {c: {o for (i, o) in UNREACHABLE if i == c} for c in claims}
    missing = {c: sorted(required(claim) - covered[c] - unreachable[c]) for c, claim in claims.items()}
    assert not {c: m for c, m in missing.items() if m}, "claims without a case for an outcome"
    for (claim, outcome), reason in UNREACHABLE.items():  # an exception that a case reaches is stale
        assert outcome in required(claims[claim]) and outcome not in covered[claim] and reason


def test_table_vi_grades_b_star_on_the_seed_resamples_not_on_the_seed_means():
    """A B* read off the seed means equals the paper's on every set here, which the point rule called reproduced;
    over the resamples of the seeds it is the paper's in only some (the rest none, or 2×): not resolved, or partly.
    And a set whose runs stop below twice the paper's B* has no evidence against it in a replicate without B*."""
    for above, expected in ((95.5, U), (90.0, P)):
        tables = {"critical_runs": table_vi_seeded(94.98, above)}
        table = paper_tables.table_vi(tables["critical_runs"])
        assert (table["critical_b"] == table["paper B*"]).all()  # the point rule: reproduced
        shares = table[list(paper_tables.SHARES)]
        assert (shares.iloc[:, 0] < paper_tables.SURE).all() and (table["verdict (B*)"] == expected).all()
        ours, found = verdict("table-vi", **tables)
        assert found == expected
        at, near, far = shares.iloc[0]
        assert (f"synthetic-1k: 64 (paper 64; over seed resamples the paper's in {100 * at:.1f} %, within 2× in "
                f"{100 * near:.1f} %, farther or none in {100 * far:.1f} %): {expected}") in ours
    short = paper_tables.table_vi(table_vi_seeded(95.5, 95.5, (8, 16, 32, 64, 128, 256))).set_index("dataset")
    assert short.loc[["synthetic-10k", "synthetic-50k"], "verdict (B*)"].tolist() == [NR, U]  # none at either:
    assert short.loc[["synthetic-10k", "synthetic-50k"], "critical_b"].isna().all()  # 256 ≥ 2 × 128, but not 2 × 256
    ours, _ = verdict("table-vi", critical_runs=table_vi_seeded(95.5, 95.5, (8, 16, 32, 64, 128, 256)))
    assert "synthetic-50k: none (paper 256; over seed resamples the paper's in 0.0 %, within 2× in 0.0 %, farther " \
           "in 0.0 % (no B* counts as neither: our largest B that could be B* (256) is below 2× the paper's)): " \
           "not resolved" in ours


def test_table_vi_says_where_b_star_is_set_by_failed_runs_not_by_an_accuracy_drop():
    """Review 2, finding 2: MNIST's B* = 1024 came only from 2 of 3 runs failing there, no B falling 1 pp below the
    peak, yet the findings showed it as a plain "1024". Here the 1K set is flat but for a failed B = 128: its B* says
    it was set by the failure and is not testable, in the chapter's Table VI and the claim alike (where the recipe
    stops training, not an accuracy threshold, as the noise-scale section reads it), though its shares alone would
    grade it partly (2× the paper's 64); an
    accuracy-defined B* says nothing of failure. The other sets, which cannot tell, decide the row."""
    flat = table_vi_runs(VI_OPTIMAL, {d: 1024 for d in SYNTHETIC})  # 95 % to B = 512 beyond the optimum: no drop
    failing = flat.assign(outcome=np.where((flat["dataset"] == "synthetic-1k") & (flat["batch_size"] == 128),
                                           "collapsed", "trained"))
    failing.loc[failing["outcome"] == "collapsed", "test_acc"] = 10.0
    table = paper_tables.table_vi(failing).set_index("dataset")
    assert table.loc["synthetic-1k", "critical_by"] == "failed" and table.loc["synthetic-1k", "verdict (B*)"] == NT
    ours, found = verdict("table-vi", critical_runs=failing)
    assert brief("table-vi", critical_runs=failing) == \
        f"128 ({claims_critical.BY_FAILURE}), none, none"
    assert ours.startswith(f"synthetic-1k: 128, {claims_critical.BY_FAILURE} (paper 64; over seed resamples") \
        and ours.count("failed") == 1
    assert ours.split("; synthetic-10k")[0].endswith(f"): {claims_critical.STOPS}")
    assert table.loc[["synthetic-10k", "synthetic-50k"], "verdict (B*)"].tolist() == [U, U]
    assert found == U  # the 1K set's would-be partly no longer makes the row partly beside two that cannot tell
    assert "failed" not in brief("table-vi", critical_runs=table_vi_runs(VI_OPTIMAL, VI_CRITICAL))


def test_table_vi_grades_no_b_star_set_by_failed_runs_either_way():
    """A B* set by failed runs is not testable whatever its shares say: beside two sets whose B* is the paper's the
    row is partly (most of the testable sets hold, not every set), and where it is the only set the row is not
    testable, not partly; a B* where accuracy fell is graded as before (every set the paper's: reproduced)."""
    exact = table_vi_runs(VI_OPTIMAL, VI_CRITICAL)
    assert verdict("table-vi", critical_runs=exact)[1] == R
    failing = exact.assign(outcome=np.where((exact["dataset"] == "synthetic-1k") & (exact["batch_size"] >= 128),
                                            "collapsed", "trained"))
    failing.loc[failing["outcome"] == "collapsed", "test_acc"] = 10.0
    failing = failing[~((failing["dataset"] == "synthetic-1k") & (failing["batch_size"] == 64))]  # no drop before
    table = paper_tables.table_vi(failing).set_index("dataset")
    assert table.loc["synthetic-1k", "critical_by"] == "failed" and table.loc["synthetic-1k", "verdict (B*)"] == NT
    ours, found = verdict("table-vi", critical_runs=failing)
    assert found == P and f"synthetic-1k: 128, {claims_critical.BY_FAILURE}" in ours  # two of two testable sets
    alone = failing[failing["dataset"] == "synthetic-1k"]
    assert verdict("table-vi", critical_runs=alone)[1] == NT


def test_table_vi_grades_no_optimal_b_not_reproduced_only_where_every_cell_failed():
    """Review s40, finding 11: with no best B the optimal B was not reproduced, though the other claims of a best B
    (`rulebook.best_b`) call it not testable. Runs at chance at every B contradict a best B: not reproduced; cells
    of one run (one seed, or one trained run beside failed cells) cannot tell one: not testable."""
    exact = table_vi_runs(VI_OPTIMAL, VI_CRITICAL)
    first = exact["dataset"] == "synthetic-1k"
    failing = exact.assign(outcome=np.where(first, "collapsed", "trained"))  # the 1K set at chance everywhere
    failing.loc[first, "test_acc"] = 10.0
    lone = failing[~(first & (failing["batch_size"] == 512) & (failing["seed"] != SEEDS[0]))].copy()
    lone.loc[first & (lone["batch_size"] == 512), ["outcome", "test_acc"]] = ("trained", 95.0)  # one run, trained
    single = one_seed(exact)
    for runs_, expected in ((failing, NR), (lone, NT), (single, NT)):
        table = paper_tables.table_vi(runs_).set_index("dataset")
        assert pd.isna(table.loc["synthetic-1k", "optimal_b"]) and table.loc["synthetic-1k", "verdict (optimal B)"] \
            == expected
    assert table.loc["synthetic-10k", "verdict (optimal B)"] == NT  # one seed: every set
    assert paper_tables.table_vi(lone).set_index("dataset").loc["synthetic-1k", "one_run_b"] == [512]
    for runs_, said in ((failing, NR), (lone, NT)):  # beside two sets at the paper's B: the row partly either way
        ours, found = verdict("table-vi-optimal", critical_runs=runs_)
        assert found == P and ours.startswith(f"synthetic-1k: none, paper {VI_OPTIMAL['synthetic-1k']}: {said}; ")


def test_table_vi_takes_no_cell_of_one_run_as_the_bound_on_b_star():
    """Flat on every seed up to 256, then one run each at 512 and 1024 (80 %, which more seeds could make B*): the
    runs searched for B* only up to 256, so at synthetic-50k (the paper's 256) a replicate without one is evidence
    neither way: not resolved, never not reproduced on the strength of B = 1024's lone run."""
    flat = table_vi_seeded(95.5, 95.5, (8, 16, 32, 64, 128, 256))
    last = flat[flat["batch_size"] == 256].drop_duplicates("dataset")
    lone = pd.concat([last.assign(batch_size=b, test_acc=acc, key=last["key"] + f"-{b}")
                      for b, acc in ((512, 95.4), (1024, 80.0))], ignore_index=True)
    table = paper_tables.table_vi(pd.concat([flat, lone], ignore_index=True)).set_index("dataset")
    assert table.loc["synthetic-50k", "one_run_b"] == [512, 1024] and table.loc["synthetic-50k", "largest_b"] == 256
    assert table.loc["synthetic-50k", list(paper_tables.SHARES)].tolist() == [0.0, 0.0, 0.0]
    assert table.loc[["synthetic-10k", "synthetic-50k"], "verdict (B*)"].tolist() == [NR, U]  # 256 ≥ 2 × 128 still
    ours, _ = verdict("table-vi", critical_runs=pd.concat([flat, lone], ignore_index=True))
    assert "(no B* counts as neither: our largest B that could be B* (256) is below 2× the paper's)): not resolved" \
        in ours


def test_extra_epochs_names_a_data_set_whose_b0_failed():
    """Most runs of CIFAR-10's B₀ = 32 at chance: no small end, and no other B stands in; the row says so rather
    than leaving it out unsaid, and the other data set decides."""
    failed = reaching({("cifar10", 16): 2.0, ("cifar10", 32): (np.nan, np.nan, 2.0), ("cifar10", 512): 9.0})
    ours, found = verdict("extra-epochs", **together(converging((10.0, 11.0, 12.0), (17.0, 18.0, 19.0)), failed))
    assert found == R and "cifar10: B = 32 failed: no small end; not testable" in ours


def test_a_surface_that_does_not_rise_has_no_ratio_and_is_not_graded_against_the_paper():
    """Review 6: the surfaces are of the test loss, whose centre need not be a minimum, so a seed's rise may be ≤ 0;
    its data set then has no ratio and is not testable, never 'not reproduced' on a NaN."""
    tables = rises(sharper(6.9))
    rise = tables["surface_rise"]
    first = rise["dataset"] == SYNTHETIC[0]
    tables["surface_rise"] = rise.assign(surface_rise=np.where(first & (rise["seed"] == SEEDS[0]), -0.1,
                                                               rise["surface_rise"]))
    ours, found = verdict("flat-vs-sharp", **tables)
    assert f"{SYNTHETIC[0]}: " in ours and "not testable" in ours.split(f"{SYNTHETIC[0]}: ")[1].split(";")[0]
    assert found == PARTLY  # the other sets sharper; a synthetic set without a ratio: at best partly
