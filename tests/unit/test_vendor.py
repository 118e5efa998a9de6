"""The course serves plotly.js's "basic" bundle: check it can draw every course chart."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

import plotly

import widgets.figures
from widgets.views.chart import Chart

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "assets" / "vendor" / "plotly-basic.min.js"
BASIC_TRACES = {"scatter", "bar", "pie"}  # what plotly.js-basic-dist contains


def version(path: Path) -> str:
    head = path.read_text(encoding="utf-8", errors="replace")[:400]
    match = re.search(r"plotly\.js(?: \([^)]*\))? v(\d+\.\d+\.\d+)", head)
    assert match, f"no plotly.js version banner in {path}"
    return match.group(1)


def course_charts() -> list[tuple[str, Chart]]:
    found = []
    for info in pkgutil.iter_modules(widgets.figures.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"widgets.figures.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = inspect.signature(fn).parameters.values()
            if any(p.default is p.empty for p in params):
                continue
            result = fn()
            assert "could not be shown" not in str(getattr(result, "data", "")), f"{name}: {result.data}"
            if isinstance(result, Chart):
                found.append((f"{info.name}.{name}", result))
    return found


def test_bundle_matches_plotly_py_version():
    bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert version(BUNDLE) == version(bundled)


def test_every_course_chart_uses_only_basic_trace_types():
    charts = course_charts()
    assert len(charts) >= 5, [name for name, _ in charts]
    for name, widget in charts:
        figure = json.loads(widget.figure_json)
        assert figure.get("data"), f"{name} has no traces"
        types = {trace.get("type", "scatter") for trace in figure["data"]}
        assert types <= BASIC_TRACES, f"{name} uses {types - BASIC_TRACES}, not in plotly-basic.min.js"
