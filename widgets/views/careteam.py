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
    _esm = esm("storage.js", "dom.js", "careteam.js")

    title = traitlets.Unicode("Questions for my care team").tag(sync=True)
    groups = traitlets.List(traitlets.Dict()).tag(sync=True)


def question_builder(path: Path | None = None) -> QuestionBuilder:
    """The builder with the suggested questions from ``path`` (read by
    :mod:`widgets.content.careteam`, which names each problem in the file)."""
    return QuestionBuilder(groups=careteam.load_groups(path or careteam.CARE_TEAM_QUESTIONS))
