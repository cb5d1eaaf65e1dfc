import hashlib
import json
import math

import pandas as pd
import pytest
import torch

from batchsize.config import UserError, make_config, scaled_lr
from batchsize.data import Dataset, load_dataset
from batchsize.reference import evaluate, first_steps, train_run
from batchsize.run import run_outcome, warmup_factor


def test_lr_rules_follow_equation_two_and_its_square_root():
    assert scaled_lr(0.001, 512, 32, "linear") == pytest.approx(0.016)
    assert scaled_lr(0.001, 512, 32, "sqrt") == pytest.approx(0.004)
    assert scaled_lr(0.001, 512, 32, "fixed") == 0.001
    assert make_config("cifar10", 1024).lr == pytest.approx(0.032)  # the paper's collapse LR
    assert make_config("mnist", 8).lr == pytest.approx(0.1 * 8 / 256)
    with pytest.raises(UserError):
        scaled_lr(0.001, 8, 32, "cubic")


def test_paper_warmup_rule_and_per_step_ramp():
    assert make_config("mnist", 256).warmup_epochs == 5 and make_config("mnist", 128).warmup_epochs == 0
    assert make_config("synthetic-1k", 512).warmup_epochs == 0
    assert [warmup_factor(s, 4) for s in range(6)] == [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    assert warmup_factor(0, 0) == 1.0


def test_warmup_is_stepped_per_iteration_in_training():
    config = make_config("synthetic-1k", 100, warmup_epochs=2, epochs=3)  # 8 steps per epoch
    lrs = [h["lr"] for h in train_run(config, device="cpu").history]
    assert lrs == pytest.approx([config.lr * 8 / 16, config.lr, config.lr])


def test_first_steps_are_the_updates_of_the_run_itself():
    """Issue 26: a failure within an epoch is located by step; the steps are the run's own (their mean over the first
    epoch is its running loss) and their LR is the warm-up's ramp."""
    config = make_config("synthetic-1k", 100, epochs=2, warmup_epochs=1)  # 800 training examples: 8 steps an epoch
    steps = first_steps(config, 8, device="cpu")
    assert [s["step"] for s in steps] == list(range(1, 9))
    assert [s["lr"] for s in steps] == pytest.approx([config.lr * k / 8 for k in range(1, 9)])
    history = train_run(config, device="cpu").history
    assert sum(s["loss"] for s in steps) / 8 == pytest.approx(history[0]["running_loss"], rel=1e-5)
    assert len(first_steps(config, 3, device="cpu")) == 3


@pytest.mark.slow
def test_small_synthetic_run_reaches_the_papers_regime():
    result = train_run(make_config("synthetic-1k", 32), device="cpu")
    summary = result.summary
    assert summary["test_acc"] > 85.0
    ds = load_dataset("synthetic-1k")  # the gap is that of the returned network, measured afresh
    train_acc, test_acc = (evaluate(result.model, x, y)[1] for x, y in ((ds.x_train, ds.y_train),
                                                                       (ds.x_test, ds.y_test)))
    assert summary["gap"] == pytest.approx(train_acc - test_acc)
    assert summary["epochs_run"] == 50 and summary["steps"] == 50 * 25 and not summary["diverged"]
    assert summary["first_epoch_above_80"] is not None and summary["mean_epoch_time"] > 0


def test_train_accuracy_is_measured_in_eval_mode_on_the_full_set():
    result = train_run(make_config("synthetic-1k", 64, epochs=2), device="cpu")
    ds = load_dataset("synthetic-1k")
    assert result.history[-1]["train_acc"] == pytest.approx(evaluate(result.model, ds.x_train, ds.y_train)[1])
    assert result.model.training  # evaluate restores the mode it found


def test_the_training_set_is_evaluated_where_a_number_needs_it(monkeypatch):
    """CIFAR-10 evaluates its training set every 10th epoch and at the last (DatasetSpec.train_eval_every); the
    run, its test curve and every number of its summary are those of a run that evaluates it after every epoch."""
    import dataclasses

    import batchsize.reference as train_module

    generator = torch.Generator().manual_seed(2)
    y = torch.arange(64) % 10
    ds = Dataset("cifar10", torch.randn(64, 3, 32, 32, generator=generator), y, torch.randn(32, 3, 32, 32), y[:32], 10)
    config = make_config("cifar10", 32, epochs=11)
    cut = train_run(config, dataset=ds, device="cpu")
    assert [h["epoch"] for h in cut.history if h["train_acc"] is not None] == [10, 11]
    specs = {**train_module.DATASET_SPECS,
             "cifar10": dataclasses.replace(train_module.DATASET_SPECS["cifar10"], train_eval_every=1)}
    monkeypatch.setattr(train_module, "DATASET_SPECS", specs)
    full = train_run(config, dataset=ds, device="cpu")
    assert all(h["train_acc"] is not None for h in full.history)
    timing = {"mean_epoch_time"}
    assert {k: v for k, v in cut.summary.items() if k not in timing} == \
        {k: v for k, v in full.summary.items() if k not in timing}
    assert [h["test_acc"] for h in cut.history] == [h["test_acc"] for h in full.history]


def test_same_seed_same_history_other_seed_other_history():
    strip = lambda h: [{k: v for k, v in e.items() if k != "epoch_time"} for e in h]
    config = make_config("synthetic-1k", 16, epochs=3)
    first, second = train_run(config, device="cpu"), train_run(config, device="cpu")
    assert strip(first.history) == strip(second.history)
    other = train_run(make_config("synthetic-1k", 16, epochs=3, seed=7), device="cpu")
    assert strip(other.history) != strip(first.history)


def test_divergence_is_recorded_not_raised():
    result = train_run(make_config("synthetic-1k", 32, base_lr=1e30, epochs=5), device="cpu")
    assert result.summary["diverged"] is True
    assert result.summary["epochs_run"] < 5 or not math.isfinite(result.history[-1]["train_loss"])


def test_cifar_run_with_augmentation_on_tensors():
    x = torch.randn(64, 3, 32, 32)
    y = torch.arange(64) % 10
    ds = Dataset("cifar10", x, y, x[:16], y[:16], 10)
    result = train_run(make_config("cifar10", 32, epochs=1), dataset=ds, device="cpu")
    assert result.summary["steps"] == 2 and len(result.history) == 1


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(batch_size=0), "positive"), (dict(batch_size=801), "larger than the training set"),
    (dict(epochs=-1), "epochs"), (dict(n_train=1), "n-train"),
])
def test_bad_configs_are_user_errors(kwargs, message):
    with pytest.raises(UserError, match=message):
        batch = kwargs.pop("batch_size", 32)
        train_run(make_config("synthetic-1k", batch, **kwargs), device="cpu")


def test_cuda_without_a_gpu_is_a_user_error():
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(UserError, match="no CUDA device"):
        train_run(make_config("synthetic-1k", 32, epochs=1), device="cuda")


def test_new_config_fields_keep_old_keys_at_their_old_values():
    """Runs stored before `init` and `precision` existed keep their keys; other values get new ones."""
    config = make_config("mnist", 32)
    old_fields = {k: v for k, v in config.to_dict().items() if k not in ("init", "precision")}
    old_key = hashlib.sha256(json.dumps(old_fields, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:20]
    assert config.key() == old_key
    keys = {config.key(), make_config("mnist", 32, init="torch-default").key(),
            make_config("mnist", 32, precision="bf16").key()}
    assert len(keys) == 3
    with pytest.raises(UserError, match="precision"):
        make_config("mnist", 32, precision="fp8")


def test_outcomes_tell_collapse_from_divergence():
    assert run_outcome("mnist", False, 11.35) == "collapsed"
    assert run_outcome("mnist", False, 16.0) == "trained"
    assert run_outcome("synthetic-1k", False, 54.0) == "collapsed"
    assert run_outcome("synthetic-1k", True, 90.0) == "diverged"
    assert run_outcome("cifar10", False, math.nan) == "diverged"
    result = train_run(make_config("synthetic-1k", 32, base_lr=1e30, epochs=5), device="cpu")
    assert result.summary["outcome"] in ("diverged", "collapsed")


def test_bf16_and_fp32_training_agree_at_smoke_scale():
    """bf16 autocast keeps fp32 master weights: after a few steps the two runs differ by rounding only.

    Tolerance: final training loss within 0.05 (relative) and test accuracy within 6 points on 128 images
    of a learnable task (one image is 0.8 point). Few images: where bf16 has no kernels it is emulated, ~8x slower.
    """
    generator = torch.Generator().manual_seed(0)
    y = torch.arange(256) % 10
    x = torch.randn(256, 3, 32, 32, generator=generator) * 0.5 + y[:, None, None, None] / 5
    ds = Dataset("cifar10", x[:128], y[:128], x[128:], y[128:], 10)
    runs = {p: train_run(make_config("cifar10", 32, epochs=2, augment=False, precision=p), dataset=ds, device="cpu")
            for p in ("fp32", "bf16")}
    fp32, bf16 = (runs[p].summary for p in ("fp32", "bf16"))
    assert fp32["test_acc"] > 30  # the task is learned, so agreement is not two runs at chance
    assert bf16["train_loss"] == pytest.approx(fp32["train_loss"], rel=0.05)
    assert abs(bf16["test_acc"] - fp32["test_acc"]) <= 6
    assert all(p.dtype == torch.float32 for p in runs["bf16"].model.parameters())


@pytest.mark.slow
def test_a_killed_run_resumes_from_its_checkpoint_with_the_same_result(tmp_path, monkeypatch):
    """Interrupted in epoch 3 (after epoch 2's checkpoint), the resumed run equals an uninterrupted one."""
    import batchsize.reference as train_module

    generator = torch.Generator().manual_seed(1)
    y = torch.arange(96) % 10
    ds = Dataset("cifar10", torch.randn(96, 3, 32, 32, generator=generator), y, torch.randn(32, 3, 32, 32), y[:32], 10)
    config = make_config("cifar10", 16, epochs=4)  # augmentation draws from the run's generator
    strip = lambda h: [{k: v for k, v in e.items() if k != "epoch_time"} for e in h]
    reference = train_run(config, dataset=ds, device="cpu")

    calls, real_evaluate = [], train_module.evaluate
    def interrupt_in_epoch_three(*args, **kwargs):  # one evaluation per epoch (the test set) before the last
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_evaluate(*args, **kwargs)
    monkeypatch.setattr(train_module, "evaluate", interrupt_in_epoch_three)
    checkpoint = tmp_path / "run.ckpt"
    with pytest.raises(KeyboardInterrupt):
        train_run(config, dataset=ds, device="cpu", checkpoint=checkpoint)
    monkeypatch.setattr(train_module, "evaluate", real_evaluate)
    assert checkpoint.is_file()

    resumed = train_run(config, dataset=ds, device="cpu", checkpoint=checkpoint)
    assert pd.DataFrame(strip(resumed.history)).equals(pd.DataFrame(strip(reference.history)))  # None: not evaluated
    assert resumed.resumed_from and not reference.resumed_from  # provenance says the run was resumed
    assert all(torch.equal(a, b) for a, b in zip(resumed.model.state_dict().values(),
                                                 reference.model.state_dict().values(), strict=True))
    other = make_config("cifar10", 16, epochs=4, seed=7)  # another config refuses this checkpoint
    with pytest.raises(train_module.CheckpointError, match="not the checkpoint of run"):
        train_module.load_checkpoint(checkpoint, other)
