"""One rule for off-label labelling, used for lessons, quiz banks and the glossary.

Racemic ketamine (infusions, IV, oral, compounded or at-home products) is not
approved for depression anywhere. Any lesson cell, quiz question or glossary
entry that speaks of it must say "off-label" in that same cell, question or entry.
"""

from __future__ import annotations

import re

_PRODUCT = (
    r"(?:IV|intravenous(?:ly)?|infusions?|drips?|oral(?:ly)?(?! antidepressants?)|by mouth|pills?|tablets?|"
    r"lozenges?|troches?|sublingual(?:ly)?|under the tongue|compounded|at[- ]home|home use|"
    r"intramuscular|injections?|racemic|clinics?|KARMA-Dep|KetECT|ELEKT-D|midazolam|ECT)"
)
_NEAR = r"[^.!?\n]{0,60}?"
TOPIC = re.compile(
    rf"\bketamine\b{_NEAR}\b{_PRODUCT}\b|\b{_PRODUCT}\b{_NEAR}\bketamine\b|\bracemic\b",
    re.I,
)
LABELLED = re.compile(r"\boff-label\b", re.I)


def unlabelled(text: str) -> str | None:
    """The first phrase about racemic ketamine, if ``text`` never says "off-label"."""
    if LABELLED.search(text):
        return None
    m = TOPIC.search(text)
    return " ".join(m.group(0).split()) if m else None


def message(phrase: str) -> str:
    return f'speaks of racemic ketamine ("{phrase}") without saying "off-label" in the same place'


# -- quiz banks (the glossary's check is widgets.content.glossary.validate) --

def _strings(node) -> list[str]:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return [str(node.value)]
    if isinstance(node, yaml.SequenceNode):
        return [s for n in node.value for s in _strings(n)]
    if isinstance(node, yaml.MappingNode):
        return [s for k, v in node.value if str(k.value) not in ("id", "refs", "type") for s in _strings(v)]
    return []


def _compose(path):
    import yaml

    from widgets.content.yamlfile import parse

    try:
        return parse(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, yaml.YAMLError):
        return None  # the file's own validator reports why it cannot be read


def bank_problems(path) -> list:
    """Each quiz question (prompt, options, explanations) that needs "off-label"."""
    import yaml

    from widgets.content.yamlfile import Problem

    root = _compose(path)
    if not isinstance(root, yaml.MappingNode):
        return []
    out = []
    for k, v in root.value:
        if str(k.value) not in ("questions", "more_practice") or not isinstance(v, yaml.SequenceNode):
            continue
        for number, q in enumerate(v.value, start=1):
            if not isinstance(q, yaml.MappingNode):
                continue
            qid = next((str(b.value) for a, b in q.value if str(a.value) == "id" and isinstance(b, yaml.ScalarNode)), str(number))
            phrase = unlabelled("\n".join(_strings(q)))
            if phrase:
                out.append(Problem(str(path), q.start_mark.line + 1, f'question "{qid}": {message(phrase)}'))
    return out
