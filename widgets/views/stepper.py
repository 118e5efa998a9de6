"""A step-by-step explorer: one step at a time, with Previous/Next buttons.

Used for the ketamine mechanism cascade.  Each step carries a plain caption,
its evidence label and its reference, and the whole sequence is also shown
as an ordered list (the text alternative), so nothing depends on sight or a
pointer.
"""

from __future__ import annotations

import traitlets

from ._base import CourseWidget, esm


class Stepper(CourseWidget):
    _esm = esm("dom.js", "stepper.js")

    title = traitlets.Unicode("").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    steps = traitlets.List(traitlets.Dict()).tag(sync=True)
    source = traitlets.Unicode("").tag(sync=True)


def stepper(*, title: str, description: str, steps: list[dict], source: str = "") -> Stepper:
    """steps: dicts with title, caption, evidence (label text) and cite (e.g. "[3]")."""
    if not steps:
        raise ValueError(f"stepper {title!r} has no steps")
    for i, s in enumerate(steps, 1):
        missing = [k for k in ("title", "caption", "evidence") if not str(s.get(k, "")).strip()]
        if missing:
            raise ValueError(f"step {i} of {title!r} is missing {', '.join(missing)}")
    clean = [{k: str(s.get(k, "")) for k in ("title", "caption", "evidence", "cite")} for s in steps]
    return Stepper(title=title, description=description, steps=clean, source=source)
