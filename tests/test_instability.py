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


def test_the_excursions_in_words_say_where_each_run_left_and_how_it_ended():
    import pandas as pd

    from batchsize.findings_largest_batch import excursions_text

    left = pd.DataFrame(dict(dataset="mnist", batch_size=[1024, 1024, 512], seed=[43, 42, 42],
                             left_at=[17.0, 17.0, None], lr=[0.0231, 0.0231, None], loss=[5.6, 5.3, None],
                             peak_loss=[1e16, 303.0, 2.3],
                             finite=[False, True, True], back_at=[19, 19, None]), dtype=object)
    runs = pd.DataFrame(dict(batch_size=[1024, 1024, 512], seed=[43, 42, 42], lr=[0.4, 0.4, 0.2],
                             outcome=["diverged", "collapsed", "trained"]))
    text = excursions_text(left, runs)
    assert "At B = 512 no run's loss left the normal range" in text
    assert "**2 of 2** runs left the normal range, at update 17 and an LR of 0.0231 (6 % of the target)" in text
    assert "seed 43 not finite" in text and "seed 42 collapsed, seed 43 diverged" in text
    assert "2 of them went above twice a uniform guess's loss (4.61)." in text  # 303 and not finite: far above
    near = excursions_text(left.assign(peak_loss=[1e16, 3.0, 2.3]), runs)  # 3.0: above ln 10, under twice it
    assert "1 of them went above twice" in near
    assert "1 stayed below that, so a line drawn twice as high would not count it" in near
