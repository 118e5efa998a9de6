"""Notebook hygiene for lessons: saved from a clean, in-order run.

``python -m widgets.authoring.nbcheck [NOTEBOOK ...]`` (default: every lesson) prints
``path:cell: message`` for each problem and exits 1 if there are any.  It
catches a lesson saved from a messy JupyterLab session before commit.
"""

from __future__ import annotations

import sys
from pathlib import Path

from widgets.content.notebooks import lesson_paths, read_notebook
from widgets.model import Problem

KERNEL = "python3"


def check_notebook(path: Path) -> list[Problem]:
    p = str(path)
    try:
        nb = read_notebook(path)
    except (OSError, ValueError) as e:
        return [Problem(p, 1, f"the notebook cannot be read: {e}")]
    out: list[Problem] = []
    meta = nb.metadata
    kernel = (meta.get("kernelspec") or {}).get("name")
    if kernel != KERNEL:
        out.append(Problem(p, 1, f'kernel is "{kernel}"; lessons use "{KERNEL}" (Kernel > Change Kernel)'))
    if "widgets" in meta:
        out.append(Problem(p, 1, "saved widget state found: re-run with `python -m widgets.authoring.execute` (or untick Settings > Save Widget State Automatically)"))
    expected = 1
    for cell in nb.code():
        i, count = cell.number, cell.execution_count
        if count is None:
            out.append(Problem(p, i, "code cell was never run: run the whole lesson with `python -m widgets.authoring.execute`"))
        elif count != expected:
            out.append(Problem(p, i, f"cells ran out of order (this one is [{count}], expected [{expected}]): restart the kernel and run all, or use `python -m widgets.authoring.execute`"))
        expected = (count or expected) + 1
        for output in cell.outputs:
            if output.get("output_type") == "error":
                out.append(Problem(p, i, f'the cell raised {output.get("ename")}: fix it so the lesson runs cleanly'))
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                out.append(Problem(p, i, "the cell printed warnings or errors (stderr): fix them so learners never see them"))
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or lesson_paths()
    problems = [prob for path in paths for prob in check_notebook(path)]
    for prob in problems:
        print(prob)
    if not problems:
        print(f"{len(paths)} notebook{'s' if len(paths) != 1 else ''} clean")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
