"""make cluster N=2: N course servers behind nginx on loopback, until Ctrl-C.

Each instance is ``python -m widgets.server`` on its own free port, sharing
one page cache, so only the first renders the lessons.  nginx (Debian's
``nginx`` package) listens on ``PORT`` and spreads requests over them with
no sticky sessions.  The benchmark's failover run uses :class:`Cluster` to
kill one instance in the middle of a burst.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import jinja2

from bench.net import free_port

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def wait_ready(url: str, timeout: float = 180) -> None:
    """Wait for ``/healthz`` to answer 200 (every lesson ready)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} was not ready within {timeout:.0f} s")


class Cluster:
    """N instances and nginx; use as a context manager.  ``url`` is nginx's address."""

    def __init__(self, n: int = 2, port: int | None = None, host: str = "127.0.0.1",
                 cache_dir: Path | None = None, extra_args: list[str] | None = None):
        if not Path(NGINX).exists():
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        self.n, self.host = n, host
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="course-cluster-"))
        self.cache_dir = cache_dir
        self.extra_args = extra_args or []
        self.instances: list[tuple[int, subprocess.Popen]] = []
        self.nginx: subprocess.Popen | None = None
        self.url = f"http://{host}:{self.port}"

    def start_instance(self) -> tuple[int, subprocess.Popen]:
        port = free_port()
        log = open(self.dir / f"instance-{port}.log", "wb")
        cmd = [sys.executable, "-m", "widgets.server", "--port", str(port),
               "--trusted-proxies", "127.0.0.1", *self.extra_args]
        if self.cache_dir:
            cmd += ["--cache-dir", str(self.cache_dir)]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        wait_ready(f"http://127.0.0.1:{port}")
        return port, proc

    def __enter__(self) -> "Cluster":
        try:
            for _ in range(self.n):
                self.instances.append(self.start_instance())
            conf = jinja2.Template((Path(__file__).parent / "nginx.conf.j2").read_text()).render(
                prefix=self.dir, ports=[p for p, _ in self.instances], host=self.host, port=self.port)
            (self.dir / "nginx.conf").write_text(conf)
            self.nginx = subprocess.Popen(
                [NGINX, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"), "-g", "daemon off;"],
                stdout=subprocess.DEVNULL, stderr=open(self.dir / "nginx.out", "wb"))
            wait_ready(self.url, timeout=30)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def kill(self, index: int) -> None:
        """SIGKILL one instance: no goodbye, as when a machine dies."""
        self.instances[index][1].send_signal(signal.SIGKILL)
        self.instances[index][1].wait()

    def pids(self) -> list[int]:
        return [proc.pid for _, proc in self.instances]

    def __exit__(self, *exc) -> None:
        if self.nginx and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)
            try:
                self.nginx.wait(10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
        for _, proc in self.instances:
            if proc.poll() is None:
                proc.terminate()
        for _, proc in self.instances:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m deploy.cluster", description=__doc__.split("\n")[0])
    p.add_argument("--instances", "-n", type=int, default=int(os.environ.get("N", "2")))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8866")))
    args = p.parse_args(argv)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    with Cluster(args.instances, port=args.port) as c:
        ports = ", ".join(str(p) for p, _ in c.instances)
        print(f"\n  The course is at {c.url}/ through nginx, on {args.instances} instances "
              f"(ports {ports}).  Ctrl-C stops them all.\n", flush=True)
        try:
            while not stop and all(proc.poll() is None for _, proc in c.instances):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
