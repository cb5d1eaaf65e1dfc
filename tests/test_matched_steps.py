"""The matched-steps section: the configs added for a fair baseline, without changing any stored run's config."""

import pytest

from batchsize.plan import PROFILES, section_configs
from batchsize.store import default_store, load_table


@pytest.mark.parametrize("profile", PROFILES)
def test_matched_steps_compares_with_b32_at_the_fixed_and_at_each_long_budget(profile):
    configs = section_configs(profile, "matched-steps", seeds=1)
    fixed = PROFILES[profile].config("synthetic-10k", 32, 42).epochs
    assert [(c.batch_size, c.epochs) for c in configs[:2]] == [(128, 4 * fixed), (512, 16 * fixed)]  # as before
    assert sorted((c.batch_size, c.epochs) for c in configs[2:]) == [(32, fixed), (32, 4 * fixed), (32, 16 * fixed),
                                                                      (128, fixed), (512, fixed)]
    assert {c.dataset for c in configs} == {"synthetic-10k"} and len({c.key() for c in configs}) == len(configs)
    # only the epochs differ from the profile's own config at that B: same LR rule, data and initialisation
    for c in configs:
        assert c == PROFILES[profile].config("synthetic-10k", c.batch_size, 42, epochs=c.epochs)


@pytest.mark.parametrize("profile", ["quick", "paper"])
def test_the_stored_runs_keep_their_keys_and_the_fixed_budget_runs_are_the_accuracy_runs(profile):
    configs = section_configs(profile, "matched-steps")
    keys = {c.key() for c in configs}
    fixed = PROFILES[profile].config("synthetic-10k", 32, 42).epochs
    stored = load_table(default_store(profile), dataset="synthetic-10k")
    longer = stored[stored["epochs"] > fixed] if len(stored) else stored
    assert set(longer["key"]) <= keys  # every long synthetic-10k run of the committed store is still in the section
    accuracy = {c.key() for c in section_configs(profile, "synthetic")}
    assert {c.key() for c in configs if c.epochs == fixed} <= accuracy  # nothing new to train at the fixed budget
