"""Loopback helpers shared by the tests, the benchmark and the stress run."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

from widgets.content.notebooks import lesson_paths


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


SNAPSHOT_PARTS = ("lessons", "assets", "widgets")  # everything a page is made from (its content version)


def snapshot(root: Path) -> Path:
    """A private copy of the lessons, assets and widgets package under a temporary folder.

    A server run from it serves the course as it was when the copy was made,
    so someone saving a lesson (or any file in ``widgets/``) in the middle of
    a measurement does not make the server render every page again.  The
    content version is the same as the working tree's, so it shares the
    working tree's page cache.
    """
    dest = Path(tempfile.mkdtemp(prefix="course-snapshot-"))
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for part in SNAPSHOT_PARTS:
        shutil.copytree(root / part, dest / part, ignore=skip, symlinks=True)
    return dest


def tree_wait(pid: int) -> float:
    """Seconds the threads of a process and its children have spent runnable but waiting
    for a CPU (Linux schedstat; threads that have ended are not counted)."""
    try:
        me = psutil.Process(pid)
        procs = [me, *me.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for p in procs:
        for task in Path(f"/proc/{p.pid}/task").glob("*/schedstat"):
            try:
                total += int(task.read_text().split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return total / 1e9


class CourseProcess:
    """``python -m widgets.server`` on a free loopback port, for one tool run.

    The server's output goes to a temporary log named after the tool.  With
    ``ready`` the constructor waits for ``/healthz`` (every lesson rendered).
    With ``frozen`` the server runs from a :func:`snapshot` of ``root`` (its
    kernels too, through PYTHONPATH), sharing ``root``'s page cache.
    """

    def __init__(self, root: Path, name: str, args: list[str] | None = None, ready: bool = True,
                 timeout: float = 240, frozen: bool = False):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.root = root
        self.snapshot: Path | None = None
        args = list(args or [])
        env = dict(os.environ)
        cwd = root
        if frozen:
            self.snapshot = cwd = snapshot(root)
            env["PYTHONPATH"] = os.pathsep.join([str(cwd), *filter(None, [env.get("PYTHONPATH")])])
            if "--cache-dir" not in args:
                args += ["--cache-dir", os.environ.get("COURSE_CACHE_DIR") or str(root / ".cache" / "pages")]
        log = tempfile.NamedTemporaryFile(prefix=f"course-{name}-", suffix=".log", delete=False)
        self.log = log.name
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "widgets.server", "--port", str(self.port), *args],
            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            if ready:
                self.wait_ready(timeout)
            else:
                wait_http(self.url + "/", timeout=timeout)
        except BaseException:
            self.stop()
            raise

    def wait_ready(self, timeout: float) -> None:
        """Wait for ``/healthz`` 200.  A server renders at start only the version current then;
        if the content changed while it warmed, asking for each lesson renders the new one."""
        deadline = time.monotonic() + timeout
        answered = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the course server stopped (exit {self.proc.returncode}); see {self.log}")
            state = health(self.url)
            if state.get("status") == "ok":
                return
            if state and answered is None:
                answered = time.monotonic()
            if answered is not None and time.monotonic() - answered > 30:
                lessons = lesson_paths((self.snapshot or self.root) / "lessons")
                for lesson in lessons:
                    with contextlib.suppress(OSError):
                        get_bytes(f"{self.url}/voila/render/{lesson.name}", timeout=120)
                answered = time.monotonic()
            time.sleep(0.2)
        raise RuntimeError(f"course server at {self.url} was not ready within {timeout:.0f} s; see {self.log}")

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
        if self.snapshot:
            shutil.rmtree(self.snapshot, ignore_errors=True)


def get_bytes(url: str, timeout: float = 60) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


@contextlib.contextmanager
def course_server(root: Path, name: str, args: list[str] | None = None):
    """The course on a free loopback port for one tool run; yields its base URL once every
    lesson is rendered, then stops it."""
    server = CourseProcess(root, name, args)
    try:
        yield server.url
    finally:
        server.stop()
