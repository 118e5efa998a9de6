"""Faults a learner can meet: nothing lost, no raw errors, a plain way to go on."""

from __future__ import annotations

import json
import shutil
import signal

import psutil
import pytest

from tests.conftest import ROOT, start_server, stop_server

pytestmark = pytest.mark.browser
LESSON = "/voila/render/01-what-is-trd.ipynb"
RAW_ERRORS = ("Traceback", "Error:", "undefined", "Exception", "KeyError", "ValueError")


def open_lesson(browser, server, path=LESSON, ctx=None):
    ctx = ctx or browser.new_context(viewport={"width": 1000, "height": 900})
    page = ctx.new_page()
    page.goto(server.url + path)
    page.wait_for_selector(".cq[data-ready=true] input:enabled", timeout=90_000)
    return ctx, page


def answer_first_question(page) -> str:
    """Choose the first option of the first question and check it; returns its id."""
    first = page.locator("fieldset.cq-q").first
    qid = first.get_attribute("data-qid")
    first.locator("input").first.check()
    first.locator(".cq-check").click()
    page.wait_for_function(
        "sel => document.querySelector(sel).innerText.trim().length > 0",
        arg=f'fieldset.cq-q[data-qid="{qid}"] > .cq-feedback', timeout=15_000)
    return qid


def summary(page) -> str:
    return page.locator(".cq-summary").inner_text()


def kernel_process(kernel_id: str) -> psutil.Process:
    for p in psutil.process_iter(["cmdline"]):
        if any(kernel_id in part for part in (p.info["cmdline"] or [])):
            return p
    raise AssertionError(f"no process for kernel {kernel_id}")


def no_raw_errors(page) -> None:
    text = page.locator("body").inner_text()
    assert not [w for w in RAW_ERRORS if w in text], text[:2000]


def test_killed_kernel_says_so_and_progress_survives_a_reload(browser, course_server):
    ctx, page = open_lesson(browser, course_server)
    try:
        answer_first_question(page)
        assert "1 answered" in summary(page)
        kid = json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]
        kernel_process(kid).send_signal(signal.SIGKILL)
        banner = page.locator("#course-connection")
        banner.wait_for(state="visible", timeout=30_000)
        assert banner.get_attribute("role") == "alert"
        assert "lost its connection" in banner.inner_text()
        assert "Reload the page" in banner.inner_text()
        assert "saved answers" in banner.inner_text()
        # Trying to check another answer says the same, at once, in the quiz.
        second = page.locator("fieldset.cq-q").nth(1)
        second.locator("input").first.check()
        second.locator(".cq-check").click()
        page.wait_for_function("() => document.querySelector('.cq-connection').innerText.includes('Reload')",
                               timeout=15_000)
        no_raw_errors(page)
        # The banner's own button reloads; the lesson works and progress is kept.
        banner.get_by_role("button", name="Reload the page").click()
        page.wait_for_selector(".cq[data-ready=true] input:enabled", timeout=90_000)
        assert page.locator("#course-connection").is_hidden()
        assert "1 answered" in summary(page)
        answer_first_question(page)
        no_raw_errors(page)
    finally:
        ctx.close()


def test_server_restart_keeps_progress(browser, tmp_path_factory):
    extra = {"COURSE_POOL": "1"}
    server = start_server(tmp_path_factory, extra_env=extra)
    ctx = browser.new_context(viewport={"width": 1000, "height": 900})
    try:
        _, page = open_lesson(browser, server, ctx=ctx)
        answer_first_question(page)
        stop_server(server)
        page.locator("#course-connection").wait_for(state="visible", timeout=30_000)
        assert "lost its connection" in page.locator("#course-connection").inner_text()
        server = start_server(tmp_path_factory, port=server.port, extra_env=extra)
        page.reload()
        page.wait_for_selector(".cq[data-ready=true] input:enabled", timeout=90_000)
        assert "1 answered" in summary(page)
        answer_first_question(page)
        no_raw_errors(page)
    finally:
        ctx.close()
        stop_server(server)


def test_broken_figure_data_shows_a_notice_and_the_rest_still_works(browser, tmp_path_factory):
    data = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(ROOT / "assets" / "data", data)
    routes = data / "routes.csv"
    lines = routes.read_text(encoding="utf-8").splitlines()
    routes.write_text("\n".join(["route,nonsense"] + lines[1:]) + "\n", encoding="utf-8")
    server = start_server(tmp_path_factory, extra_env={"COURSE_DATA": str(data), "COURSE_POOL": "0"})
    try:
        ctx, page = open_lesson(browser, server, "/voila/render/03-treatment-routes.ipynb")
        try:
            notice = page.locator(".course-notice", has_text="This figure could not be shown")
            assert notice.count() == 1
            assert "routes.csv" in notice.inner_text()
            assert page.locator(".course-chart").count() == 1  # the other chart still draws
            answer_first_question(page)
            text = page.locator("body").inner_text()
            assert "Traceback" not in text and "show_tracebacks" not in text
        finally:
            ctx.close()
        ctx, page = open_lesson(browser, server, "/voila/render/00-start-here.ipynb")
        ctx.close()
    finally:
        stop_server(server)
