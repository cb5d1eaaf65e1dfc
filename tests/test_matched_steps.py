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


def test_the_fixed_budget_compares_every_seed_the_accuracy_runs_hold(monkeypatch):
    """Review 2: the comparison read 3 of the 5 seeds Table VII shows of the same fixed-budget runs (0.00 against
    B = 32 where the 5 seeds' means differ); it reads them all, and the table and caption give each side's seeds."""
    import pandas as pd

    from batchsize import captions, pages_training

    profile = PROFILES["paper"]
    fixed = profile.config("synthetic-10k", 32, 42).epochs

    def run(b: int, seed: int, epochs: int, section: str) -> dict:
        config = profile.config("synthetic-10k", b, seed, epochs=epochs)
        acc = 98.0 + (seed - 42) * 0.1 + (0.2 if b == 128 and seed > 44 else 0.0)  # seeds 45, 46 lift B = 128
        return {**config.to_dict(), "key": config.key(), "test_acc": acc, "gap": 1.0, "steps": epochs * 8000 // b,
                "train_size": 8000, "prov_profile": "paper", "section": section}

    matched = pd.DataFrame([run(b, s, e, "matched-steps") for s in (42, 43, 44)
                            for b, e in ((32, fixed), (128, fixed), (128, 4 * fixed), (32, 4 * fixed))])
    accuracy = pd.DataFrame([run(b, s, fixed, "synthetic") for s in range(42, 47) for b in (32, 64, 128)])

    class Gap:  # the chapter: the accuracy section holds five seeds, the matched-steps section three
        def read(self, section: str) -> pd.DataFrame:  # the accuracy section as the chapter read it
            return accuracy

        def history(self, table: pd.DataFrame) -> pd.DataFrame:
            return pd.DataFrame({"key": table["key"], "epoch": 1, "test_acc": 98.0, "epochs": table["epochs"],
                                 "batch_size": table["batch_size"], "train_size": 8000})

    shown, said = {}, []
    monkeypatch.setattr(pages_training.plots, "matched_steps", lambda *a: None)
    monkeypatch.setattr(pages_training.book, "publish", lambda what, caption, data, name, **_: shown.update(
        {name: (caption, data)}))
    monkeypatch.setattr(pages_training, "display", lambda markdown: said.append(markdown.data))
    pages_training.matched_steps(Gap(), matched)
    caption, table = shown["Matched-steps comparison"]
    rows = table.set_index("comparison")
    assert rows.loc["fixed epochs", "seeds: B; B = 32"] == "5; 5" and rows.loc["equal updates", "seeds: B; B = 32"] \
        == "3; 5" and rows.loc["equal epochs", "seeds: B; B = 32"] == "3; 3"
    assert rows.loc["fixed epochs", "test acc difference"] == pytest.approx(0.08)  # 0.00 over seeds 42-44 alone
    assert "every one stored (5 seeds per B), the longer budgets' this section's own (3 seeds per B)" in caption
    assert "0.08 pp [" in said[0] and "(n = 5) at the fixed budget" in said[0]
    assert captions.seeds_text(matched[matched["seed"] == 42], pages_training.CELL) == "1 seed"  # the smoke book's
    assert captions.seeds_text(matched[matched["seed"] <= 43].iloc[1:], pages_training.CELL) == "1–2 seeds"
