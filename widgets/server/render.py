"""Render each lesson page once per content version, with its widgets' state in it.

A lesson page does the same work for every reader, so the course server
runs each lesson once, with Voila's own renderer and the course template,
and serves the resulting HTML to everyone.  The widgets' state (the
ipywidgets widget-state JSON that nbclient collects while the lesson runs)
is written into the page, so ``lite.js`` draws every widget at first paint
with no kernel.  The rendering kernel is shut down as soon as the page is
made.

A page is cached under a *content version*: a hash of everything the page
is made from (the lessons folder, ``assets/``, the figure data, the
``widgets`` package, whose JavaScript and CSS go into the page, and the
installed package versions).  Any change gives a new version, and the page
is rendered again.  Rendered pages are also kept on disk
(``COURSE_CACHE_DIR``), so a restarted server, or a second server sharing
the folder, starts warm.

The quiz banks a page was rendered with are kept with it: a grading request
names the version its page came from, so a cached page is never graded
against a different bank.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import importlib.metadata
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from widgets.model import Bank, load_bank
from widgets.paths import ASSETS, DATA, LESSONS, ROOT

log = logging.getLogger("course.render")
_QUIET = logging.getLogger("course.render.contents")  # "notebook is not trusted": not a concern here
_QUIET.setLevel(logging.ERROR)

PACKAGE = Path(__file__).resolve().parent.parent  # the whole widgets package
TEMPLATE = "course"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".git", "node_modules"}
CHECK_EVERY = 1.0  # seconds between looks at the files for a change
RENDER_TIMEOUT = 180  # seconds for one lesson to run

# What rendering uses of Voila and nbclient beyond their documented command
# line: one list, so an upgrade that changes any of it is easy to check.
VOILA_INTERNALS = (
    "voila.notebook_renderer.NotebookRenderer(voila_configuration=, traitlet_config=, notebook_path=, "
    "template_paths=, contents_manager=, kernel_spec_manager=, base_url=, page_config=, mathjax_url=, "
    "mathjax_config=)",
    "voila.notebook_renderer.NotebookRenderer.initialize()",
    "voila.notebook_renderer.NotebookRenderer.resources (a dict the template sees)",
    "voila.notebook_renderer.NotebookRenderer.generate_content_str(kernel_id=, kernel_future=)",
    "voila.notebook_renderer.NotebookRenderer.executor (nbclient.NotebookClient)",
    "nbclient.NotebookClient.set_widgets_metadata() and .nb.metadata.widgets",
    "voila.paths.collect_template_paths(['voila', 'nbconvert'], name, prune=True)",
    "the lab template's blocks: body_header, body_loop (kernel_start, cell_generator), any_cell, "
    "data_priority, stream, error, body_footer",
)


# ---- the content version ---------------------------------------------------

def source_roots(folder: Path | None = None) -> list[Path]:
    """Everything a lesson page is made from (the installed packages aside)."""
    roots = [folder or LESSONS, ASSETS, PACKAGE]
    if not DATA.is_relative_to(ASSETS):
        roots.append(DATA)
    return roots


def _files(roots: list[Path]) -> list[Path]:
    found = []
    for root in roots:
        if not root.exists():
            continue
        for p in root.rglob("*"):
            if p.is_file() and not SKIPPED_PARTS.intersection(p.parts) and p.suffix != ".pyc":
                found.append(p)
    return sorted(found)


def packages_digest() -> str:
    """The installed distributions and their versions."""
    names = sorted({f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()
                    if d.metadata and d.metadata["Name"]})
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


class ContentVersion:
    """The current content version, checked at most once a second.

    A look costs one ``stat`` per file; the files are read and hashed only
    when a size or modification time has changed.
    """

    def __init__(self, roots: list[Path] | None = None):
        self.roots = roots or source_roots()
        self.packages = packages_digest()
        self._stamp: tuple | None = None
        self._version = ""
        self._checked = 0.0

    def _stamps(self) -> tuple:
        out = []
        for p in _files(self.roots):
            try:
                st = p.stat()
            except OSError:
                continue
            out.append((str(p), st.st_size, st.st_mtime_ns))
        return tuple(out)

    def current(self) -> str:
        now = time.monotonic()
        if self._version and now - self._checked < CHECK_EVERY:
            return self._version
        self._checked = now
        stamp = self._stamps()
        if stamp != self._stamp:
            digest = hashlib.sha256(self.packages.encode())
            for path, _size, _mtime in stamp:
                p = Path(path)
                try:
                    data = p.read_bytes()
                except OSError:
                    continue
                digest.update(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p).encode())
                digest.update(b"\0" + hashlib.sha256(data).digest())
            self._version = digest.hexdigest()[:20]
            self._stamp = stamp
        return self._version


# ---- a rendered page -------------------------------------------------------

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


# ---- the cache -------------------------------------------------------------

def default_cache_dir() -> Path:
    return Path(os.environ.get("COURSE_CACHE_DIR") or ROOT / ".cache" / "pages")


class Pages:
    """Rendered pages by (version, lesson): in memory, on disk, rendered when missing.

    At most ``at_once`` lessons render together, and each (version, lesson)
    renders only once however many readers ask for it at the same moment.
    ``preview=True`` renders afresh on every call (``make preview``).
    """

    def __init__(self, folder: Path | None = None, cache_dir: Path | None = None,
                 preview: bool = False, at_once: int = 1, keep_versions: int = 3):
        self.folder = folder or LESSONS
        self.cache_dir = cache_dir or default_cache_dir()
        self.preview = preview
        self.version = ContentVersion(source_roots(self.folder))
        self._pages: dict[tuple[str, str], Page] = {}
        self._rendering: dict[tuple[str, str], asyncio.Future] = {}
        self._gate = asyncio.Semaphore(at_once)
        self.keep_versions = keep_versions
        self.renders = 0
        self._warming: asyncio.Future | None = None
        self.failed: set[tuple[str, str]] = set()

    def names(self) -> list[str]:
        """Every notebook the folder holds: the lessons (tests serve fixture notebooks too)."""
        return sorted(p.name for p in self.folder.glob("*.ipynb") if not p.name.startswith("."))

    def current(self) -> str:
        return self.version.current()

    def known(self, version: str, name: str) -> Page | None:
        return self._pages.get((version, name))

    async def get(self, name: str) -> Page:
        version = self.current()
        if self.preview:  # afresh every time; kept only so its quiz can be graded
            page = await self._render(name, version)
            self._pages[(version, name)] = page
            return page
        key = (version, name)
        if key in self._pages:
            return self._pages[key]
        if key not in self._rendering:
            self._rendering[key] = asyncio.ensure_future(self._load_or_render(name, version))
            self._rendering[key].add_done_callback(lambda _: self._rendering.pop(key, None))
        return await asyncio.shield(self._rendering[key])

    def ensure_warm(self) -> None:
        """Start rendering the current version's lessons in the background, if any is missing.

        Called at start, every few seconds and by ``/healthz``, so after a
        change the server gets ready again by itself, with no reader waiting.
        """
        if self.preview or (self._warming is not None and not self._warming.done()):
            return
        version = self.current()
        if any(not self.known(version, n) and (version, n) not in self.failed for n in self.names()):
            self._warming = asyncio.ensure_future(self.warm())

    def ready(self) -> tuple[list[str], list[str], list[str]]:
        """(lessons ready, lessons that could not be rendered, lessons still to render), for now."""
        version, names = self.current(), self.names()
        if self.preview:
            return names, [], []
        done = [n for n in names if self.known(version, n)]
        failed = [n for n in names if n not in done and (version, n) in self.failed]
        return done, failed, [n for n in names if n not in done and n not in failed]

    async def warm(self) -> None:
        """Render (or load from disk) every lesson of the current version."""
        for name in self.names():
            try:
                await self.get(name)
            except RenderError as e:
                self.failed.add((self.current(), name))  # not tried again in the background
                log.error("%s", e)

    async def stop(self) -> None:
        """Cancel renders still running; each shuts its kernel down on the way out."""
        tasks = [t for t in [*self._rendering.values(), self._warming] if t is not None and not t.done()]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _load_or_render(self, name: str, version: str) -> Page:
        page = self._from_disk(name, version)
        if page is None:
            page = await self._render(name, version)
            self._to_disk(page)
        self._pages[(version, name)] = page
        self._forget_old()
        return page

    async def _render(self, name: str, version: str) -> Page:
        async with self._gate:
            page = await render(name, version, self.folder)
        self.renders += 1
        log.info("Rendered %s in %.1f s (version %s)", name, page.seconds, version)
        return page

    def _forget_old(self) -> None:
        versions = list(dict.fromkeys(v for v, _ in self._pages))
        for old in versions[:-self.keep_versions]:
            for key in [k for k in self._pages if k[0] == old]:
                del self._pages[key]

    # On disk: <cache>/<version>/<lesson>.html plus a small JSON of the banks' files.
    def _paths(self, name: str, version: str) -> tuple[Path, Path]:
        base = self.cache_dir / version / Path(name).stem
        return base.with_suffix(".html"), base.with_suffix(".json")

    def _from_disk(self, name: str, version: str) -> Page | None:
        html_path, meta_path = self._paths(name, version)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            html = html_path.read_bytes()
            banks = {slug: load_bank((self.folder / rel).resolve()) for slug, rel in meta["banks"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            return None
        except Exception:  # noqa: BLE001 - a bad cache entry is rendered again
            return None
        return Page(name=name, version=version, html=html, banks=banks)

    def _to_disk(self, page: Page) -> None:
        html_path, meta_path = self._paths(page.name, page.version)
        try:
            html_path.parent.mkdir(parents=True, exist_ok=True)
            files = {slug: str(_relative_bank(b, self.folder)) for slug, b in page.banks.items()}
            for path, data in ((html_path, page.html),
                               (meta_path, json.dumps({"banks": files}).encode())):
                tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
                tmp.write_bytes(data)
                tmp.replace(path)
        except OSError as e:
            log.warning("Could not keep the rendered %s on disk (%s); it stays in memory", page.name, e)


def _relative_bank(bank: Bank, folder: Path) -> str:
    return os.path.relpath(Path(bank.path).resolve(), folder)
