"""The quiz message shapes (widgets.model.messages) hold for every reply grading can give."""

from __future__ import annotations

import itertools
from pathlib import Path

import jsonschema
import pytest

from widgets.model import grading, load_bank, messages
from widgets.model.qtypes import type_of

ROOT = Path(__file__).resolve().parents[2]
BANKS = sorted((ROOT / "assets" / "quizzes").glob("*.yaml"))
REPLY = jsonschema.Draft7Validator(messages.REPLY)
REQUEST = jsonschema.Draft7Validator(messages.REQUEST)


def answers(q) -> list:
    """Every well-formed answer for small questions, and a few malformed ones."""
    kind, bad = q.kind, [None, "x", -1, 99, [0, 0], {"a": 1}, True, 1.5]
    if kind == "single":
        return list(range(len(q.options))) + bad
    if kind in ("multi", "teachback"):
        n = len(q.options) if kind == "multi" else len(q.key_points)
        return [list(c) for r in range(n + 1) for c in itertools.combinations(range(n), r)] + bad
    if kind == "truefalse":
        return [True, False] + bad
    if kind == "order":
        perms = itertools.islice(itertools.permutations(range(len(q.items))), 30)
        return [list(p) for p in perms] + bad + [[0, 1]]
    raise AssertionError(f"no sample answers for {kind}")


def replies(bank) -> list[dict]:
    out = []
    for n, q in enumerate(bank.questions + bank.practice):
        out.append(grading.handle(bank, {"request": n, "action": "show", "qid": q.id}))
        out += [grading.handle(bank, {"request": n, "action": "check", "qid": q.id, "answer": a}) for a in answers(q)]
        out.append(grading.handle(bank, {"request": n, "action": "guess", "qid": q.id}))
        out.append(grading.handle(bank, {"action": "check", "qid": q.id, "answer": "x" * 20_000}))
    out += [grading.handle(bank, c) for c in (None, [], {"action": "show", "qid": "nope"}, {"request": True})]
    return out


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.stem)
def test_every_reply_for_a_real_bank_fits_the_reply_schema(path: Path):
    bank = load_bank(path)
    found = replies(bank)
    kinds = {r["kind"] for r in found}
    assert kinds == set(messages.KINDS), kinds  # every kind of reply was produced
    for reply in found:
        errors = [e.message for e in REPLY.iter_errors(reply)]
        assert not errors, (reply, errors)


def test_replies_that_break_the_schema_are_caught():
    """The reply schema is strict enough to fail: each of these is a reply grading must never give."""
    bad = [
        {"request": 1, "kind": "check", "qid": "q"},  # no feedback
        {"request": 1, "kind": "error"},  # no message
        {"request": "1", "kind": "error", "message": "m"},
        {"request": 1, "kind": "error", "message": "m", "feedback": {}},
        {"request": 1, "kind": "check", "qid": "q", "extra": 1,
         "feedback": {"correct": True, "score": 1, "headline": "", "text": "", "items": []}},
    ]
    for reply in bad:
        assert not REPLY.is_valid(reply), reply


@pytest.mark.parametrize("content", [
    {"request": 1, "action": "check", "qid": "q1", "answer": 0},
    {"action": "show", "qid": "q1"},
    {"request": 1, "action": "guess", "qid": "q1"},
    {"request": 1, "action": "check", "qid": 3},
    {"request": 1, "action": "check"},
])
def test_read_request_accepts_exactly_what_the_request_schema_accepts(content: dict):
    qid, action = messages.read_request(content)
    assert REQUEST.is_valid(content) == (qid is not None and action is not None)


def test_public_view_never_carries_an_answer():
    for path in BANKS:
        for q in load_bank(path).questions:
            view = grading.public_question(q)
            assert view["type"] == type_of(q).name
            assert set(view) <= {"id", "type", "prompt", "options", "items", "key_points"}, view
            assert all(isinstance(o, str) for o in view.get("options", []))
            assert all(set(item) == {"index", "text"} for item in view.get("items", []))


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.stem)
def test_each_types_answer_schema_matches_what_its_grader_takes(path):
    """An answer the grader takes fits the type's ``answer`` schema; one the schema refuses, the grader refuses."""
    bank = load_bank(path)
    for q in bank.questions + bank.practice:
        schema = jsonschema.Draft7Validator(type_of(q).answer)
        for a in answers(q):
            kind = grading.handle(bank, {"request": 1, "action": "check", "qid": q.id, "answer": a})["kind"]
            assert schema.is_valid(a) or kind == "invalid", (q.id, a, kind)  # the schema never refuses a good answer
        assert not any(schema.is_valid(a) for a in ("x", None, {"a": 1})), q.id  # and it does refuse some


def test_every_type_says_what_its_answer_is():
    from widgets.model.qtypes import TYPES

    assert all(t.answer.get("description") for t in TYPES)
    assert {a["title"] for a in messages.REQUEST["properties"]["answer"]["anyOf"]} == {t.name for t in TYPES}
