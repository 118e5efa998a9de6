"""Helpers shared by the browser tests."""

from __future__ import annotations


def draw_charts(page, timeout: float = 60_000) -> int:
    """Scroll to every chart, as a reader would, and wait until each is drawn.

    Charts are drawn only when they come near the screen, so a test that
    needs them all must visit them.  Returns how many charts there are.
    """
    charts = page.locator(".course-chart")
    count = charts.count()
    for i in range(count):
        charts.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            "(i) => document.querySelectorAll('.course-chart')[i].dataset.ready === 'true'",
            arg=i,
            timeout=timeout,
        )
    page.evaluate("() => window.scrollTo(0, 0)")
    return count
