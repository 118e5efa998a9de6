"""Loopback helpers shared by the tests, the benchmark and the stress run."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (never a fixed one: other servers may be running)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    """Wait until ``url`` answers 200, or fail with a message that names it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"course server did not answer at {url} within {timeout}s")


@contextlib.contextmanager
def course_server(root: Path, name: str):
    """The course on a free loopback port for one tool run; yields its base URL, then stops it.
    The server's output goes to a temporary log named after the tool."""
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix=f"course-{name}-", suffix=".log", delete=False)
    proc = subprocess.Popen([sys.executable, "-m", "widgets.serve", "--port", str(port)], cwd=root,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
