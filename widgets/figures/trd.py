"""Figures for lesson 01, "What treatment-resistant depression is".

Numbers come only from ``assets/data/star_d_remission.csv``, which carries its
source key on every row, so an educator can check or update a figure without
reading this code.
"""

from __future__ import annotations

from pathlib import Path

from widgets.figures._data import read_rows
from widgets.paths import DATA

from ._safe import shown_safely

STAR_D_CSV = DATA / "star_d_remission.csv"
BAR_COLOUR = "#0b57a4"  # dark blue: readable for common colour-vision differences

COL_STEP = "Treatment step"
COL_PCT = "People in remission (%)"
COL_OUT_OF_100 = "Out of 100 people"
COL_N = "People who started this step"
NOT_GIVEN = "Not given in our sources"


def read_star_d(path: Path = STAR_D_CSV) -> list[dict[str, str]]:
    """The STAR*D rows in step order, as text straight from the CSV."""
    rows = read_rows(path, what="treatment step")
    return sorted(rows, key=lambda r: int(r["step"]))


def _table(rows: list[dict[str, str]]) -> list[dict]:
    """The chart's text alternative: one row per step, in plain words."""
    out = []
    for r in rows:
        pct = float(r["remission_pct"])
        n = r["n_entered"].strip()
        out.append(
            {
                COL_STEP: r["label"],
                COL_PCT: pct,
                COL_OUT_OF_100: f"About {round(pct)} out of 100",
                COL_N: f"{int(n):,}" if n else NOT_GIVEN,
            }
        )
    return out


def star_d_figure(rows: list[dict[str, str]]):
    """The plotly bar chart alone (kept separate so tests need no widget)."""
    import plotly.graph_objects as go

    labels = [r["label"] for r in rows]
    pcts = [float(r["remission_pct"]) for r in rows]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=pcts,
            marker_color=BAR_COLOUR,
            text=[f"about {round(p)} of 100" for p in pcts],  # the course's one denominator
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: about %{customdata} out of 100 people who took this step"
            " reached remission<extra></extra>",
            customdata=[round(p) for p in pcts],
        )
    )
    fig.update_layout(
        xaxis_title="Treatment step (each step is a new treatment)",
        yaxis_title="People in remission, out of 100",
        yaxis=dict(range=[0, 100], dtick=20),
        margin=dict(l=60, r=20, t=20, b=60),
        height=380,
        showlegend=False,
    )
    return fig


@shown_safely
def star_d_remission():
    """STAR*D: how many people reached remission at each treatment step."""
    from widgets.views.chart import chart

    rows = read_star_d()
    table = _table(rows)
    by_step = ", ".join(f"{float(r['remission_pct'])}% at step {r['step']}" for r in rows)
    description = (
        f"Bar chart of how many people reached remission at each of the {len(rows)} "
        f"treatment steps in the STAR*D study, out of those who took that step: {by_step}. "
        "Fewer people reached remission with each new step. "
        "Everyone in the study got an active treatment; there was no placebo group."
    )
    source = "Rush and others (2006), a STAR*D report in the American Journal of Psychiatry."
    return chart(
        star_d_figure(rows),
        title="Remission at each treatment step in STAR*D",
        description=description,
        table=table,
        columns=[COL_STEP, COL_PCT, COL_OUT_OF_100, COL_N],
        source=source,
    )
