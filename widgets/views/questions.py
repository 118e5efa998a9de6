"""'Questions for my care team': tick suggested questions, add your own, print.

Everything the learner chooses or writes stays in their browser
(localStorage); the kernel only supplies the suggested questions.
"""

from __future__ import annotations

from pathlib import Path

import traitlets

from widgets.content import careteam

from ._base import CourseWidget, esm


class QuestionBuilder(CourseWidget):
    _esm = esm("storage.js", "dom.js", "questions.js")

    title = traitlets.Unicode("Questions for my care team").tag(sync=True)
    groups = traitlets.List(traitlets.Dict()).tag(sync=True)


def load_groups(path: Path) -> list[dict]:
    """Groups of suggested questions (read by :mod:`widgets.content.careteam`, which names each problem)."""
    return careteam.load_groups(path)


def question_builder(path: Path | None = None) -> QuestionBuilder:
    return QuestionBuilder(groups=load_groups(path or careteam.CARE_TEAM_QUESTIONS))
