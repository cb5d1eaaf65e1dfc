"""Progress: `train` and `sweep` show a bar on stderr that advances by epochs, also from the local executor."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

import pytest

from batchsize.config import make_config
from batchsize.reference import train_run
from batchsize.sweep import run_sweep

STACKED = [make_config("synthetic-1k", 64, epochs=3, seed=s) for s in (42, 43)]  # one stacked group of two runs
SINGLE = make_config("synthetic-1k", 64, epochs=2, precision="bf16")  # not stackable: the reference, checkpointed


class Bar:
    """Stands in for tqdm and records what the sweep tells it."""

    def __init__(self, total: int = 0, **options):
        self.total, self.updates = total, []
        bars.append(self)

    def update(self, n: int = 1) -> None:
        self.updates.append(n)

    def set_postfix_str(self, text: str, refresh: bool = True) -> None:
        self.postfix = text

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc) -> None:
        pass


bars: list[Bar] = []


@pytest.fixture
def bar(monkeypatch):
    bars.clear()
    monkeypatch.setattr("tqdm.auto.tqdm", Bar)
    yield lambda: bars[-1]


def test_the_sweep_bar_advances_once_per_epoch(tmp_path, bar):
    run_sweep([*STACKED, SINGLE], tmp_path, device="cpu")
    assert bar().total == 3 * 2 + 2
    # the stacked group reports its two runs per epoch, the single run each epoch; 0: nothing left to add
    assert bar().updates == [2, 2, 2, 0, 1, 1, 0]
    assert bar().postfix == "3/3 runs"


def test_a_sweep_whose_stderr_is_a_file_logs_a_line_per_stored_run(tmp_path, capsys):
    """Under `nohup` no bar is drawn: a background sweep of many hours says in its log how far it is."""
    run_sweep([*STACKED, SINGLE], tmp_path, device="cpu")
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(", 0:")[0] for line in lines] == ["sweep custom: 2/3 runs stored, 6/8 epochs",
                                                         "sweep custom: 3/3 runs stored, 8/8 epochs"]
    run_sweep([make_config("synthetic-1k", 32, epochs=1)], tmp_path, device="cpu", progress=False)
    assert capsys.readouterr().err == ""

def test_the_bar_ends_full_when_runs_diverge(tmp_path, bar):
    diverging = [make_config("synthetic-1k", 32, base_lr=1e30, epochs=3, precision=p) for p in ("fp32", "bf16")]
    table = run_sweep(diverging, tmp_path, device="cpu")
    assert table["diverged"].all()
    assert bar().updates == [1, 2, 1, 2]  # one epoch each, then the two they skipped
    assert sum(bar().updates) == bar().total


def test_a_resumed_run_reports_its_checkpointed_epochs_at_once(tmp_path):
    config, checkpoint = make_config("synthetic-1k", 64, epochs=3), tmp_path / "run.ckpt"

    def killed_after_two(n: int) -> None:
        reported.append(n)
        if len(reported) == 3:  # during epoch 3, after epoch 2's checkpoint
            raise KeyboardInterrupt

    reported: list[int] = []
    with pytest.raises(KeyboardInterrupt):
        train_run(config, device="cpu", checkpoint=checkpoint, on_epoch=killed_after_two)
    reported = []
    result = train_run(config, device="cpu", checkpoint=checkpoint, on_epoch=reported.append)
    assert reported == [2, 1] and len(result.history) == 3


@pytest.mark.slow
def test_local_workers_report_their_epochs_to_the_bar(tmp_path, bar):
    run_sweep([*STACKED, SINGLE], tmp_path, device="cpu", executor="local", workers=2)
    assert sorted(u for u in bar().updates if u) == [1, 1, 2, 2, 2]


@pytest.mark.slow
def test_train_shows_an_epoch_bar_on_a_terminal(tmp_path):
    """On a terminal `train` draws an epoch bar on stderr (and wipes it); stdout keeps its one JSON line."""
    parent, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 × 100: tqdm draws nothing at 0 × 0
    args = ["train", "--dataset", "synthetic-1k", "--batch-size", "64", "--epochs", "3", "--device", "cpu",
            "--store", str(tmp_path)]
    proc = subprocess.Popen([sys.executable, "-m", "batchsize", *args], stdout=subprocess.PIPE, stderr=child)
    os.close(child)
    stderr = b""
    while True:
        try:
            chunk = os.read(parent, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        stderr += chunk
    os.close(parent)
    stdout = proc.communicate(timeout=120)[0]
    assert proc.returncode == 0 and stdout.count(b"\n") == 1
    assert b"sweep custom:" in stderr and b"/3 [" in stderr and b"epoch" in stderr
