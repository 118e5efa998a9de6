from __future__ import annotations

import json

from widgets.content import coursemap


def write(folder, name, title=None, minutes=None):
    meta = {}
    if title:
        meta["title"] = title
    if minutes is not None:
        meta["course"] = {"minutes": minutes}
    (folder / name).write_text(json.dumps({"cells": [], "metadata": meta, "nbformat": 4, "nbformat_minor": 5}))


def test_lessons_in_reading_order_with_titles(tmp_path):
    write(tmp_path, "01-b.ipynb", "Second", 10)
    write(tmp_path, "00-a.ipynb", "First", 5)
    write(tmp_path, "notes.ipynb", "Not a lesson")
    got = coursemap.lessons(tmp_path)
    assert [lesson.slug for lesson in got] == ["00-a", "01-b"]
    assert got[0].title == "First" and got[0].minutes == 5
    assert got[1].url == "/voila/render/01-b.ipynb"


def test_title_falls_back_to_slug_and_broken_json_is_tolerated(tmp_path):
    (tmp_path / "02-safety-first.ipynb").write_text("{not json")
    (lesson,) = coursemap.lessons(tmp_path)
    assert lesson.title == "Safety first"


def test_nav_prev_next(tmp_path):
    for i, t in enumerate(["A", "B", "C"]):
        write(tmp_path, f"0{i}-{t.lower()}.ipynb", t)
    nav = coursemap.nav("01-b.ipynb", tmp_path)
    assert (nav.prev.title, nav.current.title, nav.next.title) == ("A", "B", "C")
    assert (nav.index, nav.total) == (2, 3)
    first = coursemap.nav("00-a.ipynb", tmp_path)
    assert first.prev is None and first.next.title == "B"
    assert coursemap.nav("unknown.ipynb", tmp_path).current is None


def test_real_lessons_have_titles_and_minutes():
    for lesson in coursemap.lessons():
        assert lesson.title and lesson.minutes, lesson.slug


def test_each_lesson_says_when_its_evidence_was_checked_and_against_which_label(tmp_path):
    (tmp_path / "01-a.ipynb").write_text(json.dumps({"cells": [], "metadata": {
        "title": "A", "course": {"minutes": 5, "last_reviewed": "2026-12-01"}}, "nbformat": 4, "nbformat_minor": 5}))
    write(tmp_path, "02-b.ipynb", "B", 5)  # no review date: nothing is claimed
    from widgets.content.references import load_references, long_date

    label = load_references()[0]["spravatolabel"]
    first, second = coursemap.nav("01-a.ipynb", tmp_path), coursemap.nav("02-b.ipynb", tmp_path)
    assert first.checked.startswith("Evidence last checked 1 December 2026. Labels cited: the US Spravato label revised ")
    assert f"revised {long_date(label.revised)}" in first.checked
    # The cited revision could not be read in full, and the page says so.
    assert bool(label.checked_in) == ("(figures checked in copies" in first.checked)
    assert second.checked == ""


def test_one_numbering_for_learners(tmp_path):
    for i, t in enumerate(["Start", "B", "C", "D"]):
        write(tmp_path, f"0{i}-{t.lower()}.ipynb", t)
    assert coursemap.nav("00-start.ipynb", tmp_path).position == "Start here"
    nav = coursemap.nav("02-c.ipynb", tmp_path)
    assert nav.position == "Lesson 2 of 3"
    assert [x.label for x in coursemap.lessons(tmp_path)] == ["Start here", "Lesson 1", "Lesson 2", "Lesson 3"]


def md_lesson(folder, name, *sources):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": s} for s in sources]
    (folder / name).write_text(json.dumps({"cells": cells, "metadata": {"title": "T"}, "nbformat": 4, "nbformat_minor": 5}))


def test_contents_use_the_page_heading_ids_and_skip_details(tmp_path):
    md_lesson(tmp_path, "01-x.ipynb",
              "# Title\n\n## What you will learn\n\n- a\n",
              "## STAR\\*D: each step, fewer people\n\ntext\n\n<details><summary>Go deeper</summary>\n\n## Hidden\n\n</details>",
              "## Check your understanding\n", "## Key points\n\n- one\n")
    got = coursemap.contents("01-x", tmp_path)
    assert [c["text"] for c in got] == ["STAR*D: each step, fewer people", "Check your understanding", "Key points"]
    assert got[0]["id"] == "STAR*D:-each-step,-fewer-people"
    assert coursemap.quiz_anchor("01-x", tmp_path) == "Check-your-understanding"


def test_key_points_without_citations(tmp_path):
    md_lesson(tmp_path, "01-x.ipynb", "# T\n",
              "## Key points\n\n- It helps some people [[1](#ref-a), [2](#ref-b)].\n- A [**term**](/glossary#t)\n  over two lines.\n")
    (lesson,) = coursemap.lessons(tmp_path)
    assert coursemap.key_points(lesson, tmp_path) == [
        "It helps some people.", 'A <a href="/glossary#t"><strong>term</strong></a> over two lines.']


def test_next_review_is_twelve_months_after_the_last_check():
    assert coursemap.next_review("2026-12-01") == "2027-12-01"
    assert coursemap.next_review("2028-02-29") == "2029-02-28"
    assert coursemap.next_review("not a date") == ""
