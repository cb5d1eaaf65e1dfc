import pytest

from batchsize.config import UserError
from batchsize.protocol import adjust_for_gap, adjust_for_time, recommend_batch_size, recommendations


@pytest.mark.parametrize(("n", "candidates", "lr_range"), [
    (1, (16, 32), (0.001, 0.003)), (4_999, (16, 32), (0.001, 0.003)),
    (5_000, (32, 64), (0.001, 0.005)), (19_999, (32, 64), (0.001, 0.005)),
    (20_000, (64, 128), (0.002, 0.008)), (60_000, (64, 128), (0.002, 0.008)),
])
def test_regimes_by_dataset_size(n, candidates, lr_range):
    rec = recommend_batch_size(n)
    assert (rec.candidates, rec.lr_range, rec.batch_size) == (candidates, lr_range, candidates[0])
    assert rec.lr == pytest.approx(0.001 * candidates[0] / 32)
    assert not rec.warmup and rec.upper_bound is None


@pytest.mark.parametrize(("n", "candidates"), [(800, (16, 32)), (8_000, (32, 64)), (40_000, (64, 128))])
def test_both_candidates_of_lines_2_to_6_are_recommended(n, candidates):
    """Algorithm 2 sets B to a pair and says not which to train: each is a recommendation, η scaled to it."""
    both = recommendations(n)
    assert tuple(r.batch_size for r in both) == candidates and all(r.candidates == candidates for r in both)
    assert [r.lr for r in both] == [pytest.approx(0.001 * b / 32) for b in candidates]
    assert recommend_batch_size(n, candidate=1) == both[1]
    with pytest.raises(UserError):
        recommend_batch_size(n, candidate=2)


def test_scaled_lr_outside_the_printed_range_is_reported():
    small = recommend_batch_size(800)
    assert small.lr == pytest.approx(0.0005)
    assert len(small.notes) == 1 and "outside the printed range" in small.notes[0]
    assert recommend_batch_size(8_000).notes == ()
    assert recommend_batch_size(8_000, base_lr=0.1, base_batch=256).lr == pytest.approx(0.0125)


def test_upper_bound_caps_the_start_at_a_power_of_two():
    capped = recommend_batch_size(1_000, c=0.3)  # 0.3·√1000 = 9.5
    assert capped.upper_bound == pytest.approx(9.4868, rel=1e-4)
    assert (capped.batch_size, capped.lr) == (8, pytest.approx(0.001 * 8 / 32))
    assert any("capped" in note for note in capped.notes)
    assert recommend_batch_size(1_000, c=0.01).batch_size == 1
    assert recommend_batch_size(40_000, c=1.0).batch_size == 64  # 200 ≥ 64: no cap


def test_bad_inputs():
    for kwargs in (dict(n_samples=0), dict(n_samples=100, base_lr=0), dict(n_samples=100, base_batch=0),
                   dict(n_samples=100, c=-1.0)):
        with pytest.raises(UserError):
            recommend_batch_size(**kwargs)


def test_gap_rule_halves_b_and_the_lr():
    step = adjust_for_gap(64, 0.002, 6.0)
    assert (step.batch_size, step.lr, step.retrain, step.warmup) == (32, pytest.approx(0.001), True, False)
    assert step.fired
    assert adjust_for_gap(512, 0.016, 7.5).warmup  # 256 still needs warmup
    keep = adjust_for_gap(64, 0.002, 5.0)  # not above the threshold
    assert (keep.batch_size, keep.lr, keep.retrain, keep.fired) == (64, 0.002, False, False)
    assert adjust_for_gap(64, 0.002, 3.0, threshold=2.0).batch_size == 32
    floor = adjust_for_gap(1, 1e-4, 20.0)
    assert (floor.batch_size, floor.retrain, floor.fired) == (1, False, True) and "cannot be halved" in floor.reason


def test_time_rule_doubles_b_when_slow_and_accurate():
    step = adjust_for_time(128, 0.004, wall_clock=100.0, budget=60.0, accuracy_acceptable=True)
    assert (step.batch_size, step.lr, step.retrain, step.warmup, step.fired) == (256, pytest.approx(0.008), True, True,
                                                                                 True)
    for kwargs in (dict(wall_clock=50.0, budget=60.0, accuracy_acceptable=True),
                   dict(wall_clock=100.0, budget=60.0, accuracy_acceptable=False)):
        keep = adjust_for_time(128, 0.004, **kwargs)
        assert (keep.batch_size, keep.lr, keep.retrain, keep.warmup, keep.fired) == (128, 0.004, False, False, False)
    bounded = adjust_for_time(128, 0.004, 100.0, 60.0, True, upper_bound=200.0)
    assert (bounded.batch_size, bounded.retrain, bounded.fired) == (128, False, True)  # over budget, held at the bound
    assert "upper bound" in bounded.reason
