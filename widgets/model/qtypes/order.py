"""Order: put steps in sequence; ``items`` holds them in the correct order."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar

from widgets.content.yamlfile import Fields, Reader

from ..feedback import AnswerError, Feedback, ItemFeedback, describe, index_list
from .base import Build, Question, QuestionType, entries, listed, read_items, text


@dataclass(frozen=True)
class OrderItem:
    """One step of an order question; items are stored in the correct order."""

    text: str
    explain: str


@dataclass(frozen=True)
class Order(Question):
    """Put steps in sequence; ``items`` holds them in the correct order."""

    kind: ClassVar[str] = "order"
    items: tuple[OrderItem, ...]


def _item(r: Reader, itf: Fields, where: str) -> tuple[str | None, OrderItem | None]:
    label = r.text(itf, "text", where, "write the step's text")
    explain = r.text(itf, "explain", where, "say why this step comes here")
    return label, OrderItem(label, explain) if label is not None and explain is not None else None


def read(r: Reader, f: Fields, prefix: str) -> Build | None:
    items = read_items(r, f, prefix, "items", "item", ("text", "explain"), 3, _item,
                       hint='add the steps in the correct order, each starting with "- text:"',
                       too_few="needs at least 3 items to put in order, has {n}")
    if items is None:
        return None
    return lambda qid, prompt, refs: Order(qid, prompt, tuple(items), refs=refs)


def grade(q: Order, answer: Any) -> Feedback:
    """The answer is the original item indexes in the learner's order (a permutation)."""
    n = len(q.items)
    if not isinstance(answer, (list, tuple)):
        raise AnswerError(f"The answer must be a list of step numbers, not {describe(answer)}.")
    if len(answer) != n:
        raise AnswerError(f"Put all {n} steps in order; {len(answer)} were given.")
    items = []
    placed = 0
    for position, i in enumerate(index_list(answer, n, "step"), start=1):
        item, belongs = q.items[i], i + 1
        if belongs == position:
            placed += 1
            items.append(ItemFeedback(item.text, "right", f"Step {belongs}. {item.explain}"))
        else:
            where = f"This belongs at step {belongs}, not step {position}."
            items.append(ItemFeedback(item.text, "wrong", f"{where} {item.explain}"))
    right = placed == n
    headline = f"Correct. All {n} steps are in the right order." if right else f"{placed} of {n} steps in the right place."
    return Feedback(correct=right, score=placed / n, headline=headline, items=tuple(items))


def show(q: Order) -> Feedback:
    items = tuple(ItemFeedback(item.text, "right", f"Step {i}. {item.explain}")
                  for i, item in enumerate(q.items, start=1))
    return Feedback(True, 1.0, "The correct order is shown below.", items)


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


def public(q: Order) -> dict[str, Any]:
    """The items in their shuffled starting order, each with its original index."""
    return {"items": [{"index": i, "text": q.items[i].text} for i in display_order(q)]}


TYPE = QuestionType(
    name="order", question=Order,
    properties={"items": listed(entries("One step.", text=text("The step as the learner reads it."),
                                        explain=text("Why this step comes here.")),
                                3, "The steps in the correct order, each starting with - text:")},
    required=("items",), read=read, grade=grade, show=show, public=public,
    answer={"type": "array", "items": {"type": "integer", "minimum": 0}, "uniqueItems": True,
            "description": "the steps' original indexes, in the learner's order"},
)
