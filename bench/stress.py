"""make stress: many learners at once at the protocol level, then a failover, on loopback.

Every simulated learner (bench/learner.py) does what a page does, over HTTP:
it loads a lesson page, then checks quiz answers one after another, reading
every reply.  Times are what the load client measures: from its request to
the whole page, and to each grading reply.  Each learner has its own client
address (X-Forwarded-For, believed from the loopback proxy address only), so
the per-client grading allowance applies per learner, as with real readers.

1. Burst: ``--learners`` learners start at the same moment against ONE
   instance; each loads a page and checks ``--answers`` answers.
   Targets: page p95 at most 1 s, and 0 errors.
2. Sustained: the same learners keep going (a new lesson each time) for
   ``--seconds``; throughput, and the server's memory before and after.
   Target: 0 errors.
3. Failover: 2 instances behind nginx (deploy.cluster); learners keep going
   through nginx and one instance is SIGKILLed in the middle, with requests
   in flight.  Targets: 0 failed page loads, 0 failed gradings.

Prints a Markdown table, writes bench/stress.json (not with ``--quick``)
and exits 1 if a target fails.  ``python -m bench.stress --quick`` is the
short version the test suite runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

import psutil
from tornado.httpclient import AsyncHTTPClient

from bench.learner import Learner, reply_problem
from bench.net import CourseProcess, health, tree_cpu
from widgets.content.notebooks import lesson_paths

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(p.name for p in lesson_paths(ROOT / "lessons"))
PAGE_P95_S = 1.0


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of ``values``; 0.0 for none."""
    if not values:
        return 0.0
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 3)


def address(n: int) -> str:
    """A distinct client address for learner n (198.18.0.0/15 is the range set aside for benchmarks)."""
    return f"198.18.{n // 250}.{n % 250 + 1}"


class Tally:
    """What the learners of one phase did: times, counts and every failure."""

    def __init__(self):
        self.page_s: list[float] = []
        self.grade_s: list[float] = []
        self.page_failures: list[str] = []
        self.grade_failures: list[str] = []
        self.gradings = 0
        self.requests = 0
        self.bytes = 0
        self.in_flight = 0  # requests sent and not yet answered
        self.marks: list[tuple[float, str, bool]] = []  # (when, "page"/"grade", ok), for the failover

    def summary(self) -> dict:
        errors = self.page_failures + self.grade_failures
        return {
            "pages": len(self.page_s),
            "answers_checked": len(self.grade_s),
            "gradings_sent": self.gradings,
            "requests": self.requests,
            "mb_received": round(self.bytes / 2**20, 1),
            "failed_pages": len(self.page_failures),
            "failed_gradings": len(self.grade_failures),
            "errors": len(errors),
            "error_samples": errors[:10],
            "page_p50_s": pct(self.page_s, 0.5),
            "page_p95_s": pct(self.page_s, 0.95),
            "page_max_s": pct(self.page_s, 1.0),
            "grade_p50_s": pct(self.grade_s, 0.5),
            "grade_p95_s": pct(self.grade_s, 0.95),
            "grade_max_s": pct(self.grade_s, 1.0),
        }


async def one_page(url: str, client, n: int, lesson: str, answers: int, tally: Tally) -> None:
    """One learner's visit to one lesson: the page, then ``answers`` checks, every reply read."""
    learner = Learner(url, client, address=address(n))
    try:
        tally.in_flight += 1
        try:
            took = await learner.load(f"/voila/render/{lesson}")
        except Exception as e:  # noqa: BLE001 - every failure is counted and reported
            tally.page_failures.append(f"{lesson}: {type(e).__name__}: {e}"[:240])
            tally.marks.append((time.monotonic(), "page", False))
            return
        finally:
            tally.in_flight -= 1
        tally.page_s.append(took)
        tally.marks.append((time.monotonic(), "page", True))
        quiz = learner.quizzes()[0]
        for q in learner.questions(quiz)[:answers]:
            tally.gradings += 1
            tally.in_flight += 1
            try:
                request, reply = await learner.check(q, quiz=quiz)
                problem = reply_problem(q, request, reply)
            except Exception as e:  # noqa: BLE001
                problem, reply = f"{type(e).__name__}: {e}", None
            finally:
                tally.in_flight -= 1
            if problem:
                tally.grade_failures.append(f"{lesson} {q['id']}: {problem}"[:240])
            else:
                tally.grade_s.append(reply.seconds)
            tally.marks.append((time.monotonic(), "grade", not problem))
    finally:
        tally.requests += learner.requests
        tally.bytes += learner.bytes


def http_client(learners: int):
    # One connection per learner at most: no request waits in the client's own queue.
    return AsyncHTTPClient(force_instance=True, max_clients=max(10, learners), max_buffer_size=64 * 2**20)


class CpuUse:
    """CPU seconds used from now on by this load client (this process alone) and by the server(s)."""

    def __init__(self, *server_pids: int):
        self.pids = server_pids
        self.client = self._own()
        self.servers = [tree_cpu(p) for p in server_pids]

    @staticmethod
    def _own() -> float:
        t = psutil.Process().cpu_times()
        return t.user + t.system

    def used(self) -> dict:
        return {"client_cpu_s": round(self._own() - self.client, 1),
                "server_cpu_s": round(sum(tree_cpu(p) for p in self.pids) - sum(self.servers), 1)}


async def burst(url: str, server_pid: int, learners: int, answers: int) -> dict:
    """``learners`` learners released at the same moment, one page and ``answers`` checks each."""
    client = http_client(learners)
    tally = Tally()
    go = asyncio.Event()

    async def learner(n: int) -> None:
        await go.wait()
        await one_page(url, client, n, LESSONS[n % len(LESSONS)], answers, tally)

    tasks = [asyncio.ensure_future(learner(n)) for n in range(learners)]
    await asyncio.sleep(0.05)
    cpu = CpuUse(server_pid)
    started = time.monotonic()
    go.set()
    await asyncio.gather(*tasks)
    client.close()
    return {"learners": learners, "answers_per_page": answers,
            "seconds": round(time.monotonic() - started, 2), **tally.summary(), **cpu.used()}


async def keep_going(url: str, learners: int, answers: int, seconds: float, tally: Tally, client,
                     first: int = 0) -> float:
    """Learners loop over the lessons (a new lesson each visit) until ``seconds`` are up."""
    until = time.monotonic() + seconds

    async def learner(n: int) -> None:
        i = n
        while time.monotonic() < until:
            await one_page(url, client, n, LESSONS[i % len(LESSONS)], answers, tally)
            i += 1

    started = time.monotonic()
    await asyncio.gather(*(learner(first + n) for n in range(learners)))
    return time.monotonic() - started


async def sustained(server: CourseProcess, learners: int, answers: int, seconds: float) -> dict:
    client = http_client(learners)
    tally = Tally()
    rss_before = server.rss()
    cpu = CpuUse(server.pid)
    took = await keep_going(server.url, learners, answers, seconds, tally, client, first=learners)
    client.close()
    used = cpu.used()
    await asyncio.sleep(1)
    rss_after = server.rss()
    s = tally.summary()
    return {"learners": learners, "answers_per_page": answers, "seconds": round(took, 1), **s,
            "pages_per_s": round(s["pages"] / took, 1), "gradings_per_s": round(s["answers_checked"] / took, 1),
            **used,
            "server_mb_before": round(rss_before / 2**20, 1), "server_mb_after": round(rss_after / 2**20, 1)}


async def failover(learners: int, answers: int, seconds: float) -> dict:
    """Learners through nginx to 2 instances; instance 0 is SIGKILLed half-way, mid-request."""
    from deploy.cluster import Cluster

    loop = asyncio.get_running_loop()
    try:
        cluster = await loop.run_in_executor(None, lambda: Cluster(2).__enter__())
    except RuntimeError:  # an instance not ready in time (e.g. a lesson saved while it warmed): once more
        cluster = await loop.run_in_executor(None, lambda: Cluster(2).__enter__())
    try:
        pids = cluster.pids()
        cpu_start = [tree_cpu(p) for p in pids]
        cpu = CpuUse(*pids)
        client = http_client(learners)
        tally = Tally()
        killed: dict = {}

        async def killer() -> None:
            await asyncio.sleep(seconds / 2)
            give_up = time.monotonic() + seconds / 4
            while tally.in_flight < max(1, learners // 4) and time.monotonic() < give_up:
                await asyncio.sleep(0.005)  # kill it with requests in flight
            killed["cpu_before_kill_s"] = [round(tree_cpu(p) - c, 2) for p, c in zip(pids, cpu_start)]
            killed["in_flight"] = tally.in_flight
            killed["at"] = time.monotonic()
            await loop.run_in_executor(None, cluster.kill, 0)
            killed["exit_code"] = cluster.instances[0][1].returncode

        kill_task = asyncio.ensure_future(killer())
        started = time.monotonic()
        took = await keep_going(cluster.url, learners, answers, seconds, tally, client)
        await kill_task
        client.close()
        used = cpu.used()
        # The killed instance's CPU ends with it: count what it used up to the kill.
        used["server_cpu_s"] = round(killed["cpu_before_kill_s"][0] + tree_cpu(pids[1]) - cpu_start[1], 1)
        after = [m for m in tally.marks if m[0] > killed["at"]]
        survivor_alive = cluster.instances[1][1].poll() is None
        s = tally.summary()
        return {
            "instances": 2, "learners": learners, "answers_per_page": answers, "seconds": round(took, 1),
            "killed_after_s": round(killed["at"] - started, 1), "in_flight_at_kill": killed["in_flight"],
            "killed_exit_code": killed["exit_code"], "survivor_alive": survivor_alive,
            "cpu_s_per_instance_before_kill": killed["cpu_before_kill_s"],
            "pages_after_kill": sum(1 for m in after if m[1] == "page" and m[2]),
            "gradings_after_kill": sum(1 for m in after if m[1] == "grade" and m[2]),
            **s, **used,
        }
    finally:
        await loop.run_in_executor(None, cluster.__exit__, None, None, None)


async def main_async(args) -> dict:
    result: dict = {}
    server = await asyncio.get_running_loop().run_in_executor(
        None, lambda: CourseProcess(ROOT, "stress", ["--trusted-proxies", "127.0.0.1"], frozen=True))
    try:
        version = health(server.url).get("version", "")
        result["server_mb_at_start"] = round(server.rss() / 2**20, 1)
        result["burst"] = await burst(server.url, server.pid, args.learners, args.answers)
        if args.seconds > 0:
            result["sustained"] = await sustained(server, args.learners, args.answers, args.seconds)
        result["content_version"] = version
        result["content_changed"] = health(server.url).get("version", "") != version
        result["server_log"] = server.log
    finally:
        server.stop()
    result["failover"] = await failover(args.failover_learners, args.answers, args.failover_seconds)
    return result


def checks(res: dict, args) -> list[dict]:
    """Each figure with its target; ``ok`` None means reported, no target."""
    b, f = res["burst"], res["failover"]
    rows = [
        ("Burst, one instance: page p95 (s)", b["page_p95_s"], f"<= {PAGE_P95_S}", b["page_p95_s"] <= PAGE_P95_S),
        ("Burst: errors (pages + gradings)", b["errors"], "0", b["errors"] == 0),
        ("Burst: pages loaded", b["pages"], f">= {b['learners']}", b["pages"] >= b["learners"]),
        ("Burst: answers checked", b["answers_checked"], f">= {b['learners'] * b['answers_per_page']}",
         b["answers_checked"] >= b["learners"] * b["answers_per_page"]),
        ("Burst: page p50 (s)", b["page_p50_s"], "", None),
        ("Burst: grading p50 / p95 (s)", f"{b['grade_p50_s']} / {b['grade_p95_s']}", "", None),
        ("Burst: wall time (s); CPU s load client / server", f"{b['seconds']}; {b['client_cpu_s']} / {b['server_cpu_s']}",
         "", None),
    ]
    if "sustained" in res:
        s = res["sustained"]
        rows += [
            (f"Sustained {s['seconds']} s: errors", s["errors"], "0", s["errors"] == 0),
            ("Sustained: pages / answers checked", f"{s['pages']} / {s['answers_checked']}", "", None),
            ("Sustained: pages/s, gradings/s", f"{s['pages_per_s']}, {s['gradings_per_s']}", "", None),
            ("Sustained: page p50 / p95 (s)", f"{s['page_p50_s']} / {s['page_p95_s']}", "", None),
            ("Sustained: grading p50 / p95 (s)", f"{s['grade_p50_s']} / {s['grade_p95_s']}", "", None),
            ("Sustained: CPU s load client / server", f"{s['client_cpu_s']} / {s['server_cpu_s']}", "", None),
            ("Sustained: server MB before / after", f"{s['server_mb_before']} / {s['server_mb_after']}", "", None),
        ]
    rows += [
        ("Failover: failed page loads", f["failed_pages"], "0", f["failed_pages"] == 0),
        ("Failover: failed gradings", f["failed_gradings"], "0", f["failed_gradings"] == 0),
        ("Failover: instance killed mid-burst (SIGKILL, requests in flight)",
         f"exit {f['killed_exit_code']} at {f['killed_after_s']} s, {f['in_flight_at_kill']} in flight",
         "killed, in flight > 0", f["killed_exit_code"] == -9 and f["in_flight_at_kill"] > 0),
        ("Failover: both instances served before the kill (CPU s)",
         " / ".join(str(x) for x in f["cpu_s_per_instance_before_kill"]), "> 0 each",
         all(x > 0.05 for x in f["cpu_s_per_instance_before_kill"])),
        ("Failover: pages / gradings after the kill", f"{f['pages_after_kill']} / {f['gradings_after_kill']}",
         "> 0 each", f["pages_after_kill"] > 0 and f["gradings_after_kill"] > 0),
        ("Failover: pages / answers checked in all", f"{f['pages']} / {f['answers_checked']}", "", None),
        ("Failover: page p95, grading p95 (s)", f"{f['page_p95_s']}, {f['grade_p95_s']}", "", None),
        ("Failover: CPU s load client / both instances", f"{f['client_cpu_s']} / {f['server_cpu_s']}", "", None),
    ]
    if res.get("content_changed"):  # pages were rendered again in the middle: times include that
        rows.append(("Content version changed during the run (lessons re-rendered)", "yes", "", None))
    return [{"measure": m, "figure": v, "target": t, "ok": ok} for m, v, t, ok in rows]


def table(rows: list[dict]) -> str:
    lines = ["| Measure | Figure | Target | Result |", "|---|---|---|---|"]
    for r in rows:
        result = "—" if r["ok"] is None else ("pass" if r["ok"] else "**FAIL**")
        lines.append(f"| {r['measure']} | {r['figure']} | {r['target'] or '—'} | {result} |")
    return "\n".join(lines)


def problems(res: dict, args) -> list[str]:
    """The targets that failed; an empty list means the run passed."""
    return [f"{r['measure']}: {r['figure']} (target {r['target']})" for r in checks(res, args) if r["ok"] is False]


def parse(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.stress", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="the short version run by the test suite")
    p.add_argument("--learners", type=int, default=100, help="learners at once against one instance")
    p.add_argument("--answers", type=int, default=3, help="quiz answers checked per page")
    p.add_argument("--seconds", type=float, default=30, help="length of the sustained phase (0: none)")
    p.add_argument("--failover-learners", type=int, default=100)
    p.add_argument("--failover-seconds", type=float, default=20)
    args = p.parse_args(argv)
    if args.quick:
        args.learners, args.seconds, args.failover_learners, args.failover_seconds = 20, 0, 20, 6
    return args


def main(argv=None) -> int:
    args = parse(argv)
    started = time.monotonic()
    res = asyncio.run(main_async(args))
    res["took_s"] = round(time.monotonic() - started)
    res["machine"] = {"cpus": os.cpu_count(), "date": time.strftime("%Y-%m-%d")}
    rows = checks(res, args)
    res["checks"] = rows
    print(table(rows))
    failed = problems(res, args)
    for line in failed:
        print("FAILED:", line)
    for phase in ("burst", "sustained", "failover"):
        for sample in res.get(phase, {}).get("error_samples", []):
            print(f"  {phase} error: {sample}")
    print(f"\nserver log: {res.pop('server_log')}")
    if not args.quick:
        (ROOT / "bench" / "stress.json").write_text(json.dumps(res, indent=2) + "\n")
        print("wrote bench/stress.json")
    print(f"took {res['took_s']} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
