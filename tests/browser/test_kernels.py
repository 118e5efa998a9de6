"""Abandoned tabs must not leak kernels (voila issue #1458)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import TEST_CULL_IDLE, TEST_CULL_INTERVAL, lesson_files

pytestmark = pytest.mark.browser
LESSON = f"/voila/render/{lesson_files()[0].name}"


def kernel_alive(server, kernel_id: str) -> bool:
    try:
        with urllib.request.urlopen(f"{server.url}/api/kernels/{kernel_id}", timeout=5) as r:
            return r.status == 200
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return False
        raise


def open_lesson(browser, server, block_beacon: bool):
    ctx = browser.new_context()
    if block_beacon:  # a crashed tab or lost network: no shutdown request arrives
        ctx.route("**/voila/api/shutdown/**", lambda route: route.abort())
    page = ctx.new_page()
    page.goto(server.url + LESSON)
    page.wait_for_selector("#course-main h1", state="visible", timeout=60_000)
    config = json.loads(page.locator("#jupyter-config-data").text_content())
    kernel_id = config["kernelId"]
    assert kernel_alive(server, kernel_id)
    return ctx, page, kernel_id


def wait_gone(server, kernel_id: str, within: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < within:
        if not kernel_alive(server, kernel_id):
            return time.monotonic() - start
        time.sleep(0.5)
    raise AssertionError(f"kernel {kernel_id} still alive after {within:.0f}s")


def test_closing_a_tab_shuts_its_kernel_down(browser, course_server):
    ctx, page, kid = open_lesson(browser, course_server, block_beacon=False)
    page.close(run_before_unload=True)
    ctx.close()
    # The beacon now carries a valid _xsrf token, so the kernel goes at once.
    took = wait_gone(course_server, kid, within=TEST_CULL_IDLE)
    assert took < TEST_CULL_IDLE


def test_abandoned_kernel_is_culled_within_window(browser, course_server):
    ctx, page, kid = open_lesson(browser, course_server, block_beacon=True)
    ctx.close()
    window = TEST_CULL_IDLE + 2 * TEST_CULL_INTERVAL + 5
    wait_gone(course_server, kid, within=window)


def test_open_tab_keeps_its_kernel(browser, course_server):
    """Culling never takes the kernel of a page that is still open."""
    ctx, page, kid = open_lesson(browser, course_server, block_beacon=True)
    try:
        time.sleep(TEST_CULL_IDLE + 2 * TEST_CULL_INTERVAL + 2)
        assert kernel_alive(course_server, kid)
    finally:
        ctx.close()
