"""``make check``: fast content checks with a per-lesson table, for educators.

For each lesson: quiz bank valid, references cited and listed, reading grade
of core text and safety boxes against their limits, safe-messaging lint,
contract elements, review date, and notebook hygiene.  Problems follow the
table, one per line as ``path:line: message`` (for a lesson, the cell number).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from widgets.authoring import contract
from widgets.authoring.measures import CORE_LIMIT, SAFETY_LIMIT
from widgets.authoring.nbcheck import check_notebook
from widgets.authoring.readability import plain_text, reading_grade
from widgets.authoring.validate import bank_problems
from widgets.content import glossary
from widgets.content import references as bibliography
from widgets.content.notebooks import lesson_paths
from widgets.paths import GLOSSARY, QUIZZES, REFERENCES, ROOT


@dataclass
class Row:
    lesson: str
    bank: str
    refs: str
    words: str
    core: str
    safety: str
    problems: int


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _key(problem) -> str:
    """The reference key a bibliography problem is about ("" for the file itself)."""
    return problem.message.split('"')[1] if problem.message.startswith('reference "') else ""


def check(lesson_paths: list[Path], whole_course: bool = True) -> tuple[list[Row], list[str]]:
    """Check lessons; ``whole_course`` adds the bibliography's and glossary's own problems,
    otherwise only those of references the given lessons cite."""
    refs, ref_problems = bibliography.load_references(REFERENCES) if REFERENCES.exists() else (None, [])
    by_key: dict[str, int] = {}
    for p in ref_problems:
        by_key[_key(p)] = by_key.get(_key(p), 0) + 1
    cited: set[str] = set()
    try:
        slugs = {t.slug for t in glossary.load()} if GLOSSARY.exists() else None
    except Exception:  # reported below by the glossary check
        slugs = None
    rows, lines = [], []
    for path in lesson_paths:
        found = []
        bank = QUIZZES / f"{path.stem}.yaml"
        problems_in_bank = bank_problems(bank, refs) if bank.exists() else []
        found += [str(p).replace(str(bank), _shown(bank)) for p in problems_in_bank]
        found += [_relabel(p, path) for p in contract.check_lesson(path, refs, glossary_slugs=slugs)]
        found += [_relabel(p, path) for p in check_notebook(path)]
        core_txt = safety_txt = ""
        words = "–"
        listed: list[str] = []
        try:
            doc = contract.read_lesson(path)
            listed = [key for _, key, _ in doc.reference_list()]
            cited.update(listed)
            core_txt, safety_txt = plain_text(contract.core_text(doc)), plain_text(contract.safety_text(doc))
            n, limit = contract.core_words(doc), contract.word_limit(doc)
            words = f"{n}/{limit} {'OK' if n <= limit else 'TOO LONG'}"
        except (OSError, ValueError):
            pass
        core = reading_grade(core_txt).fk if core_txt else None
        safety = reading_grade(safety_txt).fk if safety_txt else None
        if core is not None and core > CORE_LIMIT:
            found.append(f"{_shown(path)}:1: core text reads at grade {core}; the limit is {CORE_LIMIT:g}: use shorter sentences and everyday words")
        if safety is not None and safety > SAFETY_LIMIT:
            found.append(f"{_shown(path)}:1: safety boxes read at grade {safety}; the limit is {SAFETY_LIMIT:g}")
        weak = sum(1 for key in listed if by_key.get(key))
        rows.append(Row(
            path.stem,
            "missing" if not bank.exists() else ("OK" if not problems_in_bank else f"{len(problems_in_bank)} problem(s)"),
            f"{len(listed)} OK" if not weak else f"{weak} of {len(listed)} weak",
            words,
            "–" if core is None else f"{core:.1f} {'OK' if core <= CORE_LIMIT else 'TOO HIGH'}",
            "–" if safety is None else f"{safety:.1f} {'OK' if safety <= SAFETY_LIMIT else 'TOO HIGH'}",
            len(found),
        ))
        lines += found
    lines += [_relabel(p, REFERENCES) for p in ref_problems if whole_course or _key(p) in cited or not _key(p)]
    if whole_course and GLOSSARY.exists():
        lines += [_relabel(p, GLOSSARY) for p in glossary.validate(GLOSSARY)]
    return rows, lines


def _relabel(problem, path: Path) -> str:
    return f"{_shown(path)}:{problem.line}: {problem.message}"


def table(rows: list[Row]) -> str:
    head = ("Lesson", "Quiz bank", "References", "Core words", f"Core grade (≤{CORE_LIMIT:g})", f"Safety grade (≤{SAFETY_LIMIT:g})", "Problems")
    data = [head] + [(r.lesson, r.bank, r.refs, r.words, r.core, r.safety, str(r.problems)) for r in rows]
    widths = [max(len(row[i]) for row in data) for i in range(len(head))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*row) for row in data[1:]]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or lesson_paths()
    rows, lines = check(paths, whole_course=not args)
    print(table(rows))
    print()
    for line in lines:
        print(line)
    print(f"{len(lines)} problem{'s' if len(lines) != 1 else ''} found" if lines else "All checks passed.")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
