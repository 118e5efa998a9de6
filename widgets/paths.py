"""Where the course's files live, found from this package, not the cwd."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# COURSE_LESSONS lets tests serve a folder of fixture lessons instead.
LESSONS = Path(os.environ.get("COURSE_LESSONS") or ROOT / "lessons").resolve()
ASSETS = ROOT / "assets"
QUIZZES = ASSETS / "quizzes"
# COURSE_DATA lets tests serve a copy of the figure data with a broken file.
DATA = Path(os.environ.get("COURSE_DATA") or ASSETS / "data").resolve()
REFERENCES = ASSETS / "references.yaml"
GLOSSARY = ASSETS / "glossary.yaml"
# The learner's browser storage: inside each page's <head> and each widget's code.
STORAGE_JS = ROOT / "widgets" / "views" / "storage.js"
