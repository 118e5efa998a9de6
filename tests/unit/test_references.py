"""The bibliography rules: primary sources, official hosts, dates, and off-label labelling.

Each rule in issue 12 has a case here that must be caught, beside a case that
must pass, so a check that always (or never) fires fails a test.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from widgets.authoring import references as writer
from widgets.authoring import validate
from widgets.authoring.contract import check_lesson
from widgets.content import glossary, offlabel, references

REPO = Path(__file__).resolve().parents[2]
GOOD = """\
gaynes2020:
  authors: "Gaynes BN, Lux L, Gartlehner G, et al."
  year: 2020
  title: "Defining treatment-resistant depression"
  journal: "Depression and Anxiety 37(2):134-145"
  doi: "10.1002/da.22968"
  evidence: MA
spravatolabel:
  authors: "Janssen Pharmaceuticals, Inc."
  year: 2026
  title: "SPRAVATO (esketamine) nasal spray: full prescribing information"
  journal: "US Food and Drug Administration (FDALabel)"
  url: "https://nctr-crs.fda.gov/fdalabel/services/spl/set-ids/d81a6a79-a74a-44b7-822c-0dfa3036eaed/spl-doc"
  revised: "2026-03-13"
  evidence: Label
samaritans:
  authors: "Samaritans"
  title: "Contact a Samaritan"
  journal: "Samaritans (charity, UK and Ireland)"
  url: "https://www.samaritans.org/how-we-can-help/contact-samaritan/"
  accessed: "2026-12-01"
  evidence: Other
"""


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "references.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return [f"{p.line}: {p.message}" for p in references.validate_references(path)]


def _entry(**fields: str) -> str:
    base = {"authors": '"Smith J, et al."', "year": "2020", "title": '"A title"', "journal": '"A journal"',
            "doi": '"10.1000/xyz"'}
    base.update(fields)
    body = "".join(f"  {k}: {v}\n" for k, v in base.items() if v is not None)
    return "smith2020:\n" + body


def test_clean_entries_pass(tmp_path: Path) -> None:
    assert _problems(tmp_path, GOOD) == []


def test_no_doi_and_an_unofficial_host(tmp_path: Path) -> None:
    found = _problems(tmp_path, _entry(doi=None, url='"https://www.example-clinic.com/ketamine"'))
    assert found == ["6: reference \"smith2020\": has no DOI or PMID, and www.example-clinic.com is not an official "
                     "host in assets/sources.yaml — give the DOI or PMID, or the regulator's, registry's or maker's own page"]


def test_no_identifier_at_all(tmp_path: Path) -> None:
    found = _problems(tmp_path, _entry(doi=None))
    assert found == ['2: reference "smith2020": needs a DOI or PMID, or (for a label, guideline, registry or official page) an official url']


@pytest.mark.parametrize("authors", [None, '"Authors not recorded in our sources"', '"Winstock AR (first author as recalled)"'])
def test_missing_or_unnamed_authors(tmp_path: Path, authors: str | None) -> None:
    found = _problems(tmp_path, _entry(authors=authors))
    assert len(found) == 1 and ("missing authors" in found[0] or "are not named" in found[0]), found


@pytest.mark.parametrize("year", [None, '"n.d."'])
def test_missing_year(tmp_path: Path, year: str | None) -> None:
    found = _problems(tmp_path, _entry(year=year))
    assert len(found) == 1 and "missing year" in found[0], found


def test_an_undated_official_page_gives_the_access_date_instead(tmp_path: Path) -> None:
    page = _entry(year=None, doi=None, url='"https://www.fda.gov/some-page"')
    assert any("missing year" in p for p in _problems(tmp_path, page))
    assert _problems(tmp_path, page + '  accessed: "2026-12-01"\n') == []


def test_an_official_page_needs_its_date(tmp_path: Path) -> None:
    found = _problems(tmp_path, _entry(doi=None, url='"https://www.fda.gov/some-page"'))
    assert len(found) == 1 and "revised: YYYY-MM-DD" in found[0], found


@pytest.mark.parametrize("url", ["https://droracle.ai/articles/1", "https://www.scribd.com/document/1",
                                 "https://www.maestrodatabase.com/blog/x", "https://www.scrippsnews.com/x",
                                 "https://prdmimsweb.azurewebsites.net/malaysia/drug/info/spravato"])
def test_a_denylisted_host_is_refused_even_beside_a_doi(tmp_path: Path, url: str) -> None:
    found = _problems(tmp_path, _entry(url=f'"{url}"'))
    assert len(found) == 1 and "is a secondary site" in found[0], found


def test_malformed_file_and_fields_are_reported_not_raised(tmp_path: Path) -> None:
    assert _problems(tmp_path, "- a\n- list\n") == ["1: the references file must be a mapping of key: details"]
    assert _problems(tmp_path, "a: [unclosed\n")[0].startswith("2: YAML syntax error")
    found = _problems(tmp_path, _entry(doi='"doi:10.1/x"', pmid='"PMID 123"', evidnce="RCT"))
    assert any("does not look like a DOI" in p for p in found)
    assert any("must be digits only" in p for p in found)
    assert any('unknown field "evidnce" — did you mean "evidence"?' in p for p in found)


def test_host_lists_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("official:\n  fda.gov: regulator\nsecondary:\n  fda.gov: oops\n  https://x.com/a: y\n")
    messages = [p.message for p in references.load_hosts(path)[1]]
    assert any("both official and secondary" in m for m in messages)
    assert any("bare host name" in m for m in messages)


# -- rendering: the YAML is the one home of a reference ------------------------

def test_rendering_shows_identifiers_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "references.yaml"
    path.write_text(GOOD)
    entries, _ = references.load_references(path)
    assert entries["gaynes2020"].markdown() == (
        "Gaynes BN, Lux L, Gartlehner G, et al. (2020). Defining treatment-resistant depression. "
        "*Depression and Anxiety 37(2):134-145*. doi:[10.1002/da.22968](https://doi.org/10.1002/da.22968). "
        "Evidence: review of many studies.")
    label = entries["spravatolabel"].markdown()
    assert "Revised 13 March 2026." in label and "<https://nctr-crs.fda.gov/" in label
    assert "Figures checked in" not in label  # only when checked_in is given
    assert "(undated)" in entries["samaritans"].markdown() and "Accessed 1 December 2026." in entries["samaritans"].markdown()


def _lesson(tmp_path: Path, ref_text: str) -> Path:
    cells = [
        "# A lesson\n\n*About 5 minutes*\n\n## What you will learn\n\n- a\n- b\n- c\n",
        "## A section\n\nA [**term**](/glossary#term) and a claim [[1](#ref-gaynes2020)].\n",
        "## Key points\n\n- a\n- b\n- c\n",
        f'## References\n\n1. <a id="ref-gaynes2020"></a>{ref_text}\n\n*Last reviewed: 2026-12-01.*\n',
    ]
    nb = {"cells": [{"cell_type": "markdown", "id": f"c{i}", "metadata": {}, "source": c} for i, c in enumerate(cells)],
          "metadata": {"title": "A lesson", "course": {"minutes": 5, "last_reviewed": "2026-12-01"}},
          "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "01-a.ipynb"
    path.write_text(json.dumps(nb))
    return path


def test_a_lesson_list_that_drifts_from_the_yaml_is_caught_and_rewritten(tmp_path: Path) -> None:
    refs = tmp_path / "references.yaml"
    refs.write_text(GOOD)
    entries, _ = references.load_references(refs)
    lesson = _lesson(tmp_path, "Gaynes BN (2020). Old text. doi:10.1002/da.22968")
    drift = [p.message for p in check_lesson(lesson, entries)]
    assert 'reference "gaynes2020" differs from assets/references.yaml — run: make refs' in drift
    assert writer.write_lessons([lesson], entries) == [lesson]
    assert not any("differs from" in p.message for p in check_lesson(lesson, entries))
    assert writer.write_lessons([lesson], entries) == []  # already in step


# -- off-label: quiz questions, lesson cells, glossary entries -------------------

@pytest.mark.parametrize("text", ["Ketamine infusions can help some people.", "IV ketamine was compared with ECT.",
                                  "Compounded ketamine lozenges are sold online.", "At-home ketamine is risky.",
                                  "Racemic ketamine is a mix of two forms.", "oral ketamine"])
def test_racemic_ketamine_needs_off_label(text: str) -> None:
    assert offlabel.unlabelled(text)
    assert offlabel.unlabelled(text + " It is off-label for depression.") is None


@pytest.mark.parametrize("text", ["Esketamine nasal spray is approved.", "Esketamine plus an oral antidepressant.",
                                  "How ketamine works is not known."])
def test_other_text_needs_no_label(text: str) -> None:
    assert offlabel.unlabelled(text) is None


def test_quiz_question_without_off_label_is_caught(tmp_path: Path) -> None:
    bank = tmp_path / "01-a.yaml"
    bank.write_text(textwrap.dedent("""\
        lesson: 01-a
        questions:
          - id: ok
            type: truefalse
            prompt: "IV ketamine is approved for depression."
            answer: false
            explain_true: "No: it is off-label."
            explain_false: "Right."
          - id: bad
            type: single
            prompt: "Which is true?"
            options:
              - text: "Ketamine infusions are given in a clinic"
                correct: true
                explain: "Yes."
              - text: "Nothing"
                correct: false
                explain: "No."
        """))
    found = [str(p) for p in offlabel.bank_problems(bank)]
    assert found == [f'{bank}:9: question "bad": speaks of racemic ketamine ("Ketamine infusions") '
                     'without saying "off-label" in the same place']


def test_lesson_cell_without_off_label_is_caught(tmp_path: Path) -> None:
    lesson = _lesson(tmp_path, "x doi:10.1/x")
    nb = json.loads(lesson.read_text())
    nb["cells"].insert(2, {"cell_type": "markdown", "id": "extra", "metadata": {}, "source": "## More\n\nSome places sell ketamine infusions.\n"})
    lesson.write_text(json.dumps(nb))
    found = [(p.line, p.message) for p in check_lesson(lesson) if "off-label" in p.message]
    assert found == [(3, offlabel.message("ketamine infusions"))]


def test_glossary_entry_without_off_label_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(textwrap.dedent("""\
        infusion:
          term: "Infusion"
          definition: "A slow drip into a vein. Ketamine infusions for depression are off-label."
        ketamine:
          term: "Ketamine"
          definition: "An anaesthetic. Some give ketamine infusions for depression."
        broken: "just text"
        """))
    found = [str(p) for p in glossary.validate(path)]
    assert found == [f'{path}:4: term "ketamine": {offlabel.message("ketamine infusions")}',
                     f'{path}:7: term "broken" must have "term:" and "definition:" lines under it']


def test_validate_reports_each_kind_as_path_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "assets" / "quizzes").mkdir(parents=True)
    (tmp_path / "assets" / "references.yaml").write_text(GOOD + _entry(doi=None, url='"https://droracle.ai/x"'))
    (tmp_path / "assets" / "glossary.yaml").write_text(
        'ketamine:\n  term: "Ketamine"\n  definition: "Given as infusions by clinics, ketamine helps some people."\n')
    assert validate.main([], root=tmp_path) == 1
    out = capsys.readouterr().out.splitlines()
    refs, gloss = tmp_path / "assets" / "references.yaml", tmp_path / "assets" / "glossary.yaml"
    assert any(line.startswith(f"{refs}:28: ") and "secondary site" in line for line in out), out
    assert any(line.startswith(f"{gloss}:1: ") and "off-label" in line for line in out), out
