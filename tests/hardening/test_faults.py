"""Faults a learner can meet: nothing lost, no raw errors, a plain way to go on."""

from __future__ import annotations

import shutil
import time

import pytest

from tests.conftest import ROOT, start_server, stop_server

pytestmark = pytest.mark.browser  # (the health tests need no browser, but a live server)
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


def no_raw_errors(page) -> None:
    text = page.locator("body").inner_text()
    assert not [w for w in RAW_ERRORS if w in text], text[:2000]


def check_question(page, n: int) -> str:
    """Choose the first option of question n, check it, and return what the quiz says."""
    q = page.locator("fieldset.cq-q").nth(n)
    q.locator("input").first.check()
    q.locator(".cq-check").click()
    feedback = q.locator(".cq-feedback")
    page.wait_for_function("el => el.innerText.trim().length > 0", arg=feedback.element_handle(), timeout=20_000)
    return feedback.inner_text()


def test_stopped_server_says_so_plainly_and_progress_survives(browser, tmp_path_factory):
    server = start_server(tmp_path_factory)
    ctx = browser.new_context(viewport={"width": 1000, "height": 900})
    try:
        _, page = open_lesson(browser, server, ctx=ctx)
        answer_first_question(page)
        assert "1 answered" in summary(page)
        stop_server(server)
        said = check_question(page, 1)
        assert "could not be reached" in said and "saved answers" in said, said
        assert page.locator(".cq-feedback").nth(1).get_attribute("aria-live") == "polite"
        no_raw_errors(page)
        server = start_server(tmp_path_factory, port=server.port)
        page.reload()
        page.wait_for_selector(".cq[data-ready=true] input:enabled", timeout=90_000)
        assert "1 answered" in summary(page)
        said = check_question(page, 1)
        assert "could not be reached" not in said
        assert "2 answered" in summary(page)
        no_raw_errors(page)
    finally:
        ctx.close()
        stop_server(server)


def test_a_page_is_graded_by_its_own_render_or_asked_to_reload(browser, tmp_path_factory):
    lessons = tmp_path_factory.mktemp("changing") / "lessons"
    shutil.copytree(ROOT / "lessons", lessons, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    server = start_server(tmp_path_factory, lessons_dir=lessons)
    ctx = browser.new_context(viewport={"width": 1000, "height": 900})
    try:
        _, page = open_lesson(browser, server, ctx=ctx)
        answer_first_question(page)
        old = page.evaluate("document.body.dataset.version")
        # An educator saves a lesson: a new content version.  The open page is
        # still graded with the bank it was rendered with.
        nb = lessons / "01-what-is-trd.ipynb"
        nb.write_text(nb.read_text(encoding="utf-8").replace("\n}", "\n }", 1), encoding="utf-8")
        time.sleep(1.5)
        assert "✔" in check_question(page, 1)
        # A server that never rendered the page's version (a restart, or
        # another instance) asks for a reload instead of guessing.
        stop_server(server)
        server = start_server(tmp_path_factory, lessons_dir=lessons, port=server.port)
        said = check_question(page, 2)
        assert "updated since you opened it" in said and "Reload the page" in said, said
        no_raw_errors(page)
        page.reload()
        page.wait_for_selector(".cq[data-ready=true] input:enabled", timeout=90_000)
        assert page.evaluate("document.body.dataset.version") != old
        assert "2 answered" in summary(page)
        assert "updated since" not in check_question(page, 2)
    finally:
        ctx.close()
        stop_server(server)


def test_broken_figure_data_shows_a_notice_and_the_rest_still_works(browser, tmp_path_factory):
    data = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(ROOT / "assets" / "data", data)
    routes = data / "routes.csv"
    lines = routes.read_text(encoding="utf-8").splitlines()
    routes.write_text("\n".join(["route,nonsense"] + lines[1:]) + "\n", encoding="utf-8")
    server = start_server(tmp_path_factory, extra_env={"COURSE_DATA": str(data)})
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


def health(server) -> tuple[int, dict]:
    import json
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(server.url + "/healthz", timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_after_a_change_the_server_gets_ready_again_by_itself(tmp_path_factory):
    lessons = tmp_path_factory.mktemp("edited") / "lessons"
    shutil.copytree(ROOT / "lessons", lessons, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    server = start_server(tmp_path_factory, lessons_dir=lessons)
    try:
        status, before = health(server)
        assert status == 200 and before["status"] == "ok" and before["ready"] == before["lessons"] == 8
        nb = lessons / "02-how-ketamine-works.ipynb"
        nb.write_text(nb.read_text(encoding="utf-8").replace("\n}", "\n }", 1), encoding="utf-8")
        deadline = time.monotonic() + 90
        seen = []
        while time.monotonic() < deadline:  # nobody asks for a lesson: the server renders on its own
            status, now = health(server)
            seen.append(status)
            if status == 200 and now["version"] != before["version"]:
                break
            time.sleep(1)
        assert status == 200 and now["version"] != before["version"] and now["ready"] == 8, (seen, now)
    finally:
        stop_server(server)


def test_a_lesson_that_cannot_render_is_named_and_the_rest_still_serve(tmp_path_factory):
    import urllib.error
    import urllib.request

    lessons = tmp_path_factory.mktemp("broken-lesson") / "lessons"
    shutil.copytree(ROOT / "lessons", lessons, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (lessons / "08-broken.ipynb").write_text("{ not a notebook", encoding="utf-8")
    server = start_server(tmp_path_factory, lessons_dir=lessons, ready=False)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and health(server)[0] != 200:
            time.sleep(1)
        status, h = health(server)
        assert status == 200 and h["status"] == "degraded" and h["failed"] == ["08-broken.ipynb"], h
        try:
            urllib.request.urlopen(server.url + "/voila/render/08-broken.ipynb", timeout=30)
            raise AssertionError("a broken lesson was served")
        except urllib.error.HTTPError as e:
            body = e.read()
            assert e.code == 503 and b"cannot be shown right now" in body and b"Traceback" not in body
        with urllib.request.urlopen(server.url + "/voila/render/01-what-is-trd.ipynb", timeout=30) as r:
            assert r.status == 200
        assert "08-broken.ipynb: the lesson could not be rendered" in server.log_text()
    finally:
        stop_server(server)
