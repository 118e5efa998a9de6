"""Lesson 6, "Weighing your options": the option grid and the decision aid.

The words and numbers come from ``assets/data/decision_aid.yaml`` (read and
checked by :mod:`widgets.model.decision`).  These builders only turn that
data into plain HTML, so the page needs no kernel to use it:
``static/decision.js`` (loaded on every lesson page) adds the choices, keeps
the learner's answers in this browser (localStorage) and fills in the
printable summary.  Without JavaScript the grid and the questions still show.
Citation numbers match the lesson's own References list.
"""

from __future__ import annotations

import html
import json

from widgets.content.notebooks import read_notebook
from widgets.model.decision import DecisionAid, GridCell, read_decision_aid
from widgets.paths import DATA, LESSONS

from ._safe import shown_safely

LESSON = "06-weighing-your-options"
QUESTIONS_YAML = DATA / "care_team_questions.yaml"
NEXT_STEPS = "/voila/render/07-your-next-steps.ipynb"

e = html.escape
# Shown beside a grid question the learner rated "A lot": in words, not by colour alone.
MARK = ' <span class="course-grid-mark" hidden><span aria-hidden="true">★ </span>(matters a lot to you)</span>'


def _html(markup: str):
    from IPython.display import HTML

    return HTML(markup)


def _numbers(lesson: str) -> dict[str, int]:
    """Reference key -> its number in the lesson's References list."""
    return {key: n for n, key, _text in read_notebook(LESSONS / f"{lesson}.ipynb").reference_list()}


def _cite(refs: tuple[str, ...], numbers: dict[str, int], where: str) -> str:
    missing = [k for k in refs if k not in numbers]
    if missing:
        raise ValueError(f"{where}: add {', '.join(missing)} to the lesson's References list (make refs)")
    if not refs:
        return ""
    links = ", ".join(f'<a href="#ref-{e(k)}">{numbers[k]}</a>' for k in sorted(refs, key=numbers.__getitem__))
    return f' <span class="course-cite">[{links}]</span>'


def _cell(cell: GridCell, numbers: dict[str, int], where: str) -> str:
    return e(cell.text) + _cite(cell.refs, numbers, where)


def grid_html(aid: DecisionAid, numbers: dict[str, int]) -> str:
    """The option grid: one question at a time as cards, and the whole grid as one table."""
    n = len(aid.options)
    pills = "".join(
        f'<span class="course-aid-choice"><input type="radio" name="course-grid-row" id="course-grid-pick-{r.id}" '
        f'value="{r.id}"{" checked" if i == 0 else ""}><label for="course-grid-pick-{r.id}">{e(r.question)}'
        f'{MARK}</label></span>'
        for i, r in enumerate(aid.rows)
    )
    panels = []
    for r in aid.rows:
        cards = "".join(
            f'<li class="course-grid-card" data-option="{o.id}"><h4>{e(o.name)}</h4>'
            f'<p class="course-grid-kind">{e(o.kind)}</p>'
            f"<p>{_cell(o.cell(r.id), numbers, f'option {o.id}, row {r.id}')}</p></li>"
            for o in aid.options
        )
        panels.append(
            f'<section class="course-grid-row" data-row="{r.id}" aria-labelledby="course-grid-row-{r.id}">'
            f'<h3 id="course-grid-row-{r.id}">{e(r.question)}'
            f'{MARK}</h3>'
            f'<ul class="course-grid-cards">{cards}</ul></section>'
        )
    head = "".join(f'<th scope="col">{e(o.name)}</th>' for o in aid.options)
    body = "".join(
        f'<tr data-row="{r.id}"><th scope="row">{e(r.question)}'
        f'{MARK}</th>'
        + "".join(f"<td>{_cell(o.cell(r.id), numbers, f'option {o.id}, row {r.id}')}</td>" for o in aid.options)
        + "</tr>"
        for r in aid.rows
    )
    return (
        f'<div class="course-grid" data-course-grid>'
        f'<fieldset class="course-grid-pick" hidden><legend>Show one question for all {n} options</legend>'
        f'<div class="course-aid-choices">{pills}</div></fieldset>'
        + "".join(panels)
        + '<details class="course-grid-all"><summary>See the whole grid as one table</summary>'
        '<div class="course-scroll" role="region" aria-label="The whole option grid, as one table" tabindex="0">'
        f"<table><caption>{n} options for depression that has not got better with treatment. "
        "Each figure comes from its own study, with its own comparison group, time and measure."
        f'</caption><thead><tr><th scope="col">Question</th>{head}</tr></thead><tbody>{body}</tbody></table>'
        "</div></details></div>"
    )


def _radios(name: str, choices: list[tuple[str, str]], legend: str, attrs: str = "") -> str:
    inputs = "".join(
        f'<span class="course-aid-choice"><input type="radio" name="{name}" id="{name}-{v}" value="{e(v)}">'
        f'<label for="{name}-{v}">{e(t)}</label></span>'
        for v, t in choices
    )
    return f'<fieldset class="course-aid-q"{attrs}><legend>{legend}</legend><div class="course-aid-choices">{inputs}</div></fieldset>'


def values_html(aid: DecisionAid) -> str:
    rating = [(str(i), t) for i, t in enumerate(aid.ratings)]
    qs = "".join(
        _radios(f"course-values-{f.id}", rating, e(f.text), f' data-factor="{f.id}" data-row="{f.row}"')
        for f in aid.factors
    )
    return (
        f'<div class="course-aid" data-course-aid="values">{qs}'
        '<p class="course-aid-status" role="status" aria-live="polite"></p></div>'
    )


def sure_html(aid: DecisionAid, numbers: dict[str, int]) -> str:
    qs = "".join(
        _radios(
            f"course-sure-{s.id}",
            [("yes", "Yes"), ("no", "No")],
            f'<span class="course-aid-letter" aria-hidden="true">{e(s.letter)}</span> {e(s.text)}',
            f' data-sure="{s.id}"',
        )
        for s in aid.sure
    )
    return (
        f'<div class="course-aid" data-course-aid="sure">{qs}'
        '<p class="course-aid-status" role="status" aria-live="polite"></p>'
        f'<p class="course-aid-source">The SURE test by Légaré, O’Connor and colleagues, in its published wording'
        f"{_cite(aid.sure_refs, numbers, 'sure')}.</p></div>"
    )


def leaning_html(aid: DecisionAid) -> str:
    boxes = "".join(
        f'<span class="course-aid-choice"><input type="checkbox" name="course-considering" id="course-considering-{o.id}" '
        f'value="{o.id}"><label for="course-considering-{o.id}">{e(o.name)}</label></span>'
        for o in aid.options
    )
    leaning = _radios(
        "course-leaning",
        [(o.id, o.name) for o in aid.options] + [("unsure", "Not sure yet")],
        "Which way am I leaning?",
    )
    return (
        '<div class="course-aid" data-course-aid="leaning">'
        f'<fieldset class="course-aid-q"><legend>Options I am considering (tick any)</legend>'
        f'<div class="course-aid-choices">{boxes}</div></fieldset>{leaning}'
        '<p class="course-aid-status" role="status" aria-live="polite"></p></div>'
    )


def summary_html(aid: DecisionAid, questions: dict[str, str]) -> str:
    """The medicines list editor, the buttons, and the one-page summary the page fills in."""
    data = {
        "options": [[o.id, o.name] for o in aid.options] + [["unsure", "Not sure yet"]],
        "factors": [[f.id, f.text] for f in aid.factors],
        "ratings": list(aid.ratings),
        "sure": [{"id": s.id, "letter": s.letter, "short": s.short, "text": s.text} for s in aid.sure],
        "questions": [[k, v] for k, v in questions.items()],
        "caps": dict(aid.caps),
        "nextSteps": NEXT_STEPS,
    }
    cap_m = aid.cap("medicines")
    return (
        f'<div class="course-aid" data-course-aid="summary" data-aid="{e(json.dumps(data, sort_keys=True))}">'
        '<div class="course-noprint">'
        '<fieldset class="course-aid-q"><legend>Medicines I have tried</legend>'
        '<label for="course-medicine" class="course-aid-label">A medicine, with its dose and how long, if you know</label>'
        '<input type="text" id="course-medicine" class="course-aid-input" maxlength="80" autocomplete="off">'
        '<div class="course-aid-buttons"><button type="button" class="course-aid-button" data-aid-add>Add this medicine</button></div>'
        f'<p class="course-aid-hint">Up to {cap_m}, so your summary fits on one page.</p>'
        '<ul class="course-aid-list" data-fill="medicine-edit"></ul></fieldset>'
        '<div class="course-aid-buttons">'
        '<button type="button" class="course-aid-button course-aid-primary" data-print-card="decision-summary">Print or save my summary</button>'
        '<button type="button" class="course-aid-button" data-aid-clear>Clear my answers</button></div>'
        '<p class="course-aid-status" role="status" aria-live="polite"></p>'
        "</div>"
        '<section class="course-summary" data-card="decision-summary" aria-labelledby="course-summary-title">'
        '<h3 id="course-summary-title">My decision summary</h3>'
        '<p class="course-summary-date">Date: ____________ &nbsp; To talk over with: ______________________</p>'
        f'<p><strong>The decision:</strong> {e(aid.decision)}</p>'
        '<div class="course-summary-grid">'
        '<div><h4>Options I am considering</h4><ul data-fill="considering"></ul></div>'
        '<div><h4>What matters most to me</h4><ul data-fill="values"></ul></div>'
        '<div><h4>Which way I am leaning</h4><p data-fill="leaning"></p>'
        '<h4>My SURE answers</h4><ul data-fill="sure"></ul></div>'
        "</div>"
        '<h4>Medicines I have tried</h4><ul data-fill="medicines" class="course-summary-cols"></ul>'
        '<h4>My questions</h4><ol data-fill="questions"></ol><p data-fill="questions-note" class="course-summary-cut" hidden></p>'
        '<p class="course-summary-note">From the course “Ketamine and esketamine for treatment-resistant depression”, '
        "Lesson 6. It does not say which option is best. This is not medical advice. "
        "Need help now? In the US, call or text 988. Elsewhere: findahelpline.com.</p>"
        "</section></div>"
    )


def _questions() -> dict[str, str]:
    from widgets.content.careteam import load_groups

    return {q["id"]: q["text"] for g in load_groups(QUESTIONS_YAML) for q in g["questions"]}


@shown_safely
def option_grid(lesson: str = LESSON):
    """Every reasonable option side by side, one question at a time, with a whole-table view."""
    return _html(grid_html(read_decision_aid(), _numbers(lesson)))


@shown_safely
def decision_aid(part: str, lesson: str = LESSON):
    """One part of the decision aid: "values", "sure", "leaning" or "summary"."""
    aid = read_decision_aid()
    if part == "values":
        return _html(values_html(aid))
    if part == "sure":
        return _html(sure_html(aid, _numbers(lesson)))
    if part == "leaning":
        return _html(leaning_html(aid))
    if part == "summary":
        return _html(summary_html(aid, _questions()))
    raise ValueError(f'decision_aid("{part}"): use "values", "sure", "leaning" or "summary"')
