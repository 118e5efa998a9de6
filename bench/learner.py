"""A simulated learner: loads a lesson and talks to its kernel as the page does.

Used by ``make stress`` (bench/stress.py) and by the hardening tests.  It
speaks the same protocol as assets/voila/templates/course/static/lite.js:
HTTP for the page, then the kernel websocket with the widget control comm
(all widget states in one round trip) and custom messages to the quiz.  It
can also send what a page never would, to check that the server and kernel
refuse it.
"""

from __future__ import annotations

import asyncio
import json
import re
import struct
import time
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClosedError, websocket_connect

CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">\s*(.*?)\s*</script>', re.S)
MODEL = re.compile(r'data-model-id="([0-9a-f]+)"')


def decode(frame) -> dict | None:
    """One websocket frame as a message (JSON text, or Jupyter's binary framing)."""
    if frame is None:
        return None
    if isinstance(frame, str):
        return json.loads(frame)
    count = struct.unpack("!I", frame[:4])[0]
    offsets = list(struct.unpack(f"!{count}I", frame[4 : 4 + 4 * count])) + [len(frame)]
    msg = json.loads(frame[offsets[0] : offsets[1]].decode())
    msg["buffers"] = [frame[a:b] for a, b in zip(offsets[1:-1], offsets[2:])]
    return msg


def sample_answer(question: dict):
    """A well-formed answer of the right shape for a public quiz question."""
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


class Learner:
    """One browser tab's worth of traffic, without a browser."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.session = uuid.uuid4().hex
        self.cookies: dict[str, str] = {}
        self.ws = None
        self.kernel_id = ""
        self.model_ids: list[str] = []
        self.states: dict = {}
        self.seen: list[dict] = []  # every message from the kernel, for checks
        self.requests = 0
        self._request_no = 0

    # -- HTTP -------------------------------------------------------------------

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, response) -> None:
        for header in response.headers.get_list("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    async def load(self, path: str, timeout: float = 120) -> float:
        """GET a lesson page; returns seconds until the whole page arrived."""
        start = time.monotonic()
        response = await AsyncHTTPClient().fetch(
            HTTPRequest(self.base + path, headers={"Cookie": self._cookie_header()}, request_timeout=timeout)
        )
        self.requests += 1
        self._keep_cookies(response)
        page = response.body.decode("utf-8")
        found = CONFIG.search(page)
        if not found:
            raise RuntimeError(f"{path}: no kernel in the page")
        self.kernel_id = json.loads(found.group(1))["kernelId"]
        self.model_ids = MODEL.findall(page)
        self.page = page
        return time.monotonic() - start

    async def beacon(self) -> int:
        """What closing the tab sends: shut this page's kernel down."""
        body = urlencode({"_xsrf": self.cookies.get("_xsrf", "")})
        try:
            response = await AsyncHTTPClient().fetch(
                HTTPRequest(f"{self.base}/voila/api/shutdown/{self.kernel_id}", method="POST", body=body,
                            headers={"Cookie": self._cookie_header()}, request_timeout=30)
            )
            code = response.code
        except HTTPClientError as e:
            code = e.code
        self.requests += 1
        return code

    # -- the kernel websocket ------------------------------------------------------

    async def connect(self, timeout: float = 30) -> None:
        url = self.base.replace("http", "ws", 1) + f"/api/kernels/{self.kernel_id}/channels?session_id={self.session}"
        request = HTTPRequest(url, headers={"Cookie": self._cookie_header()}, request_timeout=timeout)
        self.ws = await websocket_connect(request, max_message_size=64 * 2**20)
        self.requests += 1

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws = None

    def message(self, msg_type: str, content: dict, metadata: dict | None = None, channel: str = "shell") -> dict:
        return {
            "header": {"msg_id": uuid.uuid4().hex, "username": "learner", "session": self.session,
                       "date": "2026-01-01T00:00:00Z", "msg_type": msg_type, "version": "5.3"},
            "parent_header": {}, "metadata": metadata or {}, "content": content,
            "channel": channel, "buffers": [],
        }

    async def send(self, msg_type: str, content: dict, metadata: dict | None = None, channel: str = "shell") -> dict:
        msg = self.message(msg_type, content, metadata, channel)
        await self.send_raw(json.dumps(msg))
        return msg

    async def send_raw(self, text: str) -> None:
        await self.ws.write_message(text)

    async def recv(self, timeout: float) -> dict | None:
        """The next message, or None on timeout or when the connection closed."""
        try:
            frame = await asyncio.wait_for(self.ws.read_message(), timeout)
        except asyncio.TimeoutError:
            return None
        msg = decode(frame)
        if msg is not None:
            self.seen.append(msg)
        return msg

    async def wait_for(self, match, timeout: float) -> dict | None:
        end = time.monotonic() + timeout
        while (left := end - time.monotonic()) > 0:
            msg = await self.recv(left)
            if msg is None:
                return None
            if match(msg):
                return msg
        return None

    async def drain(self, seconds: float) -> None:
        """Read whatever arrives for a while (so late replies are in ``seen``)."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0 and self.ws is not None:
            if await self.recv(left) is None and self.closed:
                return

    @property
    def closed(self) -> bool:
        return self.ws is None or self.ws.protocol is None

    # -- widgets ---------------------------------------------------------------------

    async def request_states(self, timeout: float = 30) -> dict:
        comm = uuid.uuid4().hex
        await self.send("comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}},
                        metadata={"version": "1.0.0"})
        await self.send("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}})
        reply = await self.wait_for(
            lambda m: m["header"]["msg_type"] == "comm_msg" and m["content"].get("comm_id") == comm
            and m["content"]["data"].get("method") == "update_states", timeout)
        if reply is None:
            raise RuntimeError("no widget states from the kernel")
        self.states = reply["content"]["data"]["states"]
        return self.states

    def models(self, name: str) -> list[str]:
        """Model ids on this page whose widget class is ``name`` (e.g. "Quiz")."""
        out = []
        for mid in self.model_ids:
            state = self.states.get(mid, {}).get("state", {})
            esm = state.get("_esm", "") or ""
            if name == "Quiz" and "questions" in state:
                out.append(mid)
            elif name == "Chart" and "figure_json" in state:
                out.append(mid)
            elif name not in ("Quiz", "Chart") and name.lower() in esm.lower():
                out.append(mid)
        return out

    async def custom(self, model_id: str, content, timeout: float = 15) -> dict | None:
        """Send a custom message to a widget and wait for its reply to this request."""
        self._request_no += 1
        request = self._request_no
        if isinstance(content, dict) and "request" not in content:
            content = {**content, "request": request}
        await self.send("comm_msg", {"comm_id": model_id, "data": {"method": "custom", "content": content}})
        if not (isinstance(content, dict) and content.get("request") == request):
            return None  # no way to match a reply to a message without our request number
        reply = await self.wait_for(
            lambda m: m["header"]["msg_type"] == "comm_msg" and m["content"].get("comm_id") == model_id
            and m["content"]["data"].get("method") == "custom"
            and isinstance(m["content"]["data"].get("content"), dict)
            and m["content"]["data"]["content"].get("request") == request, timeout)
        return reply["content"]["data"]["content"] if reply else None

    async def answer_quiz(self, count: int = 3) -> list[tuple[float, dict | None]]:
        """Check ``count`` questions the way the page does; returns (seconds, reply) each."""
        quiz = self.models("Quiz")[0]
        questions = self.states[quiz]["state"]["questions"]
        out = []
        for q in questions[:count]:
            start = time.monotonic()
            reply = await self.custom(quiz, {"action": "check", "qid": q["id"], "answer": sample_answer(q)})
            out.append((time.monotonic() - start, reply))
        return out

    def tracebacks(self) -> list[str]:
        """Any traceback or error output the kernel sent back over this connection."""
        found = []
        for m in self.seen:
            kind = m.get("header", {}).get("msg_type")
            content = m.get("content", {})
            if kind == "error":
                found.append(content.get("ename", "error"))
            elif kind == "stream" and "Traceback" in content.get("text", ""):
                found.append(content["text"][:300])
            elif kind == "comm_msg" and "Traceback" in json.dumps(content)[:100_000]:
                found.append("traceback in a widget reply")
        return found


async def kernel_alive(base: str, kernel_id: str) -> bool:
    try:
        await AsyncHTTPClient().fetch(f"{base.rstrip('/')}/api/kernels/{kernel_id}", request_timeout=10)
        return True
    except HTTPClientError as e:
        if e.code == 404:
            return False
        raise


__all__ = ["Learner", "WebSocketClosedError", "decode", "kernel_alive", "sample_answer"]
