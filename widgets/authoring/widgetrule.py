"""The lesson rule for widgets: lessons use only widgets the course page can show.

The page's widget host (``assets/voila/templates/course/static/lite.js``) draws
anywidget models only, and the course's own widgets are the ones that keep the
course's rules (see the contract block at the top of lite.js).
"""

from __future__ import annotations

import ast
import re

# Widgets from these libraries work in JupyterLab (make lab), but a learner
# sees "This part of the lesson could not be shown".
WIDGET_LIBRARIES = frozenset({
    "anywidget", "bqplot", "ipyaggrid", "ipycanvas", "ipycytoscape", "ipydatagrid", "ipyevents",
    "ipyleaflet", "ipympl", "ipysheet", "ipytree", "ipyvolume", "ipyvue", "ipyvuetify", "ipywidgets",
    "jupyter_bokeh", "nglview", "panel", "pythreejs", "qgrid",
})
WIDGET_MAGIC = re.compile(r"^\s*%matplotlib\s+(?:widget|ipympl|notebook|nbagg)\b.*$", re.M)
USE_INSTEAD = ("use the course's own widgets instead: quiz() from widgets, a figure builder from "
               "widgets.figures, or chart() from widgets.views.chart, stepper() from widgets.views.stepper "
               "or question_builder() from widgets.views.careteam")


def widget_message(what: str) -> str:
    return (f'{what} makes widgets the course page cannot show (they work in JupyterLab, '
            f'but a learner sees "could not be shown"); {USE_INSTEAD}')


def foreign_widgets(source: str) -> list[str]:
    """Each import of a widget library, plotly's FigureWidget or matplotlib's widget backend in a cell."""
    found = [f'"{m.group(0).strip()}"' for m in WIDGET_MAGIC.finditer(source)]
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return found  # the cell fails when the lesson runs, and nbcheck says so
    for node in sorted(ast.walk(tree), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and not getattr(node, "level", 0):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for top in dict.fromkeys(m.split(".")[0] for m in modules):
                if top in WIDGET_LIBRARIES:
                    found.append(f'"{ast.get_source_segment(code, node)}" ({top})')
            if any(a.name == "FigureWidget" for a in node.names):
                found.append("plotly's FigureWidget")
        elif (isinstance(node, ast.Attribute) and node.attr == "FigureWidget"
              or isinstance(node, ast.Name) and node.id == "FigureWidget"):
            found.append("plotly's FigureWidget")
    return list(dict.fromkeys(found))


