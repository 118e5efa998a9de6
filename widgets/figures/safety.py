"""Figures for lesson 04, "Safety and monitoring".

Numbers come only from ``assets/data/side_effects.csv`` and
``assets/data/session_timeline.csv``.  Each row carries its source key and a
note saying where in the evidence brief it came from, so an educator can check
or update a figure without reading this code.
"""

from __future__ import annotations

from pathlib import Path

from widgets.figures._data import about, read_rows, rows_axis
from widgets.paths import DATA

from ._safe import shown_safely

SIDE_EFFECTS_CSV = DATA / "side_effects.csv"
TIMELINE_CSV = DATA / "session_timeline.csv"

# Okabe-Ito colours, each at least 3:1 against a white and a dark page.
DRUG_COLOUR = "#D55E00"  # vermillion
PLACEBO_COLOUR = "#0072B2"  # blue
TRACK_COLOURS = ["#D55E00", "#CC79A7", "#0072B2", "#009E73"]
TRACK_SYMBOLS = ["circle", "diamond", "square", "triangle-up"]

GRID = 10  # icon arrays are 10 x 10: one icon per person, out of 100
GAP = 3  # columns between the two arrays of one effect
ROW = 14  # rows of space per effect: label, captions and a 10-row array


def read_side_effects(path: Path = SIDE_EFFECTS_CSV) -> list[dict[str, str]]:
    """The side-effect rows, in the order of the CSV."""
    return read_rows(path, what="side effect")


def read_timeline(path: Path = TIMELINE_CSV) -> list[dict[str, str]]:
    """The session timeline rows, in the order of the CSV."""
    return read_rows(path, what="point on the timeline")


# -- icon arrays ---------------------------------------------------------------

def _array_points(n_with: int, x0: float, y0: float):
    """x, y and 'had it' for a 10 x 10 array, filled row by row from the top left."""
    xs, ys, had = [], [], []
    for i in range(GRID * GRID):
        xs.append(x0 + i % GRID)
        ys.append(y0 + i // GRID)
        had.append(i < n_with)
    return xs, ys, had


def side_effect_figure(rows: list[dict[str, str]]):
    """The plotly icon arrays alone (kept separate so tests need no widget).

    One trace per effect, so the learner can choose which effects to show.
    Filled icons are people who had the effect; hollow icons are people who
    did not.  The two groups also differ in colour and are labelled in words.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    right = GRID + GAP
    for k, r in enumerate(rows):
        effect = r["effect"]
        drug, placebo = about(r["drug_pct"]), about(r["placebo_pct"])
        top = k * ROW
        xs, ys, symbols, colours, sizes, texts, hovers = [], [], [], [], [], [], []
        for x0, n, colour, group in ((0, drug, DRUG_COLOUR, r["drug"]), (right, placebo, PLACEBO_COLOUR, "placebo")):
            px, py, had = _array_points(n, x0, top + 3)
            xs += px
            ys += py
            symbols += ["circle" if h else "circle-open" for h in had]
            colours += [colour] * len(px)
            sizes += [9] * len(px)
            texts += [""] * len(px)
            hovers += [f"{effect}: about {n} out of 100 with {group.lower()}"] * len(px)
        # Labels travel with the trace, so hiding an effect hides its labels too.
        labels = [
            (0, top + 0.2, f"<b>{effect}</b>"),
            (0, top + 1.7, f"Esketamine: {drug} of 100"),
            (right, top + 1.7, f"Placebo: {placebo} of 100"),
        ]
        for x, y, text in labels:
            xs.append(x - 0.5)
            ys.append(y)
            symbols.append("circle")
            colours.append("rgba(0,0,0,0)")
            sizes.append(1)
            texts.append(text)
            hovers.append(f"{effect}: about {drug} out of 100 with esketamine vs about {placebo} out of 100 with placebo")
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys,
                mode="markers+text",
                name=effect,
                text=texts,
                textposition="middle right",
                textfont=dict(size=13),
                marker=dict(symbol=symbols, color=colours, size=sizes, line=dict(width=1.5, color=colours)),
                hovertext=hovers,
                hoverinfo="text",
                showlegend=False,
            )
        )
    height_units = len(rows) * ROW
    fig.update_layout(
        height=70 + 13 * height_units,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(visible=False, range=[-1, 2 * GRID + GAP + 1.5], fixedrange=True),
        yaxis=dict(
            visible=False,
            range=[height_units - 0.5, -1],
            fixedrange=True,
            scaleanchor="x",
            scaleratio=1,
            constrain="domain",
        ),
        showlegend=False,
    )
    fig.update_xaxes(constrain="domain")
    return fig


def _side_effect_table(rows: list[dict[str, str]]) -> list[dict]:
    return [
        {
            "Side effect": r["effect"],
            "With esketamine": f"About {about(r['drug_pct'])} out of 100 ({float(r['drug_pct']):.1f}%)",
            "With placebo": f"About {about(r['placebo_pct'])} out of 100 ({float(r['placebo_pct']):.1f}%)",
        }
        for r in rows
    ]


@shown_safely
def side_effect_icons():
    """Common side effects as icon arrays: esketamine vs placebo, out of 100 people."""
    from widgets.views.chart import chart

    rows = read_side_effects()
    pairs = "; ".join(
        f"{r['effect'].split(' (')[0].lower()} {about(r['drug_pct'])} vs {about(r['placebo_pct'])}" for r in rows
    )
    description = (
        "Two grids of 100 people for each side effect: esketamine on the left (orange), placebo on the right "
        "(blue). A filled circle is a person who had the side effect; a hollow circle is a person who did not. "
        f"Out of 100 people, with esketamine vs with placebo: {pairs}. "
        "Each of these side effects was more common with esketamine. "
        "The trials were in adults in hospital with depression and active suicidal thoughts with intent, "
        "who got 84 mg; they were not trials in treatment-resistant depression."
    )
    return chart(
        side_effect_figure(rows),
        title="Common side effects: how many out of 100 people had each one",
        description=description,
        table=_side_effect_table(rows),
        columns=["Side effect", "With esketamine", "With placebo"],
        source=(
            "pooled ASPIRE I and II trials (adverse events during the double-blind phase; esketamine 84 mg "
            "or placebo spray, both added to standard care), Canuso et al. 2021, Table 2."
        ),
        toggle_label="Effects to show",
    )


# -- session timeline ----------------------------------------------------------

def _tracks(rows: list[dict[str, str]]) -> list[tuple[str, list[dict[str, str]]]]:
    """Rows grouped by phase, keeping the order phases first appear in."""
    out: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        out.setdefault(r["phase"], []).append(r)
    return [(phase, sorted(pts, key=lambda p: float(p["minute"]))) for phase, pts in out.items()]


def _minutes(m: float) -> str:
    m = int(m) if float(m).is_integer() else m
    if m and m % 60 == 0:
        hours = m // 60
        return f"{hours} hour{'s' if hours > 1 else ''}"
    return f"{m} min"


def _point_labels(xs: list[float]) -> list[str]:
    """Minute labels; two points less than 30 minutes apart share one label ("20 to 40 min")."""
    labels = [_minutes(x) for x in xs]
    for i in range(1, len(xs)):
        if labels[i - 1] and xs[i] - xs[i - 1] < 30:
            labels[i - 1] = f"{int(xs[i - 1])} to {_minutes(xs[i])}"
            labels[i] = ""
    return labels


def timeline_figure(rows: list[dict[str, str]]):
    """The plotly timeline alone: one bar per phase, from its first to its last point.

    Only the points the sources give are drawn; there are no curves, because
    our sources do not describe the shape of the effects between them.  Each
    phase is named above its bar, across the full width, so the chart stays
    readable on a phone.
    """
    import plotly.graph_objects as go

    tracks = _tracks(rows)
    fig = go.Figure()
    annotations = []
    for i, (phase, pts) in enumerate(tracks):
        colour = TRACK_COLOURS[i % len(TRACK_COLOURS)]
        xs = [float(p["minute"]) for p in pts]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[i] * len(xs),
                mode="lines+markers+text",
                name=phase,
                line=dict(color=colour, width=14),
                marker=dict(
                    symbol=TRACK_SYMBOLS[i % len(TRACK_SYMBOLS)],
                    size=18,
                    color=colour,
                    line=dict(width=2, color="#ffffff"),
                ),
                text=_point_labels(xs),
                textposition="bottom center",
                textfont=dict(size=13),
                hovertext=[f"{_minutes(float(p['minute']))}: {p['what_happens']}" for p in pts],
                hoverinfo="text",
                cliponaxis=False,
                showlegend=False,
            )
        )
        annotations.append(
            dict(x=0, xref="paper", xanchor="left", y=i - 0.22, yref="y", yanchor="bottom",
                 text=f"<b>{phase}</b>", showarrow=False, font=dict(size=12), align="left")
        )
    fig.update_layout(
        height=110 + 95 * len(tracks),
        margin=dict(l=15, r=25, t=10, b=60),
        xaxis=dict(
            title="Minutes after the dose",
            range=[-8, 250],
            tickvals=[0, 40, 90, 120, 240],
            ticktext=["0", "40", "90", "120<br>(2 h)", "240<br>(4 h)"],
            showgrid=True,
            gridcolor="rgba(128,128,128,0.35)",
            fixedrange=True,
            zeroline=False,
        ),
        yaxis=rows_axis(len(tracks), 0.45),
        annotations=annotations,
        showlegend=False,
    )
    return fig


@shown_safely
def session_timeline():
    """What usually happens during an esketamine session, minute by minute."""
    from widgets.views.chart import chart

    rows = read_timeline()
    table = [
        {"Minutes after the dose": int(float(r["minute"])), "Part of the session": r["phase"], "What happens": r["what_happens"]}
        for r in sorted(rows, key=lambda r: float(r["minute"]))
    ]
    description = (
        "Timeline of an esketamine session, from the dose (0 minutes) to 4 hours. Each bar runs between "
        "the points our sources give. Side effects start soon after the dose and had gone by about "
        "90 minutes in one large trial. The level of esketamine in the blood is highest 20 to 40 minutes "
        "after the last spray. Blood pressure is usually highest at about 40 minutes, and the rise lasts "
        "about 4 hours. You stay at the clinic for at least 2 hours (120 minutes). Not shown: no driving "
        "until the next day, after a restful sleep."
    )
    return chart(
        timeline_figure(rows),
        title="What usually happens during an esketamine session",
        description=description,
        table=table,
        columns=["Minutes after the dose", "Part of the session", "What happens"],
        source=(
            "the esketamine (Spravato) label and REMS, the company's dosing and medical information pages, "
            "and the TRANSFORM-2 trial (Popova and others, 2019)."
        ),
        toggle_label="Parts of the session to show",
    )
