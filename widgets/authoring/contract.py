"""The lesson contract: every rule a lesson notebook must meet, in one list.

Each rule is a function ``rule(lesson, ctx)`` that yields ``(cell, message)``.
:func:`metadata` runs first, even on a lesson with no text cells; then, if the
lesson has text, :data:`RULES` run in order.  To change a lesson rule, change its function
here (the limits and counts it uses live in :mod:`widgets.authoring.measures`,
the widget rule in :mod:`widgets.authoring.widgetrule`).  For notebooks a
problem's number is the **cell number** (1 = first cell), which is what an
educator sees in JupyterLab.  Used by ``python -m widgets.validate``,
``make check`` and the content tests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from widgets.authoring.measures import (  # noqa: F401 - re-exported for make check, the audit and tests
    AID_CALL,
    BULLET,
    CITE,
    DETAILS,
    EXEMPT_NUMBER,
    FIGURE_CALL,
    FORBIDDEN,
    GLOSSARY_LINK,
    H1,
    IN_SHORT_MAX,
    KEY_POINTS_MAX_WORDS,
    LAST_REVIEWED,
    MAX_SCREENS,
    MAX_SCREENS_TO_QUIZ,
    MINUTES,
    NUMBER,
    QUIZ_CALL,
    QUIZ_HEADING,
    QUIZ_MAX,
    QUIZ_MIN,
    WORD_LIMIT,
    _iso,
    _paragraphs,
    _short,
    core_text,
    core_words,
    count_words,
    in_short,
    prose,
    quiz_size,
    safety_text,
    screen_limits,
    section_text,
    word_limit,
)
from widgets.authoring.widgetrule import foreign_widgets, widget_message
from widgets.content import offlabel
from widgets.content.notebooks import Notebook, read_notebook
from widgets.content.yamlfile import Problem
from widgets.paths import QUIZZES

read_lesson = read_notebook  # the contract reads lessons through the one notebook reader
Found = Iterator[tuple[int, str]]


@dataclass(frozen=True)
class Context:
    today: dt.date
    ref_entries: Collection[str] | None  # reference keys, or {key: Reference} to check the text too
    glossary_slugs: Collection[str] | None
    quizzes: Path


def check_lesson(
    path: Path,
    ref_entries: Collection[str] | None = None,
    today: dt.date | None = None,
    quizzes: Path = QUIZZES,
    glossary_slugs: Collection[str] | None = None,
) -> list[Problem]:
    """Every problem with one lesson against the lesson contract."""
    p = str(path)
    try:
        lesson = read_lesson(path)
    except (OSError, ValueError) as e:
        return [Problem(p, 1, f"the notebook cannot be read: {e}")]
    ctx = Context(today or dt.date.today(), ref_entries, glossary_slugs, quizzes)
    out = [Problem(p, cell, msg) for cell, msg in metadata(lesson, ctx)]
    if not lesson.markdown():
        return out + [Problem(p, 1, "the lesson has no text cells")]
    return out + [Problem(p, cell, msg) for rule in RULES for cell, msg in rule(lesson, ctx)]


def _course(lesson: Notebook) -> dict:
    course = lesson.metadata.get("course")
    return course if isinstance(course, dict) else {}


def metadata(lesson: Notebook, ctx: Context) -> Found:
    """Title, minutes and review date in the notebook's metadata."""
    if not str(lesson.metadata.get("title", "")).strip():
        yield 1, 'the notebook has no "title" in its metadata (Edit > Notebook metadata)'
    minutes = _course(lesson).get("minutes")
    if not isinstance(minutes, int) or minutes <= 0:
        yield 1, 'metadata "course.minutes" must be a whole number of minutes'
    reviewed = str(_course(lesson).get("last_reviewed", ""))
    try:
        if (ctx.today - dt.date.fromisoformat(reviewed)).days > 365:
            yield 1, f"last reviewed {reviewed}, more than 12 months ago: review the lesson and update the date"
    except ValueError:
        yield 1, 'metadata "course.last_reviewed" must be a date like 2026-11-22'


def opening(lesson: Notebook, ctx: Context) -> Found:
    """The first cell: title, time, the "In short" box; and the core-text word limit."""
    first = lesson.markdown()[0]
    if not H1.search(first.source):
        yield first.number, 'the first text cell must start with the lesson title as "# Title"'
    minutes = _course(lesson).get("minutes")
    m = MINUTES.search(first.source)
    if not m:
        yield first.number, 'the first text cell must say how long the lesson takes, e.g. "*About 10 minutes*"'
    elif isinstance(minutes, int) and int(m.group(1)) != minutes:
        yield first.number, f"the text says about {m.group(1)} minutes but the metadata says {minutes}"
    box = in_short(lesson)
    if box is None:
        yield first.number, 'put an "In short" box right under the title: <div class="course-inshort"> with 1 to 3 bullets </div>'
    elif not 1 <= (n := len(BULLET.findall(box))) <= IN_SHORT_MAX:
        yield first.number, f'the "In short" box has {n} bullet points; use 1 to {IN_SHORT_MAX}'
    words, limit = core_words(lesson), word_limit(lesson)
    if words > limit:
        yield first.number, f"core text is {words} words; the limit is {limit}: move details into a Go deeper block or cut them"


def sections(lesson: Notebook, ctx: Context) -> Found:
    """ "What you will learn" and "Key points", with 3 to 5 bullets; key points short enough to print."""
    first = lesson.markdown()[0]
    for title, lo, hi in (("What you will learn", 3, 5), ("Key points", 3, 5)):
        cell = lesson.section(title)
        if cell is None:
            yield first.number, f'add a "## {title}" section with {lo} to {hi} bullet points'
        elif not lo <= (n := len(BULLET.findall(section_text(cell.source, title)))) <= hi:
            yield cell.number, f'"## {title}" has {n} bullet points; use {lo} to {hi}'
    kp = lesson.section("Key points")
    if kp is not None:
        n = count_words(re.sub(r"^##\s+Key points\s*$", "", kp.source, flags=re.M | re.I))
        if n > KEY_POINTS_MAX_WORDS:
            yield kp.number, (f'"## Key points" has {n} words; use at most {KEY_POINTS_MAX_WORDS}, so every lesson\'s '
                              "key points print on one page (say the message; the numbers are in the lesson)")


def references(lesson: Notebook, ctx: Context) -> Found:
    """References numbered 1..n, each a known key with a DOI, PMID or URL, each cited, every citation listed."""
    refs_cell, refs = lesson.section("References"), lesson.reference_list()
    reviewed = str(_course(lesson).get("last_reviewed", ""))
    if refs_cell is None:
        yield len(lesson.cells), 'add a "## References" section at the end'
    else:
        if not refs:
            yield refs_cell.number, 'list references as: 1. <a id="ref-KEY"></a>Authors (year). Title. *Journal*. doi:...'
        said = LAST_REVIEWED.search(refs_cell.source)
        if not said:
            yield refs_cell.number, 'add "Last reviewed: YYYY-MM-DD" under the references'
        elif _iso(said.group(1)) != reviewed:
            yield refs_cell.number, f'"Last reviewed" date differs from metadata course.last_reviewed ({reviewed})'
    numbers = {}
    for i, (n, key, text) in enumerate(refs, start=1):
        if n != i:
            yield refs_cell.number, f"reference {key} is numbered {n}; number the list 1, 2, 3 … in order"
        numbers[key] = i
        if ctx.ref_entries is not None and key not in ctx.ref_entries:
            yield refs_cell.number, f'reference "{key}" is not in assets/references.yaml'
        if not re.search(r"doi|pmid|https?://", text, re.I):
            yield refs_cell.number, f'reference "{key}" needs a DOI, PMID or web address'
        entry = ctx.ref_entries.get(key) if isinstance(ctx.ref_entries, Mapping) else None
        if entry is not None and hasattr(entry, "markdown") and text.strip() != entry.markdown():
            yield refs_cell.number, f'reference "{key}" differs from assets/references.yaml — run: make refs'
    cited: set[str] = set()
    for c in prose(lesson):
        for n, key in CITE.findall(c.source):
            cited.add(key)
            if key not in numbers:
                yield c.number, f'citation [{n}] points to "{key}", which is not in the References list'
            elif int(n) != numbers[key]:
                yield c.number, f'citation [{n}] for "{key}" should be [{numbers[key]}] to match the References list'
    if any(AID_CALL.search(c.source) for c in lesson.code()):
        from widgets.model.decision import load_decision_aid

        aid, _problems = load_decision_aid()  # its own problems are reported by python -m widgets.validate
        for key in aid.refs() if aid else ():
            cited.add(key)
            if key not in numbers:
                yield (refs_cell.number if refs_cell else 1,
                       f'the option grid cites "{key}" (assets/data/decision_aid.yaml); add it to the References list')
    for key in numbers:
        if key not in cited:
            yield refs_cell.number, f'reference "{key}" is listed but never cited in the lesson'


def numbers_cited(lesson: Notebook, ctx: Context) -> Found:
    """A number needs a citation in the same paragraph or bullet."""
    skip = (lesson.markdown()[0], lesson.section("What you will learn"))
    for c in prose(lesson):
        if any(c is s for s in skip):
            continue
        for para in _paragraphs(c.source):
            if para.lstrip().startswith("#"):
                continue  # headings sum up the cited text below them
            stripped = re.sub(r"^\s*(?:#+|\d+\.)\s", "", EXEMPT_NUMBER.sub("", CITE.sub("", para)))
            if NUMBER.search(stripped) and not CITE.search(para):
                yield c.number, f'a number needs a citation in the same paragraph: "{_short(para)}"'


def safe_messaging(lesson: Notebook, ctx: Context) -> Found:
    """Safe-messaging words, and off-label labelling of racemic ketamine."""
    for c in prose(lesson):
        for m in FORBIDDEN.finditer(c.source):
            yield c.number, f'safe-messaging: do not write "{m.group(0)}" (see the patient-education checklist)'
        if phrase := offlabel.unlabelled(c.source):
            yield c.number, offlabel.message(phrase)


def glossary_links(lesson: Notebook, ctx: Context) -> Found:
    """Terms link to the glossary page at first use, and each link is a real term."""
    links = [(c, slug) for c in prose(lesson) for slug in GLOSSARY_LINK.findall(c.source)]
    if not links:
        yield lesson.markdown()[0].number, "link each new term to the glossary at first use: [**term**](/glossary#term-slug)"
    for c, slug in links if ctx.glossary_slugs is not None else ():
        if slug not in ctx.glossary_slugs:
            yield c.number, f'glossary link "#{slug}" is not a term in assets/glossary.yaml'


def go_deeper(lesson: Notebook, ctx: Context) -> Found:
    if not any(DETAILS.search(c.source) for c in lesson.markdown()):
        yield lesson.markdown()[0].number, 'add at least one "Go deeper" block: <details><summary>Go deeper: …</summary> … </details>'


def quiz(lesson: Notebook, ctx: Context) -> Found:
    """A quiz of this lesson's bank, under its heading, with 5 to 8 questions and a teach-back."""
    md = lesson.markdown()
    quiz_calls = [(c, m) for c in lesson.code() if (m := QUIZ_CALL.search(c.source))]
    if not quiz_calls:
        yield len(lesson.cells), f'add a quiz: a code cell with quiz("{lesson.slug}")'
    for c, _m in quiz_calls[:1]:
        before = [x for x in md if x.number < c.number]
        if not before or not re.search(rf"^##\s+{QUIZ_HEADING}\s*$", before[-1].source, re.M | re.I):
            yield c.number, f'put the quiz under a "## {QUIZ_HEADING}" heading, so the contents and skip link find it'
    for c, m in quiz_calls:
        bank = ctx.quizzes / f"{m.group(1)}.yaml"
        if m.group(1) != lesson.slug and not m.group(1).startswith("review"):
            yield c.number, f'quiz("{m.group(1)}") should be quiz("{lesson.slug}")'
        elif not bank.exists():
            yield c.number, f"the quiz bank assets/quizzes/{m.group(1)}.yaml does not exist"
        else:
            size = quiz_size(bank)
            if size and not QUIZ_MIN <= size[0] <= QUIZ_MAX:
                yield c.number, (f"the main quiz has {size[0]} question(s); use {QUIZ_MIN} to {QUIZ_MAX} "
                                 'on the key messages, and put the rest under "more_practice:"')
            if size and not size[1]:
                yield c.number, 'add a teach-back question ("In your own words…") to the quiz'


def finished(lesson: Notebook, ctx: Context) -> Found:
    """No TODO left, and at least one interactive figure."""
    for c in lesson.markdown():
        if "TODO" in c.source:
            yield c.number, "replace the TODO text with the lesson's content"
    if not any(FIGURE_CALL.search(c.source) for c in lesson.code()):
        yield lesson.markdown()[0].number, "add at least one interactive figure (a code cell: from widgets.figures... import ...)"


def widgets_shown(lesson: Notebook, ctx: Context) -> Found:
    """Only widgets the course page can show (see :mod:`widgets.authoring.widgetrule`)."""
    for c in lesson.code():
        for what in foreign_widgets(c.source):
            yield c.number, widget_message(what)


RULES: list[Callable[[Notebook, Context], Found]] = [
    opening, sections, references, numbers_cited, safe_messaging, glossary_links, go_deeper, quiz, finished,
    widgets_shown,
]
