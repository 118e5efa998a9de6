"""Render one lesson page, with its widgets' state in it.

A lesson page does the same work for every reader, so the course server
runs each lesson once, with Voila's own renderer and the course template,
and serves the resulting HTML to everyone (:mod:`widgets.server.pages`
keeps the pages).  The widgets' state (the ipywidgets widget-state JSON
that nbclient collects while the lesson runs) is written into the page, so
``lite.js`` draws every widget at first paint with no kernel.  The rendering
kernel is shut down as soon as the page is made.

What this uses of Voila, nbclient and jupyter_server beyond their documented
command line is listed, and checked at server start, in :mod:`widgets.compat`.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from widgets.model import Bank, load_bank
from widgets.paths import ASSETS, LESSONS, STORAGE_JS

_QUIET = logging.getLogger("course.render.contents")  # "notebook is not trusted": not a concern here
_QUIET.setLevel(logging.ERROR)

TEMPLATE = "course"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
RENDER_TIMEOUT = 180  # seconds for one lesson to run


@dataclass
class Page:
    """One lesson page as rendered for one content version."""

    name: str  # the notebook's file name, e.g. "01-what-is-trd.ipynb"
    version: str
    html: bytes = field(repr=False)
    banks: dict[str, Bank] = field(default_factory=dict, repr=False)  # quiz slug -> bank
    seconds: float = 0.0
    gzipped: bytes = field(default=b"", repr=False)
    etag: str = ""

    def __post_init__(self) -> None:
        if not self.gzipped:
            self.gzipped = gzip.compress(self.html, 6)
        if not self.etag:
            self.etag = '"' + hashlib.sha256(self.html).hexdigest()[:32] + '"'


class RenderError(RuntimeError):
    """A lesson could not be rendered at all (the message names the lesson)."""


def _voila_config():
    from traitlets.config import Config

    from widgets.content import coursemap

    cfg = Config()
    vc = cfg.VoilaConfiguration
    vc.template = TEMPLATE
    vc.strip_sources = True
    vc.show_tracebacks = False
    vc.allow_template_override = "NO"
    vc.allow_theme_override = "NO"
    cfg.VoilaExporter.filters = {
        "lesson_nav": coursemap.nav,
        "lesson_contents": coursemap.contents,
        "quiz_anchor": coursemap.quiz_anchor,
    }
    return cfg


def ensure_template_path() -> None:
    """Voila finds the course template through JUPYTER_PATH."""
    current = os.environ.get("JUPYTER_PATH", "")
    parts = current.split(os.pathsep) if current else []
    if str(ASSETS) not in parts:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(ASSETS), *parts])


def _banks_in(state: dict, folder: Path) -> dict[str, Bank]:
    """The bank behind every quiz on the page, read from the same files the lesson used."""
    banks = {}
    for entry in state.values():
        s = entry.get("state", {})
        if not str(s.get("_anywidget_id", "")).endswith(".Quiz"):
            continue
        slug, rel = s.get("lesson"), s.get("bank_file")
        if isinstance(slug, str) and isinstance(rel, str) and rel:
            banks[slug] = load_bank((folder / rel).resolve())
    return banks


async def render(name: str, version: str, folder: Path | None = None) -> Page:
    """Run one lesson with the course template; return its page.  Raises RenderError."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
    from voila.configuration import VoilaConfiguration
    from voila.notebook_renderer import NotebookRenderer
    from voila.paths import collect_template_paths

    folder = folder or LESSONS
    ensure_template_path()
    started = time.monotonic()
    cfg = _voila_config()
    vc = VoilaConfiguration(config=cfg)
    renderer = NotebookRenderer(
        voila_configuration=vc,
        traitlet_config=cfg,
        notebook_path=name,
        template_paths=collect_template_paths(["voila", "nbconvert"], TEMPLATE, prune=True),
        contents_manager=AsyncLargeFileManager(root_dir=str(folder), log=_QUIET),
        kernel_spec_manager=KernelSpecManager(),
        base_url="/",
        page_config={},
        mathjax_url="",
        mathjax_config="",
    )
    km = AsyncKernelManager(kernel_name="python3", transport="ipc",
                            connection_file=str(_runtime_dir() / f"render-{os.getpid()}-{id(renderer)}.json"))
    state: dict = {}
    try:
        await renderer.initialize()

        def widget_state() -> dict:
            """Called by the template after the last cell has run."""
            executor = renderer.executor
            executor.set_widgets_metadata()
            found = executor.nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
            state.update(found)
            return found

        renderer.resources["course_widget_state"] = widget_state
        renderer.resources["course_version"] = version
        renderer.resources["course_storage_js"] = STORAGE_JS.read_text(encoding="utf-8")
        await km.start_kernel(cwd=str(folder), env={**os.environ, "COURSE_RENDERING": "1"})
        html = await asyncio.wait_for(
            renderer.generate_content_str(kernel_id="", kernel_future=km), RENDER_TIMEOUT)
        banks = _banks_in(state, folder)
    except Exception as e:  # noqa: BLE001 - reported with the lesson's name
        raise RenderError(f"{name}: the lesson could not be rendered: {type(e).__name__}: {e}") from e
    finally:
        executor = getattr(renderer, "executor", None)
        if executor is not None and executor.kc is not None:
            try:
                executor.kc.stop_channels()
            except Exception:  # noqa: BLE001 - already closed
                pass
        if km.has_kernel:
            await km.shutdown_kernel(now=True)
    return Page(name=name, version=version, html=html.encode("utf-8"), banks=banks,
                seconds=round(time.monotonic() - started, 2))


def _runtime_dir() -> Path:
    from jupyter_core.paths import jupyter_runtime_dir

    path = Path(jupyter_runtime_dir())
    path.mkdir(parents=True, exist_ok=True)
    return path
