"""A page's kernel websocket can be used for nothing but the course's widgets.

Each test talks to a real course server the way a hostile script in a tab
could: same cookies, same kernel websocket, anything it likes on the wire.
"""

from __future__ import annotations

import json

import pytest

from bench.learner import Learner, kernel_alive
from tests.conftest import lesson_files
from tests.hardening import run

LESSONS = [p.name for p in lesson_files()]
CODE_MESSAGES = ("execute_request", "inspect_request", "complete_request", "history_request", "debug_request")


def code_that_writes(marker) -> str:
    return f"import pathlib; pathlib.Path({str(marker)!r}).write_text('ran')"


async def open_page(url: str, lesson: str) -> Learner:
    learner = Learner(url)
    await learner.load(f"/voila/render/{lesson}")
    await learner.connect()
    await learner.request_states()
    return learner


@pytest.mark.parametrize("lesson", LESSONS)
def test_kernel_runs_no_code_sent_from_the_page(course_server, lesson, tmp_path):
    marker = tmp_path / "marker"
    code = code_that_writes(marker)

    async def attack():
        learner = await open_page(course_server.url, lesson)
        try:
            for channel in ("shell", "control"):
                await learner.send("execute_request", {
                    "code": code, "silent": False, "store_history": True, "allow_stdin": False,
                    "user_expressions": {"x": code}, "stop_on_error": False}, channel=channel)
                await learner.send("inspect_request", {"code": code, "cursor_pos": 3, "detail_level": 1}, channel=channel)
                await learner.send("complete_request", {"code": code, "cursor_pos": len(code)}, channel=channel)
                await learner.send("history_request", {
                    "output": True, "raw": True, "hist_access_type": "tail", "n": 100}, channel=channel)
                await learner.send("debug_request", {
                    "seq": 1, "type": "request", "command": "evaluate", "arguments": {"expression": code}},
                    channel=channel)
            # A code message dressed up with a harmless type in the JSON body.
            disguised = learner.message("comm_info_request", {"code": code})
            disguised["header"]["msg_type"] = "execute_request"
            disguised["msg_type"] = "comm_info_request"
            await learner.send_raw(json.dumps(disguised))
            await learner.drain(3)
            answers = await learner.answer_quiz(1)  # the page still works afterwards
            alive = await kernel_alive(course_server.url, learner.kernel_id)
            return learner, answers, alive
        finally:
            learner.close()
            await learner.beacon()

    learner, answers, alive = run(attack())
    assert not marker.exists(), "code sent over the websocket ran in the kernel"
    replies = {m["header"]["msg_type"] for m in learner.seen}
    assert not replies & {t.replace("_request", "_reply") for t in CODE_MESSAGES}, replies
    assert not any(m["header"]["msg_type"] == "execute_input" for m in learner.seen)
    assert alive
    assert answers[0][1] and answers[0][1]["kind"] == "check", answers


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("lesson", LESSONS)
def test_hostile_widget_messages_are_refused_without_a_traceback(course_server, lesson):
    async def attack():
        learner = await open_page(course_server.url, lesson)
        try:
            before = json.dumps(learner.states, sort_keys=True)
            quiz = learner.models("Quiz")[0]
            questions = learner.states[quiz]["state"]["questions"]
            first = questions[0]
            bad_replies = []
            hostile = [
                "not a dict", 42, None, [1, 2, 3],
                {"action": "check", "qid": "no-such-question", "answer": 0},
                {"action": "check", "qid": 7, "answer": 0},
                {"action": "check", "qid": first["id"], "answer": 999},
                {"action": "check", "qid": first["id"], "answer": -1},
                {"action": "check", "qid": first["id"], "answer": 10**30},
                {"action": "check", "qid": first["id"], "answer": {"a": "b"}},
                {"action": "check", "qid": first["id"], "answer": "x" * 2**20},  # 1 MB
                {"action": "explode", "qid": first["id"]},
                {"action": "check", "qid": first["id"], "answer": 0, "request": "not-a-number"},
            ]
            for content in hostile:
                reply = await learner.custom(quiz, content)
                if isinstance(content, dict) and isinstance(content.get("request", 0), int):
                    bad_replies.append((content if len(str(content)) < 200 else "1 MB answer", reply))
            # Deeply nested JSON, written by hand (json.dumps would refuse it).
            raw = learner.message("comm_msg", {"comm_id": quiz, "data": {"method": "custom", "content": {}}})
            text = json.dumps(raw).replace('"content": {}}}', f'"content": {nested(100_000)}}}}}')
            await learner.send_raw(text)
            # State updates and unknown methods, to every widget on the page.
            for mid in learner.model_ids:
                for data in (
                    {"method": "update", "state": {"questions": "oops", "figure_json": 5, "steps": None,
                                                   "groups": "x", "_esm": "throw new Error('pwned')"},
                     "buffer_paths": []},
                    {"method": "update", "state": "not a dict"},
                    {"method": "no-such-method"},
                    {"method": "custom", "content": {"action": "check"}},
                ):
                    await learner.send("comm_msg", {"comm_id": mid, "data": data})
            await learner.send("comm_msg", {"comm_id": "0" * 32, "data": {"method": "custom"}})
            await learner.send("comm_open", {"comm_id": "f" * 32, "target_name": "jupyter.widget",
                                             "data": {"state": {"_model_name": "Nope"}}})
            # Many messages per second: 300 checks without waiting for replies.
            for i in range(300):
                await learner.send("comm_msg", {"comm_id": quiz, "data": {"method": "custom", "content": {
                    "request": 10_000 + i, "action": "check", "qid": first["id"], "answer": 0}}})
            await learner.drain(4)
            burst = [m for m in learner.seen if m["header"]["msg_type"] == "comm_msg"
                     and isinstance(m["content"]["data"].get("content"), dict)
                     and isinstance(m["content"]["data"]["content"].get("request"), int)
                     and m["content"]["data"]["content"]["request"] >= 10_000]
            # Still working, and nothing changed.
            good = await learner.answer_quiz(len(questions))
            after_states = await learner.request_states()
            after = json.dumps(after_states, sort_keys=True)
            alive = await kernel_alive(course_server.url, learner.kernel_id)
            return learner, bad_replies, burst, good, before, after, alive
        finally:
            learner.close()
            await learner.beacon()

    learner, bad, burst, good, before, after, alive = run(attack())
    assert alive
    assert learner.tracebacks() == []
    for content, reply in bad:
        assert reply is not None, f"no reply to {content!r}"
        assert reply["kind"] in ("error", "invalid"), (content, reply)
        assert "Traceback" not in json.dumps(reply) and "Error(" not in json.dumps(reply)
    assert len(burst) == 300, f"{len(burst)} of 300 rapid messages answered"
    assert all(r and r["kind"] == "check" for _, r in good), good
    assert before == after, "a page changed a widget's state in the kernel"
