"""Figures for lesson 05, "Open research questions".

Numbers come only from ``assets/data/trial_results.csv``.  Each row is one
group of one trial, with its source key and a note saying where in the
evidence brief it came from.
"""

from __future__ import annotations

from pathlib import Path

from widgets.figures._data import about, read_rows
from widgets.paths import DATA

from ._safe import shown_safely

TRIALS_CSV = DATA / "trial_results.csv"
MEASURES = ("Response", "Remission")
# Okabe-Ito colours, each at least 3:1 against a white and a dark page.
MEASURE_COLOURS = {"Response": "#0072B2", "Remission": "#D55E00"}
NOT_GIVEN = "Not reported in our sources"


def is_treatment(arm: str) -> bool:
    """True for the ketamine or esketamine group; false for the comparison group."""
    return "ketamine" in arm.lower()


def read_trials(path: Path = TRIALS_CSV) -> list[dict[str, str]]:
    """The trial rows, in the order of the CSV."""
    rows = read_rows(path, what="group and measure")
    for r in rows:
        if r["measure"] not in MEASURES:
            raise ValueError(f"{path}: measure must be one of {MEASURES}, not {r['measure']!r}")
    return rows


def _groups(rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(trial, arm) pairs in CSV order: one bar row per group of each trial."""
    seen: dict[tuple[str, str], None] = {}
    for r in rows:
        seen.setdefault((r["trial"], r["arm"]), None)
    return list(seen)


def short_arm(arm: str) -> str:
    """'Ketamine (IV; off-label)' -> 'ketamine'; 'Placebo spray + new antidepressant' -> 'placebo'; 'ECT' stays 'ECT'."""
    name = arm.split(" (")[0].split(" + ")[0].strip()
    name = name.replace("Placebo spray", "Placebo")
    return name if name.isupper() else name.lower()


def _label(trial: str, arm: str) -> str:
    role = "" if is_treatment(arm) else " (comparison)"
    return f"<b>{trial}</b>: {short_arm(arm)}{role}"


def trial_figure(rows: list[dict[str, str]]):
    """Grouped horizontal bars: one trace per measure, so the learner can choose
    response, remission or both.  Comparison groups have striped bars and say
    "(comparison)" in their label, so the groups differ by more than colour.
    Each group is named above its bars, across the full width, so the chart
    stays readable on a phone."""
    import plotly.graph_objects as go

    groups = _groups(rows)
    index = {g: i for i, g in enumerate(groups)}
    fig = go.Figure()
    for measure in MEASURES:
        ys, xs, texts, patterns, hovers = [], [], [], [], []
        for r in rows:
            if r["measure"] != measure:
                continue
            n = about(r["pct"])
            ys.append(index[(r["trial"], r["arm"])])
            xs.append(float(r["pct"]))
            texts.append(f"{n} of 100")
            patterns.append("" if is_treatment(r["arm"]) else "/")
            hovers.append(f"{r['trial']}, {measure.lower()}: about {n} out of 100 with {r['arm']}")
        fig.add_trace(
            go.Bar(
                x=xs,
                y=ys,
                orientation="h",
                name=measure,
                marker=dict(
                    color=MEASURE_COLOURS[measure],
                    line=dict(color=MEASURE_COLOURS[measure], width=1.5),
                    pattern=dict(shape=patterns, fillmode="replace", solidity=0.45),
                ),
                text=texts,
                textposition="outside",
                cliponaxis=False,
                hovertext=hovers,
                hoverinfo="text",
            )
        )
    annotations = [
        dict(x=0, xref="paper", xanchor="left", y=i - 0.3, yref="y", yanchor="bottom",
             text=_label(t, a), showarrow=False, font=dict(size=12), align="left")
        for i, (t, a) in enumerate(groups)
    ]
    # Thin lines between trials, so each trial's two groups read as a pair.
    shapes = []
    trials = [t for t, _ in groups]
    for i in range(1, len(groups)):
        if trials[i] != trials[i - 1]:
            shapes.append(
                dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=i - 0.55, y1=i - 0.55,
                     line=dict(color="#888888", width=1, dash="dot"))
            )
    fig.update_layout(
        barmode="group",
        bargap=0.45,
        bargroupgap=0.08,
        height=120 + 62 * len(groups),
        margin=dict(l=10, r=70, t=40, b=50),
        xaxis=dict(title="Out of 100 people in each group", range=[0, 100], dtick=20, fixedrange=True,
                   gridcolor="rgba(128,128,128,0.35)"),
        yaxis=dict(
            range=[len(groups) - 0.6, -0.75],
            showticklabels=False,
            showgrid=False,
            zeroline=False,
            fixedrange=True,
        ),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, itemclick=False, itemdoubleclick=False),
        showlegend=True,
        annotations=annotations,
        shapes=shapes,
    )
    return fig


def _table(rows: list[dict[str, str]]) -> list[dict]:
    out = []
    for trial, arm in _groups(rows):
        row = {"Trial": trial, "Group": arm + ("" if is_treatment(arm) else " (comparison)")}
        for measure in MEASURES:
            hit = [r for r in rows if r["trial"] == trial and r["arm"] == arm and r["measure"] == measure]
            row[measure] = f"About {about(hit[0]['pct'])} out of 100" if hit else NOT_GIVEN
        out.append(row)
    return out


@shown_safely
def reading_a_trial():
    """Response and remission in both groups of six trials, side by side."""
    from widgets.views.chart import chart

    rows = read_trials()
    trials = list(dict.fromkeys(r["trial"] for r in rows))
    description = (
        "Bar chart of response and remission, out of 100 people in each group, for "
        f"{len(trials)} trials: {', '.join(trials)}. Each trial has two rows: the ketamine or esketamine "
        "group (solid bars) and the comparison group (striped bars, marked 'comparison'). "
        "Blue bars are response; orange bars are remission. Where a trial reports both, remission is lower "
        "than response. In every trial, the comparison group also improves. The gap between the two groups is the fair "
        "measure of benefit. In KetECT, ECT did better than ketamine."
    )
    return chart(
        trial_figure(rows),
        title="Reading a trial result: both groups, response and remission",
        description=description,
        table=_table(rows),
        columns=["Trial", "Group", *MEASURES],
        source=(
            "TRANSFORM-1 and 2 pooled (Turkoz and others, 2021); TRANSFORM-3 (benefit-risk table, 2021); "
            "ESCAPE-TRD (Reif and others, 2023); ELEKT-D (Anand and others, 2023; Ekstrand and others, 2024); "
            "KetECT (Ekstrand and others, 2022); KARMA-Dep 2 (Jelovac and others, 2025)."
        ),
        toggle_label="Measures to show",
    )
