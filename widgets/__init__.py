"""What lessons import: the model, views, figures and readers of content.

The course's Python has three homes:

- ``widgets`` itself, with ``widgets.model`` (questions, banks, grading,
  the decision aid), ``widgets.views`` (the anywidgets and their JavaScript),
  ``widgets.figures`` (each lesson's charts) and ``widgets.content`` (readers
  of the lessons, glossary, references and data).  This is the kernel side.
- ``widgets.server``: the course server.  It renders each lesson once and
  grades answers; lessons never import it.
- ``widgets.authoring``: the educators' and testers' tools (``make check``,
  ``python -m widgets.validate``, ``make new-lesson``, ``make refs``).

The kernel side imports nothing from the other two; ``tests/unit/test_layout.py``
checks that.  ``docs/architecture.md`` draws the whole picture.

Lessons call ``quiz(slug)`` and the figure builders; the heavy imports
(anywidget, plotly) happen only when a lesson asks for them.
"""

from __future__ import annotations

__all__ = ["quiz", "chart"]


def quiz(slug: str, *args, **kwargs):
    """Show the quiz bank ``assets/quizzes/<slug>.yaml`` (lazy import)."""
    from .views.quiz import quiz as _quiz

    return _quiz(slug, *args, **kwargs)


def chart(*args, **kwargs):
    """Show an accessible plotly chart (lazy import)."""
    from .views.chart import chart as _chart

    return _chart(*args, **kwargs)
