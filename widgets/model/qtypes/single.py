"""Single choice: pick the one correct option."""

from __future__ import annotations

from typing import Any

from ..feedback import Feedback, index, marked
from . import choice
from .base import QuestionType


class SingleChoice(choice.ChoiceQuestion):
    """Pick the one correct option."""

    kind = "single"


def count_problem(n_correct: int, n_options: int) -> str | None:
    if n_correct == 1:
        return None
    count = "no option is" if n_correct == 0 else f"{n_correct} options are"
    tail = "" if n_correct == 0 else " (use type: multi if several are right)"
    return f"{count} marked correct: true — single-choice questions need exactly one{tail}"


def grade(q: SingleChoice, answer: Any) -> Feedback:
    """The answer is the chosen option's index."""
    i = index(answer, len(q.options), "option")
    return marked(q.options[i].correct, choice.key(q)[i])


def show(q: SingleChoice) -> Feedback:
    best = next((o.text for o in q.options if o.correct), "")
    return Feedback(True, 1.0, f'The answer is "{best}".', choice.key(q))


TYPE = QuestionType(
    name="single", question=SingleChoice, properties=choice.PROPERTIES, required=("options",),
    read=choice.reader(SingleChoice, count_problem), grade=grade, show=show, public=choice.public, rules=choice.RULES,
    answer={"type": "integer", "minimum": 0, "description": "the chosen option's index"},
)
