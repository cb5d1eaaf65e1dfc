"""The import graph ARCHITECTURE.md draws: a module imports only its own layer or lower ones, and no training
backend imports the entry that chooses it."""

import ast

import pytest

from conftest import REPO

LAYERS = [
    {"config", "paper", "plan", "constraints", "version", "integrity"},
    {"data", "models"},
    {"run", "reference", "fast", "train"},
    {"store", "sweep"},
    {"landscape", "sharpness", "noise", "critical", "checks", "protocol"},
    {"analysis", "report"},
    {"book", "plots", "widgets", "params"},
    {"cli", "__main__", "__init__"},
]
LAYER = {module: i for i, modules in enumerate(LAYERS) for module in modules}
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


@pytest.mark.parametrize("module", sorted(LAYER))
def test_no_module_imports_a_higher_layer(module):
    higher = {m for m in imports(module) if LAYER[m] > LAYER[module]}
    assert not higher, f"{module} (layer {LAYER[module]}) imports {higher}"


@pytest.mark.parametrize("backend", ["reference", "fast", "run"])
def test_the_backends_stand_alone(backend):
    assert not imports(backend) & {"train", "reference", "fast"} - {backend}
