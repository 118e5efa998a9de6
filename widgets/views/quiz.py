"""The quiz as learners see it: a thin anywidget over the pure model.

The browser gets only what it must show (prompts, option texts, the
shuffled order); it sends the learner's answer as a custom message, and the
kernel grades it with :mod:`widgets.model`.  Messages from the page are
untrusted: anything malformed gets a plain reply and never a traceback.
Nothing a learner answers is stored or logged on the server.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import traitlets
from IPython.display import HTML, display

from ..model import (
    AnswerError,
    Bank,
    BankError,
    Feedback,
    MultiSelect,
    Order,
    SingleChoice,
    TeachBack,
    TrueFalse,
    display_order,
    grade,
    load_bank,
    load_reference_keys,
    show_answer,
)
from ..paths import QUIZZES, REFERENCES, ROOT
from ._base import CourseWidget

HERE = Path(__file__).parent
MAX_MESSAGE_CHARS = 10_000  # a real answer is a few dozen characters


def _public(q) -> dict[str, Any]:
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


class Quiz(CourseWidget):
    _esm = HERE / "quiz.js"

    lesson = traitlets.Unicode("").tag(sync=True)
    title = traitlets.Unicode("Check your understanding").tag(sync=True)
    questions = traitlets.List().tag(sync=True)
    practice = traitlets.List().tag(sync=True)  # "More practice": shown collapsed

    def __init__(self, bank: Bank, **kwargs):
        super().__init__(
            lesson=bank.lesson,
            title=bank.title or "Check your understanding",
            questions=[_public(q) for q in bank.questions],
            practice=[_public(q) for q in bank.practice],
            **kwargs,
        )
        self._bank = bank
        self.on_msg(self._on_page_message)

    # -- messages from the page ------------------------------------------------
    def handle(self, content: Any) -> dict[str, Any]:
        """Grade one request from the page; always returns a reply, never raises."""
        if not isinstance(content, dict):
            return {"kind": "error", "message": "The request was not understood."}
        request_id = content.get("request")
        reply: dict[str, Any] = {"request": request_id if isinstance(request_id, int) else None}
        try:
            if len(json.dumps(content)) > MAX_MESSAGE_CHARS:
                raise AnswerError("That answer is too long to check.")
        except (TypeError, ValueError, RecursionError):
            return {**reply, "kind": "error", "message": "The request was not understood."}
        action, qid = content.get("action"), content.get("qid")
        question = None
        if isinstance(qid, str):
            try:
                question = self._bank.question(qid)
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
                return {**reply, "kind": "error", "message": "The request was not understood."}
        except AnswerError as e:
            return {**reply, "kind": "invalid", "message": str(e)}
        except Exception:  # noqa: BLE001 - a learner must never see a traceback
            return {**reply, "kind": "error", "message": "Sorry, that answer could not be checked."}
        out = {**reply, "kind": action, "feedback": feedback_dict(fb)}
        if isinstance(question, TeachBack) and action == "show":
            out["model_answer"] = question.model_answer
        if isinstance(question, TeachBack) and action == "check":
            out["model_answer"] = question.model_answer
        return out

    def _on_page_message(self, widget, content, buffers) -> None:
        self.send(self.handle(content))


def bank_notice(slug: str, problems: list[str]) -> HTML:
    """What a learner sees instead of a quiz whose bank is broken."""
    items = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems[:10])
    return HTML(
        '<div class="course-notice" role="note">'
        "<p><strong>This quiz could not be loaded.</strong> "
        "The rest of the lesson still works. "
        f"The question file for “{html.escape(slug)}” has a problem the course team needs to fix:</p>"
        f"<ul>{items}</ul></div>"
    )


def quiz(slug: str, folder: Path | None = None):
    """Display the quiz for a lesson, or a clear notice if its bank is broken."""
    folder = folder or QUIZZES
    path = folder / f"{slug}.yaml"
    try:
        refs = load_reference_keys(REFERENCES) if REFERENCES.exists() else None
        bank = load_bank(path, known_refs=refs)
    except BankError as e:
        display(bank_notice(slug, [_relative(str(p)) for p in e.problems]))
        return None
    except Exception as e:  # noqa: BLE001 - a learner must never see a traceback
        display(bank_notice(slug, [f"{_relative(str(path))}: {type(e).__name__}: {e}"]))
        return None
    widget = Quiz(bank)
    display(widget)
    return None


def _relative(text: str) -> str:
    return text.replace(str(ROOT) + "/", "")
