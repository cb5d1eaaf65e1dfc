"""Every command the documentation shows runs, at smoke scale, so README.md and the book cannot drift from the CLI.

Commands are taken from README.md, book/*.md and the markdown cells of notebooks/*.py: each line of a fenced
bash block, and each inline code span, that starts (after `VAR=value` and `taskset`/`nice`) with `batchsize`,
`papermill` or `jupytext` (`.venv/bin/` or not). Each runs from a scratch directory holding a copy of
notebooks/, with smoke-sized arguments: `--profile`/`-p profile` smoke, `--seeds` 1, one epoch and the smoke
subset for `train`, a temporary `--store` (papermill: `-p store`) holding a copy of the smoke runs `make test`
trained first, `/tmp/...` paths inside the scratch directory, and `--section synthetic` for a sweep that names
none (all sections train CNNs for minutes). A usage synopsis (`[--flag A|B]`, `smoke|quick|paper`) is checked
against the parser's options and choices, then run without its optional parts. Commands that need a Dask
cluster, a GPU or absent data files skip, saying so."""

from __future__ import annotations

import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import pytest
import torch

from batchsize.cli import build_parser
from batchsize.datasets import DATASETS, Generated
from batchsize.plan import PROFILES, section_configs
from conftest import REPO, require_data

PROGRAMS = ("batchsize", "papermill", "jupytext")
WRAPPERS = {"taskset": 2, "nice": 2}  # a prefix the command keeps, with its number of arguments
FENCE = re.compile(r"^\s*```(?:\{code-block\}\s*)?(bash|sh|shell|console)?\s*$")  # group 1: a shell block
INLINE = re.compile(r"`([^`\n]+)`")
SMOKE = PROFILES["smoke"]
FILE_DATASETS = tuple(d for d, entry in DATASETS.items() if not isinstance(entry.source, Generated))
TIMEOUT_S = 900


@dataclass
class DocCommand:
    where: str  # file:line (notebooks: file:cell N)
    text: str
    env: dict[str, str] = field(default_factory=dict)
    wrapper: list[str] = field(default_factory=list)
    argv: list[str] = field(default_factory=list)  # program first
    block: int | None = None  # commands of one fenced block share /tmp paths: this is its number

    @property
    def program(self) -> str:
        return Path(self.argv[0]).name


def parse(where: str, text: str, block: int | None) -> DocCommand | None:
    """The command in a line of shell, or None when it does not run one of PROGRAMS."""
    try:
        tokens = shlex.split(text, comments=True)
    except ValueError:
        return None
    command = DocCommand(where, text, block=block)
    while tokens and re.fullmatch(r"[A-Z_][A-Z0-9_]*=\S*", tokens[0]):
        name, value = tokens.pop(0).split("=", 1)
        command.env[name] = value
    if tokens and tokens[0] in WRAPPERS:
        command.wrapper, tokens = tokens[:WRAPPERS[tokens[0]] + 1], tokens[WRAPPERS[tokens[0]] + 1:]
    if not tokens or tokens[0].removeprefix(".venv/bin/") not in PROGRAMS:
        return None
    command.argv = tokens
    return command


def markdown_texts() -> Iterator[tuple[str, str]]:
    """(name, markdown) of README.md, the book's pages and each markdown cell of the chapters."""
    for path in [REPO / "README.md", *sorted((REPO / "book").glob("*.md"))]:
        yield str(path.relative_to(REPO)), path.read_text()
    for path in sorted((REPO / "notebooks").glob("*.py")):
        for index, cell in enumerate(jupytext.read(path).cells):
            if cell.cell_type == "markdown":
                yield f"{path.relative_to(REPO)}:cell {index}", cell.source


def commands_in(name: str, text: str, blocks: Iterator[int]) -> Iterator[DocCommand]:
    """The commands of one markdown text: lines of its shell blocks (continuations joined), then inline spans."""
    fenced = shell = False
    block, pending, start = None, "", None
    for number, line in enumerate(text.splitlines(), 1):
        where = name if ":cell" in name else f"{name}:{number}"
        if line.strip().startswith("```"):
            fence = FENCE.match(line)
            fenced, shell = not fenced, not fenced and bool(fence and fence.group(1))
            block = next(blocks) if shell else None
        elif shell:
            start = start or where
            pending += line.rstrip().removesuffix("\\") + " "
            if not line.rstrip().endswith("\\"):
                if command := parse(start, pending, block):
                    yield command
                pending, start = "", None
        elif not fenced:
            for span in INLINE.findall(line):
                if command := parse(where, span, None):
                    yield command


def documented_commands() -> list[DocCommand]:
    """Every documented command, where it is shown (one shown twice runs twice: its block may need it)."""
    blocks = itertools.count(1)
    return [command for name, text in markdown_texts() for command in commands_in(name, text, blocks)]


COMMANDS = documented_commands()


def test_the_documentation_has_commands_of_every_kind():
    """The extraction itself works: README.md shows train, sweep, data verify, jupytext and papermill."""
    shown = {(c.program, c.argv[1] if c.program == "batchsize" and len(c.argv) > 1 else "") for c in COMMANDS}
    assert {("batchsize", "train"), ("batchsize", "sweep"), ("batchsize", "data"), ("jupytext", ""),
            ("papermill", "")} <= shown, shown


# ----------------------------------------------------------------------------- synopses


def subparser(name: str):
    commands = next(a for a in build_parser()._actions if a.choices and name in a.choices)
    return commands.choices[name]


def check_synopsis(argv: list[str]) -> list[str]:
    """Check `[--flag A|B]` groups and `--flag a|b|c` against the parser; return the command without them."""
    text = " ".join(argv)
    parser = subparser(argv[1])
    options = parser._option_string_actions
    for group in re.findall(r"\[([^\]]*)\]", text):
        flag, *rest = group.split()
        assert flag in options, f"the documentation shows {flag}, which `{argv[1]}` does not have"
        alternatives = [r for r in rest if "|" in r]
        if alternatives and options[flag].choices is not None:
            assert set(alternatives[0].split("|")) == set(options[flag].choices), f"{flag}: {alternatives[0]}"
    required = shlex.split(re.sub(r"\[[^\]]*\]", " ", text))
    for flag, value in zip(required, required[1:], strict=False):
        if "|" in value and flag in options and options[flag].choices is not None:
            assert set(value.split("|")) == set(options[flag].choices), f"{flag}: {value}"
    return [t.split("|")[0] for t in required]


# ----------------------------------------------------------------------------- smoke-sized arguments


def set_option(args: list[str], flag: str, value: str) -> list[str]:
    """`flag value` in args (replaced where it is, else appended)."""
    if flag in args:
        i = args.index(flag)
        return [*args[:i + 1], value, *args[i + 2:]]
    return [*args, flag, value]


def option(args: list[str], flag: str) -> str | None:
    return args[args.index(flag) + 1] if flag in args else None


def needs_gpu(value: str | None) -> None:
    if value and value.startswith("cuda") and not torch.cuda.is_available():
        pytest.skip("needs a CUDA device (`device cuda`)")


def smoke_batchsize(args: list[str], scratch: Path) -> list[str]:
    if any(t in ("…", "...") for t in args):
        pytest.skip("a placeholder for any command line, not a command")
    if "[" in " ".join(args) or any("|" in t for t in args):
        args = check_synopsis(args)
    needs_gpu(option(args, "--device"))
    command = args[1]
    if command == "train":
        dataset = option(args, "--dataset")
        if dataset in FILE_DATASETS:
            require_data(dataset)
        args = set_option(args, "--epochs", "1")
        for flag, sizes in (("--n-train", SMOKE.n_train), ("--n-test", SMOKE.n_test)):
            if dataset in sizes:
                args = set_option(args, flag, str(sizes[dataset]))
        args = set_option(args, "--store", str(scratch / "store"))
    elif command == "sweep":
        if option(args, "--executor") == "dask":
            pytest.skip("needs a Dask cluster (`--executor dask`)")
        args = set_option(args, "--profile", "smoke")
        if "--seeds" in args:
            args = set_option(args, "--seeds", "1")
        if "--section" not in args:
            args = [*args, "--section", "synthetic"]
        sections = [v for f, v in zip(args, args[1:], strict=False) if f == "--section"]
        for dataset in sorted({c.dataset for s in sections for c in section_configs("smoke", s)}):
            if dataset in FILE_DATASETS:
                require_data(dataset)
        args = set_option(args, "--store", str(scratch / "store"))
    elif command == "verdicts":  # judges the committed stores; logs into the scratch directory, never the repository's
        args = set_option(args, "--log", str(scratch / "verdicts.json"))
    return args


def set_parameter(args: list[str], name: str, value: str) -> list[str]:
    """papermill's `-p name value` in args (replaced where it is, else appended)."""
    for i, token in enumerate(args[:-1]):
        if token in ("-p", "--parameters") and args[i + 1] == name:
            return [*args[:i + 2], value, *args[i + 3:]]
    return [*args, "-p", name, value]


def smoke_papermill(args: list[str], scratch: Path) -> list[str]:
    values = {args[i + 1]: args[i + 2] for i, t in enumerate(args[:-2]) if t in ("-p", "--parameters")}
    needs_gpu(values.get("device"))
    for dataset in ("mnist", "cifar10"):  # the chapters' accuracy sections
        require_data(dataset)
    args = set_parameter(set_parameter(args, "profile", "smoke"), "store", str(scratch / "store"))
    return set_parameter(args, "seeds", "1") if "seeds" in values else args


def smoke_command(command: DocCommand, scratch: Path) -> list[str]:
    """The command's argv at smoke scale, run from `scratch`; pytest.skip when it cannot run here."""
    args = [str(scratch / t.removeprefix("/tmp/")) if t.startswith("/tmp/") else t for t in command.argv]
    if command.program == "batchsize":
        args = smoke_batchsize(args, scratch)
    elif command.program == "papermill":
        args = smoke_papermill(args, scratch)
    return [*command.wrapper, str(Path(sys.executable).parent / command.program), *args[1:]]


def run(command: DocCommand, scratch: Path) -> subprocess.CompletedProcess:
    argv = smoke_command(command, scratch)
    env = {**os.environ, **command.env}
    return subprocess.run(argv, cwd=scratch, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)


def earlier_in_block(command: DocCommand) -> list[DocCommand]:
    """The commands before this one in its fenced block that write a /tmp file it reads (`jupytext ... -o`)."""
    if command.block is None:
        return []
    paths = {t for t in command.argv if t.startswith("/tmp/")}
    before = [c for c in COMMANDS if c.block == command.block and COMMANDS.index(c) < COMMANDS.index(command)]
    return [c for c in before if c.program == "jupytext" and paths & set(c.argv)]


SMOKE_STORE = REPO / "results" / "smoke"  # training itself is tested elsewhere (test_train, test_sweep, test_cli)


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS, ids=[f"{c.where} {' '.join(c.argv[:2])}" for c in COMMANDS])
def test_documented_command_runs(command: DocCommand, tmp_path: Path):
    shutil.copytree(REPO / "notebooks", tmp_path / "notebooks")  # `jupytext notebooks/x.py` writes beside its input
    if SMOKE_STORE.is_dir():  # `make test` trained the smoke runs first: a documented sweep reads them, as a rerun does
        shutil.copytree(SMOKE_STORE, tmp_path / "store")
    for setup in earlier_in_block(command):
        assert run(setup, tmp_path).returncode == 0, f"setup `{setup.text.strip()}` failed"
    proc = run(command, tmp_path)
    assert proc.returncode == 0, (f"`{command.text.strip()}` ({command.where}) ran as "
                                  f"`{shlex.join(smoke_command(command, tmp_path))}`:\n{proc.stderr[-3000:]}")
