"""The course map: lessons in reading order, read from notebook metadata.

Shared by the landing page and the previous/next links in the template,
so there is one source of truth for order and titles: the lesson files.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from widgets.content.notebooks import LESSON_NAME, lesson_paths, read_notebook
from widgets.content.references import load_references, long_date
from widgets.paths import LESSONS, REFERENCES


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str  # e.g. "01-what-is-trd"
    title: str
    minutes: int | None
    summary: str
    reviewed: str = ""  # course.last_reviewed, e.g. "2026-12-01"
    formerly: tuple[str, ...] = ()  # course.formerly: the lesson's earlier file names (no .ipynb)

    @property
    def label(self) -> str:
        """One numbering for learners: "Start here", then "Lesson 1" to "Lesson N" (the file prefix)."""
        return "Start here" if self.number == 0 else f"Lesson {self.number}"

    @property
    def filename(self) -> str:
        return f"{self.slug}.ipynb"

    @property
    def url(self) -> str:
        return f"/voila/render/{self.filename}"


@dataclass(frozen=True)
class Nav:
    current: Lesson | None
    prev: Lesson | None
    next: Lesson | None
    index: int  # 1-based position, 0 when unknown
    total: int

    @property
    def position(self) -> str:
        """'Start here', or 'Lesson 4 of 6' (numbered lessons only; file prefixes give the numbers)."""
        if not self.current:
            return ""
        if self.current.number == 0:
            return "Start here"
        return f"{self.current.label} of {self.numbered}"

    numbered: int = 0  # lessons after "Start here"

    @property
    def renamed_json(self) -> str:
        """Earlier lesson names and where they went, for the browser's saved progress."""
        return json.dumps(renamed(), sort_keys=True)

    @property
    def checked(self) -> str:
        """When this lesson's evidence was checked, and against which label revisions."""
        if not (self.current and self.current.reviewed):
            return ""
        return evidence_checked(self.current.reviewed)


LABEL_KEYS = (("spravatolabel", "the US Spravato label"), ("spravatosmpc", "the EU product information"))


_labels: tuple[int, list[str]] | None = None


def _label_revisions() -> list[str]:
    """'the US Spravato label revised 13 March 2026', …; re-read only when the file changes."""
    global _labels
    try:
        stamp = REFERENCES.stat().st_mtime_ns
        if _labels and _labels[0] == stamp:
            return _labels[1]
        entries, _ = load_references()
    except Exception:  # a broken bibliography must not stop a page
        return []
    found = [f"{name} revised {long_date(entries[k].revised)}"
             + (f" (figures checked in {_first_clause(entries[k].checked_in)})" if entries[k].checked_in else "")
             for k, name in LABEL_KEYS if k in entries and entries[k].revised]
    _labels = (stamp, found)
    return found


def _first_clause(text: str) -> str:
    """'copies of the label from 2019 to 2024 (the body … could not be read)' -> 'copies of the label from 2019 to 2024'."""
    return text.split(" (")[0].split(";")[0].strip()


def next_review(reviewed: str) -> str:
    """The date 12 months after the last evidence check (the course's update policy), ISO format."""
    import datetime as dt

    try:
        day = dt.date.fromisoformat(reviewed)
    except ValueError:
        return ""
    try:
        return day.replace(year=day.year + 1).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28).isoformat()


def evidence_checked(reviewed: str) -> str:
    """'Evidence last checked 1 December 2026. Labels cited: the US Spravato label revised …'."""
    labels = _label_revisions()
    text = f"Evidence last checked {long_date(reviewed)}."
    return text + (" Labels cited: " + "; ".join(labels) + "." if labels else "")


def _read_lesson(path: Path) -> Lesson | None:
    m = LESSON_NAME.match(path.name)
    if not m:
        return None
    try:
        meta = read_notebook(path).metadata
    except (OSError, ValueError):
        meta = {}
    course = meta.get("course", {}) if isinstance(meta.get("course"), dict) else {}
    minutes = course.get("minutes")
    return Lesson(
        number=int(m.group(1)),
        slug=path.stem,
        title=str(meta.get("title") or m.group(2).replace("-", " ").capitalize()),
        minutes=minutes if isinstance(minutes, int) else None,
        summary=str(course.get("summary", "")),
        reviewed=str(course.get("last_reviewed", "")),
        formerly=tuple(x for x in course.get("formerly", ()) if isinstance(x, str) and LESSON_NAME.match(x + ".ipynb"))
        if isinstance(course.get("formerly"), list) else (),
    )


_cache: tuple[tuple, list[Lesson]] | None = None


def lessons(folder: Path = LESSONS) -> list[Lesson]:
    """All lessons in reading order; re-read only when a file changes."""
    global _cache
    files = lesson_paths(folder)
    key = tuple((p.name, p.stat().st_mtime_ns) for p in files)
    if folder == LESSONS and _cache and _cache[0] == key:
        return _cache[1]
    found = [lesson for p in files if (lesson := _read_lesson(p))]
    if folder == LESSONS:
        _cache = (key, found)
    return found


def renamed(folder: Path = LESSONS) -> dict[str, dict[str, str]]:
    """{old name: {"slug": new name, "label": "Lesson 7"}} from each lesson's course.formerly.

    One home for a renumbering: the server redirects old addresses with it,
    and progress.js moves a learner's saved answers from the old name."""
    current = {x.slug for x in lessons(folder)}
    return {old: {"slug": x.slug, "label": x.label}
            for x in lessons(folder) for old in x.formerly if old not in current}


def nav(name: str, folder: Path = LESSONS) -> Nav:
    """Previous/next lessons around the notebook called ``name``."""
    stem = Path(str(name)).stem
    seq = lessons(folder)
    for i, lesson in enumerate(seq):
        if lesson.slug == stem:
            return Nav(
                lesson,
                seq[i - 1] if i > 0 else None,
                seq[i + 1] if i + 1 < len(seq) else None,
                i + 1,
                len(seq),
                sum(1 for x in seq if x.number > 0),
            )
    return Nav(None, None, None, 0, len(seq), sum(1 for x in seq if x.number > 0))


# -- contents ("On this page") ---------------------------------------------

_DETAILS = re.compile(r"<details\b[^>]*>.*?</details>", re.S | re.I)
_H2 = re.compile(r"^##\s+(.+?)\s*$", re.M)
_ID = re.compile(r'<h2 id="([^"]+)">(.*?)<a class="anchor-link"', re.S)
NOT_IN_CONTENTS = ("what you will learn",)
_contents: dict[str, tuple[int, list[dict[str, str]]]] = {}


def contents(name: str, folder: Path = LESSONS) -> list[dict[str, str]]:
    """The lesson's sections as [{id, text}], with the ids the page's headings get.

    Headings inside <details> are left out.  The ids come from the same
    Markdown renderer the page uses, so every link lands on its heading."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    path = folder / f"{Path(str(name)).stem}.ipynb"
    try:
        stamp = path.stat().st_mtime_ns
        if path in _contents and _contents[path][0] == stamp:
            return _contents[path][1]
        cells = read_notebook(path).markdown()
    except (OSError, ValueError):
        return []
    found = []
    for cell in cells:
        source = _DETAILS.sub("", cell.source)
        for heading in _H2.findall(source):
            if heading.lower() in NOT_IN_CONTENTS:
                continue
            m = _ID.search(markdown2html_mistune(f"## {heading}"))
            if m:
                text = re.sub(r"<[^>]+>", "", m.group(2)).strip()
                found.append({"id": m.group(1), "text": html.unescape(text)})
    _contents[path] = (stamp, found)
    return found


def quiz_anchor(name: str, folder: Path = LESSONS) -> str:
    """The id of the lesson's "Check your understanding" heading ('' if none)."""
    return next((c["id"] for c in contents(name, folder) if c["text"].lower() == "check your understanding"), "")


# -- key points, all lessons on one page ----------------------------------

_CITATION = re.compile(r"\s*\[\[\d+\]\(#ref-[^)]*\)(?:,\s*\[\d+\]\(#ref-[^)]*\))*\]")
_BULLET = re.compile(r"^\s*[-*]\s+(.+?)(?=^\s*[-*]\s+|\Z)", re.M | re.S)


def key_points(lesson: Lesson, folder: Path = LESSONS) -> list[str]:
    """The lesson's "Key points" bullets as HTML, without citation numbers
    (the printed page says that each point's sources are in its lesson)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    try:
        cell = read_notebook(folder / lesson.filename).section("Key points")
    except (OSError, ValueError):
        return []
    if cell:
        source = cell.source
        m = re.search(r"^##\s+Key points\s*$", source, re.M | re.I)
        if m:
            body = source[m.end():]
            out = []
            for item in _BULLET.findall(body):
                rendered = markdown2html_mistune(_CITATION.sub("", " ".join(item.split())))
                out.append(re.sub(r"^<p>|</p>\s*$", "", rendered.strip()))
            return out
    return []


def all_key_points(folder: Path = LESSONS) -> list[dict]:
    """Every lesson with its key points, for the one-page print."""
    return [{"slug": x.slug, "url": x.url, "number": x.number, "label": x.label, "title": x.title,
             "points": key_points(x, folder)} for x in lessons(folder)]
