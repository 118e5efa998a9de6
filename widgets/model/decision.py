"""The option grid and decision aid of "Weighing your options", read from YAML.

``assets/data/decision_aid.yaml`` is the one home of the grid's words and
numbers and of the questions the learner answers.  This module reads it
into plain data and reports every problem as ``path:line: message``; it
holds no widget or page code (``widgets.figures.options`` draws it).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import yaml

from widgets.content import offlabel
from widgets.content.yamlfile import Fields, Problem, Reader, line
from widgets.paths import DATA

DECISION_AID = DATA / "decision_aid.yaml"
CELL_MAX_WORDS = 60
CAP_MAX = 20
ID = re.compile(r"^[a-z][a-z0-9-]*$")
# A number in a cell needs a source, as in lesson text ("in 100" figures, weeks, prices).
NUMBER = re.compile(r"\d")


@dataclass(frozen=True)
class GridCell:
    text: str
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    id: str
    question: str  # as people ask it


@dataclass(frozen=True)
class Option:
    id: str
    name: str
    kind: str
    cells: tuple[tuple[str, GridCell], ...]  # (row id, cell), in row order

    def cell(self, row: str) -> GridCell:
        return dict(self.cells)[row]


@dataclass(frozen=True)
class Factor:
    id: str
    text: str
    row: str  # the id of the grid row this factor is about


@dataclass(frozen=True)
class SureItem:
    id: str
    letter: str
    name: str
    text: str  # the published wording, unchanged
    short: str  # the course's own label for the printed summary


@dataclass(frozen=True)
class DecisionAid:
    decision: str
    rows: tuple[Row, ...]
    options: tuple[Option, ...]
    factors: tuple[Factor, ...]
    ratings: tuple[str, ...]
    sure: tuple[SureItem, ...]
    sure_refs: tuple[str, ...]
    caps: tuple[tuple[str, int], ...]

    def refs(self) -> list[str]:
        """Every reference key the grid and the SURE test cite, first use first."""
        seen: dict[str, None] = {}
        for option in self.options:
            for _row, cell in option.cells:
                seen.update(dict.fromkeys(cell.refs))
        seen.update(dict.fromkeys(self.sure_refs))
        return list(seen)

    def cap(self, name: str) -> int:
        return dict(self.caps)[name]


class _AidReader(Reader):
    """Reads decision_aid.yaml, collecting every problem rather than stopping at the first."""

    def read_aid(self) -> tuple[DecisionAid | None, list[Problem]]:
        return self.read(self._aid, 'the file is empty — it needs "decision:", "rows:", "options:", "factors:" and "sure:"')

    # -- helpers -------------------------------------------------------------

    def _ids(self, nodes: list[yaml.Node], what: str, allowed: tuple[str, ...], named: str = ""):
        """Each usable entry of a list as (fields, id, prefix); ids must be unique short words.

        Messages name an entry ``f"{named} {id}"`` when ``named`` is given, else by position.
        """
        seen: dict[str, int] = {}
        for i, node in enumerate(nodes, start=1):
            m = self.mapping(node, f"{what} {i}", "each entry")
            if m is None:
                continue
            f = self.fields(m, None, f"{what} {i}")
            ident = self.text(f, "id", f"{what} {i}", "give it a short id like benefit")
            if ident is None:
                continue
            if not ID.match(ident):
                self.problem(f.get("id"), f'id "{ident}" must be lower-case letters, digits and dashes', f"{what} {i}")
            if ident in seen:
                self.problem(f.get("id"), f'id "{ident}" is used twice (first on line {seen[ident]})', f"{what} {i}")
            seen[ident] = line(f.get("id"))
            prefix = f"{named} {ident}" if named else f"{what} {i}"
            self.only(f, allowed, prefix)
            yield f, ident, prefix

    def _ref_list(self, f: Fields, prefix: str) -> tuple[str, ...]:
        return self.refs(f, prefix) or ()

    # -- the file ------------------------------------------------------------

    def _aid(self, root: yaml.Node) -> DecisionAid | None:
        top = self.mapping(root, "", "the file")
        if top is None:
            return None
        f = self.fields(top, ("decision", "rows", "options", "factors", "ratings", "sure", "caps"), "")
        decision = self.text(f, "decision", "", "state the decision in one question")
        rows = self._rows(f)
        row_ids = [r.id for r in rows]
        options = self._options(f, row_ids)
        factors = self._factors(f, row_ids)
        ratings = self._ratings(f)
        sure, sure_refs = self._sure(f)
        caps = self._caps(f)
        if decision is None or self.problems:
            return None
        return DecisionAid(decision, tuple(rows), tuple(options), tuple(factors), ratings, sure, sure_refs, caps)

    def _rows(self, f: Fields) -> list[Row]:
        nodes = self.sequence(f, "rows", "", "list the grid's questions, each with id: and question:") or []
        rows = []
        for rf, ident, prefix in self._ids(nodes, "rows:", ("id", "question")):
            q = self.text(rf, "question", prefix, "write the question people ask")
            if q:
                rows.append(Row(ident, q))
        if nodes and len(rows) < 2:
            self.problem(f.get("rows"), "the grid needs at least 2 rows")
        return rows

    def _options(self, f: Fields, row_ids: list[str]) -> list[Option]:
        nodes = self.sequence(f, "options", "", "list every reasonable option, each with id:, name:, kind: and cells:") or []
        options = []
        for of, ident, prefix in self._ids(nodes, "options:", ("id", "name", "kind", "cells"), "option"):
            name = self.text(of, "name", prefix, "name the option in plain words")
            kind = self.text(of, "kind", prefix, "say in a few words what it is")
            cells_node = of.get("cells")
            if cells_node is None:
                self.problem(of.node, 'missing "cells" — give one cell for each row', prefix)
                continue
            cm = self.mapping(cells_node, prefix, '"cells"')
            if cm is None:
                continue
            cf = self.fields(cm, row_ids, prefix, kind="row")
            cells = []
            for row in row_ids:
                node = cf.get(row)
                if node is None:
                    if cf.missing(row):
                        self.problem(cm, f'no cell for row "{row}" — every option answers every row', prefix)
                    continue
                cell = self._cell(node, f"{prefix}, row {row}")
                if cell is not None:
                    cells.append((row, cell))
            if name and kind:
                options.append(Option(ident, name, kind, tuple(cells)))
        if nodes and len(options) < 2:
            self.problem(f.get("options"), "the grid needs at least 2 options")
        return options

    def _cell(self, node: yaml.Node, prefix: str) -> GridCell | None:
        m = self.mapping(node, prefix, "a cell")
        if m is None:
            return None
        f = self.fields(m, ("text", "refs"), prefix)
        text = self.text(f, "text", prefix, "write what is known, or say plainly that it is not known")
        refs = self._ref_list(f, prefix)
        if text is None:
            return None
        text = " ".join(text.split())
        where = f.get("text")
        if NUMBER.search(text) and not refs:
            self.problem(where, "a number needs a source: add refs: [key] with the keys it comes from", prefix)
        words = len(text.split())
        if words > CELL_MAX_WORDS:
            self.problem(where, f"{words} words; keep a cell to {CELL_MAX_WORDS} so the grid fits a phone", prefix)
        phrase = offlabel.unlabelled(text)
        if phrase:
            self.problem(where, offlabel.message(phrase), prefix)
        return GridCell(text, refs)

    def _factors(self, f: Fields, row_ids: list[str]) -> list[Factor]:
        nodes = self.sequence(f, "factors", "", "list what may matter to a learner, each with id:, text: and row:") or []
        out = []
        for ff, ident, prefix in self._ids(nodes, "factors:", ("id", "text", "row"), "factor"):
            text = self.text(ff, "text", prefix, "say what may matter, e.g. Getting better quickly")
            row = self.text(ff, "row", prefix, "name the grid row this factor is about")
            if row and row not in row_ids:
                self.problem(ff.get("row"), f'row "{row}" is not one of the grid rows ({", ".join(row_ids)})', prefix)
            elif text and row:
                out.append(Factor(ident, text, row))
        return out

    def _ratings(self, f: Fields) -> tuple[str, ...]:
        nodes = self.sequence(f, "ratings", "", "give the 3 answers, least to most, e.g. [Not much, Some, A lot]") or []
        words = [w for n in nodes if (w := self.text_value(n, "a rating", "ratings", "remove the empty entry"))]
        if nodes and len(nodes) != 3:
            self.problem(f.get("ratings"), f"give exactly 3 ratings, least to most; there are {len(nodes)}")
        return tuple(words)

    def _sure(self, f: Fields) -> tuple[tuple[SureItem, ...], tuple[str, ...]]:
        node = f.get("sure")
        if node is None:
            if f.missing("sure"):
                self.problem(f.node, 'missing "sure" — the SURE test\'s 4 items, with refs:')
            return (), ()
        m = self.mapping(node, "sure", '"sure"')
        if m is None:
            return (), ()
        sf = self.fields(m, ("refs", "items"), "sure")
        refs = self._ref_list(sf, "sure")
        if not refs:
            self.problem(m, "cite the SURE test's source: refs: [legare2010sure]", "sure")
        nodes = self.sequence(sf, "items", "sure", "list its 4 items with id:, letter:, name:, text: and short:") or []
        items = []
        for itf, ident, prefix in self._ids(nodes, "sure item", ("id", "letter", "name", "text", "short"), "sure item"):
            values = [self.text(itf, k, prefix, f"give the item's {k}") for k in ("letter", "name", "text", "short")]
            if all(values):
                items.append(SureItem(ident, *values))
        if nodes and len(nodes) != 4:
            self.problem(sf.get("items"), f"the SURE test has 4 items; there are {len(nodes)}", "sure")
        return tuple(items), refs

    def _caps(self, f: Fields) -> tuple[tuple[str, int], ...]:
        node = f.get("caps")
        if node is None:
            if f.missing("caps"):
                self.problem(f.node, 'missing "caps" — how long the summary\'s lists may be (questions:, medicines:)')
            return ()
        m = self.mapping(node, "caps", '"caps"')
        if m is None:
            return ()
        cf = self.fields(m, ("questions", "medicines"), "caps")
        out = []
        for name in ("questions", "medicines"):
            v = cf.get(name)
            if v is None:
                if cf.missing(name):
                    self.problem(m, f'missing "{name}" — a whole number from 1 to {CAP_MAX}', "caps")
                continue
            text = str(v.value).strip() if isinstance(v, yaml.ScalarNode) else ""
            if not text.isdigit() or not 1 <= int(text) <= CAP_MAX:
                self.problem(v, f'"{name}" must be a whole number from 1 to {CAP_MAX}, so the summary stays one page', "caps")
                continue
            out.append((name, int(text)))
        return tuple(out)


def load_decision_aid(
    path: Path = DECISION_AID, known_refs: Collection[str] | None = None
) -> tuple[DecisionAid | None, list[Problem]]:
    """The decision aid, or None and every problem found (``path:line: message``)."""
    return _AidReader(path, known_refs).read_aid()


def read_decision_aid(path: Path = DECISION_AID) -> DecisionAid:
    """The decision aid for a lesson page; raises ValueError naming each problem."""
    aid, problems = load_decision_aid(path)
    if aid is None:
        raise ValueError("; ".join(str(p) for p in problems[:5]) or f"{path}: cannot be read")
    return aid
