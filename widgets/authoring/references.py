"""``make refs``: rewrite every lesson's reference list from ``assets/references.yaml``.

A lesson's "## References" cell lists keys in order; the text of each entry
is rendered from the bibliography, so the two never drift.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from widgets.content.notebooks import lesson_paths, read_for_editing
from widgets.content.references import Reference, load_references

REF_LINE = re.compile(r'^(\s*)(\d+)\.\s+<a id="ref-([a-z0-9-]+)"></a>(.*)$', re.M)


def render_list(source: str, entries: dict[str, Reference]) -> str:
    """A References cell with each entry's text replaced by its rendering (unknown keys kept)."""
    def sub(m: re.Match[str]) -> str:
        ref = entries.get(m.group(3))
        text = ref.markdown() if ref else m.group(4)
        return f'{m.group(1)}{m.group(2)}. <a id="ref-{m.group(3)}"></a>{text}'
    return REF_LINE.sub(sub, source)


def write_lessons(paths: list[Path], entries: dict[str, Reference]) -> list[Path]:
    """Rewrite the References cell of each lesson from the bibliography; return those changed."""
    import nbformat

    changed = []
    for path in paths:
        nb = read_for_editing(path)
        dirty = False
        for cell in nb.cells:
            if cell.cell_type == "markdown" and re.search(r"^##\s+References\s*$", cell.source, re.M):
                new = render_list(cell.source, entries)
                if new != cell.source:
                    cell.source, dirty = new, True
        if dirty:
            nbformat.write(nb, path)
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    """``python -m widgets.authoring.references [LESSON ...]``: rewrite reference lists from the YAML."""
    args = sys.argv[1:] if argv is None else argv
    entries, problems = load_references()
    for p in problems:
        print(p)
    paths = [Path(a) for a in args] or lesson_paths()
    for path in write_lessons(paths, entries):
        print(f"updated {path}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
