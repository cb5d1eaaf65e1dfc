"""Table V beside our `lr-scaling` runs, row by row (one per B and LR rule), each cell graded as the accuracy tables
grade theirs (`paper_tables`), and the paper's Table V against its own Table VII at B₀. The LR chapter shows this
table; the `table-v` claim sums it up."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import paper
from .datasets import DATASET_NAMES, DATASET_SPECS
from .paper_tables import (
    ACC_PARTLY_TOL,
    ACC_TOL,
    accuracy_by_batch,
    cell_verdict,
    failed_shown,
    graded_on_values,
    narrowed_by,
)
from .runtable import runs_profile


def table_v_tolerances(compared: pd.DataFrame | None = None) -> tuple[float, float]:
    """Table V's test-accuracy tolerances: `ACC_TOL` and `ACC_PARTLY_TOL`, narrowed by the paper's spread across
    the rows of this table that `table_v`'s `compared` grades on their values (its cells that did not fail; every
    row where there is none), as `accuracy_tolerances` narrows a data set's (`narrowed_by`)."""
    if compared is not None:  # a row of rules that coincide stands for each of the paper's rows it holds
        compared = compared.assign(lr_rule=compared["lr_rule"].str.split(SAME_RUNS)).explode("lr_rule")
    theirs = graded_on_values(paper.table("V"), compared, {"B": "batch_size", "lr_rule": "lr_rule"})
    return narrowed_by(theirs["test_acc"], ACC_TOL, ACC_PARTLY_TOL)


SAME_RUNS = " = "  # joins the LR rules that give one η at a B: one configuration, one row ("fixed = linear = sqrt")


def _named_together(table: pd.DataFrame, batch: str = "batch_size") -> pd.Series:
    """Each row's LR rule named with every rule that gives its η at its B (`SAME_RUNS`, the paper's rules first):
    at B₀ every rule gives η₀, so their runs are one configuration, not a rule's result each."""
    order = list(paper.table("V")["lr_rule"].unique())
    return table.groupby([batch, "lr"])["lr_rule"].transform(lambda rules: SAME_RUNS.join(
        sorted(set(rules), key=lambda r: (order.index(r) if r in order else len(order), r))))


def table_v_and_vii(dataset: str) -> tuple[pd.DataFrame, float] | None:
    """Table V's row(s) at B₀ (every rule gives η₀ there: Table VII's configuration of `dataset`) and Table VII's
    test accuracy at B₀; None where either table lacks it. The one reading of the two tables at B₀, for the LR
    chapter (`table_v_against_vii`) and the report's list of the paper's disagreements with itself."""
    spec, vii, v = DATASET_SPECS[dataset], paper.accuracy_table(dataset).set_index("B")["test_acc"], paper.table("V")
    row = v[(v["B"] == spec.base_batch) & np.isclose(v["lr"], spec.base_lr)]
    return None if row.empty or spec.base_batch not in vii.index else (row, float(vii[spec.base_batch]))


def table_v_against_vii(dataset: str) -> str:
    """Whether Table V's row at B₀ agrees with Table VII's (`table_v_and_vii`), within `ACC_TOL`, `ACC_PARTLY_TOL`,
    or neither (then no run can match both), in words."""
    found = table_v_and_vii(dataset)
    if found is None:
        return ""
    spec, (row, other) = DATASET_SPECS[dataset], found
    theirs = float(row["test_acc"].iloc[0])
    apart = abs(theirs - other)
    said = (f"agree within {ACC_TOL:g} pp" if apart <= ACC_TOL else f"differ by {apart:.2f} pp, within the "
            f"{ACC_PARTLY_TOL:g} pp of a row partly reproduced" if apart <= ACC_PARTLY_TOL else f"contradict each "
            f"other by {apart:.2f} pp, beyond the {ACC_PARTLY_TOL:g} pp of a row partly reproduced, so no run can "
            "match both: ours are graded against Table V's")
    return (f"At B₀ = {spec.base_batch} every rule gives η₀ = {spec.base_lr:g}, so Table V's row there ("
            f"{' and '.join(row['lr_rule'])}: {theirs:.2f} %) is the configuration of Table VII's "
            f"{DATASET_NAMES[dataset]} row at B = {spec.base_batch} ({other:.2f} %): the paper's two tables {said}.")


def table_v(runs: pd.DataFrame, profile: str) -> pd.DataFrame:
    """Table V beside our `lr-scaling` runs (the square-root rule is ours: no paper column), one row per B and rule,
    the rules that give one η at a B in one row, each seed once (`SAME_RUNS`): seed means and 95 % intervals over
    the runs that trained, each row graded as the accuracy tables grade theirs (`cell_verdict`), within
    `table_v_tolerances`, and a failed cell's numbers blanked with its status in `cell`, as theirs (`failed_shown`).
    The `table-v` claim reads this table, as the chapter shows it."""
    runs = runs.assign(lr_rule=_named_together(runs)).drop_duplicates(["dataset", "batch_size", "lr_rule", "seed"])
    ours = accuracy_by_batch(runs, ("batch_size", "lr_rule"), ("lr", "test_acc", "gap"))
    theirs = paper.table("V").rename(columns={"B": "batch_size", "test_acc": "paper test_acc", "gap": "paper gap"})
    named = {(b, rule): name for b, name in ours[["batch_size", "lr_rule"]].itertuples(index=False)
             for rule in name.split(SAME_RUNS)}  # the paper's rows under the names of our runs that hold them
    theirs["lr_rule"] = [named.get((b, name.split(SAME_RUNS)[0]), name) for b, name in
                         zip(theirs["batch_size"], _named_together(theirs), strict=True)]
    theirs = theirs.drop_duplicates(["batch_size", "lr_rule"]).rename(columns={"lr": "paper lr"})
    table = theirs.merge(ours, on=["batch_size", "lr_rule"], how="outer").sort_values(["batch_size", "lr_rule"])
    setup = runs_profile(runs, profile)
    tol, partly = table_v_tolerances(table)
    table["verdict (test acc)"] = [cell_verdict(row, "test_acc", setup, tol, partly, False)
                                   for _, row in table.iterrows()]
    return failed_shown(table).reset_index(drop=True)
