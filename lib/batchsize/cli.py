"""`batchsize` command line: train one config, sweep a profile, log the report's verdicts, verify the data.

User mistakes exit with status 2 and one line on stderr; only genuine bugs show a traceback. The parser is
built from light modules only (no torch, pandas or data loaders: they load in the command that needs them),
so `--help` answers at once.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .config import INITS, LR_RULES, PRECISIONS, UserError, check_positive, make_config
from .constraints import EXECUTORS, check_device, check_seeds
from .datasets import DATASET_SPECS
from .plan import PROFILES, SECTIONS, section_configs
from .store import REPO_ROOT, RunStore, default_store
from .sweep import run_profile, run_sweep

SUMMARY_COLUMNS = ["section", "dataset", "n_train", "batch_size", "lr_rule", "lr", "warmup_epochs", "epochs",
                   "seed", "test_acc", "train_acc", "gap", "median_epoch_time", "first_epoch_above_80", "diverged"]
DATA_DIR_HELP = "where the data files are (else $BATCHSIZE_DATA, else the repository's data/)"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, like every other user error
        raise UserError(message)


def _argument(check: Callable[[Any], Any], convert: Callable[[str], Any] = str) -> Callable[[str], Any]:
    """An argparse type from a `constraints` check: argparse prints its message after the option's name."""
    def parse(text: str) -> Any:
        try:
            return check(convert(text))
        except UserError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    parse.__name__ = convert.__name__  # argparse's "invalid int value" when the conversion itself fails
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="batchsize", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(p: argparse.ArgumentParser, store_default: str) -> None:
        p.add_argument("--device", default="auto", type=_argument(check_device),
                       help="auto (CUDA if present), cpu, cuda or cuda:N")
        p.add_argument("--data-dir", help=DATA_DIR_HELP)
        p.add_argument("--store", help=f"run store directory (default: {store_default})")
        p.add_argument("--no-progress", action="store_true", help="no per-epoch progress bar on stderr")

    t = commands.add_parser("train", help="train one configuration (or take it from the store)")
    t.add_argument("--dataset", required=True, choices=list(DATASET_SPECS))
    t.add_argument("--batch-size", required=True, type=int)
    t.add_argument("--lr-rule", choices=LR_RULES, default="linear")
    t.add_argument("--base-lr", type=float, help="base learning rate at the base batch (default: Table II)")
    t.add_argument("--warmup-epochs", type=int, help="default: the paper's rule (MNIST: 5 when B >= 256)")
    t.add_argument("--epochs", type=int, help="default: Table II")
    t.add_argument("--seed", type=int, default=42)
    t.add_argument("--n-train", type=int, help="stratified subset of the training set")
    t.add_argument("--n-test", type=int, help="stratified subset of the test set")
    t.add_argument("--init", choices=INITS, default="he-uniform", help="reading of Table VIII's Kaiming uniform")
    t.add_argument("--precision", choices=PRECISIONS, default="fp32", help="bf16: autocast mixed precision")
    t.add_argument("--save-weights", action="store_true", help="keep the trained weights in the store")
    common(t, "results/custom in the repository, ignored by git")

    s = commands.add_parser("sweep", help="run a profile's sections and print the table")
    s.add_argument("--profile", required=True, choices=PROFILES)
    s.add_argument("--section", action="append", choices=SECTIONS, help="repeatable; default: all")
    s.add_argument("--seeds", type=_argument(check_seeds, int),
                   help="number of seeds (42, 43, …); default: the profile's")
    s.add_argument("--batch-sizes", nargs="+", metavar="B",
                   type=_argument(lambda b: check_positive("batch size", b), int),
                   help="train at these B (the accuracy sections; others keep their runs at them), e.g. the "
                        "claims' B first; default: the profile's")
    s.add_argument("--executor", choices=EXECUTORS, default="inline",
                   help="inline (this process), local (a process pool) or dask (an existing cluster)")
    s.add_argument("--workers", type=_argument(lambda n: check_positive("workers", n), int), default=2,
                   help="processes for --executor local")
    s.add_argument("--scheduler", help="Dask scheduler address for --executor dask, e.g. tcp://host:8786")
    s.add_argument("--skip-absent", action="store_true", help="leave out the sections whose data set's files are "
                   "not on this machine (named on stderr), as the book leaves out a data set beyond the paper's")
    common(s, "results/<profile> in the repository")

    v = commands.add_parser("verdicts", help="the report's verdicts that moved since the last recorded build")
    v.add_argument("--record", action="store_true",
                   help="log this build's moves (from a clean commit only)")
    v.add_argument("--log", help="the log of moves (default: results/verdicts.json in the repository)")
    v.add_argument("--data-dir", help=DATA_DIR_HELP)

    d = commands.add_parser("data", help="data set utilities")
    d.add_argument("action", choices=["verify"])
    d.add_argument("--data-dir", help=DATA_DIR_HELP)
    return parser


def _data_dir(given: str | None) -> str:
    """--data-dir, else $BATCHSIZE_DATA, else the repository's `data/` (where `make data` puts the files, and
    where the book looks), whatever the current directory."""
    return given or os.environ.get("BATCHSIZE_DATA") or str(REPO_ROOT / "data")


def _train(args: argparse.Namespace) -> int:
    config = make_config(args.dataset, args.batch_size, lr_rule=args.lr_rule, base_lr=args.base_lr,
                         warmup_epochs=args.warmup_epochs, epochs=args.epochs, seed=args.seed,
                         n_train=args.n_train, n_test=args.n_test, init=args.init, precision=args.precision)
    store = RunStore(args.store) if args.store else default_store("custom")
    cached = store.has(config, weights=args.save_weights)
    start = time.perf_counter()
    run_sweep([config], store, device=args.device, data_dir=_data_dir(args.data_dir), save_weights=args.save_weights,
              progress=not args.no_progress)
    record = store.get(config)
    out = {"key": record["key"], "from_store": cached, **record["config"], **record["summary"],
           "device": record["provenance"]["device"], "seconds": round(time.perf_counter() - start, 3)}
    print(json.dumps(out))
    return 0


def _with_data(profile: str, sections: list[str], data_dir: str) -> list[str]:
    """The `sections` whose data sets' files are on this machine (generated ones always are), the others named in
    one line on stderr; none left is an error, not a sweep of every section. A corrupt file is an error too: left
    out silently, it would look like a package that is not installed."""
    from .data import verify_one

    used = {s: {c.dataset for c in section_configs(profile, s)} for s in sections}
    absent = set()
    for dataset in sorted(set().union(*used.values())):
        status = verify_one(dataset, data_dir)
        if status["status"] == "corrupt":
            raise UserError(status["detail"])
        if status["status"] == "missing":
            absent.add(dataset)
    kept = [s for s in sections if not used[s] & absent]
    if absent:
        print(f"sweep: leaving out {', '.join(s for s in sections if s not in kept)}: the files of "
              f"{', '.join(sorted(absent))} are not on this machine", file=sys.stderr)
    if not kept:
        raise UserError(f"no section of {', '.join(sections)} has its data set's files here (run `make data`)")
    return kept


def _sweep(args: argparse.Namespace) -> int:
    import pandas as pd

    sections = args.section
    if args.skip_absent:
        sections = _with_data(args.profile, sections or SECTIONS, _data_dir(args.data_dir))
    table = run_profile(args.profile, sections, args.seeds, args.store, args.batch_sizes, device=args.device,
                        data_dir=_data_dir(args.data_dir), progress=not args.no_progress, executor=args.executor,
                        workers=args.workers, scheduler=args.scheduler)
    columns = [c for c in SUMMARY_COLUMNS if c in table]
    with pd.option_context("display.max_rows", None, "display.width", 200, "display.precision", 2):
        print(table[columns].to_string(index=False))
    return 0


def _data(args: argparse.Namespace) -> int:
    from .data import verify

    rows = verify(_data_dir(args.data_dir))
    for row in rows:
        print(f"{row['dataset']:<15} {row['status']:<8} {row['where'] or '-'}  {row['detail']}")
    return 1 if any(r["status"] == "corrupt" for r in rows) else 0


def _verdicts(args: argparse.Namespace) -> int:
    from . import book, changes, report

    if args.record and (files := changes.uncommitted()):
        raise UserError(f"{len(files)} files differ from the commit ({files[0]}, …): commit them first, so that "
                        "the log names a build that exists")
    log = Path(args.log) if args.log else changes.LOG
    logged = changes.read(log)  # a damaged log: one line before any work
    if args.record and not log.parent.is_dir():
        raise UserError(f"cannot write the verdict log {log}: {log.parent} is not a directory")
    chapter = book.Chapter(report.SECTIONS, "auto", "cpu", data_dir=_data_dir(args.data_dir))
    judged = report.judge(chapter)
    found = (changes.record(judged.verdicts, judged.provisional, log) if args.record
             else changes.moves(logged["verdicts"], changes.snapshot(judged.verdicts, judged.provisional)))
    for move in found:
        print(f"{move['scope']:<12} {move['claim']:<24} {move['before']} -> {move['after']}")
    print(f"{len(found)} verdicts moved" + (f"; recorded in {log}" if args.record else ""))
    return 0


def _one_line(message, category, filename, lineno, file=None, line=None) -> str:
    """A warning as the command line's other messages are: one line, no source location."""
    return f"batchsize: warning: {message}\n"


def main(argv: list[str] | None = None) -> int:
    shown, warnings.formatwarning = warnings.formatwarning, _one_line
    try:
        args = build_parser().parse_args(argv)
        return {"train": _train, "sweep": _sweep, "verdicts": _verdicts, "data": _data}[args.command](args)
    except UserError as err:
        print(f"batchsize: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        if err.errno not in (errno.ENOSPC, errno.EDQUOT):  # the machine's limits, not a bug: one line
            raise
        print(f"batchsize: error: {err.strerror}; finished runs are kept in the store (free space and run the same "
              f"command again: it continues)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("batchsize: interrupted; finished runs are kept in the store", file=sys.stderr)
        return 130
    finally:
        warnings.formatwarning = shown
