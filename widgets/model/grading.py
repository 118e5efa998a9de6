"""One quiz request from a page, checked and graded: pure Python, no widgets.

The same function answers the page whether the quiz runs in JupyterLab (a
widget message to the kernel) or in the course server (an HTTP request).
A request is untrusted: anything malformed gets a plain reply with a
``kind`` of "error" or "invalid", never a traceback.  Nothing a learner
answers is stored or logged here.  The shapes of the request and the reply
are in :mod:`widgets.model.messages`.
"""

from __future__ import annotations

import json
from typing import Any

from .bank import Bank
from .feedback import AnswerError, Feedback
from .messages import read_request, request_id
from .qtypes import type_of
from .qtypes.base import Question

MAX_MESSAGE_CHARS = 10_000  # a real answer is a few dozen characters
NOT_UNDERSTOOD = "The request was not understood."


def public_question(q: Question) -> dict[str, Any]:
    """What the page needs to show a question; never which answer is right."""
    return {"id": q.id, "type": q.kind, "prompt": q.prompt, **type_of(q).public(q)}


def feedback_dict(fb: Feedback) -> dict[str, Any]:
    return {
        "correct": fb.correct,
        "score": fb.score,
        "headline": fb.headline,
        "text": fb.text(),
        "items": [{"label": i.label, "status": i.status, "explain": i.explain} for i in fb.items],
    }


def error(message: str = NOT_UNDERSTOOD, request: Any = None) -> dict[str, Any]:
    """A plain reply for a request that could not be graded."""
    return {"request": request_id({"request": request}), "kind": "error", "message": message}


def too_large(content: Any) -> bool:
    """True when a request is over the size limit, or cannot be measured."""
    try:
        return len(json.dumps(content)) > MAX_MESSAGE_CHARS
    except (TypeError, ValueError, RecursionError):
        return True


def handle(bank: Bank, content: Any) -> dict[str, Any]:
    """Grade one request for ``bank``; always returns a reply, never raises."""
    if not isinstance(content, dict):
        return error()
    reply: dict[str, Any] = {"request": request_id(content)}
    if too_large(content):
        return {**reply, "kind": "invalid", "message": "That answer is too long to check."}
    qid, action = read_request(content)
    question = None
    if qid is not None:
        try:
            question = bank.question(qid)
        except (KeyError, LookupError):
            question = None
    if question is None:
        return {**reply, "kind": "error", "message": "That question is not in this quiz."}
    reply["qid"] = qid
    qtype = type_of(question)
    try:
        if action == "check":
            fb = qtype.grade(question, content.get("answer"))
        elif action == "show":
            fb = qtype.show(question)
        else:
            return {**reply, "kind": "error", "message": NOT_UNDERSTOOD}
    except AnswerError as e:
        return {**reply, "kind": "invalid", "message": str(e)}
    except Exception:  # noqa: BLE001 - a learner must never see a traceback
        return {**reply, "kind": "error", "message": "Sorry, that answer could not be checked."}
    return {**reply, "kind": action, "feedback": feedback_dict(fb), **qtype.reply(question)}
