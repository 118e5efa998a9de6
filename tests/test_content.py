"""Lessons meet the lesson contract, read at the target grade, and message safely."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, lesson_files
from widgets.authoring.contract import FORBIDDEN, check_lesson, core_text, read_lesson, safety_text
from widgets.authoring.readability import plain_text
from widgets.authoring.readability import reading_grade as grade
from widgets.content import glossary, offlabel, references
from widgets.content.glossary import load as glossary_load

REFS = references.load_references()[0]
GLOSSARY = {t.slug for t in glossary_load()}
LESSONS = lesson_files()
CORE_MAX, SAFETY_MAX = 8.0, 6.0


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_meets_contract(path):
    problems = check_lesson(path, REFS, glossary_slugs=GLOSSARY)
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_reading_level(path):
    lesson = read_lesson(path)
    core = grade(plain_text(core_text(lesson)))
    assert core.words > 50, f"{path.name}: only {core.words} words of core text"
    assert core.fk <= CORE_MAX, f"{path.name}: core text FK grade {core.fk} > {CORE_MAX}"
    safety = plain_text(safety_text(lesson))
    if safety:
        assert grade(safety).fk <= SAFETY_MAX, f"{path.name}: safety text FK grade {grade(safety).fk}"


def test_reading_level_measure_is_real():
    """The measure separates plain from dense text (it is not a constant)."""
    plain = "You can stop at any time. Ask your care team. They will help you."
    dense = ("Pharmacological antagonism of N-methyl-D-aspartate receptors precipitates "
             "glutamatergic disinhibition, consequently facilitating synaptogenesis.")
    assert grade(plain).fk < 4 < 14 < grade(dense).fk


@pytest.mark.parametrize("bank", sorted((ROOT / "assets" / "quizzes").glob("*.yaml")), ids=lambda p: p.stem)
def test_quiz_banks_message_safely(bank):
    hits = FORBIDDEN.findall(bank.read_text(encoding="utf-8"))
    assert hits == [], f"{bank.name}: {hits}"


def test_every_reference_is_a_confirmed_primary_source():
    """Named authors, a year (or access date), and a DOI/PMID or an official dated URL; no secondary hosts."""
    problems = references.validate_references()
    assert problems == [], "\n".join(map(str, problems))


def test_every_reference_is_cited_somewhere():
    """An entry no lesson, quiz or figure cites is a stale copy waiting to drift."""
    used = "\n".join(p.read_text(encoding="utf-8") for d in ("lessons", "assets/quizzes", "assets/data")
                     for p in (ROOT / d).iterdir() if p.is_file())
    unused = sorted(k for k in REFS if k not in used)
    assert unused == [], f"remove or cite: {unused}"


@pytest.mark.parametrize("bank", sorted((ROOT / "assets" / "quizzes").glob("*.yaml")), ids=lambda p: p.stem)
def test_quiz_banks_label_off_label_use(bank):
    problems = offlabel.bank_problems(bank)
    assert problems == [], "\n".join(map(str, problems))


def test_glossary_labels_off_label_use():
    problems = glossary.validate(ROOT / "assets" / "glossary.yaml")
    assert problems == [], "\n".join(map(str, problems))


# -- the checker fails on each missing contract element -----------------------

@pytest.fixture()
def lesson_copy(tmp_path):
    src = LESSONS[-1]
    dst = tmp_path / src.name
    shutil.copy(src, dst)
    (tmp_path / "quizzes").mkdir()
    shutil.copy(ROOT / "assets" / "quizzes" / f"{src.stem}.yaml", tmp_path / "quizzes")
    return dst


def edit(path: Path, fn) -> None:
    nb = json.loads(path.read_text())
    fn(nb)
    path.write_text(json.dumps(nb))


def md_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "markdown"]


def messages(path, **kw) -> list[str]:
    return [p.message for p in check_lesson(path, REFS, quizzes=path.parent / "quizzes", glossary_slugs=GLOSSARY, **kw)]


def test_copy_is_clean(lesson_copy):
    assert messages(lesson_copy) == []


def test_missing_key_points(lesson_copy):
    edit(lesson_copy, lambda nb: nb["cells"].remove(
        next(c for c in md_cells(nb) if "".join(c["source"]).startswith("## Key points"))))
    assert 'add a "## Key points" section with 3 to 5 bullet points' in messages(lesson_copy)


def test_unknown_reference_key(lesson_copy):
    def fn(nb):
        refs = next(c for c in md_cells(nb) if "".join(c["source"]).startswith("## References"))
        refs["source"] = "".join(refs["source"]).replace('<a id="ref-', '<a id="ref-zz', 1)
    edit(lesson_copy, fn)
    got = messages(lesson_copy)
    assert any(re.match(r'reference "zz[a-z0-9-]+" is not in assets/references.yaml', m) for m in got)


@pytest.mark.parametrize("word", ["committed suicide", "a miracle", "a cure", "successful attempt"])
def test_forbidden_wording(lesson_copy, word):
    edit(lesson_copy, lambda nb: md_cells(nb)[1]["source"].append(f"\n\nThis is {word}.\n"))
    assert any(m.startswith("safe-messaging") for m in messages(lesson_copy))


def test_number_without_citation(lesson_copy):
    edit(lesson_copy, lambda nb: md_cells(nb)[1]["source"].append("\n\nAbout 42 out of 100 people felt better.\n"))
    assert any("a number needs a citation" in m and "42" in m for m in messages(lesson_copy))


def test_off_label_must_be_said(lesson_copy):
    new_cell = {"cell_type": "markdown", "metadata": {}, "source": ["## Clinics\n\nSome clinics give IV ketamine.\n"]}
    edit(lesson_copy, lambda nb: nb["cells"].insert(1, new_cell))
    assert any("off-label" in m for m in messages(lesson_copy))


def test_missing_go_deeper_quiz_and_figure(lesson_copy):
    def fn(nb):
        for c in md_cells(nb):
            c["source"] = re.sub(r"<details>.*?</details>", "", "".join(c["source"]), flags=re.S)
        nb["cells"] = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    edit(lesson_copy, fn)
    got = messages(lesson_copy)
    assert any("Go deeper" in m for m in got)
    assert any(m.startswith("add a quiz") for m in got)
    assert any("interactive figure" in m for m in got)


def test_review_date_older_than_a_year(lesson_copy):
    later = dt.date.today() + dt.timedelta(days=400)
    assert any("more than 12 months ago" in m for m in messages(lesson_copy, today=later))


def test_glossary_link_to_unknown_term(lesson_copy):
    edit(lesson_copy, lambda nb: md_cells(nb)[1]["source"].append("\n\nA [**thing**](/glossary#no-such-term).\n"))
    assert 'glossary link "#no-such-term" is not a term in assets/glossary.yaml' in messages(lesson_copy)


# -- issue 13: main message first, short core text, short quiz -----------------

def first_md(nb):
    return md_cells(nb)[0]


def test_in_short_box_is_required_under_the_title(lesson_copy):
    def fn(nb):
        cell = first_md(nb)
        cell["source"] = re.sub(r'<div class="course-inshort".*?</div>', "", "".join(cell["source"]), flags=re.S)
    edit(lesson_copy, fn)
    assert any(m.startswith('put an "In short" box right under the title') for m in messages(lesson_copy))


def test_in_short_box_has_at_most_three_bullets(lesson_copy):
    def fn(nb):
        cell = first_md(nb)
        cell["source"] = "".join(cell["source"]).replace("\n</div>", "\n- one more\n- and another\n- and a fifth\n\n</div>", 1)
    edit(lesson_copy, fn)
    assert any(re.match(r'the "In short" box has \d bullet points; use 1 to 3', m) for m in messages(lesson_copy))


def test_core_word_limit_counts_core_text_only(lesson_copy):
    from widgets.authoring.contract import WORD_LIMIT

    padding = " ".join(["word"] * WORD_LIMIT)
    edit(lesson_copy, lambda nb: md_cells(nb)[2]["source"].append(f"\n\n<details><summary>Go deeper: more</summary>\n\n{padding}\n\n</details>\n"))
    assert not any(m.startswith("core text is") for m in messages(lesson_copy))
    edit(lesson_copy, lambda nb: md_cells(nb)[2]["source"].append(f"\n\n{padding}\n"))
    assert any(re.match(rf"core text is \d+ words; the limit is {WORD_LIMIT}", m) for m in messages(lesson_copy))


def test_count_words_ignores_markup_and_counts_table_cells():
    from widgets.authoring.contract import count_words

    text = ('Two [**words**](/glossary#x) here [[1](#ref-a), [2](#ref-b)] <span class="x">too</span>\n\n'
            "| Trial | With it | Comparison |\n|---|---|---|\n| A | 5 out of 100 | 3 out of 100 |\n")
    # Two words here too = 4; header: Trial With it Comparison = 4; row: A 5 out of 100 3 out of 100 = 9
    assert count_words(text) == 4 + 4 + 9


def test_main_quiz_has_five_to_eight_questions(lesson_copy):
    import yaml

    bank = lesson_copy.parent / "quizzes" / f"{lesson_copy.stem}.yaml"
    data = yaml.safe_load(bank.read_text())
    extra = (data.get("more_practice") or [])
    data["questions"] = (data["questions"] + extra + data["questions"])[:9]
    for i, q in enumerate(data["questions"]):
        q["id"] = f"q{i}"
    data.pop("more_practice", None)
    bank.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    assert any(m.startswith("the main quiz has 9 question(s); use 5 to 8") for m in messages(lesson_copy))


def test_key_points_short_enough_to_print_together(lesson_copy):
    def fn(nb):
        cell = next(c for c in md_cells(nb) if "".join(c["source"]).startswith("## Key points"))
        cell["source"] = "".join(cell["source"]) + "\n- " + " ".join(["more"] * 80) + "\n"
    edit(lesson_copy, fn)
    assert any(re.match(r'"## Key points" has \d+ words; use at most 75', m) for m in messages(lesson_copy))


def test_quiz_sits_under_check_your_understanding(lesson_copy):
    def fn(nb):
        cell = next(c for c in md_cells(nb) if "".join(c["source"]).startswith("## Check your understanding"))
        cell["source"] = "## Test yourself\n"
    edit(lesson_copy, fn)
    assert any(m.startswith('put the quiz under a "## Check your understanding" heading') for m in messages(lesson_copy))
