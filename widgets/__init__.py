"""Kernel-side helpers for the ketamine & TRD course.

Lessons call ``quiz(slug)`` and the figure builders; the heavy imports
(anywidget, plotly) happen only when a lesson asks for them, so
``python -m widgets.validate`` and the unit tests stay light.
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
