"""Figures about the course itself (lesson lengths), read from lesson metadata."""

from __future__ import annotations

import plotly.graph_objects as go

from ..coursemap import lessons
from ..views.chart import chart
from ._safe import shown_safely


@shown_safely
def lesson_times():
    """How long each lesson takes, so a learner can plan short sittings."""
    seq = [lesson for lesson in lessons() if lesson.minutes]
    names = [f"{lesson.number:02d} {lesson.title}" for lesson in seq]
    minutes = [lesson.minutes for lesson in seq]
    fig = go.Figure(
        go.Bar(
            x=minutes,
            y=names,
            orientation="h",
            marker_color="#0b57a4",
            text=[f"about {m} min" for m in minutes],
            textposition="outside",
            hovertemplate="%{y}: about %{x} minutes<extra></extra>",
        )
    )
    fig.update_layout(
        height=90 + 45 * len(seq),
        margin=dict(l=10, r=40, t=10, b=40),
        xaxis=dict(title="Minutes (about)", rangemode="tozero"),
        yaxis=dict(autorange="reversed", automargin=True),
    )
    return chart(
        fig,
        title="How long each lesson takes",
        description=(
            f"{len(seq)} lessons. Each bar is one lesson; longer bars take more time. "
            "You can stop after any lesson and come back later."
        ),
        table=[{"Lesson": n, "About how many minutes": m} for n, m in zip(names, minutes)],
        source="the course's own lesson list",
    )
