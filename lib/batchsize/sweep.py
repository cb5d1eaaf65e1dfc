"""How the book's configs are trained: only those the store lacks, inline, in a process pool or on Dask.

`plan` says what to run; this module trains what the store lacks and writes each run atomically, so
re-running an interrupted sweep finishes just the missing runs (long runs resume from per-epoch checkpoints).
torch, pandas and tqdm are imported when a sweep runs, not with this module (the command line's `--help`).
"""

from __future__ import annotations

import datetime
import functools
import multiprocessing
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TYPE_CHECKING

from .config import RunConfig, UserError, check_positive
from .constraints import check_device, check_executor
from .plan import SECTIONS, section_configs, weights_wanted
from .store import RunStore, default_store, load_table

if TYPE_CHECKING:
    import pandas as pd

    from .run import RunResult

WeightsWanted = bool | frozenset[str]  # for every run, or for the runs with these keys


def wants_weights(config: RunConfig, save_weights: WeightsWanted) -> bool:
    return save_weights if isinstance(save_weights, bool) else config.key() in save_weights


EpochCallback = Callable[[int], object]  # called with a number of run-epochs just finished


def train(configs: list[RunConfig], **options) -> list[RunResult]:
    """`train.train`, imported (with torch) when a sweep first trains."""
    from .train import train as train_configs

    return train_configs(configs, **options)


def train_and_store(group: list[RunConfig], store_root: str, profile: str, device: str, data_dir: str | None,
                    save_weights: WeightsWanted, on_epoch: EpochCallback | None = None) -> list[str]:
    """One task: train a group of runs (one `train.group_runs` group) and write each atomically into the store.

    Workers write to the store themselves (on a shared filesystem for Dask) rather than returning results to
    the client, so a finished run survives the death of the client, of the scheduler or of other workers.
    Runs that another sweep finished meanwhile are not trained again; a run that was killed continues from its
    last epoch checkpoint (`<key>.ckpt`, removed once the record is written). A stacked group's wall time is
    shared equally by its runs (a resumed run's wall time covers its last stretch only).

    `on_epoch` hears of each epoch as it ends (`train` reports as many as each run's history holds), then
    of the group's other epochs (runs another sweep finished, epochs a diverged run skipped): a bar ends full.
    """
    store = RunStore(store_root)
    pending = [c for c in group if not store.has(c, weights=wants_weights(c, save_weights))]
    results = []
    if pending:
        start = time.perf_counter()
        store.root.mkdir(parents=True, exist_ok=True)
        results = train(pending, device=device, data_dir=data_dir, checkpoint_dir=store.root, on_epoch=on_epoch)
        wall_time = (time.perf_counter() - start) / len(pending)
        for result in results:
            store.put(result, profile=profile, wall_time=wall_time,
                      save_weights=wants_weights(result.config, save_weights))
    if on_epoch:
        on_epoch(sum(c.epochs for c in group) - sum(len(r.history) for r in results))
    return [c.key() for c in group]


_epochs_queue = None  # in a worker of the local executor: where its epoch reports go (see _start_worker)


def _start_worker(threads: int, epochs_queue: multiprocessing.Queue, parent: int) -> None:
    """A local-executor worker: its share of the cores, the queue (inherited at spawn) for its epoch reports, and
    a watch on the sweep that started it."""
    global _epochs_queue
    import torch

    torch.set_num_threads(threads)
    _epochs_queue = epochs_queue
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int, every: float = 1.0) -> None:
    """End this worker when its sweep is gone (killed, so no `finally` ran): otherwise it trains on, for hours, a
    run nobody waits for. What it stored stays (records and checkpoints are written atomically)."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


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


def worker_threads(workers: int) -> int:
    """Torch threads per local worker: the cores this process may run on (`taskset` narrows them), split between
    the workers. Counting every core of the machine instead gave two sweeps pinned to one core each two threads
    per worker on that one core, where each thread waits for the other at every parallel operator."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores // workers)


def _run_local(task: Callable[..., list[str]], groups: list[list[RunConfig]], workers: int,
               on_epoch: EpochCallback) -> Iterator[list[str]]:
    """A pool of fresh processes on this machine, the cores split between them; a thread relays their epochs."""
    threads = worker_threads(workers)
    context = multiprocessing.get_context("spawn")
    epochs, stop = context.Queue(), threading.Event()
    relay = threading.Thread(target=_relay, args=(epochs, on_epoch, stop), daemon=True)
    relay.start()
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                 initargs=(threads, epochs, os.getpid())) as pool:
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


def run_sweep(configs: list[RunConfig], store: RunStore | str, profile: str = "custom", device: str = "auto",
              data_dir: str | None = None, save_weights: WeightsWanted = False, progress: bool = True,
              executor: str = "inline", workers: int = 2, client=None, scheduler: str | None = None) -> pd.DataFrame:
    """Train what the store lacks (deduplicated), then return the table of all `configs`.

    `executor`: "inline" (this process), "local" (`workers` processes) or "dask" (a `distributed.Client`,
    or the scheduler at `scheduler`; the store must then be on a filesystem every worker sees). The progress
    bar (stderr, on a terminal) counts epochs: inline and local as each ends, dask when a run's task finishes.
    """
    from tqdm.auto import tqdm

    from .train import group_runs

    check_executor(executor)
    check_positive("workers", workers)
    check_device(device)
    store = store if isinstance(store, RunStore) else RunStore(store)
    unique = list(dict.fromkeys(configs))
    groups = group_runs([c for c in unique if not store.has(c, weights=wants_weights(c, save_weights))])
    if groups:  # an unusable store fails now, in one line; a complete read-only store can still be read
        store.check_writable()
        if executor != "dask":  # a cluster's workers have CPUs of their own
            _warn_if_bf16_is_slow([c for group in groups for c in group], device, progress)
    task = functools.partial(train_and_store, store_root=str(store.root.resolve()), profile=profile,
                             device=device, data_dir=data_dir, save_weights=save_weights)
    epochs = {c.key(): c.epochs for group in groups for c in group}
    # A bar on a terminal only (None: tqdm asks isatty), wiped when done, so stderr ends with nothing or one error
    # line; where stderr is a file, lines instead.
    with tqdm(total=sum(epochs.values()), desc=f"sweep {profile}", unit="epoch", leave=False,
              disable=None if progress and groups else True) as bar:
        log = _LogLines(profile, sum(epochs.values()), len(epochs),
                        enabled=progress and bool(groups) and not sys.stderr.isatty())

        def on_epoch(n: int) -> None:
            bar.update(n)
            log.epochs(n)

        if executor == "inline":
            done = (task(group, on_epoch=on_epoch) for group in groups)
        elif executor == "local":
            done = _run_local(task, groups, workers, on_epoch)
        else:
            done = _run_dask(task, groups, client, scheduler)
        for keys in done:
            if executor == "dask":  # workers on other machines do not report single epochs
                on_epoch(sum(epochs[k] for k in keys))
            log.runs(len(keys))
            bar.set_postfix_str(f"{log.done_runs}/{len(epochs)} runs")
    keys = [c.key() for c in unique]
    table = load_table(store)
    return table[table["key"].isin(keys)].reset_index(drop=True) if len(table) else table


def _warn_if_bf16_is_slow(configs: list[RunConfig], device: str, progress: bool = True) -> None:
    """One line on stderr before bf16 CNN runs train where bf16 has no fast kernels, so that a paper sweep that
    would take days, not hours, says so before it starts (the runs themselves are correct, only slow); only where
    someone follows the sweep's `progress`: a chapter trains without it, and a line on its stderr would fail the
    book's build (`--warningiserror`) on such a CPU."""
    from .reference import bf16_on_plain_kernels
    from .run import resolve_device

    slow = sum(c.precision == "bf16" and c.model != "mlp" for c in configs)
    if progress and slow and bf16_on_plain_kernels(resolve_device(device)):
        print(f"batchsize: warning: {slow} bf16 CNN run(s) to train on a CPU without oneDNN bf16 kernels (no "
              "AVX-512): expect them to be several times slower than in fp32 (README, 'Paper scale on a CPU')",
              file=sys.stderr, flush=True)


class _LogLines:
    """Progress where no bar is drawn (stderr is a file, as under `nohup`): a line for each stored run, and one
    at most every `every` seconds as epochs end, so a sweep of many hours can be followed in its log."""

    def __init__(self, profile: str, total_epochs: int, total_runs: int, enabled: bool, every: float = 60.0):
        self.profile, self.total_epochs, self.total_runs, self.enabled, self.every = (
            profile, total_epochs, total_runs, enabled, every)
        self.done_epochs = self.done_runs = 0
        self.start = self.last = time.monotonic()

    def epochs(self, n: int) -> None:
        self.done_epochs += n
        if time.monotonic() - self.last >= self.every:
            self._line()

    def runs(self, n: int) -> None:
        self.done_runs += n
        self._line()

    def _line(self) -> None:
        self.last = time.monotonic()
        if self.enabled:
            elapsed = datetime.timedelta(seconds=round(self.last - self.start))
            print(f"sweep {self.profile}: {self.done_runs}/{self.total_runs} runs stored, "
                  f"{self.done_epochs}/{self.total_epochs} epochs, {elapsed} elapsed", file=sys.stderr, flush=True)


def run_profile(profile: str, sections: Iterable[str] | None = None, seeds: int | None = None,
                store: RunStore | str | None = None, batch_sizes: list[int] | None = None,
                **sweep_options) -> pd.DataFrame:
    """Run the named sections of a profile (all by default) into `results/<profile>` or the given store; with
    `batch_sizes`, at those B, as a chapter given them does (`plan.section_configs`: the accuracy sections train
    them, other sections keep their runs at them), so that a long sweep can do the claims' B first.

    `sweep_options` go to `run_sweep` (device, data_dir, progress, executor, workers, client, scheduler).
    """
    import pandas as pd

    planned = {s: section_configs(profile, s, seeds, batch_sizes) for s in (sections or SECTIONS)}
    if not any(planned.values()):
        raise UserError(f"no run of {', '.join(planned)} in profile {profile!r} can have a batch size in "
                        f"{batch_sizes}")
    store = store or default_store(profile)
    weights = weights_wanted(profile, seeds)
    tables = [run_sweep(configs, store, profile, save_weights=weights, **sweep_options).assign(section=s)
              for s, configs in planned.items()]
    return pd.concat(tables, ignore_index=True)



def stored_counts(configs: Iterable[RunConfig], store: RunStore) -> dict[str, tuple[int, int]]:
    """Per data set of `configs`, in their order: how many of its runs `store` holds, and how many there are. A
    paper-scale sweep spans sessions: whatever reads a part of it says how far it has come (the deviations page's
    "stored" column, the report's provisional verdicts)."""
    counts: dict[str, tuple[int, int]] = {}
    for config in configs:
        held, planned = counts.get(config.dataset, (0, 0))
        counts[config.dataset] = (held + int(store.has(config)), planned + 1)
    return counts


def paper_counts(section: str) -> dict[str, tuple[int, int]]:
    """`stored_counts` of a section's paper-profile runs in the committed paper store: where its sweep stands."""
    return stored_counts(section_configs("paper", section), default_store("paper"))
