"""The quiz view's message handler: untrusted page messages never crash it."""

from __future__ import annotations

from pathlib import Path

import pytest

from widgets.model import load_bank
from widgets.views.quiz import Quiz, quiz

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture()
def widget():
    return Quiz(load_bank(FIXTURES / "sampler.yaml"))


def test_page_gets_no_answers(widget):
    for q in widget.questions:
        text = repr(q)
        assert "correct" not in text and "explain" not in text and "model_answer" not in text


def test_right_and_wrong_answers_are_graded(widget):
    right = widget.handle({"request": 1, "action": "check", "qid": "trd-definition", "answer": 0})
    assert right["kind"] == "check" and right["feedback"]["correct"] is True and right["request"] == 1
    wrong = widget.handle({"request": 2, "action": "check", "qid": "trd-definition", "answer": 1})
    assert wrong["feedback"]["correct"] is False
    assert "Not" in wrong["feedback"]["text"]


def test_show_answer_and_teachback_model_answer(widget):
    shown = widget.handle({"action": "show", "qid": "ketamine-effects"})
    assert shown["kind"] == "show"
    teach = widget.handle({"action": "check", "qid": "teach-back", "answer": [0]})
    assert teach["kind"] == "check" and teach["model_answer"]
    assert teach["feedback"]["correct"] is None


HOSTILE = [
    None, 42, "check", [], {},
    {"action": "check"},
    {"action": "check", "qid": "nope", "answer": 0},
    {"action": "check", "qid": ["trd-definition"], "answer": 0},
    {"action": "check", "qid": "trd-definition", "answer": "0"},
    {"action": "check", "qid": "trd-definition", "answer": 99},
    {"action": "check", "qid": "trd-definition", "answer": -1},
    {"action": "check", "qid": "trd-definition", "answer": True},
    {"action": "check", "qid": "trd-definition", "answer": 10**400},
    {"action": "check", "qid": "trd-definition", "answer": "x" * 1_000_000},
    {"action": "check", "qid": "ketamine-effects", "answer": list(range(100_000))},
    {"action": "check", "qid": "cascade-order", "answer": [[[[[]]]]]},
    {"action": "exec", "qid": "trd-definition", "answer": "__import__('os').system('touch /tmp/pwned')"},
]


@pytest.mark.parametrize("message", HOSTILE)
def test_hostile_messages_get_a_plain_reply(widget, message):
    reply = widget.handle(message)
    assert reply["kind"] in ("error", "invalid")
    assert "Traceback" not in reply["message"]
    assert reply.get("request") is None or isinstance(reply.get("request"), int)


def test_non_integer_request_ids_are_dropped(widget):
    reply = widget.handle({"action": "check", "qid": "trd-definition", "answer": 0, "request": "<script>"})
    assert reply["kind"] == "check" and reply["request"] is None


def test_deeply_nested_json_is_refused(widget):
    nested: list = []
    for _ in range(5000):
        nested = [nested]
    reply = widget.handle({"action": "check", "qid": "cascade-order", "answer": nested})
    assert reply["kind"] in ("error", "invalid")


def test_broken_bank_shows_notice_not_traceback(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shown = []
    shell.display_pub.publish = lambda data, **kw: shown.append(data)
    assert quiz("broken", folder=FIXTURES) is None
    html = shown[-1]["text/html"]
    assert "This quiz could not be loaded" in html
    assert "broken.yaml:4:" in html and "unknown question type" in html


def test_missing_bank_shows_notice(tmp_path):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shown = []
    shell.display_pub.publish = lambda data, **kw: shown.append(data)
    quiz("no-such-lesson", folder=tmp_path)
    assert "could not be loaded" in shown[-1]["text/html"]


def test_practice_questions_reach_the_page_without_answers_and_grade(tmp_path):
    text = (FIXTURES / "sampler.yaml").read_text(encoding="utf-8").replace("lesson: sampler", "lesson: practice")
    text = text.rstrip() + (
        "\nmore_practice:\n"
        "  - id: extra-tf\n"
        "    type: truefalse\n"
        '    prompt: "Esketamine nasal spray is approved for treatment-resistant depression."\n'
        "    answer: true\n"
        '    explain_true: "Yes, in the US and the EU."\n'
        '    explain_false: "It is approved, in the US and the EU."\n'
    )
    path = tmp_path / "practice.yaml"
    path.write_text(text, encoding="utf-8")
    w = Quiz(load_bank(path))
    assert [q["id"] for q in w.practice] == ["extra-tf"]
    assert "explain" not in repr(w.practice) and "answer" not in repr(w.practice)
    reply = w.handle({"request": 3, "action": "check", "qid": "extra-tf", "answer": False})
    assert reply["kind"] == "check" and reply["feedback"]["correct"] is False
