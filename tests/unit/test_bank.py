"""Bank loading: the good bank loads, and every malformed bank gets exact, plain messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from widgets.model import (
    Bank,
    BankError,
    MultiSelect,
    Order,
    Problem,
    SingleChoice,
    TeachBack,
    TrueFalse,
    grade,
    load_bank,
    load_reference_keys,
    show_answer,
    validate_bank,
)

DATA = Path(__file__).resolve().parents[1] / "data"
BAD = DATA / "bad_banks"
GOOD = DATA / "good_bank.yaml"
KNOWN_REFS = frozenset({"gaynes2020", "zarate2006"})

CHOICES = "single, multi, truefalse, order, teachback"

# file name -> the exact problem lines ("{name}:{line}: {message}") it must produce.
EXPECTED: dict[str, list[str]] = {
    "yaml_syntax_error.yaml": [
        "7: YAML syntax error: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence that starts on line 6)",
    ],
    "tab_indent.yaml": [
        "4: YAML syntax error: found character '\\t' that cannot start any token "
        "— indent with spaces, not tabs",
    ],
    "two_documents.yaml": [
        "9: YAML syntax error: the file holds more than one document (a line with ---) "
        "— keep just one",
    ],
    "not_utf8.yaml": [
        "5: the file is not UTF-8 text (byte 0xe9 cannot be read) — save it with UTF-8 encoding",
    ],
    "empty_file.yaml": [
        '1: the file is empty — it needs "lesson:" and "questions:"',
    ],
    "top_level_list.yaml": [
        '1: the file must be a block of name: value lines starting with "lesson:", not a list',
    ],
    "missing_questions.yaml": [
        '1: missing "questions" — add a list of questions, each starting with "- id:"',
    ],
    "more_practice_duplicate_id.yaml": [
        '11: duplicate question id "q1" (first used on line 4)',
    ],
    "more_practice_empty.yaml": [
        '10: "more_practice" is empty — add questions under it or delete the line',
    ],
    "more_practice_not_list.yaml": [
        '11: "more_practice" must be a list — list further questions under "more_practice:", each starting with "- id:"',
    ],
    "empty_questions.yaml": [
        '2: "questions" is empty — add at least one question',
    ],
    "unknown_top_level_key.yaml": [
        '2: unknown top-level field "titel" — did you mean "title"?',
    ],
    "lesson_name_mismatch.yaml": [
        '1: "lesson" is "01-what-is-trd" but the file is named lesson_name_mismatch.yaml',
    ],
    "unknown_type.yaml": [
        f'4: question "q1": unknown question type "choose" — use one of {CHOICES}',
    ],
    "single_no_correct.yaml": [
        '7: question "q2": no option is marked correct: true '
        "— single-choice questions need exactly one",
    ],
    "single_two_correct.yaml": [
        '7: question "q2": 2 options are marked correct: true '
        "— single-choice questions need exactly one (use type: multi if several are right)",
    ],
    "single_one_option.yaml": [
        '7: question "q1": needs at least 2 options, has 1',
    ],
    "multi_no_correct.yaml": [
        '7: question "m1": no option is marked correct: true '
        "— multi-select questions need at least one",
    ],
    "multi_all_correct.yaml": [
        '7: question "m1": every option is marked correct: true '
        "— multi-select questions need at least one wrong option too",
    ],
    "option_text_repeated.yaml": [
        '13: question "q1": option "A" is listed twice (first on line 7)',
    ],
    "correct_quoted.yaml": [
        '8: question "q1", option 1: "correct" must be true or false, not "true" '
        "(remove the quotes)",
    ],
    "duplicate_id.yaml": [
        '9: duplicate question id "q1" (first used on line 3)',
    ],
    "duplicate_field.yaml": [
        '7: question "q1": "prompt" is given twice (first on line 5)',
    ],
    "missing_id.yaml": [
        '3: question 1: missing "id" — give each question a short unique name like q1',
    ],
    "bad_id_pattern.yaml": [
        '3: question 1: id "Q 1" may only use lowercase letters, digits and dashes '
        "(for example dose-range-1)",
    ],
    "missing_explain.yaml": [
        '10: question "q1", option 2: missing "explain" — say why this option is right or wrong',
    ],
    "misspelt_field.yaml": [
        '12: question "q3", option 2: unknown field "explian" — did you mean "explain"?',
    ],
    "misspelt_question_field.yaml": [
        '5: question "q3": unknown field "promt" — did you mean "prompt"?',
    ],
    "field_of_other_type.yaml": [
        '6: question "q1": "model_answer" is not used by single questions — remove it',
    ],
    "empty_prompt.yaml": [
        '5: question "q1": "prompt" is empty — write the question text',
    ],
    "truefalse_yes.yaml": [
        '6: question "tf-1": "answer" must be true or false, not "yes"',
    ],
    "order_item_repeated.yaml": [
        '11: question "o1": item "First" is listed twice (first on line 7)',
    ],
    "order_two_items.yaml": [
        '7: question "o1": needs at least 3 items to put in order, has 2',
    ],
    "teachback_no_key_points.yaml": [
        '3: question "teach-1": missing "key_points" '
        "— list at least 2 points a good answer covers, like [point one, point two]",
    ],
    "teachback_one_key_point.yaml": [
        '7: question "teach-1": needs at least 2 key points, has 1',
    ],
    "refs_not_list.yaml": [
        '6: question "q1": "refs" must be a list — write them like refs: [gaynes2020]',
    ],
    "unknown_ref.yaml": [
        '6: question "q1": reference "smith2020" is not in assets/references.yaml',
        '6: question "q1": reference "zarate2060" is not in assets/references.yaml '
        '— did you mean "zarate2006"?',
    ],
    "many_problems.yaml": [
        '5: question "q1": "prompt" is empty — write the question text',
        '8: question "q1", option 1: "correct" must be true or false, not "yes"',
        '12: question "q1", option 2: "explain" is empty — say why this option is right or wrong',
        '13: question 2 must be a block of name: value lines, not "just a sentence"',
        '18: question "q3", item 1: missing "explain" — say why this step comes here',
        '19: question "q3", item 2: an item must be a block of name: value lines, not "Two"',
    ],
}


def _lines(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def test_corpus_is_complete() -> None:
    on_disk = sorted(p.name for p in BAD.glob("*.yaml"))
    assert on_disk == sorted(EXPECTED)
    assert len(on_disk) >= 18


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_bank_problems_are_exact(name: str) -> None:
    path = BAD / name
    expected = [f"{path}:{line}" for line in EXPECTED[name]]
    assert _lines(validate_bank(path, KNOWN_REFS)) == expected


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_load_bank_raises_with_the_same_problems(name: str) -> None:
    path = BAD / name
    with pytest.raises(BankError) as info:
        load_bank(path, KNOWN_REFS)
    assert _lines(info.value.problems) == _lines(validate_bank(path, KNOWN_REFS))
    assert str(info.value) == "\n".join(_lines(info.value.problems))


# -- the good bank -----------------------------------------------------------


def test_good_bank_is_clean() -> None:
    assert validate_bank(GOOD, KNOWN_REFS) == []


def test_good_bank_loads_every_type() -> None:
    bank = load_bank(GOOD, KNOWN_REFS)
    assert isinstance(bank, Bank)
    assert (bank.lesson, bank.title, bank.path) == ("good_bank", "Check your understanding", GOOD)
    kinds = [type(q) for q in bank.questions]
    assert kinds == [SingleChoice, MultiSelect, TrueFalse, Order, TeachBack]
    single = bank.question("trd-definition")
    assert isinstance(single, SingleChoice)
    assert single.refs == ("gaynes2020",)
    assert single.options[0].correct is True
    teach = bank.question("teach-back")
    assert isinstance(teach, TeachBack)
    assert teach.model_answer == (
        "It can work within hours rather than weeks, and it acts on glutamate "
        "rather than serotonin."
    )
    assert len(teach.key_points) == 3


def test_good_bank_questions_grade() -> None:
    bank = load_bank(GOOD)
    for q in bank.questions:
        assert show_answer(q).score == 1.0
    assert grade(bank.question("tf-addiction"), False).correct is True
    assert grade(bank.question("cascade-order"), [0, 1, 2]).correct is True


def test_unknown_question_id_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        load_bank(GOOD).question("nope")


def test_refs_are_not_checked_without_a_reference_list() -> None:
    assert validate_bank(BAD / "unknown_ref.yaml") == []


# -- files that cannot be read -----------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert _lines(validate_bank(path)) == [f"{path}:1: file not found"]


def test_folder_instead_of_file(tmp_path: Path) -> None:
    assert _lines(validate_bank(tmp_path)) == [
        f"{tmp_path}:1: this is a folder, not a file"
    ]


def test_control_character(tmp_path: Path) -> None:
    path = tmp_path / "ctrl.yaml"
    path.write_text("lesson: ctrl\nquestions:\n  - id: \x07\n", encoding="utf-8")
    assert _lines(validate_bank(path)) == [
        f"{path}:3: YAML syntax error: a hidden control character (U+0007) "
        "is not allowed — delete it"
    ]


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "good_bank.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.read_bytes())
    assert validate_bank(path, KNOWN_REFS) == []


def test_problem_str() -> None:
    assert str(Problem("a/b.yaml", 3, "fix me")) == "a/b.yaml:3: fix me"


# -- references --------------------------------------------------------------


def test_reference_keys(tmp_path: Path) -> None:
    path = tmp_path / "references.yaml"
    path.write_text("gaynes2020:\n  title: T\nzarate2006:\n  title: U\n", encoding="utf-8")
    assert load_reference_keys(path) == {"gaynes2020", "zarate2006"}


def test_reference_file_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "references.yaml"
    path.write_text("- gaynes2020\n", encoding="utf-8")
    with pytest.raises(BankError) as info:
        load_reference_keys(path)
    assert _lines(info.value.problems) == [
        f"{path}:1: the references file must be a mapping of key: details"
    ]


def test_more_practice_questions_load_and_grade(tmp_path) -> None:
    """Optional "More practice" questions load apart from the main quiz and grade the same way."""
    text = GOOD.read_text(encoding="utf-8").replace("lesson: good_bank", "lesson: practice")
    extra = (
        "more_practice:\n"
        "  - id: extra-tf\n"
        "    type: truefalse\n"
        '    prompt: "Esketamine nasal spray is approved for treatment-resistant depression."\n'
        "    answer: true\n"
        '    explain_true: "Yes, in the US and the EU."\n'
        '    explain_false: "It is approved, in the US and the EU."\n'
    )
    path = tmp_path / "practice.yaml"
    path.write_text(text.rstrip() + "\n" + extra, encoding="utf-8")
    bank = load_bank(path, KNOWN_REFS)
    assert [q.id for q in bank.practice] == ["extra-tf"]
    assert "extra-tf" not in [q.id for q in bank.questions]
    fb = grade(bank.question("extra-tf"), True)
    assert fb.correct is True and "US and the EU" in fb.text()
