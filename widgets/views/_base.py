"""What every course widget shares: its code joined into one module (:func:`esm`), the
stylesheet, a stable repr for saved outputs, and a kernel that the page cannot steer.

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


def esm(*names: str) -> str:
    """A view's widget code: the shared files it needs, then its own, as one module.

    ``storage.js`` (the learner's browser storage, also written into every
    page's <head>) and ``dom.js`` (the ``el`` helper) go in front of
    the view's file, so the one copy of each works in the course page and in
    JupyterLab alike.
    """
    return "\n".join((HERE / name).read_text(encoding="utf-8") for name in names)


class CourseWidget(anywidget.AnyWidget):
    _css = HERE / "widgets.css"

    def __repr__(self) -> str:
        """Plain text with no memory address, so a lesson's saved outputs are the same on every run."""
        title = getattr(self, "title", "")
        return f"<{type(self).__name__}: {title}>" if title else f"<{type(self).__name__}>"

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
    quietly; a malformed state request is closed quietly too.  The two
    ipywidgets internals come through :mod:`widgets.compat`: if they have
    changed, this fails loudly instead of closing every request quietly.
    """
    try:
        from comm import get_comm_manager
    except ImportError:  # pragma: no cover - it comes with anywidget
        return
    from widgets import compat

    control_opened = compat.resolve("ipywidgets.control-open")  # Widget.handle_control_comm_opened
    control_msg = compat.resolve("ipywidgets.control-msg")  # Widget._handle_control_comm_msg

    def refuse(comm, msg) -> None:
        comm.close()

    def states(comm, msg) -> None:
        try:
            control_opened(comm, msg)
        except Exception:  # noqa: BLE001 - wrong protocol version or a hostile message
            comm.close()
            return

        def on_msg(message) -> None:
            try:
                control_msg(message)
            except Exception:  # noqa: BLE001 - unknown method or malformed message
                return None

        comm.on_msg(on_msg)

    manager = get_comm_manager()
    manager.register_target("jupyter.widget", refuse)
    manager.register_target("jupyter.widget.control", states)


guard_comm_targets()
