"""make bench: the course server vs a static copy of the same pages, in Chromium, on loopback.

The static copy is each lesson page exactly as the course server sends it,
saved to a file, with the CSS and JavaScript it loads (plotly too) at the
same paths, served by Python's plain ``http.server``.  Its widgets draw
from the state embedded in the page, but its quiz cannot grade.  It is the
floor for these pages: no server can send a file faster than a file server.

Every load is a new browser context (no cache, no cookies).  A small script
in the page notes, on each animation frame, when the first heading
(``#course-main h1``) and the first usable quiz control (visible and enabled
inside ``.cq[data-ready=true]``) are there; times run from the moment the
benchmark asks for the page.

1. First paint, per lesson: one warm-up, then ``BENCH_LOADS`` loads of each
   side, taken in turns; medians.  Target: the course's time to a usable
   quiz is at most 1.5x the static copy's time to its first heading.
   Also bytes and requests per load, requests to other hosts (target 0)
   and console errors (target 0).
2. Memory per open page: the growth in resident memory of the server and
   all its child processes with ``BENCH_OPEN`` lesson pages held open in
   the browser, divided by their number.  Target: at most 1 MB.
3. Burst: ``BENCH_BURST`` browser contexts open lessons at the same moment,
   against the course and against the static copy, ``BENCH_BURST_ROUNDS``
   rounds each in turns (fewer if the run would pass ``BENCH_BUDGET_S``,
   500 s).  Target: the course's p95 time to a usable quiz is at most 1.2x
   the static copy's.  Also where the time went: when the browser started
   each navigation, when the page and its files arrived, and the CPU the
   server used and waited for.

Before each measurement the benchmark waits until its processes are quiet.
Prints a Markdown table, writes bench/results.json and exits 1 if a target
fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import psutil
from playwright.async_api import async_playwright

from bench.net import CourseProcess, free_port, get_bytes, health, tree_cpu, tree_wait, wait_http
from widgets.content.notebooks import lesson_paths

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
LOADS = int(os.environ.get("BENCH_LOADS", "7"))
OPEN = int(os.environ.get("BENCH_OPEN", "20"))
BURST = int(os.environ.get("BENCH_BURST", "30"))
BURST_ROUNDS = int(os.environ.get("BENCH_BURST_ROUNDS", "4"))
HEADING = "#course-main h1"
USABLE = ".cq[data-ready=true] input:enabled, .cq[data-ready=true] button:enabled"
PLOTLY = "/course/vendor/plotly-basic.min.js"
# make bench stops it at 600 s: later burst rounds are left out if they would not fit.
BUDGET_S = float(os.environ.get("BENCH_BUDGET_S", "500"))
STARTED = time.monotonic()
FIRST_PAINT_RATIO = 1.5
BURST_RATIO = 1.2
MB_PER_PAGE = 1.0

# Runs in every page before its own scripts.  On each animation frame (just
# before the browser paints it) it looks for the first heading and the first
# usable quiz control, as Playwright defines "visible": a non-empty box and
# not visibility:hidden.  Date.now() is the same clock as Python's time.time().
MARKS = """
(() => {
  const marks = {};
  Object.defineProperty(window, "__bench", { value: marks });
  const shown = (el) => {
    if (getComputedStyle(el).visibility === "hidden") return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const look = () => {
    if (!marks.heading) {
      const h = document.querySelector(%(heading)s);
      if (h && shown(h)) marks.heading = Date.now();
    }
    if (!marks.usable) {
      for (const el of document.querySelectorAll(%(usable)s)) {
        if (shown(el)) { marks.usable = Date.now(); break; }
      }
    }
    if (!(marks.heading && marks.usable)) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();
""" % {"heading": json.dumps(HEADING), "usable": json.dumps(USABLE)}

# Where the time went, on the same clock as Date.now(): navigation start, the
# page's last byte, and the last of the files it loaded before the quiz was usable.
PHASES = """() => {
  const o = performance.timeOrigin, skew = Date.now() - (o + performance.now());
  const at = (t) => o + t + skew;
  const nav = performance.getEntriesByType("navigation")[0];
  const files = performance.getEntriesByType("resource")
    .filter((e) => /^https?:/.test(e.name) && e.responseEnd > 0 && at(e.responseEnd) <= window.__bench.usable);
  return { nav: at(0), html: at(nav.responseEnd), files: Math.max(at(nav.responseEnd), ...files.map((e) => at(e.responseEnd))) };
}"""

SIZES = """() => {
  const web = (e) => /^https?:/.test(e.name);
  const all = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")].filter(web);
  return { bytes: all.reduce((n, e) => n + (e.transferSize || 0), 0), entries: all.length };
}"""


def lesson_files() -> list[Path]:
    files = lesson_paths(LESSONS)
    wanted = os.environ.get("BENCH_LESSONS", "")
    if wanted:  # e.g. BENCH_LESSONS=01,04
        keep = {w.strip() for w in wanted.split(",") if w.strip()}
        files = [p for p in files if p.name[:2] in keep or p.stem in keep]
    return files


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else 0.0


# ---- the static copy -----------------------------------------------------------

def static_copy(base: str, lessons: list[Path], out: Path) -> dict[str, str]:
    """Save each lesson page as the course server sends it, and every file it loads, under ``out``.

    Returns {lesson stem: path of its copy on the static server}.
    """
    paths, assets = {}, {PLOTLY}
    for lesson in lessons:
        html = get_bytes(f"{base}/voila/render/{lesson.name}")
        rel = f"voila/render/{lesson.stem}.html"
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(html)
        paths[lesson.stem] = "/" + rel
        for m in re.finditer(rb'<(?:script|link)\b[^>]*?\b(?:src|href)="(/[^"/][^"]*)"', html):
            assets.add(m.group(1).decode())
    for path in sorted(assets):
        target = out / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(get_bytes(base + path))
    return paths


class StaticServer:
    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(self.port), "--bind", "127.0.0.1", "--directory", str(folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_http(self.url + "/", timeout=30)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# ---- one page load ------------------------------------------------------------------

class Load:
    """One lesson page in its own browser context, with its timings and network use."""

    def __init__(self, browser, url: str):
        self.browser, self.url = browser, url
        self.host = urlparse(url).netloc
        self.requests = 0
        self.foreign: list[str] = []
        self.failed: list[str] = []
        self.console: list[str] = []
        self.heading_s = self.usable_s = None
        self.nav_s = self.html_s = self.files_s = None  # navigation started, page arrived, files arrived
        self.bytes = 0
        self.error = ""

    async def open(self) -> None:
        self.ctx = await self.browser.new_context()
        await self.ctx.add_init_script(MARKS)
        self.page = await self.ctx.new_page()
        self.page.on("request", self._request)
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        self.page.on("console", lambda m: self.console.append(m.text[:200]) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console.append(f"page error: {e}"[:200]))

    def _request(self, request) -> None:
        parsed = urlparse(request.url)
        if parsed.scheme not in ("http", "https", "ws", "wss"):
            return  # blob: and data: never leave the browser
        self.requests += 1
        if parsed.netloc != self.host:
            self.foreign.append(request.url)

    async def go(self, started: float | None = None, sizes: bool = True) -> "Load":
        """Navigate and wait for the heading and a usable quiz; ``started`` (time.time()) is when
        the learner asked for the page (default: now)."""
        started = time.time() if started is None else started
        try:
            await self.page.goto(self.url, wait_until="commit", timeout=90_000)
            await self.page.wait_for_function("() => window.__bench.heading && window.__bench.usable",
                                              polling=50, timeout=90_000)
            marks = await self.page.evaluate("() => ({...window.__bench})")
            self.heading_s = marks["heading"] / 1000 - started
            self.usable_s = marks["usable"] / 1000 - started
            phases = await self.page.evaluate(PHASES)
            self.nav_s, self.html_s, self.files_s = (phases[k] / 1000 - started for k in ("nav", "html", "files"))
            if sizes:
                try:
                    await self.page.wait_for_load_state("networkidle", timeout=15_000)
                except Exception:  # noqa: BLE001 - count what arrived
                    pass
                self.bytes = (await self.page.evaluate(SIZES))["bytes"]
        except Exception as e:  # noqa: BLE001 - reported as an error of this load
            self.error = str(e).splitlines()[0][:200]
        return self

    async def close(self) -> None:
        await self.ctx.close()


async def load_once(browser, url: str) -> Load:
    load = Load(browser, url)
    await load.open()
    await load.go()
    await load.close()
    return load


# ---- measurements ----------------------------------------------------------------------

async def quiet(limit: float = 20, busy: float = 0.25) -> float:
    """Wait until this benchmark's processes (servers, browser) use under ``busy`` of a core
    over half a second, at most ``limit`` seconds; returns the seconds waited."""
    start = time.monotonic()
    me = psutil.Process()
    while time.monotonic() - start < limit:
        procs = me.children(recursive=True)
        for p in procs:
            try:
                p.cpu_percent(None)
            except psutil.NoSuchProcess:
                pass
        await asyncio.sleep(0.5)
        total = 0.0
        for p in procs:
            try:
                total += p.cpu_percent(None) / 100
            except psutil.NoSuchProcess:
                pass
        if total < busy:
            break
    return round(time.monotonic() - start, 1)


def summarize(loads: list[Load]) -> dict:
    good = [x for x in loads if not x.error]
    usable = [x.usable_s for x in good]
    heading = [x.heading_s for x in good]
    return {
        "loads": len(loads),
        "usable_median_s": round(statistics.median(usable), 3) if usable else None,
        "usable_max_s": round(max(usable), 3) if usable else None,
        "heading_median_s": round(statistics.median(heading), 3) if heading else None,
        "heading_max_s": round(max(heading), 3) if heading else None,
        "kb": round(statistics.median(x.bytes for x in good) / 1024) if good else 0,
        "requests": int(statistics.median(x.requests for x in good)) if good else 0,
        "foreign_requests": sum(len(x.foreign) for x in loads),
        "foreign_samples": sorted({u for x in loads for u in x.foreign})[:5],
        "failed_requests": sum(len(x.failed) for x in loads),
        "console_errors": sum(len(x.console) for x in loads),
        "console_samples": sorted({c for x in loads for c in x.console})[:5],
        "errors": [x.error for x in loads if x.error],
    }


async def first_paint(browser, course: str, static: str, lessons: list[Path], copies: dict) -> dict:
    out = {}
    for lesson in lessons:
        urls = {"course": f"{course}/voila/render/{lesson.name}", "static": static + copies[lesson.stem]}
        loads: dict[str, list[Load]] = {"course": [], "static": []}
        for i in range(LOADS + 1):
            for side in (("course", "static") if i % 2 else ("static", "course")):
                await quiet(limit=5)
                load = await load_once(browser, urls[side])
                if i:  # the first round is the warm-up
                    loads[side].append(load)
        row = {side: summarize(v) for side, v in loads.items()}
        c, s = row["course"]["usable_median_s"], row["static"]["heading_median_s"]
        row["ratio_course_usable_over_static_heading"] = round(c / s, 2) if c and s else None
        su = row["static"]["usable_median_s"]  # the static copy draws the same quiz, from the same state
        row["ratio_static_usable_over_static_heading"] = round(su / s, 2) if su and s else None
        out[lesson.stem] = row
        print(f"  first paint {lesson.stem}: course quiz {c} s, static heading {s} s", file=sys.stderr, flush=True)
    return out


async def memory(browser, server: CourseProcess, urls: list[str]) -> dict:
    """Server memory growth with OPEN lesson pages held open."""
    await quiet()
    before = server.rss()
    opened = []
    for i in range(OPEN):
        load = Load(browser, urls[i % len(urls)])
        await load.open()
        await load.go(sizes=False)
        opened.append(load)
    await asyncio.sleep(2)
    await quiet()
    held = server.rss()
    errors = [x.error for x in opened if x.error]
    for load in opened:
        await load.close()
    await asyncio.sleep(1)
    after = server.rss()
    growth = (held - before) / 2**20
    return {"pages": OPEN, "server_mb_before": round(before / 2**20, 1), "server_mb_open": round(held / 2**20, 1),
            "server_mb_after_close": round(after / 2**20, 1), "mb_per_page": round(growth / OPEN, 3),
            "processes": 1 + len(psutil.Process(server.pid).children(recursive=True)), "errors": errors,
            "foreign_requests": sum(len(x.foreign) for x in opened), "console_errors": sum(len(x.console) for x in opened)}


async def burst_once(browser, urls: list[str], server_pid: int) -> tuple[list[Load], float, float]:
    """One burst; returns its loads, and the seconds the server used a CPU and waited for one."""
    loads = [Load(browser, urls[i % len(urls)]) for i in range(BURST)]
    for load in loads:
        await load.open()
    await quiet(limit=10)
    cpu, wait = tree_cpu(server_pid), tree_wait(server_pid)
    started = time.time()
    await asyncio.gather(*(load.go(started, sizes=False) for load in loads))
    cpu, wait = tree_cpu(server_pid) - cpu, tree_wait(server_pid) - wait
    for load in loads:
        await load.close()
    return loads, cpu, wait


async def bursts(browser, sides: dict[str, tuple[list[str], int]]) -> dict:
    """``sides``: {name: (urls, server pid)}; the sides take turns, the first side going first in even rounds."""
    runs: dict[str, list[list[Load]]] = {side: [] for side in sides}
    cpu: dict[str, float] = {side: 0.0 for side in sides}
    wait: dict[str, float] = {side: 0.0 for side in sides}
    names = list(sides)
    round_s = 0.0
    for r in range(BURST_ROUNDS):
        round_started = time.monotonic()
        if r and round_started - STARTED + round_s * 1.2 > BUDGET_S:
            print(f"  burst: {r} rounds of {BURST_ROUNDS}, to stay within {BUDGET_S:.0f} s", file=sys.stderr)
            break
        for side in (names if r % 2 == 0 else names[::-1]):
            loads, used, waited = await burst_once(browser, *sides[side])
            runs[side].append(loads)
            cpu[side] += used
            wait[side] += waited
        round_s = time.monotonic() - round_started
    out = {}
    for side, rounds in runs.items():
        every = [x for rnd in rounds for x in rnd]
        good = [x for x in every if not x.error]
        usable = [x.usable_s for x in good]

        def q(attr: str, p: float, good: list[Load] = good) -> float:
            return round(pct([getattr(x, attr) for x in good], p), 3)

        out[side] = {
            "pages_at_once": BURST, "rounds": len(rounds), "samples": len(usable),
            "usable_p50_s": round(pct(usable, 0.5), 3), "usable_p95_s": round(pct(usable, 0.95), 3),
            "usable_max_s": round(max(usable), 3) if usable else None,
            "p95_each_round_s": [round(pct([x.usable_s for x in rnd if not x.error], 0.95), 3) for rnd in rounds],
            # Where the time went (p50 / p95): the browser starting each navigation, the page
            # arriving, the files it loads arriving; and the server's CPU over all its bursts.
            "navigation_started_p50_p95_s": [q("nav_s", 0.5), q("nav_s", 0.95)],
            "page_arrived_p50_p95_s": [q("html_s", 0.5), q("html_s", 0.95)],
            "files_arrived_p50_p95_s": [q("files_s", 0.5), q("files_s", 0.95)],
            "server_cpu_s": round(cpu[side], 2),
            "server_cpu_wait_s": round(wait[side], 2),  # runnable, waiting for a core (live threads only)
            "foreign_requests": sum(len(x.foreign) for x in every),
            "console_errors": sum(len(x.console) for x in every),
            "console_samples": sorted({c for x in every for c in x.console})[:5],
            "errors": [x.error for x in every if x.error],
        }
    c, s = out["course"]["usable_p95_s"], out["static"]["usable_p95_s"]
    out["ratio_p95_course_over_static"] = round(c / s, 2) if s else None
    return out


async def main_async() -> dict:
    lessons = lesson_files()
    tmp = Path(tempfile.mkdtemp(prefix="bench-static-"))
    server = static = None
    try:
        server = CourseProcess(ROOT, "bench", frozen=True)
        start_health = health(server.url)
        log_start = Path(server.log).stat().st_size
        copies = static_copy(server.url, lessons, tmp)
        static = StaticServer(tmp)
        out: dict = {"content_version": start_health.get("version", ""), "lessons_measured": [p.stem for p in lessons]}
        course_urls = [f"{server.url}/voila/render/{p.name}" for p in lessons]
        static_urls = [static.url + copies[p.stem] for p in lessons]
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            phase = {"start": round(time.monotonic() - STARTED)}
            t = time.monotonic()
            out["first_paint"] = await first_paint(browser, server.url, static.url, lessons, copies)
            phase["first_paint"], t = round(time.monotonic() - t), time.monotonic()
            out["memory"] = await memory(browser, server, course_urls)
            phase["memory"], t = round(time.monotonic() - t), time.monotonic()
            print(f"  memory: {out['memory']['mb_per_page']} MB per open page", file=sys.stderr, flush=True)
            out["burst"] = await bursts(browser, {"course": (course_urls, server.pid),
                                                  "static": (static_urls, static.proc.pid)})
            phase["burst"] = round(time.monotonic() - t)
            out["phase_seconds"] = phase
            await browser.close()
        end_version = health(server.url).get("version", "")
        log = Path(server.log).read_text(errors="replace")[log_start:]
        out["renders_during_run"] = log.count("Rendered ")
        out["content_changed"] = end_version != out["content_version"] or out["renders_during_run"] > 0
        out["server_log"] = server.log
        return out
    finally:
        if static:
            static.stop()
        if server:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


# ---- the report -----------------------------------------------------------------------------

def checks(res: dict) -> list[dict]:
    rows = []
    fp = res["first_paint"]
    for lesson, row in fp.items():
        c, s = row["course"], row["static"]
        ratio = row["ratio_course_usable_over_static_heading"]
        rows.append((f"First paint {lesson}: course quiz usable / static heading (median s)",
                     f"{c['usable_median_s']} / {s['heading_median_s']} = {ratio}x",
                     f"<= {FIRST_PAINT_RATIO}x", ratio is not None and ratio <= FIRST_PAINT_RATIO))
    errors = sum(len(r[side]["errors"]) for r in fp.values() for side in ("course", "static"))
    rows.append(("First paint: failed loads (course + static)", errors, "0", errors == 0))
    m = res["memory"]
    rows.append((f"Memory per open page ({m['pages']} held open; server + children)",
                 f"{m['mb_per_page']} MB ({m['server_mb_before']} -> {m['server_mb_open']} MB)",
                 f"<= {MB_PER_PAGE} MB", m["mb_per_page"] <= MB_PER_PAGE and not m["errors"]))
    b = res["burst"]
    rows.append((f"Burst: {b['course']['pages_at_once']} pages at once, p95 to usable quiz, course / static (s)",
                 f"{b['course']['usable_p95_s']} / {b['static']['usable_p95_s']} = {b['ratio_p95_course_over_static']}x",
                 f"<= {BURST_RATIO}x",
                 b["ratio_p95_course_over_static"] is not None and b["ratio_p95_course_over_static"] <= BURST_RATIO))
    rows.append(("Burst: p50 to usable quiz, course / static (s)",
                 f"{b['course']['usable_p50_s']} / {b['static']['usable_p50_s']}", "", None))
    for label, key in (("browser started navigating", "navigation_started_p50_p95_s"),
                       ("page arrived", "page_arrived_p50_p95_s"), ("its files arrived", "files_arrived_p50_p95_s")):
        rows.append((f"Burst: {label}, p50 / p95, course vs static (s)",
                     " / ".join(map(str, b["course"][key])) + " vs " + " / ".join(map(str, b["static"][key])), "", None))
    rows.append(("Burst: server CPU s used, course vs static; course server's wait for a CPU (s)",
                 f"{b['course']['server_cpu_s']} vs {b['static']['server_cpu_s']}; {b['course']['server_cpu_wait_s']}",
                 "", None))
    rows.append(("Burst: failed loads (course + static)", len(b["course"]["errors"]) + len(b["static"]["errors"]), "0",
                 not b["course"]["errors"] and not b["static"]["errors"]))
    foreign = (sum(r["course"]["foreign_requests"] for r in fp.values()) + b["course"]["foreign_requests"]
               + m["foreign_requests"])
    rows.append(("Requests to other hosts (course, every load)", foreign, "0", foreign == 0))
    console = sum(r["course"]["console_errors"] for r in fp.values()) + b["course"]["console_errors"] + m["console_errors"]
    rows.append(("Console errors (course, every load)", console, "0", console == 0))
    static_console = sum(r["static"]["console_errors"] for r in fp.values()) + b["static"]["console_errors"]
    rows.append(("Console errors (static copy, every load)", static_console, "", None))
    if res.get("content_changed"):
        rows.append(("Lessons re-rendered during the run (content changed): times are not comparable",
                     res["renders_during_run"], "0", False))
    return [{"measure": m_, "figure": v, "target": t, "ok": ok} for m_, v, t, ok in rows]


def table(res: dict) -> str:
    lines = ["| Lesson | Side | Usable quiz, median s (max) | First heading, median s (max) | "
             "Usable quiz / static heading | KB | Requests |",
             "|---|---|---|---|---|---|---|"]
    for lesson, row in res["first_paint"].items():
        for side in ("course", "static"):
            m = row[side]
            ratio = row[f"ratio_{side}_usable_over_static_heading"]
            lines.append(f"| {lesson} | {side} | {m['usable_median_s']} ({m['usable_max_s']}) | "
                         f"{m['heading_median_s']} ({m['heading_max_s']}) | {ratio}x | {m['kb']} | {m['requests']} |")
    lines += ["", "| Measure | Figure | Target | Result |", "|---|---|---|---|"]
    for r in res["checks"]:
        result = "—" if r["ok"] is None else ("pass" if r["ok"] else "**FAIL**")
        lines.append(f"| {r['measure']} | {r['figure']} | {r['target'] or '—'} | {result} |")
    return "\n".join(lines)


def main() -> int:
    started = time.monotonic()
    res = asyncio.run(main_async())
    res["machine"] = {"cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30),
                      "python": platform.python_version(), "platform": platform.platform(),
                      "loads_per_lesson": LOADS, "date": time.strftime("%Y-%m-%d")}
    res["seconds"] = round(time.monotonic() - started)
    res["checks"] = checks(res)
    log = res.pop("server_log")
    (ROOT / "bench" / "results.json").write_text(json.dumps(res, indent=2) + "\n")
    print(table(res))
    failed = [r for r in res["checks"] if r["ok"] is False]
    for r in failed:
        print(f"FAILED: {r['measure']}: {r['figure']} (target {r['target']})")
    samples = {s for row in res["first_paint"].values() for side in row.values() if isinstance(side, dict)
               for s in side.get("console_samples", []) + side.get("foreign_samples", []) + side.get("errors", [])}
    for s in sorted(samples)[:10]:
        print("  seen:", s)
    print(f"\n{res['machine']}; took {res['seconds']} s ({res['phase_seconds']}); server log {log}; "
          "wrote bench/results.json")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
