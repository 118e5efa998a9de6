"""Reading level of lesson prose, measured offline.

textstat 0.7.13 fetches NLTK's cmudict for English syllables at run time,
which fails without a network; we make it use its Pyphen path instead.
The patch takes its target from :func:`widgets.compat.patch`, so a textstat
that has moved or renamed it is an error naming the pinned version, never a
patch that silently stops working.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from widgets import compat

_PATCHED = False


def _no_cmudict(lang: str) -> None:
    """Pyphen only: offline and repeatable."""
    return None


def _textstat():
    global _PATCHED
    import textstat

    if not _PATCHED:
        compat.resolve("textstat.fallback")  # with no dictionary, textstat still counts with Pyphen
        compat.patch("textstat.get_cmudict", _no_cmudict)
        _PATCHED = True
    return textstat


URL = re.compile(r"https?://\S+|<[^>]+>|\]\([^)]*\)")
CITATION = re.compile(r"\[\[[^\]]*\]\([^)]*\)(?:,\s*\[[^\]]*\]\([^)]*\))*\]")
TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")


def plain_text(markdown: str) -> str:
    """Prose only: no citations, links, HTML tags, tables or Markdown marks."""
    text = CITATION.sub("", markdown)
    lines = []
    for line in text.splitlines():
        if TABLE_LINE.match(line):
            continue
        line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line)  # headings become sentences
        line = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", line)  # list marks
        if line.strip() and not re.search(r"[.!?:]\s*$", line.strip()):
            line = line.rstrip() + "."  # headings and bullets end a sentence
        lines.append(line)
    text = "\n".join(lines)
    text = URL.sub(" ", text)
    text = re.sub(r"[*_`\\]|\[|\]", "", text)
    text = html.unescape(text)
    return re.sub(r"[ \t]+", " ", text).strip()


@dataclass(frozen=True)
class Grade:
    fk: float  # Flesch-Kincaid grade
    smog: float
    ease: float  # Flesch reading ease
    words: int


def reading_grade(text: str) -> Grade:
    ts = _textstat()
    return Grade(
        fk=round(ts.flesch_kincaid_grade(text), 1),
        smog=round(ts.smog_index(text), 1),
        ease=round(ts.flesch_reading_ease(text), 1),
        words=ts.lexicon_count(text),
    )
