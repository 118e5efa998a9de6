"""Lessons use only widgets the course page can show (lite.js draws anywidget models only).

The lesson contract flags, cell by cell, widget libraries that work in
JupyterLab but not on the page; and every real lesson, rendered as the
server renders it, holds only the course's own anywidgets.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import re
import shutil

import nbformat
import pytest

from tests.conftest import ROOT, lesson_files
from widgets.authoring import contract
from widgets.server import render

CANNOT_SHOW = "makes widgets the course page cannot show"
# What a lesson page's state may hold: anywidget models, and the layout model
# every ipywidgets DOMWidget (anywidget's too) carries, which the host ignores.
HOST_DRAWS = ("anywidget", "AnyModel")
HOST_IGNORES = {("@jupyter-widgets/base", "LayoutModel")}


def lesson(tmp_path, *sources: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A lesson\n\n*About 5 minutes*")]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    path = tmp_path / "09-widgets.ipynb"
    nbformat.write(nb, path)
    return path


def widget_messages(path) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in contract.check_lesson(path) if CANNOT_SHOW in p.message]


def test_other_widget_libraries_are_problems_named_by_cell(tmp_path):
    path = lesson(
        tmp_path,
        "from widgets import quiz\n\nquiz('09-widgets')",
        "import ipywidgets as w\n\nw.IntSlider(value=3)",
        "%matplotlib widget\nimport matplotlib.pyplot as plt",
        "import plotly.graph_objects as go\n\ngo.FigureWidget()",
        "from bqplot import pyplot as bq, Figure",
        "import anywidget\n\n\nclass Mine(anywidget.AnyWidget):\n    _esm = 'export default {}'",
        "from ipywidgets.widgets import interact",
    )
    found = widget_messages(path)
    assert [cell for cell, _ in found] == [3, 4, 5, 6, 7, 8]
    messages = dict(found)
    assert messages[3].startswith('"import ipywidgets as w" (ipywidgets) makes widgets the course page cannot show')
    assert '"%matplotlib widget"' in messages[4]
    assert "plotly's FigureWidget" in messages[5]
    assert '"from bqplot import pyplot as bq, Figure" (bqplot)' in messages[6]
    assert "(anywidget)" in messages[7]
    assert "(ipywidgets)" in messages[8]
    for message in messages.values():
        assert 'a learner sees "could not be shown"' in message
        assert "quiz() from widgets" in message and "widgets.figures" in message and "widgets.views" in message


def test_the_course_own_widgets_and_plain_code_are_not(tmp_path):
    path = lesson(
        tmp_path,
        "from widgets import quiz\n\nquiz('09-widgets')",
        "from widgets.figures.trd import star_d_remission\n\nstar_d_remission()",
        "import plotly.graph_objects as go\n\nfrom widgets.views.chart import chart\n\nchart(go.Figure(), title='t')",
        "from widgets.views.stepper import stepper\nfrom widgets.views.careteam import question_builder",
        "%matplotlib inline\n!echo ipywidgets\nimport ipywidgetsish, math",
        "this is not Python (",
    )
    assert widget_messages(path) == []


@pytest.mark.parametrize("path", lesson_files(), ids=lambda p: p.stem)
def test_every_real_lesson_uses_only_the_course_widgets(path):
    assert [p for p in contract.check_lesson(path) if CANNOT_SHOW in p.message] == []


# ---- what the server really renders --------------------------------------

def run(coro):
    """Run in a thread of its own: the browser tests keep an event loop in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def not_drawn(html: bytes) -> list[str]:
    """Every widget in a rendered page that the page's host would not draw as a course widget."""
    found = re.search(rb'<script id="course-widget-state" type="application/vnd.jupyter.widget-state\+json">'
                      rb"(.*?)</script>", html, re.S)
    assert found, "no widget state in the page"
    state = json.loads(found.group(1))
    shown = [m.decode() for m in re.findall(rb'class="course-widget" data-model-id="([0-9a-f]+)"', html)]
    assert shown, "no widget placeholders in the page"
    bad = []
    for model_id in shown:
        entry = state.get(model_id, {})
        kind = (entry.get("model_module"), entry.get("model_name"))
        name = str(entry.get("state", {}).get("_anywidget_id", ""))
        if kind != HOST_DRAWS or not name.startswith("widgets."):
            bad.append(f"{kind[0]} {kind[1]} {name}".strip())
    bad += [f"{e['model_module']} {e['model_name']}" for e in state.values()
            if (e["model_module"], e["model_name"]) not in HOST_IGNORES | {HOST_DRAWS}]
    return bad


async def render_all(folder) -> dict[str, bytes]:
    """Every notebook in folder, rendered as the server renders it (four at a time)."""
    gate = asyncio.Semaphore(4)

    async def one(name: str) -> bytes:
        async with gate:
            return (await render.render(name, "test", folder)).html

    names = sorted(p.name for p in folder.glob("*.ipynb"))
    return dict(zip(names, await asyncio.gather(*map(one, names)), strict=True))


@pytest.mark.slow
def test_every_rendered_lesson_holds_only_widgets_the_host_draws():
    pages = run(render_all(ROOT / "lessons"))
    assert sorted(pages) == sorted(p.name for p in lesson_files())
    assert {name: not_drawn(html) for name, html in pages.items()} == {name: [] for name in pages}


@pytest.mark.slow
def test_the_rendered_check_catches_a_stock_ipywidget(tmp_path):
    folder = tmp_path / "lessons"
    folder.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "widget-host.ipynb", folder)
    pages = run(render_all(folder))
    bad = not_drawn(pages["widget-host.ipynb"])
    assert "@jupyter-widgets/controls IntSliderModel" in bad  # the stock slider
    assert "anywidget AnyModel __main__.Quiz" in bad  # an anywidget, but not one of the course's
