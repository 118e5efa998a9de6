"""The course server's page handlers: lessons, the course's own pages, files from memory, health.

Every HTML page's errors are course pages too, never tornado's.  The
routes that use these, and the headers every response gets, are in
:mod:`widgets.server.app`.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

import jinja2
import tornado.web

from widgets.content import coursemap, glossary
from widgets.content.references import long_date
from widgets.paths import STORAGE_JS
from widgets.server.pages import Pages
from widgets.server.render import RenderError

log = logging.getLogger("course.serve")


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


def storage_js() -> str:
    """The learner's browser storage code, written into every page's <head> (read again when it changes)."""
    return MemoryFileHandler.preload(STORAGE_JS)[0].decode("utf-8")


class CoursePage(tornado.web.RequestHandler):
    """An HTML page of the course; its errors are course pages too, never tornado's."""

    def initialize(self, env: jinja2.Environment) -> None:
        self.env = env

    def write_error(self, status_code: int, **kwargs) -> None:
        status = 404 if status_code < 500 else 503
        if status == 503:
            self.set_header("Retry-After", "10")
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(self.env.get_template("error.html.j2").render(nav=coursemap.nav(""), status=status,
                                                                   storage_js=storage_js()))


def _last_reviewed() -> str:
    return max((x.reviewed for x in coursemap.lessons() if x.reviewed), default="")


def landing() -> dict:
    """The course map at ``/``: every lesson, in order, with its length."""
    return {"lessons": coursemap.lessons()}


def glossary_page() -> dict:
    """Every glossary term on one page, each with an anchor lessons link to."""
    return {"terms": glossary.load()}


def key_points() -> dict:
    """Every lesson's key points on one page, to print and keep."""
    reviewed = _last_reviewed()
    return {"lessons": coursemap.all_key_points(), "checked": long_date(reviewed) if reviewed else ""}


def about() -> dict:
    """Who wrote the course, funding, how the evidence was found, and the update policy."""
    reviewed = _last_reviewed()
    return {"checked": long_date(reviewed) if reviewed else "",
            "next_review": long_date(coursemap.next_review(reviewed)) if reviewed else ""}


class TemplatePage(CoursePage):
    """One of the course's own pages: a template, filled afresh on every load."""

    def initialize(self, env: jinja2.Environment, template: str, context: Callable[[], dict]) -> None:
        self.env, self.template, self.context = env, template, context

    def get(self) -> None:
        page = self.env.get_template(self.template).render(nav=coursemap.nav(""), storage_js=storage_js(), **self.context())
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
