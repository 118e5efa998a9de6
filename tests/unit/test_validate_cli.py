"""The `python -m widgets.validate` command: exit codes, output lines, pluggable checks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from widgets.authoring import validate
from widgets.model import Problem, validate_bank

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"
BAD = DATA / "bad_banks"
GOOD = DATA / "good_bank.yaml"

CLEAN_BANK = """\
lesson: {stem}
questions:
  - id: q1
    type: truefalse
    prompt: "A statement."
    answer: true
    explain_true: "Yes."
    explain_false: "No."
"""


CLEAN_REFS = """\
gaynes2020:
  authors: "Gaynes BN, Lux L, Gartlehner G, et al."
  year: 2020
  title: "Defining treatment-resistant depression"
  journal: "Depression and Anxiety"
  doi: "10.1002/da.22968"
zarate2006:
  authors: "Zarate CA Jr, Singh JB, Carlson PJ, et al."
  year: 2006
  title: "A randomized trial of an N-methyl-D-aspartate antagonist in treatment-resistant major depression"
  journal: "Archives of General Psychiatry"
  pmid: "16894061"
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A stand-in repository with a references file and an empty quiz folder."""
    (tmp_path / "assets" / "quizzes").mkdir(parents=True)
    (tmp_path / "assets" / "references.yaml").write_text(CLEAN_REFS, encoding="utf-8")
    return tmp_path


def _bank(folder: Path, stem: str) -> Path:
    path = folder / f"{stem}.yaml"
    path.write_text(CLEAN_BANK.format(stem=stem), encoding="utf-8")
    return path


def test_clean_file(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate.main([str(GOOD)], root=root) == 0
    assert capsys.readouterr().out == "1 bank OK\n"


def test_folder_of_bad_banks(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate.main([str(BAD)], root=root) == 1
    out = capsys.readouterr()
    known = {"gaynes2020", "zarate2006"}
    expected = [str(p) for f in sorted(BAD.glob("*.yaml")) for p in validate_bank(f, known)]
    assert out.out.splitlines() == expected
    assert out.err == f"{len(expected)} problems found\n"


def test_no_arguments_checks_the_quiz_folder(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    quizzes = root / "assets" / "quizzes"
    _bank(quizzes, "01-a")
    _bank(quizzes, "02-b")
    assert validate.main([], root=root) == 0
    assert capsys.readouterr().out == "2 banks, 1 reference file OK\n"

    (quizzes / "03-c.yaml").write_text("lesson: 03-c\nquestions: []\n", encoding="utf-8")
    assert validate.main([], root=root) == 1
    assert capsys.readouterr().out == (
        f'{quizzes / "03-c.yaml"}:2: "questions" is empty — add at least one question\n'
    )


def test_no_quiz_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate.main([], root=tmp_path) == 0
    assert capsys.readouterr().out == "0 banks, 0 lessons, 0 reference files, 0 glossary files, 0 decision aid files, 0 care-team questions files OK\n"


def test_unknown_reference(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate.main([str(BAD / "unknown_ref.yaml")], root=root) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        f'{BAD / "unknown_ref.yaml"}:6: question "q1": '
        'reference "smith2020" is not in assets/references.yaml'
    )


def test_references_are_skipped_without_the_file(tmp_path: Path) -> None:
    assert validate.main([str(BAD / "unknown_ref.yaml")], root=tmp_path) == 0


def test_broken_references_file(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refs = root / "assets" / "references.yaml"
    refs.write_text("- just\n- a list\n", encoding="utf-8")
    assert validate.main([str(_bank(root, "x"))], root=root) == 1
    assert capsys.readouterr().out == (
        f"{refs}:1: the references file must be a mapping of key: details\n"
    )


def test_missing_path(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate.main(["no/such.yaml"], root=root) == 1
    assert capsys.readouterr().out == "no/such.yaml:1: no such file or folder\n"


def test_file_of_the_wrong_kind(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = root / "notes.txt"
    other.write_text("hello", encoding="utf-8")
    assert validate.main([str(other)], root=root) == 1
    assert capsys.readouterr().out == (
        f"{other}:1: not a file this tool checks (expected *.yaml or *.yml or [0-9][0-9]-*.ipynb or references.yaml or sources.yaml or glossary.yaml or decision_aid.yaml or care_team_questions.yaml)\n"
    )


def test_same_file_twice_is_checked_once(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate.main([str(GOOD), str(GOOD)], root=root) == 0
    assert capsys.readouterr().out == "1 bank OK\n"


def test_extra_checks_plug_in(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lessons = root / "lessons"
    lessons.mkdir()
    (lessons / "01-a.ipynb").write_text("{}", encoding="utf-8")
    (lessons / "02-b.ipynb").write_text("{}", encoding="utf-8")
    _bank(root / "assets" / "quizzes", "01-a")
    seen: list[Path] = []

    def check_lesson(path: Path, context: validate.Context) -> list[Problem]:
        seen.append(path)
        assert set(context.known_refs or ()) == {"gaynes2020", "zarate2006"}
        return []

    lesson_check = validate.Check("lesson", ("*.ipynb",), "lessons", check_lesson)
    bank_check = [c for c in validate.CHECKS if c.noun == "bank"]
    monkeypatch.setattr(validate, "CHECKS", [*bank_check, lesson_check])
    assert validate.main([], root=root) == 0
    assert capsys.readouterr().out == "1 bank, 2 lessons OK\n"
    assert [p.name for p in seen] == ["01-a.ipynb", "02-b.ipynb"]


# -- as a real command -------------------------------------------------------


def _run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "widgets.validate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def test_command_reports_problems_without_traceback() -> None:
    done = _run("tests/data/bad_banks/truefalse_yes.yaml", "tests/data/bad_banks/not_utf8.yaml")
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        'tests/data/bad_banks/truefalse_yes.yaml:6: question "tf-1": '
        '"answer" must be true or false, not "yes"',
        "tests/data/bad_banks/not_utf8.yaml:5: the file is not UTF-8 text "
        "(byte 0xe9 cannot be read) — save it with UTF-8 encoding",
    ]
    assert "Traceback" not in done.stderr


def test_command_clean_bank(tmp_path: Path) -> None:
    _bank(tmp_path, "01-what-is-trd")
    done = _run(str(tmp_path))
    assert (done.returncode, done.stdout) == (0, "1 bank OK\n")


def test_command_whole_corpus_never_crashes(tmp_path: Path) -> None:
    shutil.copytree(BAD, tmp_path / "bad")
    done = _run(str(tmp_path / "bad"), "does-not-exist")
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert all(":" in line for line in done.stdout.splitlines())


def test_command_help() -> None:
    done = _run("--help")
    assert done.returncode == 0
    assert "PATH" in done.stdout
