"""Hardening tests: attacks, faults and load, on loopback."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.request

from bench.learner import sample_answer  # noqa: F401 - the tests import it from here

STATE = re.compile(rb'<script id="course-widget-state" type="application/vnd.jupyter.widget-state\+json">'
                   rb"(.*?)</script>", re.S)


class GradingClient:
    """A page as a script sees it: its cookie, its version and quiz, and the grading endpoint."""

    def __init__(self, base: str, lesson: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        with self.opener.open(f"{base}/voila/render/{lesson}", timeout=60) as r:
            self.html = r.read()
        self.page = lesson.removesuffix(".ipynb")
        self.version = re.search(rb'data-version="([^"]*)"', self.html).group(1).decode()
        state = json.loads(STATE.search(self.html).group(1))
        quizzes = [e["state"] for e in state.values() if e["state"].get("_anywidget_id", "").endswith(".Quiz")]
        self.quiz = quizzes[0]["lesson"] if quizzes else ""
        self.questions = quizzes[0]["questions"] if quizzes else []
        self.xsrf = next((c.value for c in self.jar if c.name == "_xsrf"), "")

    def post_raw(self, body: bytes, xsrf: bool = True, headers: dict | None = None,
                 cookie: bool = True) -> tuple[int, dict | None]:
        h = {"Content-Type": "application/json", **({"X-XSRFToken": self.xsrf} if xsrf else {}), **(headers or {})}
        req = urllib.request.Request(f"{self.base}/course/api/grade", data=body, headers=h, method="POST")
        opener = self.opener if cookie else urllib.request.build_opener()
        try:
            with opener.open(req, timeout=30) as r:
                status, text = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, None

    def post(self, body, **kw) -> tuple[int, dict | None]:
        return self.post_raw(json.dumps(body).encode(), **kw)

    def check(self, question: dict, answer=None, **kw) -> tuple[int, dict | None]:
        content = {"request": 1, "action": "check", "qid": question["id"],
                   "answer": sample_answer(question) if answer is None else answer}
        return self.post({"version": self.version, "page": self.page, "quiz": self.quiz, "content": content}, **kw)
