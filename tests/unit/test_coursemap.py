from __future__ import annotations

import json

from widgets import coursemap


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
    from widgets.references import load_references, long_date

    label = load_references()[0]["spravatolabel"]
    first, second = coursemap.nav("01-a.ipynb", tmp_path), coursemap.nav("02-b.ipynb", tmp_path)
    assert first.checked.startswith("Evidence last checked 1 December 2026. Labels cited: the US Spravato label revised ")
    assert f"revised {long_date(label.revised)}" in first.checked
    # The cited revision could not be read in full, and the page says so.
    assert bool(label.checked_in) == ("(figures checked in copies" in first.checked)
    assert second.checked == ""
