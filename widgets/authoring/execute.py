"""Re-run lesson notebooks top to bottom and store clean outputs.

``python -m widgets.authoring.execute [NOTEBOOK ...]`` (default: every lesson) runs each
notebook in a fresh kernel, as strict ``pytest --nbval`` expects, then drops
the saved widget state, which only holds random ids and copies of the
widgets' JavaScript.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from widgets.content.notebooks import lesson_paths, read_for_editing


def execute(path: Path, timeout: int = 120) -> None:
    nb = read_for_editing(path)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or lesson_paths()
    for p in paths:
        print(f"running {p} ...", flush=True)
        execute(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
