"""A simulated learner: loads a lesson page and checks quiz answers as the page does.

Used by ``make stress`` (bench/stress.py) and by the hardening tests.  It
speaks the same protocol as assets/voila/templates/course/static/lite.js,
over plain HTTP (there is no kernel and no websocket):

* ``GET /voila/render/NN-slug.ipynb``: the page, with every widget's state
  in ``<script id="course-widget-state">``, the content version in
  ``<script id="jupyter-config-data">`` and the ``_xsrf`` cookie;
* ``POST /course/api/grade`` with ``{"version", "page", "quiz", "content"}``,
  the cookie sent back both as a cookie and as the ``X-XSRFToken`` header.

It can also send what a page never would (no token, a stale version, any
body at all), to check that the server refuses it.  Every learner may give
itself a client address (``X-Forwarded-For``), which the server believes
only from an address in its ``--trusted-proxies``: a load run from one
machine then looks like many learners, each with its own grading allowance.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie

from tornado.httpclient import AsyncHTTPClient, HTTPRequest

CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">\s*(.*?)\s*</script>', re.S)
STATE = re.compile(
    r'<script id="course-widget-state" type="application/vnd\.jupyter\.widget-state\+json">\s*(.*?)\s*</script>',
    re.S)
BODY = re.compile(r"<body\b([^>]*)>", re.S)
ATTR = re.compile(r'\bdata-([a-z-]+)="([^"]*)"')
GRADE = "/course/api/grade"


class PageError(RuntimeError):
    """A page that did not arrive whole, or is not a lesson page the quiz can use."""


@dataclass
class Reply:
    """One grading reply: HTTP status, the JSON body (``None`` if it was not JSON), seconds taken."""

    status: int
    body: dict | None
    seconds: float
    error: str = ""  # set when no HTTP reply arrived at all (connection refused, reset, timeout)

    @property
    def kind(self) -> str | None:
        return self.body.get("kind") if isinstance(self.body, dict) else None


def sample_answer(question: dict):
    """A well-formed answer of the right shape for a public quiz question (as quiz.js sends it)."""
    kind = question["type"]
    if kind == "single":
        return 0
    if kind == "multi":
        return [0]
    if kind == "truefalse":
        return True
    if kind == "order":
        return [item["index"] for item in question["items"]]
    return [0]  # teach-back: the key points the learner says they covered


def is_quiz(state: dict) -> bool:
    return str(state.get("_anywidget_id", "")).endswith(".Quiz")


class Learner:
    """One browser tab's worth of traffic, without a browser.

    ``client`` is a tornado ``AsyncHTTPClient``; pass one made with
    ``force_instance=True, max_clients=N`` to run N learners truly at once.
    """

    def __init__(self, base_url: str, client: AsyncHTTPClient | None = None, address: str | None = None,
                 timeout: float = 60):
        self.base = base_url.rstrip("/")
        self.client = client
        self.address = address
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.page = ""
        self.config: dict = {}
        self.body: dict[str, str] = {}  # the page's <body data-*> attributes
        self.states: dict = {}
        self.requests = 0
        self.bytes = 0
        self._request_no = 0

    # -- HTTP ---------------------------------------------------------------------

    def _client(self) -> AsyncHTTPClient:
        return self.client or AsyncHTTPClient()

    def _headers(self, extra: dict | None = None) -> dict:
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.address:
            headers["X-Forwarded-For"] = self.address
        headers.update(extra or {})
        return headers

    def _keep_cookies(self, response) -> None:
        for header in response.headers.get_list("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    async def fetch(self, path: str, method: str = "GET", body: bytes | None = None,
                    headers: dict | None = None):
        """One request; returns tornado's response (``code`` 599 when no reply arrived)."""
        request = HTTPRequest(self.base + path, method=method, body=body, headers=self._headers(headers),
                              connect_timeout=10, request_timeout=self.timeout, follow_redirects=False,
                              decompress_response=True)
        response = await self._client().fetch(request, raise_error=False)
        self.requests += 1
        if response.body:
            self.bytes += len(response.body)
        if response.code != 599:
            self._keep_cookies(response)
        return response

    async def load(self, path: str) -> float:
        """GET a lesson page as a browser does; returns seconds until the whole page arrived.

        Raises :class:`PageError` unless it is a complete lesson page with its
        widget state, its content version and a quiz.
        """
        start = time.monotonic()
        response = await self.fetch(path)
        took = time.monotonic() - start
        if response.code != 200:
            reason = str(response.error) if response.code == 599 else f"HTTP {response.code}"
            raise PageError(f"{path}: {reason}")
        page = response.body.decode("utf-8", errors="replace")
        if not page.rstrip().endswith("</html>"):
            raise PageError(f"{path}: the page was cut short ({len(page)} characters)")
        config, state, body = CONFIG.search(page), STATE.search(page), BODY.search(page)
        if not (config and state and body):
            raise PageError(f"{path}: no widget state or page config in the page")
        try:
            self.config = json.loads(config.group(1))
            self.states = json.loads(state.group(1))
        except ValueError as e:
            raise PageError(f"{path}: the page's JSON does not parse: {e}") from e
        self.body = dict(ATTR.findall(body.group(1)))
        self.page = page
        if not self.version or not self.lesson:
            raise PageError(f"{path}: no content version or lesson in the page")
        if not self.quizzes():
            raise PageError(f"{path}: no quiz in the page's widget state")
        if "_xsrf" not in self.cookies:
            raise PageError(f"{path}: the page set no _xsrf cookie")
        return took

    # -- what the page knows ----------------------------------------------------------

    @property
    def version(self) -> str:
        return str(self.config.get("contentVersion", ""))

    @property
    def lesson(self) -> str:
        return self.body.get("lesson", "")

    def quizzes(self) -> list[dict]:
        """The state of every quiz on the page, in page order."""
        return [entry["state"] for entry in self.states.values()
                if isinstance(entry, dict) and isinstance(entry.get("state"), dict) and is_quiz(entry["state"])]

    def questions(self, quiz: dict | None = None) -> list[dict]:
        quiz = quiz or self.quizzes()[0]
        return list(quiz.get("questions", []))

    # -- grading ------------------------------------------------------------------------

    def next_request(self) -> int:
        self._request_no += 1
        return self._request_no

    async def post_grade(self, body: bytes, xsrf: bool = True, headers: dict | None = None) -> Reply:
        """POST any body to the grading endpoint, with (or without) the page's token."""
        extra = {"Content-Type": "application/json"}
        if xsrf:
            extra["X-XSRFToken"] = self.cookies.get("_xsrf", "")
        extra.update(headers or {})
        start = time.monotonic()
        response = await self.fetch(GRADE, method="POST", body=body, headers=extra)
        took = time.monotonic() - start
        if response.code == 599:
            return Reply(599, None, took, error=f"{type(response.error).__name__}: {response.error}")
        try:
            parsed = json.loads(response.body or b"null")
        except ValueError:
            parsed = None
        return Reply(response.code, parsed if isinstance(parsed, dict) else None, took)

    async def grade(self, content, quiz: str | None = None, version: str | None = None,
                    page: str | None = None, xsrf: bool = True) -> Reply:
        """Send one quiz request as lite.js does (``content`` is the quiz's own message)."""
        body = {
            "version": self.version if version is None else version,
            "page": self.lesson if page is None else page,
            "quiz": self.quizzes()[0]["lesson"] if quiz is None else quiz,
            "content": content,
        }
        return await self.post_grade(json.dumps(body).encode(), xsrf=xsrf)

    async def check(self, question: dict, answer=None, quiz: dict | None = None) -> tuple[int, Reply]:
        """Check one answer (a well-formed sample answer unless given); returns (request number, reply)."""
        quiz = quiz or self.quizzes()[0]
        request = self.next_request()
        content = {"request": request, "action": "check", "qid": question["id"],
                   "answer": sample_answer(question) if answer is None else answer}
        return request, await self.grade(content, quiz=quiz["lesson"])

    async def show(self, question: dict, quiz: dict | None = None) -> tuple[int, Reply]:
        quiz = quiz or self.quizzes()[0]
        request = self.next_request()
        content = {"request": request, "action": "show", "qid": question["id"]}
        return request, await self.grade(content, quiz=quiz["lesson"])

    async def answer_quiz(self, count: int = 3) -> list[tuple[dict, int, Reply]]:
        """Check ``count`` questions of the first quiz one after another, reading every reply.

        Returns (question, request number, reply) for each.
        """
        quiz = self.quizzes()[0]
        out = []
        for q in self.questions(quiz)[:count]:
            request, reply = await self.check(q, quiz=quiz)
            out.append((q, request, reply))
        return out


def reply_problem(question: dict, request: int, reply: Reply) -> str:
    """Why a grading reply is not the good "check" reply the quiz waits for ("" if it is)."""
    if reply.error:
        return f"no reply ({reply.error})"
    if reply.status != 200:
        message = reply.body.get("message", "") if reply.body else ""
        return f"HTTP {reply.status} {message}".strip()
    body = reply.body
    if body is None:
        return "the reply is not JSON"
    if body.get("kind") != "check":
        return f"kind {body.get('kind')!r}: {body.get('message', '')}"
    if body.get("request") != request or body.get("qid") != question["id"]:
        return f"the reply is for request {body.get('request')!r} / {body.get('qid')!r}"
    feedback = body.get("feedback")
    if not isinstance(feedback, dict) or "correct" not in feedback or not feedback.get("headline"):
        return "the reply has no feedback"
    return ""


__all__ = ["GRADE", "Learner", "PageError", "Reply", "is_quiz", "reply_problem", "sample_answer"]
