"""Question types and grading, kept free of any widget code.

The views send the learner's answer here exactly as it arrived from the
browser.  Those values are untrusted, so every grader checks the shape of
the answer first and raises :class:`AnswerError` (and nothing else) when
it is not usable.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

__all__ = [
    "AnswerError",
    "Feedback",
    "ItemFeedback",
    "MultiSelect",
    "Option",
    "Order",
    "OrderItem",
    "Question",
    "QUESTION_TYPES",
    "SingleChoice",
    "Status",
    "TeachBack",
    "TrueFalse",
    "display_order",
    "grade",
    "show_answer",
]

QUESTION_TYPES: tuple[str, ...] = ("single", "multi", "truefalse", "order", "teachback")

Status = Literal["right", "wrong", "missed", "neutral"]


class AnswerError(ValueError):
    """The answer sent for a question has the wrong shape; the message says how."""


# --------------------------------------------------------------------------
# Question types
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One choice in a single- or multi-choice question."""

    text: str
    correct: bool
    explain: str


@dataclass(frozen=True)
class OrderItem:
    """One step of an order question; items are stored in the correct order."""

    text: str
    explain: str


@dataclass(frozen=True)
class SingleChoice:
    """Pick the one correct option."""

    kind: ClassVar[str] = "single"
    id: str
    prompt: str
    options: tuple[Option, ...]
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class MultiSelect:
    """Pick every correct option (one or more)."""

    kind: ClassVar[str] = "multi"
    id: str
    prompt: str
    options: tuple[Option, ...]
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrueFalse:
    """Judge a statement; each choice has its own explanation."""

    kind: ClassVar[str] = "truefalse"
    id: str
    prompt: str
    answer: bool
    explain_true: str
    explain_false: str
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Order:
    """Put steps in sequence; ``items`` holds them in the correct order."""

    kind: ClassVar[str] = "order"
    id: str
    prompt: str
    items: tuple[OrderItem, ...]
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeachBack:
    """Explain in your own words, then self-check against key points (never marked)."""

    kind: ClassVar[str] = "teachback"
    id: str
    prompt: str
    model_answer: str
    key_points: tuple[str, ...]
    refs: tuple[str, ...] = ()


Question = SingleChoice | MultiSelect | TrueFalse | Order | TeachBack


# --------------------------------------------------------------------------
# Feedback
# --------------------------------------------------------------------------

_STATUS_WORDS: dict[str, str] = {
    "right": "right",
    "wrong": "not right",
    "missed": "not covered yet",
    "neutral": "",
}


@dataclass(frozen=True)
class ItemFeedback:
    """Feedback on one option, step or key point, so the view can mark it."""

    label: str
    status: Status
    explain: str


@dataclass(frozen=True)
class Feedback:
    """The result of grading: what to show and what to announce.

    ``correct`` is ``None`` for teach-back questions, which are never marked.
    """

    correct: bool | None
    score: float
    headline: str
    items: tuple[ItemFeedback, ...] = ()

    def text(self) -> str:
        """One plain-language string for a screen-reader live region."""
        parts = [_sentence(self.headline)]
        for item in self.items:
            word = _STATUS_WORDS[item.status]
            label = item.label.strip().rstrip(".")
            parts.append(_sentence(f"{label}: {word}" if word else label))
            if item.explain:
                parts.append(_sentence(item.explain))
        return " ".join(p for p in parts if p)


def _sentence(text: str) -> str:
    text = text.strip()
    if text and text[-1] not in ".!?:":
        text += "."
    return text


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


# --------------------------------------------------------------------------
# Checking untrusted answers
# --------------------------------------------------------------------------


def _describe(value: Any) -> str:
    """Name a value for an error message without ever failing on it."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**12 else "a very large number"
    if isinstance(value, float):
        return f"the decimal number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f"the text {shown!r}"
    if isinstance(value, (list, tuple)):
        return f"a list of {_plural(len(value), 'value')}"
    if isinstance(value, dict):
        return "a mapping"
    return f"a value of type {type(value).__name__}"


def _is_index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _index(value: Any, count: int, noun: str) -> int:
    if not _is_index(value):
        raise AnswerError(
            f"Each {noun} must be given by its number (0 to {count - 1}), not {_describe(value)}."
        )
    index: int = value
    if not 0 <= index < count:
        raise AnswerError(f"There is no {noun} number {_describe(index)}; use 0 to {count - 1}.")
    return index


def _index_list(value: Any, count: int, noun: str) -> list[int]:
    """Check a list of distinct indexes below ``count`` (length checked first)."""
    if not isinstance(value, (list, tuple)):
        raise AnswerError(f"The answer must be a list of {noun} numbers, not {_describe(value)}.")
    if len(value) > count:
        raise AnswerError(f"Too many {noun}s: {len(value)} given but there are only {count}.")
    seen: set[int] = set()
    for raw in value:
        index = _index(raw, count, noun)
        if index in seen:
            raise AnswerError(f"{noun.capitalize()} number {index} is given twice.")
        seen.add(index)
    return list(value)


# --------------------------------------------------------------------------
# Grading
# --------------------------------------------------------------------------


def _grade_single(q: SingleChoice, answer: Any) -> Feedback:
    chosen = q.options[_index(answer, len(q.options), "option")]
    right = chosen.correct
    return Feedback(
        correct=right,
        score=1.0 if right else 0.0,
        headline="Correct." if right else "Not quite. Try again.",
        items=(ItemFeedback(chosen.text, "right" if right else "wrong", chosen.explain),),
    )


def _grade_multi(q: MultiSelect, answer: Any) -> Feedback:
    chosen = _index_list(answer, len(q.options), "option")
    if not chosen:
        raise AnswerError("Choose at least one answer.")
    n_correct = sum(o.correct for o in q.options)
    hits = sum(q.options[i].correct for i in chosen)
    wrong = len(chosen) - hits
    right = hits == n_correct and wrong == 0
    if right:
        headline = (
            "Correct." if n_correct == 1 else f"Correct. All {n_correct} correct answers chosen."
        )
    else:
        wrong_text = "no wrong choices" if wrong == 0 else _plural(wrong, "wrong choice")
        headline = f"{hits} of {n_correct} correct answers chosen, {wrong_text}."
    items = tuple(
        ItemFeedback(
            q.options[i].text, "right" if q.options[i].correct else "wrong", q.options[i].explain
        )
        for i in sorted(chosen)
    )
    # Partial credit: each wrong choice cancels one right one.
    score = max(0.0, (hits - wrong) / n_correct) if n_correct else 0.0
    return Feedback(correct=right, score=score, headline=headline, items=items)


def _grade_truefalse(q: TrueFalse, answer: Any) -> Feedback:
    if not isinstance(answer, bool):
        raise AnswerError(f"The answer must be true or false, not {_describe(answer)}.")
    right = answer == q.answer
    return Feedback(
        correct=right,
        score=1.0 if right else 0.0,
        headline="Correct." if right else "Not quite. Try again.",
        items=(_truefalse_item(q, answer, "right" if right else "wrong"),),
    )


def _truefalse_item(q: TrueFalse, choice: bool, status: Status) -> ItemFeedback:
    return ItemFeedback(
        "True" if choice else "False", status, q.explain_true if choice else q.explain_false
    )


def _grade_order(q: Order, answer: Any) -> Feedback:
    n = len(q.items)
    if not isinstance(answer, (list, tuple)):
        raise AnswerError(f"The answer must be a list of step numbers, not {_describe(answer)}.")
    if len(answer) != n:
        raise AnswerError(f"Put all {n} steps in order; {len(answer)} were given.")
    order = _index_list(answer, n, "step")
    items = []
    placed = 0
    for position, index in enumerate(order, start=1):
        item = q.items[index]
        belongs = index + 1
        if belongs == position:
            placed += 1
            items.append(ItemFeedback(item.text, "right", f"Step {belongs}. {item.explain}"))
        else:
            where = f"This belongs at step {belongs}, not step {position}."
            items.append(ItemFeedback(item.text, "wrong", f"{where} {item.explain}"))
    right = placed == n
    headline = (
        f"Correct. All {n} steps are in the right order."
        if right
        else f"{placed} of {n} steps in the right place."
    )
    return Feedback(correct=right, score=placed / n, headline=headline, items=tuple(items))


def _grade_teachback(q: TeachBack, answer: Any) -> Feedback:
    n = len(q.key_points)
    ticked = set(_index_list(answer, n, "key point"))
    items = tuple(
        ItemFeedback(point, "neutral", "You covered this.")
        if i in ticked
        else ItemFeedback(point, "missed", "Look for this in the model answer.")
        for i, point in enumerate(q.key_points)
    )
    return Feedback(
        correct=None,
        score=len(ticked) / n if n else 0.0,
        headline=f"You covered {len(ticked)} of {_plural(n, 'key point')}. "
        "Compare with the model answer below.",
        items=items,
    )


_GRADERS: dict[type, Callable[[Any, Any], Feedback]] = {
    SingleChoice: _grade_single,
    MultiSelect: _grade_multi,
    TrueFalse: _grade_truefalse,
    Order: _grade_order,
    TeachBack: _grade_teachback,
}


def grade(question: Question, answer: Any) -> Feedback:
    """Grade a learner's answer as sent by the browser.

    Answer formats: single -> option index; multi -> list of distinct option
    indexes; truefalse -> bool; order -> original item indexes in the
    learner's order (a permutation); teachback -> indexes of ticked key points.
    Raises :class:`AnswerError` for any answer of the wrong shape.
    """
    grader = _GRADERS.get(type(question))
    if grader is None:
        raise TypeError(f"not a question: {type(question).__name__}")
    return grader(question, answer)


# --------------------------------------------------------------------------
# Revealing the answer
# --------------------------------------------------------------------------


def _choice_key(options: tuple[Option, ...]) -> tuple[ItemFeedback, ...]:
    return tuple(
        ItemFeedback(o.text, "right" if o.correct else "wrong", o.explain) for o in options
    )


def show_answer(question: Question) -> Feedback:
    """Feedback for the "Show answer" button: every explanation, the right ones marked.

    This reveals the answer; it is not the learner's result, so views should
    not record it as a pass.
    """
    q = question
    if isinstance(q, SingleChoice):
        best = next((o.text for o in q.options if o.correct), "")
        return Feedback(True, 1.0, f'The answer is "{best}".', _choice_key(q.options))
    if isinstance(q, MultiSelect):
        n = sum(o.correct for o in q.options)
        headline = (
            "The correct answer is marked below."
            if n == 1
            else f"The {n} correct answers are marked below."
        )
        return Feedback(True, 1.0, headline, _choice_key(q.options))
    if isinstance(q, TrueFalse):
        items: tuple[ItemFeedback, ...] = (
            _truefalse_item(q, q.answer, "right"),
            _truefalse_item(q, not q.answer, "wrong"),
        )
        return Feedback(True, 1.0, f"The statement is {'true' if q.answer else 'false'}.", items)
    if isinstance(q, Order):
        items = tuple(
            ItemFeedback(item.text, "right", f"Step {i}. {item.explain}")
            for i, item in enumerate(q.items, start=1)
        )
        return Feedback(True, 1.0, "The correct order is shown below.", items)
    if isinstance(q, TeachBack):
        items = tuple(ItemFeedback(point, "neutral", "") for point in q.key_points)
        return Feedback(None, 1.0, f"Model answer: {q.model_answer}", items)
    raise TypeError(f"not a question: {type(q).__name__}")


def display_order(question: Order, seed: int | str | None = None) -> list[int]:
    """A repeatable shuffle of an order question's items, never already solved.

    Seeded from the question id by default so the same page always shows the
    same starting order (stable notebook outputs, predictable for tests).
    """
    n = len(question.items)
    rng = random.Random(question.id if seed is None else seed)
    order = list(range(n))
    if n < 2:
        return order
    while order == sorted(order):
        rng.shuffle(order)
    return order
