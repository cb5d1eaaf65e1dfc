import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from batchsize import data as batchsize_data
from batchsize import store as store_module
from batchsize import sweep as sweep_module
from batchsize.cli import main
from conftest import REPO


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "batchsize", *args], capture_output=True, text=True, timeout=120)


def test_train_prints_one_json_summary_and_reuses_the_store(tmp_path, capsys):
    args = ["train", "--dataset", "synthetic-1k", "--batch-size", "64", "--epochs", "2", "--device", "cpu",
            "--store", str(tmp_path)]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["batch_size"] == 64 and first["from_store"] is False and 0 <= first["test_acc"] <= 100
    assert main(args) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["from_store"] is True and second["test_acc"] == first["test_acc"]


def test_sweep_prints_the_table(tmp_path, capsys):
    assert main(["sweep", "--profile", "smoke", "--section", "synthetic", "--store", str(tmp_path),
                 "--device", "cpu", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "synthetic-50k" in out and "test_acc" in out
    assert len(list(tmp_path.glob("*.json"))) == 6


def test_sweep_skip_absent_leaves_out_the_sections_whose_files_are_missing(monkeypatch, capsys):
    """`make test` trains the smoke runs first with --skip-absent: Fashion-MNIST's package may be missing offline.
    A corrupt file is not a missing one: the sweep stops at it, before any training."""
    from batchsize import cli, data

    status = {"fashion-mnist": "missing"}
    def verify_one(name, data_dir=None):
        return {"dataset": name, "status": status.get(name, "ok"), "detail": f"{name}: {status.get(name, 'ok')}"}
    def run_profile(profile, sections, *args, **options):  # no training: which sections it would run
        swept.append(sections)
        return pd.DataFrame({"key": []})
    swept = []
    monkeypatch.setattr(data, "verify_one", verify_one)
    monkeypatch.setattr(cli, "run_profile", run_profile)
    assert main(["sweep", "--profile", "smoke", "--section", "fashion-mnist", "--section", "synthetic",
                 "--skip-absent"]) == 0
    assert swept == [["synthetic"]]
    assert capsys.readouterr().err.strip() == ("sweep: leaving out fashion-mnist: the files of fashion-mnist are not "
                                               "on this machine")
    assert main(["sweep", "--profile", "smoke", "--section", "fashion-mnist", "--skip-absent"]) == 2
    assert "no section of fashion-mnist has its data set's files here" in capsys.readouterr().err
    assert main(["sweep", "--profile", "smoke", "--section", "synthetic", "--skip-absent"]) == 0 and swept[-1] == [
        "synthetic"]
    status["mnist"] = "corrupt"
    assert main(["sweep", "--profile", "smoke", "--section", "mnist", "--section", "synthetic", "--skip-absent"]) == 2
    assert capsys.readouterr().err.strip() == "batchsize: error: mnist: corrupt" and len(swept) == 2


def test_sweep_batch_sizes_trains_those_b_as_a_chapter_does(tmp_path, capsys):
    """B = 48 is in no profile: the accuracy sections train it, as a chapter given [48] does."""
    assert main(["sweep", "--profile", "smoke", "--section", "synthetic", "--section", "mnist", "--batch-sizes", "48",
                 "128", "--store", str(tmp_path), "--device", "cpu", "--no-progress"]) == 0
    records = [json.loads(p.read_text())["config"] for p in tmp_path.glob("*.json")]
    assert sorted((c["dataset"], c["batch_size"]) for c in records) == [  # smoke: synthetic at 8, 64; MNIST 16, 128
        (d, b) for d in ("mnist", "synthetic-10k", "synthetic-1k", "synthetic-50k") for b in (48, 128)]


@pytest.mark.parametrize(("args", "message"), [
    (["train", "--dataset", "synthetic-1k", "--batch-size", "0"], "batch size must be a positive integer"),
    (["train", "--dataset", "synthetic-1k", "--batch-size", "4096"], "larger than the training set"),
    (["train", "--dataset", "imagenet", "--batch-size", "8"], "invalid choice: 'imagenet'"),
    (["train", "--dataset", "synthetic-1k", "--batch-size", "8", "--epochs", "-3"], "epochs must be a positive"),
    (["train", "--dataset", "synthetic-1k", "--batch-size", "8", "--epochs", "0"], "positive integer, got 0"),
    (["train", "--dataset", "synthetic-1k", "--batch-size", "8", "--n-train", "1"], "n-train must be an integer >= 2"),
    (["train", "--dataset", "synthetic-1k", "--batch-size", "8", "--n-test", "0"], "n-test must be an integer >= 2"),
    (["train", "--dataset", "synthetic-1k", "--batch-size", "8", "--n-train", "99999"], "exceeds the 800 samples"),
    (["train", "--dataset", "synthetic-1k", "--batch-size", "8", "--warmup-epochs", "-1"], "warmup epochs"),
    (["train", "--dataset", "synthetic-1k", "--batch-size", "8", "--base-lr", "0"], "base learning rate"),
    (["train", "--dataset", "synthetic-1k", "--batch-size", "eight"], "invalid int value"),
    (["sweep", "--profile", "huge"], "invalid choice: 'huge'"),
    (["sweep", "--profile", "smoke", "--section", "nope"], "invalid choice: 'nope'"),
    (["sweep", "--profile", "smoke", "--seeds", "0"], "positive integer"),
    (["sweep", "--profile", "smoke", "--batch-sizes", "0"], "batch size must be a positive integer"),
    (["sweep", "--profile", "smoke", "--section", "synthetic", "--batch-sizes", "1024"],
     "no run of synthetic in profile 'smoke' can have a batch size in [1024]"),  # the MLP's largest B is 512
    (["train", "--dataset", "mnist", "--batch-size", "8", "--data-dir", "/nonexistent"], "--data-dir"),
])
def test_user_errors_are_one_line_without_traceback(args, message, tmp_path, monkeypatch):
    monkeypatch.delenv("BATCHSIZE_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    proc = run_cli(*args, "--store", str(tmp_path)) if args[0] == "train" else run_cli(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("batchsize: error:") and message in lines[0]


@pytest.mark.parametrize("command", [
    ["train", "--dataset", "synthetic-1k", "--batch-size", "8", "--epochs", "1", "--device", "cpu"],
    ["sweep", "--profile", "smoke", "--section", "synthetic", "--device", "cpu", "--no-progress"],
])
@pytest.mark.parametrize("where", ["file", "file/store"])
def test_a_store_that_cannot_be_written_fails_in_one_line_before_training(command, where, tmp_path, capsys,
                                                                            monkeypatch):
    """A file where the store should be (root ignores read-only directories; tests/test_store.py has those)."""
    (tmp_path / "file").write_text("not a store")
    monkeypatch.setattr(sweep_module, "train", lambda *a, **k: pytest.fail("trained before the check"))
    assert main([*command, "--store", str(tmp_path / where)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"batchsize: error: cannot write to the run store {tmp_path / where}: "
                     + ("it is a file" if where == "file" else "Not a directory")]


def test_data_verify_reports_every_data_set(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("BATCHSIZE_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["data", "verify", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "synthetic-1k    ok" in out and "missing" in out


def test_help_answers_at_once_without_importing_torch_or_pandas():
    """`batchsize --help` (and every subcommand's) must not wait for torch, pandas or the data loaders: judged by
    what it imports, not by a time, so the test means the same on a fast idle machine and on a loaded one."""
    heavy = "{'torch', 'pandas', 'numpy', 'sklearn'}"
    for command in ([], ["train"], ["sweep"], ["data"]):
        code = (f"import sys\nfrom batchsize.cli import main\ntry:\n    main({command + ['--help']!r})\n"
                f"except SystemExit:\n    pass\nprint(sorted({heavy} & set(sys.modules)), file=sys.stderr)")
        imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert "usage: batchsize" in imported.stdout
        assert imported.stderr.strip() == "[]", f"batchsize {' '.join(command)} --help imported {imported.stderr}"
        assert run_cli(*command, "--help").returncode == 0


def test_stores_the_cli_writes_by_default_are_ignored_by_git_and_committed_ones_are_not():
    """`train` without --store writes results/custom, a smoke sweep results/smoke: neither may dirty the checkout."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")

    def ignored(profile: str) -> bool:
        path = store_module.default_store(profile).root / "0123456789abcdef0123.json"
        return subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=REPO).returncode == 0

    assert ignored("custom") and ignored("smoke")
    assert not ignored("quick") and not ignored("paper")


def test_data_is_looked_for_in_the_repository_not_the_current_directory(tmp_path, monkeypatch, capsys):
    seen = []
    monkeypatch.setattr(batchsize_data, "verify", lambda data_dir: seen.append(data_dir) or [])
    monkeypatch.delenv("BATCHSIZE_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["data", "verify"]) == 0
    monkeypatch.setenv("BATCHSIZE_DATA", str(tmp_path / "env"))
    assert main(["data", "verify"]) == 0
    assert main(["data", "verify", "--data-dir", str(tmp_path / "given")]) == 0
    assert seen == [str(REPO / "data"), str(tmp_path / "env"), str(tmp_path / "given")]


def test_a_full_disk_is_one_line_and_keeps_finished_runs(tmp_path, capsys, monkeypatch):
    import errno

    from batchsize import store as store_module

    real_write, writes = store_module._atomic_write, []

    def fill_up(path, write):  # the first record (and its weights) land, then the disk is full
        if writes and path.suffix == ".json":
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(path, write)
        writes.extend([path] if path.suffix == ".json" else [])

    monkeypatch.setattr(store_module, "_atomic_write", fill_up)
    args = ["sweep", "--profile", "smoke", "--section", "synthetic", "--store", str(tmp_path), "--device", "cpu",
            "--no-progress"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("batchsize: error: No space left on device; finished runs are kept") and err.count("\n") == 1
    assert len(list(tmp_path.glob("*.json"))) == 1
