"""Serve the course with Voila: one command, read-only, no third-party hosts.

``python -m widgets.serve`` is what ``make serve`` runs.  It is stock Voila
with the course template, a course landing page at ``/``, culling of idle
kernels, and a clear error when the port is taken (Voila would quietly move
to another port).
"""

from __future__ import annotations

import argparse
import errno
import gzip
import hashlib
import inspect
import os
import re
import signal
import socket
import sys
from pathlib import Path

import jinja2
import tornado.ioloop
import tornado.web

from . import coursemap, fastrender, glossary
from .kernels import cull_together, refill_in_turn, shut_everything_down
from .paths import ASSETS, LESSONS
from .references import long_date

TEMPLATE_DIR = ASSETS / "voila" / "templates" / "course"


PLOTLY_JS = ASSETS / "vendor" / "plotly-basic.min.js"


class VendorFileHandler(tornado.web.RequestHandler):
    """plotly.js for the charts (the basic partial bundle).

    Compressed once, not on every request: gzip of 1.2 MB per page view was
    the largest cost left on the server's one thread when ten learners
    arrived at once.  Browsers keep it for a day.
    """

    _files: dict[Path, tuple[bytes, bytes, str]] = {}

    @classmethod
    def preload(cls, path: Path) -> tuple[bytes, bytes, str]:
        if path not in cls._files:
            raw = path.read_bytes()
            cls._files[path] = (raw, gzip.compress(raw, 9), '"' + hashlib.sha256(raw).hexdigest()[:32] + '"')
        return cls._files[path]

    def initialize(self, path: Path) -> None:
        self.path = path

    def get(self) -> None:
        raw, packed, etag = self.preload(self.path)
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.set_header("Cache-Control", "public, max-age=86400")
        self.set_header("Etag", etag)
        if self.check_etag_header():
            self.set_status(304)
            return
        if "gzip" in self.request.headers.get("Accept-Encoding", ""):
            self.set_header("Content-Encoding", "gzip")
            self.finish(packed)
        else:
            self.finish(raw)


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


class LandingHandler(tornado.web.RequestHandler):
    """The course map at ``/``: every lesson, in order, with its length."""

    def initialize(self, env: jinja2.Environment) -> None:
        self.env = env

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


class NotFoundHandler(tornado.web.RequestHandler):
    """Voila's tree and contents listings are not part of the course."""

    def prepare(self) -> None:
        raise tornado.web.HTTPError(404)


def _with_xsrf_cookie(handler_class):
    """A render handler that sets the ``_xsrf`` cookie.

    Without it the page's shutdown beacon is refused with 403 when a tab is
    closed, and the kernel lingers until culled (voila issue #1458).  Doing
    it here, not in a prelaunch hook, keeps preheated kernels available.
    """

    class RenderWithXsrf(handler_class):
        async def prepare(self):
            result = super().prepare()  # sets the current user first
            if inspect.isawaitable(result):
                await result
            self.xsrf_token  # noqa: B018 - reading it is what sets the cookie

    return RenderWithXsrf


def _drops_malformed_messages(handler_class):
    """The kernel websocket drops a message it cannot parse instead of closing.

    jupyter_server parses each page message with ``json.loads``; very deeply
    nested JSON raises RecursionError there, the connection is aborted and a
    traceback lands in the server log.  Now such a message is dropped with a
    one-line warning, and the page's connection stays up.
    """

    class SafeWebsocket(handler_class):
        def on_message(self, message):
            try:
                return super().on_message(message)
            except (RecursionError, ValueError, TypeError, KeyError):
                self.log.warning("Dropped a malformed message from a page (kernel %s)", self.kernel_id)
                return None

    return SafeWebsocket


def _not_found_on_bad_path(handler_class):
    """Voila's template static handler answers 500 to odd paths ("../"): make it 404."""

    class SafeStatic(handler_class):
        def parse_url_path(self, path):
            try:
                return super().parse_url_path(path)
            except (ValueError, AssertionError):
                raise tornado.web.HTTPError(404) from None

        @classmethod
        def get_absolute_path(cls, root, path):
            try:
                return super().get_absolute_path(root, path)
            except (ValueError, AssertionError):
                raise tornado.web.HTTPError(404) from None

    return SafeStatic


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


def build_app(argv: list[str] | None = None):
    """A configured (not yet started) Voila application for the course."""
    from traitlets.config import Config
    from voila.app import Voila
    from voila.exporter import VoilaExporter
    from voila.static_file_handler import TemplateStaticFileHandler
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    class CourseVoila(Voila):
        def init_settings(self):
            settings = super().init_settings()
            if self.voila_configuration.preheat_kernel:
                refill_in_turn(self.kernel_manager)
            cull_together(self.kernel_manager)
            return settings

        def stop(self):
            shut_everything_down(self)

        def init_handlers(self):
            # Voila applies tornado_settings after the Application exists, too
            # late for compress_response; add gzip the way tornado would.
            if tornado.web.GZipContentEncoding not in self.app.transforms:
                self.app.transforms.append(tornado.web.GZipContentEncoding)
            if SecurityHeaders not in self.app.transforms:
                self.app.transforms.append(SecurityHeaders)
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True
            )
            keep = []
            for h in super().init_handlers():
                handler = h[1]
                if handler is TornadoVoilaTreeHandler or "contents" in h[0]:
                    continue
                if handler is TornadoVoilaHandler:
                    h = (h[0], _with_xsrf_cookie(handler), *h[2:])
                elif handler is TemplateStaticFileHandler:
                    h = (h[0], _not_found_on_bad_path(handler), *h[2:])
                elif handler is VoilaKernelWebsocketHandler:
                    h = (h[0], _drops_malformed_messages(handler), *h[2:])
                keep.append(h)
            return [
                (r"/", LandingHandler, {"env": env}),
                (r"/glossary", GlossaryHandler, {"env": env}),
                (r"/key-points", KeyPointsHandler, {"env": env}),
                (r"/about", AboutHandler, {"env": env}),
                *[(rf"/voila/render/{re.escape(old)}\.ipynb", tornado.web.RedirectHandler,
                   {"url": f"/voila/render/{new['slug']}.ipynb", "permanent": True})
                  for old, new in coursemap.renamed().items()],
                (r"/voila/tree.*", NotFoundHandler),
                (r"/voila/api/contents.*", NotFoundHandler),
                (
                    r"/course/vendor/plotly-basic\.min\.js",
                    VendorFileHandler,
                    {"path": PLOTLY_JS},
                ),
                *keep,
            ]

    fastrender.install(VoilaExporter)
    VendorFileHandler.preload(PLOTLY_JS)
    args = _parse(argv)
    cfg = Config()
    cfg.Voila.ip = args.host
    cfg.Voila.port = args.port
    cfg.Voila.port_retries = 0  # never serve silently on another port
    cfg.Voila.open_browser = False
    cfg.Voila.root_dir = str(LESSONS)
    vc = cfg.VoilaConfiguration
    vc.template = "course"
    vc.strip_sources = True
    vc.show_tracebacks = False
    # Only the widget managers the pages need; jupyterlab-plotly's mime
    # renderer throws in Voila, so charts use the course's own widget.
    vc.extension_allowlist = [
        "@voila-dashboards/widgets-manager8",
        "@jupyter-widgets/jupyterlab-manager",
        "anywidget",
    ]
    vc.file_allowlist = [r"^$"]  # /voila/files serves nothing
    vc.allow_template_override = "NO"  # ?template=lab would bring back CDN fonts
    # COURSE_POOL=N (default 3) keeps N kernels per lesson that have already
    # run the lesson, so a page is served at once instead of after a kernel
    # start and a full run.  make preview sets 0, so an edited lesson shows
    # on the next reload.
    vc.preheat_kernel = args.pool > 0
    vc.default_pool_size = max(args.pool, 1)
    km = cfg.MappingKernelManager
    km.cull_idle_timeout = args.cull_idle
    km.cull_interval = args.cull_interval
    km.cull_connected = False  # never cull an open tab
    km.cull_busy = False
    cfg.VoilaExporter.filters = {
        "lesson_nav": coursemap.nav,
        "lesson_contents": coursemap.contents,
        "quiz_anchor": coursemap.quiz_anchor,
    }
    app = CourseVoila(config=cfg)
    return app, args


def _parse(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ
    p = argparse.ArgumentParser(prog="python -m widgets.serve", description=__doc__)
    p.add_argument("--host", default=env.get("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(env.get("PORT", "8866")))
    p.add_argument(
        "--cull-idle",
        type=int,
        default=int(env.get("COURSE_CULL_IDLE", "600")),
        help="seconds before an idle kernel with no open tab is shut down",
    )
    p.add_argument(
        "--pool",
        type=int,
        default=int(env.get("COURSE_POOL", "3")),
        help="preheated kernels kept ready per lesson (0 turns preheating off)",
    )
    p.add_argument(
        "--cull-interval", type=int, default=int(env.get("COURSE_CULL_INTERVAL", "60"))
    )
    return p.parse_args(argv)


def _stop_cleanly_on(*signals: int) -> None:
    """Ctrl-C (or a TERM from a supervisor) stops the loop; Voila then shuts kernels down."""

    def stop(signum, frame):
        print("\n  Stopping the course server...", file=sys.stderr, flush=True)
        loop = tornado.ioloop.IOLoop.current()
        loop.add_callback_from_signal(loop.stop)

    for sig in signals:
        signal.signal(sig, stop)


def main(argv: list[str] | None = None) -> int:
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(ASSETS)] + ([os.environ["JUPYTER_PATH"]] if os.environ.get("JUPYTER_PATH") else [])
    )
    app, args = build_app(argv)
    if not port_is_free(args.host, args.port):
        print(
            f"Port {args.port} on {args.host} is already in use, so the course was "
            f"not started.\nStop the other server, or choose another port: "
            f"make serve PORT={args.port + 1}",
            file=sys.stderr,
        )
        return 2
    app.initialize([])
    _stop_cleanly_on(signal.SIGINT, signal.SIGTERM)
    print(
        f"\n  The course is at http://{args.host}:{args.port}/  (Ctrl-C to stop)\n",
        flush=True,
    )
    app.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
