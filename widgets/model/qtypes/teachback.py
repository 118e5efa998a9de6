"""Teach-back: explain in your own words, then self-check against key points (never marked)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from widgets.content.yamlfile import Fields, Reader

from ..feedback import Feedback, ItemFeedback, index_list, plural
from .base import TEXT, Build, Question, QuestionType, listed, text


@dataclass(frozen=True)
class TeachBack(Question):
    """Explain in your own words, then self-check against key points (never marked)."""

    kind: ClassVar[str] = "teachback"
    model_answer: str
    key_points: tuple[str, ...]


def read(r: Reader, f: Fields, prefix: str) -> Build | None:
    model = r.text(f, "model_answer", prefix, "write the answer you would hope to hear")
    nodes = r.sequence(f, "key_points", prefix,
                       "list at least 2 points a good answer covers, like [point one, point two]")
    points: list[str] = []
    complete = nodes is not None
    for number, node in enumerate(nodes or [], start=1):
        point = r.text_value(node, f"key point {number}", prefix, "write the point or remove it")
        if point is None:
            complete = False
        else:
            points.append(point)
    if nodes is not None and len(nodes) < 2:
        r.problem(f.values["key_points"], f"needs at least 2 key points, has {len(nodes)}", prefix)
        return None
    if model is None or not complete:
        return None
    return lambda qid, prompt, refs: TeachBack(qid, prompt, model, tuple(points), refs=refs)


def grade(q: TeachBack, answer: Any) -> Feedback:
    """The answer is the indexes of the key points the learner ticked."""
    n = len(q.key_points)
    ticked = set(index_list(answer, n, "key point"))
    items = tuple(
        ItemFeedback(point, "neutral", "You covered this.")
        if i in ticked
        else ItemFeedback(point, "missed", "Look for this in the model answer.")
        for i, point in enumerate(q.key_points)
    )
    return Feedback(
        correct=None,
        score=len(ticked) / n if n else 0.0,
        headline=f"You covered {len(ticked)} of {plural(n, 'key point')}. Compare with the model answer below.",
        items=items,
    )


def show(q: TeachBack) -> Feedback:
    items = tuple(ItemFeedback(point, "neutral", "") for point in q.key_points)
    return Feedback(None, 1.0, f"Model answer: {q.model_answer}", items)


TYPE = QuestionType(
    name="teachback", question=TeachBack,
    properties={
        "model_answer": text("The answer you would hope to hear."),
        "key_points": listed(TEXT, 2, "The points a good answer covers."),
    },
    required=("model_answer", "key_points"),
    read=read, grade=grade, show=show,
    public=lambda q: {"key_points": list(q.key_points)},
    reply=lambda q: {"model_answer": q.model_answer},
    answer={"type": "array", "items": {"type": "integer", "minimum": 0}, "uniqueItems": True,
            "description": "the indexes of the key points the learner says they covered"},
)
