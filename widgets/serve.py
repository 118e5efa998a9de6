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
import signal
import socket
import sys
from pathlib import Path

import jinja2
import tornado.ioloop
import tornado.web

from . import coursemap, fastrender, glossary
from .paths import ASSETS, LESSONS

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


REFILLS_AT_ONCE = int(os.environ.get("COURSE_REFILLS_AT_ONCE", "1"))


def _refill_in_turn(kernel_manager) -> None:
    """Refill the preheated pools a kernel at a time, learners first.

    Voila starts a refill for every page served.  When ten learners arrive
    at once, ten kernels would start and run their lessons together on two
    cores, and the pages being served would wait behind them.  Here refills
    take turns (``COURSE_REFILLS_AT_ONCE``, default 1), except the one a
    learner is waiting for right now: it starts at once.  Once the server is
    stopping, queued refills start nothing.
    """
    import asyncio
    import weakref

    from jupyter_server._tz import utcnow

    start = kernel_manager._initialize
    take = kernel_manager.get_rendered_notebook
    gate = asyncio.Semaphore(REFILLS_AT_ONCE)
    wanted: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def wanted_now(task) -> asyncio.Event:
        if task not in wanted:
            wanted[task] = asyncio.Event()
        return wanted[task]

    async def my_turn(urgent: asyncio.Event) -> bool:
        """Wait for a turn (True: the gate is held) or for a learner (False)."""
        if urgent.is_set():
            return False
        turn = asyncio.ensure_future(gate.acquire())
        learner = asyncio.ensure_future(urgent.wait())
        await asyncio.wait({turn, learner}, return_when=asyncio.FIRST_COMPLETED)
        learner.cancel()
        if turn.done() and not turn.cancelled():
            return True
        turn.cancel()
        return False

    async def initialize_in_turn(*args, **kwargs):
        holds = await my_turn(wanted_now(asyncio.current_task()))
        try:
            if getattr(kernel_manager, "course_stopping", False):
                raise RuntimeError("the course server is stopping")
            pooled = await start(*args, **kwargs)
        except BaseException:
            if holds:
                gate.release()
            raise
        # The pool entry is ready (and safe from the idle cull) once the kernel
        # has started, as in Voila; the turn is held until the lesson has run.
        if holds:
            pooled["task"].add_done_callback(lambda _: gate.release())
        return pooled

    async def get_rendered_notebook(notebook_name, *args, **kwargs):
        pool = kernel_manager._pools.get(notebook_name) or []
        if pool:  # the entry this learner gets: if it is still queued, start it now
            wanted_now(pool[0]).set()
        taken = await take(notebook_name, *args, **kwargs)
        # A pool kernel may have waited idle for longer than the cull window.
        # Count it as active from now, so the idle cull cannot take it in the
        # moment before the learner's page connects to it.
        try:
            kernel_manager.get_kernel(taken[2]).last_activity = utcnow()
        except (KeyError, IndexError, TypeError):
            pass
        return taken

    kernel_manager._initialize = initialize_in_turn
    kernel_manager.get_rendered_notebook = get_rendered_notebook


def _cull_together(kernel_manager) -> None:
    """Cull idle kernels all at once, then give the freed memory back.

    jupyter_server checks and shuts down idle kernels one after another, each
    shutdown waiting for its kernel to exit.  When many tabs are abandoned at
    once, kernels were started faster than they were culled (make stress
    counted 159 at the peak).  Here every idle kernel in a sweep is shut down
    together; afterwards the server collects garbage and, on glibc, returns
    free heap pages to the system, so its memory comes back down.
    """
    import asyncio
    import ctypes
    import gc

    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to trim
        trim = None

    async def cull_kernels():
        ids = list(kernel_manager._kernels)
        results = await asyncio.gather(*(kernel_manager.cull_kernel_if_idle(k) for k in ids),
                                       return_exceptions=True)
        for kid, result in zip(ids, results):
            if isinstance(result, Exception):
                kernel_manager.log.warning("Could not cull kernel %s: %s", kid, result)
        if len(kernel_manager._kernels) < len(ids):
            gc.collect()
            if trim is not None:
                trim(0)

    kernel_manager.cull_kernels = cull_kernels


def _shut_everything_down(app) -> None:
    """Stop every kernel, including pool kernels still starting.

    Voila's own shutdown stops at the first kernel that is not fully started
    ("Kernel does not exist") and leaves the rest running.  Here pool tasks
    are awaited first, every kernel is shut down on its own, and any kernel
    process still left is terminated, so stopping the server never leaves
    orphans behind.
    """
    import asyncio
    import shutil

    import psutil
    from jupyter_core.utils import ensure_async, run_sync

    km = app.kernel_manager
    km.course_stopping = True

    async def shutdown() -> None:
        ids = set(km.list_kernel_ids())
        pools = getattr(km, "_pools", {})
        km._pools = {}
        for pool in pools.values():
            for task in tuple(pool):
                try:
                    ids.add((await asyncio.wait_for(task, 30))["kernel_id"])
                except BaseException:  # noqa: BLE001 - a refill that never started
                    pass
        for kid in ids | set(km.list_kernel_ids()):
            try:
                await ensure_async(km.shutdown_kernel(kid, now=True))
            except BaseException:  # noqa: BLE001 - already gone
                pass

    shutil.rmtree(app.connection_dir, ignore_errors=True)
    try:
        run_sync(shutdown)()
    finally:
        left = psutil.Process().children(recursive=True)
        for proc in left:
            proc.terminate()
        psutil.wait_procs(left, timeout=5)


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
                _refill_in_turn(self.kernel_manager)
            _cull_together(self.kernel_manager)
            return settings

        def stop(self):
            _shut_everything_down(self)

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
    cfg.VoilaExporter.filters = {"lesson_nav": coursemap.nav}
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
