"""Loopback helpers shared by the tests, the benchmark and the stress run."""

from __future__ import annotations

import socket
import time
import urllib.request


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
