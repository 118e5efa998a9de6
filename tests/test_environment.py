"""environment.yml (conda/Binder), pyproject.toml and constraints.txt agree."""

from __future__ import annotations

import re
from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parent.parent


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_names() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = data["dependencies"] + sum(data["optional-dependencies"].values(), [])
    return {norm(re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0]) for r in reqs}


def constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[norm(name)] = version.strip()
    return pins


def environment_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = {}
    for item in pip:
        if item.startswith("-e"):
            continue
        name, version = item.split("==")
        pins[norm(name)] = version
    return pins


def test_environment_lists_exactly_the_pyproject_packages():
    assert set(environment_pins()) == pyproject_names()


def test_environment_versions_match_constraints():
    pins = constraints()
    for name, version in environment_pins().items():
        assert pins.get(name) == version, f"{name}: environment.yml {version}, constraints {pins.get(name)}"


def test_user_fixed_stack_is_present():
    assert {"jupyterlab", "ipywidgets", "voila", "plotly"} <= pyproject_names()
