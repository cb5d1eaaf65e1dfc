import math

import pytest
import torch

from batchsize.config import UserError, make_config, scaled_lr
from batchsize.data import load_dataset
from batchsize.train import evaluate, train, warmup_factor


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
    lrs = [h["lr"] for h in train(config, device="cpu").history]
    assert lrs == pytest.approx([config.lr * 8 / 16, config.lr, config.lr])


def test_small_synthetic_run_reaches_the_papers_regime():
    result = train(make_config("synthetic-1k", 32), device="cpu")
    summary = result.summary
    assert summary["test_acc"] > 85.0
    assert summary["gap"] == pytest.approx(summary["train_acc"] - summary["test_acc"])
    assert summary["epochs_run"] == 50 and summary["steps"] == 50 * 25 and not summary["diverged"]
    assert summary["first_epoch_above_80"] is not None and summary["mean_epoch_time"] > 0


def test_train_accuracy_is_measured_in_eval_mode_on_the_full_set():
    result = train(make_config("synthetic-1k", 64, epochs=2), device="cpu")
    ds = load_dataset("synthetic-1k")
    assert result.history[-1]["train_acc"] == pytest.approx(evaluate(result.model, ds.x_train, ds.y_train)[1])
    assert result.model.training  # evaluate restores the mode it found


def test_same_seed_same_history_other_seed_other_history():
    strip = lambda h: [{k: v for k, v in e.items() if k != "epoch_time"} for e in h]
    config = make_config("synthetic-1k", 16, epochs=3)
    first, second = train(config, device="cpu"), train(config, device="cpu")
    assert strip(first.history) == strip(second.history)
    other = train(make_config("synthetic-1k", 16, epochs=3, seed=7), device="cpu")
    assert strip(other.history) != strip(first.history)


def test_divergence_is_recorded_not_raised():
    result = train(make_config("synthetic-1k", 32, base_lr=1e30, epochs=5), device="cpu")
    assert result.summary["diverged"] is True
    assert result.summary["epochs_run"] < 5 or not math.isfinite(result.history[-1]["train_loss"])


def test_cifar_run_with_augmentation_on_tensors():
    x = torch.randn(64, 3, 32, 32)
    y = torch.arange(64) % 10
    from batchsize.data import Dataset

    ds = Dataset("cifar10", x, y, x[:16], y[:16], 10)
    result = train(make_config("cifar10", 32, epochs=1), dataset=ds, device="cpu")
    assert result.summary["steps"] == 2 and len(result.history) == 1


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(batch_size=0), "positive"), (dict(batch_size=801), "larger than the training set"),
    (dict(epochs=-1), "epochs"), (dict(n_train=1), "n-train"),
])
def test_bad_configs_are_user_errors(kwargs, message):
    with pytest.raises(UserError, match=message):
        batch = kwargs.pop("batch_size", 32)
        train(make_config("synthetic-1k", batch, **kwargs), device="cpu")


def test_cuda_without_a_gpu_is_a_user_error():
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(UserError, match="no CUDA device"):
        train(make_config("synthetic-1k", 32, epochs=1), device="cuda")
