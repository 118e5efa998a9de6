"""The educators' tools: notebook hygiene, new-lesson template, make check."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time

import pytest

from tests.conftest import lesson_files
from widgets.authoring import check, newlesson
from widgets.authoring import contract as lessons
from widgets.authoring.nbcheck import check_notebook
from widgets.model import validate_bank

LESSON = lesson_files()[-1]


@pytest.fixture()
def nb_copy(tmp_path):
    dst = tmp_path / LESSON.name
    shutil.copy(LESSON, dst)
    return dst


def edit(path, fn):
    nb = json.loads(path.read_text())
    fn(nb)
    path.write_text(json.dumps(nb))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_committed_lessons_are_clean():
    for path in lesson_files():
        assert check_notebook(path) == [], path.name


def test_unrun_cell(nb_copy):
    edit(nb_copy, lambda nb: code_cells(nb)[0].update(execution_count=None))
    assert any("never run" in p.message for p in check_notebook(nb_copy))


def test_out_of_order(nb_copy):
    edit(nb_copy, lambda nb: code_cells(nb)[0].update(execution_count=7))
    assert any("out of order" in p.message for p in check_notebook(nb_copy))


def test_wrong_kernel_and_widget_state(nb_copy):
    def fn(nb):
        nb["metadata"]["kernelspec"]["name"] = "my-env"
        nb["metadata"]["widgets"] = {"state": {}}
    edit(nb_copy, fn)
    got = [p.message for p in check_notebook(nb_copy)]
    assert any('kernel is "my-env"' in m for m in got)
    assert any("widget state" in m for m in got)


def test_error_output(nb_copy):
    edit(nb_copy, lambda nb: code_cells(nb)[0]["outputs"].append(
        {"output_type": "error", "ename": "NameError", "evalue": "x", "traceback": []}))
    assert any("raised NameError" in p.message for p in check_notebook(nb_copy))


def test_new_lesson_has_every_contract_part(tmp_path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "quizzes").mkdir()
    for p in lesson_files():
        shutil.copy(p, tmp_path / "lessons" / p.name)
    nb_path, bank = newlesson.create("authoring-test-topic", "Authoring test topic",
                                     tmp_path / "lessons", tmp_path / "quizzes", dt.date(2026, 11, 22))
    assert nb_path.name == f"{len(lesson_files()):02d}-authoring-test-topic.ipynb"
    msgs = [p.message for p in lessons.check_lesson(nb_path, set(), quizzes=tmp_path / "quizzes",
                                                    today=dt.date(2026, 11, 22))]
    # Only content still to write is reported: no missing sections.
    assert msgs == [
        'list references as: 1. <a id="ref-KEY"></a>Authors (year). Title. *Journal*. doi:...',
        "link each new term to the glossary at first use: [**term**](/glossary#term-slug)",
        'the main quiz has 0 question(s); use 5 to 8 on the key messages, and put the rest under "more_practice:"',
        'add a teach-back question ("In your own words…") to the quiz',
    ] + ["replace the TODO text with the lesson's content"] * 5 + [
        "add at least one interactive figure (a code cell: from widgets.figures... import ...)",
    ]
    assert any("at least one question" in p.message or "empty" in p.message for p in validate_bank(bank))


def test_new_lesson_refuses_bad_slug_and_duplicates(tmp_path):
    (tmp_path / "l").mkdir()
    (tmp_path / "q").mkdir()
    with pytest.raises(ValueError, match="lower-case words joined by dashes"):
        newlesson.create("Bad Slug", "T", tmp_path / "l", tmp_path / "q")
    newlesson.create("topic", "Topic", tmp_path / "l", tmp_path / "q")
    with pytest.raises(ValueError, match="already exists"):
        newlesson.create("topic", "Topic", tmp_path / "l", tmp_path / "q")


def test_make_check_table_is_fast_and_clean(capsys):
    start = time.monotonic()
    assert check.main([]) == 0
    out = capsys.readouterr().out
    assert time.monotonic() - start < 30
    for path in lesson_files():
        assert path.stem in out
    assert "All checks passed." in out


def test_make_check_reports_problems_as_path_line(nb_copy, capsys):
    edit(nb_copy, lambda nb: nb["cells"][1]["source"].append("\n\nThis is a miracle.\n"))
    assert check.main([str(nb_copy)]) == 1
    out = capsys.readouterr().out
    assert f"{nb_copy}:2: safe-messaging" in out
    assert "1 problem found" in out
