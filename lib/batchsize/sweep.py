"""Profiles and sections: every experiment of the book as a list of configs, and the sweep that runs them.

`smoke` is for tests and CI (seconds), `quick` runs the whole book on a 2-core CPU in minutes, `paper` is
the paper's exact setup (Table II) with several seeds, PyTorch's default ("Kaiming uniform") initialisation
and fp32, accumulated on a CPU across sessions (long runs resume from per-epoch checkpoints). A sweep trains
only the configs the store lacks, so re-running an interrupted sweep finishes just the missing runs.

torch, pandas and tqdm are imported when a sweep runs, not with this module: the command line's `--help`
reads the profiles and sections from here and must answer at once.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .config import DATASET_SPECS, INITS, PAPER_BATCH_SIZES, PRECISIONS, RunConfig, UserError, make_config
from .store import REPO_ROOT, RunStore, load_table

if TYPE_CHECKING:
    import pandas as pd

    from .train import RunResult

SYNTHETIC = ("synthetic-1k", "synthetic-10k", "synthetic-50k")


@dataclass(frozen=True)
class Profile:
    """How big each experiment is: batch sizes, epochs and subset sizes per data set, and default seeds."""

    name: str
    batch_sizes: dict[str, tuple[int, ...]]
    epochs: dict[str, int] = field(default_factory=dict)  # missing: the paper's epochs
    n_train: dict[str, int] = field(default_factory=dict)  # missing: the whole training set
    n_test: dict[str, int] = field(default_factory=dict)
    seeds: int = 1
    section_seeds: dict[str, int] = field(default_factory=dict)  # sections with another default number of seeds
    ablation_batch_sizes: tuple[int, ...] = (32, 128, 512)  # Table V
    cifar_ablation_batch_sizes: tuple[int, ...] = (256, 512, 1024)
    dataset_size_n: tuple[int, ...] = (2_000, 5_000, 20_000)  # extra N for the B* ∝ N^k fit
    weights_batch_sizes: tuple[int, ...] = (32, 256, 512)  # runs whose weights the analyses load
    init: str = "he-uniform"  # config.INITS; one reading of Table VIII for every network
    precision: dict[str, str] = field(default_factory=dict)  # missing: fp32
    # The initialisation and precision checks: reduced sizes, the B where the question matters, both values.
    check_batch_sizes: dict[str, tuple[int, ...]] = field(default_factory=lambda: {"mnist": (32, 128),
                                                                                  "cifar10": (32, 256)})
    check_epochs: dict[str, int] = field(default_factory=lambda: {"mnist": 2, "cifar10": 3})
    check_n_train: dict[str, int] = field(default_factory=lambda: {"mnist": 12_000, "cifar10": 10_000})
    check_n_test: dict[str, int] = field(default_factory=dict)  # missing: the whole test set

    def config(self, dataset: str, batch_size: int, seed: int, **overrides) -> RunConfig:
        sizes = dict(epochs=self.epochs.get(dataset), n_train=self.n_train.get(dataset),
                     n_test=self.n_test.get(dataset), init=self.init,
                     precision=self.precision.get(dataset, "fp32"))
        return make_config(dataset, batch_size, seed=seed, **{**sizes, **overrides})

    def check_config(self, dataset: str, batch_size: int, seed: int, **overrides) -> RunConfig:
        """A config of the initialisation / precision checks (their reduced sizes)."""
        return self.config(dataset, batch_size, seed, epochs=self.check_epochs[dataset],
                           n_train=self.check_n_train[dataset], n_test=self.check_n_test.get(dataset),
                           **overrides)


def _paper_sizes(dataset: str) -> tuple[int, ...]:
    return tuple(b for b in PAPER_BATCH_SIZES if b <= DATASET_SPECS[dataset].max_batch)


PROFILES: dict[str, Profile] = {
    "smoke": Profile(
        name="smoke",
        batch_sizes={**dict.fromkeys(SYNTHETIC, (8, 64)), "mnist": (16, 128), "cifar10": (16, 128)},
        epochs={**dict.fromkeys(SYNTHETIC, 3), "mnist": 1, "cifar10": 1},
        n_train={"synthetic-10k": 1_000, "synthetic-50k": 2_000, "mnist": 512, "cifar10": 512},
        n_test={"synthetic-10k": 500, "synthetic-50k": 500, "mnist": 256, "cifar10": 256},
        ablation_batch_sizes=(32, 256), cifar_ablation_batch_sizes=(256,), dataset_size_n=(500,),
        weights_batch_sizes=(8, 64, 16, 128), check_batch_sizes={"mnist": (128,), "cifar10": (128,)},
        check_epochs={"mnist": 1, "cifar10": 1}, check_n_train={"mnist": 512, "cifar10": 512},
        check_n_test={"mnist": 256, "cifar10": 256},
    ),
    "quick": Profile(
        name="quick",
        batch_sizes={**dict.fromkeys(SYNTHETIC, (8, 16, 32, 64, 128, 256, 512)), "mnist": (16, 32, 64, 128, 256, 1024),
                     "cifar10": (16, 32, 64, 256, 1024)},
        epochs={"synthetic-1k": 20, "synthetic-10k": 10, "synthetic-50k": 10, "mnist": 4, "cifar10": 6},
        n_train={"synthetic-50k": 10_000, "mnist": 2_000, "cifar10": 2_000},
        n_test={"synthetic-50k": 2_000, "mnist": 1_000, "cifar10": 1_000},
        cifar_ablation_batch_sizes=(256, 1024), dataset_size_n=(2_000, 5_000),
        weights_batch_sizes=(32, 256, 512), check_n_train={"mnist": 2_000, "cifar10": 2_000},
        check_n_test={"mnist": 1_000, "cifar10": 1_000},
    ),
    "paper": Profile(
        name="paper",
        batch_sizes={d: _paper_sizes(d) for d in (*SYNTHETIC, "mnist", "cifar10")},
        seeds=3,
        section_seeds={"synthetic": 5, "lr-scaling": 5},  # cheap on a CPU (stacked MLP runs): tighter intervals
        # Chosen by the `init-check` section (the book's initialisation appendix): the he-uniform reading leaves
        # MNIST at B = 128 at chance. bf16 stays off here: without AVX512-BF16 the CPU emulates it, slower.
        init="torch-default",
    ),
}


def _accuracy(profile: Profile, datasets: Iterable[str]) -> Callable[[int], list[RunConfig]]:
    return lambda seed: [profile.config(d, b, seed) for d in datasets for b in profile.batch_sizes[d]]


def _lr_scaling(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """Table V on the large synthetic set: fixed vs linear, plus the square-root rule."""
    return lambda seed: [profile.config("synthetic-50k", b, seed, lr_rule=rule)
                         for b in profile.ablation_batch_sizes for rule in ("fixed", "linear", "sqrt")]


def _cifar_lr(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """Is the CIFAR-10 collapse at B >= 256 batch size, or Adam's LR under the linear rule? With/without warmup."""
    return lambda seed: [profile.config("cifar10", b, seed, lr_rule=rule, warmup_epochs=warmup)
                         for b in profile.cifar_ablation_batch_sizes
                         for rule, warmup in (("fixed", 0), ("linear", 0), ("sqrt", 0), ("linear", 5))]


def _matched_steps(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """Hoffer et al.'s control: large batches trained for as many updates as B = 32 gets (epochs × B/32); then, so
    that the section compares them with B = 32 at equal updates and at equal epochs by itself, every B at the
    fixed budget (where a profile's accuracy section has these B, the very same runs) and B = 32 trained as long
    as each large batch (the baseline given the long budget too)."""
    def configs(seed: int) -> list[RunConfig]:
        out = []
        for b in (128, 512):
            base = profile.config("synthetic-10k", b, seed)
            out.append(profile.config("synthetic-10k", b, seed, epochs=base.epochs * b // 32))
        # Added after the runs above were stored (appended: those keep their configs and keys).
        out += [profile.config("synthetic-10k", b, seed) for b in (32, 128, 512)]
        fixed = profile.config("synthetic-10k", 32, seed).epochs
        out += [profile.config("synthetic-10k", 32, seed, epochs=fixed * b // 32) for b in (128, 512)]
        return out
    return configs


def _dataset_size(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """Extra training-set sizes (subsets of the large synthetic set) for the B* against N fit."""
    return lambda seed: [profile.config("synthetic-50k", b, seed, n_train=n)
                         for n in profile.dataset_size_n for b in profile.batch_sizes["synthetic-50k"] if b <= n]


def _init_check(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """Both readings of Table VIII's "Kaiming uniform" on the CNNs, at the B where the paper's LR is largest."""
    return lambda seed: [profile.check_config(d, b, seed, init=init) for d, sizes in profile.check_batch_sizes.items()
                         for b in sizes for init in INITS]


def _precision_check(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """Paired fp32 / bf16 runs of the CNNs: is bf16 mixed precision within the seed spread of fp32?"""
    return lambda seed: [profile.check_config(d, b, seed, precision=p) for d, sizes in profile.check_batch_sizes.items()
                         for b in sizes for p in PRECISIONS]


def _weights(profile: Profile) -> Callable[[int], list[RunConfig]]:
    """The accuracy runs whose weights the landscape, sharpness and noise chapters load."""
    return lambda seed: [c for c in _accuracy(profile, (*SYNTHETIC, "mnist", "cifar10"))(seed)
                         if c.batch_size in profile.weights_batch_sizes]


SECTIONS: dict[str, Callable[[Profile], Callable[[int], list[RunConfig]]]] = {
    "synthetic": lambda p: _accuracy(p, SYNTHETIC),
    "mnist": lambda p: _accuracy(p, ("mnist",)),
    "cifar10": lambda p: _accuracy(p, ("cifar10",)),
    "lr-scaling": _lr_scaling,
    "cifar10-lr": _cifar_lr,
    "matched-steps": _matched_steps,
    "dataset-size": _dataset_size,
    "weights": _weights,
    "init-check": _init_check,
    "precision-check": _precision_check,
}
WeightsWanted = bool | frozenset[str]  # for every run, or for the runs with these keys


def wants_weights(config: RunConfig, save_weights: WeightsWanted) -> bool:
    return save_weights if isinstance(save_weights, bool) else config.key() in save_weights


def weights_wanted(profile: str, seeds: int | None = None) -> frozenset[str]:
    """Keys of the profile's runs whose weights the analyses load: saved whichever section trains them first,
    so the `weights` section never retrains an accuracy run."""
    return frozenset(c.key() for c in section_configs(profile, "weights", seeds))


def get_profile(name: str) -> Profile:
    if name not in PROFILES:
        raise UserError(f"unknown profile {name!r}; choose one of {', '.join(PROFILES)}")
    return PROFILES[name]


def section_configs(profile: str, section: str, seeds: int | None = None) -> list[RunConfig]:
    """The configs of one section for seeds 42, 43, … (the profile's default count for it unless given)."""
    prof = get_profile(profile)
    if section not in SECTIONS:
        raise UserError(f"unknown section {section!r}; choose one of {', '.join(SECTIONS)}")
    n_seeds = prof.section_seeds.get(section, prof.seeds) if seeds is None else seeds
    if n_seeds < 1:
        raise UserError(f"seeds must be at least 1, got {n_seeds}")
    make = SECTIONS[section](prof)
    return [c for seed in range(42, 42 + n_seeds) for c in make(seed)]


EpochCallback = Callable[[int], object]  # called with a number of run-epochs just finished


def train_group(configs: list[RunConfig], **options) -> list[RunResult]:
    """`fast.train_group`, imported (with torch) when a sweep first trains."""
    from .fast import train_group as train

    return train(configs, **options)


def train_and_store(group: list[RunConfig], store_root: str, profile: str, device: str, data_dir: str | None,
                    save_weights: WeightsWanted, on_epoch: EpochCallback | None = None) -> list[str]:
    """One task: train a group of runs (one `fast.group_key`) and write each atomically into the store.

    Workers write to the store themselves (on a shared filesystem for Dask) rather than returning results to
    the client, so a finished run survives the death of the client, of the scheduler or of other workers.
    Runs that another sweep finished meanwhile are not trained again; a run that was killed continues from its
    last epoch checkpoint (`<key>.ckpt`, removed once the record is written). A stacked group's wall time is
    shared equally by its runs (a resumed run's wall time covers its last stretch only).

    `on_epoch` hears of each epoch as it ends (`train_group` reports as many as each run's history holds), then
    of the group's other epochs (runs another sweep finished, epochs a diverged run skipped): a bar ends full.
    """
    store = RunStore(store_root)
    pending = [c for c in group if not store.has(c, weights=wants_weights(c, save_weights))]
    results = []
    if pending:
        start = time.perf_counter()
        store.root.mkdir(parents=True, exist_ok=True)
        results = train_group(pending, device=device, data_dir=data_dir, checkpoint_dir=store.root, on_epoch=on_epoch)
        wall_time = (time.perf_counter() - start) / len(pending)
        for result in results:
            store.put(result, profile=profile, wall_time=wall_time,
                      save_weights=wants_weights(result.config, save_weights))
    if on_epoch:
        on_epoch(sum(c.epochs for c in group) - sum(len(r.history) for r in results))
    return [c.key() for c in group]


def group_runs(configs: list[RunConfig]) -> list[list[RunConfig]]:
    """Runs that can be trained together (seeds and LR variants of one stacked MLP config); others alone."""
    from .fast import group_key

    groups: dict[str, list[RunConfig]] = {}
    for config in configs:
        groups.setdefault(group_key(config), []).append(config)
    return list(groups.values())


_epochs_queue = None  # in a worker of the local executor: where its epoch reports go (see _start_worker)


def _start_worker(threads: int, epochs_queue: multiprocessing.Queue) -> None:
    """A local-executor worker: its share of the cores, and the queue (inherited at spawn) for its epoch reports."""
    global _epochs_queue
    import torch

    torch.set_num_threads(threads)
    _epochs_queue = epochs_queue


def _report_epochs(n: int) -> None:
    _epochs_queue.put(n)


def _relay(epochs: multiprocessing.Queue, on_epoch: EpochCallback, stop: threading.Event) -> None:
    """Pass the workers' epoch reports on until `stop` is set and none is left (no end marker through the queue:
    a worker killed mid-write would leave its lock held)."""
    while True:
        try:
            on_epoch(epochs.get(timeout=0.2))
        except queue.Empty:
            if stop.is_set():
                return


def _run_local(task: Callable[..., list[str]], groups: list[list[RunConfig]], workers: int,
               on_epoch: EpochCallback) -> Iterator[list[str]]:
    """A pool of fresh processes on this machine, the cores split between them; a thread relays their epochs."""
    threads = max(1, (os.cpu_count() or 1) // workers)
    context = multiprocessing.get_context("spawn")
    epochs, stop = context.Queue(), threading.Event()
    relay = threading.Thread(target=_relay, args=(epochs, on_epoch, stop), daemon=True)
    relay.start()
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                 initargs=(threads, epochs)) as pool:
            futures = [pool.submit(task, group, on_epoch=_report_epochs) for group in groups]
            try:
                for future in as_completed(futures):
                    yield future.result()
            finally:
                pool.shutdown(cancel_futures=True)
    finally:
        stop.set()
        relay.join()


def _run_dask(task: Callable[..., list[str]], groups: list[list[RunConfig]], client,
              scheduler: str | None) -> Iterator[list[str]]:
    """One task per group on a Dask cluster; a task whose worker dies is rescheduled by the scheduler."""
    from distributed import Client
    from distributed import as_completed as dask_completed

    own_client = client is None
    if own_client:
        if not scheduler:
            raise UserError("--executor dask needs --scheduler ADDRESS (e.g. tcp://host:8786)")
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as err:
            raise UserError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
    try:
        futures = client.map(task, groups, pure=False, retries=2)
        for future in dask_completed(futures):
            yield future.result()
    finally:
        if own_client:
            client.close()


EXECUTORS = ("inline", "local", "dask")


def run_sweep(configs: list[RunConfig], store: RunStore | str, profile: str = "custom", device: str = "auto",
              data_dir: str | None = None, save_weights: WeightsWanted = False, progress: bool = True,
              executor: str = "inline", workers: int = 2, client=None, scheduler: str | None = None) -> pd.DataFrame:
    """Train what the store lacks (deduplicated), then return the table of all `configs`.

    `executor`: "inline" (this process), "local" (`workers` processes) or "dask" (a `distributed.Client`,
    or the scheduler at `scheduler`; the store must then be on a filesystem every worker sees). The progress
    bar (stderr, on a terminal) counts epochs: inline and local as each ends, dask when a run's task finishes.
    """
    from tqdm.auto import tqdm

    if executor not in EXECUTORS:
        raise UserError(f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}")
    if workers < 1:
        raise UserError(f"workers must be at least 1, got {workers}")
    store = store if isinstance(store, RunStore) else RunStore(store)
    unique = list(dict.fromkeys(configs))
    groups = group_runs([c for c in unique if not store.has(c, weights=wants_weights(c, save_weights))])
    if groups:  # an unusable store fails now, in one line; a complete read-only store can still be read
        store.check_writable()
    task = functools.partial(train_and_store, store_root=str(store.root.resolve()), profile=profile,
                             device=device, data_dir=data_dir, save_weights=save_weights)
    epochs = {c.key(): c.epochs for group in groups for c in group}
    # On a terminal only (None: tqdm asks isatty), and wiped when done, so stderr ends with nothing or one error line.
    with tqdm(total=sum(epochs.values()), desc=f"sweep {profile}", unit="epoch", leave=False,
              disable=None if progress and groups else True) as bar:
        if executor == "inline":
            done = (task(group, on_epoch=bar.update) for group in groups)
        elif executor == "local":
            done = _run_local(task, groups, workers, bar.update)
        else:
            done = _run_dask(task, groups, client, scheduler)
        finished = 0
        for keys in done:
            finished += len(keys)
            bar.set_postfix_str(f"{finished}/{len(epochs)} runs")
            if executor == "dask":  # workers on other machines do not report single epochs
                bar.update(sum(epochs[k] for k in keys))
    keys = [c.key() for c in unique]
    table = load_table(store)
    return table[table["key"].isin(keys)].reset_index(drop=True) if len(table) else table


def run_profile(profile: str, sections: Iterable[str] | None = None, seeds: int | None = None,
                store: RunStore | str | None = None, **sweep_options) -> pd.DataFrame:
    """Run the named sections of a profile (all by default) into `results/<profile>` or the given store.

    `sweep_options` go to `run_sweep` (device, data_dir, progress, executor, workers, client, scheduler).
    """
    import pandas as pd

    store = store or default_store(profile)
    weights = weights_wanted(profile, seeds)
    tables = [run_sweep(section_configs(profile, s, seeds), store, profile, save_weights=weights,
                        **sweep_options).assign(section=s)
              for s in (sections or SECTIONS)]
    return pd.concat(tables, ignore_index=True)


def default_store(profile: str) -> RunStore:
    """The committed store the book renders from."""
    return RunStore(REPO_ROOT / "results" / profile)
