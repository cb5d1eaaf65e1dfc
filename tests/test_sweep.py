
import pytest

from batchsize.config import UserError
from batchsize.fast import group_key
from batchsize.plan import PROFILES, SECTIONS, section_configs
from batchsize.train import group_runs


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_of_every_profile_yields_valid_configs(profile, section):
    configs = section_configs(profile, section, seeds=2)
    assert configs, f"{profile}/{section} is empty"
    assert {c.seed for c in configs} == {42, 43}
    for config in configs:
        config.validate()
        assert config.n_train is None or config.batch_size <= config.n_train


def test_paper_profile_is_table_two():
    configs = {(c.dataset, c.batch_size): c for c in section_configs("paper", "mnist", seeds=1)}
    assert sorted(b for _, b in configs) == [1, 8, 16, 32, 64, 128, 256, 512, 1024]
    assert configs["mnist", 1024].epochs == 12 and configs["mnist", 1024].lr == pytest.approx(0.4)
    assert configs["mnist", 256].warmup_epochs == 5 and configs["mnist", 128].warmup_epochs == 0
    assert configs["mnist", 64].n_train is None and configs["mnist", 64].weight_decay == 5e-4
    synthetic = section_configs("paper", "synthetic", seeds=1)
    assert max(c.batch_size for c in synthetic) == 512 and {c.epochs for c in synthetic} == {50}
    assert PROFILES["paper"].seeds >= 3
    assert {c.seed for c in section_configs("paper", "synthetic")} == set(range(42, 47))  # 5 seeds by default


def test_lr_ablation_and_matched_steps():
    ablation = section_configs("paper", "lr-scaling", seeds=1)
    assert {(c.batch_size, c.lr_rule) for c in ablation} == {(b, r) for b in (32, 128, 512)
                                                            for r in ("fixed", "linear", "sqrt")}
    matched = section_configs("paper", "matched-steps", seeds=1)
    assert [(c.batch_size, c.epochs) for c in matched] == [(128, 200), (512, 800),  # matched updates
                                                           (32, 50), (128, 50), (512, 50),  # the fixed budget
                                                           (32, 200), (32, 800)]  # B = 32 as long as each


def test_seeds_and_lr_variants_of_one_batch_size_train_together():
    configs = section_configs("paper", "lr-scaling", seeds=3) + section_configs("paper", "mnist", seeds=2)
    groups = group_runs(configs)
    assert sum(len(g) for g in groups) == len(configs)
    assert all(len({group_key(c) for c in g}) == 1 for g in groups)
    assert sorted(len(g) for g in groups if g[0].dataset == "synthetic-50k") == [9, 9, 9]
    assert all(len(g) == 1 for g in groups if g[0].dataset == "mnist")  # CNN runs stay one task each


def test_unknown_names_are_user_errors():
    with pytest.raises(UserError, match="unknown profile"):
        section_configs("huge", "mnist")
    with pytest.raises(UserError, match="unknown section"):
        section_configs("smoke", "imagenet")


@pytest.mark.slow
def test_weights_are_saved_by_whichever_section_trains_the_run_first(tmp_path, monkeypatch):
    from batchsize import sweep

    trained = []
    real = sweep.train
    monkeypatch.setattr(sweep, "train", lambda cs, **k: trained.extend(cs) or real(cs, **k))
    sizes = [64, 128]  # the smoke grid's cheap end: synthetic trains both, weights wants 64 of it and CNNs at 128
    sweep.run_profile("smoke", ["synthetic", "weights"], seeds=1, store=tmp_path, device="cpu", progress=False,
                      batch_sizes=sizes)
    synthetic = section_configs("smoke", "synthetic", seeds=1, batch_sizes=sizes)
    weights = section_configs("smoke", "weights", seeds=1, batch_sizes=sizes)
    assert any(c in synthetic for c in weights) and any(c not in synthetic for c in weights)
    # each run trained once: the weights section found its synthetic runs already stored, with weights
    assert sorted(c.key() for c in trained) == sorted({c.key() for c in synthetic + weights})
    assert all((tmp_path / f"{c.key()}.pt").is_file() for c in weights)


def test_checks_pair_both_values_of_one_field_and_nothing_else():
    for section, field, values in (("init-check", "init", {"he-uniform", "torch-default"}),
                                   ("precision-check", "precision", {"fp32", "bf16"})):
        configs = section_configs("paper", section, seeds=3)
        assert {getattr(c, field) for c in configs} == values
        pairs = {}
        for c in configs:
            rest = tuple(sorted((k, v) for k, v in c.to_dict().items() if k != field))
            pairs.setdefault(rest, set()).add(getattr(c, field))
        assert all(v == values for v in pairs.values()) and len(pairs) == 3 * 4  # 3 seeds × 2 data sets × 2 B
    assert {c.init for c in section_configs("paper", "mnist", seeds=1)} == {PROFILES["paper"].init}
    # the profile trains CIFAR-10 in bf16, but the init check stays fp32 (its committed runs keep their keys)
    assert {c.precision for c in section_configs("paper", "cifar10", seeds=1)} == {"bf16"}
    assert {c.precision for c in section_configs("paper", "init-check", seeds=3)} == {"fp32"}


def test_every_quick_run_can_train():
    """Issue 10 §3: ≥ 3 seeds, whole test sets, B = 1 included, no warmup as long as training, and ≥ 30 updates
    at the largest B of each data set."""
    quick = PROFILES["quick"]
    assert quick.seeds >= 3 and all(n >= 3 for n in quick.section_seeds.values())
    configs = [c for s in SECTIONS for c in section_configs("quick", s)]
    assert all(c.n_test is None for c in configs)
    assert {c.dataset for c in configs if c.batch_size == 1} >= {"mnist", "synthetic-1k", "synthetic-10k"}
    assert all(c.warmup_epochs < c.epochs for c in configs)
    for dataset, sizes in quick.batch_sizes.items():
        config = quick.config(dataset, max(sizes), 42)
        n_train = config.n_train or {"synthetic-1k": 800, "synthetic-10k": 8_000, "mnist": 60_000}[dataset]
        assert -(-n_train // config.batch_size) * config.epochs >= 30, dataset


def test_a_warmup_cap_shortens_only_what_it_caps():
    quick = PROFILES["quick"]
    assert quick.config("mnist", 512, 42).warmup_epochs == quick.max_warmup_epochs
    assert quick.config("mnist", 128, 42).warmup_epochs == 0
    assert PROFILES["paper"].config("mnist", 512, 42).warmup_epochs == 5


def test_local_workers_split_only_the_cores_the_sweep_may_use(monkeypatch):
    """A sweep under `taskset -c 0` gets one thread per worker, not the machine's core count."""
    from batchsize import sweep

    monkeypatch.setattr(sweep.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    monkeypatch.setattr(sweep.os, "cpu_count", lambda: 2)
    assert sweep.worker_threads(1) == 1 and sweep.worker_threads(2) == 1
    monkeypatch.setattr(sweep.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert sweep.worker_threads(1) == 4 and sweep.worker_threads(2) == 2 and sweep.worker_threads(8) == 1


def test_a_sweep_of_bf16_cnns_warns_where_bf16_has_no_fast_kernels(monkeypatch, capsys, tmp_path):
    """On a CPU without AVX-512 the paper's bf16 CIFAR-10 runs take days: said in one line before they start, where
    someone follows the sweep's progress; a chapter's sweep (no progress) says nothing, since a line on its stderr
    fails the book's build on such a CPU (the smoke book's checks chapter did, on an AVX2 EPYC)."""
    from batchsize import reference, sweep
    from batchsize.config import make_config

    monkeypatch.setattr(sweep, "train_and_store", lambda group, **options: [])  # the warning, not the training
    cnn, mlp = (make_config(d, 8, epochs=1, precision="bf16") for d in ("cifar10", "synthetic-1k"))
    for plain_kernels, config, progress, warned in ((True, mlp, True, False), (False, cnn, True, False),
                                                    (True, cnn, True, True), (True, cnn, False, False)):
        monkeypatch.setattr(reference, "bf16_on_plain_kernels", lambda device, p=plain_kernels: p)
        sweep.run_sweep([config], tmp_path, device="cpu", progress=progress)
        assert ("without oneDNN bf16 kernels" in capsys.readouterr().err) == warned


def test_mnist_at_its_largest_batch_counts_failures_on_eight_seeds_and_changes_one_ingredient_on_three():
    """Issue 26 §1: the recipe's runs are the accuracy section's (same keys) plus seeds 45–49; each ablation changes
    exactly one field of the recipe."""
    configs = section_configs("paper", "mnist-largest-batch")
    recipe = {c.seed: c for c in configs if c.lr_rule == "linear" and c.warmup_epochs == 5}
    assert sorted(recipe) == list(range(42, 50)) and {c.batch_size for c in configs} == {1024}
    accuracy = {c.key() for c in section_configs("paper", "mnist")}
    assert {s for s, c in recipe.items() if c.key() in accuracy} == {42, 43, 44}
    for config in configs:
        if config is not recipe[config.seed]:
            assert config.seed < 45
            changed = {k for k, v in config.to_dict().items() if recipe[config.seed].to_dict()[k] != v}
            assert changed in ({"lr_rule"}, {"warmup_epochs"}), changed
    assert len(configs) == 8 + 3 * 3


def test_stored_counts_say_per_data_set_how_many_runs_a_store_holds_of_how_many():
    from batchsize.sweep import stored_counts

    class Store:  # holds seed 42 of every run
        def has(self, config):
            return config.seed == 42

    configs = section_configs("paper", "cifar10") + section_configs("paper", "mnist-largest-batch")
    assert stored_counts(configs, Store()) == {"cifar10": (9, 27), "mnist": (4, 17)}  # B × 3 seeds; 4 runs of 42
    assert stored_counts([], Store()) == {}


def test_a_replay_is_its_long_runs_config_cut_to_three_epochs_then_the_same_in_fp32():
    import dataclasses

    long_runs = {c.key() for c in section_configs("paper", "cifar10")}
    replays = section_configs("paper", "replay-check")
    bf16 = [c for c in replays if c.precision == "bf16"]
    assert {(c.batch_size, c.seed) for c in bf16} == {(b, s) for b in (512, 1024) for s in (42, 43, 44)}
    assert all(c.epochs == 3 and dataclasses.replace(c, epochs=50).key() in long_runs for c in bf16)
    assert {dataclasses.replace(c, precision="bf16").key() for c in replays if c.precision == "fp32"} == \
        {c.key() for c in bf16}
    quick = {c.key() for c in section_configs("quick", "cifar10")}
    assert all(c.key() in quick for c in section_configs("quick", "replay-check"))  # reduced: a replay is its run
