"""A figure whose data cannot be read shows a notice, not a traceback.

Every builder a lesson calls is wrapped with :func:`shown_safely`.  If its
data file is missing, malformed or incomplete, the learner sees a short
notice where the figure would be, the course team sees which builder and
which problem, and the rest of the lesson runs on.
"""

from __future__ import annotations

import functools
import html


def figure_notice(builder: str, error: Exception):
    from IPython.display import HTML

    problem = str(error) or type(error).__name__
    return HTML(
        '<div class="course-notice" role="note">'
        "<p><strong>This figure could not be shown.</strong> The rest of the lesson still works.</p>"
        f"<p>For the course team: <code>{html.escape(builder)}</code> could not read its data: "
        f"<code>{html.escape(problem[:500])}</code></p></div>"
    )


def shown_safely(builder):
    @functools.wraps(builder)
    def build(*args, **kwargs):
        try:
            return builder(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - any data problem becomes a notice
            return figure_notice(builder.__name__, error)

    return build
