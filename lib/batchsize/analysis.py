"""The analyses the chapters and the report share: sharpness, gradient variance and the gradient noise scale at
trained weights, the critical-batch points and the matched-steps control. Computed here once, judged by the rules
in `report`.

Every function takes the runs to analyse (all seeds of a configuration, not the first) and a `book.Chapter`
that loads their weights and data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import joblib
import numpy as np
import pandas as pd

from . import paper, report
from .config import DATASET_NAMES
from .report import Estimate, NotTestable, difference, log_estimate, ratio
from .store import REPO_ROOT

if TYPE_CHECKING:
    from .noise import LogLogFit


def with_weights(chapter, runs: pd.DataFrame) -> pd.DataFrame:
    """The runs whose trained weights the chapter's stores hold (every seed that has them)."""
    from .store import config_of

    return runs[[chapter.weights_store(run).weights_path(config_of(run)).is_file() for _, run in runs.iterrows()]]


def surface_points(run: pd.Series, smoke: bool, grid_points: int | None = None) -> int:
    """Grid points per axis of a run's loss surface: the paper's 51 for an MLP on paper runs, 21 for a CNN there
    (a 51 × 51 CNN surface is about 45 CPU-minutes), 21 / 9 on quick runs, 5 at smoke scale; `grid_points` wins."""
    if grid_points:
        return grid_points
    if smoke:
        return 5
    if run["prov_profile"] == "paper":
        return 51 if run["model"] == "mlp" else 21
    return 21 if run["model"] == "mlp" else 9


def surface_eval_size(run: pd.Series, smoke: bool, n_eval: int | None = None) -> int:
    """Test examples a loss surface is evaluated on: 2,000 for an MLP, 500 for a CNN, 256 at smoke scale."""
    return n_eval or (256 if smoke else 2000 if run["model"] == "mlp" else 500)


def loss_surfaces(chapter, weights: pd.DataFrame, datasets: list[str], grid_points: int | None = None,
                  n_eval: int | None = None) -> pd.DataFrame:
    """Algorithm 1 for the smallest and the largest B of each data set in `weights` (one seed): the test loss on a
    filter-normalized random plane around the trained weights, one row per grid point (`alpha`, `beta`). Both runs
    of a data set draw their directions with the same seed, each normalized to its own network, so the two
    surfaces differ only by the weights; `n_eval` and `points` say what each surface was computed on."""
    import torch

    from .landscape import filter_normalized_direction, loss_surface

    smoke = chapter.profile == "smoke"
    surfaces = []
    for name in datasets:
        part = weights[weights["dataset"] == name].sort_values("batch_size")
        if len(part) < 2:
            continue
        for run in (part.iloc[0], part.iloc[-1]):
            model = chapter.model(run)
            x, y = chapter.eval_set(run, surface_eval_size(run, smoke, n_eval))
            generator = torch.Generator().manual_seed(0)
            directions = (filter_normalized_direction(model, generator), filter_normalized_direction(model, generator))
            axis = np.linspace(-1, 1, surface_points(run, smoke, grid_points))
            loss = loss_surface(model, x, y, directions, axis, axis)
            a, b = np.meshgrid(axis, axis, indexing="ij")
            surfaces.append(pd.DataFrame({"dataset": name, "batch_size": run["batch_size"], "alpha": a.ravel(),
                                          "beta": b.ravel(), "test_loss": loss.ravel(), "n_eval": len(x),
                                          "points": len(axis)}))
    return pd.concat(surfaces, ignore_index=True) if surfaces else pd.DataFrame()


def surface_rise(surfaces: pd.DataFrame, half_width: float = 0.5) -> pd.DataFrame:
    """How fast each surface of `loss_surfaces` rises around its minimum: the mean test loss over the square
    |α|, |β| ≤ `half_width` minus the loss at the centre; one number per surface, larger for a sharper one."""
    keys = ["dataset", "batch_size"]
    centre = surfaces[(surfaces["alpha"] == 0) & (surfaces["beta"] == 0)].set_index(keys)
    inner = surfaces[(surfaces["alpha"].abs() <= half_width) & (surfaces["beta"].abs() <= half_width)]
    return (inner.groupby(keys)["test_loss"].mean() - centre["test_loss"]).rename(
        f"mean rise within |α|, |β| ≤ {half_width:g}").reset_index()


def runs_with_weights(chapter, datasets: list[str]) -> pd.DataFrame:
    """Every run of `datasets` in the chapter's sections whose weights the stores keep, all seeds: the runs the
    landscape and noise analyses load."""
    runs = pd.concat([chapter.table(s) for s in chapter.sections], ignore_index=True)
    return with_weights(chapter, runs[runs["dataset"].isin(datasets)])


CACHE = joblib.Memory(REPO_ROOT / "_build" / "analysis-cache", verbose=0)


def sharpness_table(chapter, weights: pd.DataFrame, epsilon: float = paper.SHARPNESS_EPSILON,
                    n_eval: int | None = None, trace_samples: int = 100) -> pd.DataFrame:
    """ε-sharpness (Eq. 3), Keskar sharpness, top Hessian eigenvalue and Hessian trace (Hutchinson's estimate
    from `trace_samples` Rademacher vectors, with its standard error) of every run in `weights`, in float64 on
    one fixed evaluation set per data set (the first `n_eval` test examples). Each run's values are cached by
    its key and these parameters, so the landscape chapter and the report compute them once and show the same."""
    rows = [{"dataset": run["dataset"], "batch_size": run["batch_size"], "seed": run["seed"],
             "test_acc": run["test_acc"], **_sharpness(run["key"], epsilon, n_eval, chapter, run),
             **_trace(run["key"], n_eval, trace_samples, chapter, run)}
            for _, run in weights.iterrows()]
    return pd.DataFrame(rows)


@CACHE.cache(ignore=["chapter", "run"])
def _sharpness(key: str, epsilon: float, n_eval: int | None, chapter, run: pd.Series) -> dict[str, float]:
    import torch

    from .sharpness import epsilon_sharpness, hessian_top_eigenvalue, keskar_sharpness

    model = chapter.model(run)
    x, y = chapter.eval_set(run, n_eval)
    generator = torch.Generator().manual_seed(0)
    return {"n_eval": len(x),
            "epsilon_sharpness": epsilon_sharpness(model, x, y, epsilon, generator=generator, dtype=torch.float64),
            "keskar_sharpness": keskar_sharpness(model, x, y, generator=generator, dtype=torch.float64),
            "hessian_top_eigenvalue": hessian_top_eigenvalue(model, x, y, generator=generator, dtype=torch.float64)}


@CACHE.cache(ignore=["chapter", "run"])
def _trace(key: str, n_eval: int | None, samples: int, chapter, run: pd.Series) -> dict[str, float]:
    """Cached apart from `_sharpness`, so that adding the trace kept the other measures' cache."""
    import torch

    from .sharpness import hessian_trace

    x, y = chapter.eval_set(run, n_eval)
    mean, se = hessian_trace(chapter.model(run), x, y, samples=samples, generator=torch.Generator().manual_seed(0),
                             dtype=torch.float64)
    return {"hessian_trace": mean, "hessian_trace_se": se}


SHARPNESS_METRICS = ("epsilon_sharpness", "keskar_sharpness", "hessian_top_eigenvalue", "hessian_trace")


def sharpness_pair(batch_sizes: pd.Series) -> tuple[int, int]:
    """The two B a sharpness ratio compares: the paper's 32 and 512 where run, else the smallest and largest."""
    sizes = sorted(int(b) for b in batch_sizes.unique())
    return 32 if 32 in sizes else sizes[0], 512 if 512 in sizes else sizes[-1]


def sharpness_ratios(sharp: pd.DataFrame, metrics: tuple[str, ...]) -> pd.DataFrame:
    """Each measure at the large over the small B of each data set (`sharpness_pair`): geometric mean over seeds
    with the Welch interval on the log scale (`report.ratio`); no ratio (NaN, `positive` no) where a value is not
    positive (an estimate such as Hutchinson's trace can be). The report's sharpness claims judge these rows."""
    rows = []
    for name, part in sharp.groupby("dataset"):
        small, large = sharpness_pair(part["batch_size"])
        if small == large:
            continue
        for metric in metrics:
            a, b = part.loc[part["batch_size"] == large, metric], part.loc[part["batch_size"] == small, metric]
            positive = bool((a > 0).all() and (b > 0).all())
            r = ratio(a, b) if positive else Estimate(np.nan, np.nan, np.nan, min(len(a), len(b)))
            rows.append({"dataset": name, "metric": metric, "B small": small, "B large": large, "ratio": r.mean,
                         "95% CI low": r.low, "95% CI high": r.high, "seeds": r.n, "positive": positive})
    return pd.DataFrame(rows)


def rank_agreement(sharp: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """Whether two sharpness measures order the batch sizes of each data set the same way: the B from the
    flattest to the sharpest by each measure's seed mean, and Kendall's τ between the two sets of means."""
    from scipy import stats

    rows = []
    for name, part in sharp.groupby("dataset"):
        means = part.groupby("batch_size")[[first, second]].mean()
        if len(means) < 2:
            continue
        by_first = [int(b) for b in means[first].sort_values(kind="stable").index]
        by_second = [int(b) for b in means[second].sort_values(kind="stable").index]
        tau = stats.kendalltau(means[first], means[second]).statistic
        rows.append({"dataset": name, f"order by {first}": by_first, f"order by {second}": by_second,
                     "same order": by_first == by_second, "Kendall τ": float(tau)})
    return pd.DataFrame(rows)


def base_batch_models(weights: pd.DataFrame, datasets: list[str], base: int = 32) -> pd.DataFrame:
    """Per data set, every seed's weights run at the B closest to `base` (the paper's B₀ = 32)."""
    weights = weights[weights["dataset"].isin(datasets)]
    distance = (weights["batch_size"] - base).abs()
    return weights[distance == distance.groupby(weights["dataset"]).transform("min")]


def variance_table(chapter, models: pd.DataFrame, batch_sizes: list[int], n_batches: int = 20) -> pd.DataFrame:
    """Eq. (4) against B at each model's trained weights, on its training set, with and without replacement;
    `variance / fpc` divides out the without-replacement factor (N − B)/(N − 1)."""
    import torch

    from .noise import variance_vs_batch_size

    rows = []
    for _, run in models.iterrows():
        model = chapter.model(run)
        x, y = chapter.train_set(run)
        sizes = [b for b in batch_sizes if b <= len(x)]
        for replacement in (True, False):
            table = variance_vs_batch_size(model, x, y, sizes, n_batches, replacement=replacement,
                                           generator=torch.Generator().manual_seed(0))
            rows.append(table.assign(dataset=run["dataset"], N=len(x), trained_B=run["batch_size"], seed=run["seed"],
                                     sampling="with replacement" if replacement else "without replacement"))
    variance = pd.concat(rows, ignore_index=True)
    return variance.assign(**{"variance / fpc": variance["variance"] / variance["fpc"]})


def variance_fits(variance: pd.DataFrame) -> pd.DataFrame:
    """Eq. (5): log σ̂² on log B per data set and sampling, slope with its 95% t interval and R²; the points of
    every seed's model go into one fit, so the interval carries the spread between seeds."""
    from .noise import loglog_fit

    fits = []
    for (name, sampling), part in variance.groupby(["dataset", "sampling"], sort=False):
        for column in ("variance",) if sampling == "with replacement" else ("variance", "variance / fpc"):
            keep = part[np.isfinite(part[column]) & (part[column] > 0)]
            fit = loglog_fit(keep["batch_size"], keep[column])
            fits.append({"dataset": name, "sampling": sampling, "fitted": column, "slope": fit.slope,
                         "slope CI low": fit.slope_ci[0], "slope CI high": fit.slope_ci[1], "R²": fit.r2,
                         "points": fit.n})
    return pd.DataFrame(fits)


def critical_sizes(runs: pd.DataFrame, tolerance: float = 1.0) -> pd.DataFrame:
    """B* per synthetic training-set size (the data sets and the `dataset-size` subsets): the points of the
    B* ∝ N^a fit; <NA> where no B falls more than `tolerance` below the peak."""
    from .critical import critical_batch_size

    found = critical_batch_size(runs, tolerance, by=("dataset", "train_size"))
    return found[found["dataset"].str.startswith("synthetic")].reset_index(drop=True)


def exponent_fits(synthetic: pd.DataFrame) -> tuple[pd.DataFrame, LogLogFit | None]:
    """Eq. (6)'s exponent fitted on the paper's three synthetic points of Table VI and on ours (the rows of
    `critical_sizes` that have a B*, where at least two sizes do), each with its 95% t interval; also our fit
    itself (None without one), which the figure draws. Setting the two side by side shows how little three
    points say."""
    from .critical import fit_scaling_law

    vi = paper.table("VI")
    fits = [("paper's Table VI (3 synthetic points)", fit_scaling_law(vi["N"][:3], vi["critical_B"][:3]))]
    ours = None
    if synthetic["train_size"].nunique() >= 2:
        ours = fit_scaling_law(synthetic["train_size"], synthetic["critical_b"].astype(float))
        fits.append(("ours (synthetic sets and subsets)", ours))
    return pd.DataFrame([{"fit": name, "exponent": f.slope, "CI low": f.slope_ci[0], "CI high": f.slope_ci[1],
                          "R²": f.r2, "points": f.n} for name, f in fits]), ours


# ----------------------------------------------------------------------------- time to a target accuracy

def accuracy_target(runs: pd.DataFrame, dataset: str, rule: float = 0.9) -> float:
    """The paper's 80% where at least two batch sizes of `dataset` reach it (a target that only one B reaches
    compares nothing), else `rule` × the best mean accuracy seen, to one decimal."""
    from .run import ACCURACY_TARGET

    best = runs[runs["dataset"] == dataset].groupby("batch_size")["best_test_acc"].mean()
    return ACCURACY_TARGET if (best > ACCURACY_TARGET).sum() >= 2 else round(rule * best.max(), 1)


def runs_to_target(runs: pd.DataFrame, history: pd.DataFrame, rule: float = 0.9,
                   speed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per run: the first epoch whose test accuracy reaches its data set's `accuracy_target` and the training
    seconds until then (that epoch × the run's epoch time, as `report.time_to_target`); None where the run never
    reached it in its budget. The epoch times are `report.run_epoch_times`: the runs' own medians, or the CNN
    benchmark's (`speed`) where several sweeps timed a data set (column `epoch times from`)."""
    rows = []
    epoch_time, notes = report.run_epoch_times(runs, speed)
    by_key = runs.assign(epoch_time=epoch_time).set_index("key")
    for key, curve in history.sort_values("epoch").groupby("key"):
        run = by_key.loc[key]
        target = accuracy_target(runs, run["dataset"], rule)
        reached = curve[curve["test_acc"] >= target]
        epoch = int(reached["epoch"].iloc[0]) if len(reached) else None
        seconds = epoch * run["epoch_time"] if epoch else None
        rows.append({"dataset": run["dataset"], "batch_size": run["batch_size"], "seed": run["seed"],
                     "target": target, "epochs_to_target": epoch, "seconds_to_target": seconds,
                     "epoch_time": run["epoch_time"],
                     "epoch times from": "benchmark" if notes[run["dataset"]] else "runs"})
    return pd.DataFrame(rows)


def target_cells(to_target: pd.DataFrame) -> pd.DataFrame:
    """`runs_to_target` as seed means per data set and B (a run that never reached the target is left out of its
    cell's mean)."""
    return to_target.groupby(["dataset", "batch_size"]).agg(
        target=("target", "first"), epochs_to_target=("epochs_to_target", "mean"),
        seconds_to_target=("seconds_to_target", "mean"), epoch_time=("epoch_time", "mean"),
        epoch_times_from=("epoch times from", "first")).reset_index()


def efficiency_ratios(cells: pd.DataFrame) -> pd.DataFrame:
    """The paper's three efficiency ratios per data set, its largest B against its smallest (`target_cells`):
    per-epoch speedup, extra epochs to the target and net wall-clock speedup (> 1: the large batch is faster)."""
    rows = []
    for name, part in cells.groupby("dataset"):
        small, large = part.iloc[0], part.iloc[-1]
        rows.append({"dataset": name, "small B": small["batch_size"], "large B": large["batch_size"],
                     "per-epoch speedup": small["epoch_time"] / large["epoch_time"],
                     "epochs ratio (large/small)": large["epochs_to_target"] / small["epochs_to_target"],
                     "wall-clock speedup": small["seconds_to_target"] / large["seconds_to_target"],
                     "epoch times from": small["epoch_times_from"]})
    return pd.DataFrame(rows)


CNN_BENCHMARK = REPO_ROOT / "benchmarks" / "results" / "cnn-cpu.json"  # `benchmarks/cnn.py` on one quiet core
# Every committed run of it, one per CPU: the sweeps' own first (the report grades on it), then an Intel core
# without native bf16, on which earlier paper runs were trained.
CNN_BENCHMARKS = (CNN_BENCHMARK, CNN_BENCHMARK.parent / "intel-emulated-bf16" / "cnn-cpu.json")


def cnn_speed(path=CNN_BENCHMARK) -> pd.DataFrame:
    """The committed CNN benchmark's training rates, one row per (data set, precision, B) with its repeats
    (`img_s` of each), and where and when it was measured (`cpu`, `source`). Every B was timed in one process,
    back to back: the runs' own epoch times come from sweeps in different sessions, under different loads, and do
    not compare across B as cleanly. Empty when the file is absent."""
    if not Path(path).is_file():
        return pd.DataFrame(columns=["dataset", "precision", "batch_size", "img_s", "cpu", "source"])
    result = json.loads(Path(path).read_text())
    m = result["machine"]
    cpu = f"{m['cpu']} (bf16 {'native' if m.get('native_bf16') else 'emulated'})"
    source = f"`benchmarks/cnn.py`, {cpu}, {m['torch_threads']} thread(s), {m['date'][:10]}, commit {m['commit']}"
    return pd.DataFrame([{"dataset": r["dataset"], "precision": r["precision"], "batch_size": r["batch_size"],
                          "img_s": r["all_img_s"], "cpu": cpu, "source": source} for r in result["rows"]])


def cnn_epoch_speedups(speed: pd.DataFrame) -> pd.DataFrame:
    """Per CPU, data set and precision of `cnn_speed`: the training rate at each B over that at B = 1 (the
    per-epoch speed-up, as an epoch is a fixed number of images), with its interval over the benchmark's
    repeats."""
    rows = []
    for (cpu, dataset, precision), part in speed.groupby(["cpu", "dataset", "precision"], sort=False):
        base = part[part["batch_size"] == 1]
        if base.empty:
            continue
        for _, row in part.iterrows():  # B = 1 over itself is 1 exactly, not an interval around it
            found = (report.ratio(row["img_s"], base["img_s"].iloc[0]) if row["batch_size"] != 1
                     else report.Estimate(1.0, 1.0, 1.0, len(row["img_s"])))
            rows.append({"CPU": cpu, "dataset": dataset, "precision": precision, "B": row["batch_size"],
                         "img/s": float(np.median(row["img_s"])), "per-epoch speedup over B = 1": found.mean,
                         "CI low": found.low, "CI high": found.high})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- gradient noise scale against B*

NOISE_EXAMPLES = {"mlp": None, "mnist_cnn": 2_000, "cifar_cnn": 2_000}  # None: the whole training set


def noise_scales(chapter, models: pd.DataFrame, n_examples: dict[str, int | None] | None = None) -> pd.DataFrame:
    """McCandlish et al.'s simple noise scale B_noise = tr Σ / |G|² (`noise.noise_scale_simple`) at the trained
    weights of each run in `models`, from per-example gradients on its training set: all of it, or a fixed random
    subset of `n_examples[model]` (default `NOISE_EXAMPLES`: the whole set for the MLPs, 2,000 for the CNNs).
    `b_noise` is NaN where the estimate of |G|² is not positive (then B_noise cannot be estimated). Cached per run
    key and subset size."""
    limits = {**NOISE_EXAMPLES, **(n_examples or {})}
    rows = []
    for _, run in models.iterrows():
        found = _noise_scale(run["key"], limits.get(run["model"]), chapter, run)
        rows.append({"dataset": run["dataset"], "trained B": run["batch_size"], "seed": run["seed"], **found,
                     "b_noise": found["b_noise"] if found["grad_sq_norm"] > 0 else np.nan})
    return pd.DataFrame(rows, columns=["dataset", "trained B", "seed", "N", "examples", "b_noise", "trace_sigma",
                                       "grad_sq_norm"])


@CACHE.cache(ignore=["chapter", "run"])
def _noise_scale(key: str, n_examples: int | None, chapter, run: pd.Series) -> dict[str, float]:
    import torch

    from .noise import noise_scale_simple

    x, y = chapter.train_set(run)
    n = len(x)
    if n_examples is not None and n_examples < n:
        keep = torch.randperm(n, generator=torch.Generator().manual_seed(0))[:n_examples]
        x, y = x[keep], y[keep]
    found = noise_scale_simple(chapter.model(run), x, y, batch_size=512 if x.dim() == 2 else 32)
    return {"N": n, "examples": len(x), "b_noise": found.b_noise, "trace_sigma": found.trace_sigma,
            "grad_sq_norm": found.grad_sq_norm}


def noise_against_critical(noise: pd.DataFrame, table_vi: pd.DataFrame, factor: float = 2.0) -> pd.DataFrame:
    """B_noise (geometric mean over seeds with its 95 % t interval on the log scale, `report.log_estimate`) beside
    the measured B* of each data set (`report.table_vi`), their ratio, and whether they agree: "within a factor 2"
    when the interval of B_noise lies inside [B*/factor, B*·factor], "B_noise larger" or "smaller" when it lies
    beyond, "undecided" when it reaches across an edge; "no B*" or "no estimate" where one side is missing."""
    rows = []
    for _, row in table_vi.iterrows():
        part = noise[noise["dataset"] == row["dataset"]]
        if part.empty:
            continue
        b_star = row["critical_b"]
        finite = part["b_noise"].dropna()
        ours = log_estimate(finite) if len(finite) else Estimate(np.nan, np.nan, np.nan, 0)
        if pd.isna(b_star) or not len(finite):
            agreement, scale = ("no B*" if pd.isna(b_star) else "no estimate"), np.nan
        else:
            scale = float(b_star)
            low, high = scale / factor, scale * factor
            agreement = ("B_noise larger" if ours.low > high else "B_noise smaller" if ours.high < low
                         else f"within a factor {factor:g}" if low <= ours.low and ours.high <= high
                         else "undecided")
        rows.append({"dataset": row["dataset"], "N": row["N"], "B*": b_star,
                     "trained B": ", ".join(str(int(b)) for b in sorted(part["trained B"].unique())),
                     "B_noise": ours.mean, "CI low": ours.low, "CI high": ours.high, "seeds": ours.n,
                     "not estimable": int(part["b_noise"].isna().sum()), "B_noise / B*": ours.mean / scale,
                     "ratio CI low": ours.low / scale, "ratio CI high": ours.high / scale, "agreement": agreement})
    return pd.DataFrame(rows, columns=["dataset", "N", "B*", "trained B", "B_noise", "CI low", "CI high", "seeds",
                                       "not estimable", "B_noise / B*", "ratio CI low", "ratio CI high", "agreement"])


# ----------------------------------------------------------------------------- the appendix's paired checks

def init_check_text(runs: pd.DataFrame, cells: pd.DataFrame, chosen: str) -> str:
    """In words, from the `init-check` runs and their `checks.compare` cells: how many runs of each initialisation
    ended at chance, why the paper's Table III rules one reading out (a run at chance cannot score it), which one
    the paper profile uses (`chosen`), and where both trained, the differences whose interval excludes zero."""
    collapsed = {v: int((runs[runs["init"] == v]["outcome"] != "trained").sum()) for v in ("he-uniform",
                                                                                          "torch-default")}
    table_iii = paper.table("III").set_index("B")["test_acc"]
    trained = cells[cells["within seed spread"].notna()]  # cells where no run ended at chance
    clear = trained[(trained["difference CI low"] > 0) | (trained["difference CI high"] < 0)]
    clear = "; ".join(f"{DATASET_NAMES[d]} at B = {b}: {v:+.1f} pp [{lo:+.1f}, {hi:+.1f}]" for d, b, v, lo, hi in
                      clear[["dataset", "batch_size", "difference", "difference CI low", "difference CI high"]]
                      .to_numpy())
    clear = (f"Where both trained, the paired difference (torch-default − he-uniform, 95 % interval) excludes zero "
             f"at: {clear}." if clear else "")
    return (f"Of {len(runs) // 2} runs per initialisation, **{collapsed['he-uniform']}** ended at chance under "
            f"`he-uniform` and **{collapsed['torch-default']}** under `torch-default`. The paper reports "
            f"{table_iii[128]:.2f} % on MNIST at B = 128, which a run at chance cannot be, so its networks trained: "
            f"the paper profile uses `{chosen}`. The collapse under the other reading stays a finding: the paper's "
            "learning rates leave no margin for a √6 larger initialisation. " + clear)


def precision_check_cells(runs: pd.DataFrame) -> pd.DataFrame:
    """The `precision-check` runs' `checks.compare` cells (bf16 against fp32) with each precision's median epoch time
    and the speed-up of bf16: bf16 is worth having only if it is both within the seed spread and faster."""
    from .checks import compare

    cells = compare(runs, "precision", "fp32", "bf16")
    speed = runs.pivot_table(index=["dataset", "batch_size"], columns="precision",
                             values="median_epoch_time").reset_index()
    cells = cells.merge(speed.rename(columns={"fp32": "fp32 epoch s", "bf16": "bf16 epoch s"}),
                        on=["dataset", "batch_size"])
    # epoch times compare only on one CPU: a sweep that spans sessions may run the two precisions on two machines
    one_cpu = runs.groupby(["dataset", "batch_size"])["prov_device_name"].nunique().eq(1).rename("one CPU")
    cells = cells.merge(one_cpu.reset_index(), on=["dataset", "batch_size"])
    cells["bf16 speed-up"] = (cells["fp32 epoch s"] / cells["bf16 epoch s"]).where(cells["one CPU"])
    return cells


def precision_check_text(cells: pd.DataFrame, runs: pd.DataFrame, used: dict[str, str]) -> str:
    """In words, from `precision_check_cells`: in how many cells bf16 is within the seed spread of fp32 (validated
    only if in all), its speed-up on the machine that made the runs, and the precision the paper profile uses
    for each data set (`used`: data set -> precision)."""
    within = cells["within seed spread"]
    validated = bool(within.notna().all() and within.all())
    low, high = cells["bf16 speed-up"].min(), cells["bf16 speed-up"].max()
    speedup = f"{low:.2f}×" if f"{low:.2f}" == f"{high:.2f}" else f"{low:.2f}–{high:.2f}×"
    cpus = ", ".join(sorted(runs["prov_device_name"].dropna().unique()))
    timed = cells["bf16 speed-up"].notna()
    speed = (f"**{speedup}** as fast as fp32 on the machine that made these runs ({cpus})" if timed.all() else
             f"**{speedup}** as fast as fp32 in the {int(timed.sum())} cells whose two precisions ran on one CPU"
             if timed.any() else "its speed cannot be told from these runs: each cell's two precisions ran on "
             f"different CPUs ({cpus})")
    return (f"bf16 is within the seed spread of fp32 in **{int(within.fillna(False).sum())} of {len(within)}** "
            f"cells (validated: **{'yes' if validated else 'no'}**; a cell where a run ended at chance cannot "
            f"validate), and {speed}. The paper profile trains "
            + ", ".join(f"{DATASET_NAMES.get(d, d)} in {p}" for d, p in used.items())
            + ": bf16 pays only where the CPU has bf16 arithmetic (AVX512-BF16 or AMX), and only after this check "
            "passes.")


# ----------------------------------------------------------------------------- the selection protocol

def protocol_table(runs: pd.DataFrame, gap_threshold: float = paper.PROTOCOL_GAP) -> pd.DataFrame:
    """Algorithm 2 applied to each data set of `runs` (N: its training examples; η₀ and B₀ from its runs, Table II)
    beside what we measured: the best B, the measured B nearest the recommendation, what choosing it costs
    against the best, and whether the gap rule (line 11, Δ > `gap_threshold`) would fire there."""
    from .protocol import adjust_for_gap, recommend_batch_size

    rows = []
    for name, part in report.mean_by_batch(runs).groupby("dataset", sort=False):
        n = int(runs.loc[runs["dataset"] == name, "train_size"].iloc[0])
        first = runs[runs["dataset"] == name].iloc[0]
        advice = recommend_batch_size(n, base_lr=first["base_lr"], base_batch=int(first["base_batch"]))
        best = part.loc[part["test_acc"].idxmax()]
        at = part.iloc[(part["batch_size"] - advice.batch_size).abs().argmin()]
        step = adjust_for_gap(int(at["batch_size"]), advice.lr, float(at["gap"]), gap_threshold)
        rows.append({"dataset": name, "N (train)": n, "candidates": advice.candidates,
                     "recommended B": advice.batch_size, "recommended η": advice.lr, "warmup": advice.warmup,
                     "best B (ours)": int(best["batch_size"]), "best acc": best["test_acc"],
                     "nearest measured B": int(at["batch_size"]), "acc there": at["test_acc"],
                     "loss vs best (pp)": best["test_acc"] - at["test_acc"], "gap there": at["gap"],
                     "gap rule": step.reason, "notes": "; ".join(advice.notes)})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- the report's tables

def report_tables(chapter) -> dict[str, pd.DataFrame]:
    """The tables `report.evaluate` judges, from the chapter's `synthetic`, `mnist`, `cifar10`, `lr-scaling` and
    `dataset-size` sections, through the same drivers (and caches) as the chapters that show them, so that a
    claim and its chapter cannot disagree. Sharpness and variance use every seed whose weights the store keeps:
    the claims compare intervals."""
    accuracy = pd.concat([chapter.table(s) for s in ("synthetic", "mnist", "cifar10")], ignore_index=True)
    mlp = with_weights(chapter, accuracy[accuracy["model"] == "mlp"])
    return {
        "accuracy": accuracy,
        "lr-scaling": chapter.table("lr-scaling"),
        "sharpness": sharpness_table(chapter, mlp, n_eval=256 if chapter.profile == "smoke" else 2000),
        "variance_fits": variance_fits(variance_table(chapter, base_batch_models(mlp, list(report.SYNTHETIC)),
                                                      [1, 2, 4, 8, 16, 32, 64, 128, 256, 512])),
        "critical_runs": pd.concat([accuracy, chapter.table("dataset-size")]).drop_duplicates("key"),
        "cnn-speed": cnn_speed(),
    }


# ----------------------------------------------------------------------------- accuracy against B

def best_batch_sizes(runs: pd.DataFrame) -> pd.DataFrame:
    """Per data set, the B with the highest seed-mean test accuracy (over the runs that trained, as the figures
    draw it; `at chance` counts the others), beside the paper's optimal B (Table VI)."""
    means = report.mean_by_batch(runs, trained_only=True)
    peaks = means.sort_values("test_acc", ascending=False).groupby("dataset").head(1)
    peaks = peaks[["dataset", "batch_size", "test_acc", "seeds", "at chance"]].rename(
        columns={"batch_size": "best B (ours)"})
    theirs = paper.table("VI")[["dataset", "optimal_B"]].rename(columns={"optimal_B": "optimal B (paper)"})
    return peaks.merge(theirs, on="dataset", how="left")


def runs_of_failed_cells(runs: pd.DataFrame) -> pd.DataFrame:
    """Every run of each (data set, B) cell where some run did not train: the failed ones and their siblings."""
    failed = runs[~report.trained(runs)][["dataset", "batch_size"]].drop_duplicates()
    return runs.merge(failed, on=["dataset", "batch_size"])


def failed_runs_text(runs: pd.DataFrame) -> str:
    """In words, every (data set, B) cell where runs ended at chance: how many of its seeds, how (collapsed to a
    constant predictor, or diverged, and in which epoch) and at which learning rate. A finding to show, since
    the means and intervals leave these runs out."""
    failed = runs[~report.trained(runs)]
    if failed.empty:
        return f"All {len(runs)} runs trained: none ended at chance."
    cells = []
    for (dataset, b), part in failed.groupby(["dataset", "batch_size"], sort=False):
        total = len(report.cell(runs, dataset, b))
        how = ", ".join(f"seed {r.seed} {r.outcome}" + (f" in epoch {r.epochs_run}" if r.outcome == "diverged"
                                                        else f" at {r.test_acc:.2f} %")
                        for r in part.sort_values("seed").itertuples())
        cells.append(f"{DATASET_NAMES.get(dataset, dataset)} ({report.runs_profile(part, 'unknown')} profile) at "
                     f"B = {b}, η = {part['lr'].iloc[0]:g}: **{len(part)} of {total}** ({how})")
    return (f"**{len(failed)} of {len(runs)} runs ended at chance**, drawn as crosses and left out of every mean: "
            + "; ".join(cells) + ".")


# ----------------------------------------------------------------------------- the generalization gap

def pearson_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Pearson r of log₂ B with Δ (`report.pearson_log_b_gap`) over all runs, then per data set with more than two
    B: pooling data sets mixes levels of Δ that differ by data set, so the rows per data set say more. The
    first row carries the paper's value."""
    rows = [{"data": "all data sets", **report.pearson_log_b_gap(runs)}]
    rows += [{"data": DATASET_NAMES[d], **report.pearson_log_b_gap(part)} for d, part in runs.groupby("dataset")
             if part["batch_size"].nunique() > 2]
    table = pd.DataFrame(rows)
    table["paper"] = [f"r = {paper.PEARSON_R}, p < {paper.PEARSON_P}"] + [""] * (len(table) - 1)
    return table


def gap_bound_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per data set, the largest seed-mean Δ among B ≤ the paper's bound's largest B, and whether it is below the
    paper's bound (its "Δ < 2% for B ≤ 64 across every dataset")."""
    small = report.mean_by_batch(runs)
    small = small[small["batch_size"] <= paper.GAP_BOUND_MAX_B]
    worst = small.sort_values("gap", ascending=False).groupby("dataset").head(1)[["dataset", "batch_size", "gap"]]
    worst[f"below {paper.GAP_BOUND:g}%"] = worst["gap"] < paper.GAP_BOUND
    return worst


def matched_curves(curves: pd.DataFrame) -> pd.DataFrame:
    """The learning curves of each B's longest run of the `matched-steps` section, with the updates made by the
    end of each epoch (ceil(N / B) per epoch), so that curves can be read at equal updates or equal epochs."""
    curves = curves[curves["epochs"] == curves.groupby("batch_size")["epochs"].transform("max")]
    return curves.assign(updates=curves["epoch"] * -(-curves["train_size"] // curves["batch_size"]))


# ----------------------------------------------------------------------------- learning-rate rules

def lr_rule_summary(runs: pd.DataFrame) -> str:
    """In words, from the `lr-scaling` runs' seed means at their largest B: how far the fixed rate is behind the
    linear rule (beside the paper's Table V drop at B = 512) and where the square-root rule ends."""
    ours = report.mean_by_batch(runs, ("lr", "test_acc", "gap"), ("batch_size", "lr_rule"))
    acc = ours.pivot(index="batch_size", columns="lr_rule", values="test_acc")
    largest = acc.index.max()
    drop = acc.loc[largest, "linear"] - acc.loc[largest, "fixed"]
    theirs = paper.table("V").set_index(["B", "lr_rule"])["test_acc"]
    paper_drop = theirs[512, "linear"] - theirs[512, "fixed"]
    return (f"At B = {largest}, the fixed rate is **{drop:+.1f} pp** behind the linear rule (the paper, at B = 512: "
            f"{paper_drop:.1f} pp); the square-root rule reaches {acc.loc[largest, 'sqrt']:.1f}% against "
            f"{acc.loc[largest, 'linear']:.1f}% for linear.")


def lr_rule_cells(runs: pd.DataFrame) -> pd.DataFrame:
    """Seed means per B and LR rule of the `cifar10-lr` runs (`rule` names a warmup too), with how many of each
    cell's runs diverged: a collapse caused by the rule shows under one rule and not the others."""
    cells = report.mean_by_batch(runs, ("lr", "test_acc", "gap"), ("batch_size", "rule"))
    cells["diverged runs"] = runs.groupby(["batch_size", "rule"])["diverged"].sum().to_numpy()
    return cells


def with_rule_names(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs with a column `rule`: the LR rule, and its warmup where it has one ("linear + 5-epoch warmup")."""
    return runs.assign(rule=runs["lr_rule"] + runs["warmup_epochs"].map(lambda w: f" + {w}-epoch warmup" if w else ""))


# ----------------------------------------------------------------------------- the matched-steps control

MATCHED_COMPARISONS = ("fixed epochs", "equal updates", "equal epochs")
HIGHER = "B's test acc higher"  # yes, no, or not resolved: where the interval of the difference lies


def _direction(difference_: Estimate) -> str:
    """yes / no where the 95 % interval of a difference lies above / below 0, else "not resolved"; with one seed
    the point decides, and says so."""
    one = " (one seed)" if difference_.n < 2 else ""
    return f"yes{one}" if difference_.low > 0 else f"no{one}" if difference_.high < 0 else "not resolved"


def _cell(runs: pd.DataFrame, batch_size: int, epochs: int) -> pd.DataFrame:
    return runs[(runs["batch_size"] == batch_size) & (runs["epochs"] == epochs)]


def matched_steps(runs: pd.DataFrame, base: int = 32) -> pd.DataFrame:
    """Hoffer et al.'s control on the runs of the `matched-steps` section (one data set): each large B against
    B = `base`, test accuracy and gap Δ as differences of seed means with Welch's 95 % interval
    (`report.difference`), in three comparisons: at the fixed epoch budget E (the paper's setup: fewer updates for
    large B), at equal updates (large B trained E·B/base epochs, B = base E epochs) and at equal epochs (both
    trained E·B/base epochs: the baseline as long as the large batch). A last row per long budget: B = base trained
    that long against E epochs, how far the fixed-budget baseline was from where longer training takes it.
    `HIGHER` says whether the first side's test accuracy is resolved above, below, or neither. Comparisons whose
    runs are missing are left out."""
    fixed = int(runs["epochs"].min())
    rows = []

    def compare(batch_size: int, comparison: str, epochs: int, base_epochs: int) -> None:
        a, b = _cell(runs, batch_size, epochs), _cell(runs, base, base_epochs)
        if a.empty or b.empty:
            return
        acc, gap = difference(a["test_acc"], b["test_acc"]), difference(a["gap"], b["gap"])
        rows.append({"B": batch_size, "comparison": comparison, "epochs": epochs, f"B = {base} epochs": base_epochs,
                     "updates": int(a["steps"].median()), f"B = {base} updates": int(b["steps"].median()),
                     "test acc difference": acc.mean, "CI low": acc.low, "CI high": acc.high,
                     "gap difference": gap.mean, "gap CI low": gap.low, "gap CI high": gap.high, "seeds": acc.n,
                     HIGHER: _direction(acc)})

    longest = {}
    for batch_size in sorted(b for b in runs["batch_size"].unique() if b != base):
        long = int(runs.loc[runs["batch_size"] == batch_size, "epochs"].max())
        longest[batch_size] = long
        compare(batch_size, "fixed epochs", fixed, fixed)
        if long > fixed:
            compare(batch_size, "equal updates", long, fixed)
            compare(batch_size, "equal epochs", long, long)
    for long in sorted(set(longest.values()) - {fixed}):
        compare(base, "longer training", long, fixed)
    return pd.DataFrame(rows)


def _row_estimate(row: pd.Series, column: str = "test acc difference", low: str = "CI low",
                  high: str = "CI high") -> Estimate:
    return Estimate(row[column], row[low], row[high], int(row["seeds"]))


def matched_steps_conclusion(table: pd.DataFrame, base: int = 32) -> str:
    """What the matched-steps control shows, in words computed from `matched_steps`: per large B, whether its
    test-accuracy deficit against B = base at the fixed budget closes at equal updates, and what remains at
    equal epochs; then how much B = base itself gains from the longer budgets."""
    if table.empty:
        raise NotTestable("no matched-steps comparison has both of its runs")

    def higher(row: pd.Series | None, answer: str) -> bool:
        return row is not None and row[HIGHER].split(" (")[0] == answer

    sentences = []
    for batch_size, part in table[table["B"] != base].groupby("B"):
        rows = {r["comparison"]: r for _, r in part.iterrows()}
        fixed, updates, epochs = (rows.get(c) for c in MATCHED_COMPARISONS)
        said = []
        if fixed is not None:
            said.append(f"{_row_estimate(fixed).text(' pp')} at the fixed budget of {fixed['epochs']} epochs")
        if updates is not None:
            said.append(f"{_row_estimate(updates).text(' pp')} at equal updates (B = {batch_size} trained "
                        f"{updates['epochs']} epochs)")
        if epochs is not None:
            said.append(f"{_row_estimate(epochs).text(' pp')} at equal epochs (B = {base} trained as long)")
        text = f"B = {batch_size} minus B = {base} in test accuracy: " + "; ".join(said)
        deficit = higher(fixed, "no")
        if fixed is not None and updates is not None:
            if not deficit:
                verdict = f"B = {batch_size} is not behind at the fixed budget: there is no deficit for matched " \
                          "steps to close"
            elif higher(updates, "yes"):
                verdict = "the deficit closes at matched steps, and the large batch is even ahead"
            elif higher(updates, "not resolved"):
                verdict = "the deficit closes at matched steps (no difference resolved)"
            elif updates["test acc difference"] > fixed["test acc difference"]:
                verdict = "the deficit narrows at matched steps but does not close"
            else:
                verdict = "the deficit does not close at matched steps"
            text += f". So {verdict}"
        if epochs is not None:
            where = "ahead of it" if higher(epochs, "yes") else "behind it" if higher(epochs, "no") else \
                "within the seed spread of it"
            text += f"; with B = {base} trained as long, B = {batch_size} is {where}"
            if deficit and higher(epochs, "no") and updates is not None and not higher(updates, "no"):
                text += f", so matched steps close the deficit only against a B = {base} that trained fewer epochs"
        sentences.append(text + ".")
    longer = table[table["B"] == base]
    if len(longer):
        changes = " and ".join(f"by {_row_estimate(r).text(' pp')} from {r[f'B = {base} epochs']} to "
                               f"{r['epochs']} epochs" for _, r in longer.iterrows())
        gains = [higher(r, "yes") for _, r in longer.iterrows()]
        losses = [higher(r, "no") for _, r in longer.iterrows()]
        what = ("the fixed-budget baseline had not converged" if any(gains) else
                "longer training lowers it" if all(losses) else "changes these seeds do not resolve")
        sentences.append(f"B = {base} itself changes {changes}: {what}.")
    if (table["seeds"] < 2).any():
        sentences.append("With one seed per run these differences have no interval: each is a single pair of runs.")
    return " ".join(sentences)


def noise_agreement(versus: pd.DataFrame, factor: float = 2.0) -> str:
    """In words, from `noise_against_critical`: on how many data sets B_noise and B* agree within `factor`, and
    which way the others lie."""
    both = versus[~versus["agreement"].isin(["no B*", "no estimate"])]
    missing = versus[versus["agreement"].isin(["no B*", "no estimate"])]
    if both.empty:
        return "No data set has both a B* and an estimate of B_noise here, so the two cannot be compared."

    def listed(part: pd.DataFrame) -> str:
        return ", ".join(f"{r['dataset']} (B_noise/B* = {r['B_noise / B*']:.2g})" for _, r in part.iterrows())

    agree = both[both["agreement"] == f"within a factor {factor:g}"]
    text = (f"B_noise agrees with the measured B* within a factor {factor:g} on {len(agree)} of the {len(both)} "
            f"data sets that have both" + (f": {listed(agree)}" if len(agree) else ""))
    for word, part in (("larger", both[both["agreement"] == "B_noise larger"]),
                       ("smaller", both[both["agreement"] == "B_noise smaller"])):
        if len(part):
            text += f"; it is {word} on {listed(part)}"
    undecided = both[both["agreement"] == "undecided"]
    if len(undecided):
        text += ("; the seeds cannot tell on " + ", ".join(
            f"{r['dataset']} (B_noise/B* = {r['B_noise / B*']:.2g}, 95 % interval {r['ratio CI low']:.2g}–"
            f"{r['ratio CI high']:.2g})" for _, r in undecided.iterrows()))
    if len(missing):
        text += "; not compared: " + ", ".join(f"{r['dataset']} ({r['agreement']})" for _, r in missing.iterrows())
    return text + "."


def rank_agreement_text(ranks: pd.DataFrame, first: str, second: str, names: tuple[str, str]) -> str:
    """In words, from `rank_agreement`: on how many data sets the two measures order the batch sizes alike."""
    if ranks.empty:
        return f"No data set has {names[0]} and {names[1]} at two batch sizes, so their rankings cannot be compared."
    same = ranks[ranks["same order"]]
    text = (f"{names[0][0].upper()}{names[0][1:]} and {names[1]} order the batch sizes the same way (by seed means, "
            f"flattest to sharpest) on {len(same)} of {len(ranks)} data sets")
    differ = ranks[~ranks["same order"]]
    if len(differ):
        text += "; they differ on " + "; ".join(
            f"{r['dataset']} ({', '.join(map(str, r[f'order by {first}']))} against "
            f"{', '.join(map(str, r[f'order by {second}']))}, Kendall τ = {r['Kendall τ']:.2f})"
            for _, r in differ.iterrows())
    return text + "."
