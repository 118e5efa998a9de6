"""Load a lesson's quiz bank from YAML, reporting every problem with its line.

The bank's own rules live here (its top-level fields, question ids, types
and refs); each type's fields are checked by its entry in
``widgets.model.qtypes``, and the line-numbered reading by
``widgets.content.yamlfile``.  Every message says in plain words what to change.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import yaml

from widgets.content.yamlfile import (
    REFERENCES_FILE,
    ContentError,
    Fields,
    PathLike,
    Problem,
    Reader,
    line,
    shown,
)

from .qtypes import BY_NAME, TYPES
from .qtypes.base import Question

__all__ = ["Bank", "BankError", "Problem", "REFERENCES_FILE", "load_bank", "load_reference_keys", "validate_bank"]

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
COMMON_FIELDS = ("id", "type", "prompt", "refs")
TOP_FIELDS = ("lesson", "title", "questions", "more_practice")
TYPE_NAMES = ", ".join(BY_NAME)


class BankError(ContentError):
    """A bank could not be loaded; ``problems`` lists everything wrong with it."""


@dataclass(frozen=True)
class Bank:
    """A lesson's questions, in the order they are asked."""

    lesson: str
    title: str | None
    questions: tuple[Question, ...]
    path: Path
    #: Optional further questions, shown collapsed under "More practice".
    practice: tuple[Question, ...] = ()

    def question(self, qid: str) -> Question:
        """The question with this id, main or practice (``KeyError`` if there is none)."""
        for q in self.questions + self.practice:
            if q.id == qid:
                return q
        raise KeyError(qid)


def load_bank(path: PathLike, known_refs: Collection[str] | None = None) -> Bank:
    """Load a bank, or raise :class:`BankError` listing every problem in it."""
    bank, problems = BankReader(path, known_refs).read_bank()
    if problems or bank is None:
        raise BankError(problems)
    return bank


def validate_bank(path: PathLike, known_refs: Collection[str] | None = None) -> list[Problem]:
    """Every problem in a bank, in line order; never raises."""
    try:
        return BankReader(path, known_refs).read_bank()[1]
    except Exception as exc:  # a bug here must not hide the file's problems
        return [Problem(str(path), 1, f"could not check this file ({exc!r})")]


def load_reference_keys(path: PathLike) -> frozenset[str]:
    """The citation keys defined in a references file (its top-level keys)."""
    reader = Reader(path)
    root = reader.compose()
    if root is not None and not isinstance(root, yaml.MappingNode):
        reader.problem(root, "the references file must be a mapping of key: details")
    if reader.problems:
        raise BankError(reader.problems)
    if root is None:
        return frozenset()
    return frozenset(k.value for k, _ in root.value if isinstance(k, yaml.ScalarNode))


def _question_label(node: yaml.MappingNode, number: int) -> str:
    """How messages name a question: by its id when that is usable, else by position."""
    for key, value in node.value:
        if (isinstance(key, yaml.ScalarNode) and key.value == "id" and isinstance(value, yaml.ScalarNode)
                and ID_PATTERN.match(str(value.value).strip())):
            return f'question "{str(value.value).strip()}"'
    return f"question {number}"


class BankReader(Reader):
    """Reads one bank file, collecting problems rather than stopping at the first."""

    def read_bank(self) -> tuple[Bank | None, list[Problem]]:
        return self.read(self._bank, 'the file is empty — it needs "lesson:" and "questions:"')

    def _bank(self, root: yaml.Node) -> Bank | None:
        if not isinstance(root, yaml.MappingNode):
            self.problem(root, 'the file must be a block of name: value lines starting with "lesson:", '
                         f"not {shown(root)}")
            return None
        f = self.fields(root, TOP_FIELDS, "", kind="top-level field")
        stem = self.path.stem
        lesson = self.text(f, "lesson", "", f"add lesson: {stem}")
        if lesson is not None and lesson != stem:
            self.problem(f.values["lesson"], f'"lesson" is "{lesson}" but the file is named {self.path.name}')
        title = self.text(f, "title", "", "write a title or remove the line", required=False)
        nodes = self.sequence(f, "questions", "", 'add a list of questions, each starting with "- id:"')
        if nodes is not None and not nodes:
            self.problem(f.values["questions"], '"questions" is empty — add at least one question')
        seen: dict[str, int] = {}
        questions = self._questions(nodes or [], seen)
        extra = self._practice(f, seen, start=len(nodes or []) + 1)
        if lesson is None or nodes is None:
            return None
        return Bank(lesson=lesson, title=title, questions=tuple(questions), path=self.path, practice=tuple(extra))

    def _practice(self, f: Fields, seen: dict[str, int], start: int) -> list[Question]:
        """The optional "more_practice" list, numbered on from the main questions."""
        node = f.values.get("more_practice")
        empty = '"more_practice" is empty — add questions under it or delete the line'
        if node is None:
            return []
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            self.problem(node, empty)
            return []
        more = self.sequence(f, "more_practice", "",
                             'list further questions under "more_practice:", each starting with "- id:"')
        if more is not None and not more:
            self.problem(node, empty)
        return self._questions(more or [], seen, start=start)

    def _questions(self, nodes: list[yaml.Node], seen: dict[str, int], start: int = 1) -> list[Question]:
        """Questions in order; ``seen`` keeps ids unique across the main and practice lists."""
        found = (self._question(node, number, seen) for number, node in enumerate(nodes, start=start))
        return [q for q in found if q is not None]

    def _question(self, node: yaml.Node, number: int, seen: dict[str, int]) -> Question | None:
        mapping = self.mapping(node, "", f"question {number}")
        if mapping is None:
            return None
        prefix = _question_label(mapping, number)
        f = self.fields(mapping, None, prefix)
        kind = self._question_type(f, prefix)
        self._check_fields(f, kind, prefix)  # before "missing" checks, so typos count once
        if f.missing("type"):
            self.problem(f.node, f'missing "type" — use one of {TYPE_NAMES}', prefix)
        qid = self._question_id(f, number, seen)
        prompt = self.text(f, "prompt", prefix, "write the question text")
        refs = self.refs(f, prefix)
        if kind is None:
            return None
        build = BY_NAME[kind].read(self, f, prefix)
        if qid is None or prompt is None or refs is None or build is None:
            return None
        return build(qid, prompt, refs)

    def _question_type(self, f: Fields, prefix: str) -> str | None:
        """The question's type, reporting a value that is not one of the known types."""
        node = f.get("type")
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode) and node.value in BY_NAME:
            return str(node.value)
        self.problem(node, f"unknown question type {shown(node)} — use one of {TYPE_NAMES}", prefix)
        return None

    def _question_id(self, f: Fields, number: int, seen: dict[str, int]) -> str | None:
        node = f.get("id")
        where = f"question {number}"
        hint = "give each question a short unique name like q1"
        if node is None:
            if f.missing("id"):
                self.problem(f.node, f'missing "id" — {hint}', where)
            return None
        qid = self.text_value(node, '"id"', where, hint)
        if qid is None:
            return None
        if not ID_PATTERN.match(qid):
            self.problem(node, f'id "{qid}" may only use lowercase letters, digits and dashes '
                         "(for example dose-range-1)", where)
            return None
        if qid in seen:
            self.problem(node, f'duplicate question id "{qid}" (first used on line {seen[qid]})')
            return None
        seen[qid] = line(node)
        return qid

    def _check_fields(self, f: Fields, kind: str | None, prefix: str) -> None:
        """Report fields the question's type does not use (any type's, if it is unknown)."""
        type_fields = tuple(dict.fromkeys(name for t in TYPES for name in t.fields))
        allowed = COMMON_FIELDS + (type_fields if kind is None else BY_NAME[kind].fields)
        for name, key in f.keys.items():
            if name in allowed:
                continue
            if kind is not None and name in type_fields:
                message = f'"{name}" is not used by {kind} questions — remove it'
            else:
                message = self.unknown(f, name, allowed)
            self.problem(key, message, prefix)
