"""A lesson page is small: the course's own widget host, not Voila's JupyterLab front end."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.conftest import lesson_files

pytestmark = pytest.mark.browser


def lesson_with_most_charts() -> str:
    files = lesson_files()
    return max(files, key=lambda p: p.read_text(encoding="utf-8").count("widgets.views.chart.Chart")).name


def test_lesson_page_is_a_handful_of_small_requests(browser, course_server):
    ctx = browser.new_context(viewport={"width": 1000, "height": 800})
    page = ctx.new_page()
    seen: list[tuple[str, int]] = []
    page.on("requestfinished", lambda r: seen.append((r.url, r.sizes()["responseBodySize"])))
    try:
        page.goto(course_server.url + f"/voila/render/{lesson_files()[0].name}")
        page.wait_for_selector(".cq[data-ready=true] input:enabled", timeout=60_000)
        page.wait_for_timeout(500)
        paths = [urlparse(u).path for u, _ in seen]
        assert len(seen) <= 10, paths
        assert not any("labextensions" in p or p.endswith("voila.js") for p in paths), paths
        assert sum(size for _, size in seen) < 1_000_000, seen
        assert page.evaluate("document.body.dataset.widgets") == "ready"
        assert not [p for p in paths if "api/kernels" in p or "shutdown" in p], paths
    finally:
        ctx.close()


def open_chart_lesson(browser, server):
    ctx = browser.new_context(viewport={"width": 1000, "height": 700})
    page = ctx.new_page()
    page.goto(server.url + f"/voila/render/{lesson_with_most_charts()}")
    page.wait_for_selector(".cq[data-ready=true]", timeout=60_000)
    return ctx, page


def test_chart_is_drawn_when_the_reader_comes_near_it(browser, course_server):
    ctx, page = open_chart_lesson(browser, course_server)
    try:
        last = page.locator(".course-chart").last
        page.wait_for_timeout(1500)
        assert last.get_attribute("data-ready") is None  # far below: not drawn yet
        # ...but its text alternative is already there.
        assert last.locator("figcaption").inner_text().strip()
        last.scroll_into_view_if_needed()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.course-chart')].pop().dataset.ready === 'true'",
            timeout=30_000,
        )
        assert last.locator(".course-chart-plot .main-svg").count() >= 1
    finally:
        ctx.close()


def test_charts_are_drawn_for_printing(browser, course_server):
    ctx, page = open_chart_lesson(browser, course_server)
    try:
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.course-chart')].every(f => f.dataset.ready === 'true')",
            timeout=30_000,
        )
    finally:
        ctx.close()
