"""The course application: its routes, and the headers and log line every response gets.

The handlers are in :mod:`widgets.server.handlers`; starting and stopping the
server is :mod:`widgets.server.serve`.  The server has no Jupyter route:
learners never reach a kernel.
"""

from __future__ import annotations

import argparse
import logging
import re

import jinja2
import tornado.web

from widgets.content import coursemap
from widgets.paths import ASSETS
from widgets.server import handlers as h
from widgets.server.gradeapi import GradeHandler, Proxies, RateLimit
from widgets.server.pages import Pages
from widgets.server.render import ensure_template_path

TEMPLATE_DIR = ASSETS / "voila" / "templates" / "course"
PLOTLY_JS = ASSETS / "vendor" / "plotly-basic.min.js"
LESSON_NAME = r"[A-Za-z0-9][A-Za-z0-9_-]*\.ipynb"

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


def _log_request(handler: tornado.web.RequestHandler) -> None:
    """One line per failed request: method, path (never the query or body) and status."""
    status = handler.get_status()
    if status < 400:
        return
    path = handler.request.path if len(handler.request.path) < 200 else handler.request.path[:200] + "..."
    logging.getLogger("tornado.access").warning(
        "%d %s %s %.0fms", status, handler.request.method, path, 1000 * handler.request.request_time())


def build_app(args: argparse.Namespace, pages: Pages | None = None) -> tuple[tornado.web.Application, Pages]:
    """The course application and its page cache (not yet listening)."""
    ensure_template_path()
    pages = pages or Pages(cache_dir=args.cache_dir, preview=args.preview, at_once=args.render_at_once)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True)
    limit = RateLimit(rate=args.grade_rate, burst=args.grade_burst)
    trusted = Proxies(args.trusted_proxies)
    h.MemoryFileHandler.preload(PLOTLY_JS)
    pages_of_the_course = [("/", "landing", h.landing), ("/glossary", "glossary", h.glossary_page),
                           ("/key-points", "keypoints", h.key_points), ("/about", "about", h.about)]
    handlers = [
        *[(path, h.TemplatePage, {"env": env, "template": f"{name}.html.j2", "context": context})
          for path, name, context in pages_of_the_course],
        *[(rf"/voila/render/{re.escape(old)}\.ipynb", tornado.web.RedirectHandler,
           {"url": f"/voila/render/{new['slug']}.ipynb", "permanent": True})
          for old, new in coursemap.renamed().items()],
        (rf"/voila/render/({LESSON_NAME})", h.LessonHandler, {"pages": pages, "env": env}),
        (r"/voila/templates/course/static/(.*)", h.MemoryFileHandler, {"folder": TEMPLATE_DIR / "static"}),
        (r"/course/vendor/plotly-basic\.min\.js", h.MemoryFileHandler, {"path": PLOTLY_JS, "max_age": 86400}),
        (r"/course/api/grade", GradeHandler, {"pages": pages, "limit": limit, "trusted_proxies": trusted}),
        (r"/healthz", h.HealthHandler, {"pages": pages}),
        (r"/livez", h.LiveHandler),
    ]
    app = tornado.web.Application(
        handlers,
        default_handler_class=h.NotFoundHandler,
        default_handler_args={"env": env},
        xsrf_cookies=True,
        xsrf_cookie_kwargs={"samesite": "Strict"},
        compress_response=True,
        log_function=_log_request,
        transforms=None,
    )
    app.transforms.append(SecurityHeaders)
    return app, pages
