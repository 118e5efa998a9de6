"""The option grid and decision aid data (assets/data/decision_aid.yaml) and its HTML.

Each rule has a file that must be caught beside the course's own file, which
must pass.  The HTML is checked for what a screen reader and the page script
rely on: one card per option per question, a real table, citations that
match the lesson's reference list, and off-label wording.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from widgets.authoring.contract import check_lesson, read_lesson
from widgets.content import offlabel
from widgets.content.references import load_references
from widgets.figures import options as view
from widgets.model.decision import DECISION_AID, load_decision_aid, read_decision_aid
from widgets.paths import LESSONS

REFS, _ = load_references()
GOOD = DECISION_AID.read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "decision_aid.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def problems(tmp_path: Path, text: str) -> list[str]:
    aid, found = load_decision_aid(write(tmp_path, text), REFS)
    assert (aid is None) == bool(found)
    return [f"{p.line}: {p.message}" for p in found]


def test_the_course_file_is_clean_and_complete():
    aid, found = load_decision_aid(DECISION_AID, REFS)
    assert found == []
    assert [o.id for o in aid.options] == ["stay", "change", "therapy", "rtms", "ect", "esketamine", "ketamine"]
    assert {r.id for r in aid.rows} >= {"benefit", "speed", "visits", "body", "risks", "cost", "evidence"}
    assert len(aid.sure) == 4 and [s.letter for s in aid.sure] == list("SURE")
    assert {f.row for f in aid.factors} <= {r.id for r in aid.rows}
    assert len(aid.factors) == 8
    for option in aid.options:
        assert [row for row, _ in option.cells] == [r.id for r in aid.rows]


def test_every_grid_number_has_a_source_and_ketamine_is_labelled():
    aid = read_decision_aid()
    for option in aid.options:
        for row, cell in option.cells:
            if re.search(r"\d", cell.text):
                assert cell.refs, f"{option.id}/{row}"
            assert offlabel.unlabelled(cell.text) is None, f"{option.id}/{row}"
    # The IV ketamine column is labelled off-label in its name, which every card and the table header show.
    ketamine = next(o for o in aid.options if o.id == "ketamine")
    assert "off-label" in ketamine.name.lower()
    assert "course-grid-mark\" hidden>" in view.MARK and "(matters a lot to you)" in view.MARK


@pytest.mark.parametrize(
    "change, expected",
    [
        (("        text: Weeks. The trials measured results at 6 to 10 weeks.\n        refs: [bauer2009quetiapine, lenze2023]\n",
          "        text: Weeks. The trials measured results at 6 to 10 weeks.\n"), "a number needs a source"),
        (("refs: [vida2023]\n      speed:", "refs: [vida2O23]\n      speed:"), 'reference "vida2O23" is not in'),
        (("      speed:\n        text: A course takes 2 to 6 weeks.", "      sped:\n        text: A course takes 2 to 6 weeks."),
         'unknown row "sped" — did you mean "speed"?'),
        (("100 with IV ketamine (off-label).", "100 with IV ketamine."), "off-label"),
        (("  - id: therapy\n", "  - id: change\n"), 'id "change" is used twice'),
        (("    row: evidence\n", "    row: evidense\n"), 'row "evidense" is not one of the grid rows'),
        (("ratings: [Not much, Some, A lot]", "ratings: [Not much, A lot]"), "give exactly 3 ratings"),
        (("  medicines: 10", "  medicines: 500"), '"medicines" must be a whole number from 1 to 20'),
        (("  refs: [legare2010sure, ohrimeasures]\n", ""), "cite the SURE test's source"),
    ],
)
def test_each_rule_catches_its_mistake(tmp_path, change, expected):
    old, new = change
    assert old in GOOD, old
    found = problems(tmp_path, GOOD.replace(old, new, 1))
    assert any(expected in p for p in found), found


def test_a_missing_cell_and_a_long_cell_are_named(tmp_path):
    text = GOOD.replace("      cost:\n        text: What you pay now.\n", "", 1)
    found = problems(tmp_path, text)
    assert any('option stay: no cell for row "cost"' in p for p in found), found
    long = GOOD.replace("text: Your usual appointments.", "text: " + "word " * 70, 1)
    assert any("70 words; keep a cell to 60" in p for p in problems(tmp_path, long))


@pytest.mark.parametrize("text, expected", [
    ("", "the file is empty"),
    ("decision: [a\n", "YAML syntax error"),
    ("- just a list\n", "must be a block of name: value lines"),
    ("decision: x\nrows: 3\n", '"rows" must be a list'),
])
def test_broken_files_give_a_line_and_a_message(tmp_path, text, expected):
    found = problems(tmp_path, text)
    assert found and any(expected in p for p in found), found


def test_a_broken_file_becomes_a_notice_on_the_page(tmp_path, monkeypatch):
    import widgets.figures.options as module

    broken = write(tmp_path, "decision: [a\n")
    monkeypatch.setattr(module, "read_decision_aid", lambda: __import__("widgets.model.decision", fromlist=["x"]).read_decision_aid(broken))
    out = module.option_grid()
    assert "This figure could not be shown" in out.data and "YAML syntax error" in out.data


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(markup: str) -> list[tuple[str, dict]]:
    p = Tags()
    p.feed(markup)
    return p.tags


def test_grid_html_has_cards_a_table_and_the_lessons_own_citation_numbers():
    aid = read_decision_aid()
    lesson = read_lesson(LESSONS / f"{view.LESSON}.ipynb")
    numbers = {key: n for n, key, _ in lesson.reference_list()}
    markup = view.grid_html(aid, numbers)
    tags = parse(markup)
    cards = [a for t, a in tags if t == "li" and "course-grid-card" in a.get("class", "")]
    assert len(cards) == len(aid.options) * len(aid.rows)
    assert sum(1 for t, a in tags if t == "th" and a.get("scope") == "col") == len(aid.options) + 1
    assert sum(1 for t, a in tags if t == "th" and a.get("scope") == "row") == len(aid.rows)
    radios = [a for t, a in tags if t == "input" and a.get("name") == "course-grid-row"]
    assert len(radios) == len(aid.rows) and sum("checked" in a for a in radios) == 1
    for key, n in re.findall(r'href="#ref-([a-z0-9-]+)">(\d+)<', markup):
        assert numbers[key] == int(n)
    # A source the lesson does not list is an error, not a wrong number.
    with pytest.raises(ValueError, match="add anand2023 to the lesson's References list"):
        view.grid_html(aid, {k: v for k, v in numbers.items() if k != "anand2023"})


def test_summary_html_carries_its_data_and_never_a_recommendation():
    aid = read_decision_aid()
    markup = view.summary_html(aid, {"q1": "A question?"})
    tags = parse(markup)
    host = next(a for t, a in tags if a.get("data-course-aid") == "summary")
    data = json.loads(host["data-aid"])
    assert [o[0] for o in data["options"]] == [o.id for o in aid.options] + ["unsure"]
    assert data["caps"] == {"questions": 8, "medicines": 10}
    assert data["questions"] == [["q1", "A question?"]]
    assert any(a.get("data-card") == "decision-summary" for _, a in tags)
    assert any(a.get("data-print-card") == "decision-summary" for _, a in tags)
    text = re.sub(r"<[^>]+>", " ", markup)
    assert "not medical advice" in text and "988" in text and "does not say which option is best" in text


def test_values_and_sure_are_labelled_radio_groups():
    aid = read_decision_aid()
    for markup, groups in ((view.values_html(aid), len(aid.factors)),
                           (view.sure_html(aid, {k: i for i, k in enumerate(aid.sure_refs, 1)}), 4)):
        tags = parse(markup)
        assert sum(1 for t, _ in tags if t == "fieldset") == groups
        ids = {a["id"] for t, a in tags if t == "input"}
        fors = {a["for"] for t, a in tags if t == "label"}
        assert ids == fors  # every control has its label
        assert any(a.get("role") == "status" and a.get("aria-live") == "polite" for _, a in tags)


def test_the_lesson_contract_counts_the_grids_sources(tmp_path):
    """A source the grid cites counts as cited; one the lesson lists but nobody cites is still caught."""
    path = LESSONS / f"{view.LESSON}.ipynb"
    assert check_lesson(path, REFS) == []
    nb = json.loads(path.read_text(encoding="utf-8"))
    refs_cell = nb["cells"][-1]
    grid_only = "ahrqtrd"
    assert f"#ref-{grid_only}" not in "".join("".join(c["source"]) for c in nb["cells"][:-1])
    # Without the grid call, the grid-only source is listed but never cited.
    nb["cells"] = [c for c in nb["cells"] if "option_grid()" not in "".join(c["source"])]
    for c in nb["cells"]:
        c["source"] = [line.replace("decision_aid(", "aid_part(") for line in c["source"]]
    out = tmp_path / path.name
    out.write_text(json.dumps(nb), encoding="utf-8")
    found = [p.message for p in check_lesson(out, REFS)]
    assert f'reference "{grid_only}" is listed but never cited in the lesson' in found
    assert refs_cell["cell_type"] == "markdown"
