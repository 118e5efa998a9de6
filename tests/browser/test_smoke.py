"""Load the landing page and every lesson in real Chromium, as a learner would."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser.pages import draw_charts
from tests.conftest import lesson_files
from widgets.content import coursemap

PAGES = ["/", "/glossary", "/key-points", "/about"] + [f"/voila/render/{p.name}" for p in lesson_files()]
pytestmark = pytest.mark.browser


def visit(browser, url: str, theme: str | None = None, scheme: str = "light"):
    """Open url in a fresh context; return (page, console problems, foreign requests).
    ``scheme`` is the device's colour setting (prefers-color-scheme)."""
    ctx = browser.new_context(color_scheme=scheme)
    page = ctx.new_page()
    problems: list[str] = []
    foreign: list[str] = []
    host = urlparse(url).netloc
    page.on(
        "console",
        lambda m: problems.append(f"{m.type}: {m.text}")
        if m.type in ("error", "warning")
        else None,
    )
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))

    def on_request(req):
        u = urlparse(req.url)
        if u.scheme in ("http", "https", "ws", "wss") and u.netloc != host:
            foreign.append(req.url)

    page.on("request", on_request)
    page.goto(url + (f"?theme={theme}" if theme else ""))
    return ctx, page, problems, foreign


def wait_rendered(page) -> None:
    page.wait_for_selector("#course-main h1", state="visible", timeout=60_000)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_clean(browser, course_server, path):
    ctx, page, problems, foreign = visit(browser, course_server.url + path)
    try:
        wait_rendered(page)
        h1 = page.locator("#course-main h1").first.inner_text()
        # Every footer links the About page (IPDAS: authorship, funding, updates) and the key points.
        assert page.locator('.course-footer a[href="/about"]').count() == 1
        assert page.locator('.course-footer a[href="/key-points"]').count() == 1
        if path == "/":
            assert "ketamine" in h1.lower()
        elif path == "/glossary":
            assert h1 == "Glossary"
            assert page.locator("dl.course-glossary dt").count() >= 20
            # An A-Z row jumps to each letter's terms.
            letters = page.locator(".course-az a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
            assert len(letters) >= 10
            assert all(page.locator(h).count() == 1 for h in letters)
        elif path == "/about":
            assert h1 == "About this course"
            text = page.locator("main").inner_text()
            assert "not yet been reviewed by a clinician" in text and "conflicts of interest" in text
            assert "The next review is due by" in text
        elif path == "/key-points":
            assert h1 == "Key points to keep"
            assert page.locator(".course-keypoints section").count() == len(lesson_files())
            assert page.locator(".course-keypoints li").count() >= 3 * len(lesson_files())
        else:
            lesson = coursemap.nav(path.rsplit("/", 1)[-1]).current
            assert lesson is not None
            assert lesson.title.lower() in h1.lower()
            assert page.title() == lesson.title
            # When the evidence was checked, and against which label revision (issue 12).
            checked = page.locator("footer .course-checked").inner_text()
            assert checked == coursemap.nav(path.rsplit("/", 1)[-1]).checked
            assert "Evidence last checked" in checked and "US Spravato label revised" in checked
        assert problems == [], f"console errors/warnings on {path}: {problems}"
        assert foreign == [], f"requests to other hosts from {path}: {foreign}"
        # Crisis help, first in the header, and the disclaimer in the footer.
        crisis = page.locator("header .course-crisis")
        assert crisis.locator('a[href="tel:988"]').count() == 1
        assert crisis.locator('a[href="sms:988"]').count() == 1
        assert crisis.locator('a[href="https://findahelpline.com"]').count() == 1
        assert "not medical advice" in page.locator("footer").inner_text().lower()
        # Landmarks: one each, and the lesson content inside <main>.
        for tag in ("header", "main", "footer"):
            assert page.locator(f"body > {tag}").count() == 1, tag
        assert page.locator("main nav, header nav").count() >= 1
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("main h1").count() >= 1
    finally:
        ctx.close()


def test_crisis_block_identical_on_every_page(browser, course_server):
    seen = {}
    for path in PAGES:
        ctx, page, _, _ = visit(browser, course_server.url + path)
        try:
            wait_rendered(page)
            seen[path] = page.locator("header .course-crisis").inner_html()
            # It is the first thing in the header on every page.
            first = page.evaluate(
                "() => document.querySelector('body > header').firstElementChild.className"
            )
            assert first == "course-crisis"
        finally:
            ctx.close()
    assert len(set(seen.values())) == 1, "crisis block differs between pages"


def test_landing_links_every_lesson_in_order(browser, course_server):
    ctx, page, _, _ = visit(browser, course_server.url + "/")
    try:
        wait_rendered(page)
        hrefs = page.locator("ul.course-map > li > a").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
        assert hrefs == [f"/voila/render/{p.name}" for p in lesson_files()]
    finally:
        ctx.close()


def test_skip_link_moves_focus_to_main(browser, course_server):
    ctx, page, _, _ = visit(browser, course_server.url + PAGES[-1])
    try:
        wait_rendered(page)
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.className")
        assert focused == "course-skip"
        page.keyboard.press("Enter")
        assert page.evaluate("() => location.hash") == "#course-main"
    finally:
        ctx.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_themes_readable(browser, course_server, theme):
    """Body text contrast is at least 4.5:1 in both themes."""
    ctx, page, problems, _ = visit(browser, course_server.url + PAGES[-1], theme)
    try:
        wait_rendered(page)
        ratio = page.evaluate(
            """() => {
            const lum = c => { const v = c.match(/\\d+(\\.\\d+)?/g).slice(0,3).map(Number).map(x => {
                x /= 255; return x <= 0.03928 ? x/12.92 : Math.pow((x+0.055)/1.055, 2.4); });
              return 0.2126*v[0] + 0.7152*v[1] + 0.0722*v[2]; };
            const p = document.querySelector('#course-main .jp-RenderedMarkdown p');
            const fg = getComputedStyle(p).color, bg = getComputedStyle(document.body).backgroundColor;
            const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
            return (a + 0.05) / (b + 0.05); }"""
        )
        assert ratio >= 4.5, f"{theme}: contrast {ratio:.2f}"
        assert problems == []
    finally:
        ctx.close()


def test_landing_shows_browser_progress_and_reset_clears_it(browser, course_server):
    first = coursemap.lessons()[0].slug
    ctx, page, _, _ = visit(browser, course_server.url + "/")
    try:
        wait_rendered(page)
        status = page.locator(f'[data-status-for="{first}"]')
        assert status.inner_text() == "(not started)"
        page.evaluate(
            """slug => localStorage.setItem('ketamine-course:v1', JSON.stringify(
                 {lessons: {[slug]: {_visited: true, q1: {correct: true}, q2: {correct: false}}}}))""",
            first,
        )
        page.reload()
        wait_rendered(page)
        assert status.inner_text() == "(started: 1 of 2 answered questions right)"
        assert "opened 1 of" in page.locator("#course-progress-summary").inner_text()
        page.once("dialog", lambda d: d.accept())
        page.locator("#course-reset").focus()
        page.keyboard.press("Enter")
        assert status.inner_text() == "(not started)"
        assert page.evaluate("() => localStorage.getItem('ketamine-course:v1')") is None
    finally:
        ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_zero_violations_on_every_page(browser, course_server, path, scheme):
    """axe-core with the WCAG 2.2 AA tags, on every page, with the device in light and in dark mode."""
    from axe_playwright_python.sync_playwright import Axe

    ctx, page, _, _ = visit(browser, course_server.url + path, scheme=scheme)
    try:
        wait_rendered(page)
        if path.startswith("/voila/render/"):
            page.wait_for_selector(".cq[data-ready=true]", timeout=60_000)
            draw_charts(page)
        tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
        assert results.response["violations"] == [], results.generate_report()
    finally:
        ctx.close()
