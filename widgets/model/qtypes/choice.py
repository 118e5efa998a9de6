"""What the two choice types share: options, their YAML reader, reveal, view and schema."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from widgets.content.yamlfile import Fields, Reader

from ..feedback import ItemFeedback
from .base import Build, Question, entries, listed, read_items, text

OPTION_FIELDS = ("text", "correct", "explain")


@dataclass(frozen=True)
class Option:
    """One choice in a single- or multi-choice question."""

    text: str
    correct: bool  # single choice: exactly one option; multi-select: at least one, not all
    explain: str


@dataclass(frozen=True)
class ChoiceQuestion(Question):
    """The fields of both choice types; each type is a subclass with its own ``kind``."""

    options: tuple[Option, ...]


def reader(cls: type[ChoiceQuestion], count_problem: Callable[[int, int], str | None]):
    """A type's YAML reader: the options, then ``count_problem(n_correct, n_options)``."""

    def read(r: Reader, f: Fields, prefix: str) -> Build | None:
        options = read_options(r, f, prefix)
        if options is None:
            return None
        problem = count_problem(sum(o.correct for o in options), len(options))
        if problem:
            r.problem(f.values["options"], problem, prefix)
            return None
        return lambda qid, prompt, refs: cls(qid, prompt, tuple(options), refs=refs)

    return read


def _option(r: Reader, of: Fields, where: str) -> tuple[str | None, Option | None]:
    label = r.text(of, "text", where, "write the option's text")
    correct = r.boolean(of, "correct", where)
    explain = r.text(of, "explain", where, "say why this option is right or wrong")
    complete = label is not None and correct is not None and explain is not None
    return label, Option(label, correct, explain) if complete else None


def read_options(r: Reader, f: Fields, prefix: str) -> list[Option] | None:
    """The options (at least 2, texts unique), or None after reporting what is wrong."""
    return read_items(r, f, prefix, "options", "option", OPTION_FIELDS, 2, _option,
                      hint='add a list of options, each starting with "- text:"',
                      too_few="needs at least 2 options, has {n}")


def key(q: ChoiceQuestion) -> tuple[ItemFeedback, ...]:
    """Every option with its explanation, the right ones marked."""
    return tuple(ItemFeedback(o.text, "right" if o.correct else "wrong", o.explain) for o in q.options)


def public(q: ChoiceQuestion) -> dict[str, Any]:
    return {"options": [o.text for o in q.options]}


PROPERTIES = {
    "options": listed(
        entries("One choice the learner can pick.",
                text=text("The option as the learner reads it."),
                correct={"type": "boolean", "description": "true if this option is right."},
                explain=text("Why this option is right or wrong.")),
        2, "The choices, each starting with - text:"),
}
#: At least one option is correct (the reader checks the exact counts).
RULES = {"properties": {"options": {"contains": {"properties": {"correct": {"const": True}}}}}}
