"""The package's shape (issue 16): three homes, no import cycles, short modules.

The imports are read with ``ast`` from the source, function-level imports
included, so a lazy import cannot hide a dependency.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "widgets"
HOMES = ("widgets.server", "widgets.authoring")  # the kernel side is everything else in widgets
MAX_LINES = 300
LONG_OK = re.compile(r"longer than 300\s+(?://\s*)?lines because", re.I)
PRODUCT_GLOBS = ("widgets/**/*.py", "widgets/**/*.js",
                 "assets/voila/templates/course/static/*.js")  # stylesheets are not modules


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The course modules that ``name`` imports, anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # "from widgets.model import grading" imports the submodule when there is one
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # "widgets.views.quiz.Quiz" -> "widgets.views.quiz"
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports_of(name, path, set(mods)) for name, path in mods.items()}


def home(name: str) -> str:
    return next((h for h in HOMES if name == h or name.startswith(h + ".")), "kernel side")


def test_the_walker_sees_lazy_and_relative_imports():
    """The checks below are only as good as the import walker, so test it on a known module."""
    g = graph()
    assert "widgets.views.quiz" in g["widgets"]  # a function-level, relative import
    assert "widgets.model.grading" in g["widgets.views.quiz"]  # "from widgets.model import grading"
    assert "widgets.views._base" in g["widgets.views.quiz"]  # "from ._base import CourseWidget"


def test_the_kernel_side_imports_nothing_from_the_server_or_the_authoring_tools():
    wrong = [f"{name} imports {target}" for name, targets in graph().items() if home(name) == "kernel side"
             for target in sorted(targets) if home(target) != "kernel side"]
    assert not wrong, "\n".join(wrong)


def test_the_server_and_the_authoring_tools_do_not_import_each_other():
    wrong = [f"{name} imports {target}" for name, targets in graph().items()
             for target in sorted(targets) if {home(name), home(target)} == set(HOMES)]
    assert not wrong, "\n".join(wrong)


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    assert cycles(graph()) == []


def product_files() -> list[Path]:
    return sorted({p for g in PRODUCT_GLOBS for p in ROOT.glob(g) if "__pycache__" not in p.parts})


@pytest.mark.parametrize("path", product_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_product_module_is_over_300_lines_unless_it_says_why(path: Path):
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n") + (not text.endswith("\n"))
    head = text[:2000]
    assert lines <= MAX_LINES or LONG_OK.search(head), (
        f"{path.relative_to(ROOT)} has {lines} lines; split it, or say at its top why it is "
        f'"longer than 300 lines because ..."')


def test_each_home_says_what_belongs_there():
    for package in ("widgets", "widgets.server", "widgets.authoring", "widgets.content"):
        path = modules()[package]
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc and len(doc.splitlines()[0]) > 20, f"{path} needs a one-line docstring saying what belongs there"
