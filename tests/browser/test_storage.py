"""The learner's browser storage (widgets/views/storage.js), shared by the widgets and the page scripts.

What a widget writes, a page script reads; a state saved before storage.js
existed still loads; and with no usable localStorage (private mode) every
page still works, keeping what the learner does until the page is closed.
"""

from __future__ import annotations

import json

import pytest

from bench import audit

pytestmark = pytest.mark.browser
KEY = "ketamine-course:v1"
QUIZ = "/voila/render/01-what-is-trd.ipynb"
AID = "/voila/render/06-weighing-your-options.ipynb"
BUILDER = "/voila/render/07-your-next-steps.ipynb"
RIGHT = "When at least two antidepressants"  # the right option of trd-definition, whatever the order
# Saved by the course before storage.js: every part of the layout, as the old scripts wrote it.
OLD_STATE = {
    "lessons": {
        "01-what-is-trd": {
            "_visited": True,
            "trd-definition": {
                "answered": True, "answer": 0, "correct": True, "score": 1,
                "feedback": {"correct": True, "score": 1, "headline": "Saved before: correct.", "items": []},
                "model_answer": None,
            },
        },
    },
    "last": {"url": "/voila/render/01-what-is-trd.ipynb#what-trd-means", "lesson": "Lesson 1: What is TRD?",
             "section": "What TRD means"},
    "careQuestions": {"ticked": ["right-for-me"], "own": ["Can my partner drive me home?"]},
    "decision": {"values": {}, "sure": {}, "considering": [], "leaning": "unsure",
                 "medicines": ["sertraline 100 mg"], "row": ""},
}
NO_STORAGE = """Object.defineProperty(window, "localStorage", {
  get() { throw new DOMException("The user denied access to storage.", "SecurityError"); } });"""


def open_page(browser, server, path, init=None, private=False):
    ctx = browser.new_context(viewport={"width": 1000, "height": 900})
    if init is not None:
        ctx.add_init_script(f"localStorage.setItem({json.dumps(KEY)}, {json.dumps(json.dumps(init))})")
    if private:
        ctx.add_init_script(NO_STORAGE)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + path)
    audit.wait_ready(page, path)
    return ctx, page, errors


def goto(page, server, path):
    page.goto(server.url + path)
    audit.wait_ready(page, path)


def stored(page) -> dict:
    return json.loads(page.evaluate(f"() => localStorage.getItem({json.dumps(KEY)}) || '{{}}'"))


def answer_right(page) -> None:
    """Answer trd-definition correctly, as a learner does."""
    question = page.locator('fieldset.cq-q[data-qid="trd-definition"]')
    question.locator("label", has_text=RIGHT).click()
    question.locator(".cq-check").click()
    page.wait_for_function(
        "() => document.querySelector('fieldset[data-qid=\"trd-definition\"] > .cq-feedback').innerText.includes('✔')",
        timeout=15_000)


def test_what_the_widgets_save_the_page_scripts_read(browser, course_server):
    ctx, page, errors = open_page(browser, course_server, QUIZ)
    try:
        answer_right(page)
        entry = stored(page)["lessons"]["01-what-is-trd"]["trd-definition"]
        assert set(entry) == {"answered", "answer", "correct", "score", "feedback", "model_answer"}
        assert entry["answered"] is True and entry["correct"] is True
        # progress.js, on the course map, reads the quiz's answer.
        goto(page, course_server, "/")
        assert page.locator('[data-status-for="01-what-is-trd"]').inner_text() == \
            "(started: 1 of 1 answered questions right)"
        # The question builder (a widget) saves a question; decision.js puts it on Lesson 6's summary.
        goto(page, course_server, BUILDER)
        page.locator(".course-qb input[value=fair-tries]").check()
        assert stored(page)["careQuestions"] == {"ticked": ["fair-tries"], "own": []}
        goto(page, course_server, AID)
        summary = page.locator('[data-fill="questions"]').inner_text()
        assert "Were my past medicines tried at a good dose, for long enough?" in summary
        assert errors == []
    finally:
        ctx.close()


def test_a_state_saved_before_storage_js_still_loads(browser, course_server):
    ctx, page, errors = open_page(browser, course_server, "/", init=OLD_STATE)
    try:
        assert page.locator('[data-status-for="01-what-is-trd"]').inner_text() == \
            "(started: 1 of 1 answered questions right)"
        link = page.locator("#course-continue a")
        assert link.get_attribute("href") == OLD_STATE["last"]["url"]
        assert "Lesson 1: What is TRD?, at “What TRD means”" in link.inner_text()
        goto(page, course_server, QUIZ)
        question = page.locator('fieldset.cq-q[data-qid="trd-definition"]')
        assert "Saved before: correct." in question.locator(".cq-feedback").inner_text()
        assert question.locator("input[value='0']").is_checked()
        goto(page, course_server, BUILDER)
        assert page.locator(".course-qb input[value=right-for-me]").is_checked()
        assert "Can my partner drive me home?" in page.locator(".course-qb-own").inner_text()
        goto(page, course_server, AID)
        assert "sertraline 100 mg" in page.locator('[data-fill="medicines"]').inner_text()
        assert page.locator('input[name="course-leaning"][value="unsure"]').is_checked()
        summary = page.locator('[data-fill="questions"]').inner_text()
        assert "Could esketamine or ketamine be right for me?" in summary
        assert "Can my partner drive me home?" in summary
        # Reading changed nothing the learner saved (the layout is the same).
        after = stored(page)
        assert after["careQuestions"] == OLD_STATE["careQuestions"]
        assert after["decision"] == OLD_STATE["decision"]
        assert after["lessons"]["01-what-is-trd"]["trd-definition"] == \
            OLD_STATE["lessons"]["01-what-is-trd"]["trd-definition"]
        assert errors == []
    finally:
        ctx.close()


def test_private_mode_keeps_everything_in_the_page(browser, course_server):
    """localStorage throws on every use: the pages work, and remember until they are closed."""
    ctx, page, errors = open_page(browser, course_server, QUIZ, private=True)
    try:
        assert page.evaluate("() => { try { localStorage; return 'usable'; } catch (e) { return e.name; } }") == \
            "SecurityError"
        answer_right(page)
        assert "1 of" in page.locator(".cq-summary").inner_text()
        assert "(1 answered)" in page.locator(".cq-summary").inner_text()
        page.locator(".course-theme").first.click()
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"

        goto(page, course_server, BUILDER)
        own = page.locator(".course-qb-input")
        for text in ("First question of mine", "Second question of mine"):
            own.fill(text)
            page.locator(".course-qb button", has_text="Add my question").click()
        # Both are kept (each change builds on the page's copy, not on an empty store).
        assert page.locator(".course-qb-own li span").all_inner_texts() == [
            "First question of mine", "Second question of mine"]

        goto(page, course_server, AID)
        page.locator("#course-medicine").fill("sertraline")
        page.locator("[data-aid-add]").click()
        page.locator("#course-medicine").fill("bupropion")
        page.locator("[data-aid-add]").click()
        assert page.locator('[data-fill="medicines"] li').all_inner_texts() == ["sertraline", "bupropion"]
        assert errors == []
    finally:
        ctx.close()
