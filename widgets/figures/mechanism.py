"""Figure for lesson 02, "How ketamine might work": the mechanism explorer.

The steps, captions, evidence labels and sources live in
``assets/data/mechanism_steps.csv``, so an educator can correct a step without
reading this code.  Citation numbers are not stored in the CSV: they are read
from the lesson's own reference list, so they stay right when the list is
renumbered.
"""

from __future__ import annotations

from pathlib import Path

from widgets.figures._cite import cite_text, ref_keys
from widgets.figures._data import read_rows
from widgets.paths import DATA

from ._safe import shown_safely

STEPS_CSV = DATA / "mechanism_steps.csv"
LESSON = "02-how-ketamine-works"
COLUMNS = ("step", "title", "caption", "evidence", "ref_key", "source_note")


def read_steps(path: Path = STEPS_CSV) -> list[dict[str, str]]:
    """The cascade in step order, as text straight from the CSV."""
    rows = read_rows(path, COLUMNS, what="step of the cascade")
    return sorted(rows, key=lambda r: int(r["step"]))


def steps_for_view(rows: list[dict[str, str]], slug: str = LESSON) -> list[dict[str, str]]:
    return [
        {
            "title": r["title"],
            "caption": r["caption"],
            "evidence": r["evidence"],
            "cite": cite_text(ref_keys(r["ref_key"]), slug),
        }
        for r in rows
    ]


@shown_safely
def cascade_explorer():
    """Step through the leading explanation of how ketamine might work."""
    from widgets.views.stepper import stepper

    rows = read_steps()
    animal = sum("animal" in r["evidence"].lower() for r in rows)
    return stepper(
        title="The leading explanation, one step at a time",
        description=(
            f"This is the chain of {len(rows)} steps that many scientists think may explain how ketamine "
            f"helps depression. Of the {len(rows)} steps, {animal} come mainly from studies in rats and mice. "
            "Use the Next and Previous buttons, or open the full list below. Each step shows its evidence "
            "label and its source number."
        ),
        steps=steps_for_view(rows),
        source="the numbered studies in each step, listed under References at the end of this lesson.",
    )
