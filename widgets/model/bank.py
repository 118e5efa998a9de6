"""Load a lesson's quiz bank from YAML, reporting every problem with its line.

Banks are written by clinicians, not programmers, so validation walks the
YAML node tree (which keeps line numbers) instead of plain Python values, and
every message says in plain words what to change.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .questions import (
    QUESTION_TYPES,
    MultiSelect,
    Option,
    Order,
    OrderItem,
    Question,
    SingleChoice,
    TeachBack,
    TrueFalse,
)

__all__ = [
    "Bank",
    "BankError",
    "Problem",
    "REFERENCES_FILE",
    "load_bank",
    "load_reference_keys",
    "validate_bank",
]

REFERENCES_FILE = "assets/references.yaml"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")

PathLike = str | os.PathLike[str]

_COMMON_FIELDS = ("id", "type", "prompt", "refs")
_TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "single": ("options",),
    "multi": ("options",),
    "truefalse": ("answer", "explain_true", "explain_false"),
    "order": ("items",),
    "teachback": ("model_answer", "key_points"),
}
_TOP_FIELDS = ("lesson", "title", "questions", "more_practice")
_OPTION_FIELDS = ("text", "correct", "explain")
_ITEM_FIELDS = ("text", "explain")

# What a per-type reader hands back: build the question from (id, prompt, refs).
_Build = Callable[[str, str, "tuple[str, ...]"], Question]

_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Problem:
    """One thing to fix, located by file and 1-based line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class BankError(ValueError):
    """A bank could not be loaded; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


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


# --------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------


def load_bank(path: PathLike, known_refs: Collection[str] | None = None) -> Bank:
    """Load a bank, or raise :class:`BankError` listing every problem in it."""
    bank, problems = _Reader(Path(path), known_refs).read()
    if problems or bank is None:
        raise BankError(problems)
    return bank


def validate_bank(path: PathLike, known_refs: Collection[str] | None = None) -> list[Problem]:
    """Every problem in a bank, in line order; never raises."""
    try:
        return _Reader(Path(path), known_refs).read()[1]
    except Exception as exc:  # a bug here must not hide the file's problems
        return [Problem(str(path), 1, f"could not check this file ({exc!r})")]


def load_reference_keys(path: PathLike) -> frozenset[str]:
    """The citation keys defined in a references file (its top-level keys)."""
    reader = _Reader(Path(path), None)
    root = reader.compose()
    if root is not None and not isinstance(root, yaml.MappingNode):
        reader.problem(root, "the references file must be a mapping of key: details")
    if reader.problems:
        raise BankError(reader.problems)
    if root is None:
        return frozenset()
    return frozenset(k.value for k, _ in root.value if isinstance(k, yaml.ScalarNode))


# --------------------------------------------------------------------------
# Node helpers
# --------------------------------------------------------------------------


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _shown(node: yaml.Node) -> str:
    """How a value appears in a message."""
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a block of name: value lines"
    if node.tag == _NULL_TAG:
        return "empty"
    value = str(node.value)
    if len(value) > 40:
        value = value[:37] + "..."
    return f'"{value}"'


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG


def _suggest(word: str, allowed: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(allowed), n=1)
    return close[0] if close else None


def _list_words(words: Iterable[str]) -> str:
    return ", ".join(words)


def _question_label(node: yaml.MappingNode, number: int) -> str:
    """How messages name a question: by its id when that is usable, else by position."""
    for key, value in node.value:
        if (
            isinstance(key, yaml.ScalarNode)
            and key.value == "id"
            and isinstance(value, yaml.ScalarNode)
            and ID_PATTERN.match(str(value.value).strip())
        ):
            return f'question "{str(value.value).strip()}"'
    return f"question {number}"


class _Fields:
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


# --------------------------------------------------------------------------
# The reader
# --------------------------------------------------------------------------


class _Reader:
    """Reads one bank file, collecting problems rather than stopping at the first."""

    def __init__(self, path: Path, known_refs: Collection[str] | None) -> None:
        self.path = path
        self.known_refs = None if known_refs is None else frozenset(known_refs)
        self.problems: list[Problem] = []

    # -- reporting ---------------------------------------------------------

    def problem(self, where: yaml.Node | int, message: str, prefix: str = "") -> None:
        line = where if isinstance(where, int) else _line(where)
        self.problems.append(
            Problem(str(self.path), line, f"{prefix}: {message}" if prefix else message)
        )

    # -- text to nodes -----------------------------------------------------

    def compose(self) -> yaml.Node | None:
        """Parse the file into a node tree, turning every failure into a problem."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self.problem(1, "file not found")
            return None
        except IsADirectoryError:
            self.problem(1, "this is a folder, not a quiz bank file")
            return None
        except OSError as exc:
            self.problem(1, f"cannot read this file ({exc.strerror or exc})")
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.problem(
                line,
                f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be read) "
                "— save it with UTF-8 encoding",
            )
            return None
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            self._syntax_problem(exc)
            return None
        except yaml.reader.ReaderError as exc:
            line = text[: exc.position].count("\n") + 1
            char = exc.character
            code = ord(char) if isinstance(char, str) and len(char) == 1 else char
            self.problem(
                line,
                f"YAML syntax error: a hidden control character (U+{code:04X}) "
                "is not allowed — delete it",
            )
            return None
        except yaml.YAMLError as exc:
            self.problem(1, f"YAML syntax error: {exc}")
            return None
        return root

    def _syntax_problem(self, exc: yaml.MarkedYAMLError) -> None:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        if exc.context == "expected a single document in the stream":
            self.problem(
                line,
                "YAML syntax error: the file holds more than one document "
                "(a line with ---) — keep just one",
            )
            return
        message = f"YAML syntax error: {exc.problem or exc.context}"
        if exc.problem and "'\\t'" in exc.problem:
            message += " — indent with spaces, not tabs"
        elif exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            message += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
        self.problem(line, message)

    # -- generic field readers ---------------------------------------------

    def fields(
        self,
        node: yaml.MappingNode,
        allowed: Collection[str] | None,
        prefix: str,
        kind: str = "field",
    ) -> _Fields:
        """Index a mapping by key, reporting repeated and unknown keys."""
        out = _Fields(node)
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or _is_null(key):
                self.problem(key, "a field name must be a plain word", prefix)
                continue
            name = str(key.value)
            if name in out.keys:
                self.problem(
                    key, f'"{name}" is given twice (first on line {_line(out.keys[name])})', prefix
                )
                continue
            out.keys[name] = key
            out.values[name] = value
            if allowed is not None and name not in allowed:
                self.problem(key, self._unknown(out, name, allowed, kind), prefix)
        return out

    @staticmethod
    def _unknown(f: _Fields, name: str, allowed: Collection[str], kind: str = "field") -> str:
        guess = _suggest(name, allowed)
        if guess:
            f.suggested.add(guess)
            return f'unknown {kind} "{name}" — did you mean "{guess}"?'
        return f'unknown {kind} "{name}" — allowed fields are {_list_words(allowed)}'

    def text(
        self, f: _Fields, name: str, prefix: str, hint: str, required: bool = True
    ) -> str | None:
        """A non-empty text field (any plain scalar counts: 2020 is the text "2020")."""
        node = f.get(name)
        if node is None:
            if required and f.missing(name):
                self.problem(f.node, f'missing "{name}" — {hint}', prefix)
            return None
        return self.text_value(node, f'"{name}"', prefix, hint)

    def text_value(self, node: yaml.Node, what: str, prefix: str, hint: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"{what} must be text, not {_shown(node)}", prefix)
            return None
        value = "" if _is_null(node) else str(node.value).strip()
        if not value:
            self.problem(node, f"{what} is empty — {hint}", prefix)
            return None
        return value

    def boolean(self, f: _Fields, name: str, prefix: str) -> bool | None:
        """A strict true/false: YAML's yes/no/on/off are refused as too easy to misread."""
        node = f.get(name)
        if node is None:
            if f.missing(name):
                self.problem(
                    f.node, f'missing "{name}" — add {name}: true or {name}: false', prefix
                )
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL_TAG:
            word = str(node.value).lower()
            if word in ("true", "false"):
                return word == "true"
        message = f'"{name}" must be true or false, not {_shown(node)}'
        if (
            isinstance(node, yaml.ScalarNode)
            and node.tag == _STR_TAG
            and str(node.value).lower() in ("true", "false")
        ):
            message += " (remove the quotes)"
        self.problem(node, message, prefix)
        return None

    def sequence(
        self, f: _Fields, name: str, prefix: str, hint: str, required: bool = True
    ) -> list[yaml.Node] | None:
        node = f.get(name)
        if node is None:
            if required and f.missing(name):
                self.problem(f.node, f'missing "{name}" — {hint}', prefix)
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f'"{name}" must be a list — {hint}', prefix)
            return None
        return list(node.value)

    def mapping(self, node: yaml.Node, prefix: str, what: str) -> yaml.MappingNode | None:
        if isinstance(node, yaml.MappingNode):
            return node
        self.problem(
            node, f"{what} must be a block of name: value lines, not {_shown(node)}", prefix
        )
        return None

    # -- the bank ------------------------------------------------------------

    def read(self) -> tuple[Bank | None, list[Problem]]:
        root = self.compose()
        bank = None
        if root is not None:
            bank = self._bank(root)
        elif not self.problems:
            self.problem(1, 'the file is empty — it needs "lesson:" and "questions:"')
        self.problems.sort(key=lambda p: p.line)
        return (None if self.problems else bank), self.problems

    def _bank(self, root: yaml.Node) -> Bank | None:
        if not isinstance(root, yaml.MappingNode):
            self.problem(
                root,
                'the file must be a block of name: value lines starting with "lesson:", '
                f"not {_shown(root)}",
            )
            return None
        f = self.fields(root, _TOP_FIELDS, "", kind="top-level field")
        stem = self.path.stem
        lesson = self.text(f, "lesson", "", f"add lesson: {stem}")
        if lesson is not None and lesson != stem:
            self.problem(
                f.values["lesson"], f'"lesson" is "{lesson}" but the file is named {self.path.name}'
            )
        title = self.text(f, "title", "", "write a title or remove the line", required=False)
        nodes = self.sequence(
            f, "questions", "", 'add a list of questions, each starting with "- id:"'
        )
        if nodes is not None and not nodes:
            self.problem(f.values["questions"], '"questions" is empty — add at least one question')
        seen: dict[str, int] = {}
        questions = self._questions(nodes or [], seen)
        extra: list[Question] = []
        node = f.values.get("more_practice")
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG:
            self.problem(node, '"more_practice" is empty — add questions under it or delete the line')
        elif node is not None:
            more = self.sequence(
                f, "more_practice", "", 'list further questions under "more_practice:", each starting with "- id:"'
            )
            if more is not None and not more:
                self.problem(node, '"more_practice" is empty — add questions under it or delete the line')
            extra = self._questions(more or [], seen, start=len(nodes or []) + 1)
        if lesson is None or nodes is None:
            return None
        return Bank(lesson=lesson, title=title, questions=tuple(questions), path=self.path, practice=tuple(extra))

    def _questions(self, nodes: list[yaml.Node], seen: dict[str, int], start: int = 1) -> list[Question]:
        """Questions in order; ``seen`` keeps ids unique across the main and practice lists."""
        out: list[Question] = []
        for number, node in enumerate(nodes, start=start):
            q = self._question(node, number, seen)
            if q is not None:
                out.append(q)
        return out

    def _question(self, node: yaml.Node, number: int, seen: dict[str, int]) -> Question | None:
        mapping = self.mapping(node, "", f"question {number}")
        if mapping is None:
            return None
        prefix = _question_label(mapping, number)
        f = self.fields(mapping, None, prefix)
        kind = self._question_type(f, prefix)
        self._check_fields(f, kind, prefix)  # before "missing" checks, so typos count once
        if f.missing("type"):
            self.problem(
                f.node, f'missing "type" — use one of {_list_words(QUESTION_TYPES)}', prefix
            )
        qid = self._question_id(f, number, seen)
        prompt = self.text(f, "prompt", prefix, "write the question text")
        refs = self._refs(f, prefix)
        if kind is None:
            return None
        body = self._BODIES[kind](self, f, prefix)
        if qid is None or prompt is None or refs is None or body is None:
            return None
        return body(qid, prompt, refs)

    def _question_type(self, f: _Fields, prefix: str) -> str | None:
        """The question's type, reporting a value that is not one of the known types."""
        node = f.get("type")
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode) and node.value in QUESTION_TYPES:
            return str(node.value)
        choices = _list_words(QUESTION_TYPES)
        self.problem(node, f"unknown question type {_shown(node)} — use one of {choices}", prefix)
        return None

    def _question_id(self, f: _Fields, number: int, seen: dict[str, int]) -> str | None:
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
            self.problem(
                node,
                f'id "{qid}" may only use lowercase letters, digits and dashes '
                "(for example dose-range-1)",
                where,
            )
            return None
        if qid in seen:
            self.problem(node, f'duplicate question id "{qid}" (first used on line {seen[qid]})')
            return None
        seen[qid] = _line(node)
        return qid

    def _check_fields(self, f: _Fields, kind: str | None, prefix: str) -> None:
        """Report fields the question's type does not use (any type's, if it is unknown)."""
        if kind is None:
            allowed = _COMMON_FIELDS + tuple(dict.fromkeys(sum(_TYPE_FIELDS.values(), ())))
        else:
            allowed = _COMMON_FIELDS + _TYPE_FIELDS[kind]
        for name, key in f.keys.items():
            if name in allowed:
                continue
            if kind is not None and any(name in names for names in _TYPE_FIELDS.values()):
                message = f'"{name}" is not used by {kind} questions — remove it'
            else:
                message = self._unknown(f, name, allowed)
            self.problem(key, message, prefix)

    def _refs(self, f: _Fields, prefix: str) -> tuple[str, ...] | None:
        nodes = self.sequence(
            f, "refs", prefix, "write them like refs: [gaynes2020]", required=False
        )
        if nodes is None:
            return None if "refs" in f.values else ()
        refs: list[str] = []
        ok = True
        for node in nodes:
            key = self.text_value(node, "a reference key", prefix, "remove the empty entry")
            if key is None:
                ok = False
                continue
            if self.known_refs is not None and key not in self.known_refs:
                message = f'reference "{key}" is not in {REFERENCES_FILE}'
                guess = _suggest(key, self.known_refs)
                if guess:
                    message += f' — did you mean "{guess}"?'
                self.problem(node, message, prefix)
                ok = False
            refs.append(key)
        return tuple(refs) if ok else None

    # -- per-type bodies -----------------------------------------------------
    # Each returns a constructor taking (id, prompt, refs), or None if invalid.

    def _choice(self, f: _Fields, prefix: str, multi: bool) -> _Build | None:
        nodes = self.sequence(
            f, "options", prefix, 'add a list of options, each starting with "- text:"'
        )
        if nodes is None:
            return None
        options: list[Option] = []
        complete = True
        texts: dict[str, int] = {}
        for number, node in enumerate(nodes, start=1):
            where = f"{prefix}, option {number}"
            mapping = self.mapping(node, where, "an option")
            if mapping is None:
                complete = False
                continue
            of = self.fields(mapping, _OPTION_FIELDS, where)
            text = self.text(of, "text", where, "write the option's text")
            correct = self.boolean(of, "correct", where)
            explain = self.text(of, "explain", where, "say why this option is right or wrong")
            if text is not None:
                if text in texts:
                    self.problem(
                        of.values["text"],
                        f'option "{text}" is listed twice (first on line {texts[text]})',
                        prefix,
                    )
                    complete = False
                else:
                    texts[text] = _line(of.values["text"])
            if text is None or correct is None or explain is None:
                complete = False
                continue
            options.append(Option(text, correct, explain))
        if len(nodes) < 2:
            self.problem(f.values["options"], f"needs at least 2 options, has {len(nodes)}", prefix)
            return None
        if not complete:
            return None
        n_correct = sum(o.correct for o in options)
        where_node = f.values["options"]
        if multi:
            if n_correct == 0:
                self.problem(
                    where_node,
                    "no option is marked correct: true — multi-select questions need at least one",
                    prefix,
                )
                return None
            if n_correct == len(options):
                self.problem(
                    where_node,
                    "every option is marked correct: true — multi-select questions "
                    "need at least one wrong option too",
                    prefix,
                )
                return None
            return lambda qid, prompt, refs: MultiSelect(qid, prompt, tuple(options), refs)
        if n_correct != 1:
            count = "no option is" if n_correct == 0 else f"{n_correct} options are"
            tail = "" if n_correct == 0 else " (use type: multi if several are right)"
            self.problem(
                where_node,
                f"{count} marked correct: true — single-choice questions need exactly one{tail}",
                prefix,
            )
            return None
        return lambda qid, prompt, refs: SingleChoice(qid, prompt, tuple(options), refs)

    def _single(self, f: _Fields, prefix: str) -> _Build | None:
        return self._choice(f, prefix, multi=False)

    def _multi(self, f: _Fields, prefix: str) -> _Build | None:
        return self._choice(f, prefix, multi=True)

    def _truefalse(self, f: _Fields, prefix: str) -> _Build | None:
        answer = self.boolean(f, "answer", prefix)
        when_true = self.text(
            f, "explain_true", prefix, "say what to tell a learner who picks True"
        )
        when_false = self.text(
            f, "explain_false", prefix, "say what to tell a learner who picks False"
        )
        if answer is None or when_true is None or when_false is None:
            return None
        return lambda qid, prompt, refs: TrueFalse(qid, prompt, answer, when_true, when_false, refs)

    def _order(self, f: _Fields, prefix: str) -> _Build | None:
        nodes = self.sequence(
            f, "items", prefix, 'add the steps in the correct order, each starting with "- text:"'
        )
        if nodes is None:
            return None
        items: list[OrderItem] = []
        complete = True
        texts: dict[str, int] = {}
        for number, node in enumerate(nodes, start=1):
            where = f"{prefix}, item {number}"
            mapping = self.mapping(node, where, "an item")
            if mapping is None:
                complete = False
                continue
            itf = self.fields(mapping, _ITEM_FIELDS, where)
            text = self.text(itf, "text", where, "write the step's text")
            explain = self.text(itf, "explain", where, "say why this step comes here")
            if text is not None:
                if text in texts:
                    self.problem(
                        itf.values["text"],
                        f'item "{text}" is listed twice (first on line {texts[text]})',
                        prefix,
                    )
                    complete = False
                else:
                    texts[text] = _line(itf.values["text"])
            if text is None or explain is None:
                complete = False
                continue
            items.append(OrderItem(text, explain))
        if len(nodes) < 3:
            self.problem(
                f.values["items"],
                f"needs at least 3 items to put in order, has {len(nodes)}",
                prefix,
            )
            return None
        if not complete:
            return None
        return lambda qid, prompt, refs: Order(qid, prompt, tuple(items), refs)

    def _teachback(self, f: _Fields, prefix: str) -> _Build | None:
        model = self.text(f, "model_answer", prefix, "write the answer you would hope to hear")
        nodes = self.sequence(
            f,
            "key_points",
            prefix,
            "list at least 2 points a good answer covers, like [point one, point two]",
        )
        points: list[str] = []
        complete = nodes is not None
        for number, node in enumerate(nodes or [], start=1):
            point = self.text_value(
                node, f"key point {number}", prefix, "write the point or remove it"
            )
            if point is None:
                complete = False
            else:
                points.append(point)
        if nodes is not None and len(nodes) < 2:
            self.problem(
                f.values["key_points"], f"needs at least 2 key points, has {len(nodes)}", prefix
            )
            return None
        if model is None or not complete:
            return None
        return lambda qid, prompt, refs: TeachBack(qid, prompt, model, tuple(points), refs)

    _BODIES = {
        "single": _single,
        "multi": _multi,
        "truefalse": _truefalse,
        "order": _order,
        "teachback": _teachback,
    }
