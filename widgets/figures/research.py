"""Figures for lesson 05, "Open research questions".

Numbers come only from ``assets/data/trial_results.csv``.  Each row is one
group of one trial, with its source key and a note saying where it came from.
The lesson shows one chart per measure (response, then remission), so results
measured in different ways never sit side by side as if they were the same.
Citation numbers in the caption are read from the lesson's reference list.
"""

from __future__ import annotations

from pathlib import Path

from widgets.figures._cite import cite_text, ref_keys
from widgets.figures._data import about, read_rows, rows_axis
from widgets.paths import DATA

from ._safe import shown_safely

TRIALS_CSV = DATA / "trial_results.csv"
LESSON = "05-open-research"
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
    """'Ketamine (IV; off-label)' -> 'ketamine (off-label)'; 'Placebo spray + new antidepressant' -> 'placebo';
    'ECT' stays 'ECT'. An off-label use keeps its label on the chart too."""
    name = arm.split(" (")[0].split(" + ")[0].strip()
    name = name.replace("Placebo spray", "Placebo")
    name = name if name.isupper() else name.lower()
    return name + " (off-label)" if "off-label" in arm else name


def _label(trial: str, arm: str) -> str:
    role = "" if is_treatment(arm) else " (comparison)"
    return f"<b>{trial}</b>: {short_arm(arm)}{role}"


def _only(rows: list[dict[str, str]], measure: str | None) -> list[dict[str, str]]:
    if measure is None:
        return rows
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    return [r for r in rows if r["measure"] == measure]


def trial_figure(rows: list[dict[str, str]], measure: str | None = None):
    """Horizontal bars, one per group.  With ``measure`` ("Response" or
    "Remission") the chart shows that measure only; without it, one trace per
    measure, so the learner can choose response, remission or both.
    Comparison groups have striped bars and say "(comparison)" in their label,
    so the groups differ by more than colour.  Each group is named above its
    bars, across the full width, so the chart stays readable on a phone."""
    import plotly.graph_objects as go

    rows = _only(rows, measure)
    groups = _groups(rows)
    index = {g: i for i, g in enumerate(groups)}
    fig = go.Figure()
    for measure_name in MEASURES:
        if not any(r["measure"] == measure_name for r in rows):
            continue
        bars = [r for r in rows if r["measure"] == measure_name]
        ys = [index[(r["trial"], r["arm"])] for r in bars]
        xs = [float(r["pct"]) for r in bars]
        texts = [f"{about(r['pct'])} of 100" for r in bars]
        patterns = ["" if is_treatment(r["arm"]) else "/" for r in bars]
        hovers = [f"{r['trial']}, {measure_name.lower()}: about {about(r['pct'])} out of 100 with {r['arm']}" for r in bars]
        fig.add_trace(
            go.Bar(
                x=xs, y=ys,
                orientation="h",
                name=measure_name,
                marker=dict(
                    color=MEASURE_COLOURS[measure_name],
                    line=dict(color=MEASURE_COLOURS[measure_name], width=1.5),
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
    single = measure is not None
    gap = 0.65 if single else 0.55  # rows are shorter with one measure: keep the line clear of the labels
    shapes = []
    trials = [t for t, _ in groups]
    for i in range(1, len(groups)):
        if trials[i] != trials[i - 1]:
            shapes.append(
                dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=i - gap, y1=i - gap,
                     line=dict(color="#888888", width=1, dash="dot"))
            )
    fig.update_layout(
        barmode="group",
        bargap=0.45,
        bargroupgap=0.08,
        height=(100 + 54 * len(groups)) if single else (120 + 62 * len(groups)),
        margin=dict(l=10, r=70, t=20 if single else 40, b=50),
        xaxis=dict(title="Out of 100 people in each group", range=[0, 100], dtick=20, fixedrange=True,
                   gridcolor="rgba(128,128,128,0.35)"),
        yaxis=rows_axis(len(groups), 0.6),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, itemclick=False, itemdoubleclick=False),
        showlegend=not single,
        annotations=annotations,
        shapes=shapes,
    )
    return fig


def _table(rows: list[dict[str, str]], measures: tuple[str, ...] = MEASURES) -> list[dict]:
    out = []
    for trial, arm in _groups(rows):
        row = {"Trial": trial, "Group": arm + ("" if is_treatment(arm) else " (comparison)")}
        for measure in measures:
            hit = [r for r in rows if r["trial"] == trial and r["arm"] == arm and r["measure"] == measure]
            row[measure] = f"About {about(hit[0]['pct'])} out of 100" if hit else NOT_GIVEN
        out.append(row)
    return out


def _sources(rows: list[dict[str, str]]) -> str:
    """'TRANSFORM-1 and TRANSFORM-2 [5]; ESCAPE-TRD [4]', from the CSV's ref_key column."""
    by_keys: dict[tuple[str, ...], list[str]] = {}
    for r in rows:
        trials = by_keys.setdefault(tuple(ref_keys(r["ref_key"])), [])
        if r["trial"] not in trials:
            trials.append(r["trial"])
    parts = []
    for keys, trials in by_keys.items():
        names = trials[0] if len(trials) == 1 else ", ".join(trials[:-1]) + " and " + trials[-1]
        parts.append(f"{names} {cite_text(list(keys), LESSON)}".strip())
    return "; ".join(parts) + ", in this lesson's reference list."


DEFINITIONS = {
    "Response": "response (symptoms down by at least half)",
    "Remission": "remission (symptoms down to a very low level)",
}


@shown_safely
def reading_a_trial(measure: str | None = None):
    """Both groups of each trial for one measure ("Response" or "Remission").
    Without ``measure``, response and remission side by side, with toggles."""
    from widgets.views.chart import chart

    rows = _only(read_trials(), measure)
    trials = list(dict.fromkeys(r["trial"] for r in rows))
    shown = (measure,) if measure else MEASURES
    what = DEFINITIONS[measure] if measure else "response and remission"
    better = [
        t for t in trials
        if any(float(c["pct"]) > float(k["pct"])
               for c in rows if c["trial"] == t and not is_treatment(c["arm"])
               for k in rows if k["trial"] == t and is_treatment(k["arm"]) and k["measure"] == c["measure"])
    ]
    description = (
        f"Bar chart of {what}, out of 100 people in each group, for {len(trials)} trials: "
        f"{', '.join(trials)}. Each trial has a row for each ketamine or esketamine group (solid bars) and one for "
        "the comparison group (striped bars, marked 'comparison'). "
        + ("Blue bars are response; orange bars are remission. " if not measure else "")
        + "Each trial measured this in its own way, so compare the groups within a trial, not across trials. "
        "In every trial, the comparison group also improves. The gap between the two groups is the fair measure "
        "of benefit."
        + (f" In {', '.join(better)}, the comparison group did better." if better else "")
    )
    title = f"{measure}: both groups in each trial" if measure else "Reading a trial result: both groups, response and remission"
    return chart(
        trial_figure(rows, measure),
        title=title,
        description=description,
        table=_table(rows, shown),
        columns=["Trial", "Group", *shown],
        source=_sources(rows),
        toggle_label="" if measure else "Measures to show",
    )
