"""The course glossary: plain definitions, one page, each term with an anchor.

Lessons link a term at first use to ``/glossary#<slug>``.  The terms live in
``assets/glossary.yaml`` as ``slug: {term, definition}`` blocks; every bad
entry is reported as ``path:line: message`` (``python -m widgets.validate``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from widgets.paths import GLOSSARY

from . import offlabel
from .yamlfile import ContentError, Problem, Reader, line

FIELDS = ("term", "definition")


@dataclass(frozen=True)
class Term:
    slug: str
    term: str
    definition: str
    line: int = field(default=0, compare=False)  # where its slug is in the file

    @property
    def letter(self) -> str:
        """The A–Z group the page files the term under ("#" for a term that starts with a digit)."""
        first = self.term[:1].upper()
        return first if first.isalpha() else "#"


def read(path: Path = GLOSSARY) -> tuple[list[Term], list[Problem]]:
    """Every well-formed term (sorted by term) and every problem with the file."""
    reader = Reader(path)
    terms: list[Term] = []

    def build(root: yaml.Node) -> list[Term]:
        top = reader.mapping(root, "", "the glossary")
        if top is None:
            return []
        entries = reader.fields(top, None, "")  # repeated slugs are reported here
        for slug, node in entries.values.items():
            where = f'term "{slug}"'
            if not isinstance(node, yaml.MappingNode):
                reader.problem(entries.keys[slug], f'{where} must have "term:" and "definition:" lines under it')
                continue
            f = reader.fields(node, FIELDS, where)
            term = reader.text(f, "term", where, "write the term as the page shows it")
            definition = reader.text(f, "definition", where, "define it in one or two plain sentences")
            if term and definition:
                terms.append(Term(slug, term, definition, line(entries.keys[slug])))
        return terms

    reader.read(build, "the glossary is empty — add slug: {term, definition} blocks")
    return sorted(terms, key=lambda t: t.term.lower()), reader.problems


def validate(path: Path = GLOSSARY) -> list[Problem]:
    """Every problem: malformed entries, and any that speak of racemic ketamine without "off-label"."""
    terms, problems = read(path)
    for t in terms:
        phrase = offlabel.unlabelled(f"{t.term}\n{t.definition}")
        if phrase:
            problems.append(Problem(str(path), t.line, f'term "{t.slug}": {offlabel.message(phrase)}'))
    return sorted(problems, key=lambda p: p.line)


def load(path: Path = GLOSSARY) -> list[Term]:
    """The terms, sorted; raises :class:`ContentError` (a ValueError) naming each problem."""
    terms, problems = read(path)
    if problems:
        raise ContentError(problems)
    return terms
