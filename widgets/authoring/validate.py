"""Check course content from the command line before it reaches learners.

    python -m widgets.authoring.validate [PATH ...]

Each PATH is a file or a folder (every matching file inside is checked).
With no PATH, every default place is checked: quiz banks in ``assets/quizzes``,
lessons in ``lessons``, and ``assets/references.yaml`` (with the host lists in
``assets/sources.yaml``), ``assets/glossary.yaml``, and Lesson 6's option grid,
``assets/data/decision_aid.yaml``, and care-team questions, ``assets/data/care_team_questions.yaml``.
Prints one ``path:line: message`` line per problem and exits 1, or prints a
short summary and exits 0.  It never shows a traceback: its readers are
clinicians editing YAML, not programmers.

New kinds of check (lesson metadata, say) plug in by adding a :class:`Check`
to :data:`CHECKS`.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from widgets.content import careteam, glossary, offlabel, references
from widgets.content.notebooks import LESSON_GLOB
from widgets.model.bank import (
    REFERENCES_FILE,
    Problem,
    validate_bank,
)

ROOT = Path(__file__).resolve().parents[2]
"""The repository root: the folder holding the ``widgets`` package."""


@dataclass(frozen=True)
class Context:
    """What every check may need besides the file itself."""

    root: Path
    known_refs: Mapping[str, object] | frozenset[str] | None


@dataclass(frozen=True)
class Check:
    """One kind of file the validator knows: where it lives and how to check it."""

    noun: str  # for the summary: "3 banks OK"
    patterns: tuple[str, ...]  # file names this check handles, e.g. ("*.yaml",)
    default_dir: str  # checked when no PATH is given, relative to the root
    run: Callable[[Path, Context], list[Problem]]
    exclude: tuple[str, ...] = ()  # names other checks own, e.g. references.yaml

    def handles(self, path: Path) -> bool:
        if path.name in self.exclude:
            return False
        return any(fnmatch.fnmatch(path.name, p) for p in self.patterns)

    def files_in(self, folder: Path) -> list[Path]:
        return sorted(p for p in folder.iterdir() if p.is_file() and self.handles(p))


def bank_problems(path: Path, known_refs: Collection[str] | None) -> list[Problem]:
    """Everything wrong with one quiz bank: its format, its reference keys and off-label wording."""
    return sorted(validate_bank(path, known_refs) + offlabel.bank_problems(path), key=lambda p: p.line)


def check_bank(path: Path, context: Context) -> list[Problem]:
    """Check one quiz bank, including its reference keys when they are known."""
    return bank_problems(path, context.known_refs)


def check_references(path: Path, context: Context) -> list[Problem]:
    """Check the bibliography (or the host lists) against the primary-source rules."""
    if path.name == "sources.yaml":
        return references.load_hosts(path)[1]
    return references.validate_references(path, _sources_beside(path))


def _sources_beside(path: Path) -> Path:
    """The host lists next to a references file, else the course's own."""
    here = path.parent / "sources.yaml"
    return here if here.is_file() else references.SOURCES


def check_glossary(path: Path, context: Context) -> list[Problem]:
    """Check the glossary's entries, and that each speaks of racemic ketamine only with "off-label"."""
    return glossary.validate(path)


def check_care_team(path: Path, context: Context) -> list[Problem]:
    """Check lesson 7's suggested questions for the care team."""
    return careteam.read_groups(path)[1]


def check_lesson_file(path: Path, context: Context) -> list[Problem]:
    """Check one lesson notebook against the lesson contract (numbers are cell numbers)."""
    from widgets.authoring.contract import check_lesson

    gloss = context.root / "assets" / "glossary.yaml"
    try:
        slugs = {t.slug for t in glossary.load(gloss)} if gloss.is_file() else None
    except Exception:  # the glossary check reports what is wrong with it
        slugs = None
    return check_lesson(path, context.known_refs, quizzes=context.root / "assets" / "quizzes", glossary_slugs=slugs)


def check_decision_aid(path: Path, context: Context) -> list[Problem]:
    """Check Lesson 6's option grid and decision aid (its sources must be known references)."""
    from widgets.model.decision import load_decision_aid

    return load_decision_aid(path, context.known_refs)[1]


OWN_FILES = ("references.yaml", "sources.yaml", "glossary.yaml", "decision_aid.yaml", "care_team_questions.yaml")
CHECKS: list[Check] = [
    Check(noun="bank", patterns=("*.yaml", "*.yml"), default_dir="assets/quizzes", run=check_bank, exclude=OWN_FILES),
    Check(noun="lesson", patterns=(LESSON_GLOB,), default_dir="lessons", run=check_lesson_file),
    Check(noun="reference file", patterns=("references.yaml", "sources.yaml"), default_dir="assets", run=check_references),
    Check(noun="glossary file", patterns=("glossary.yaml",), default_dir="assets", run=check_glossary),
    Check(noun="decision aid file", patterns=("decision_aid.yaml",), default_dir="assets/data", run=check_decision_aid),
    Check(noun="care-team questions file", patterns=("care_team_questions.yaml",), default_dir="assets/data",
          run=check_care_team),
]


def _shown(path: Path) -> Path:
    """A path as the user would type it: relative to where they are, if inside it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def load_context(root: Path) -> tuple[Context, list[Problem]]:
    """Read the shared references; their own problems are reported by their check."""
    refs_file = root / REFERENCES_FILE
    if not refs_file.is_file():
        return Context(root, None), []
    hosts, _ = references.load_hosts(_sources_beside(refs_file))
    entries, problems = references.load_references(_shown(refs_file), hosts)
    unreadable = [p for p in problems if p.message.startswith(("YAML syntax", "the references file", "the file is not UTF-8", "cannot read"))]
    if unreadable:  # no keys to check citations against: say why once
        return Context(root, None), unreadable
    return Context(root, entries), []


def find_targets(
    paths: Sequence[str], root: Path, checks: Sequence[Check]
) -> tuple[list[tuple[Check, Path]], list[Problem]]:
    """Pair each file to check with its check; report paths nothing can check."""
    targets: list[tuple[Check, Path]] = []
    problems: list[Problem] = []
    if not paths:
        for check in checks:
            folder = root / check.default_dir
            if folder.is_dir():
                targets += [(check, _shown(f)) for f in check.files_in(folder)]
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            for check in checks:
                targets += [(check, path / f.name) for f in check.files_in(path)]
        elif not path.exists():
            problems.append(Problem(arg, 1, "no such file or folder"))
        else:
            matching = [c for c in checks if c.handles(path)]
            if not matching:
                kinds = " or ".join(p for c in checks for p in c.patterns)
                problems.append(Problem(arg, 1, f"not a file this tool checks (expected {kinds})"))
            targets += [(c, path) for c in matching]
    unique = list(dict.fromkeys(targets))
    return unique, problems


def _summary(counts: dict[str, int]) -> str:
    shown = {noun: n for noun, n in counts.items() if n} or counts
    parts = [f"{n} {noun}{'' if n == 1 else 's'}" for noun, n in shown.items()]
    return ", ".join(parts) + " OK"


def run(
    paths: Sequence[str], root: Path = ROOT, checks: Sequence[Check] | None = None
) -> tuple[list[Problem], dict[str, int]]:
    """All problems found, plus how many files of each kind were checked."""
    checks = CHECKS if checks is None else checks
    context, problems = load_context(root)
    targets, missing = find_targets(paths, root, checks)
    problems += missing
    counts = {c.noun: 0 for c in checks}
    for check, path in targets:
        counts[check.noun] += 1
        problems += check.run(path, context)
    return list(dict.fromkeys(problems)), counts


def main(argv: Sequence[str] | None = None, *, root: Path = ROOT) -> int:
    """Entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m widgets.authoring.validate",
        description="Check quiz banks and lessons. Prints path:line: message for each problem (for a lesson, the number is the cell number).",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="quiz bank files or folders (default: assets/quizzes)",
    )
    args = parser.parse_args(argv)
    try:
        problems, counts = run(args.paths, root)
    except Exception as exc:  # never a traceback for an author
        print(f"widgets.authoring.validate: could not finish checking ({exc!r})", file=sys.stderr)
        return 1
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'' if len(problems) == 1 else 's'} found", file=sys.stderr)
        return 1
    print(_summary(counts))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
