"""``make lighthouse``: Lighthouse 12 (npm) scores for every page, in Debian's Chromium.

Accessibility, best practices and SEO, each 0-100, on the landing page, the
glossary, the key points and every lesson, with the phone settings Lighthouse
uses by default.  Lighthouse 13 needs Node 22; this machine has Node 20, so
bench/lighthouse/package.json pins 12.x.  Loopback only; it stops by itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.audit import ROOT, pages
from bench.net import course_server

LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("accessibility", "best-practices", "seo")


def score(url: str, out: Path) -> dict[str, int]:
    env = dict(os.environ, CHROME_PATH="/usr/bin/chromium")
    subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
         f"--only-categories={','.join(CATEGORIES)}",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
        check=True, env=env, timeout=240,
    )
    report = json.loads(out.read_text())
    result = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    result["failing"] = sorted(
        a for c in CATEGORIES for ref in report["categories"][c]["auditRefs"]
        if ref.get("weight") and (a := ref["id"]) and report["audits"][a].get("score") not in (None, 1)
    )
    return result


def main() -> int:
    if not LIGHTHOUSE.exists():
        print("Lighthouse is not installed: run `npm ci --prefix bench/lighthouse` (make lighthouse does it).")
        return 2
    rows = []
    with course_server(ROOT, "lighthouse") as base, tempfile.TemporaryDirectory() as tmp:
        for path in pages():
            rows.append((path, score(base + path, Path(tmp) / "report.json")))
    print(f"{'Page':<46}  Accessibility  Best practices  SEO  Not passed")
    bad = 0
    for path, r in rows:
        print(f"{path:<46}  {r['accessibility']:>13}  {r['best-practices']:>14}  {r['seo']:>3}  {', '.join(r['failing']) or '-'}")
        bad += any(r[c] < 100 for c in CATEGORIES)
    print("\nEvery page scores 100." if not bad else f"\n{bad} page(s) below 100.")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
