"""make stress: many learners at once, then many abandoned tabs, on loopback.

Phase 1 (learners): each simulated learner loads a lesson page, opens its
kernel websocket, fetches the widget states and checks quiz answers through
the widget protocol, reading every reply; then closes the tab (the shutdown
beacon) and starts another lesson, until the time is up.

Phase 2 (abandoned tabs): page views whose tabs go away without the beacon
(a crashed tab, a lost connection).  Their kernels must be culled within the
cull window, until only the preheated pools and the pages still open remain,
and the server's memory must come back to within 20% of where it started.

Prints a report and writes bench/stress.json.  ``python -m bench.stress
--quick`` is the short version the test suite runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from bench.learner import Learner
from bench.net import free_port

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(p.name for p in (ROOT / "lessons").glob("[0-9][0-9]-*.ipynb"))


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 3)


class Watch:
    """Samples the server: its memory, and how many kernels it has."""

    def __init__(self, pid: int):
        self.proc = psutil.Process(pid)
        self.peak_kernels = 0
        self.peak_mb = 0.0

    def kernels(self) -> int:
        try:
            kids = self.proc.children(recursive=True)
        except psutil.NoSuchProcess:
            return 0
        count = 0
        for k in kids:
            try:
                count += "ipykernel" in " ".join(k.cmdline())
            except psutil.NoSuchProcess:
                pass
        return count

    def mb(self) -> float:
        return self.proc.memory_info().rss / 2**20

    def sample(self) -> tuple[int, float]:
        k, m = self.kernels(), self.mb()
        self.peak_kernels = max(self.peak_kernels, k)
        self.peak_mb = max(self.peak_mb, m)
        return k, m

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.sample()
            await asyncio.sleep(0.5)


async def one_learner(url: str, n: int, until: float, stats: dict, answers_per_page: int) -> None:
    i = n
    while time.monotonic() < until:
        lesson = LESSONS[i % len(LESSONS)]
        i += 1
        learner = Learner(url)
        try:
            stats["page_s"].append(await learner.load(f"/voila/render/{lesson}"))
            await learner.connect()
            await learner.request_states()
            for took, reply in await learner.answer_quiz(answers_per_page):
                stats["answers"] += 1
                if reply is None or reply.get("kind") != "check":
                    stats["errors"].append(f"{lesson}: bad reply {reply!r}"[:200])
                else:
                    stats["answer_s"].append(took)
            if learner.tracebacks():
                stats["errors"].append(f"{lesson}: traceback sent to the page")
        except Exception as e:  # noqa: BLE001 - every failure is counted and reported
            stats["errors"].append(f"{lesson}: {type(e).__name__}: {e}"[:200])
        finally:
            learner.close()
            if learner.kernel_id:
                code = await learner.beacon()
                if code != 204:
                    stats["errors"].append(f"{lesson}: shutdown beacon answered {code}")
            stats["requests"] += learner.requests


async def learners_phase(url: str, count: int, seconds: float, watch: Watch, answers_per_page: int) -> dict:
    stats = {"page_s": [], "answer_s": [], "errors": [], "requests": 0, "answers": 0}
    stop = asyncio.Event()
    sampler = asyncio.ensure_future(watch.run(stop))
    until = time.monotonic() + seconds
    started = time.monotonic()
    await asyncio.gather(*(one_learner(url, n, until, stats, answers_per_page) for n in range(count)))
    stop.set()
    await sampler
    return {
        "learners": count,
        "seconds": round(time.monotonic() - started, 1),
        "pages": len(stats["page_s"]),
        "answers_checked": stats["answers"],
        "requests": stats["requests"],
        "errors": len(stats["errors"]),
        "error_samples": stats["errors"][:10],
        "page_median_s": pct(stats["page_s"], 0.5),
        "page_p95_s": pct(stats["page_s"], 0.95),
        "answer_median_s": pct(stats["answer_s"], 0.5),
        "answer_p95_s": pct(stats["answer_s"], 0.95),
        "peak_kernels": watch.peak_kernels,
        "peak_server_mb": round(watch.peak_mb, 1),
    }


async def abandon(url: str, lesson: str, errors: list) -> None:
    learner = Learner(url)
    try:
        await learner.load(f"/voila/render/{lesson}")
        await learner.connect()
        await learner.request_states()
    except Exception as e:  # noqa: BLE001
        errors.append(f"{lesson}: {type(e).__name__}: {e}"[:200])
    finally:
        learner.close()  # the tab goes away: no beacon


async def abandoned_phase(url: str, views: int, at_once: int, watch: Watch, baseline: int,
                          start_mb: float, window: float) -> dict:
    errors: list[str] = []
    stop = asyncio.Event()
    sampler = asyncio.ensure_future(watch.run(stop))
    started = time.monotonic()
    queue = list(range(views))

    async def worker():
        while queue:
            i = queue.pop()
            await abandon(url, LESSONS[i % len(LESSONS)], errors)

    await asyncio.gather(*(worker() for _ in range(at_once)))
    loaded = time.monotonic() - started
    # Now wait for the cull: kernels back to the pools (no page is open).
    # Pools refill while abandoned kernels are culled, so the count can dip
    # below the pools and rise again: wait until it stays there for 5 s.
    deadline = time.monotonic() + window
    kernels, mb = watch.sample()
    steady = 0
    culled_after = None
    while time.monotonic() < deadline and steady < 5:
        await asyncio.sleep(1)
        kernels, mb = watch.sample()
        steady = steady + 1 if kernels <= baseline else 0
        if steady == 1:
            culled_after = round(time.monotonic() - started - loaded, 1)
    if steady < 5:
        culled_after = None
    stop.set()
    await sampler
    return {
        "views": views,
        "load_seconds": round(loaded, 1),
        "errors": len(errors),
        "error_samples": errors[:10],
        "peak_kernels": watch.peak_kernels,
        "kernels_after": kernels,
        "kernels_expected": baseline,
        "back_to_pool_after_s": culled_after,
        "server_mb_start": round(start_mb, 1),
        "server_mb_peak": round(watch.peak_mb, 1),
        "server_mb_after": round(mb, 1),
        "memory_growth": round(mb / start_mb - 1, 3),
    }


def start_server(port: int, pool: int, cull_idle: int, cull_interval: int):
    log = tempfile.NamedTemporaryFile(prefix="stress-server-", suffix=".log", delete=False)
    env = dict(os.environ, COURSE_POOL=str(pool))
    proc = subprocess.Popen(
        [sys.executable, "-m", "widgets.serve", "--port", str(port), "--cull-idle", str(cull_idle),
         "--cull-interval", str(cull_interval)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    return proc, log.name


async def wait_ready(url: str, watch: Watch, expected: int, timeout: float) -> None:
    from tornado.httpclient import AsyncHTTPClient

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            await AsyncHTTPClient().fetch(url + "/", request_timeout=5)
            if watch.kernels() >= expected:
                break
        except Exception:  # noqa: BLE001 - not up yet
            pass
        await asyncio.sleep(0.5)
    # ...and the pools have finished their first run (the server is quiet).
    proc = watch.proc
    while time.monotonic() < end:
        procs = [proc] + proc.children(recursive=True)
        for p in procs:
            p.cpu_percent(None)
        await asyncio.sleep(1)
        busy = sum(p.cpu_percent(None) for p in procs if p.is_running()) / 100
        if busy < 0.2:
            return


async def main_async(args) -> dict:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    pool_kernels = args.pool * len(LESSONS)
    proc, log = start_server(port, args.pool, args.cull_idle, args.cull_interval)
    try:
        watch = Watch(proc.pid)
        await wait_ready(url, watch, pool_kernels, timeout=180)
        start_mb = watch.mb()
        result = {"server_log": log, "pool_kernels": pool_kernels, "cull_idle_s": args.cull_idle}
        result["learners"] = await learners_phase(url, args.learners, args.seconds, watch, args.answers)
        await wait_ready(url, watch, 0, timeout=120)
        result["server_mb_at_server_start"] = round(start_mb, 1)
        start_mb = watch.mb()  # the abandoned-tab phase is judged against its own start
        watch.peak_kernels, watch.peak_mb = 0, 0.0
        window = args.cull_idle + 2 * args.cull_interval + 30
        result["abandoned"] = await abandoned_phase(
            url, args.abandoned, args.at_once, watch, pool_kernels, start_mb, window)
        return result
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def report(res: dict) -> str:
    a, b = res["learners"], res["abandoned"]
    return "\n".join([
        f"Learners: {a['learners']} at once for {a['seconds']} s: {a['pages']} pages, "
        f"{a['answers_checked']} answers checked, {a['requests']} requests, {a['errors']} errors.",
        f"  Page load median {a['page_median_s']} s, p95 {a['page_p95_s']} s; "
        f"answer reply median {a['answer_median_s']} s, p95 {a['answer_p95_s']} s.",
        f"  Peak kernels {a['peak_kernels']}, peak server memory {a['peak_server_mb']} MB.",
        f"Abandoned tabs: {b['views']} page views in {b['load_seconds']} s, {b['errors']} errors; "
        f"peak kernels {b['peak_kernels']}.",
        f"  Back to {b['kernels_after']} kernels (pools: {b['kernels_expected']}) "
        f"{b['back_to_pool_after_s']} s after the last view, steady for 5 s "
        f"(cull after {res['cull_idle_s']} s idle).",
        f"  Server memory {res['server_mb_at_server_start']} MB when the server started; "
        f"{b['server_mb_start']} MB before these views, {b['server_mb_peak']} MB at peak, "
        f"{b['server_mb_after']} MB after ({b['memory_growth']:+.0%}).",
    ])


def check(res: dict) -> list[str]:
    """What must hold; an empty list means the run passed."""
    a, b = res["learners"], res["abandoned"]
    problems = []
    if a["errors"]:
        problems.append(f"{a['errors']} errors with learners: {a['error_samples']}")
    if a["answers_checked"] == 0:
        problems.append("no answer was checked")
    if b["errors"]:
        problems.append(f"{b['errors']} errors with abandoned tabs: {b['error_samples']}")
    if b["kernels_after"] > b["kernels_expected"]:
        problems.append(f"{b['kernels_after']} kernels left, expected {b['kernels_expected']}")
    if b["memory_growth"] > 0.20:
        problems.append(f"server memory grew {b['memory_growth']:.0%} (limit 20%)")
    return problems


def parse(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.stress", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="the short version run by make test")
    p.add_argument("--learners", type=int, default=30)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--answers", type=int, default=5, help="quiz answers checked per page")
    p.add_argument("--abandoned", type=int, default=300)
    p.add_argument("--at-once", type=int, default=10, help="abandoned page views in flight at a time")
    p.add_argument("--pool", type=int, default=3, help="preheated kernels per lesson (make serve: 3)")
    p.add_argument("--cull-idle", type=int, default=20)
    p.add_argument("--cull-interval", type=int, default=5)
    args = p.parse_args(argv)
    if args.quick:
        args.learners, args.seconds, args.abandoned, args.at_once, args.pool = 8, 15, 20, 5, 1
    return args


def main(argv=None) -> int:
    args = parse(argv)
    started = time.monotonic()
    res = asyncio.run(main_async(args))
    res["took_s"] = round(time.monotonic() - started)
    res["machine"] = {"cpus": os.cpu_count(), "date": time.strftime("%Y-%m-%d")}
    print(report(res))
    problems = check(res)
    for p in problems:
        print("FAILED:", p)
    print(f"server log: {res.pop('server_log')}")
    if not args.quick:
        (ROOT / "bench" / "stress.json").write_text(json.dumps(res, indent=2) + "\n")
    print(f"took {res['took_s']} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
