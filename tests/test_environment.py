"""The conda environment, the license and the citation file: what people outside the venv see of the project."""

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    """PEP 503 normalised name, so `Jinja2` and `jinja2`, `typing_extensions` and `typing-extensions` agree."""
    return re.sub(r"[-_.]+", "-", requirement.split("==")[0].strip()).lower()


def _pins(lines: list[str]) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in lines:
        assert "==" in line, f"not an exact pin: {line!r}"
        name, version = _name(line), line.split("==", 1)[1].strip()
        assert name not in pins, f"{name} pinned twice"
        pins[name] = version
    return pins


def lock_pins() -> dict[str, str]:
    lines = [line.strip() for line in (REPO / "requirements.lock").read_text().splitlines()]
    return _pins([line for line in lines if line and not line.startswith("#")])


def environment() -> tuple[list[str], list[str]]:
    """The conda dependencies (strings) and the lines of the `pip:` section."""
    spec = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = [d for d in spec["dependencies"] if isinstance(d, str)]
    pip_sections = [d["pip"] for d in spec["dependencies"] if isinstance(d, dict)]
    assert len(pip_sections) == 1, "exactly one pip: section"
    return conda, pip_sections[0]


def test_environment_pins_equal_the_lock():
    conda, pip = environment()
    assert "python=3.11" in conda and "pip" in conda
    packages = [line for line in pip if not line.startswith("-")]  # options and the editable install
    env, lock = _pins(packages), lock_pins()
    only_lock, only_env = sorted(lock.keys() - env.keys()), sorted(env.keys() - lock.keys())
    assert not only_lock, f"in requirements.lock, missing from environment.yml: {only_lock}"
    assert not only_env, f"in environment.yml, missing from requirements.lock: {only_env}"
    differ = {name: (env[name], lock[name]) for name in env if env[name] != lock[name]}
    assert not differ, f"pins differ (environment.yml, requirements.lock): {differ}"


def test_environment_installs_torch_first_then_the_project():
    _, pip = environment()
    packages = [line for line in pip if not line.startswith("-")]
    assert _name(packages[0]) == "torch"
    assert pip[-1] == "-e .[book,dask,dev]"


def test_license_is_mit():
    text = (REPO / "LICENSE").read_text()
    assert text.startswith("MIT License") and "Copyright (c) 2026" in text


def test_citation_file_parses_and_cites_the_paper():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["license"] == "MIT"
    assert {"message", "title", "authors", "type"} <= cff.keys()
    (paper,) = cff["references"]
    assert paper["type"] == "article" and "doi" not in paper
    assert paper["title"] == "Large Batch vs. Small Batch Training: Generalization Tradeoffs in Deep Neural Networks"
    assert paper["authors"][0]["family-names"] == "Pal"
