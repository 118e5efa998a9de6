"""The question types: one module per type, each with one ``TYPE`` entry listed here.

To add a type, write ``widgets/model/qtypes/<name>.py`` (its dataclass, YAML
reader, grader, reveal, public view and schema, in one
:class:`~.base.QuestionType`) and add it to :data:`TYPES`.  Bank loading,
grading, the page's view and ``assets/quizzes/schema.json`` all read this list.
"""

from __future__ import annotations

from typing import Any

from . import multi, order, single, teachback, truefalse
from .base import QuestionType

#: Every type, in the order messages and the docs list them.
TYPES: tuple[QuestionType, ...] = (single.TYPE, multi.TYPE, truefalse.TYPE, order.TYPE, teachback.TYPE)

BY_NAME: dict[str, QuestionType] = {t.name: t for t in TYPES}
_BY_CLASS: dict[type, QuestionType] = {t.question: t for t in TYPES}


def type_of(question: Any) -> QuestionType:
    """The entry for a question object; TypeError if it is not one."""
    entry = _BY_CLASS.get(type(question))
    if entry is None:
        raise TypeError(f"not a question: {type(question).__name__}")
    return entry
