"""Every page, as a tired learner on a phone meets it (issue 13).

The measurements are the page audit's own (bench/audit.py, ``make audit``),
so the audit table and these tests always agree.
"""

from __future__ import annotations

import json
import re

import pytest

from bench import audit
from tests.conftest import lesson_files
from widgets.content import coursemap

pytestmark = pytest.mark.browser
LESSONS = [f"/voila/render/{p.name}" for p in lesson_files()]
PAGES = ["/", "/glossary", "/key-points", "/about", "/no-such-page"] + LESSONS


@pytest.mark.parametrize("path", PAGES)
def test_page_meets_phone_targets(browser, course_server, path):
    """Screens, quiz position, core words, no sideways scroll at 320 px,
    key presses to the quiz, and the device's dark mode."""
    result = audit.audit_page(browser, course_server.url, path)
    assert audit.failures(result) == []
    if path in LESSONS:
        assert result.screens_to_quiz is not None and result.keys_to_quiz is not None


def open_phone(browser, url, scheme="light", width=390):
    ctx = browser.new_context(viewport={"width": width, "height": 844}, color_scheme=scheme)
    page = ctx.new_page()
    page.goto(url)
    audit.wait_ready(page, url)
    return ctx, page


@pytest.mark.parametrize("path", LESSONS)
def test_in_short_contents_and_numbering(browser, course_server, path):
    """In short on the first phone screen, right under the title; contents
    link to real headings incl. the quiz and key points; one numbering."""
    ctx, page = open_phone(browser, course_server.url + path)
    try:
        box = page.locator(".course-inshort").first
        assert box.is_visible()
        rect = box.bounding_box()
        assert rect["y"] + rect["height"] <= 844, f"In short ends at {rect['y'] + rect['height']:.0f} px"
        assert page.evaluate(
            "() => { const b = document.querySelector('.course-inshort');"
            " let p = b.previousElementSibling; return p && p.tagName === 'H1'; }"
        )
        links = page.locator(".course-toc a").evaluate_all("els => els.map(e => [e.getAttribute('href'), e.textContent])")
        texts = [t for _, t in links]
        assert "Check your understanding" in texts and "Key points" in texts
        for href, text in links:
            assert page.evaluate("(id) => !!(document.getElementById(id) || document.getElementById(decodeURIComponent(id)))", href[1:]), \
                f"contents link {text!r} has no target"
        lesson = coursemap.nav(path.rsplit("/", 1)[-1]).current
        position = page.locator(".course-pos").inner_text()
        expected = "Start here" if lesson.number == 0 else f"Lesson {lesson.number} of {len(lesson_files()) - 1}"
        assert position == expected
        # A clear "Next" at the end of every lesson (the last one leads back to the course map).
        assert page.locator(".course-footer .course-next").count() == 1
        # Previous/Next in the header show no titles on a phone.
        for a in page.locator(".course-bar a[rel]").all():
            assert a.inner_text() in ("Previous", "Next")
    finally:
        ctx.close()


def test_skip_to_quiz_lands_on_first_question(browser, course_server):
    ctx, page = open_phone(browser, course_server.url + LESSONS[1])
    try:
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.textContent") == "Skip to the quiz"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("(s) => document.activeElement.matches(s)", audit.FIRST_QUESTION)
    finally:
        ctx.close()


def test_tables_become_cards_with_comparison_beside_result(browser, course_server):
    """At 320 px a wide table is one card per row, cells in column order."""
    found = 0
    for path in LESSONS:
        ctx, page = open_phone(browser, course_server.url + path, width=320)
        try:
            for table in page.locator("#rendered_cells table.course-stack").all():
                found += 1
                assert table.evaluate("t => getComputedStyle(t.querySelector('tbody tr')).display") == "block"
                heads = table.evaluate("t => [...t.querySelectorAll('thead th')].map(th => th.textContent.trim())")
                labels = table.evaluate("t => [...t.querySelector('tbody tr').children].map(c => c.dataset.label)")
                assert labels == heads[: len(labels)]
                assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
        finally:
            ctx.close()
    assert found >= 1, "no lesson table was found to check"


def test_theme_switch_is_remembered_and_charts_follow(browser, course_server):
    ctx, page = open_phone(browser, course_server.url + LESSONS[1])
    try:
        button = page.locator(".course-bar .course-theme")
        assert button.get_attribute("aria-pressed") == "false"
        button.click()
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        assert button.get_attribute("aria-pressed") == "true"
        page.goto(course_server.url + "/glossary")
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        bg = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert bg == "rgb(17, 20, 24)"
        # A chart on a lesson takes the dark page's text colour.
        page.goto(course_server.url + LESSONS[1])
        audit.wait_ready(page, LESSONS[1])
        from tests.browser.pages import draw_charts

        assert draw_charts(page) >= 1
        fill = page.evaluate("() => getComputedStyle(document.querySelector('.course-chart .xtick text, .course-chart .ytick text')).fill")
        assert fill == "rgb(236, 239, 243)"
    finally:
        ctx.close()


def test_continue_where_you_left_off(browser, course_server):
    path = LESSONS[2]
    ctx, page = open_phone(browser, course_server.url + path)
    try:
        section = page.locator("#rendered_cells h2[id]").nth(2)
        section_id = section.get_attribute("id")
        # Read as a learner does: the section's heading near the top of the screen.
        page.evaluate("(id) => window.scrollTo(0, document.getElementById(id).getBoundingClientRect().top + window.scrollY - 60)", section_id)
        page.evaluate("() => window.scrollBy(0, 5)")
        page.wait_for_timeout(900)
        page.goto(course_server.url + "/")
        link = page.locator("#course-continue a")
        assert link.is_visible()
        lesson = coursemap.nav(path.rsplit("/", 1)[-1]).current
        assert lesson.title in link.inner_text() and f"Lesson {lesson.number}" in link.inner_text()
        assert link.get_attribute("href") == f"{path}#{section_id}"
    finally:
        ctx.close()


def test_glossary_back_link_returns_to_the_same_place(browser, course_server):
    path = LESSONS[1]
    ctx, page = open_phone(browser, course_server.url + path)
    try:
        term = page.locator('#rendered_cells a[href^="/glossary#"]').nth(1)
        term_id = term.get_attribute("id")
        term.click()
        page.wait_for_url(re.compile(r"/glossary#"))
        back = page.locator("#course-back a")
        assert back.is_visible() and back.inner_text().startswith("← Back to the lesson")
        # The way back is also right under the term the learner landed on, on screen.
        near = page.locator(".course-back-near a")
        assert near.count() == 1
        top = near.evaluate("a => a.getBoundingClientRect().top")
        assert 0 <= top <= 844, f"the way back is {top:.0f} px from the top of the screen"
        near.click()
        page.wait_for_url(re.compile(re.escape(path)))
        audit.wait_ready(page, path)
        page.wait_for_function("(id) => document.activeElement && document.activeElement.id === id", arg=term_id)
        top = page.evaluate("(id) => document.getElementById(id).getBoundingClientRect().top", term_id)
        assert 0 <= top <= 844
        # The referrer policy is unchanged: the pages still send no referrer.
        response = page.request.get(course_server.url + "/glossary")
        assert response.headers.get("referrer-policy") == "no-referrer"
    finally:
        ctx.close()


def pdf_pages(page, fmt: str) -> int:
    data = page.pdf(format=fmt, print_background=True)
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


@pytest.mark.parametrize("fmt", ["A4", "Letter"])
def test_help_card_prints_on_one_page(browser, course_server, fmt):
    path = "/voila/render/04-safety-and-monitoring.ipynb"
    ctx, page = open_phone(browser, course_server.url + path, width=1000)
    try:
        assert page.locator("[data-print-card=help-card]").is_visible()
        page.evaluate("() => document.documentElement.setAttribute('data-print', 'help-card')")
        page.emulate_media(media="print")
        assert page.locator("[data-card=help-card]").is_visible()
        assert not page.locator(".course-inshort").is_visible()
        assert pdf_pages(page, fmt) == 1
    finally:
        ctx.close()


@pytest.mark.parametrize("fmt", ["A4", "Letter"])
def test_key_points_print_on_one_page(browser, course_server, fmt):
    ctx, page = open_phone(browser, course_server.url + "/key-points", width=1000)
    try:
        page.emulate_media(media="print")
        assert page.locator(".course-print-only").is_visible()  # crisis help and not-medical-advice on paper
        assert pdf_pages(page, fmt) == 1
    finally:
        ctx.close()


def test_whole_lesson_still_prints(browser, course_server):
    ctx, page = open_phone(browser, course_server.url + LESSONS[4], width=1000)
    try:
        assert pdf_pages(page, "A4") >= 2
        page.emulate_media(media="print")
        assert page.locator(".course-footer .course-disclaimer").is_visible()
    finally:
        ctx.close()


def test_teachback_saved_while_typing(browser, course_server):
    ctx, page = open_phone(browser, course_server.url + LESSONS[1])
    try:
        box = page.locator(".cq textarea").first
        box.click()
        page.keyboard.type("It means two tries did not help")
        stored = json.loads(page.evaluate("() => localStorage.getItem('ketamine-course:v1')"))
        texts = [v.get("text") for v in stored["lessons"][lesson_files()[1].stem].values() if isinstance(v, dict)]
        assert "It means two tries did not help" in texts
    finally:
        ctx.close()


def test_mechanism_step_pills_are_buttons(browser, course_server):
    ctx, page = open_phone(browser, course_server.url + "/voila/render/02-how-ketamine-works.ipynb")
    try:
        pills = page.locator(".course-stepper-pill")
        assert pills.count() >= 3
        pills.nth(2).focus()
        page.keyboard.press("Enter")
        assert pills.nth(2).get_attribute("aria-current") == "step"
        assert "Step 3 of" in page.locator(".course-stepper-panel").inner_text()
    finally:
        ctx.close()


def test_more_practice_is_collapsed_and_graded(browser, course_server):
    for path in LESSONS:
        ctx, page = open_phone(browser, course_server.url + path)
        try:
            more = page.locator(".cq-more")
            if not more.count():
                continue
            assert more.evaluate("d => d.open") is False
            more.locator("summary").click()
            q = more.locator(".cq-q").first
            q.locator("input").first.check()
            q.locator(".cq-check").click()
            page.wait_for_function("(q) => q.querySelector('.cq-feedback').textContent.length > 10", arg=q.element_handle())
            assert q.locator(".cq-explain li").count() >= 1
            return
        finally:
            ctx.close()
    pytest.fail("no lesson has a More practice set")


@pytest.mark.parametrize("path", LESSONS)
def test_no_sideways_scroll_at_320_with_every_details_open(browser, course_server, path):
    ctx, page = open_phone(browser, course_server.url + path, width=320)
    try:
        page.evaluate("() => document.querySelectorAll('details').forEach((d) => d.open = true)")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    finally:
        ctx.close()


def test_paper_is_light_in_dark_mode(browser, course_server):
    ctx, page = open_phone(browser, course_server.url + LESSONS[4], scheme="dark")
    try:
        assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(17, 20, 24)"
        page.emulate_media(media="print")
        assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
        assert page.evaluate("() => getComputedStyle(document.querySelector('#course-main p')).color") == "rgb(0, 0, 0)"
    finally:
        ctx.close()
