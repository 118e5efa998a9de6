"""Figures about the course itself (lesson lengths), read from lesson metadata."""

from __future__ import annotations

import plotly.graph_objects as go

from widgets.content.coursemap import lessons
from widgets.views.chart import chart

from ._safe import shown_safely


@shown_safely
def lesson_times():
    """How long each lesson takes, so a learner can plan short sittings."""
    seq = [lesson for lesson in lessons() if lesson.minutes]
    names = [lesson.label for lesson in seq]  # short labels fit a 320 px screen; titles are in the table
    minutes = [lesson.minutes for lesson in seq]
    fig = go.Figure(
        go.Bar(
            x=minutes,
            y=names,
            orientation="h",
            marker_color="#0b57a4",
            text=[f"about {m} min" for m in minutes],
            textposition="outside",
            cliponaxis=False,
            customdata=[lesson.title for lesson in seq],
            hovertemplate="%{y}: %{customdata}, about %{x} minutes<extra></extra>",
        )
    )
    fig.update_layout(
        height=90 + 45 * len(seq),
        margin=dict(l=10, r=40, t=10, b=40),
        xaxis=dict(title="Minutes (about)", range=[0, max(minutes, default=10) * 1.6]),  # room for the labels
        yaxis=dict(autorange="reversed", automargin=True),
    )
    return chart(
        fig,
        title="How long each lesson takes",
        description=(
            f"{len(seq)} lessons. Each bar is one lesson; longer bars take more time. "
            "You can stop after any lesson and come back later."
        ),
        table=[{"Lesson": f"{x.label}: {x.title}" if x.number else x.title, "About how many minutes": x.minutes} for x in seq],
        source="the course's own lesson list",
    )
