"""Serve the course: pages rendered once, no kernel per reader, no third-party hosts.

``python -m widgets.server`` is what ``make serve`` runs.  It is a plain
tornado server.  Each lesson page is rendered once per content version by
:mod:`widgets.server.render` (with Voila's renderer and the course template) and
served to every reader from memory; quiz answers are graded by
:mod:`widgets.server.gradeapi`.  Learners never reach a kernel or any Jupyter API:
the server has no such routes.  Identical instances can run side by side
behind a load balancer with no sticky sessions (see the README, "Scaling
out").
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import gzip
import hashlib
import logging
import os
import re
import signal
import socket
import sys
from pathlib import Path

import jinja2
import tornado.httpserver
import tornado.ioloop
import tornado.web

from widgets.content import coursemap, glossary
from widgets.content.references import long_date
from widgets.paths import ASSETS
from widgets.server.gradeapi import GradeHandler, Proxies, RateLimit
from widgets.server.render import Pages, RenderError, default_cache_dir, ensure_template_path

TEMPLATE_DIR = ASSETS / "voila" / "templates" / "course"
LESSON_NAME = r"[A-Za-z0-9][A-Za-z0-9_-]*\.ipynb"
log = logging.getLogger("course.serve")


PLOTLY_JS = ASSETS / "vendor" / "plotly-basic.min.js"


def send_once_compressed(handler: tornado.web.RequestHandler, raw: bytes, packed: bytes, etag: str) -> None:
    """Finish with a body compressed ahead of time: 304 if the browser has it, gzip if it takes it."""
    handler.set_header("Etag", etag)
    if handler.check_etag_header():
        handler.set_status(304)
        handler.finish()
        return
    if "gzip" in handler.request.headers.get("Accept-Encoding", ""):
        handler.set_header("Content-Encoding", "gzip")
        handler.set_header("Vary", "Accept-Encoding")
        handler.finish(packed)
    else:
        handler.finish(raw)


class MemoryFileHandler(tornado.web.RequestHandler):
    """A file served from memory, compressed once: plotly.js and the template's CSS and JS.

    gzip of plotly.js (1.2 MB) on every request was the largest cost on the
    server's one thread when many learners arrived at once, and even the
    small files cost a few milliseconds each, on the path to a usable quiz.
    A file is read again when it changes on disk (``make preview``).
    """

    _files: dict[Path, tuple[int, bytes, bytes, str]] = {}
    TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

    @classmethod
    def preload(cls, path: Path) -> tuple[bytes, bytes, str]:
        stamp = path.stat().st_mtime_ns
        if path not in cls._files or cls._files[path][0] != stamp:
            raw = path.read_bytes()
            cls._files[path] = (stamp, raw, gzip.compress(raw, 9), '"' + hashlib.sha256(raw).hexdigest()[:32] + '"')
        return cls._files[path][1:]

    def initialize(self, path: Path | None = None, folder: Path | None = None, max_age: int = 0) -> None:
        self.path, self.folder, self.max_age = path, folder, max_age

    def get(self, name: str | None = None) -> None:
        path = self.path or (self.folder / name if name and "/" not in name and not name.startswith(".") else None)
        if path is None or path.suffix not in self.TYPES or not path.is_file():
            raise tornado.web.HTTPError(404)
        raw, packed, etag = self.preload(path)
        self.set_header("Content-Type", self.TYPES[path.suffix])
        self.set_header("Cache-Control", f"public, max-age={self.max_age}" if self.max_age else "no-cache")
        send_once_compressed(self, raw, packed, etag)

    def write_error(self, status_code: int, **kwargs) -> None:
        self.finish("Not found" if status_code == 404 else "Error")


# Only the course's own origin, for every kind of resource: a third-party
# request cannot happen even by mistake.  Voila's page needs inline scripts
# and styles; anywidget loads each widget's code from a blob: URL.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class SecurityHeaders(tornado.web.OutputTransform):
    """Add the course's security headers to every response, static files too."""

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        for name, value in SECURITY_HEADERS.items():
            headers[name] = value
        return status_code, headers, chunk


class CoursePage(tornado.web.RequestHandler):
    """An HTML page of the course; its errors are course pages too, never tornado's."""

    def initialize(self, env: jinja2.Environment) -> None:
        self.env = env

    def write_error(self, status_code: int, **kwargs) -> None:
        status = 404 if status_code < 500 else 503
        if status == 503:
            self.set_header("Retry-After", "10")
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(self.env.get_template("error.html.j2").render(nav=coursemap.nav(""), status=status))


class LandingHandler(CoursePage):
    """The course map at ``/``: every lesson, in order, with its length."""

    def get(self) -> None:
        page = self.env.get_template("landing.html.j2").render(
            lessons=coursemap.lessons(), nav=coursemap.nav("")
        )
        self.set_header("Cache-Control", "no-cache")
        self.finish(page)


class GlossaryHandler(LandingHandler):
    """Every glossary term on one page, each with an anchor lessons link to."""

    def get(self) -> None:
        page = self.env.get_template("glossary.html.j2").render(
            terms=glossary.load(), nav=coursemap.nav("")
        )
        self.set_header("Cache-Control", "no-cache")
        self.finish(page)


class KeyPointsHandler(LandingHandler):
    """Every lesson's key points on one page, to print and keep."""

    def get(self) -> None:
        found = coursemap.lessons()
        reviewed = max((x.reviewed for x in found if x.reviewed), default="")
        page = self.env.get_template("keypoints.html.j2").render(
            lessons=coursemap.all_key_points(), nav=coursemap.nav(""),
            checked=long_date(reviewed) if reviewed else "",
        )
        self.set_header("Cache-Control", "no-cache")
        self.finish(page)


class AboutHandler(LandingHandler):
    """Who wrote the course, funding, how the evidence was found, and the update policy."""

    def get(self) -> None:
        reviewed = max((x.reviewed for x in coursemap.lessons() if x.reviewed), default="")
        page = self.env.get_template("about.html.j2").render(
            nav=coursemap.nav(""),
            checked=long_date(reviewed) if reviewed else "",
            next_review=long_date(coursemap.next_review(reviewed)) if reviewed else "",
        )
        self.set_header("Cache-Control", "no-cache")
        self.finish(page)




class LessonHandler(CoursePage):
    """A lesson page, from the render of the current content version."""

    def initialize(self, pages: Pages, env: jinja2.Environment) -> None:
        self.pages, self.env = pages, env

    async def get(self, name: str) -> None:
        if name not in self.pages.names():
            raise tornado.web.HTTPError(404)
        try:
            page = await self.pages.get(name)
        except RenderError as e:
            log.error("%s", e)
            raise tornado.web.HTTPError(503) from None
        self.xsrf_token  # noqa: B018 - reading it sets the _xsrf cookie the quiz sends back
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-cache")
        send_once_compressed(self, page.html, page.gzipped, page.etag)


class HealthHandler(tornado.web.RequestHandler):
    """``/healthz``: 200 once every lesson has been rendered (or has failed: "degraded"), else 503.

    A lesson that cannot be rendered shows its own error page, and is named
    here; it does not take the whole course out of a load balancer.
    """

    def initialize(self, pages: Pages) -> None:
        self.pages = pages

    def get(self) -> None:
        self.pages.ensure_warm()
        done, failed, waiting = self.pages.ready()
        status = "warming" if waiting else ("degraded" if failed else "ok")
        self.set_header("Cache-Control", "no-store")
        self.set_status(503 if waiting else 200)
        self.finish({"status": status, "version": self.pages.current(),
                     "lessons": len(done) + len(failed) + len(waiting), "ready": len(done), "failed": failed})


class LiveHandler(tornado.web.RequestHandler):
    """``/livez``: the server's loop answers (for a liveness probe)."""

    def get(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.finish({"status": "alive"})


class NotFoundHandler(CoursePage):
    """Anything that is not a course page: a plain "not found" page, never a listing."""

    def prepare(self) -> None:
        raise tornado.web.HTTPError(404)


def _log_request(handler: tornado.web.RequestHandler) -> None:
    """One line per failed request: method, path (never the query or body) and status."""
    status = handler.get_status()
    if status < 400:
        return
    path = handler.request.path if len(handler.request.path) < 200 else handler.request.path[:200] + "..."
    logging.getLogger("tornado.access").warning(
        "%d %s %s %.0fms", status, handler.request.method, path, 1000 * handler.request.request_time())


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


def build_app(args: argparse.Namespace, pages: Pages | None = None) -> tuple[tornado.web.Application, Pages]:
    """The course application and its page cache (not yet listening)."""
    ensure_template_path()
    pages = pages or Pages(cache_dir=args.cache_dir, preview=args.preview, at_once=args.render_at_once)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True)
    limit = RateLimit(rate=args.grade_rate, burst=args.grade_burst)
    trusted = Proxies(args.trusted_proxies)
    MemoryFileHandler.preload(PLOTLY_JS)
    handlers = [
        (r"/", LandingHandler, {"env": env}),
        (r"/glossary", GlossaryHandler, {"env": env}),
        (r"/key-points", KeyPointsHandler, {"env": env}),
        (r"/about", AboutHandler, {"env": env}),
        *[(rf"/voila/render/{re.escape(old)}\.ipynb", tornado.web.RedirectHandler,
           {"url": f"/voila/render/{new['slug']}.ipynb", "permanent": True})
          for old, new in coursemap.renamed().items()],
        (rf"/voila/render/({LESSON_NAME})", LessonHandler, {"pages": pages, "env": env}),
        (r"/voila/templates/course/static/(.*)", MemoryFileHandler, {"folder": TEMPLATE_DIR / "static"}),
        (r"/course/vendor/plotly-basic\.min\.js", MemoryFileHandler, {"path": PLOTLY_JS, "max_age": 86400}),
        (r"/course/api/grade", GradeHandler, {"pages": pages, "limit": limit, "trusted_proxies": trusted}),
        (r"/healthz", HealthHandler, {"pages": pages}),
        (r"/livez", LiveHandler),
    ]
    app = tornado.web.Application(
        handlers,
        default_handler_class=NotFoundHandler,
        default_handler_args={"env": env},
        xsrf_cookies=True,
        xsrf_cookie_kwargs={"samesite": "Strict"},
        compress_response=True,
        log_function=_log_request,
        transforms=None,
    )
    app.transforms.append(SecurityHeaders)
    return app, pages


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


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="[%(levelname)s %(asctime)s %(name)s] %(message)s")
    args = _parse(argv)
    if args.render_only:
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
