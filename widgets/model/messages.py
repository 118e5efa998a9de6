"""The quiz's messages: what the page asks and what grading answers, as JSON Schema.

This is the one home of the message shape.  ``widgets/views/quiz.js`` sends
a :data:`REQUEST` (through the kernel's widget comm in JupyterLab, or inside
the course server's :data:`ENVELOPE` to ``POST /course/api/grade``,
``widgets/server/gradeapi.py``); :func:`widgets.model.grading.handle`
checks it with :func:`read_request` and always answers with a :data:`REPLY`.
``tests/unit/test_messages.py`` checks every reply the real banks can give
against :data:`REPLY` with an independent validator.
"""

from __future__ import annotations

from typing import Any

from .qtypes import TYPES

ACTIONS = ("check", "show")
KINDS = (*ACTIONS, "error", "invalid")
_ID = {"type": ["integer", "null"], "description": "The page's request number, echoed back (null if unusable)."}

#: What the quiz page sends for one question.
REQUEST: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Quiz request",
    "type": "object",
    "required": ["action", "qid"],
    "properties": {
        "request": {"type": "integer", "description": "A number the page uses to match the reply."},
        "action": {"enum": list(ACTIONS), "description": "check: grade the answer; show: reveal it."},
        "qid": {"type": "string", "description": "The question's id in the bank."},
        "answer": {"description": "For check: one of these shapes, the question type's own "
                   "(each type's ``answer`` in widgets.model.qtypes).",
                   "anyOf": [dict(t.answer, title=t.name) for t in TYPES]},
    },
}

#: What the course server's grading endpoint receives: the quiz's request and where it comes from.
ENVELOPE: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Grade API body",
    "type": "object",
    "required": ["version", "page", "quiz", "content"],
    "properties": {
        **{name: {"type": "string", "minLength": 1, "maxLength": 200}
           for name in ("version", "page", "quiz")},
        "content": REQUEST,
    },
}

_ITEM = {
    "type": "object",
    "required": ["label", "status", "explain"],
    "additionalProperties": False,
    "properties": {
        "label": {"type": "string"},
        "status": {"enum": ["right", "wrong", "missed", "neutral"]},
        "explain": {"type": "string"},
    },
}
FEEDBACK: dict[str, Any] = {
    "type": "object",
    "required": ["correct", "score", "headline", "text", "items"],
    "additionalProperties": False,
    "properties": {
        "correct": {"type": ["boolean", "null"], "description": "null for teach-back, never marked."},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "headline": {"type": "string"},
        "text": {"type": "string", "description": "One string for a screen-reader live region."},
        "items": {"type": "array", "items": _ITEM},
    },
}

#: What grading answers: feedback for check and show, a plain message otherwise.
REPLY: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Quiz reply",
    "type": "object",
    "required": ["request", "kind"],
    "additionalProperties": False,
    "properties": {
        "request": _ID,
        "qid": {"type": "string"},
        "kind": {"enum": list(KINDS)},
        "feedback": FEEDBACK,
        "model_answer": {"type": "string", "description": "Teach-back only."},
        "message": {"type": "string", "description": "For error and invalid: what went wrong, in plain words."},
    },
    "if": {"properties": {"kind": {"enum": list(ACTIONS)}}},
    "then": {"required": ["qid", "feedback"], "not": {"required": ["message"]}},
    "else": {"required": ["message"], "not": {"anyOf": [{"required": ["feedback"]}, {"required": ["model_answer"]}]}},
}


def request_id(content: Any) -> int | None:
    """The request number to echo, if ``content`` carries a usable one."""
    value = content.get("request") if isinstance(content, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def read_request(content: dict[str, Any]) -> tuple[str | None, str | None]:
    """The request's ``qid`` and ``action``, each None where it does not fit :data:`REQUEST`."""
    qid, action = content.get("qid"), content.get("action")
    return (qid if isinstance(qid, str) else None), (action if action in ACTIONS else None)


def read_envelope(body: Any) -> tuple[str, str, str] | None:
    """The body's ``version``, ``page`` and ``quiz``, or None where they do not fit :data:`ENVELOPE`."""
    if not isinstance(body, dict):
        return None
    names = ENVELOPE["properties"]["version"]
    found = tuple(body.get(k) for k in ("version", "page", "quiz"))
    ok = all(isinstance(x, str) and names["minLength"] <= len(x) <= names["maxLength"] for x in found)
    return found if ok else None  # type: ignore[return-value]
