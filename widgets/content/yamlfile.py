"""A line-numbered YAML reader for every course file educators edit.

Quiz banks, the glossary, the care-team questions, the references and the
decision aid are written by clinicians, not programmers.  So each is read as
a YAML node tree (which keeps line numbers), and every problem becomes a
:class:`Problem` printed as ``path:line: message`` in plain words.  A reader
collects problems rather than stopping at the first.

This module knows YAML, not any one file: the rules of each file live with
its reader (``widgets.model.bank``, ``widgets.content.glossary``, ...).  The one
shared rule it holds is for ``refs:`` fields, which every file that cites checks
against ``assets/references.yaml``.
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml

__all__ = ["ContentError", "Fields", "Problem", "Reader", "line", "parse", "shown"]

PathLike = str | os.PathLike[str]
T = TypeVar("T")

REFERENCES_FILE = "assets/references.yaml"
NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
STR_TAG = "tag:yaml.org,2002:str"



@functools.lru_cache(maxsize=256)
def parse(text: str) -> yaml.Node | None:
    """The node tree of a YAML text, composed once however many checks read the
    same file (``make check`` reads a bank for its format, its off-label wording
    and its size).  Raises ``yaml.YAMLError``; callers must not change the nodes."""
    return yaml.compose(text, Loader=yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One thing to fix, located by file and 1-based line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(ValueError):
    """A file could not be loaded; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def line(node: yaml.Node) -> int:
    """The 1-based line a node starts on."""
    return node.start_mark.line + 1


def shown(node: yaml.Node) -> str:
    """How a value appears in a message."""
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a block of name: value lines"
    if node.tag == NULL_TAG:
        return "empty"
    value = str(node.value)
    if len(value) > 40:
        value = value[:37] + "..."
    return f'"{value}"'


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG


def suggest(word: str, allowed: Iterable[str]) -> str | None:
    """The allowed word closest to a misspelt one, if any is close."""
    close = difflib.get_close_matches(word, list(allowed), n=1)
    return close[0] if close else None


class Fields:
    """A YAML mapping's fields by name, keeping the key nodes for line numbers."""

    def __init__(self, node: yaml.MappingNode) -> None:
        self.node = node
        self.keys: dict[str, yaml.Node] = {}
        self.values: dict[str, yaml.Node] = {}
        # Names already suggested for a misspelt key; not reported again as missing.
        self.suggested: set[str] = set()

    def missing(self, name: str) -> bool:
        """True if ``name`` is absent and was not just suggested for a typo."""
        return name not in self.values and name not in self.suggested

    def get(self, name: str) -> yaml.Node | None:
        return self.values.get(name)


class Reader:
    """Reads one file into nodes and checks its fields, collecting every problem.

    ``known_refs``, when given, are the citation keys :meth:`refs` accepts.
    """

    def __init__(self, path: PathLike, known_refs: Collection[str] | None = None) -> None:
        self.path = Path(path)
        self.known_refs = None if known_refs is None else frozenset(known_refs)
        self.problems: list[Problem] = []

    def problem(self, where: yaml.Node | int, message: str, prefix: str = "") -> None:
        at = where if isinstance(where, int) else line(where)
        self.problems.append(Problem(str(self.path), at, f"{prefix}: {message}" if prefix else message))

    def read(self, build: Callable[[yaml.Node], T | None], empty: str) -> tuple[T | None, list[Problem]]:
        """``build`` the file's root node; the result only if no problem was found."""
        root = self.compose()
        result = None
        if root is not None:
            result = build(root)
        elif not self.problems:
            self.problem(1, empty)
        self.problems.sort(key=lambda p: p.line)
        return (None if self.problems else result), self.problems

    # -- text to nodes -----------------------------------------------------

    def compose(self) -> yaml.Node | None:
        """Parse the file into a node tree, turning every failure into a problem."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self.problem(1, "file not found")
            return None
        except IsADirectoryError:
            self.problem(1, "this is a folder, not a file")
            return None
        except OSError as exc:
            self.problem(1, f"cannot read this file ({exc.strerror or exc})")
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.problem(
                raw[: exc.start].count(b"\n") + 1,
                f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be read) "
                "— save it with UTF-8 encoding",
            )
            return None
        try:
            return parse(text)
        except yaml.MarkedYAMLError as exc:
            self._syntax_problem(exc)
        except yaml.reader.ReaderError as exc:
            char = exc.character
            code = ord(char) if isinstance(char, str) and len(char) == 1 else char
            self.problem(
                text[: exc.position].count("\n") + 1,
                f"YAML syntax error: a hidden control character (U+{code:04X}) "
                "is not allowed — delete it",
            )
        except yaml.YAMLError as exc:
            self.problem(1, f"YAML syntax error: {exc}")
        return None

    def _syntax_problem(self, exc: yaml.MarkedYAMLError) -> None:
        mark = exc.problem_mark or exc.context_mark
        at = mark.line + 1 if mark else 1
        if exc.context == "expected a single document in the stream":
            self.problem(at, "YAML syntax error: the file holds more than one document "
                         "(a line with ---) — keep just one")
            return
        message = f"YAML syntax error: {exc.problem or exc.context}"
        if exc.problem and "'\\t'" in exc.problem:
            message += " — indent with spaces, not tabs"
        elif exc.context and exc.context_mark and exc.context_mark.line + 1 != at:
            message += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
        self.problem(at, message)

    # -- fields ------------------------------------------------------------

    def fields(self, node: yaml.MappingNode, allowed: Collection[str] | None, prefix: str,
               kind: str = "field") -> Fields:
        """Index a mapping by key, reporting repeated and (if ``allowed``) unknown keys."""
        out = Fields(node)
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or is_null(key):
                self.problem(key, "a field name must be a plain word", prefix)
                continue
            name = str(key.value)
            if name in out.keys:
                self.problem(key, f'"{name}" is given twice (first on line {line(out.keys[name])})', prefix)
                continue
            out.keys[name] = key
            out.values[name] = value
            if allowed is not None and name not in allowed:
                self.problem(key, self.unknown(out, name, allowed, kind), prefix)
        return out

    def only(self, f: Fields, allowed: Collection[str], prefix: str) -> None:
        """Report every field of ``f`` that is not ``allowed``."""
        for name, key in f.keys.items():
            if name not in allowed:
                self.problem(key, self.unknown(f, name, allowed), prefix)

    @staticmethod
    def unknown(f: Fields, name: str, allowed: Collection[str], kind: str = "field") -> str:
        """The message for an unknown field: the likely intended name, or every allowed one."""
        guess = suggest(name, allowed)
        if guess:
            f.suggested.add(guess)
            return f'unknown {kind} "{name}" — did you mean "{guess}"?'
        return f'unknown {kind} "{name}" — allowed fields are {", ".join(allowed)}'

    def _present(self, f: Fields, name: str, prefix: str, hint: str, required: bool) -> yaml.Node | None:
        node = f.get(name)
        if node is None and required and f.missing(name):
            self.problem(f.node, f'missing "{name}" — {hint}', prefix)
        return node

    def text(self, f: Fields, name: str, prefix: str, hint: str, required: bool = True) -> str | None:
        """A non-empty text field (any plain scalar counts: 2020 is the text "2020")."""
        node = self._present(f, name, prefix, hint, required)
        return None if node is None else self.text_value(node, f'"{name}"', prefix, hint)

    def text_value(self, node: yaml.Node, what: str, prefix: str, hint: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"{what} must be text, not {shown(node)}", prefix)
            return None
        value = "" if is_null(node) else str(node.value).strip()
        if not value:
            self.problem(node, f"{what} is empty — {hint}", prefix)
            return None
        return value

    def boolean(self, f: Fields, name: str, prefix: str) -> bool | None:
        """A strict true/false: YAML's yes/no/on/off are refused as too easy to misread."""
        node = self._present(f, name, prefix, f"add {name}: true or {name}: false", True)
        if node is None:
            return None
        word = str(node.value).lower() if isinstance(node, yaml.ScalarNode) else ""
        if node.tag == BOOL_TAG and word in ("true", "false"):
            return word == "true"
        message = f'"{name}" must be true or false, not {shown(node)}'
        if node.tag == STR_TAG and word in ("true", "false"):
            message += " (remove the quotes)"
        self.problem(node, message, prefix)
        return None

    def sequence(self, f: Fields, name: str, prefix: str, hint: str,
                 required: bool = True) -> list[yaml.Node] | None:
        node = self._present(f, name, prefix, hint, required)
        if node is None:
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f'"{name}" must be a list — {hint}', prefix)
            return None
        return list(node.value)

    def mapping(self, node: yaml.Node, prefix: str, what: str) -> yaml.MappingNode | None:
        if isinstance(node, yaml.MappingNode):
            return node
        self.problem(node, f"{what} must be a block of name: value lines, not {shown(node)}", prefix)
        return None

    def refs(self, f: Fields, prefix: str) -> tuple[str, ...] | None:
        """An optional ``refs: [key, ...]`` list; None if it is malformed or cites an unknown key."""
        nodes = self.sequence(f, "refs", prefix, "write them like refs: [gaynes2020]", required=False)
        if nodes is None:
            return None if "refs" in f.values else ()
        keys: list[str] = []
        ok = True
        for node in nodes:
            key = self.text_value(node, "a reference key", prefix, "remove the empty entry")
            if key is None:
                ok = False
                continue
            if self.known_refs is not None and key not in self.known_refs:
                guess = suggest(key, self.known_refs)
                tail = f' — did you mean "{guess}"?' if guess else ""
                self.problem(node, f'reference "{key}" is not in {REFERENCES_FILE}{tail}', prefix)
                ok = False
            keys.append(key)
        return tuple(keys) if ok else None
