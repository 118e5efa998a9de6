"""The course map: lessons in reading order, read from notebook metadata.

Shared by the landing page and the previous/next links in the template,
so there is one source of truth for order and titles: the lesson files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .paths import LESSONS

LESSON_NAME = re.compile(r"^(\d\d)-([a-z0-9-]+)\.ipynb$")


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str  # e.g. "01-what-is-trd"
    title: str
    minutes: int | None
    summary: str

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
