"""Question types and grading, kept free of any widget code.

Each type lives in its own module under ``widgets.model.qtypes``; this module
gives the rest of the course one place to grade and reveal any question.
The views send the learner's answer exactly as it arrived from the browser;
graders check its shape first and raise :class:`AnswerError` (and nothing
else) when it is not usable.
"""

from __future__ import annotations

from typing import Any

from .feedback import AnswerError, Feedback, ItemFeedback, Status
from .qtypes import TYPES, type_of
from .qtypes.base import Question
from .qtypes.choice import Option
from .qtypes.multi import MultiSelect
from .qtypes.order import Order, OrderItem, display_order
from .qtypes.single import SingleChoice
from .qtypes.teachback import TeachBack
from .qtypes.truefalse import TrueFalse

QUESTION_TYPES: tuple[str, ...] = tuple(t.name for t in TYPES)

__all__ = [
    "AnswerError", "Feedback", "ItemFeedback", "MultiSelect", "Option", "Order", "OrderItem",
    "Question", "QUESTION_TYPES", "SingleChoice", "Status", "TeachBack", "TrueFalse",
    "display_order", "grade", "show_answer",
]


def grade(question: Question, answer: Any) -> Feedback:
    """Grade a learner's answer as sent by the browser.

    Each type's answer shape is its ``answer`` JSON Schema in
    :mod:`widgets.model.qtypes`.  Raises :class:`AnswerError` for any answer of the wrong shape.
    """
    return type_of(question).grade(question, answer)


def show_answer(question: Question) -> Feedback:
    """Feedback for the "Show answer" button: every explanation, the right ones marked.

    This reveals the answer; it is not the learner's result, so views should
    not record it as a pass.
    """
    return type_of(question).show(question)
