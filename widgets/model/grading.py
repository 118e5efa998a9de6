"""One quiz request from a page, checked and graded: pure Python, no widgets.

The same function answers the page whether the quiz runs in JupyterLab (a
widget message to the kernel) or in the course server (an HTTP request).
A request is untrusted: anything malformed gets a plain reply with a
``kind`` of "error" or "invalid", never a traceback.  Nothing a learner
answers is stored or logged here.

Request: ``{"request": int, "action": "check" | "show", "qid": str, "answer": ...}``.
Reply: ``{"request", "qid", "kind": "check" | "show" | "error" | "invalid",
"feedback": {...}, "model_answer"?, "message"?}``.
"""

from __future__ import annotations

import json
from typing import Any

from .bank import Bank
from .questions import (
    AnswerError,
    Feedback,
    MultiSelect,
    Order,
    SingleChoice,
    TeachBack,
    TrueFalse,
    display_order,
    grade,
    show_answer,
)

MAX_MESSAGE_CHARS = 10_000  # a real answer is a few dozen characters
NOT_UNDERSTOOD = "The request was not understood."


def public_question(q) -> dict[str, Any]:
    """What the page needs to show a question; never which answer is right."""
    base = {"id": q.id, "type": q.kind, "prompt": q.prompt}
    if isinstance(q, (SingleChoice, MultiSelect)):
        base["options"] = [o.text for o in q.options]
    elif isinstance(q, TrueFalse):
        base["options"] = ["True", "False"]
    elif isinstance(q, Order):
        order = display_order(q)
        base["items"] = [{"index": i, "text": q.items[i].text} for i in order]
    elif isinstance(q, TeachBack):
        base["key_points"] = list(q.key_points)
    return base


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
    return {"request": request if _is_id(request) else None, "kind": "error", "message": message}


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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
    request_id = content.get("request")
    reply: dict[str, Any] = {"request": request_id if _is_id(request_id) else None}
    if too_large(content):
        return {**reply, "kind": "invalid", "message": "That answer is too long to check."}
    action, qid = content.get("action"), content.get("qid")
    question = None
    if isinstance(qid, str):
        try:
            question = bank.question(qid)
        except (KeyError, LookupError):
            question = None
    if question is None:
        return {**reply, "kind": "error", "message": "That question is not in this quiz."}
    reply["qid"] = qid
    try:
        if action == "check":
            fb = grade(question, content.get("answer"))
        elif action == "show":
            fb = show_answer(question)
        else:
            return {**reply, "kind": "error", "message": NOT_UNDERSTOOD}
    except AnswerError as e:
        return {**reply, "kind": "invalid", "message": str(e)}
    except Exception:  # noqa: BLE001 - a learner must never see a traceback
        return {**reply, "kind": "error", "message": "Sorry, that answer could not be checked."}
    out = {**reply, "kind": action, "feedback": feedback_dict(fb)}
    if isinstance(question, TeachBack):
        out["model_answer"] = question.model_answer
    return out
