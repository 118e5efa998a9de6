"""The quiz banks' JSON Schema: generated from the question-type registry, and
checked with an independent validator (check-jsonschema from PyPI)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from widgets.authoring import newlesson, schema
from widgets.model import validate_bank
from widgets.model.qtypes import TYPES

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "assets" / "quizzes" / "schema.json"
CHECKER = Path(sys.executable).parent / "check-jsonschema"
DATA = ROOT / "tests" / "data"
BANKS = sorted((ROOT / "assets" / "quizzes").glob("*.yaml"))
GOOD = [DATA / "good_bank.yaml", ROOT / "tests" / "fixtures" / "sampler.yaml"]
# Mistakes of shape: the schema (and so an editor) catches them as the educator types.
SCHEMA_ERRORS = [
    "unknown_type", "missing_explain", "misspelt_field", "misspelt_question_field", "field_of_other_type",
    "unknown_top_level_key", "truefalse_yes", "correct_quoted", "bad_id_pattern", "missing_id", "empty_prompt",
    "empty_questions", "single_one_option", "order_two_items", "teachback_one_key_point", "refs_not_list",
    "top_level_list", "multi_no_correct", "single_no_correct",
]
# Mistakes a schema cannot see: only the bank reader (python -m widgets.validate) catches them.
READER_ONLY = ["duplicate_id", "lesson_name_mismatch", "option_text_repeated", "order_item_repeated",
               "single_two_correct", "multi_all_correct", "more_practice_duplicate_id"]


def check(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHECKER), "--schemafile", str(SCHEMA), *map(str, paths)],
                          capture_output=True, text=True, timeout=120)


def test_the_committed_schema_is_the_generated_one():
    assert SCHEMA.read_text(encoding="utf-8") == schema.render(), "run: python -m widgets.authoring.schema"
    assert schema.main(["--check"]) == 0


def test_the_schema_lists_every_registered_type_and_its_fields():
    generated = schema.bank_schema()
    assert generated["definitions"]["question"]["properties"]["type"]["enum"] == [t.name for t in TYPES]
    for t in TYPES:
        fields = generated["definitions"][t.name]["properties"]
        assert set(t.fields) <= set(fields) and set(t.required) <= set(generated["definitions"][t.name]["required"])


def test_every_course_bank_and_good_fixture_passes_the_schema():
    result = check(*BANKS, *GOOD)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_course_bank_points_editors_at_the_schema():
    for bank in BANKS:
        assert bank.read_text(encoding="utf-8").splitlines()[0] == schema.SCHEMA_LINE, bank


@pytest.fixture(scope="module")
def shape_errors() -> subprocess.CompletedProcess[str]:
    """One run of the validator over every bank with a mistake of shape (each run takes seconds)."""
    return check(*(DATA / "bad_banks" / f"{name}.yaml" for name in SCHEMA_ERRORS))


@pytest.mark.parametrize("name", SCHEMA_ERRORS)
def test_a_bank_with_a_mistake_of_shape_fails_the_schema(name: str, shape_errors):
    bank = DATA / "bad_banks" / f"{name}.yaml"
    assert shape_errors.returncode == 1, shape_errors.stdout
    assert f"{bank}::$" in shape_errors.stdout  # the validator names this file and where in it
    assert validate_bank(bank)  # and the bank reader reports it too, with the line


def test_mistakes_beyond_the_schema_are_left_to_the_reader():
    banks = [DATA / "bad_banks" / f"{name}.yaml" for name in READER_ONLY]
    result = check(*banks)
    assert result.returncode == 0, result.stdout
    assert all(validate_bank(bank) for bank in banks)


def test_a_new_lesson_bank_starts_with_the_schema_line(tmp_path: Path):
    (tmp_path / "l").mkdir()
    (tmp_path / "q").mkdir()
    _, bank = newlesson.create("topic", "Topic", tmp_path / "l", tmp_path / "q")
    assert bank.read_text(encoding="utf-8").splitlines()[0] == schema.SCHEMA_LINE


def test_the_schema_is_valid_draft_07():
    result = subprocess.run([str(CHECKER), "--check-metaschema", str(SCHEMA)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(SCHEMA.read_text())["$schema"] == "http://json-schema.org/draft-07/schema#"
