"""What grading hands back (:class:`Feedback`), and the checks every grader runs on untrusted answers.

The views send the learner's answer here exactly as it arrived from the
browser.  Those values are untrusted, so every grader checks the shape of
the answer first and raises :class:`AnswerError` (and nothing else) when
it is not usable.  Each question type's grader lives in ``widgets.model.qtypes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["right", "wrong", "missed", "neutral"]

_STATUS_WORDS: dict[str, str] = {
    "right": "right",
    "wrong": "not right",
    "missed": "not covered yet",
    "neutral": "",
}


class AnswerError(ValueError):
    """The answer sent for a question has the wrong shape; the message says how."""


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


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def marked(right: bool, item: ItemFeedback) -> Feedback:
    """Feedback for a one-choice answer: right or not, with the chosen item's explanation."""
    return Feedback(
        correct=right,
        score=1.0 if right else 0.0,
        headline="Correct." if right else "Not quite. Try again.",
        items=(item,),
    )


# --------------------------------------------------------------------------
# Checking untrusted answers
# --------------------------------------------------------------------------


def describe(value: Any) -> str:
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
        return f"a list of {plural(len(value), 'value')}"
    if isinstance(value, dict):
        return "a mapping"
    return f"a value of type {type(value).__name__}"


def index(value: Any, count: int, noun: str) -> int:
    """Check one item number below ``count``."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise AnswerError(
            f"Each {noun} must be given by its number (0 to {count - 1}), not {describe(value)}."
        )
    if not 0 <= value < count:
        raise AnswerError(f"There is no {noun} number {describe(value)}; use 0 to {count - 1}.")
    return value


def index_list(value: Any, count: int, noun: str) -> list[int]:
    """Check a list of distinct indexes below ``count`` (length checked first)."""
    if not isinstance(value, (list, tuple)):
        raise AnswerError(f"The answer must be a list of {noun} numbers, not {describe(value)}.")
    if len(value) > count:
        raise AnswerError(f"Too many {noun}s: {len(value)} given but there are only {count}.")
    seen: set[int] = set()
    for raw in value:
        number = index(raw, count, noun)
        if number in seen:
            raise AnswerError(f"{noun.capitalize()} number {number} is given twice.")
        seen.add(number)
    return list(value)
