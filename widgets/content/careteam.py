"""The suggested questions of "Questions for my care team" (lesson 07), read from YAML.

``assets/data/care_team_questions.yaml`` holds ``groups:``, each with a
``heading:`` and ``questions:`` of ``{id, text}``; ids are unique, lower-case
letters, digits and dashes.  Every bad entry is reported as
``path:line: message`` (``python -m widgets.validate``); the builder itself
is ``widgets.views.careteam``.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from widgets.paths import DATA

from .yamlfile import ContentError, Fields, Problem, Reader, line

CARE_TEAM_QUESTIONS = DATA / "care_team_questions.yaml"
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def read_groups(path: Path = CARE_TEAM_QUESTIONS) -> tuple[list[dict] | None, list[Problem]]:
    """Groups of suggested questions, ``[{heading, questions: [{id, text}]}]``, or None and every problem."""
    reader = Reader(path)
    seen: dict[str, int] = {}

    def build(root: yaml.Node) -> list[dict] | None:
        top = reader.mapping(root, "", "the file")
        if top is None:
            return None
        f = reader.fields(top, ("groups",), "")
        nodes = reader.sequence(f, "groups", "", "list the groups, each with heading: and questions:")
        if nodes is not None and not nodes:
            reader.problem(f.values["groups"], '"groups" is empty — add at least one group')
        return [g for number, node in enumerate(nodes or [], start=1)
                if (g := _group(reader, node, f"group {number}", seen)) is not None]

    return reader.read(build, 'the file is empty — it needs "groups:"')


def _group(reader: Reader, node: yaml.Node, where: str, seen: dict[str, int]) -> dict | None:
    mapping = reader.mapping(node, where, "a group")
    if mapping is None:
        return None
    f = reader.fields(mapping, ("heading", "questions"), where)
    heading = reader.text(f, "heading", where, "give the group a short heading")
    nodes = reader.sequence(f, "questions", where, "list its questions, each like {id: my-id, text: ...}")
    questions = [q for number, q_node in enumerate(nodes or [], start=1)
                 if (q := _question(reader, q_node, f"{where}, question {number}", seen)) is not None]
    if nodes is not None and not nodes:
        reader.problem(f.values["questions"], '"questions" is empty — add at least one question', where)
    return {"heading": heading, "questions": questions} if heading else None


def _question(reader: Reader, node: yaml.Node, where: str, seen: dict[str, int]) -> dict | None:
    mapping = reader.mapping(node, where, "a question")
    if mapping is None:
        return None
    f: Fields = reader.fields(mapping, ("id", "text"), where)
    qid = reader.text(f, "id", where, "give it a short unique id like ride-home")
    text = reader.text(f, "text", where, "write the question as the learner would ask it")
    if qid is not None:
        at = line(f.values["id"])
        if not ID.match(qid):
            reader.problem(at, f'id "{qid}" may only use lowercase letters, digits and dashes', where)
        elif qid in seen:
            reader.problem(at, f'id "{qid}" is used twice (first on line {seen[qid]})', where)
        seen.setdefault(qid, at)
    return {"id": qid, "text": text} if qid and text else None


def load_groups(path: Path = CARE_TEAM_QUESTIONS) -> list[dict]:
    """The groups; raises :class:`ContentError` (a ValueError) naming each problem as path:line: message."""
    groups, problems = read_groups(path)
    if groups is None:
        raise ContentError(problems)
    return groups
