"""Interactive figures work from the keyboard and always carry a text alternative."""

from __future__ import annotations

import pytest

from tests.browser.pages import draw_charts
from tests.browser.test_quiz import AXE_TAGS, tab_to

pytestmark = pytest.mark.browser
PAGE = "/voila/render/figures-sampler.ipynb"


def open_page(browser, server, theme=None):
    ctx = browser.new_context(viewport={"width": 1000, "height": 900})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server.url + PAGE + (f"?theme={theme}" if theme else ""))
    page.wait_for_selector(".course-stepper[data-ready=true]", timeout=60_000)
    draw_charts(page)
    return ctx, page, errors


def test_stepper_by_keyboard(browser, fixture_server):
    ctx, page, errors = open_page(browser, fixture_server)
    try:
        panel = page.locator(".course-stepper-panel")
        assert panel.get_attribute("role") == "status"
        assert "Step 1 of 3" in panel.inner_text() and "Animal or lab study" in panel.inner_text()
        # The step pills come first, and are buttons too; then Previous (disabled) and Next.
        tab_to(page, ".course-stepper .cq-buttons button:not([disabled])")
        page.keyboard.press("Enter")  # Next
        assert "Step 2 of 3" in panel.inner_text() and "Second" in panel.inner_text()
        page.keyboard.press("Enter")
        assert "Step 3 of 3" in panel.inner_text()
        # At the end Next is disabled and focus moved to Previous, not lost.
        assert page.evaluate("() => document.activeElement.textContent").startswith("← Previous")
        page.keyboard.press("Enter")
        assert "Step 2 of 3" in panel.inner_text()
        # The text alternative lists every step.
        items = page.locator(".course-stepper details li").all_text_contents()
        assert len(items) == 3 and "Expert opinion" in items[2]
        assert errors == []
    finally:
        ctx.close()


def test_chart_toggles_and_text_alternative(browser, fixture_server):
    ctx, page, errors = open_page(browser, fixture_server)
    try:
        plot = page.locator(".course-chart-plot")
        assert plot.get_attribute("role") == "img"
        assert "Showing: Route A, Route B" in plot.get_attribute("aria-label")
        tab_to(page, ".course-chart-toggles input")
        page.keyboard.press("Space")  # hide Route A
        page.wait_for_function(
            "() => document.querySelector('.course-chart-plot').getAttribute('aria-label').includes('Showing: Route B.')"
        )
        assert page.evaluate("() => document.querySelector('.course-chart-plot').data[0].visible") is False
        tab_to(page, ".course-chart-data summary")
        page.keyboard.press("Enter")
        assert page.locator(".course-chart-data table").is_visible()
        assert page.locator(".course-chart-data tbody tr").count() == 2
        assert errors == []
    finally:
        ctx.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_figures_axe_clean(browser, fixture_server, theme):
    from axe_playwright_python.sync_playwright import Axe

    ctx, page, _ = open_page(browser, fixture_server, theme)
    try:
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert results.response["violations"] == [], results.generate_report()
    finally:
        ctx.close()


def test_question_builder_keyboard_persist_and_print(browser, fixture_server):
    ctx, page, errors = open_page(browser, fixture_server)
    try:
        page.wait_for_selector(".course-qb[data-ready=true]")
        tab_to(page, '.course-qb input[id$="-ride-home"]')
        page.keyboard.press("Space")
        tab_to(page, ".course-qb-input")
        page.keyboard.type("Will it interact with my other medicines?")
        page.keyboard.press("Enter")
        handout = page.locator(".course-handout")
        assert "Who can drive me home" in handout.inner_text()
        assert "Will it interact with my other medicines?" in handout.inner_text()
        assert "Added:" in page.locator(".course-qb [role=status]").inner_text()
        page.reload()
        page.wait_for_selector(".course-qb[data-ready=true]", timeout=60_000)
        assert page.locator('.course-qb input[id$="-ride-home"]').is_checked()
        assert "Will it interact" in page.locator(".course-handout").inner_text()

        # On paper: only the handout, no navigation, crisis bar chrome or code.
        page.evaluate("""() => {
            document.body.classList.add('course-print-handout');
            const h = document.querySelector('.course-handout');
            for (let n = h; n && n !== document.body; n = n.parentElement) n.classList.add('course-print-path');
        }""")
        page.emulate_media(media="print")
        visible = page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
            .filter(e => e.checkVisibility())
            .filter(e => !e.closest('.course-handout') && e.children.length === 0 && e.textContent.trim())
            .map(e => e.textContent.trim())""")
        assert visible == [], f"printed outside the handout: {visible[:5]}"
        pdf = page.pdf(format="A4")
        pages = len([m for m in __import__("re").finditer(rb"/Type\s*/Page[^s]", pdf)])
        assert pages == 1, f"handout printed on {pages} pages"
        assert errors == []
    finally:
        ctx.close()
