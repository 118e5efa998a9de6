"""``make new-lesson SLUG=... TITLE=...``: a new lesson with every contract part.

Creates ``lessons/NN-slug.ipynb`` (NN = the next number, so it joins the
course map at the end) and an empty quiz bank ``assets/quizzes/NN-slug.yaml``.
``make check`` then lists only the content still to write.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

import nbformat

from widgets.authoring.schema import SCHEMA_LINE
from widgets.content.notebooks import lesson_paths
from widgets.paths import LESSONS, QUIZZES

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def next_number(folder: Path) -> int:
    nums = [int(p.name[:2]) for p in lesson_paths(folder)]
    return max(nums, default=-1) + 1


def build(title: str, slug: str, today: dt.date) -> nbformat.NotebookNode:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook()
    nb.metadata.update({
        "title": title,
        "course": {"minutes": 10, "summary": "TODO: one plain sentence about this lesson.",
                   "last_reviewed": today.isoformat(), "objectives": []},
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    })
    nb.cells = [
        md(f"# {title}\n\n"
           '<div class="course-inshort" role="note" aria-label="In short">\n\n**In short**\n\n'
           "- TODO: the main message, in one short sentence\n- TODO: what to do about it\n\n</div>\n\n"
           "*About 10 minutes*\n\n## What you will learn\n\nYou will be able to:\n\n"
           "- TODO: first thing the learner will be able to do\n- TODO: second\n- TODO: third"),
        md("## TODO: a heading that states the main message of this section\n\n"
           "TODO: short paragraphs in everyday words. Define a new term the first time you use it.\n"
           "Put a citation after every fact and number (see docs/authoring.md, \"Cite a source\").\n\n"
           "<details>\n<summary>Go deeper: TODO</summary>\n\nTODO: details for readers who want more.\n\n</details>"),
        md("## TODO: add an interactive figure\n\nAsk the course team for a figure builder in "
           "`widgets/figures/`, then call it in a code cell below this one."),
        md("## Check your understanding\n\nEvery answer comes with an explanation. Try again as often as you like."),
        code("from widgets import quiz"),
        code(f'quiz("{slug}")'),
        md("## Key points\n\n- TODO: first key point\n- TODO: second\n- TODO: third"),
        md("## References\n\n<details class=\"course-refs\"><summary>Show the sources for this lesson</summary>\n\n"
           "TODO: one line per source, numbered in the order they are first cited\n\n</details>\n\n"
           f"*Last reviewed: {today.day} {today:%B %Y}.*"),
    ]
    return nb


def create(slug: str, title: str, lessons: Path = LESSONS, quizzes: Path = QUIZZES,
           today: dt.date | None = None) -> tuple[Path, Path]:
    if not SLUG.match(slug):
        raise ValueError(f'SLUG "{slug}" must be lower-case words joined by dashes, like sleep-and-ketamine')
    if not title.strip():
        raise ValueError('TITLE must not be empty, e.g. TITLE="Sleep and ketamine"')
    if any(p.name[3:] == f"{slug}.ipynb" for p in lesson_paths(lessons)):
        raise ValueError(f'a lesson called "{slug}" already exists')
    full = f"{next_number(lessons):02d}-{slug}"
    nb_path, bank_path = lessons / f"{full}.ipynb", quizzes / f"{full}.yaml"
    nbformat.write(build(title.strip(), full, today or dt.date.today()), nb_path)
    bank_path.write_text(
        f"{SCHEMA_LINE}\n# Questions for the lesson {full}. See docs/quiz-banks.md for every question type.\n"
        f"lesson: {full}\ntitle: Check your understanding\nquestions: []\n",
        encoding="utf-8",
    )
    return nb_path, bank_path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="make new-lesson", description=__doc__)
    p.add_argument("slug")
    p.add_argument("title")
    args = p.parse_args(argv)
    try:
        nb_path, bank_path = create(args.slug, args.title)
    except ValueError as e:
        print(f"new-lesson: {e}", file=sys.stderr)
        return 2
    from widgets.authoring.execute import execute

    execute(nb_path)
    print(f"Created {nb_path.relative_to(LESSONS.parent)} and {bank_path.relative_to(QUIZZES.parent.parent)}.")
    print("Next: open the lesson in JupyterLab (make lab), write the TODO parts, then run make check.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
