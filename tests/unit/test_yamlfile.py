"""The line-numbered YAML reader, and the glossary and care-team files it reads.

Every bad entry is reported as ``path:line: message``; a broken file never
raises a bare KeyError, and a lesson shows a notice naming the problem.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from widgets.authoring import validate
from widgets.content import careteam, glossary
from widgets.content.yamlfile import ContentError, Problem, Reader
from widgets.model import Problem as ModelProblem

DATA = Path(__file__).resolve().parents[1] / "data"
BROKEN_GLOSSARY = DATA / "broken_glossary.yaml"
BROKEN_CARE_TEAM = DATA / "broken_care_team.yaml"

GLOSSARY_PROBLEMS = [
    f'{BROKEN_GLOSSARY}:6: term "no-definition": missing "definition" — define it in one or two plain sentences',
    f'{BROKEN_GLOSSARY}:7: term "just-text" must have "term:" and "definition:" lines under it',
    f'{BROKEN_GLOSSARY}:10: term "misspelt": unknown field "defintion" — did you mean "definition"?',
    f'{BROKEN_GLOSSARY}:11: "adequate-trial" is given twice (first on line 2)',
    f'{BROKEN_GLOSSARY}:14: term "infusion": speaks of racemic ketamine ("clinics give ketamine") '
    'without saying "off-label" in the same place',
]
CARE_TEAM_PROBLEMS = [
    f'{BROKEN_CARE_TEAM}:6: group 1, question 2: id "Right For Me" may only use lowercase letters, digits and dashes',
    f'{BROKEN_CARE_TEAM}:7: group 1, question 3: id "right-for-me" is used twice (first on line 5)',
    f'{BROKEN_CARE_TEAM}:8: group 1, question 4: missing "id" — give it a short unique id like ride-home',
    f'{BROKEN_CARE_TEAM}:9: group 2: missing "heading" — give the group a short heading',
    f'{BROKEN_CARE_TEAM}:12: group 3: "questions" must be a list — list its questions, each like {{id: my-id, text: ...}}',
]


def test_the_model_still_exports_the_one_problem_type():
    assert ModelProblem is Problem
    assert str(Problem("a.yaml", 3, "fix this")) == "a.yaml:3: fix this"


@pytest.mark.parametrize(("text", "expected"), [
    (b"a: 1\na: 2\n", ['"a" is given twice (first on line 1)']),
    (b"a:\n\tb: 1\n", ["YAML syntax error: found character '\\t' that cannot start any token "
                       "— indent with spaces, not tabs"]),
    (b"a: caf\xe9\n", ["the file is not UTF-8 text (byte 0xe9 cannot be read) — save it with UTF-8 encoding"]),
    (b"a: 1\n---\nb: 2\n", ["YAML syntax error: the file holds more than one document (a line with ---) — keep just one"]),
])
def test_reader_turns_each_file_problem_into_a_line(tmp_path: Path, text: bytes, expected: list[str]):
    path = tmp_path / "x.yaml"
    path.write_bytes(text)
    reader = Reader(path)

    def build(root):
        reader.fields(root, None, "")
        return root

    result, problems = reader.read(build, "empty")
    assert result is None
    assert [p.message for p in problems] == expected


def test_reader_returns_the_result_of_a_clean_file(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_text("name: Ann\nflag: true\n", encoding="utf-8")
    reader = Reader(path)

    def build(root):
        f = reader.fields(root, ("name", "flag"), "")
        return reader.text(f, "name", "", "say it"), reader.boolean(f, "flag", "")

    assert reader.read(build, "empty") == (("Ann", True), [])


def test_broken_glossary_reports_each_entry_as_path_line():
    assert [str(p) for p in glossary.validate(BROKEN_GLOSSARY)] == GLOSSARY_PROBLEMS


def test_broken_glossary_raises_a_content_error_not_a_key_error():
    with pytest.raises(ContentError) as caught:
        glossary.load(BROKEN_GLOSSARY)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).splitlines() == GLOSSARY_PROBLEMS[:4]  # off-label wording is not a read error


def test_the_course_glossary_and_care_team_files_are_clean():
    assert glossary.validate() == []
    groups, problems = careteam.read_groups()
    assert problems == [] and groups and all(g["questions"] for g in groups)


def test_broken_care_team_file_reports_each_entry_as_path_line():
    groups, problems = careteam.read_groups(BROKEN_CARE_TEAM)
    assert groups is None
    assert [str(p) for p in problems] == CARE_TEAM_PROBLEMS


def test_validate_reports_glossary_and_care_team_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    (tmp_path / "assets" / "data").mkdir(parents=True)
    gloss = tmp_path / "assets" / "glossary.yaml"
    care = tmp_path / "assets" / "data" / "care_team_questions.yaml"
    shutil.copy(BROKEN_GLOSSARY, gloss)
    shutil.copy(BROKEN_CARE_TEAM, care)
    assert validate.main([], root=tmp_path) == 1
    out = capsys.readouterr().out.splitlines()
    for expected in GLOSSARY_PROBLEMS:
        assert expected.replace(str(BROKEN_GLOSSARY), str(gloss)) in out
    for expected in CARE_TEAM_PROBLEMS:
        assert expected.replace(str(BROKEN_CARE_TEAM), str(care)) in out


def test_a_broken_care_team_file_shows_a_notice_naming_the_problem(monkeypatch: pytest.MonkeyPatch):
    from widgets.figures import nextsteps

    monkeypatch.setattr(nextsteps, "QUESTIONS_YAML", BROKEN_CARE_TEAM)
    shown = nextsteps.care_team_questions()
    html = shown._repr_html_() if hasattr(shown, "_repr_html_") else shown.data
    assert "This figure could not be shown." in html
    assert f"{BROKEN_CARE_TEAM}:6: group 1, question 2: id &quot;Right For Me&quot;" in html
