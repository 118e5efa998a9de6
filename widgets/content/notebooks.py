"""Lesson notebooks: the one function that finds them and the one that reads them.

Every part of the course that needs a lesson's cells or metadata (the course
map, the lesson contract, notebook hygiene, the figures that number their
citations) reads it through :func:`read_notebook`, which parses each file
once per change.  :func:`lesson_paths` is the only place that knows a lesson
is a file named ``NN-slug.ipynb``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from widgets.paths import LESSONS

LESSON_GLOB = "[0-9][0-9]-*.ipynb"
LESSON_NAME = re.compile(r"^(\d\d)-([a-z0-9-]+)\.ipynb$")
NUMBERED_REF = re.compile(r'^\s*(\d+)\.\s+<a id="ref-([a-z0-9-]+)"></a>(.*)$', re.M)


def lesson_paths(folder: Path = LESSONS) -> list[Path]:
    """The lesson notebooks in a folder, in reading order."""
    return sorted(Path(folder).glob(LESSON_GLOB))


@dataclass(frozen=True)
class Cell:
    number: int  # 1-based, as an educator counts cells in JupyterLab
    kind: str  # "markdown", "code" or "raw"
    source: str
    outputs: tuple = ()
    execution_count: int | None = None


@dataclass
class Notebook:
    path: Path
    metadata: dict[str, Any]
    cells: list[Cell] = field(default_factory=list)
    nbformat: int = 4

    @property
    def slug(self) -> str:
        return self.path.stem

    def markdown(self) -> list[Cell]:
        return [c for c in self.cells if c.kind == "markdown"]

    def code(self) -> list[Cell]:
        return [c for c in self.cells if c.kind == "code"]

    def section(self, title: str) -> Cell | None:
        """The first Markdown cell with the heading ``## title``."""
        for c in self.markdown():
            if re.search(rf"^##\s+{re.escape(title)}\s*$", c.source, re.M | re.I):
                return c
        return None

    def reference_list(self) -> list[tuple[int, str, str]]:
        """(number, key, text) for each entry of the lesson's References list."""
        cell = self.section("References")
        return [(int(n), k, t) for n, k, t in NUMBERED_REF.findall(cell.source)] if cell else []


_cache: dict[Path, tuple[tuple[int, int], Notebook]] = {}


def read_notebook(path: Path) -> Notebook:
    """The notebook at ``path``, parsed once per change of the file.

    Raises ``OSError`` or ``ValueError`` (with the file's name) for a file
    that cannot be read or is not notebook JSON.
    """
    path = Path(path)
    st = path.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _cache.get(path.resolve())
    if hit and hit[0] == stamp:
        return hit[1]
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: not a notebook (the file holds no JSON object)")
    cells = [
        Cell(i + 1, str(c.get("cell_type", "")), _text(c.get("source", "")),
             tuple(c.get("outputs", ()) or ()), c.get("execution_count"))
        for i, c in enumerate(raw.get("cells", []) or []) if isinstance(c, dict)
    ]
    meta = raw.get("metadata", {})
    nb = Notebook(path, meta if isinstance(meta, dict) else {}, cells, int(raw.get("nbformat", 4) or 4))
    _cache[path.resolve()] = (stamp, nb)
    return nb


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def read_for_editing(path: Path):
    """The notebook as nbformat's editable node, for the tools that rewrite a lesson
    (``make refs``, ``python -m widgets.authoring.execute``); save it with ``nbformat.write``."""
    import nbformat

    return nbformat.read(path, as_version=4)
