"""Hardening tests: attacks, faults and load, on loopback."""

from __future__ import annotations

import asyncio
import concurrent.futures


def run(coro):
    """Run a coroutine to the end in its own thread and event loop.

    The browser tests' Playwright (sync API) keeps an event loop running in
    the main thread for the whole session, where asyncio.run() is refused.
    """
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
