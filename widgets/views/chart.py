"""An accessible plotly chart: the plot, a caption, and the data as a table.

plotly's own JupyterLab renderer throws inside Voila, so the chart is drawn
by a small anywidget that loads plotly.js from the course server.  The
widget wraps the plot in ``role="img"`` with a name, and always carries a
caption and a data table, so every chart has a text alternative.
"""

from __future__ import annotations

from pathlib import Path

import traitlets

from ._base import CourseWidget

HERE = Path(__file__).parent


class Chart(CourseWidget):
    _esm = HERE / "chart.js"

    figure_json = traitlets.Unicode("{}").tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    columns = traitlets.List(traitlets.Unicode()).tag(sync=True)
    rows = traitlets.List(traitlets.List()).tag(sync=True)
    source = traitlets.Unicode("").tag(sync=True)
    toggle_label = traitlets.Unicode("").tag(sync=True)


def chart(
    fig,
    *,
    title: str,
    description: str,
    table: list[dict],
    columns: list[str] | None = None,
    source: str = "",
    toggle_label: str = "",
) -> Chart:
    """Wrap a plotly figure with its caption, description and data table.

    With ``toggle_label`` (e.g. "Routes to show"), the learner gets one
    checkbox per trace to choose what to compare.
    """
    if not title.strip() or not description.strip():
        raise ValueError("every chart needs a title and a description (its text alternative)")
    if not table:
        raise ValueError(f"chart {title!r} has no data table; every chart needs one")
    cols = list(columns or table[0].keys())
    rows = [[_cell(row.get(c, "")) for c in cols] for row in table]
    return Chart(figure_json=fig.to_json(), title=title, description=description, columns=cols, rows=rows,
                 source=source, toggle_label=toggle_label)


def _cell(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
