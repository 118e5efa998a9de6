"""Shared fixtures: a live course server on a free loopback port, and Chromium.

Browser tests need Debian's Chromium at /usr/bin/chromium.  Outside CI they
skip with a loud reason when it is missing; with CI=true that is a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.net import free_port, wait_http  # noqa: F401 - tests import them from here
from widgets.content.notebooks import lesson_paths

ROOT = Path(__file__).resolve().parent.parent
# Fixture notebooks are served to browser tests, not checked by nbval.
collect_ignore_glob = ["fixtures/*"]
CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class CourseServer:
    def __init__(self, port: int, proc: subprocess.Popen, log: Path):
        self.port, self.proc, self.log = port, proc, log
        self.url = f"http://127.0.0.1:{port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="session")
def course_server(tmp_path_factory):
    server = start_server(tmp_path_factory)
    yield server
    stop_server(server)


def _need_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    msg = f"Chromium not found at {CHROMIUM}: browser tests NOT RUN (apt-get install chromium)"
    if IN_CI:
        pytest.fail(msg + " -- under CI=true this is a failure")
    pytest.skip(msg)


@pytest.fixture(scope="session")
def browser():
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def lesson_files() -> list[Path]:
    return lesson_paths(ROOT / "lessons")


def start_server(tmp_path_factory, lessons_dir: Path | None = None, port: int | None = None,
                 extra_env: dict | None = None, args: list[str] | None = None, ready: bool = True):
    """A course server on loopback; with ``ready``, wait until every lesson is rendered."""
    port = port or free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    env = dict(os.environ)
    if lessons_dir is not None:
        env["COURSE_LESSONS"] = str(lessons_dir)
    env.update(extra_env or {})
    cmd = [sys.executable, "-m", "widgets.server", "--port", str(port), *(args or [])]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, env=env)
    server = CourseServer(port, proc, log)
    try:
        wait_http(server.url + ("/healthz" if ready else "/"), timeout=180)
    except Exception:
        proc.kill()
        raise
    return server


def stop_server(server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.proc.kill()


@pytest.fixture(scope="session")
def fixture_server(tmp_path_factory):
    """A course server whose lessons are the quiz fixtures in tests/fixtures."""
    import shutil

    folder = tmp_path_factory.mktemp("fixture-lessons")
    for f in (ROOT / "tests" / "fixtures").iterdir():
        shutil.copy(f, folder / f.name)
    server = start_server(tmp_path_factory, folder)
    yield server
    stop_server(server)
