"""make bench: the course vs stock Voila vs a static export, on loopback.

For each measured lesson: time from navigation to the first quiz control
being usable (visible and enabled inside a quiz marked data-ready), over
several loads each in a new browser context (warm-up excluded); bytes and
requests per load; requests to other hosts; kernel memory per open page and
server memory.  Then 10 learners opening lessons at once.  The static export
has no kernel, so its time is to the load event: the floor for these pages.
Before each side is measured, the benchmark waits until no server is busy
(pool refills, kernel shutdowns), so neither side pays for the other's work.
Writes bench/results.json and prints a table.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
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

from bench.net import free_port, wait_http

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
LOADS = int(os.environ.get("BENCH_LOADS", "7"))
CONCURRENT = int(os.environ.get("BENCH_CONCURRENT", "10"))
USABLE = ".cq[data-ready=true] input:enabled, .cq[data-ready=true] button:enabled"


class Server:
    def __init__(self, name: str, cmd: list[str], url: str, cwd: Path, env=None):
        self.name, self.url = name, url
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        wait_http(url + "/", timeout=180)

    def memory(self) -> tuple[float, float, int]:
        """(server MB, kernels MB, kernel count)."""
        try:
            me = psutil.Process(self.proc.pid)
            kids = me.children(recursive=True)
        except psutil.NoSuchProcess:
            return 0.0, 0.0, 0
        kernels = [k for k in kids if "ipykernel" in " ".join(k.cmdline())]
        mb = lambda ps: sum(p.memory_info().rss for p in ps) / 2**20  # noqa: E731
        return mb([me]), mb(kernels), len(kernels)

    def busy(self) -> float:
        """CPU use of the server and its kernels over half a second (1.0 = one core)."""
        try:
            procs = [psutil.Process(self.proc.pid)]
            procs += procs[0].children(recursive=True)
        except psutil.NoSuchProcess:
            return 0.0
        total = 0.0
        for p in procs:
            try:
                p.cpu_percent(None)
            except psutil.NoSuchProcess:
                pass
        time.sleep(0.5)
        for p in procs:
            try:
                total += p.cpu_percent(None) / 100
            except psutil.NoSuchProcess:
                pass
        return total

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def pick_lessons() -> list[Path]:
    files = sorted(LESSONS.glob("[0-9][0-9]-*.ipynb"))
    heaviest = max(files, key=lambda p: p.stat().st_size)
    chosen = [files[0], files[min(1, len(files) - 1)], heaviest]
    return list(dict.fromkeys(chosen))


def static_export(lessons: list[Path], out: Path) -> None:
    for p in lessons:
        subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--output-dir", str(out), str(p)],
                       check=True, capture_output=True)


async def load(browser, url: str, static: bool):
    ctx = await browser.new_context()
    page = await ctx.new_page()
    host = urlparse(url).netloc
    stats = {"bytes": 0, "requests": 0, "foreign": 0}

    async def finished(req):
        stats["requests"] += 1
        if urlparse(req.url).netloc not in (host, ""):
            stats["foreign"] += 1
        try:
            sizes = await req.sizes()
            stats["bytes"] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        except Exception:  # noqa: BLE001 - a failed request has no sizes
            pass

    page.on("requestfinished", lambda r: asyncio.ensure_future(finished(r)))
    page.on("requestfailed", lambda r: stats.__setitem__("foreign", stats["foreign"] + (urlparse(r.url).netloc != host)))
    start = time.monotonic()
    error = None
    try:
        await page.goto(url, wait_until="load", timeout=90_000)
        if not static:
            await page.wait_for_selector(USABLE, state="visible", timeout=90_000)
    except Exception as e:  # noqa: BLE001 - counted as an error in the report
        error = str(e).splitlines()[0]
    took = time.monotonic() - start
    await page.wait_for_timeout(300)
    return ctx, took, stats, error


def settle(servers: dict, limit: float = 45) -> None:
    """Wait until no server is still busy (refilling kernel pools, shutting kernels
    down) so that one side's leftover work never slows the other side's run."""
    end = time.monotonic() + limit
    while time.monotonic() < end and any(s.busy() > 0.15 for s in servers.values()):
        pass


async def measure(browser, server: Server, path: str, static: bool) -> dict:
    times, stats, errors = [], [], []
    for i in range(LOADS + 1):
        ctx, took, st, err = await load(browser, server.url + path, static)
        await ctx.close()
        if i == 0:
            continue  # warm-up
        times.append(took)
        stats.append(st)
        if err:
            errors.append(err)
    # memory with 2 pages open at once
    opened = []
    for _ in range(2):
        ctx, *_ = await load(browser, server.url + path, static)
        opened.append(ctx)
    server_mb, kernels_mb, kernels = server.memory()
    for ctx in opened:
        await ctx.close()
    times.sort()
    return {
        "median_s": round(statistics.median(times), 2),
        "p95_s": round(times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))], 2),
        "bytes": int(statistics.median(s["bytes"] for s in stats)),
        "requests": int(statistics.median(s["requests"] for s in stats)),
        "foreign_requests": max(s["foreign"] for s in stats),
        "kernel_mb_per_page": round(kernels_mb / kernels, 1) if kernels else 0.0,
        "server_mb": round(server_mb, 1),
        "errors": errors,
    }


async def concurrency(browser, server: Server, paths: list[str]) -> dict:
    urls = [server.url + paths[i % len(paths)] for i in range(CONCURRENT)]
    results = await asyncio.gather(*(load(browser, u, False) for u in urls))
    times = sorted(r[1] for r in results)
    for ctx, *_ in results:
        await ctx.close()
    errors = [r[3] for r in results if r[3]]
    return {"learners": CONCURRENT, "median_s": round(statistics.median(times), 2),
            "p95_s": round(times[int(round(0.95 * (len(times) - 1)))], 2), "errors": errors}


async def main_async() -> dict:
    lessons = pick_lessons()
    paths = [f"/voila/render/{p.name}" for p in lessons]
    tmp = Path(tempfile.mkdtemp(prefix="bench-static-"))
    static_export(lessons, tmp)
    py = sys.executable
    env = dict(os.environ)
    servers = {}
    try:
        servers["course"] = Server("course", [py, "-m", "widgets.serve", "--port", str(p := free_port())],
                                   f"http://127.0.0.1:{p}", ROOT, env)
        servers["stock"] = Server("stock", [py, "-m", "voila", "--no-browser", f"--port={(q := free_port())}",
                                            "--Voila.ip=127.0.0.1", str(LESSONS)], f"http://127.0.0.1:{q}", ROOT, env)
        servers["static"] = Server("static", [py, "-m", "http.server", str(r := free_port()), "--bind", "127.0.0.1",
                                              "--directory", str(tmp)], f"http://127.0.0.1:{r}", ROOT, env)
        out: dict = {"lessons": {}, "concurrency": {}}
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for lesson, path in zip(lessons, paths):
                row = {}
                for name in ("course", "stock"):
                    settle(servers)
                    row[name] = await measure(browser, servers[name], path, static=False)
                settle(servers)
                row["static"] = await measure(browser, servers["static"], f"/{lesson.stem}.html", static=True)
                out["lessons"][lesson.stem] = row
                print(f"measured {lesson.stem}", file=sys.stderr, flush=True)
            for name in ("course", "stock"):
                settle(servers)
                out["concurrency"][name] = await concurrency(browser, servers[name], paths)
            await browser.close()
        return out
    finally:
        for s in servers.values():
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def table(res: dict) -> str:
    lines = ["| Lesson | Server | Median s | p95 s | KB | Requests | Other hosts | Kernel MB/page | Server MB |",
             "|---|---|---|---|---|---|---|---|---|"]
    for lesson, row in res["lessons"].items():
        for name, m in row.items():
            lines.append(f"| {lesson} | {name} | {m['median_s']} | {m['p95_s']} | {m['bytes'] // 1024} | "
                         f"{m['requests']} | {m['foreign_requests']} | {m['kernel_mb_per_page']} | {m['server_mb']} |")
    lines += ["", "| Ratio | " + " | ".join(res["lessons"]) + " |", "|---|" + "---|" * len(res["lessons"])]
    r = {k: v for k, v in res["ratios"].items() if k != "concurrency_p95_course_over_stock"}
    for key in ("time_course_over_stock", "time_course_over_static", "bytes_course_over_stock"):
        lines.append(f"| {key} | " + " | ".join(str(r[key][lesson]) for lesson in res["lessons"]) + " |")
    c = res["concurrency"]
    lines += ["", f"Concurrency ({c['course']['learners']} learners at once): course median {c['course']['median_s']} s, "
              f"p95 {c['course']['p95_s']} s, errors {len(c['course']['errors'])}; stock median {c['stock']['median_s']} s, "
              f"p95 {c['stock']['p95_s']} s, errors {len(c['stock']['errors'])}; "
              f"p95 ratio {res['ratios']['concurrency_p95_course_over_stock']}"]
    return "\n".join(lines)


def main() -> int:
    started = time.monotonic()
    res = asyncio.run(main_async())
    L = res["lessons"]
    res["ratios"] = {
        "time_course_over_stock": {k: round(v["course"]["median_s"] / v["stock"]["median_s"], 2) for k, v in L.items()},
        "time_course_over_static": {k: round(v["course"]["median_s"] / v["static"]["median_s"], 2) for k, v in L.items()},
        "bytes_course_over_stock": {k: round(v["course"]["bytes"] / v["stock"]["bytes"], 3) for k, v in L.items()},
        "concurrency_p95_course_over_stock": round(res["concurrency"]["course"]["p95_s"] / res["concurrency"]["stock"]["p95_s"], 2),
    }
    res["machine"] = {"cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30),
                      "python": platform.python_version(), "platform": platform.platform(),
                      "loads_per_lesson": LOADS, "date": time.strftime("%Y-%m-%d")}
    res["seconds"] = round(time.monotonic() - started)
    (ROOT / "bench" / "results.json").write_text(json.dumps(res, indent=2) + "\n")
    print(table(res))
    print(f"\n{res['machine']}; took {res['seconds']} s; wrote bench/results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
