"""The course glossary: plain definitions, one page, each term with an anchor.

Lessons link a term at first use to ``/glossary#<slug>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from widgets.paths import GLOSSARY


@dataclass(frozen=True)
class Term:
    slug: str
    term: str
    definition: str

    @property
    def letter(self) -> str:
        """The A–Z group the page files the term under ("#" for a term that starts with a digit)."""
        first = self.term[:1].upper()
        return first if first.isalpha() else "#"


def load(path: Path = GLOSSARY) -> list[Term]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    terms = [Term(str(k), str(v["term"]), str(v["definition"])) for k, v in data.items()]
    return sorted(terms, key=lambda t: t.term.lower())
