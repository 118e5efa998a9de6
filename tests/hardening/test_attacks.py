"""Learners never reach a kernel, and the grading endpoint refuses anything odd plainly.

Each test talks to a real course server the way a hostile script in a tab,
or a hostile client on the network, could: same cookies, anything it likes
in the request.
"""

from __future__ import annotations

import http.client
import json
import time
import uuid

import pytest

from tests.conftest import lesson_files, start_server, stop_server
from tests.hardening import GradingClient, sample_answer

LESSONS = [p.name for p in lesson_files()]
KERNEL_ID = str(uuid.uuid4())
JUPYTER_PATHS = [
    "/api", "/api/status", "/api/me", "/api/kernels", f"/api/kernels/{KERNEL_ID}",
    f"/api/kernels/{KERNEL_ID}/channels", f"/api/kernels/{KERNEL_ID}/interrupt", "/api/sessions",
    "/api/kernelspecs", "/api/contents", "/api/contents/lessons", "/api/terminals", "/api/config/notebook",
    "/api/nbconvert", "/api/events/subscribe", f"/voila/api/shutdown/{KERNEL_ID}", "/voila/api/contents",
    f"/voila/execution/{KERNEL_ID}", "/voila/files/lessons/01-what-is-trd.ipynb", "/voila/tree", "/voila/static/voila.js",
    "/lab", "/tree", "/files/README.md", "/static/lab/index.html", "/login", "/logout", "/kernelspecs/python3/logo-64x64.png",
]


@pytest.mark.parametrize("path", JUPYTER_PATHS)
def test_no_kernel_or_jupyter_endpoint_answers(course_server, path):
    for method in ("GET", "POST", "DELETE"):
        conn = http.client.HTTPConnection("127.0.0.1", course_server.port, timeout=10)
        conn.request(method, path, body=b"{}" if method == "POST" else None, headers={
            "Content-Type": "application/json", "Upgrade": "websocket", "Connection": "Upgrade",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13"})
        r = conn.getresponse()
        body = r.read()
        conn.close()
        assert r.status in (403, 404, 405), (method, path, r.status)
        assert r.status != 101 and b"kernel" not in body.lower(), (method, path, body[:200])


@pytest.mark.parametrize("lesson", LESSONS)
def test_pages_embed_no_kernel(course_server, lesson):
    client = GradingClient(course_server.url, lesson)
    assert b"kernelId" not in client.html and b"api/kernels" not in client.html
    assert b"voila/api/shutdown" not in client.html
    assert client.version and client.quiz, "every lesson page has a quiz and a content version"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("lesson", LESSONS)
def test_hostile_grading_requests_get_plain_replies(course_server, lesson):
    c = GradingClient(course_server.url, lesson)
    first = c.questions[0]
    good = {"request": 1, "action": "check", "qid": first["id"], "answer": sample_answer(first)}
    hostile_content = [
        "not a dict", 42, None, [1, 2, 3], {},
        {"action": "check", "qid": "no-such-question", "answer": 0},
        {"action": "check", "qid": 7, "answer": 0},
        {"action": "check", "qid": first["id"], "answer": 999},
        {"action": "check", "qid": first["id"], "answer": -1},
        {"action": "check", "qid": first["id"], "answer": 10**30},
        {"action": "check", "qid": first["id"], "answer": {"a": "b"}},
        {"action": "check", "qid": first["id"], "answer": "x" * 12_000},
        {"action": "explode", "qid": first["id"]},
    ]
    replies = [c.post({"version": c.version, "page": c.page, "quiz": c.quiz, "content": x}) for x in hostile_content]
    wrong_envelopes = [
        {"version": c.version, "page": "../../etc/passwd", "quiz": c.quiz, "content": good},
        {"version": c.version, "page": "no-such-lesson", "quiz": c.quiz, "content": good},
        {"version": c.version, "page": c.page, "quiz": "no-such-quiz", "content": good},
        {"version": "0" * 20, "page": c.page, "quiz": c.quiz, "content": good},
        {"version": 5, "page": c.page, "quiz": c.quiz, "content": good},
        {"page": c.page, "quiz": c.quiz, "content": good},
        {"version": c.version, "page": ["x"], "quiz": c.quiz, "content": good},
        {"version": "v" * 10_000, "page": c.page, "quiz": c.quiz, "content": good},
    ]
    replies += [c.post(x) for x in wrong_envelopes]
    raw = [b"not json", b"", b"\xff\xfe\x00", nested(50_00).encode(), b"[]", b"null", b"1e999999"]
    replies += [c.post_raw(body) for body in raw]
    for status, reply in replies:
        assert reply is not None, f"no JSON reply (status {status})"
        assert reply["kind"] in ("error", "invalid"), reply
        assert isinstance(reply.get("message"), str) and reply["message"], reply
        assert "Traceback" not in json.dumps(reply) and "Error(" not in json.dumps(reply)
    odd_id = c.post({"version": c.version, "page": c.page, "quiz": c.quiz,
                     "content": {**good, "request": "<script>"}})
    assert odd_id[1]["kind"] == "check" and odd_id[1]["request"] is None  # graded, the odd id dropped
    stale = c.post(wrong_envelopes[3])
    assert stale[0] == 409 and "updated since you opened it" in stale[1]["message"]
    # Still working, for every question.
    for q in c.questions:
        status, reply = c.check(q)
        assert status == 200 and reply["kind"] == "check", reply
    assert "Traceback" not in course_server.log_text()


def test_xsrf_is_required(course_server):
    c = GradingClient(course_server.url, LESSONS[1])
    body = {"version": c.version, "page": c.page, "quiz": c.quiz,
            "content": {"request": 1, "action": "check", "qid": c.questions[0]["id"], "answer": 0}}
    for headers, cookie in (({}, True), ({"X-XSRFToken": "forged"}, True), ({}, False)):
        status, reply = c.post(body, xsrf=False, headers=headers, cookie=cookie)
        assert status == 403 and reply["kind"] == "error" and "Reload the page" in reply["message"], (status, reply)
    status, reply = c.post(body)
    assert status == 200 and reply["kind"] == "check"


def test_oversized_bodies_get_a_plain_reply(course_server):
    c = GradingClient(course_server.url, LESSONS[1])
    for size in (17 * 1024, 900 * 1024):
        status, reply = c.post_raw(b'{"x": "' + b"a" * size + b'"}')
        assert status == 413 and reply["kind"] == "error" and "too long" in reply["message"], (size, status)
    status, reply = c.check(c.questions[0])
    assert status == 200 and reply["kind"] == "check"


def test_answers_are_never_stored_or_logged(course_server):
    marker = f"MARKER-{uuid.uuid4().hex}"
    c = GradingClient(course_server.url, LESSONS[1])
    q = c.questions[0]
    for answer in (marker, [marker], {"text": marker}):
        c.post({"version": c.version, "page": c.page, "quiz": c.quiz,
                "content": {"request": 1, "action": "check", "qid": q["id"], "answer": answer}})
    c.post({"version": marker, "page": c.page, "quiz": c.quiz, "content": {"qid": marker}})
    c.post_raw(marker.encode())
    time.sleep(0.5)
    assert marker not in course_server.log_text()
    from widgets.server.pages import default_cache_dir

    for f in default_cache_dir().rglob("*"):
        if f.is_file():
            assert marker.encode() not in f.read_bytes(), f


def test_a_flood_is_limited_per_client_and_then_served_again(tmp_path_factory):
    server = start_server(tmp_path_factory, args=["--grade-rate", "5", "--grade-burst", "20",
                                                  "--trusted-proxies", "127.0.0.1"])
    try:
        c = GradingClient(server.url, LESSONS[1])
        q = c.questions[0]
        statuses = [c.check(q)[0] for _ in range(60)]
        assert statuses[:20] == [200] * 20, statuses
        limited = [s for s in statuses if s == 429]
        assert len(limited) >= 30, statuses
        status, reply = c.check(q)
        assert status == 429 and reply["kind"] == "error" and "Wait a few seconds" in reply["message"]
        # Behind the trusted proxy, each forwarded client has its own allowance.
        other = c.check(q, headers={"X-Forwarded-For": "203.0.113.7"})
        assert other[0] == 200, other
        time.sleep(1.5)  # the bucket refills at 5 a second
        assert c.check(q)[0] == 200
        assert "Traceback" not in server.log_text()
    finally:
        stop_server(server)


def test_forwarded_addresses_are_ignored_from_untrusted_peers(tmp_path_factory):
    server = start_server(tmp_path_factory, args=["--grade-rate", "1", "--grade-burst", "5"])
    try:
        c = GradingClient(server.url, LESSONS[1])
        q = c.questions[0]
        statuses = [c.check(q, headers={"X-Forwarded-For": f"198.51.100.{i}"})[0] for i in range(15)]
        assert statuses.count(429) >= 9, statuses  # a spoofed header does not buy a new allowance
    finally:
        stop_server(server)
