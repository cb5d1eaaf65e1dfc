"""The import graph ARCHITECTURE.md draws: every module in its own layer, lowest first, and a module imports only
modules below it (so there is no circle, and an edge upward fails here); no training backend imports the entry
that chooses it."""

import ast
import re

import pytest

from conftest import REPO

# The groups are ARCHITECTURE.md's table of layers; within a group, too, each module may import only those before it.
GROUPS = {
    "definitions": ["version", "style", "datasets", "paper", "config", "integrity", "plan", "constraints"],
    "data and models": ["data", "models"],
    "training": ["run", "reference", "fast", "train"],
    "runs": ["store", "analysis_store", "sweep"],
    "measurements": ["landscape", "sharpness", "noise", "critical", "checks", "protocol", "instability"],
    "judgement": ["stats", "runtable", "timing", "targets", "paper_tables", "paper_table_v", "summaries", "readings",
                  "drop_pairs", "drops", "rule_drops", "findings", "findings_landscape", "findings_checks",
                  "findings_largest_batch", "findings_beyond",
                  "analysis_measures", "analysis", "report_inputs", "rulebook", "claims_trends", "claims_accuracy",
                  "claims_cifar10", "claims_shapes", "claims_training", "claims_landscape", "claims_critical",
                  "report"],
    "presentation": ["params", "captions", "book", "overview", "changes", "panels", "plots", "plots_landscape",
                     "plots_failures", "pictures", "pages_data", "pages_accuracy", "pages_beyond", "pages_training",
                     "pages_lr", "pages_checks", "pages_landscape", "pages_report", "widgets"],
    "entry points": ["cli", "__main__", "__init__"],
}
LAYER = {module: i for i, module in enumerate(m for modules in GROUPS.values() for m in modules)}
LIB = REPO / "lib" / "batchsize"


def imports(module: str) -> set[str]:
    """The package modules `module` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse((LIB / f"{module}.py").read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 1:
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("batchsize."):
            found.add(node.module.split(".")[1])
    return found


def test_every_module_has_a_layer():
    assert {p.stem for p in LIB.glob("*.py")} == set(LAYER)


MAX_LINES = 400  # a module a newcomer reads in one sitting (issue 23: no god modules)


def test_no_module_is_longer_than_a_sitting():
    long = {p.stem: n for p in LIB.glob("*.py") if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"over {MAX_LINES} lines: {long}"


@pytest.mark.parametrize("module", sorted(LAYER))
def test_no_module_imports_its_own_layer_or_a_higher_one(module):
    higher = {m for m in imports(module) if LAYER[m] >= LAYER[module]}
    assert not higher, f"{module} (layer {LAYER[module]}) imports {higher}"


def test_the_architecture_draws_these_layers():
    """ARCHITECTURE.md's table of layers lists the modules of each group in this order."""
    section = (REPO / "ARCHITECTURE.md").read_text().split("## Layers")[1].split("\n#")[0]
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| ")][2:]  # after the header
    assert {row[0][2:]: re.findall(r"`(\w+)`", row[1]) for row in rows} == GROUPS


@pytest.mark.parametrize("backend", ["reference", "fast", "run"])
def test_the_backends_stand_alone(backend):
    assert not imports(backend) & {"train", "reference", "fast"} - {backend}
