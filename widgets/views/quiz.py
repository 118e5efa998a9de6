"""The quiz as learners see it: a thin anywidget over the pure model.

The browser gets only what it must show (prompts, option texts, the
shuffled order).  It sends the learner's answer with ``model.send``; the
course server grades it with :mod:`widgets.model.grading` (in JupyterLab,
the kernel does, with the same function).  Nothing a learner answers is
stored or logged.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import traitlets
from IPython.display import HTML, display

from widgets.model import Bank, BankError, grading, load_bank, load_reference_keys
from widgets.paths import QUIZZES, REFERENCES, ROOT

from ._base import CourseWidget, esm


class Quiz(CourseWidget):
    _esm = esm("storage.js", "dom.js", "quiz.js")

    lesson = traitlets.Unicode("").tag(sync=True)
    title = traitlets.Unicode("Check your understanding").tag(sync=True)
    questions = traitlets.List().tag(sync=True)
    practice = traitlets.List().tag(sync=True)  # "More practice": shown collapsed
    # The bank's file, relative to the lesson's folder: how the course server,
    # which renders the page once, knows which bank grades this quiz.
    bank_file = traitlets.Unicode("").tag(sync=True)

    def __init__(self, bank: Bank, bank_file: str = "", **kwargs):
        super().__init__(
            lesson=bank.lesson,
            title=bank.title or "Check your understanding",
            questions=[grading.public_question(q) for q in bank.questions],
            practice=[grading.public_question(q) for q in bank.practice],
            bank_file=bank_file,
            **kwargs,
        )
        self._bank = bank
        self.on_msg(self._on_page_message)

    def handle(self, content: Any) -> dict[str, Any]:
        """Grade one request from the page (see :func:`widgets.model.grading.handle`)."""
        return grading.handle(self._bank, content)

    def _on_page_message(self, widget, content, buffers) -> None:
        self.send(self.handle(content))


def bank_notice(slug: str, problems: list[str]) -> HTML:
    """What a learner sees instead of a quiz whose bank is broken."""
    items = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems[:10])
    return HTML(
        '<div class="course-notice" role="note">'
        "<p><strong>This quiz could not be loaded.</strong> "
        "The rest of the lesson still works. "
        f"The question file for “{html.escape(slug)}” has a problem the course team needs to fix:</p>"
        f"<ul>{items}</ul></div>"
    )


def quiz(slug: str, folder: Path | None = None):
    """Display the quiz for a lesson, or a clear notice if its bank is broken."""
    folder = folder or QUIZZES
    path = folder / f"{slug}.yaml"
    try:
        refs = load_reference_keys(REFERENCES) if REFERENCES.exists() else None
        bank = load_bank(path, known_refs=refs)
    except BankError as e:
        display(bank_notice(slug, [_relative(str(p)) for p in e.problems]))
        return None
    except Exception as e:  # noqa: BLE001 - a learner must never see a traceback
        display(bank_notice(slug, [f"{_relative(str(path))}: {type(e).__name__}: {e}"]))
        return None
    widget = Quiz(bank, bank_file=os.path.relpath(path.resolve(), Path.cwd()))
    display(widget)
    return None


def _relative(text: str) -> str:
    return text.replace(str(ROOT) + "/", "")
