"""The short version of make stress: a burst of learners on one instance, then a failover.

Real servers on loopback: every page is a whole lesson page with its quiz,
every grading reply is the "check" reply for that very question, and one of
two instances behind nginx is really SIGKILLed while requests are in flight.
"""

from __future__ import annotations

import asyncio
import concurrent.futures

from bench import stress


def run(coro):
    """Run a coroutine to the end in its own thread and event loop (the browser tests'
    Playwright keeps an event loop running in the main thread, where asyncio.run() is refused)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_short_stress_run_has_no_errors_and_survives_losing_an_instance():
    args = stress.parse(["--quick"])
    result = run(stress.main_async(args))
    print(stress.table(stress.checks(result, args)))
    burst, failover = result["burst"], result["failover"]

    # Every learner loaded a page and had every answer checked, with no error at all.
    assert burst["learners"] == args.learners
    assert burst["pages"] >= args.learners
    assert burst["answers_checked"] >= args.learners * args.answers
    assert burst["gradings_sent"] == burst["answers_checked"]
    assert burst["errors"] == 0, burst["error_samples"]
    assert burst["page_p95_s"] <= stress.PAGE_P95_S

    # The failover: one instance died mid-burst, the other went on, nobody noticed.
    assert failover["killed_exit_code"] == -9
    assert failover["in_flight_at_kill"] > 0
    assert failover["survivor_alive"]
    assert all(cpu > 0.05 for cpu in failover["cpu_s_per_instance_before_kill"])  # both served before
    assert failover["pages_after_kill"] > 0 and failover["gradings_after_kill"] > 0
    assert failover["pages"] >= args.failover_learners
    assert failover["answers_checked"] >= failover["pages"] * args.answers
    assert failover["failed_pages"] == 0, failover["error_samples"]
    assert failover["failed_gradings"] == 0, failover["error_samples"]

    assert stress.problems(result, args) == []
