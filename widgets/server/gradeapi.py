"""The course server's grading endpoint: ``POST /course/api/grade``.

A small, stateless JSON endpoint over :func:`widgets.model.grading.handle`.
The page sends ``{"version", "page", "quiz", "content"}``: the content
version its page was rendered from, the lesson, the quiz's bank slug, and
the quiz's own request.  The bank comes from the render of that version, so
a cached page is never graded against a different bank.  The body's shape is
:data:`widgets.model.messages.ENVELOPE`; its ``content`` is ``messages.REQUEST``
and every reply is ``messages.REPLY``.

Every request is untrusted.  It must carry the page's XSRF token, stay
under a size limit, parse, and name a known version, lesson and quiz;
anything else gets a plain JSON reply (``kind: "error"`` and a message),
never a traceback.  Each client has a generous allowance of requests
(a token bucket); ``X-Forwarded-For`` is believed only from a configured
proxy.  Nothing in a request is stored or logged.
"""

from __future__ import annotations

import ipaddress
import json
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import tornado.web

from widgets.model import grading, messages

MAX_BODY = 16 * 1024  # bytes; a real request is a few hundred
READ_LIMIT = 1024 * 1024
STALE = ("This page has been updated since you opened it, so this answer was not checked. "
         "Reload the page to go on. Your saved answers stay in this browser.")
TOO_MANY = "Too many answers were sent at once. Wait a few seconds, then try again."


@dataclass
class RateLimit:
    """A token bucket per client: ``burst`` requests at once, refilled at ``rate`` a second."""

    rate: float = 20.0
    burst: float = 600.0
    max_clients: int = 50_000
    _buckets: OrderedDict = field(default_factory=OrderedDict)

    def allow(self, client: str, now: float | None = None) -> bool:
        if self.rate <= 0:
            return True
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        allowed = tokens >= 1
        self._buckets[client] = (tokens - 1 if allowed else tokens, now)
        while len(self._buckets) > self.max_clients:  # a flood from many addresses stays bounded
            self._buckets.popitem(last=False)
        return allowed


class Proxies:
    """The proxies whose ``X-Forwarded-For`` is believed: addresses or ranges ("10.0.0.0/8")."""

    def __init__(self, spec: str = ""):
        self.networks = []
        for part in (p.strip() for p in spec.split(",")):
            if part:
                self.networks.append(ipaddress.ip_network(part, strict=False))  # ValueError names the part

    def __contains__(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.networks)

    def __bool__(self) -> bool:
        return bool(self.networks)


def client_address(handler: tornado.web.RequestHandler, trusted: Proxies) -> str:
    """The client's address: the socket's peer, or what a trusted proxy forwarded."""
    peer = handler.request.remote_ip or ""
    if peer not in trusted:
        return peer
    forwarded = [a.strip() for a in handler.request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
    # The right-most address that is not one of our proxies is the one a proxy saw.
    for address in reversed(forwarded):
        if address not in trusted:
            return address
    return peer


class JsonErrors(tornado.web.RequestHandler):
    """Errors as a plain JSON reply the quiz can show, never an HTML page or a traceback."""

    MESSAGES = {
        400: grading.NOT_UNDERSTOOD,
        403: "This page's security check did not pass, so the answer was not checked. Reload the page to go on.",
        404: "That quiz is not on this page.",
        405: grading.NOT_UNDERSTOOD,
        409: STALE,
        413: "That answer is too long to check.",
        429: TOO_MANY,
    }

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        message = self.MESSAGES.get(status_code, "Sorry, that answer could not be checked just now. Try again.")
        self.finish(grading.error(message))


@tornado.web.stream_request_body
class GradeHandler(JsonErrors):
    """Check one quiz answer.  No answer is kept: the reply is the only trace."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, pages, limit: RateLimit, trusted_proxies: Proxies) -> None:
        self.pages, self.limit, self.trusted = pages, limit, trusted_proxies
        self.chunks: list[bytes] = []
        self.size = 0

    def prepare(self) -> None:
        # A body over MAX_BODY is read and dropped, so the client can read the
        # plain 413 reply; one over READ_LIMIT is refused at once.
        self.request.connection.set_max_body_size(READ_LIMIT)
        length = self.request.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > READ_LIMIT:
            raise tornado.web.HTTPError(413)
        if not self.limit.allow(client_address(self, self.trusted)):
            self.set_header("Retry-After", "2")
            raise tornado.web.HTTPError(429)

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size <= MAX_BODY:
            self.chunks.append(chunk)

    async def post(self) -> None:
        self.set_header("Cache-Control", "no-store")
        if self.size > MAX_BODY:
            raise tornado.web.HTTPError(413)
        try:
            body = json.loads(b"".join(self.chunks).decode("utf-8"))
        except (ValueError, RecursionError, UnicodeDecodeError):
            raise tornado.web.HTTPError(400) from None
        if not isinstance(body, dict):
            raise tornado.web.HTTPError(400)
        content = body.get("content")
        request_id = messages.request_id(content)
        where = messages.read_envelope(body)
        if where is None:
            self.finish(grading.error(request=request_id))
            return
        version, page, quiz = where
        name = page + ".ipynb"
        if name not in self.pages.names():
            self.set_status(404)
            self.finish(grading.error("That lesson is not part of this course.", request_id))
            return
        rendered = self.pages.known(version, name)
        if rendered is None and version == self.pages.current():
            rendered = await self.pages.get(name)
        if rendered is None:
            self.set_status(409)
            self.finish(grading.error(STALE, request_id))
            return
        bank = rendered.banks.get(quiz)
        if bank is None:
            self.set_status(404)
            self.finish(grading.error("That quiz is not on this page.", request_id))
            return
        self.finish(grading.handle(bank, content))
