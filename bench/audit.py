"""``make audit``: every page measured in a real browser, the same way each time.

For each page (landing, glossary, key points, every lesson) it prints:

- phone screens: page height at 390 x 844 with every ``<details>`` closed;
- screens to the quiz: where the first quiz question starts, in phone screens;
- core words: the lesson contract's own counter (:func:`widgets.authoring.contract.core_words`);
- sideways scrolling: whether the page, or any box in it, scrolls sideways at 320 px;
- cut chart labels: chart text that runs past its chart's edge at 320 px;
- key presses to the first quiz question from the top (Tab and Enter, using
  a skip link or contents link when that is shorter);
- the theme the page shows when the device is in dark mode.

The browser tests (tests/browser/test_pages.py) use the same measurements and
hold every page to the targets below, so the table and the tests agree.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from bench.net import course_server
from widgets.authoring.contract import MAX_SCREENS, MAX_SCREENS_TO_QUIZ

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 844}
# Targets from issue 13 live in the lesson contract (widgets.authoring.contract); a decision aid may be longer.
MAX_KEYS_TO_QUIZ = 12
MAX_TABS_TRIED = 150  # Tab alone, from the top (no reloads, so cheap)
MAX_LINK_AT = 24  # same-page links reached within this many Tabs are tried with Enter

QUIZ = "section.cq:not(.course-qb)"  # the lesson's quiz, not the question builder (which shares its styles)
FIRST_QUESTION = ", ".join(f"{QUIZ} .cq-q {tag}" for tag in ("input", "textarea", "button"))


@dataclass
class PageAudit:
    path: str
    screens: float
    screens_to_quiz: float | None
    core_words: int | None
    word_limit: int | None
    sideways_320: int  # px of sideways scrolling at 320 px (0 = none)
    cut_labels: list  # chart text that runs past its chart's edge at 320 px
    keys_to_quiz: int | None
    dark_theme: str  # "dark" or "light": what the page shows with the device in dark mode
    max_screens: int = MAX_SCREENS
    max_screens_to_quiz: int | None = MAX_SCREENS_TO_QUIZ  # None: this page is exempt


def pages() -> list[str]:
    from widgets.content.coursemap import lessons

    # "/no-such-page" is the course's "not found" page, a page learners can meet too.
    return ["/", "/glossary", "/key-points", "/about", "/no-such-page"] + [x.url for x in lessons()]


def wait_ready(page, path: str, timeout: float = 90_000) -> None:
    """Wait for the page, and on a lesson for every widget to be drawn."""
    page.wait_for_load_state("load")
    if "/voila/render/" in path:
        page.wait_for_function(
            "() => !document.querySelector('.course-widget-wait') && "
            "[...document.querySelectorAll('.cq')].every((q) => q.dataset.ready === 'true')",
            timeout=timeout,
        )


def close_details(page) -> None:
    page.evaluate("() => document.querySelectorAll('details[open]').forEach((d) => d.open = false)")


def phone_screens(page) -> float:
    close_details(page)
    return page.evaluate("() => document.documentElement.scrollHeight") / PHONE["height"]


def screens_to_quiz(page) -> float | None:
    top = page.evaluate(
        "(sel) => { const q = document.querySelector(sel); "
        "return q ? q.getBoundingClientRect().top + window.scrollY : null; }", f"{QUIZ} .cq-q"
    )
    return None if top is None else top / PHONE["height"]


def sideways(page) -> int:
    """Pixels of content reached only by scrolling sideways: the page itself,
    or any box inside it that scrolls sideways (a wide table in a scroll box
    still hides its last columns off-screen)."""
    return page.evaluate(
        """() => {
          const de = document.documentElement;
          let worst = Math.max(de.scrollWidth, document.body.scrollWidth) - de.clientWidth;
          document.querySelectorAll('#course-main *').forEach((el) => {
            const x = getComputedStyle(el).overflowX;
            if ((x === 'auto' || x === 'scroll') && el.clientWidth > 0 && el.tagName !== 'TEXTAREA') {
              worst = Math.max(worst, el.scrollWidth - el.clientWidth);
            }
          });
          return worst;
        }"""
    )


def cut_labels(page) -> list[str]:
    """Chart text (ticks, titles, legend, labels) that runs past its chart's edge."""
    from tests.browser.pages import draw_charts

    draw_charts(page)
    return page.evaluate(
        """() => {
          const out = [];
          document.querySelectorAll('.course-chart-plot').forEach((plot, i) => {
            const box = plot.getBoundingClientRect();
            plot.querySelectorAll('svg text').forEach((t) => {
              const r = t.getBoundingClientRect();
              if (!t.textContent.trim() || r.width === 0) return;
              if (r.left < box.left - 1 || r.right > box.right + 1) out.push(`chart ${i + 1}: ${t.textContent}`);
            });
          });
          return out;
        }"""
    )


def _focus_in_quiz(page) -> bool:
    return page.evaluate("(sel) => !!(document.activeElement && document.activeElement.matches(sel))", FIRST_QUESTION)


def keys_to_quiz(page, url: str) -> int | None:
    """Fewest Tab/Enter presses from the top of a freshly loaded page to a
    control of the first quiz question: Tab only, or Tab to any same-page
    link, Enter on it, then Tab."""
    quiz = page.evaluate("(sel) => !!document.querySelector(sel)", f"{QUIZ} .cq-q")
    if not quiz:
        return None
    best: int | None = None
    page.goto(url)
    wait_ready(page, url)
    links: list[int] = []
    for n in range(1, MAX_TABS_TRIED + 1):
        page.keyboard.press("Tab")
        if _focus_in_quiz(page):
            best = n
            break
        href = page.evaluate("() => document.activeElement && document.activeElement.getAttribute('href')")
        if href and href.startswith("#") and len(href) > 1:
            links.append(n)
    for n in links:
        if (best is not None and n + 2 >= best) or n > MAX_LINK_AT:
            break
        page.goto(url)
        wait_ready(page, url)
        for _ in range(n):
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        for extra in range(1, MAX_TABS_TRIED - n):
            if best is not None and n + 1 + extra >= best:
                break
            page.keyboard.press("Tab")
            if _focus_in_quiz(page):
                best = n + 1 + extra
                break
    return best


def dark_theme(browser, url: str) -> str:
    ctx = browser.new_context(viewport=PHONE, color_scheme="dark")
    try:
        page = ctx.new_page()
        page.goto(url)
        page.wait_for_load_state("load")
        lum = page.evaluate(
            """() => {
              const m = getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g).map(Number);
              const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
              return 0.2126 * f(m[0]) + 0.7152 * f(m[1]) + 0.0722 * f(m[2]);
            }"""
        )
        return "dark" if lum < 0.2 else "light"
    finally:
        ctx.close()


def audit_page(browser, base: str, path: str) -> PageAudit:
    from widgets.authoring import contract as contract

    url = base + path
    ctx = browser.new_context(viewport=PHONE)
    try:
        page = ctx.new_page()
        page.goto(url)
        wait_ready(page, path)
        screens = phone_screens(page)
        to_quiz = screens_to_quiz(page)
        keys = keys_to_quiz(page, url)
        page.set_viewport_size(NARROW)
        page.goto(url)
        wait_ready(page, path)
        wide = sideways(page)
        cut = cut_labels(page)
    finally:
        ctx.close()
    words = limit = None
    most, most_to_quiz = MAX_SCREENS, MAX_SCREENS_TO_QUIZ
    if "/voila/render/" in path:
        doc = contract.read_lesson(ROOT / "lessons" / Path(path).name)
        words, limit = contract.core_words(doc), contract.word_limit(doc)
        most, most_to_quiz = contract.screen_limits(doc)
    return PageAudit(path, screens, to_quiz, words, limit, wide, cut, keys, dark_theme(browser, url),
                     most, most_to_quiz)


def table(rows: list[PageAudit]) -> str:
    head = ("Page", "Phone screens", "Screens to quiz", "Core words", "Sideways at 320 px", "Cut chart labels",
            "Keys to quiz", "Dark mode")
    data = [head]
    for r in rows:
        data.append((
            r.path.replace("/voila/render/", "").replace(".ipynb", "") or "/",
            f"{r.screens:.1f}",
            "–" if r.screens_to_quiz is None else f"{r.screens_to_quiz:.1f}",
            "–" if r.core_words is None else f"{r.core_words}/{r.word_limit}",
            "none" if r.sideways_320 <= 0 else f"{r.sideways_320} px",
            str(len(r.cut_labels)),
            "–" if r.keys_to_quiz is None else str(r.keys_to_quiz),
            r.dark_theme,
        ))
    widths = [max(len(row[i]) for row in data) for i in range(len(head))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*row) for row in data[1:]]
    return "\n".join(lines)


def failures(r: PageAudit) -> list[str]:
    """What a page misses of the targets (empty when it meets them all)."""
    out = []
    if r.screens > r.max_screens:
        out.append(f"{r.path}: {r.screens:.1f} phone screens (at most {r.max_screens})")
    if r.screens_to_quiz is not None and r.max_screens_to_quiz is not None and r.screens_to_quiz > r.max_screens_to_quiz:
        out.append(f"{r.path}: the quiz starts {r.screens_to_quiz:.1f} screens down (at most {r.max_screens_to_quiz})")
    if r.core_words is not None and r.core_words > (r.word_limit or 0):
        out.append(f"{r.path}: {r.core_words} words of core text (at most {r.word_limit})")
    if r.sideways_320 > 0:
        out.append(f"{r.path}: scrolls sideways by {r.sideways_320} px at 320 px")
    for label in r.cut_labels:
        out.append(f"{r.path}: at 320 px a chart label is cut off: {label}")
    if r.screens_to_quiz is not None and (r.keys_to_quiz is None or r.keys_to_quiz > MAX_KEYS_TO_QUIZ):
        out.append(f"{r.path}: {r.keys_to_quiz or 'more than ' + str(MAX_TABS_TRIED)} key presses to the first question (at most {MAX_KEYS_TO_QUIZ})")
    if r.dark_theme != "dark":
        out.append(f"{r.path}: stays light when the device is in dark mode")
    return out


def main() -> int:
    from playwright.sync_api import sync_playwright

    with course_server(ROOT, "audit") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        rows = [audit_page(browser, base, path) for path in pages()]
        browser.close()
    print(table(rows))
    problems = [f for r in rows for f in failures(r)]
    print()
    print("\n".join(problems) if problems else "Every page meets the targets.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
