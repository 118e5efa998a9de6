"""True or false: judge a statement; each choice has its own explanation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from widgets.content.yamlfile import Fields, Reader

from ..feedback import AnswerError, Feedback, ItemFeedback, Status, describe, marked
from .base import Build, Question, QuestionType, text


@dataclass(frozen=True)
class TrueFalse(Question):
    """Judge a statement; each choice has its own explanation."""

    kind: ClassVar[str] = "truefalse"
    answer: bool
    explain_true: str
    explain_false: str


def read(r: Reader, f: Fields, prefix: str) -> Build | None:
    answer = r.boolean(f, "answer", prefix)
    when_true = r.text(f, "explain_true", prefix, "say what to tell a learner who picks True")
    when_false = r.text(f, "explain_false", prefix, "say what to tell a learner who picks False")
    if answer is None or when_true is None or when_false is None:
        return None
    return lambda qid, prompt, refs: TrueFalse(qid, prompt, answer, when_true, when_false, refs=refs)


def _item(q: TrueFalse, choice: bool, status: Status) -> ItemFeedback:
    return ItemFeedback("True" if choice else "False", status, q.explain_true if choice else q.explain_false)


def grade(q: TrueFalse, answer: Any) -> Feedback:
    """The answer is true or false."""
    if not isinstance(answer, bool):
        raise AnswerError(f"The answer must be true or false, not {describe(answer)}.")
    right = answer == q.answer
    return marked(right, _item(q, answer, "right" if right else "wrong"))


def show(q: TrueFalse) -> Feedback:
    items = (_item(q, q.answer, "right"), _item(q, not q.answer, "wrong"))
    return Feedback(True, 1.0, f"The statement is {'true' if q.answer else 'false'}.", items)


TYPE = QuestionType(
    name="truefalse", question=TrueFalse,
    properties={
        "answer": {"type": "boolean", "description": "true or false (not yes or no)."},
        "explain_true": text("What to tell a learner who picks True."),
        "explain_false": text("What to tell a learner who picks False."),
    },
    required=("answer", "explain_true", "explain_false"),
    read=read, grade=grade, show=show, public=lambda q: {"options": ["True", "False"]},
    answer={"type": "boolean", "description": "true or false"},
)
