"""Loopback helpers shared by the tests, the benchmark and the stress run."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil


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


def health(base: str) -> dict:
    """The server's ``/healthz`` reply (``status``, ``version``, ``ready``...), or ``{}``."""
    try:
        with urllib.request.urlopen(base.rstrip("/") + "/healthz", timeout=5) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:  # 503 while warming still says how far it got
        try:
            return json.loads(e.read())
        except ValueError:
            return {}
    except (OSError, ValueError):
        return {}


def tree_rss(pid: int) -> int:
    """Resident memory in bytes of a process plus all its child processes."""
    try:
        me = psutil.Process(pid)
        procs = [me, *me.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live children."""
    try:
        me = psutil.Process(pid)
        procs = [me, *me.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


class CourseProcess:
    """``python -m widgets.serve`` on a free loopback port, for one tool run.

    The server's output goes to a temporary log named after the tool.  With
    ``ready`` the constructor waits for ``/healthz`` (every lesson rendered).
    """

    def __init__(self, root: Path, name: str, args: list[str] | None = None, ready: bool = True,
                 timeout: float = 240):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log = tempfile.NamedTemporaryFile(prefix=f"course-{name}-", suffix=".log", delete=False)
        self.log = log.name
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "widgets.serve", "--port", str(self.port), *(args or [])],
            cwd=root, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_http(self.url + ("/healthz" if ready else "/"), timeout=timeout)
        except BaseException:
            self.stop()
            raise

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss(self) -> int:
        return tree_rss(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@contextlib.contextmanager
def course_server(root: Path, name: str, args: list[str] | None = None):
    """The course on a free loopback port for one tool run; yields its base URL once every
    lesson is rendered, then stops it."""
    server = CourseProcess(root, name, args)
    try:
        yield server.url
    finally:
        server.stop()
