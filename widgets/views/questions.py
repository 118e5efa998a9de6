"""'Questions for my care team': tick suggested questions, add your own, print.

Everything the learner chooses or writes stays in their browser
(localStorage); the kernel only supplies the suggested questions.
"""

from __future__ import annotations

from pathlib import Path

import traitlets
import yaml

from widgets.paths import DATA

from ._base import CourseWidget

HERE = Path(__file__).parent


class QuestionBuilder(CourseWidget):
    _esm = HERE / "questions.js"

    title = traitlets.Unicode("Questions for my care team").tag(sync=True)
    groups = traitlets.List(traitlets.Dict()).tag(sync=True)


def load_groups(path: Path) -> list[dict]:
    """Groups of suggested questions: [{heading, questions: [{id, text}]}]."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    groups = []
    for g in data["groups"]:
        qs = [{"id": str(q["id"]), "text": str(q["text"])} for q in g["questions"]]
        groups.append({"heading": str(g["heading"]), "questions": qs})
    ids = [q["id"] for g in groups for q in g["questions"]]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path.name}: question ids must be unique")
    return groups


def question_builder(path: Path | None = None) -> QuestionBuilder:
    return QuestionBuilder(groups=load_groups(path or DATA / "care_team_questions.yaml"))
