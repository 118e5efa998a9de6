"""Rendered lesson pages by content version: in memory, on disk, rendered when missing.

Each lesson is rendered once per content version
(:mod:`widgets.server.contentversion`) by :func:`widgets.server.render.render`
and served to every reader from memory.  Rendered pages are also kept on
disk (``COURSE_CACHE_DIR``), so a restarted server, or a second server
sharing the folder, starts warm.

The quiz banks a page was rendered with are kept with it: a grading request
names the version its page came from, so a cached page is never graded
against a different bank.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from pathlib import Path

from widgets.model import Bank, load_bank
from widgets.paths import LESSONS, ROOT
from widgets.server.contentversion import ContentVersion, source_roots
from widgets.server.render import Page, RenderError, render

log = logging.getLogger("course.render")


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
