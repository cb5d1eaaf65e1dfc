import math

import pytest

from batchsize.config import make_config
from batchsize.instability import chance_loss, excursions, first_excursion, steps_of, trace


def test_an_excursion_is_a_rise_above_chance_after_the_loss_fell_below_half_of_it():
    assert first_excursion([2.5, 1.0, 2.0, 3.0, 2.9, 2.0], 2.3) == (3, 5)
    assert first_excursion([2.5, 1.0, 1.5, math.nan, math.nan], 2.3) == (3, None)  # diverged: never back
    assert first_excursion([2.5, 2.0, 3.0, 9.0], 2.3) == (None, None)  # never clearly learning: no excursion
    assert first_excursion([2.0, 1.0, 0.5], 2.3) == (None, None)
    assert chance_loss("mnist") == pytest.approx(math.log(10))


def test_a_warmup_to_a_thousandfold_lr_leaves_the_normal_range_on_the_ramp_and_its_own_lr_does_not():
    """synthetic-1k at B = 20 (40 steps an epoch), warm-up over 2 epochs: the run learns while the LR is small,
    then, ramped toward 1,000x its own LR, the loss leaves the normal range before the ramp ends — MNIST's B = 1024
    in miniature (issue 26). At its own LR the same run never does."""
    own, wild = (make_config("synthetic-1k", 20, epochs=3, warmup_epochs=2, base_lr=0.001 * m) for m in (1, 1000))
    traced = trace([own, wild], [steps_of(c, 120) for c in (own, wild)])
    assert traced.groupby("key").size().tolist() == [120, 120]
    found = excursions(traced).set_index("key")
    assert found.at[own.key(), "left_at"] is None
    assert 1 < found.at[wild.key(), "left_at"] < 80 and found.at[wild.key(), "lr"] < wild.lr  # on the ramp
    assert found.at[wild.key(), "peak_loss"] > 5 * chance_loss("synthetic-1k") > found.at[own.key(), "peak_loss"]
