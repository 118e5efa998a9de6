"""The content version: a hash of everything a lesson page is made from.

That is the lessons folder, ``assets/``, the figure data, the ``widgets``
package (whose JavaScript and CSS go into the page) and the installed
package versions.  Any change gives a new version, and :mod:`widgets.server.pages`
renders the page again.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import time
from pathlib import Path

from widgets.paths import ASSETS, DATA, LESSONS, ROOT

PACKAGE = Path(__file__).resolve().parent.parent  # the whole widgets package
SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".git", "node_modules"}
CHECK_EVERY = 1.0  # seconds between looks at the files for a change


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
