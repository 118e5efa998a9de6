"""Multi-select: pick every correct option (one or more), with partial credit."""

from __future__ import annotations

from typing import Any

from ..feedback import AnswerError, Feedback, ItemFeedback, index_list, plural
from . import choice
from .base import QuestionType


class MultiSelect(choice.ChoiceQuestion):
    """Pick every correct option (one or more)."""

    kind = "multi"


def count_problem(n_correct: int, n_options: int) -> str | None:
    if n_correct == 0:
        return "no option is marked correct: true — multi-select questions need at least one"
    if n_correct == n_options:
        return "every option is marked correct: true — multi-select questions need at least one wrong option too"
    return None


def grade(q: MultiSelect, answer: Any) -> Feedback:
    """The answer is a list of distinct option indexes; each wrong choice cancels a right one."""
    chosen = index_list(answer, len(q.options), "option")
    if not chosen:
        raise AnswerError("Choose at least one answer.")
    n_correct = sum(o.correct for o in q.options)
    hits = sum(q.options[i].correct for i in chosen)
    wrong = len(chosen) - hits
    right = hits == n_correct and wrong == 0
    if right:
        headline = "Correct." if n_correct == 1 else f"Correct. All {n_correct} correct answers chosen."
    else:
        wrong_text = "no wrong choices" if wrong == 0 else plural(wrong, "wrong choice")
        headline = f"{hits} of {n_correct} correct answers chosen, {wrong_text}."
    items = tuple(ItemFeedback(q.options[i].text, "right" if q.options[i].correct else "wrong",
                               q.options[i].explain) for i in sorted(chosen))
    score = max(0.0, (hits - wrong) / n_correct) if n_correct else 0.0
    return Feedback(correct=right, score=score, headline=headline, items=items)


def show(q: MultiSelect) -> Feedback:
    n = sum(o.correct for o in q.options)
    headline = "The correct answer is marked below." if n == 1 else f"The {n} correct answers are marked below."
    return Feedback(True, 1.0, headline, choice.key(q))


TYPE = QuestionType(
    name="multi", question=MultiSelect, properties=choice.PROPERTIES, required=("options",),
    read=choice.reader(MultiSelect, count_problem), grade=grade, show=show, public=choice.public, rules=choice.RULES,
    answer={"type": "array", "items": {"type": "integer", "minimum": 0}, "uniqueItems": True, "description": "the chosen options' indexes"},
)
