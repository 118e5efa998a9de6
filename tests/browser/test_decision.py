"""Lesson 6, "Weighing your options": the option grid and the decision aid (issue 14).

Everything here runs in the browser alone: answers go to localStorage and the
summary is filled in on the page.  One test cuts the page off from its kernel
to prove that, and every test drives the controls by keyboard.
"""

from __future__ import annotations

import json
import re

import pytest

from bench import audit
from widgets.model.decision import read_decision_aid

pytestmark = pytest.mark.browser
PATH = "/voila/render/06-weighing-your-options.ipynb"
KEY = "ketamine-course:v1"
AID = read_decision_aid()
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def open_aid(browser, server, width=390, scheme="light", init=None, kernel=True):
    ctx = browser.new_context(viewport={"width": width, "height": 844}, color_scheme=scheme)
    if init is not None:
        ctx.add_init_script(f"localStorage.setItem({json.dumps(KEY)}, {json.dumps(json.dumps(init))})")
    if not kernel:
        # No kernel: the widget host's websocket never opens (as with a dead kernel or a static page).
        ctx.add_init_script("window.WebSocket = function () { throw new Error('no kernel here'); };")
    page = ctx.new_page()
    page.goto(server.url + PATH)
    page.wait_for_selector("[data-course-grid][data-ready=true]", timeout=60_000)
    page.wait_for_selector('[data-course-aid="summary"][data-ready=true]')
    return ctx, page


def stored(page) -> dict:
    return json.loads(page.evaluate(f"() => localStorage.getItem({json.dumps(KEY)}) || '{{}}'"))


def press_radio(page, name: str, value: str) -> None:
    """Reach a radio group by keyboard and move to ``value`` with the arrow keys."""
    first = page.locator(f'input[name="{name}"]').first
    first.focus()
    page.keyboard.press("Space")
    values = page.locator(f'input[name="{name}"]').evaluate_all("els => els.map(e => e.value)")
    for _ in range(values.index(value)):
        page.keyboard.press("ArrowRight")
    assert page.locator(f'input[name="{name}"][value="{value}"]').is_checked()


def visible_rows(page) -> list[str]:
    return page.locator(".course-grid-row").evaluate_all("els => els.filter(e => !e.hidden).map(e => e.dataset.row)")


def test_grid_shows_one_question_at_a_time_and_remembers_it(browser, course_server):
    ctx, page = open_aid(browser, course_server)
    try:
        assert visible_rows(page) == ["benefit"]
        cards = page.locator('.course-grid-row[data-row="benefit"] .course-grid-card')
        assert cards.count() == len(AID.options) == 7
        # Every card shows its option's name, and the off-label label on IV ketamine.
        names = cards.locator("h4").all_inner_texts()
        assert names == [o.name for o in AID.options]
        assert "off-label" in page.locator('.course-grid-card[data-option="ketamine"]').first.inner_text().lower()
        press_radio(page, "course-grid-row", "visits")
        assert visible_rows(page) == ["visits"]
        text = page.locator('.course-grid-row[data-row="visits"] [data-option="esketamine"]').inner_text()
        assert "8 visits" in text and "16 hours" in text
        page.reload()
        page.wait_for_selector("[data-course-grid][data-ready=true]")
        assert visible_rows(page) == ["visits"]
        # The whole grid is there as one table: a header per option and one row per question.
        table = page.locator(".course-grid-all table")
        assert table.locator("thead th").count() == len(AID.options) + 1
        assert table.locator("tbody tr").count() == len(AID.rows)
        # Citations point at the lesson's own reference list.
        for href in page.locator(".course-grid-all .course-cite a").evaluate_all("els => els.map(a => a.getAttribute('href'))"):
            assert page.locator(f"[id='{href[1:]}']").count() == 1, href
    finally:
        ctx.close()


def test_what_matters_marks_the_grid_but_never_an_option(browser, course_server):
    ctx, page = open_aid(browser, course_server)
    try:
        press_radio(page, "course-values-speed", "2")
        press_radio(page, "course-values-cost", "1")
        status = page.locator('[data-course-aid="values"] [role=status]')
        assert "Getting better quickly" in status.inner_text()
        # The question the factor is about is marked in words, not by colour alone.
        label = page.locator('label[for="course-grid-pick-speed"]')
        assert "matters a lot to you" in label.inner_text()
        assert "matters a lot to you" not in page.locator('label[for="course-grid-pick-cost"]').inner_text()
        assert page.locator('.course-grid-all tr[data-row="speed"]').evaluate("r => r.classList.contains('course-grid-matters')")
        # No option card is singled out.
        assert page.locator(".course-grid-card.course-grid-matters").count() == 0
        values = stored(page)["decision"]["values"]
        assert values == {"speed": 2, "cost": 1}
        summary = page.locator('[data-fill="values"] li').all_inner_texts()
        assert summary == ["A lot: Getting better quickly", "Some: Cost to me"]
    finally:
        ctx.close()


def test_sure_test_and_leaning_fill_the_summary(browser, course_server):
    ctx, page = open_aid(browser, course_server)
    try:
        items = [s.id for s in AID.sure]
        for item in items[:-1]:
            press_radio(page, f"course-sure-{item}", "yes")
        status = page.locator('[data-course-aid="sure"] [role=status]')
        assert status.get_attribute("aria-live") == "polite"
        assert "3 of 4 answered" in status.inner_text()
        press_radio(page, f"course-sure-{items[-1]}", "no")
        assert "Yes to 3 of 4" in status.inner_text() and "not sure yet" in status.inner_text()
        # Options being considered (checkboxes by keyboard) and the leaning, "Not sure yet" included.
        page.locator('input[name="course-considering"][value="esketamine"]').focus()
        page.keyboard.press("Space")
        page.locator('input[name="course-considering"][value="rtms"]').focus()
        page.keyboard.press("Space")
        press_radio(page, "course-leaning", "unsure")
        summary = page.locator(".course-summary")
        assert "Esketamine nasal spray" in summary.locator('[data-fill="considering"]').inner_text()
        assert "rTMS" in summary.locator('[data-fill="considering"]').inner_text()
        assert summary.locator('[data-fill="leaning"]').inner_text() == "Not sure yet"
        sure = summary.locator('[data-fill="sure"] li').all_inner_texts()
        assert len(sure) == 4 and sure[0].endswith("Yes") and sure[-1].endswith("No")
        assert sure[0].startswith(f"{AID.sure[0].letter}: {AID.sure[0].short}")
        # The summary never names a best option.
        assert not re.search(r"\b(best option for you|we recommend|you should choose)\b", summary.inner_text(), re.I)
    finally:
        ctx.close()


def long_state(n_questions: int, n_medicines: int, own: int = 0) -> dict:
    """Answers for every part; ``own`` of the questions are the learner's own, at the longest allowed."""
    from widgets.figures.options import _questions

    qids = list(_questions())
    mine = [("My own question, typed at the most length the builder allows, about what my care team thinks of " * 4)[:300]
            for _ in range(own)]
    return {
        "careQuestions": {"ticked": qids[:n_questions], "own": mine},
        "decision": {
            "values": {f.id: 2 for f in AID.factors},
            "sure": {s.id: "no" for s in AID.sure},
            "considering": [o.id for o in AID.options],
            "leaning": "unsure",
            "medicines": [f"Medicine {i}: a long name and dose, taken for many months, stopped for side effects"[:80]
                          for i in range(n_medicines)],
        },
    }


def test_lists_are_capped_with_a_plain_note(browser, course_server):
    cap_q, cap_m = AID.cap("questions"), AID.cap("medicines")
    ctx, page = open_aid(browser, course_server, init=long_state(cap_q + 3, cap_m - 1))
    try:
        assert page.locator('[data-fill="questions"] li').count() == cap_q
        assert f"Showing {cap_q} of your {cap_q + 3} questions" in page.locator('[data-fill="questions-note"]').inner_text()
        # Medicines: add by typing and Enter, up to the cap, then a plain message.
        box = page.locator("#course-medicine")
        box.focus()
        page.keyboard.type("Sertraline 100 mg, 12 weeks")
        page.keyboard.press("Enter")
        assert page.locator('[data-fill="medicines"] li').count() == cap_m
        assert "Sertraline 100 mg" in page.locator('[data-fill="medicines"]').inner_text()
        box.focus()
        page.keyboard.type("One too many")
        page.keyboard.press("Enter")
        status = page.locator('[data-course-aid="summary"] [role=status]')
        assert f"{cap_m} medicines, the most that fit on one page" in status.inner_text()
        assert page.locator('[data-fill="medicines"] li').count() == cap_m
        # Remove one by keyboard: focus moves on, and the list shrinks.
        page.locator('[data-fill="medicine-edit"] button').first.focus()
        page.keyboard.press("Enter")
        assert page.locator('[data-fill="medicines"] li').count() == cap_m - 1
        assert page.evaluate("() => document.activeElement.tagName") in ("BUTTON", "INPUT")
    finally:
        ctx.close()


@pytest.mark.parametrize("fmt", ["A4", "Letter"])
def test_full_summary_prints_on_one_page(browser, course_server, fmt):
    from tests.browser.test_pages import pdf_pages

    cap_q, cap_m = AID.cap("questions"), AID.cap("medicines")
    # The longest summary there can be: every list full, the learner's own questions at full length.
    ctx, page = open_aid(browser, course_server, width=1000, init=long_state(0, cap_m, own=cap_q + 2))
    try:
        page.evaluate("() => document.documentElement.setAttribute('data-print', 'decision-summary')")
        page.emulate_media(media="print")
        summary = page.locator("[data-card=decision-summary]")
        assert summary.is_visible()
        assert not page.locator(".course-inshort").is_visible()
        assert not page.locator(".course-grid").is_visible()
        text = summary.inner_text()
        assert "not medical advice" in text and "988" in text
        assert pdf_pages(page, fmt) == 1
    finally:
        ctx.close()


def test_print_button_uses_the_one_card_print(browser, course_server):
    ctx, page = open_aid(browser, course_server)
    try:
        page.evaluate("() => { window.print = () => { window.__printed = document.documentElement.dataset.print; }; }")
        page.locator("[data-print-card=decision-summary]").focus()
        page.keyboard.press("Enter")
        assert page.evaluate("() => window.__printed") == "decision-summary"
    finally:
        ctx.close()


def test_clear_wipes_this_page_but_keeps_other_progress(browser, course_server):
    state = long_state(2, 2)
    state["lessons"] = {"01-what-is-trd": {"_visited": True}}
    ctx, page = open_aid(browser, course_server, init=state)
    try:
        assert page.locator('input[name="course-leaning"][value="unsure"]').is_checked()
        page.once("dialog", lambda d: d.accept())
        page.locator("[data-aid-clear]").focus()
        page.keyboard.press("Enter")
        after = stored(page)
        assert "decision" not in after
        assert after["lessons"]["01-what-is-trd"] == {"_visited": True}
        assert after["careQuestions"] == state["careQuestions"]
        assert not page.locator('input[name="course-leaning"]:checked').count()
        assert page.locator('[data-fill="medicines"]').inner_text() == "None added yet."
        assert "cleared" in page.locator('[data-course-aid="summary"] [role=status]').inner_text()
    finally:
        ctx.close()


def test_works_with_no_kernel_at_all(browser, course_server):
    """The page's kernel connection is refused: the grid, the exercises and the summary still work."""
    ctx, page = open_aid(browser, course_server, kernel=False)
    try:
        press_radio(page, "course-grid-row", "risks")
        assert visible_rows(page) == ["risks"]
        press_radio(page, "course-values-needles", "2")
        press_radio(page, "course-leaning", "therapy")
        assert page.locator('[data-fill="leaning"]').inner_text() == "Psychotherapy (talking therapy)"
        assert stored(page)["decision"]["values"] == {"needles": 2}
    finally:
        ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_answered_aid_is_axe_clean_and_fits_320(browser, course_server, scheme):
    """With every part answered and every block open: axe (WCAG 2.2 AA) and no sideways scroll at 320 px."""
    from axe_playwright_python.sync_playwright import Axe

    ctx, page = open_aid(browser, course_server, width=320, scheme=scheme, init=long_state(10, 10))
    try:
        audit.wait_ready(page, PATH)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        press_radio(page, "course-grid-row", "cost")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
        assert results.response["violations"] == [], results.generate_report()
        # Focus is visible on a pill (its label carries the outline).
        page.locator('input[name="course-values-speed"]').first.focus()
        page.keyboard.press("ArrowRight")
        outline = page.evaluate(
            "() => getComputedStyle(document.querySelector(`label[for='${document.activeElement.id}']`)).outlineStyle")
        assert outline == "solid"
    finally:
        ctx.close()


def test_old_lesson_address_and_saved_answers_move_to_lesson_7(browser, course_server):
    """Lesson 6 became Lesson 7: its old address redirects, and saved answers and "continue" follow it."""
    old = {"lessons": {"06-your-next-steps": {"who-decides": {"correct": True, "score": 1}, "_visited": True}},
           "last": {"url": "/voila/render/06-your-next-steps.ipynb#take-your-questions-and-ask-about-cost",
                    "lesson": "Lesson 6: Your next steps", "section": "Take your questions, and ask about cost"}}
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    try:
        page.goto(course_server.url + "/")
        page.evaluate(f"() => localStorage.setItem({json.dumps(KEY)}, {json.dumps(json.dumps(old))})")
        page.reload()
        s = stored(page)
        assert "06-your-next-steps" not in s["lessons"]
        assert s["lessons"]["07-your-next-steps"]["who-decides"] == {"correct": True, "score": 1}
        assert page.locator('[data-status-for="07-your-next-steps"]').inner_text() == "(started: 1 of 1 answered questions right)"
        link = page.locator("#course-continue a")
        assert link.get_attribute("href") == "/voila/render/07-your-next-steps.ipynb#take-your-questions-and-ask-about-cost"
        assert link.inner_text().startswith("Continue where you left off: Lesson 7: Your next steps")
        # A bookmark of the old address lands on the new lesson, query kept.
        response = page.goto(course_server.url + "/voila/render/06-your-next-steps.ipynb?theme=dark")
        assert response.ok and response.request.redirected_from is not None
        assert page.url == course_server.url + "/voila/render/07-your-next-steps.ipynb?theme=dark"
        audit.wait_ready(page, "/voila/render/07-your-next-steps.ipynb")
        assert page.locator("h1").first.inner_text().startswith("Your next steps")
    finally:
        ctx.close()
