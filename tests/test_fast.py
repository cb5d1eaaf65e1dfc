"""The stacked trainer against a plain PyTorch loop, and stacked runs against the same runs alone.

The reference loop is the textbook one (nn.Module, torch.optim.Adam, per-step warmup) fed the fast path's
batch order and dropout masks, so the comparison is exact up to float rounding: the fast path draws its
masks from per-run generators while the reference (`reference.train_run`) uses torch's global one, which is
the only intended difference.
"""

import math
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from batchsize.config import UserError, make_config
from batchsize.data import load_dataset
from batchsize.fast import HIDDEN, _Group, can_stack, group_key, train_stacked
from batchsize.models import build_model
from batchsize.reference import evaluate, train_run
from batchsize.run import warmup_factor
from batchsize.train import train

BACKENDS = ["cpp", "torch"]
strip = lambda history: [v for row in history for k, v in row.items() if k != "epoch_time"]


class FixedMask(nn.Module):
    """Dropout whose multipliers (0 or 1/(1-p)) are set from outside before each step; identity in eval mode."""

    mask: torch.Tensor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.mask if self.training else x


def reference_run(config, dataset):
    """A plain loop: nn.Module, torch.optim.Adam, the fast path's orders and masks; (running losses, model)."""
    model = build_model(config.model, config.seed)
    drop1, drop2 = FixedMask(), FixedMask()
    model[2], model[5] = drop1, drop2
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    draws = _Group([config], dataset, torch.device("cpu"))
    x, y, batch = dataset.x_train, dataset.y_train, config.batch_size
    steps_per_epoch = math.ceil(len(x) / batch)
    losses, step = [], 0
    for _ in range(config.epochs):
        order, masks = draws.draw_epoch()
        total = 0.0
        for i in range(steps_per_epoch):
            rows = slice(i * batch, (i + 1) * batch)
            idx = order[0, rows]
            drop1.mask, drop2.mask = masks[0, rows, :HIDDEN[0]], masks[0, rows, HIDDEN[0]:]
            for group in optimizer.param_groups:
                group["lr"] = config.lr * warmup_factor(step, config.warmup_epochs * steps_per_epoch)
            loss = F.cross_entropy(model(x[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
            step += 1
        losses.append(total / len(x))
    return losses, model


@pytest.fixture(scope="module")
def small():
    return load_dataset("synthetic-1k", n_train=200, n_test=100)


@pytest.mark.parametrize("backend", BACKENDS)
def test_fast_path_follows_the_reference_loop(small, backend):
    # B = 16 on 200 samples leaves a short last batch; warmup and weight decay exercise the whole update.
    config = make_config("synthetic-1k", 16, epochs=3, warmup_epochs=1, weight_decay=1e-3, n_train=200, n_test=100)
    losses, model = reference_run(config, small)
    (result,) = train_stacked([config], device="cpu", dataset=small, backend=backend)
    assert [h["running_loss"] for h in result.history] == pytest.approx(losses, rel=1e-5)
    for (name, ours), theirs in zip(result.model.state_dict().items(), model.state_dict().values(), strict=True):
        torch.testing.assert_close(ours, theirs, rtol=1e-4, atol=1e-5, msg=name)
    train_loss, train_acc = evaluate(model, small.x_train, small.y_train)
    assert result.history[-1]["train_loss"] == pytest.approx(train_loss, rel=1e-5)
    assert result.history[-1]["train_acc"] == pytest.approx(train_acc)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_run_is_the_same_alone_or_stacked(small, backend):
    make = lambda seed, rule: make_config("synthetic-1k", 8, seed=seed, lr_rule=rule, epochs=2, n_train=200,
                                          n_test=100)
    group = train_stacked([make(42, "linear"), make(43, "sqrt"), make(44, "fixed")], device="cpu", dataset=small,
                        backend=backend)
    (alone,) = train_stacked([make(43, "sqrt")], device="cpu", dataset=small, backend=backend)
    assert strip(group[1].history) == pytest.approx(strip(alone.history), rel=1e-6)
    assert strip(group[0].history) != strip(group[1].history)
    for ours, theirs in zip(group[1].model.parameters(), alone.model.parameters(), strict=True):
        torch.testing.assert_close(ours, theirs)


def test_backends_agree(small):
    config = make_config("synthetic-1k", 1, epochs=1, n_train=200, n_test=100)
    cpp, plain = (train_stacked([config], device="cpu", dataset=small, backend=b)[0] for b in BACKENDS)
    assert strip(cpp.history) == pytest.approx(strip(plain.history), rel=1e-4)


def test_one_diverging_run_stops_alone(small):
    make = lambda base_lr: make_config("synthetic-1k", 32, base_lr=base_lr, epochs=3, n_train=200, n_test=100)
    fine, wild = train_stacked([make(1e-3), make(1e30)], device="cpu", dataset=small)
    (alone,) = train_stacked([make(1e-3)], device="cpu", dataset=small)
    assert wild.summary["diverged"] and wild.summary["epochs_run"] == 1 and wild.summary["steps"] == 7
    assert not fine.summary["diverged"] and strip(fine.history) == strip(alone.history)


def test_results_have_the_format_of_train(small):
    config = make_config("synthetic-1k", 50, epochs=3, warmup_epochs=2, n_train=200, n_test=100)  # 4 steps/epoch
    (ours,) = train_stacked([config], device="cpu", dataset=small)
    theirs = train_run(config, dataset=small, device="cpu")
    assert ours.summary.keys() == theirs.summary.keys() and ours.history[0].keys() == theirs.history[0].keys()
    assert [h["lr"] for h in ours.history] == pytest.approx([h["lr"] for h in theirs.history])
    assert {k: ours.summary[k] for k in ("steps", "epochs_run", "train_size", "lr", "diverged")} == \
        {k: theirs.summary[k] for k in ("steps", "epochs_run", "train_size", "lr", "diverged")}
    assert ours.model.state_dict().keys() == build_model("mlp", 0).state_dict().keys()
    assert ours.device == "cpu" and ours.model.training


def test_group_key_and_what_cannot_be_stacked():
    base = make_config("synthetic-10k", 32)
    assert group_key(base) == group_key(make_config("synthetic-10k", 32, seed=7, lr_rule="sqrt", base_lr=0.01))
    assert group_key(base) != group_key(make_config("synthetic-10k", 64))
    assert group_key(base) != group_key(make_config("synthetic-1k", 32))
    assert not can_stack(make_config("mnist", 32)) and can_stack(base)
    with pytest.raises(UserError, match="differ only in seed and LR"):
        train_stacked([base, make_config("synthetic-10k", 64)], device="cpu")
    with pytest.raises(UserError, match="cannot be stacked"):
        train_stacked([make_config("mnist", 32)], device="cpu")
    assert train_stacked([], device="cpu") == []


def test_the_entry_trains_unstackable_runs_one_by_one_with_the_reference():
    from batchsize.data import Dataset

    x, y = torch.randn(64, 3, 32, 32), torch.arange(64) % 10
    ds = Dataset("cifar10", x, y, x[:16], y[:16], 10)
    results = train([make_config("cifar10", 32, epochs=1, seed=s) for s in (1, 2)], device="cpu", dataset=ds)
    assert [r.config.seed for r in results] == [1, 2] and all(r.summary["steps"] == 2 for r in results)


def test_the_entry_stacks_what_it_can_in_the_order_asked(small):
    mlp = [make_config("synthetic-1k", 16, seed=s, epochs=2, n_train=200, n_test=100) for s in (42, 43)]
    stacked = train_stacked(mlp, device="cpu", dataset=small)
    ours = train([mlp[1], mlp[0]], device="cpu", dataset=small)
    assert [r.config for r in ours] == [mlp[1], mlp[0]]
    assert strip(ours[0].history) == strip(stacked[1].history)
    (reference,) = train([mlp[0]], device="cpu", dataset=small, backend="reference")
    assert strip(reference.history) == strip(train_run(mlp[0], small, "cpu").history)
    assert strip(reference.history) != strip(stacked[0].history)  # another dropout stream (module docstring)
    with pytest.raises(UserError, match="unknown backend"):
        train(mlp, device="cpu", dataset=small, backend="gpu")


def test_one_build_folder_per_environment(tmp_path, monkeypatch):
    """Two venvs sharing torch's default folder rebuilt the kernel in turn."""
    from batchsize import fast

    monkeypatch.setenv("TORCH_EXTENSIONS_DIR", str(tmp_path))
    folder = fast._build_directory("kernel")
    assert folder.parent == tmp_path and folder.name.startswith("kernel-") and folder.is_dir()


def test_a_kernel_lock_file_left_by_a_killed_process_blocks_no_one():
    """torch holds its lock file through every load, even one with nothing to build; a process killed then left
    it, and every later load waited on it forever (a CI run hung for an hour)."""
    import threading

    from batchsize import fast

    if fast._kernel() is None:
        pytest.skip("no C++ compiler: the kernel is not built")
    folder = Path(fast._kernel().__file__).parent
    (folder / "lock").touch()  # what the killed process left
    fast._kernel.cache_clear()
    loading = threading.Thread(target=fast._kernel, daemon=True)
    loading.start()
    loading.join(timeout=120)
    assert not loading.is_alive(), "the load waits on a lock file nobody holds"
    assert fast._kernel() is not None and not (folder / "lock").exists()
