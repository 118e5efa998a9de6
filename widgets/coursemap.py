"""The course map: lessons in reading order, read from notebook metadata.

Shared by the landing page and the previous/next links in the template,
so there is one source of truth for order and titles: the lesson files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .paths import LESSONS, REFERENCES
from .references import load_references, long_date

LESSON_NAME = re.compile(r"^(\d\d)-([a-z0-9-]+)\.ipynb$")


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str  # e.g. "01-what-is-trd"
    title: str
    minutes: int | None
    summary: str
    reviewed: str = ""  # course.last_reviewed, e.g. "2026-12-01"

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
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
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
    )


_cache: tuple[tuple, list[Lesson]] | None = None


def lessons(folder: Path = LESSONS) -> list[Lesson]:
    """All lessons in reading order; re-read only when a file changes."""
    global _cache
    files = sorted(folder.glob("[0-9][0-9]-*.ipynb"))
    key = tuple((p.name, p.stat().st_mtime_ns) for p in files)
    if folder == LESSONS and _cache and _cache[0] == key:
        return _cache[1]
    found = [lesson for p in files if (lesson := _read_lesson(p))]
    if folder == LESSONS:
        _cache = (key, found)
    return found


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
            )
    return Nav(None, None, None, 0, len(seq))
