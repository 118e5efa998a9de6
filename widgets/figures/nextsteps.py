"""Figures for lesson 07, "Your next steps".

``care_team_questions`` shows the "Questions for my care team" builder with
the suggested questions in ``assets/data/care_team_questions.yaml``.  What the
learner ticks or writes stays in their browser; nothing is sent back.
"""

from __future__ import annotations

from widgets.paths import DATA
from widgets.views.careteam import QuestionBuilder, question_builder

from ._safe import shown_safely

QUESTIONS_YAML = DATA / "care_team_questions.yaml"


@shown_safely
def care_team_questions() -> QuestionBuilder:
    """Tick suggested questions, add your own, and print a one-page handout."""
    return question_builder(QUESTIONS_YAML)
