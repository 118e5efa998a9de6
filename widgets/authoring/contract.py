"""Lesson contract checks: pure Python over the notebook JSON.

Each problem is a :class:`~widgets.model.Problem`; for notebooks its number
is the **cell number** (1 = first cell), which is what an educator sees in
JupyterLab.  Used by ``python -m widgets.authoring.validate`` and the content tests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from pathlib import Path

from widgets.content import offlabel
from widgets.content.notebooks import Cell, Notebook, read_notebook
from widgets.model import Problem
from widgets.paths import QUIZZES

H1 = re.compile(r"^#\s+(.+)$", re.M)
MINUTES = re.compile(r"about (\d+) minutes", re.I)
SECTION = re.compile(r"^##\s+(.+)$", re.M)
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


read_lesson = read_notebook  # the contract reads lessons through the one notebook reader


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


def check_lesson(
    path: Path,
    ref_entries: Collection[str] | None = None,
    today: dt.date | None = None,
    quizzes: Path = QUIZZES,
    glossary_slugs: Collection[str] | None = None,
) -> list[Problem]:
    """Every problem with one lesson against the lesson contract."""
    today = today or dt.date.today()
    p = str(path)
    try:
        lesson = read_lesson(path)
    except (OSError, ValueError) as e:
        return [Problem(p, 1, f"the notebook cannot be read: {e}")]
    out: list[Problem] = []

    def bad(cell: int, msg: str) -> None:
        out.append(Problem(p, cell, msg))

    meta = lesson.metadata
    course = meta.get("course") if isinstance(meta.get("course"), dict) else {}
    if not str(meta.get("title", "")).strip():
        bad(1, 'the notebook has no "title" in its metadata (Edit > Notebook metadata)')
    minutes = course.get("minutes")
    if not isinstance(minutes, int) or minutes <= 0:
        bad(1, 'metadata "course.minutes" must be a whole number of minutes')
    reviewed = str(course.get("last_reviewed", ""))
    try:
        when = dt.date.fromisoformat(reviewed)
        if (today - when).days > 365:
            bad(1, f"last reviewed {reviewed}, more than 12 months ago: review the lesson and update the date")
    except ValueError:
        bad(1, 'metadata "course.last_reviewed" must be a date like 2026-11-22')

    md = lesson.markdown()
    if not md:
        return out + [Problem(p, 1, "the lesson has no text cells")]
    first = md[0]
    h1 = H1.search(first.source)
    if not h1:
        bad(first.number, 'the first text cell must start with the lesson title as "# Title"')
    m = MINUTES.search(first.source)
    if not m:
        bad(first.number, 'the first text cell must say how long the lesson takes, e.g. "*About 10 minutes*"')
    elif isinstance(minutes, int) and int(m.group(1)) != minutes:
        bad(first.number, f"the text says about {m.group(1)} minutes but the metadata says {minutes}")
    box = in_short(lesson)
    if box is None:
        bad(first.number, 'put an "In short" box right under the title: <div class="course-inshort"> with 1 to 3 bullets </div>')
    else:
        n = len(BULLET.findall(box))
        if not 1 <= n <= IN_SHORT_MAX:
            bad(first.number, f'the "In short" box has {n} bullet points; use 1 to {IN_SHORT_MAX}')
    words, limit = core_words(lesson), word_limit(lesson)
    if words > limit:
        bad(first.number, f"core text is {words} words; the limit is {limit}: move details into a Go deeper block or cut them")
    for title, lo, hi in (("What you will learn", 3, 5), ("Key points", 3, 5)):
        cell = lesson.section(title)
        if cell is None:
            bad(first.number, f'add a "## {title}" section with {lo} to {hi} bullet points')
            continue
        n = len(BULLET.findall(section_text(cell.source, title)))
        if not lo <= n <= hi:
            bad(cell.number, f'"## {title}" has {n} bullet points; use {lo} to {hi}')

    kp = lesson.section("Key points")
    if kp is not None:
        n = count_words(re.sub(r"^##\s+Key points\s*$", "", kp.source, flags=re.M | re.I))
        if n > KEY_POINTS_MAX_WORDS:
            bad(kp.number, f'"## Key points" has {n} words; use at most {KEY_POINTS_MAX_WORDS}, so every lesson\'s '
                           "key points print on one page (say the message; the numbers are in the lesson)")

    # References: numbered 1..n, each a known key with a DOI, PMID or URL.
    refs_cell = lesson.section("References")
    refs = lesson.reference_list()
    if refs_cell is None:
        bad(len(lesson.cells), 'add a "## References" section at the end')
    else:
        if not refs:
            bad(refs_cell.number, 'list references as: 1. <a id="ref-KEY"></a>Authors (year). Title. *Journal*. doi:...')
        if not LAST_REVIEWED.search(refs_cell.source):
            bad(refs_cell.number, 'add "Last reviewed: YYYY-MM-DD" under the references')
        elif _iso(LAST_REVIEWED.search(refs_cell.source).group(1)) != reviewed:
            bad(refs_cell.number, f'"Last reviewed" date differs from metadata course.last_reviewed ({reviewed})')
    numbers = {}
    for i, (n, key, text) in enumerate(refs, start=1):
        if n != i:
            bad(refs_cell.number, f"reference {key} is numbered {n}; number the list 1, 2, 3 … in order")
        numbers[key] = i
        if ref_entries is not None and key not in ref_entries:
            bad(refs_cell.number, f'reference "{key}" is not in assets/references.yaml')
        if not re.search(r"doi|pmid|https?://", text, re.I):
            bad(refs_cell.number, f'reference "{key}" needs a DOI, PMID or web address')
        entry = ref_entries.get(key) if isinstance(ref_entries, Mapping) else None
        if entry is not None and hasattr(entry, "markdown") and text.strip() != entry.markdown():
            bad(refs_cell.number, f'reference "{key}" differs from assets/references.yaml — run: make refs')
    cited: set[str] = set()
    for c in prose(lesson):
        for n, key in CITE.findall(c.source):
            cited.add(key)
            if key not in numbers:
                bad(c.number, f'citation [{n}] points to "{key}", which is not in the References list')
            elif int(n) != numbers[key]:
                bad(c.number, f'citation [{n}] for "{key}" should be [{numbers[key]}] to match the References list')
    if any(AID_CALL.search(c.source) for c in lesson.code()):
        from widgets.model.decision import load_decision_aid

        aid, _problems = load_decision_aid()  # its own problems are reported by widgets.authoring.validate
        for key in aid.refs() if aid else ():
            cited.add(key)
            if key not in numbers:
                bad(refs_cell.number if refs_cell else 1,
                    f'the option grid cites "{key}" (assets/data/decision_aid.yaml); add it to the References list')
    for key in numbers:
        if key not in cited:
            bad(refs_cell.number, f'reference "{key}" is listed but never cited in the lesson')

    # Numbers need a citation in the same paragraph or bullet.
    for c in prose(lesson):
        if c is first or c is lesson.section("What you will learn"):
            continue
        for para in _paragraphs(c.source):
            if para.lstrip().startswith("#"):
                continue  # headings sum up the cited text below them
            stripped = EXEMPT_NUMBER.sub("", CITE.sub("", para))
            stripped = re.sub(r"^\s*(?:#+|\d+\.)\s", "", stripped)
            if NUMBER.search(stripped) and not CITE.search(para):
                bad(c.number, f'a number needs a citation in the same paragraph: "{_short(para)}"')

    # Safe messaging and off-label labelling.
    for c in prose(lesson):
        for m in FORBIDDEN.finditer(c.source):
            bad(c.number, f'safe-messaging: do not write "{m.group(0)}" (see the patient-education checklist)')
        phrase = offlabel.unlabelled(c.source)
        if phrase:
            bad(c.number, offlabel.message(phrase))

    # Terms link to the glossary page at first use.
    links = [(c, slug) for c in prose(lesson) for slug in GLOSSARY_LINK.findall(c.source)]
    if not links:
        bad(first.number, "link each new term to the glossary at first use: [**term**](/glossary#term-slug)")
    if glossary_slugs is not None:
        for c, slug in links:
            if slug not in glossary_slugs:
                bad(c.number, f'glossary link "#{slug}" is not a term in assets/glossary.yaml')

    if not any(DETAILS.search(c.source) for c in md):
        bad(first.number, 'add at least one "Go deeper" block: <details><summary>Go deeper: …</summary> … </details>')
    calls = [(c, QUIZ_CALL.search(c.source)) for c in lesson.code()]
    quiz_calls = [(c, m) for c, m in calls if m]
    if not quiz_calls:
        bad(len(lesson.cells), f'add a quiz: a code cell with quiz("{lesson.slug}")')
    for c, _m in quiz_calls[:1]:
        before = [x for x in md if x.number < c.number]
        if not before or not re.search(rf"^##\s+{QUIZ_HEADING}\s*$", before[-1].source, re.M | re.I):
            bad(c.number, f'put the quiz under a "## {QUIZ_HEADING}" heading, so the contents and skip link find it')
    for c, m in quiz_calls:
        if m.group(1) != lesson.slug and not m.group(1).startswith("review"):
            bad(c.number, f'quiz("{m.group(1)}") should be quiz("{lesson.slug}")')
        elif not (quizzes / f"{m.group(1)}.yaml").exists():
            bad(c.number, f"the quiz bank assets/quizzes/{m.group(1)}.yaml does not exist")
        else:
            out.extend(_bank_size(quizzes / f"{m.group(1)}.yaml", p, c.number))
    for c in md:
        if "TODO" in c.source:
            bad(c.number, "replace the TODO text with the lesson's content")
    if not any(FIGURE_CALL.search(c.source) for c in lesson.code()):
        bad(first.number, "add at least one interactive figure (a code cell: from widgets.figures... import ...)")
    return out


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


def _bank_size(bank: Path, p: str, cell: int) -> list[Problem]:
    """The contract asks for at least 5 questions, one of them a teach-back."""
    import yaml

    try:
        questions = (yaml.safe_load(bank.read_text(encoding="utf-8")) or {}).get("questions") or []
    except (OSError, ValueError, AttributeError, yaml.YAMLError):
        return []  # the bank validator reports unreadable banks
    if not isinstance(questions, list):
        return []
    out = []
    if not QUIZ_MIN <= len(questions) <= QUIZ_MAX:
        out.append(Problem(p, cell, f"the main quiz has {len(questions)} question(s); use {QUIZ_MIN} to {QUIZ_MAX} "
                                    'on the key messages, and put the rest under "more_practice:"'))
    if not any(isinstance(q, dict) and q.get("type") == "teachback" for q in questions):
        out.append(Problem(p, cell, 'add a teach-back question ("In your own words…") to the quiz'))
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
