"""Grading, answer checking and answer reveal for every question type."""

from __future__ import annotations

import dataclasses
import math
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from widgets.model import (
    AnswerError,
    Feedback,
    ItemFeedback,
    MultiSelect,
    Option,
    Order,
    OrderItem,
    SingleChoice,
    TeachBack,
    TrueFalse,
    display_order,
    grade,
    show_answer,
)

REPO = Path(__file__).resolve().parents[2]

SINGLE = SingleChoice(
    id="s1",
    prompt="Which one?",
    options=(
        Option("Two adequate trials", True, "That is the usual definition."),
        Option("One week", False, "Too short to judge."),
        Option("Feeling low", False, "Not the same thing."),
    ),
)
MULTI = MultiSelect(
    id="m1",
    prompt="Which apply?",
    options=(
        Option("Dissociation", True, "Common and brief."),
        Option("Raised blood pressure", True, "It is checked for this reason."),
        Option("Memory loss", False, "Not a known effect."),
        Option("Hair loss", False, "Not linked to ketamine."),
    ),
)
TF = TrueFalse(
    id="tf1",
    prompt="Clinic ketamine is the same as street use.",
    answer=False,
    explain_true="Not quite: the dose differs.",
    explain_false="Right: dose and setting differ.",
)
ORDER = Order(
    id="o1",
    prompt="Put in order",
    items=(
        OrderItem("Receptors blocked", "First step."),
        OrderItem("Glutamate burst", "Second step."),
        OrderItem("Synapses grow", "Third step."),
    ),
)
TEACH = TeachBack(
    id="t1",
    prompt="In your own words?",
    model_answer="It works fast, on glutamate.",
    key_points=("Works fast", "Acts on glutamate", "May need repeats"),
)
ALL = (SINGLE, MULTI, TF, ORDER, TEACH)


# -- single ------------------------------------------------------------------


def test_single_right() -> None:
    fb = grade(SINGLE, 0)
    assert fb == Feedback(
        True,
        1.0,
        "Correct.",
        (ItemFeedback("Two adequate trials", "right", "That is the usual definition."),),
    )


def test_single_wrong_explains_only_the_choice() -> None:
    fb = grade(SINGLE, 2)
    assert (fb.correct, fb.score) == (False, 0.0)
    assert fb.headline.startswith("Not quite.")
    assert fb.items == (ItemFeedback("Feeling low", "wrong", "Not the same thing."),)


def test_single_show_answer() -> None:
    fb = show_answer(SINGLE)
    assert (fb.correct, fb.score) == (True, 1.0)
    assert fb.headline == 'The answer is "Two adequate trials".'
    assert [i.status for i in fb.items] == ["right", "wrong", "wrong"]
    assert [i.explain for i in fb.items] == [o.explain for o in SINGLE.options]


# -- multi -------------------------------------------------------------------


def test_multi_right() -> None:
    fb = grade(MULTI, [1, 0])
    assert (fb.correct, fb.score) == (True, 1.0)
    assert fb.headline == "Correct. All 2 correct answers chosen."
    assert [i.label for i in fb.items] == ["Dissociation", "Raised blood pressure"]


def test_multi_partial_without_wrong_choice() -> None:
    fb = grade(MULTI, [0])
    assert (fb.correct, fb.score) == (False, 0.5)
    assert fb.headline == "1 of 2 correct answers chosen, no wrong choices."


def test_multi_partial_with_wrong_choice() -> None:
    fb = grade(MULTI, [0, 1, 3])
    assert fb.correct is False
    assert fb.score == 0.5
    assert fb.headline == "2 of 2 correct answers chosen, 1 wrong choice."
    assert [i.status for i in fb.items] == ["right", "right", "wrong"]
    assert fb.items[2].explain == "Not linked to ketamine."


def test_multi_all_wrong_scores_zero() -> None:
    fb = grade(MULTI, [2, 3])
    assert (fb.correct, fb.score) == (False, 0.0)
    assert fb.headline == "0 of 2 correct answers chosen, 2 wrong choices."


def test_multi_empty_answer_asks_for_a_choice() -> None:
    with pytest.raises(AnswerError, match="^Choose at least one answer.$"):
        grade(MULTI, [])


def test_multi_show_answer() -> None:
    fb = show_answer(MULTI)
    assert fb.headline == "The 2 correct answers are marked below."
    assert [i.status for i in fb.items] == ["right", "right", "wrong", "wrong"]


# -- true/false --------------------------------------------------------------


def test_truefalse_right_and_wrong() -> None:
    right, wrong = grade(TF, False), grade(TF, True)
    assert (right.correct, right.score, right.headline) == (True, 1.0, "Correct.")
    assert right.items == (ItemFeedback("False", "right", "Right: dose and setting differ."),)
    assert (wrong.correct, wrong.score) == (False, 0.0)
    assert wrong.items == (ItemFeedback("True", "wrong", "Not quite: the dose differs."),)


def test_truefalse_show_answer_gives_both_explanations() -> None:
    fb = show_answer(TF)
    assert fb.headline == "The statement is false."
    assert [(i.label, i.status) for i in fb.items] == [("False", "right"), ("True", "wrong")]


@pytest.mark.parametrize("answer", [0, 1, "true", "False", None, [True]])
def test_truefalse_needs_a_real_bool(answer: Any) -> None:
    with pytest.raises(AnswerError, match="must be true or false"):
        grade(TF, answer)


# -- order -------------------------------------------------------------------


def test_order_right() -> None:
    fb = grade(ORDER, [0, 1, 2])
    assert (fb.correct, fb.score) == (True, 1.0)
    assert fb.headline == "Correct. All 3 steps are in the right order."
    assert all(i.status == "right" for i in fb.items)


def test_order_partial_says_where_each_item_belongs() -> None:
    fb = grade(ORDER, [2, 1, 0])
    assert fb.correct is False
    assert fb.score == pytest.approx(1 / 3)
    assert fb.headline == "1 of 3 steps in the right place."
    assert fb.items[0] == ItemFeedback(
        "Synapses grow", "wrong", "This belongs at step 3, not step 1. Third step."
    )
    assert fb.items[1] == ItemFeedback("Glutamate burst", "right", "Step 2. Second step.")


def test_order_show_answer_lists_steps_in_order() -> None:
    fb = show_answer(ORDER)
    assert [i.label for i in fb.items] == ["Receptors blocked", "Glutamate burst", "Synapses grow"]
    assert fb.items[0].explain == "Step 1. First step."


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([0, 1], "Put all 3 steps in order; 2 were given."),
        ([0, 1, 2, 0], "Put all 3 steps in order; 4 were given."),
        ([0, 0, 1], "Step number 0 is given twice."),
        ([0, 1, 3], "There is no step number 3; use 0 to 2."),
        ("012", "The answer must be a list of step numbers, not the text '012'."),
    ],
)
def test_order_rejects_non_permutations(answer: Any, message: str) -> None:
    with pytest.raises(AnswerError) as info:
        grade(ORDER, answer)
    assert str(info.value) == message


# -- teach-back --------------------------------------------------------------


def test_teachback_is_never_marked() -> None:
    fb = grade(TEACH, [0, 2])
    assert fb.correct is None
    assert fb.score == pytest.approx(2 / 3)
    assert fb.headline == "You covered 2 of 3 key points. Compare with the model answer below."
    assert [i.status for i in fb.items] == ["neutral", "missed", "neutral"]
    assert "right" not in [i.status for i in fb.items]


def test_teachback_nothing_ticked_is_fine() -> None:
    fb = grade(TEACH, [])
    assert (fb.correct, fb.score) == (None, 0.0)
    assert fb.headline.startswith("You covered 0 of 3 key points.")


def test_teachback_show_answer() -> None:
    fb = show_answer(TEACH)
    assert fb.correct is None
    assert fb.headline == "Model answer: It works fast, on glutamate."
    assert [i.label for i in fb.items] == list(TEACH.key_points)


# -- feedback text -----------------------------------------------------------


def test_feedback_text_reads_as_sentences() -> None:
    assert grade(MULTI, [0, 3]).text() == (
        "1 of 2 correct answers chosen, 1 wrong choice. "
        "Dissociation: right. Common and brief. "
        "Hair loss: not right. Not linked to ketamine."
    )
    assert (
        grade(TEACH, [0])
        .text()
        .endswith(
            "Works fast. You covered this. Acts on glutamate: not covered yet. "
            "Look for this in the model answer. May need repeats: not covered yet. "
            "Look for this in the model answer."
        )
    )


# -- bad answers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "answer", "message"),
    [
        (SINGLE, True, "Each option must be given by its number (0 to 2), not true."),
        (SINGLE, 3, "There is no option number 3; use 0 to 2."),
        (SINGLE, -1, "There is no option number -1; use 0 to 2."),
        (
            SINGLE,
            1.0,
            "Each option must be given by its number (0 to 2), not the decimal number 1.0.",
        ),
        (SINGLE, "1", "Each option must be given by its number (0 to 2), not the text '1'."),
        (SINGLE, None, "Each option must be given by its number (0 to 2), not nothing."),
        (SINGLE, [0], "Each option must be given by its number (0 to 2), not a list of 1 value."),
        pytest.param(
            SINGLE,
            10**5000,
            "There is no option number a very large number; use 0 to 2.",
            id="huge-int",
        ),
        (MULTI, 0, "The answer must be a list of option numbers, not 0."),
        (MULTI, [0, 0], "Option number 0 is given twice."),
        (MULTI, [0, False], "Each option must be given by its number (0 to 3), not false."),
        (MULTI, [[0]], "Each option must be given by its number (0 to 3), not a list of 1 value."),
        (MULTI, {"0": True}, "The answer must be a list of option numbers, not a mapping."),
        (MULTI, list(range(10**6)), "Too many options: 1000000 given but there are only 4."),
        (TEACH, [0, 0], "Key point number 0 is given twice."),
        (TEACH, [5], "There is no key point number 5; use 0 to 2."),
        (TEACH, None, "The answer must be a list of key point numbers, not nothing."),
    ],
)
def test_bad_answers_name_the_problem(question: Any, answer: Any, message: str) -> None:
    with pytest.raises(AnswerError) as info:
        grade(question, answer)
    assert str(info.value) == message


def test_answer_error_is_a_value_error() -> None:
    assert issubclass(AnswerError, ValueError)


def _junk(rng: random.Random, depth: int = 0) -> Any:
    """A random JSON-like value, biased towards near-miss answers."""
    pick = rng.randrange(12 if depth < 3 else 8)
    if pick == 0:
        return None
    if pick == 1:
        return rng.choice([True, False])
    if pick == 2:
        return rng.choice([0, 1, 2, 3, 4, -1, -(10**20), 10**20, 10**5000, 2**63])
    if pick == 3:
        return rng.choice([0.0, 1.0, -0.5, 1e308, math.inf, -math.inf, math.nan])
    if pick == 4:
        return rng.choice(["", "0", "1", "true", "ü" * 100, "\x00", "[0, 1]"])
    if pick in (5, 6, 7):
        size = rng.choice([0, 1, 2, 3, 4, 5, 50])
        return [rng.randrange(-2, 6) for _ in range(size)]
    if pick in (8, 9):
        return [_junk(rng, depth + 1) for _ in range(rng.randrange(5))]
    if pick == 10:
        return {str(rng.randrange(5)): _junk(rng, depth + 1) for _ in range(rng.randrange(3))}
    perm = list(range(rng.randrange(2, 5)))
    rng.shuffle(perm)
    return perm


@pytest.mark.parametrize("question", ALL, ids=lambda q: q.kind)
def test_fuzz_only_feedback_or_answer_error(question: Any) -> None:
    rng = random.Random(f"fuzz-{question.kind}")
    graded = 0
    for _ in range(3000):
        answer = _junk(rng)
        try:
            fb = grade(question, answer)
        except AnswerError as exc:
            assert str(exc)
            continue
        graded += 1
        assert isinstance(fb, Feedback)
        assert 0.0 <= fb.score <= 1.0
        assert fb.headline and fb.text()
    assert graded > 0  # the generator does reach valid answers


# -- display order -----------------------------------------------------------


def _order_of(n: int, qid: str = "o") -> Order:
    return Order(qid, "p", tuple(OrderItem(f"step {i}", "why") for i in range(n)))


def test_display_order_is_repeatable_and_never_solved() -> None:
    for n in range(2, 8):
        for k in range(60):
            q = _order_of(n, f"q{k}")
            shown = display_order(q)
            assert sorted(shown) == list(range(n))
            assert shown != list(range(n))
            assert display_order(q) == shown


def test_display_order_seed_overrides_the_id() -> None:
    q = _order_of(6)
    assert display_order(q, seed=1) == display_order(_order_of(6, "other"), seed=1)
    assert display_order(q, seed="abc") == display_order(q, seed="abc")


def test_display_order_of_one_item() -> None:
    assert display_order(_order_of(1)) == [0]


# -- model hygiene -----------------------------------------------------------


def test_questions_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        SINGLE.prompt = "changed"  # type: ignore[misc]


def test_grade_refuses_a_non_question() -> None:
    with pytest.raises(TypeError):
        grade("not a question", 0)  # type: ignore[arg-type]


def test_model_imports_no_widget_library() -> None:
    # Stand in for widgets/__init__.py so only the model and validator are judged.
    code = (
        "import sys, types\n"
        "pkg = types.ModuleType('widgets')\n"
        f"pkg.__path__ = [{str(REPO / 'widgets')!r}]\n"
        "sys.modules['widgets'] = pkg\n"
        "import widgets.model, widgets.authoring.validate\n"
        "bad = [m for m in ('ipywidgets', 'anywidget', 'IPython') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
