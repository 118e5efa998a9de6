"""The short version of make stress: learners at once, then abandoned tabs."""

from __future__ import annotations

from bench import stress
from tests.hardening import run


def test_short_stress_run_has_no_errors_and_no_leaks():
    args = stress.parse(["--quick"])
    result = run(stress.main_async(args))
    print(stress.report(result))
    learners, abandoned = result["learners"], result["abandoned"]
    assert learners["pages"] >= args.learners
    assert learners["answers_checked"] >= args.learners * args.answers
    assert abandoned["views"] == args.abandoned
    assert abandoned["peak_kernels"] > abandoned["kernels_expected"]  # the tabs really held kernels
    assert stress.check(result) == []
