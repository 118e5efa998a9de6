"""How a figure cites its sources: the numbers of the lesson's own reference list.

Citation numbers are never stored with the figure data; they are read from
the lesson's References list, so they stay right when the list is renumbered.
A key the lesson does not list is shown as "(Author year)" from
``assets/references.yaml``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from widgets.content.notebooks import read_notebook
from widgets.content.references import load_references
from widgets.paths import LESSONS, REFERENCES


def ref_keys(cell: str) -> list[str]:
    """'li2010; autry2011' -> ['li2010', 'autry2011']."""
    return [k.strip() for k in re.split(r"[;,]", cell or "") if k.strip()]


@lru_cache(maxsize=None)
def lesson_numbers(slug: str) -> dict[str, int]:
    """{reference key: its number in the lesson's References list}."""
    path = Path(LESSONS) / f"{slug}.ipynb"
    if not path.is_file():
        return {}
    return {key: n for n, key, _ in read_notebook(path).reference_list()}


@lru_cache(maxsize=None)
def _bibliography() -> dict:
    return load_references(REFERENCES)[0]  # its problems are python -m widgets.validate's to report


def _author_year(key: str) -> str:
    entry = _bibliography().get(key)
    first = (entry.authors if entry else key).split(",")[0].split(" (")[0].strip()
    return f"{first} {entry.year if entry else ''}".strip()


def cite_text(keys: list[str], slug: str) -> str:
    """'[3, 5]' from the lesson's numbering; '(Li 2010)' if a key is not listed there."""
    numbers = lesson_numbers(slug)
    nums = sorted({numbers[k] for k in keys if k in numbers})
    missing = [_author_year(k) for k in keys if k not in numbers]
    parts = []
    if nums:
        parts.append("[" + ", ".join(str(n) for n in nums) + "]")
    if missing:
        parts.append("(" + "; ".join(missing) + ")")
    return " ".join(parts)
