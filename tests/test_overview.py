"""The findings first (`overview`) and the house style of numbers (`style`): the summary and the verdict tables say
what held, what did not and by how much, in a reader's words, from the verdicts alone; every number is written one
way."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from batchsize import overview, report, rulebook, stats
from batchsize.style import number, quantity_of
from conftest import REPO

V = stats


def test_numbers_follow_the_house_style():
    assert number(97.254, "pp") == "97.25" and number(-1.1, "pp") == "−1.10"
    assert number(0.13, "pp", sign=True) == "+0.13"
    assert number(-0.004, "pp", sign=True) == "0.00" and number(0.0, "ratio", sign=True) == "0.00"  # no signed zero
    assert number(5000, "count") == "5,000" and number(60_000.0, "count") == "60,000"
    assert number(1024, "batch") == "1024"
    assert quantity_of("loss vs best (pp)") == "pp" and quantity_of("test loss") == "measure"
    assert quantity_of("B_noise / B*") == "ratio" and quantity_of("B*") == "batch"  # a ratio of B, not a B
    assert number(0.9961, "r2") == "0.996" and number(0.8712, "r") == "0.87"
    # learning rates: 3 significant digits, no padding zeros, never an exponent (√-scaling gives 0.00282843)
    assert [number(lr, "lr") for lr in (0.001 * 8 ** 0.5, 0.0078125, 0.001, 0.4, 1e-5, 25.6)] == [
        "0.00283", "0.00781", "0.001", "0.4", "0.00001", "25.6"]
    assert number(0.0123, "p") == "0.012" and number(3.2e-5, "p") == "3.2 × 10⁻⁵"  # never Python's 3.2e-05
    assert number(0.0123456, "measure") == "0.0123" and number(1234.5, "measure") == "1,234"
    assert number(float("nan")) == "—" and number(None) == "—"


@pytest.mark.parametrize(("column", "quantity"), [
    ("B", "batch"), ("batch_size", "batch"), ("paper B*", "batch"), ("optimal_b", "batch"), ("trained B", "batch"),
    ("test_acc", "pp"), ("paper gap", "pp"), ("test acc difference", "pp"), ("R²", "r2"), ("r", "r"), ("p", "p"),
    ("slope", "r"), ("ratio", "ratio"), ("b_noise ÷ B*", "ratio"), ("b_noise", "measure"),
    ("epsilon_sharpness", "measure"),
    ("median_epoch_time", "seconds"), ("lr", "lr"), ("paper lr", "lr"), ("seeds", "value"), ("N", "value"),
    ("B = 32 updates", "count"), ("steps", "count")])
def test_a_columns_quantity_comes_from_its_name(column, quantity):
    assert quantity_of(column) == quantity


def test_a_rules_brief_is_its_numbers_in_a_few_characters_in_the_house_style():
    """Our number of a claim in a few characters (`rulebook.brief`): one mean, or their range over the parts."""
    assert rulebook.brief([-1.1], " pp") == "−1.10 pp" and rulebook.brief([1.02, 0.65], "×") == "0.65 to 1.02×"
    assert rulebook.brief([-0.02, -0.16], " pp per doubling") == "−0.16 to −0.02 pp per doubling"
    assert rulebook.brief([99.19, 99.32], "%") == "99.19 to 99.32%"
    assert rulebook.brief([-1.111, -0.29]) == "−1.11 to −0.29"  # a slope: no unit
    assert rulebook.brief([0.611, 0.74], quantity="r") == "0.61 to 0.74" and rulebook.brief([], " pp") == ""
    assert rulebook.brief([1.5, 1.504], "×", at_least=True) == "≥ 1.50×"  # a lower bound, one value once rounded


def test_the_findings_show_the_rules_brief_and_never_parse_its_text():
    """The findings put the rule's `brief` beside the paper's value, whatever its full text says: a rule's wording
    can change without the findings changing (they once re-read the numbers from the prose with regexes)."""
    verdicts = verdicts_of({"mnist-optimum": V.REPRODUCED}, ours="best B = 256 (99.12% [98.90, 99.34] (n = 3))")
    verdicts.loc[verdicts["claim"] == "mnist-optimum", "brief"] = "B = 64, as the paper's"
    text = html.unescape(re.sub(r"<[^>]+>", "", overview.findings(verdicts, verdicts.iloc[:0], "")))
    assert "MNIST is most accurate at B = 64 (ours: B = 64, as the paper's; the paper: B = 64)" in text
    verdicts["brief"] = ""  # a rule with no short form: the paper's value alone, nothing read off its text
    text = html.unescape(re.sub(r"<[^>]+>", "", overview.findings(verdicts, verdicts.iloc[:0], "")))
    assert "MNIST is most accurate at B = 64 (the paper: B = 64)" in text and "99.12" not in text


def test_every_claim_has_a_headline_in_words_and_a_section_of_evidence():
    ids = [c.id for c in report.claims()]
    assert set(overview.HEADLINES) == set(ids)
    assert set(overview.CENTRAL) <= set(ids)
    for claim in report.claims():  # the section is a heading of the claim's own chapter
        headings = re.findall(r"^# #+ (.+)$", (REPO / "notebooks" / f"{claim.chapter}.py").read_text(), re.M)
        assert claim.section in headings, (claim.id, claim.chapter)
    for headline in overview.HEADLINES.values():
        assert len(headline) <= 80 and not re.search(r"synthetic-|profile|\bstore\b|_", headline), headline


def test_the_findings_say_how_many_not_reproduced_the_papers_own_tables_contradict_too():
    """The review: "23 not reproduced" read as our runs' failures alone, while the paper's own tables contradict
    some of those claims. The count says how many, names them, links the report's section; the tables mark them."""
    verdicts = verdicts_of({"pearson": V.NOT_REPRODUCED, "gap-bound": V.REPRODUCED})
    against = {"pearson", "gap-bound"}  # gap-bound reproduced here: marked in the tables, not in the count
    text = html.unescape(re.sub(r"<[^>]+>", "", overview.findings(verdicts, verdicts.iloc[:0], "", "",
                                                                   contradicted=against)))
    shown = (verdicts["verdict"] == V.NOT_REPRODUCED).sum()
    assert f"1 of the {shown} not reproduced are claims that the paper's own tables contradict as well" in text
    assert overview.HEADLINES["pearson"].lower()[:20] in text.lower()
    assert "contradict as well" not in overview.findings(verdicts, verdicts.iloc[:0], "")  # none given: not said
    shown = overview.overview(verdicts, verdicts.iloc[:0], contradicted=against)
    assert shown.count(overview.CONTRADICTED) == 2 and shown.count(f"{overview.CONTRADICTED} too") == 1  # "too":
    assert overview.verdict_table(verdicts, contradicted={"pearson"}).data.count(overview.CONTRADICTED) == 1  # ours


def verdicts_of(found: dict[str, str], ours: str = "−1.10 pp [−2.20, −0.00] (n = 5)") -> pd.DataFrame:
    """A verdict table as `report.evaluate` gives it, with the given verdict per claim id (not testable: a reason,
    and no brief)."""
    rows = []
    for claim in report.claims():
        verdict = found.get(claim.id, V.NOT_REPRODUCED)
        rows.append({"claim": claim.id, "where": claim.where, "statement": claim.text, "paper": claim.paper_value,
                     "ours": ("cannot be tested here: no cifar10 runs at B = 1024" if verdict == V.NOT_TESTABLE
                              else ours), "verdict": verdict, "tolerance": claim.tolerance,
                     "brief": "" if verdict == V.NOT_TESTABLE else "−1.10 pp",
                     "chapter": claim.chapter, "evidence": claim.section})
    return pd.DataFrame(rows)


def runs_of(profiles: dict[str, str]) -> pd.DataFrame:
    rows = [{"dataset": d, "prov_profile": p, "seed": s, "epochs": 50 if p == "paper" else 3,
             "train_size": {"synthetic-1k": 800, "synthetic-10k": 8000, "cifar10": 50_000 if p == "paper" else 5000,
                            "mnist": 60_000}[d]} for d, p in profiles.items() for s in (42, 43, 44)]
    return pd.DataFrame(rows)


BANNED = re.compile(r"\bprofile|\bstore\b|\bauto\b|synthetic-\d|table-v|cifar10\b|lsr-|`")


def test_the_findings_say_what_held_what_did_not_and_why_some_could_not_be_tested_in_a_readers_words():
    verdicts = verdicts_of({"variance-slope": V.PARTLY, "gap-bound": V.REPRODUCED, "table-iv": V.NOT_TESTABLE,
                            "epoch-speedup": V.NOT_TESTABLE})
    verdicts.loc[verdicts["claim"] == "epoch-speedup", "ours"] = \
        "cannot be tested here: not testable on this hardware (the paper's times are GPU epoch times)"
    provisional = verdicts[verdicts["claim"] == "table-iv"].assign(verdict=V.PARTLY, section="cifar10", runs=10,
                                                                  **{"fewest seeds": 1})
    so_far = {"cifar10": pd.DataFrame({"seed": range(10)})}
    scale = overview.scale(runs_of({"synthetic-1k": "paper", "synthetic-10k": "paper", "cifar10": "quick"}), so_far)
    assert scale.startswith("We trained the synthetic sets (800 and 8,000 training examples, 50 epochs, 3 seeds) at "
                            "the paper's scale; CIFAR-10 at a reduced one (5,000 of 50,000 training examples, 3 of 50 "
                            "epochs, 3 seeds). The full-scale CIFAR-10 runs are still being trained: 10 of 27 are "
                            "finished.")
    smaller = overview.scale(runs_of({"synthetic-1k": "quick", "synthetic-10k": "quick"}), {})
    assert smaller == ("We trained no data set at the paper's scale; the synthetic sets at a reduced one (800 of 800 "
                       "and 8,000 of 8,000 training examples, 3 of 50 epochs, 3 seeds).")
    text = html.unescape(re.sub(r"<[^>]+>", "", overview.findings(verdicts, provisional, scale)))
    failed = len(verdicts) - 4  # every claim but the four set above
    assert f"1 reproduced, 1 partly, none not resolved, {failed} not reproduced and 2 could not be tested here" in text
    assert "Held (1): the generalization gap stays small for B ≤ 64 on every data set (ours: −1.10 pp" in text
    assert "the 20-batch gradient-variance fit has slope −0.98 (Var ∝ 1/B) (ours: −1.10 pp; the paper: −0.98, R² " \
           "0.996)" in text
    assert f"and {failed - 6} more claims (listed below)" in text  # the central ones named, the rest counted
    assert "(these need CIFAR-10 trained at the paper's scale)" in text and "come from other hardware" in text
    assert "provisionally on the 10 full-scale runs finished so far (a single seed at some B)" in text
    assert not BANNED.search(text), BANNED.search(text)


def test_a_verdict_marked_on_a_pending_section_is_shown_provisional_but_not_as_judged_on_runs_so_far():
    """`report.with_pending`'s rows join `evaluate_so_far`'s among the provisional verdicts: the overview marks
    both, but only the re-judged ones are "judged provisionally on the runs finished so far" (the marked one is
    tested in the full table, its counts in its own text)."""
    verdicts = verdicts_of({"table-iv": V.NOT_TESTABLE})
    so_far = verdicts[verdicts["claim"] == "table-iv"].assign(verdict=V.PARTLY, section="cifar10", runs=10,
                                                              **{"fewest seeds": 1})
    marked = verdicts[verdicts["claim"] == "mnist-largest-batch"].assign(section="mnist-largest-batch")
    provisional = pd.concat([so_far, marked], ignore_index=True)  # runs and seeds: missing on the marked row
    text = html.unescape(re.sub(r"<[^>]+>", "", overview.findings(verdicts, provisional, "")))
    assert "provisionally on the 10 full-scale runs finished so far (a single seed at some B): CIFAR-10 test " \
           "accuracies at each B (Table IV): partly." in text
    assert "MNIST trains at its largest B with the paper's recipe (Table III's last row): not reproduced" not in text
    shown = overview.overview(verdicts, provisional)  # the marked row keeps its verdict: "provisional", not twice
    assert shown.count("provisionally") == 1 and shown.count("<small>provisional</small>") == 1
    table = overview.verdict_table(provisional).data
    assert table.count("full-scale") == 1 and "on 10 full-scale CIFAR-10 runs, the fewest seeds at any B: 1" in table


def test_the_tally_counts_a_provisional_verdict_as_provisional_and_the_findings_name_it_so():
    """Review 2, finding 1: "25 not reproduced" counted the MNIST largest-batch verdict, on 3 of its 8 seeds, as
    settled, and named it nowhere. Every verdict the overview marks provisional (`report.with_pending`'s, and those
    re-judged on the runs so far) is counted so beside its verdict's tally and named, marked, in its paragraph."""
    verdicts = verdicts_of({"mnist-optimum": V.PARTLY, "table-iv": V.NOT_TESTABLE})
    pending = pd.DataFrame({"section": ["mnist-largest-batch"], "said": ["MNIST's largest-batch runs: 3 of 17 stored"]})
    verdicts, marked = report.with_pending(verdicts, pending)
    so_far = verdicts[verdicts["claim"].isin(["mnist-optimum", "table-iv"])].assign(
        verdict=V.PARTLY, section="mnist", runs=10, **{"fewest seeds": 2})
    provisional = pd.concat([so_far, marked], ignore_index=True)
    text = html.unescape(re.sub(r"<[^>]+>", "", overview.findings(verdicts, provisional, "")))
    failed = len(verdicts) - 2
    assert f"1 partly (provisional), none not resolved, {failed} not reproduced (1 of them provisional) and 1 could " \
           "not be tested here (provisional)." in text
    assert "Held in part (1, provisional): MNIST is most accurate at B = 64 (ours: −1.10 pp; provisional; the " \
           "paper: B = 64)." in text
    did_not = text.split(f"Did not hold ({failed}, 1 of them provisional): ")[1].split("\n")[0]
    assert "MNIST trains at its largest B with the paper's recipe (Table III's last row) (ours: −1.10 pp; " \
           "provisional; the paper: 98.32%" in did_not  # not a central claim, named all the same: provisional once
    central = [c for c in overview.CENTRAL if c in set(verdicts["claim"])]
    assert did_not.endswith(f"; and {failed - len(central) - 1} more claims (listed below).")
    assert did_not.count("provisional") == 1
    assert "Not tested here (1, provisional): CIFAR-10 test accuracies at each B (Table IV) (provisional) (" in text


def test_the_overview_has_one_line_per_claim_linked_to_its_evidence_with_its_verdict_on_its_colour():
    verdicts = verdicts_of({"pearson": V.PARTLY, "cifar-collapse": V.NOT_TESTABLE})
    provisional = verdicts[verdicts["claim"] == "cifar-collapse"].assign(verdict=V.REPRODUCED)
    table = overview.overview(verdicts, provisional, overview.LANDING)
    assert table.count('<tr><td><a href="../notebooks/') == len(verdicts)
    assert '<a href="../notebooks/gap.html#pearson-r-between-log-b-and">' in table
    assert overview.COLOURS[V.PARTLY] in table and "provisionally reproduced" in table
    assert not BANNED.search(re.sub(r"<[^>]+>", "", table))


def test_the_verdict_table_puts_the_verdict_first_and_folds_the_tolerance():
    verdicts = verdicts_of({"pearson": V.REPRODUCED}, ours="timed by `benchmarks/cnn.py` on synthetic-1k")
    shown = overview.verdict_table(verdicts).data
    assert shown.count("<details><summary>tolerance</summary>") == len(verdicts)
    first = re.search(r"<tbody><tr><td[^>]*>([^<]+)</td>", shown)[1]
    assert first == V.NOT_REPRODUCED and overview.COLOURS[V.REPRODUCED] in shown
    assert "`" not in shown and "<code>benchmarks/cnn.py</code>" in shown and "on 1K set" in shown
    assert "1K set: accuracy drop from B = 8 to B = 512" in shown
    assert '<a href="accuracy.html#synthetic-data-fig-2-table-vii">§IV-A</a>' in shown


def test_the_questions_beyond_the_paper_link_to_their_sections_and_carry_no_verdict():
    questions = [("Does CIFAR-10's collapse follow the LR rule?", "At B = 1024, cifar10: 2 of 3 runs at chance.",
                  "lr_scaling", "CIFAR-10 at large B: batch size, or the learning-rate rule?")]
    shown = overview.beyond(questions, overview.LANDING)
    assert '<a href="../notebooks/lr_scaling.html#cifar-10-at-large-b-batch-size-or-the-learning-rate-rule">' in shown
    assert "CIFAR-10: 2 of 3 runs at chance" in shown and "bs-verdict" not in shown and "not graded" in shown
    assert overview.beyond([]) == ""
    bold = overview.beyond([(*questions[0][:1], "**1 changed fate** on `AMD`", *questions[0][2:])])
    assert "<b>1 changed fate</b> on <code>AMD</code>" in bold and "*" not in bold  # Markdown's marks as HTML


def test_a_rules_text_in_a_readers_words():
    assert overview.reader_words("no synthetic-1k runs at B = 512; cifar10: 10%") == "no 1K set runs at B = 512; " \
        "CIFAR-10: 10%"
    assert overview.reader_words("compared only on paper-profile runs (these: quick)") == \
        "compared only on runs at the paper's scale"
    assert overview.reader_words("2 of the 8 runs of mnist-largest-batch and cifar10-lr (cifar10) are stored") == \
        "2 of the 8 runs of mnist-largest-batch and cifar10-lr (CIFAR-10) are stored"  # a section's name stays whole


def test_many_claims_of_a_verdict_none_of_them_central_are_named_a_few_and_counted():
    """Six claims held in part, none central: the findings name the first few, not just "6 claims"."""
    partly = ["table-vii", "table-iii-gap", "mnist-sweet-spot", "cifar-slowdown", "protocol-choice", "gap-bound"]
    verdicts = verdicts_of({c: V.PARTLY for c in partly})
    text = html.unescape(re.sub(r"<[^>]+>", "", overview.findings(verdicts, verdicts.iloc[:0], "")))
    held = text.split("Held in part (6): ")[1].split("</p>")[0]
    named = [c for c in verdicts["claim"] if c in partly][:overview.FEW]  # the first few, in the report's order
    assert all(overview.HEADLINES[c][1:] in held for c in named) and "and 1 more claim (listed below)" in held


def test_a_count_names_its_noun_in_the_right_number():
    from batchsize.style import counted

    assert [counted(1, "seed"), counted(3, "seed"), counted(1000, "run"), counted(2, "body", "bodies")] == [
        "1 seed", "3 seeds", "1,000 runs", "2 bodies"]


def test_a_list_in_prose_joins_its_last_item_with_and():
    from batchsize.style import joined

    assert [joined(["MNIST"]), joined(["MNIST", "CIFAR-10"]), joined(["A", "B", "C"])] == [
        "MNIST", "MNIST and CIFAR-10", "A, B and C"]


def test_a_headline_inside_a_sentence_keeps_the_capital_of_a_name():
    assert overview._lower("Algorithm 2's batch size is as good") == "Algorithm 2's batch size is as good"
    assert overview._lower("Table VI's optimal B") == "Table VI's optimal B"
    assert overview._lower("MNIST trains at B = 1024") == "MNIST trains at B = 1024"
    assert overview._lower("Accuracy falls with B") == "accuracy falls with B"
