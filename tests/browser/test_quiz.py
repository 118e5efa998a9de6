"""Every question type answered with the keyboard only, in real Chromium."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import ROOT

pytestmark = pytest.mark.browser
PAGE = "/voila/render/quiz-sampler.ipynb"
BANK = yaml.safe_load((ROOT / "tests" / "fixtures" / "sampler.yaml").read_text())
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def open_quiz(browser, server, theme=None, width=1000, ctx=None):
    ctx = ctx or browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    page.goto(server.url + PAGE + (f"?theme={theme}" if theme else ""))
    page.wait_for_selector(".cq[data-ready=true]", timeout=60_000)
    return ctx, page


def tab_to(page, selector: str, limit: int = 300) -> None:
    """Press Tab until the focused element matches selector (keyboard only)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def q(qid: str) -> str:
    return f'fieldset.cq-q[data-qid="{qid}"]'


def status_text(page, qid: str) -> str:
    region = page.locator(f"{q(qid)} > .cq-feedback")
    assert region.get_attribute("role") == "status"
    assert region.get_attribute("aria-live") == "polite"
    return region.inner_text()


def wait_status(page, qid: str, text: str) -> str:
    page.wait_for_function(
        "([sel, t]) => document.querySelector(sel).innerText.includes(t)",
        arg=[f"{q(qid)} > .cq-feedback", text],
        timeout=15_000,
    )
    return status_text(page, qid)


def answer_all_by_keyboard(page) -> None:
    # Single choice: the right option is the first one. Tab reaches the group,
    # Space selects the focused radio, then Tab to "Check answer".
    tab_to(page, f'{q("trd-definition")} input[type=radio]')
    page.keyboard.press("ArrowDown")  # choose a wrong answer first
    tab_to(page, f'{q("trd-definition")} .cq-check')
    page.keyboard.press("Enter")
    text = wait_status(page, "trd-definition", "Not quite")
    assert "✘" in text and "Not right" in text  # not by colour alone
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowUp")  # retry is free
    tab_to(page, f'{q("trd-definition")} .cq-check')
    page.keyboard.press("Enter")
    assert "✔" in wait_status(page, "trd-definition", "Correct")

    # Multi select: the first two options are correct; choose only one first.
    tab_to(page, f'{q("ketamine-effects")} input[type=checkbox]')
    page.keyboard.press("Space")
    tab_to(page, f'{q("ketamine-effects")} .cq-check')
    page.keyboard.press("Enter")
    assert "1 of 2" in wait_status(page, "ketamine-effects", "of 2")
    tab_to(page, f'{q("ketamine-effects")} input[id$="-o1"]')
    page.keyboard.press("Space")
    tab_to(page, f'{q("ketamine-effects")} .cq-check')
    page.keyboard.press("Enter")
    wait_status(page, "ketamine-effects", "Correct")

    # True/false: the answer is False (second radio).
    tab_to(page, f'{q("tf-addiction")} input[type=radio]')
    page.keyboard.press("ArrowDown")
    tab_to(page, f'{q("tf-addiction")} .cq-check')
    page.keyboard.press("Enter")
    wait_status(page, "tf-addiction", "Correct")

    # Put in order with the Up buttons only.
    target = [item["text"] for item in BANK["questions"][3]["items"]]
    for want_pos, text in enumerate(target):
        while True:
            shown = page.locator(f'{q("cascade-order")} .cq-order-text').all_inner_texts()
            pos = shown.index(text)
            if pos == want_pos:
                break
            tab_to(page, f'{q("cascade-order")} button[aria-label="Move “{text}” up"]')
            page.keyboard.press("Enter")
            wait_status(page, "cascade-order", f"is now step {pos}")
    tab_to(page, f'{q("cascade-order")} .cq-check')
    page.keyboard.press("Enter")
    wait_status(page, "cascade-order", "Correct")

    # Teach-back: write, tick two key points, compare.
    tab_to(page, f'{q("teach-back")} textarea')
    page.keyboard.type("It acts fast and on glutamate.")
    tab_to(page, f'{q("teach-back")} input[id$="-k0"]')
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    tab_to(page, f'{q("teach-back")} .cq-check')
    page.keyboard.press("Enter")
    text = wait_status(page, "teach-back", "2 of 3")
    assert "model answer" in text.lower()


def test_keyboard_only_all_types_and_progress_survives_reload(browser, fixture_server):
    ctx, page = open_quiz(browser, fixture_server)
    try:
        answer_all_by_keyboard(page)
        summary = page.locator(".cq-summary").inner_text()
        assert "4 of 4 questions right" in summary
        stored = page.evaluate("() => JSON.parse(localStorage.getItem('ketamine-course:v1'))")
        assert stored["lessons"]["sampler"]["trd-definition"]["correct"] is True
        # The words typed in the teach-back stay in the browser only.
        assert "glutamate" in stored["lessons"]["sampler"]["teach-back"]["text"]
        page.reload()
        page.wait_for_selector(".cq[data-ready=true]", timeout=60_000)
        assert "4 of 4 questions right" in page.locator(".cq-summary").inner_text()
        assert "Correct" in status_text(page, "cascade-order")
        assert page.locator(f'{q("tf-addiction")} input[id$="-o1"]').is_checked()
        assert "glutamate" in page.locator(f'{q("teach-back")} textarea').input_value()
    finally:
        ctx.close()


def test_show_answer_is_not_counted_as_right(browser, fixture_server):
    ctx, page = open_quiz(browser, fixture_server)
    try:
        tab_to(page, f'{q("tf-addiction")} .cq-show')
        page.keyboard.press("Enter")
        text = wait_status(page, "tf-addiction", "Here is the answer")
        assert "False" in text
        assert "0 of 4 questions right" in page.locator(".cq-summary").inner_text()
    finally:
        ctx.close()


def test_check_without_an_answer_explains_what_to_do(browser, fixture_server):
    ctx, page = open_quiz(browser, fixture_server)
    try:
        tab_to(page, f'{q("ketamine-effects")} .cq-check')
        page.keyboard.press("Enter")
        wait_status(page, "ketamine-effects", "Choose at least one answer")
    finally:
        ctx.close()


def test_broken_bank_notice_and_rest_of_lesson_renders(browser, fixture_server):
    ctx, page = open_quiz(browser, fixture_server)
    try:
        notice = page.locator(".course-notice").inner_text()
        assert "This quiz could not be loaded" in notice and "broken.yaml:4" in notice
        assert "Traceback" not in page.content()
        assert page.locator("h2", has_text="After the broken quiz").is_visible()
    finally:
        ctx.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_zero_violations_after_answering(browser, fixture_server, theme):
    from axe_playwright_python.sync_playwright import Axe

    ctx, page = open_quiz(browser, fixture_server, theme=theme)
    try:
        answer_all_by_keyboard(page)
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        violations = results.response["violations"]
        assert violations == [], results.generate_report()
    finally:
        ctx.close()


def test_focus_visible_and_targets_large_enough(browser, fixture_server):
    ctx, page = open_quiz(browser, fixture_server)
    try:
        controls = page.locator(".cq input, .cq button, .cq textarea")
        for i in range(controls.count()):
            c = controls.nth(i)
            if c.is_disabled():
                continue
            c.focus()
            style = c.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth]; }")
            assert style[0] != "none" and style[1] != "0px", f"no focus outline on control {i}"
            box = c.bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24, f"control {i} is {box}"
    finally:
        ctx.close()


def test_usable_at_320px(browser, fixture_server):
    ctx, page = open_quiz(browser, fixture_server, width=320)
    try:
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    finally:
        ctx.close()
