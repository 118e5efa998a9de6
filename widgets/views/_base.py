"""What every course widget shares: the stylesheet, and a kernel that the page cannot steer.

The page only shows these widgets; it never needs to change their state in
the kernel.  ipywidgets would apply any ``update`` message a page sends (a
hostile page could send a quiz list that is a string, or new widget code)
and answer bad types with a traceback.  Course widgets ignore page updates
altogether; the quiz's custom messages are the only way in, and
:meth:`widgets.views.quiz.Quiz.handle` checks every one.
"""

from __future__ import annotations

from pathlib import Path

import anywidget

HERE = Path(__file__).parent


class CourseWidget(anywidget.AnyWidget):
    _css = HERE / "widgets.css"

    def set_state(self, sync_data) -> None:
        """State sent by the page is ignored: the kernel's copy is the only truth."""
        return None

    def _handle_msg(self, msg) -> None:
        """A message ipywidgets cannot parse is dropped, never answered with a traceback."""
        try:
            super()._handle_msg(msg)
        except Exception:  # noqa: BLE001 - malformed or hostile message from the page
            return None


def guard_comm_targets() -> None:
    """Let the page open nothing in the kernel but the widget-state request.

    ipywidgets lets a page create widgets (``comm_open`` to "jupyter.widget")
    and prints a traceback to the page when the request is malformed.  The
    course never creates widgets from the page, so such requests are closed
    quietly; a malformed state request is closed quietly too.
    """
    try:
        from comm import get_comm_manager
        from ipywidgets.widgets.widget import Widget
    except ImportError:  # pragma: no cover - both come with anywidget
        return

    def refuse(comm, msg) -> None:
        comm.close()

    def states(comm, msg) -> None:
        try:
            Widget.handle_control_comm_opened(comm, msg)
        except Exception:  # noqa: BLE001 - wrong protocol version or a hostile message
            comm.close()
            return

        def on_msg(message) -> None:
            try:
                Widget._handle_control_comm_msg(message)
            except Exception:  # noqa: BLE001 - unknown method or malformed message
                return None

        comm.on_msg(on_msg)

    manager = get_comm_manager()
    manager.register_target("jupyter.widget", refuse)
    manager.register_target("jupyter.widget.control", states)


guard_comm_targets()
