"""What the lesson contract measures in a lesson's text: its parts, word counts and limits.

Shared by the contract's rules (:mod:`widgets.authoring.contract`), ``make check``
and the page audit (``bench/audit.py``), so each limit and count has one home.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from widgets.content.notebooks import Cell, Notebook
from widgets.content.yamlfile import parse

H1 = re.compile(r"^#\s+(.+)$", re.M)
MINUTES = re.compile(r"about (\d+) minutes", re.I)
BULLET = re.compile(r"^\s*[-*]\s+\S", re.M)
GLOSSARY_LINK = re.compile(r"\]\(/glossary#([a-z0-9-]+)\)")
CITE = re.compile(r"\[(\d+)\]\(#ref-([a-z0-9-]+)\)")
LAST_REVIEWED = re.compile(r"last reviewed:?\s*\**\s*(\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]+ \d{4})", re.I)
QUIZ_CALL = re.compile(r"""\bquiz\(\s*["']([^"']+)["']""")
FIGURE_CALL = re.compile(r"^from widgets\.figures", re.M)
# The option grid and the SURE test cite sources from assets/data/decision_aid.yaml.
AID_CALL = re.compile(r"\b(?:option_grid|decision_aid)\(")
DETAILS = re.compile(r"<details>\s*<summary>\s*Go deeper", re.I)
SAFETY_BOX = re.compile(r'<div class="course-safety"[^>]*>(.*?)</div>', re.S | re.I)
DETAILS_BLOCK = re.compile(r"<details\b[^>]*>.*?</details>", re.S | re.I)
IN_SHORT = re.compile(r'<div class="course-inshort"[^>]*>(.*?)</div>', re.S | re.I)
# Core text: every word of Markdown outside <details> and the References section.
WORD_LIMIT = 1000
# Reading level (US grade, Flesch-Kincaid), measured by make check (widgets.authoring.readability).
CORE_LIMIT = 8.0
SAFETY_LIMIT = 6.0
SAFETY_WORD_LIMIT = 1400  # the safety lesson (metadata course.kind: safety) must say more
# Phone screens (390 x 844, every <details> closed): a lesson, and the quiz's start.
MAX_SCREENS = 20
MAX_SCREENS_TO_QUIZ = 8
# A decision aid (metadata course.kind: decision-aid) holds an option grid and
# exercises: it may be 30 screens long, and its quiz comes after them (issue 14).
DECISION_AID_MAX_SCREENS = 30
QUIZ_MIN, QUIZ_MAX = 5, 8  # main quiz; further questions go under "more_practice:"
IN_SHORT_MAX = 3
KEY_POINTS_MAX_WORDS = 75  # every lesson's key points print together on one page
QUIZ_HEADING = "Check your understanding"
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.,%/-]*")
_MARKUP = re.compile(r"<[^>]+>|\]\([^)]*\)|\[\d+\]\(#ref-[^)]*\)|^\s*\|?[-:| ]+\|?\s*$", re.M)
# From the safe-messaging standard (patient-education checklist, C1/C3).
FORBIDDEN = re.compile(
    r"committed suicide|successful(?:ly)? (?:suicide|attempt)|failed attempt|epidemic|"
    r"miracle|\bcur(?:e|es|ed|ing)\b|\binstant(?:ly)?\b|prevents? suicide|no side effects|"
    r"works in hours|chose to die",
    re.I,
)
# A paragraph with a number needs a citation, unless the number is one of these.
NUMBER = re.compile(r"\d")
EXEMPT_NUMBER = re.compile(
    r"\b(?:lesson|step|steps|question|part|phase|week|day|cell)s? \d+\b|\b988\b|"
    r"\b(?:about|around) \d+ minutes\b|\bR\d+\b|\d{4}-\d{2}-\d{2}|\bSTAR\*?D\b|\b20[0-2]\d\b|"
    r"\"out of 100\"|QIDS-SR16|MADRS|\b\d+(?:st|nd|rd|th)\b|\b0\d\b|\[\d+\]|\b\d+ (?:to \d+ )?minutes\b|"
    r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b",
    re.I,
)


def prose(lesson: Notebook) -> list[Cell]:
    """Markdown cells that are lesson text (not the reference list)."""
    refs = lesson.section("References")
    return [c for c in lesson.markdown() if c is not refs]


def core_text(lesson: Notebook) -> str:
    """Core prose for reading level: no Go-deeper blocks, no safety boxes, no references."""
    parts = []
    for c in prose(lesson):
        text = DETAILS_BLOCK.sub(" ", SAFETY_BOX.sub(" ", c.source))
        parts.append(text)
    return "\n\n".join(parts)


def section_text(source: str, title: str) -> str:
    """The Markdown under "## title", up to the next heading of level 1 or 2."""
    m = re.search(rf"^##\s+{re.escape(title)}\s*$", source, re.M | re.I)
    if not m:
        return ""
    rest = source[m.end():]
    end = re.search(r"^#{1,2}\s", rest, re.M)
    return rest[: end.start()] if end else rest


def count_words(markdown: str) -> int:
    """Words a reader sees in a piece of Markdown: no tags, link targets,
    citation numbers or table rules; table cells count."""
    text = _MARKUP.sub(" ", markdown)
    return len(_WORD.findall(text.replace("&nbsp;", " ")))


def word_limit(lesson: Notebook) -> int:
    return SAFETY_WORD_LIMIT if kind(lesson) == "safety" else WORD_LIMIT


def kind(lesson: Notebook) -> str:
    course = lesson.metadata.get("course") if isinstance(lesson.metadata.get("course"), dict) else {}
    return str(course.get("kind", ""))


def screen_limits(lesson: Notebook) -> tuple[int, int | None]:
    """(most phone screens, most screens before the quiz starts, or None: no limit)."""
    if kind(lesson) == "decision-aid":
        return DECISION_AID_MAX_SCREENS, None
    return MAX_SCREENS, MAX_SCREENS_TO_QUIZ


def core_words(lesson: Notebook) -> int:
    """The one count of core text, used by ``make check`` and the page audit:
    all Markdown outside ``<details>`` blocks and the References section,
    "In short", safety boxes and key points included."""
    return sum(count_words(DETAILS_BLOCK.sub(" ", c.source)) for c in prose(lesson))


def in_short(lesson: Notebook) -> str | None:
    """The "In short" box's Markdown, if the first cell has one right under the title."""
    md = lesson.markdown()
    if not md:
        return None
    after_title = H1.sub("", md[0].source, count=1).lstrip()
    m = IN_SHORT.match(after_title)
    return m.group(1) if m else None


def safety_text(lesson: Notebook) -> str:
    return "\n\n".join(m.group(1) for c in prose(lesson) for m in SAFETY_BOX.finditer(c.source))


def _paragraphs(source: str) -> list[str]:
    """Paragraphs, list items and table rows; a list that follows a paragraph
    ending in ":" shares that paragraph's citations (it continues the sentence)."""
    blocks = [b for b in re.split(r"\n\s*\n", source) if b.strip()]
    out: list[str] = []
    lead_cites = ""
    for block in blocks:
        items = re.split(r"\n(?=\s*(?:[-*]|\d+\.) )|\n(?=\|)", block)
        is_list = re.match(r"\s*(?:[-*]|\d+\.) ", block) is not None
        for item in items:
            if item.strip().startswith("|---") or not item.strip():
                continue
            out.append(item + (" " + lead_cites if is_list else ""))
        last = block.strip().splitlines()[-1]
        lead_cites = " ".join(CITE.findall(block) and [m.group(0) for m in CITE.finditer(block)]) if last.rstrip().endswith(":") else ""
    return out


def _iso(text: str) -> str:
    """'22 November 2026' or '2026-11-22' as '2026-11-22'."""
    try:
        return dt.datetime.strptime(text, "%d %B %Y").date().isoformat()
    except ValueError:
        return text


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def quiz_size(bank: Path) -> tuple[int, bool] | None:
    """(questions in the main quiz, whether one is a teach-back), or None when the
    bank cannot be read (the bank validator says why).  Reads the nodes the bank
    validator has already parsed."""
    import yaml

    try:
        root = parse(bank.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, yaml.YAMLError):
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    found = next((v for k, v in root.value if k.value == "questions"), None)
    if isinstance(found, yaml.ScalarNode) and found.tag == "tag:yaml.org,2002:null":
        found = None
    if found is not None and not isinstance(found, yaml.SequenceNode):
        return None
    questions = found.value if found is not None else []
    teachback = any(isinstance(q, yaml.MappingNode) and any(k.value == "type" and v.value == "teachback" for k, v in q.value)
                    for q in questions)
    return len(questions), teachback
