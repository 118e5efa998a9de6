"""Figures for lesson 03, "How ketamine and esketamine are given".

``route_comparison`` reads ``assets/data/routes.csv`` (how much of a dose
reaches the blood, and how fast, for each route).  ``treatment_day`` reads
``assets/data/treatment_day.csv`` (what happens on an esketamine treatment
day).  Every row carries its source keys; citation numbers come from the
lesson's own reference list, as in the mechanism explorer.
"""

from __future__ import annotations

from pathlib import Path

from widgets.figures._cite import cite_text, ref_keys
from widgets.figures._data import read_rows
from widgets.paths import DATA

from ._safe import shown_safely

ROUTES_CSV = DATA / "routes.csv"
DAY_CSV = DATA / "treatment_day.csv"
LESSON = "03-treatment-routes"

# Okabe-Ito colours and distinct marker shapes: routes never differ by colour alone.
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star"]
NOT_GIVEN = "No figure in our sources"

ROUTE_COLUMNS = (
    "route", "bioavailability_pct_low", "bioavailability_pct_high", "time_to_peak_min_low",
    "time_to_peak_min_high", "approval_status", "ref_key", "source_note",
)
DAY_COLUMNS = ("phase", "start_min", "end_min", "what_happens", "ref_key")


def _num(text: str) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


def _fmt(x: float) -> str:
    return f"{x:g}"


def _span(low: float | None, high: float | None, unit: str) -> str:
    """'About 48%', '17% to 25%', '5 to 15 minutes', or NOT_GIVEN."""
    if low is None or high is None:
        return NOT_GIVEN
    if unit == "%" and low == high == 100:
        return "All of it (100%)"
    if low == high:
        return f"About {_fmt(low)}{unit}"
    first = f"{_fmt(low)}%" if unit == "%" else _fmt(low)
    return f"{first} to {_fmt(high)}{unit}"


# -- route comparison ---------------------------------------------------------

def read_routes(path: Path = ROUTES_CSV) -> list[dict]:
    rows = []
    for r in read_rows(path, ROUTE_COLUMNS):
        rows.append({
            **r,
            "bio": (_num(r["bioavailability_pct_low"]), _num(r["bioavailability_pct_high"])),
            "peak": (_num(r["time_to_peak_min_low"]), _num(r["time_to_peak_min_high"])),
        })
    return rows


def _plotted(r: dict) -> bool:
    return None not in r["bio"] and None not in r["peak"]


def short_names(rows: list[dict]) -> dict[str, str]:
    """A label for the plot itself: the part before the comma, made unique."""
    heads = [r["route"].split(",")[0].strip() for r in rows]
    out = {}
    for r, head in zip(rows, heads):
        if heads.count(head) > 1:
            tail = r["route"].split(",", 1)[1].strip().split(" ")[0]
            head = f"{head}: {tail}"
        out[r["route"]] = head
    return out


# Where each label sits next to its marker, so labels do not overlap.
LABEL_POSITION = {
    "Into a vein (IV drip)": "middle left",
    "Into a muscle (IM injection)": "top center",
    "Nasal spray: esketamine": "top center",
    "Nasal spray: compounded": "top left",
    "By mouth (oral)": "middle right",
    "Under the tongue (sublingual)": "top center",
}


def route_figure(rows: list[dict]):
    """One trace per route: a marker at the middle of each range, with bars showing the range."""
    import plotly.graph_objects as go

    names = short_names(rows)
    fig = go.Figure()
    for i, r in enumerate(row for row in rows if _plotted(row)):
        (b_lo, b_hi), (t_lo, t_hi) = r["bio"], r["peak"]
        x, y = (t_lo + t_hi) / 2, (b_lo + b_hi) / 2
        label = names[r["route"]]
        fig.add_trace(go.Scatter(
            name=r["route"],
            x=[x], y=[y],
            mode="markers+text",
            text=[label],
            textposition=LABEL_POSITION.get(label, "top center"),
            marker=dict(size=15, color=COLOURS[i % len(COLOURS)], symbol=SYMBOLS[i % len(SYMBOLS)],
                        line=dict(width=1, color="#333333")),
            error_x=dict(type="data", symmetric=False, array=[t_hi - x], arrayminus=[x - t_lo],
                         visible=t_hi > t_lo, thickness=3, width=6, color=COLOURS[i % len(COLOURS)]),
            error_y=dict(type="data", symmetric=False, array=[b_hi - y], arrayminus=[y - b_lo],
                         visible=b_hi > b_lo, thickness=3, width=6, color=COLOURS[i % len(COLOURS)]),
            customdata=[[_span(b_lo, b_hi, "%"), _span(t_lo, t_hi, " minutes"), r["approval_status"]]],
            hovertemplate=(f"<b>{r['route']}</b><br>Share reaching the blood: %{{customdata[0]}}"
                           "<br>Time to peak: %{customdata[1]}<br>%{customdata[2]}<extra></extra>"),
        ))
    fig.update_layout(
        height=520,
        margin=dict(l=70, r=30, t=20, b=140),
        xaxis=dict(title="Minutes until the blood level is highest (time to peak)", range=[-8, 58],
                   dtick=10, zeroline=False),
        yaxis=dict(title="Share of the dose that reaches the blood (%)", range=[0, 108], dtick=20,
                   ticksuffix="%"),
        legend=dict(orientation="h", yanchor="top", y=-0.2, xanchor="left", x=0),
    )
    return fig


def route_table(rows: list[dict]) -> list[dict]:
    return [
        {
            "Route": r["route"],
            "Share of the dose that reaches the blood": _span(*r["bio"], "%"),
            "Time to peak": _span(*r["peak"], " minutes"),
            "Approved for depression?": r["approval_status"],
            "Sources": cite_text(ref_keys(r["ref_key"]), LESSON),
        }
        for r in rows
    ]


@shown_safely
def route_comparison():
    """How much of a dose reaches the blood, and how fast, by route; the learner picks routes."""
    from widgets.views.chart import chart

    rows = read_routes()
    table = route_table(rows)
    drawn = [r for r in rows if _plotted(r)]
    left_out = [r["route"] for r in rows if not _plotted(r)]
    parts = [
        f"{r['route']}: {_span(*r['bio'], '%').lower()} reaches the blood, "
        f"peak {_span(*r['peak'], ' minutes').lower()}"
        for r in drawn
    ]
    description = (
        "Each marker is one route. Higher up means more of the dose reaches the blood. "
        "Further left means the blood level peaks sooner. Bars through a marker show a range. "
        + "; ".join(parts) + ". "
        + (f"Not drawn, because our sources give no figure: {', '.join(left_out)}. " if left_out else "")
        + "Only the esketamine nasal spray is approved for depression; the other routes are off-label."
    )
    keys = []
    for r in rows:
        keys += [k for k in ref_keys(r["ref_key"]) if k not in keys]
    return chart(
        route_figure(rows),
        title="How much reaches the blood, and how fast, by route",
        description=description, table=table, columns=list(table[0].keys()),
        source=(f"studies {cite_text(keys, LESSON)} in this lesson's reference list. Several figures "
                "come from small studies in healthy volunteers."),
        toggle_label="Routes to compare",
    )


# -- a treatment day ------------------------------------------------------------

def read_day(path: Path = DAY_CSV) -> list[dict]:
    rows = []
    for r in read_rows(path, DAY_COLUMNS):
        start = _num(r["start_min"])
        if start is None:
            raise ValueError(f"{path.name}: the phase {r['phase']!r} needs a start_min")
        rows.append({**r, "start": start, "end": _num(r["end_min"])})
    return rows


def _when(r: dict) -> str:
    def t(m: float) -> str:
        if m == 0:
            return "the first spray"
        size = f"{_fmt(abs(m) / 60)} hours" if abs(m) >= 120 and abs(m) % 60 == 0 else f"{_fmt(abs(m))} minutes"
        return f"{size} {'before' if m < 0 else 'after'}"

    if r["end"] is None:
        return f"From {t(r['start'])} until the next day"
    if r["end"] == r["start"]:
        return "Just before the first spray" if r["start"] == 0 else f"About {t(r['start'])}"
    return f"From {t(r['start'])} until {t(r['end'])}"


def _group(r: dict) -> str:
    if r["end"] is not None and r["end"] <= 0 and r["end"] != r["start"]:
        return "Before you arrive"
    if r["end"] is None:
        return "After you leave"
    return "At the clinic"


DAY_END = 240  # the chart's right edge; open-ended phases run to it


def day_figure(rows: list[dict]):
    import plotly.graph_objects as go

    fig = go.Figure()
    groups = {"Before you arrive": "#E69F00", "At the clinic": "#0072B2", "After you leave": "#D55E00"}
    for name, colour in groups.items():
        spans = [r for r in rows if _group(r) == name and r["end"] != r["start"]]
        if not spans:
            continue
        ends = [r["end"] if r["end"] is not None else DAY_END for r in spans]
        fig.add_trace(go.Bar(
            name=name,
            y=[r["phase"] for r in spans],
            base=[r["start"] for r in spans],
            x=[e - r["start"] for r, e in zip(spans, ends)],
            orientation="h",
            text=["until the next day →" if r["end"] is None else "" for r in spans],
            textposition="inside",
            insidetextanchor="end",
            textfont=dict(color="#000000"),
            marker=dict(color=colour, line=dict(width=1, color="#333333")),
            customdata=[[_when(r), r["what_happens"]] for r in spans],
            hovertemplate="<b>%{y}</b><br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
        ))
    moments = [r for r in rows if r["end"] == r["start"]]
    if moments:
        fig.add_trace(go.Scatter(
            name="A single moment",
            y=[r["phase"] for r in moments],
            x=[r["start"] for r in moments],
            mode="markers",
            marker=dict(symbol="diamond", size=16, color="#009E73", line=dict(width=1, color="#333333")),
            customdata=[[_when(r), r["what_happens"]] for r in moments],
            hovertemplate="<b>%{y}</b><br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
        ))
    fig.add_vline(x=0, line=dict(color="#555555", dash="dash", width=1))
    fig.add_annotation(x=0, y=1.0, yref="paper", yanchor="bottom", text="First spray", showarrow=False)
    fig.update_layout(
        barmode="overlay",
        height=110 + 42 * len(rows),
        margin=dict(l=10, r=20, t=30, b=110),
        xaxis=dict(title="Minutes before (−) and after (+) the first spray", range=[-135, DAY_END],
                   dtick=30, zeroline=False),
        yaxis=dict(autorange="reversed", automargin=True, categoryorder="array",
                   categoryarray=[r["phase"] for r in rows]),
        legend=dict(orientation="h", yanchor="top", y=-0.28, xanchor="left", x=0),
    )
    return fig


@shown_safely
def treatment_day():
    """A timeline of an esketamine treatment day: before, dosing, monitoring, home."""
    from widgets.views.chart import chart

    rows = read_day()
    table = [
        {"What happens": r["phase"], "When": _when(r), "Details": r["what_happens"],
         "Sources": cite_text(ref_keys(r["ref_key"]), LESSON)}
        for r in rows
    ]
    keys = []
    for r in rows:
        keys += [k for k in ref_keys(r["ref_key"]) if k not in keys]
    description = (
        "Timeline of a day with esketamine nasal spray, in minutes before and after the first spray. "
        + " ".join(f"{r['phase']}: {_when(r).lower()}." for r in rows)
        + " Open the table for what happens at each point."
    )
    return chart(
        day_figure(rows),
        title="What a treatment day with esketamine looks like",
        description=description, table=table, columns=list(table[0].keys()),
        source=f"the drug label, the FDA safety programme and trial reports {cite_text(keys, LESSON)}.",
    )
