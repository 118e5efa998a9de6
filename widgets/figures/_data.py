"""Figure data and layout shared by every builder: one CSV reader, one rounding rule, one row axis."""

from __future__ import annotations

import csv
from pathlib import Path


def read_rows(path: Path, columns: tuple[str, ...] = (), what: str = "") -> list[dict[str, str]]:
    """Rows of a data CSV, in file order; a clear error names what is missing."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path.name} is missing the column(s) {', '.join(missing)}")
        rows = list(reader)
    if not rows:
        raise ValueError(f"{path} has no data rows" + (f"; add one row per {what}" if what else ""))
    return rows


def about(pct: float) -> int:
    """A percentage as a whole number out of 100, rounding halves up (11.5 -> 12)."""
    return int(float(pct) + 0.5)


def rows_axis(rows: int, bottom: float) -> dict:
    """A y axis with one unlabelled, fixed row per item, the first at the top
    (the bars or tracks carry their own labels)."""
    return dict(range=[rows - bottom, -0.75], showticklabels=False, showgrid=False, zeroline=False, fixedrange=True)
