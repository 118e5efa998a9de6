"""Serve the course: pages rendered once, no kernel per reader, no third-party hosts.

``python -m widgets.server`` is what ``make serve`` runs: the command line,
and starting and stopping the server.  It is a plain tornado server
(:mod:`widgets.server.app`).  Each lesson page is rendered once per content
version (:mod:`widgets.server.pages`, :mod:`widgets.server.render`) and
served to every reader from memory; quiz answers are graded by
:mod:`widgets.server.gradeapi`.  Learners never reach a kernel or any
Jupyter API: the server has no such routes.  Identical instances can run
side by side behind a load balancer with no sticky sessions (see the
README, "Scaling out").

Before it listens (or renders, with ``--render-only``), the server checks
that the installed packages still have every internal it relies on
(:mod:`widgets.compat`), and refuses to start if one has changed.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import os
import signal
import socket
import sys
from pathlib import Path

import tornado.httpserver
import tornado.ioloop

from widgets import compat
from widgets.server.app import build_app
from widgets.server.gradeapi import Proxies
from widgets.server.pages import Pages, default_cache_dir

log = logging.getLogger("course.serve")


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # As tornado binds: connections of a server that just stopped (TIME_WAIT)
        # do not make the port busy; another listening server does.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            if e.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def _parse(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ
    p = argparse.ArgumentParser(prog="python -m widgets.server", description=__doc__.split("\n")[0])
    p.add_argument("--host", default=env.get("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(env.get("PORT", "8866")))
    p.add_argument("--preview", action="store_true", default=env.get("COURSE_PREVIEW", "") == "1",
                   help="render each lesson afresh on every load (make preview)")
    p.add_argument("--cache-dir", type=Path, default=default_cache_dir(),
                   help="where rendered pages are kept (COURSE_CACHE_DIR)")
    p.add_argument("--render-at-once", type=int, default=int(env.get("COURSE_RENDER_AT_ONCE", "2")),
                   help="lessons rendered at the same time (each runs one short-lived kernel)")
    p.add_argument("--grade-rate", type=float, default=float(env.get("COURSE_GRADE_RATE", "20")),
                   help="grading requests a second each client may make, on average (0: no limit)")
    p.add_argument("--grade-burst", type=float, default=float(env.get("COURSE_GRADE_BURST", "600")),
                   help="grading requests each client may make at once")
    p.add_argument("--trusted-proxies", default=env.get("COURSE_TRUSTED_PROXIES", ""),
                   help="comma-separated proxy addresses or ranges (10.0.0.0/8) whose X-Forwarded-For is believed")
    p.add_argument("--render-only", action="store_true",
                   help="render every lesson into the cache, then exit (for a container image)")
    args = p.parse_args(argv)
    try:
        Proxies(args.trusted_proxies)
    except ValueError as e:
        p.error(f"--trusted-proxies (or COURSE_TRUSTED_PROXIES): {e}")
    return args


def _stop_cleanly_on(*signals: int) -> None:
    """Ctrl-C (or a TERM from a supervisor) stops the loop; rendering kernels are then shut down."""

    def stop(signum, frame):
        print("\n  Stopping the course server...", file=sys.stderr, flush=True)
        loop = tornado.ioloop.IOLoop.current()
        loop.add_callback_from_signal(loop.stop)

    for sig in signals:
        signal.signal(sig, stop)


def _quiet_channel_threads_on_stop() -> None:
    """A rendering kernel's heartbeat thread may fail when stopped mid-start: one line, not a traceback.

    jupyter_client's heartbeat channel runs in a thread of its own; when the
    server stops while a kernel is still starting, the thread can try to open
    a socket on a context that is already closed.  Nothing is lost (the
    kernel is shut down either way), so it is logged in one line.
    """
    import threading

    default = threading.excepthook

    def hook(args) -> None:
        frames = []
        tb = args.exc_traceback
        while tb is not None:
            frames.append(tb.tb_frame.f_code.co_filename)
            tb = tb.tb_next
        if any("jupyter_client" in f and f.endswith("channels.py") for f in frames):
            log.warning("A rendering kernel's channel closed while the server stopped (%s)", args.exc_type.__name__)
            return
        default(args)

    threading.excepthook = hook


def _no_children_left() -> None:
    """Any rendering kernel still running when the server stops is ended, never orphaned."""
    import psutil

    left = psutil.Process().children(recursive=True)
    for proc in left:
        proc.terminate()
    gone, alive = psutil.wait_procs(left, timeout=5)
    for proc in alive:
        proc.kill()


async def _render_all(pages: Pages) -> int:
    await pages.warm()
    _, failed, waiting = pages.ready()
    missing = failed + waiting
    for name in missing:
        print(f"  Could not render {name}: see the messages above.", file=sys.stderr)
    return 1 if missing else 0


def _compatible() -> bool:
    """Every internal of another package the server relies on is still there (widgets.compat)."""
    problems = compat.check_apart(compat.SERVER_PACKAGES)
    for problem in problems:
        log.error("%s", problem)
    if problems:
        print(f"\n  The course server was not started: {len(problems)} thing(s) it relies on in the installed "
              "packages have changed (listed above).\n  Install the versions in constraints.txt (make install); "
              "to upgrade, see the README, \"Why these versions\".\n", file=sys.stderr, flush=True)
    return not problems


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="[%(levelname)s %(asctime)s %(name)s] %(message)s")
    args = _parse(argv)
    if args.render_only:
        if not _compatible():
            return 1
        _, pages = build_app(args)
        return asyncio.run(_render_all(pages))
    if not port_is_free(args.host, args.port):
        print(
            f"Port {args.port} on {args.host} is already in use, so the course was "
            f"not started.\nStop the other server, or choose another port: "
            f"make serve PORT={args.port + 1}",
            file=sys.stderr,
        )
        return 2
    if not _compatible():
        return 1
    app, pages = build_app(args)
    server = tornado.httpserver.HTTPServer(app, xheaders=False, max_body_size=1024 * 1024)
    server.listen(args.port, args.host)
    _stop_cleanly_on(signal.SIGINT, signal.SIGTERM)
    _quiet_channel_threads_on_stop()
    loop = tornado.ioloop.IOLoop.current()
    loop.add_callback(pages.ensure_warm)
    # A changed lesson, bank or asset is rendered again within seconds, with no reader waiting.
    tornado.ioloop.PeriodicCallback(pages.ensure_warm, 5000).start()
    mode = " (preview: every load renders the lesson afresh)" if args.preview else ""
    print(f"\n  The course is at http://{args.host}:{args.port}/{mode}  (Ctrl-C to stop)\n", flush=True)
    try:
        loop.start()
    finally:
        server.stop()
        loop.run_sync(pages.stop, timeout=20)
        _no_children_left()
    return 0


if __name__ == "__main__":
    sys.exit(main())
