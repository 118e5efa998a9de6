"""What a question type is: one :class:`QuestionType` entry holds everything about it.

Each module in this package defines one type's dataclass and one
``TYPE = QuestionType(...)``; ``widgets.model.qtypes`` lists them.  Bank
loading, grading, the page's view and the JSON Schema all go through that
list, so a new type needs no change anywhere else in the model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from widgets.content.yamlfile import Fields, Reader, line

from ..feedback import Feedback


@dataclass(frozen=True)
class Question:
    """What every question has; each type's dataclass adds its own fields and ``kind``."""

    kind: ClassVar[str] = ""  # the bank's type: value
    id: str
    prompt: str
    refs: tuple[str, ...] = field(default=(), kw_only=True)


#: What a type's reader hands back: build the question from (id, prompt, refs).
Build = Callable[[str, str, "tuple[str, ...]"], Question]

T = TypeVar("T")

#: JSON Schema for a text field: plain words, not empty.
TEXT: dict[str, Any] = {"type": "string", "pattern": "\\S"}


def text(description: str) -> dict[str, Any]:
    return {**TEXT, "description": description}


def listed(item: dict[str, Any], least: int, description: str) -> dict[str, Any]:
    """JSON Schema for a list of at least ``least`` items."""
    return {"type": "array", "minItems": least, "items": item, "description": description}


def entries(description: str, **props: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema for a block of name: value lines where every name is required."""
    return {"type": "object", "description": description, "properties": props,
            "required": list(props), "additionalProperties": False}


def nothing(question: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class QuestionType:
    """One question type: its YAML, its grading, its reveal and what the page sees."""

    name: str  # the bank's ``type:`` value
    question: type  # the frozen dataclass a bank's entry becomes
    #: JSON Schema of the type's own fields (besides id, type, prompt and refs).
    #: Its keys are the fields the bank reader accepts for this type.
    properties: dict[str, dict[str, Any]]
    required: tuple[str, ...]
    #: Check the type's fields, reporting each problem; a builder, or None if invalid.
    read: Callable[[Reader, Fields, str], Build | None]
    #: Grade an untrusted answer (raise AnswerError for a wrong shape).
    grade: Callable[[Any, Any], Feedback]
    #: The "Show answer" feedback: every explanation, the right ones marked.
    show: Callable[[Any], Feedback]
    #: What the page needs to show the question besides id, type and prompt; never the answer.
    public: Callable[[Any], dict[str, Any]]
    #: What a check or show reply adds besides the feedback (teach-back's model answer).
    reply: Callable[[Any], dict[str, Any]] = field(default=nothing)
    #: Extra JSON Schema for the whole question, e.g. "at least one option is correct".
    rules: dict[str, Any] = field(default_factory=dict)
    #: JSON Schema of the ``answer`` a check request carries for this type (as quiz.js sends it).
    answer: dict[str, Any] = field(default_factory=dict)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.properties)


def read_items(r: Reader, f: Fields, prefix: str, name: str, noun: str, allowed: tuple[str, ...], least: int,
               read_one: Callable[[Reader, Fields, str], tuple[str | None, T | None]], hint: str, too_few: str,
               ) -> list[T] | None:
    """A list of blocks whose ``text:`` must be unique (options, steps), or None after reporting problems."""
    nodes = r.sequence(f, name, prefix, hint)
    if nodes is None:
        return None
    out: list[T] = []
    complete = True
    texts: dict[str, int] = {}
    for number, node in enumerate(nodes, start=1):
        where = f"{prefix}, {noun} {number}"
        mapping = r.mapping(node, where, f"an {noun}")
        if mapping is None:
            complete = False
            continue
        ef = r.fields(mapping, allowed, where)
        label, item = read_one(r, ef, where)
        if label is not None and label in texts:
            r.problem(ef.values["text"], f'{noun} "{label}" is listed twice (first on line {texts[label]})', prefix)
            complete = False
        elif label is not None:
            texts[label] = line(ef.values["text"])
        if item is None:
            complete = False
            continue
        out.append(item)
    if len(nodes) < least:
        r.problem(f.values[name], too_few.format(n=len(nodes)), prefix)
        return None
    return out if complete else None
