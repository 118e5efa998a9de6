"""The course server's kernels: warm pools refilled in turn, culling, clean shutdown.

Voila's preheated pools and jupyter_server's culling, adjusted for a small
machine and for learners who leave tabs open or close them without warning.
``widgets.serve`` installs these on its kernel manager.
"""

from __future__ import annotations

import os

REFILLS_AT_ONCE = int(os.environ.get("COURSE_REFILLS_AT_ONCE", "1"))


def refill_in_turn(kernel_manager) -> None:
    """Refill the preheated pools a kernel at a time, learners first.

    Voila starts a refill for every page served.  When ten learners arrive
    at once, ten kernels would start and run their lessons together on two
    cores, and the pages being served would wait behind them.  Here refills
    take turns (``COURSE_REFILLS_AT_ONCE``, default 1), except the one a
    learner is waiting for right now: it starts at once.  Once the server is
    stopping, queued refills start nothing.
    """
    import asyncio
    import weakref

    from jupyter_server._tz import utcnow

    start = kernel_manager._initialize
    take = kernel_manager.get_rendered_notebook
    gate = asyncio.Semaphore(REFILLS_AT_ONCE)
    wanted: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def wanted_now(task) -> asyncio.Event:
        if task not in wanted:
            wanted[task] = asyncio.Event()
        return wanted[task]

    async def my_turn(urgent: asyncio.Event) -> bool:
        """Wait for a turn (True: the gate is held) or for a learner (False)."""
        if urgent.is_set():
            return False
        turn = asyncio.ensure_future(gate.acquire())
        learner = asyncio.ensure_future(urgent.wait())
        await asyncio.wait({turn, learner}, return_when=asyncio.FIRST_COMPLETED)
        learner.cancel()
        if turn.done() and not turn.cancelled():
            return True
        turn.cancel()
        return False

    async def initialize_in_turn(*args, **kwargs):
        holds = await my_turn(wanted_now(asyncio.current_task()))
        try:
            if getattr(kernel_manager, "course_stopping", False):
                raise RuntimeError("the course server is stopping")
            pooled = await start(*args, **kwargs)
        except BaseException:
            if holds:
                gate.release()
            raise
        # The pool entry is ready (and safe from the idle cull) once the kernel
        # has started, as in Voila; the turn is held until the lesson has run.
        if holds:
            pooled["task"].add_done_callback(lambda _: gate.release())
        return pooled

    async def get_rendered_notebook(notebook_name, *args, **kwargs):
        pool = kernel_manager._pools.get(notebook_name) or []
        if pool:  # the entry this learner gets: if it is still queued, start it now
            wanted_now(pool[0]).set()
        taken = await take(notebook_name, *args, **kwargs)
        # A pool kernel may have waited idle for longer than the cull window.
        # Count it as active from now, so the idle cull cannot take it in the
        # moment before the learner's page connects to it.
        try:
            kernel_manager.get_kernel(taken[2]).last_activity = utcnow()
        except (KeyError, IndexError, TypeError):
            pass
        return taken

    kernel_manager._initialize = initialize_in_turn
    kernel_manager.get_rendered_notebook = get_rendered_notebook


def cull_together(kernel_manager) -> None:
    """Cull idle kernels all at once, then give the freed memory back.

    jupyter_server checks and shuts down idle kernels one after another, each
    shutdown waiting for its kernel to exit.  When many tabs are abandoned at
    once, kernels were started faster than they were culled (make stress
    counted 159 at the peak).  Here every idle kernel in a sweep is shut down
    together; afterwards the server collects garbage and, on glibc, returns
    free heap pages to the system, so its memory comes back down.
    """
    import asyncio
    import ctypes
    import gc

    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to trim
        trim = None

    async def cull_kernels():
        ids = list(kernel_manager._kernels)
        results = await asyncio.gather(*(kernel_manager.cull_kernel_if_idle(k) for k in ids),
                                       return_exceptions=True)
        for kid, result in zip(ids, results):
            if isinstance(result, Exception):
                kernel_manager.log.warning("Could not cull kernel %s: %s", kid, result)
        if len(kernel_manager._kernels) < len(ids):
            gc.collect()
            if trim is not None:
                trim(0)

    kernel_manager.cull_kernels = cull_kernels


def shut_everything_down(app) -> None:
    """Stop every kernel, including pool kernels still starting.

    Voila's own shutdown stops at the first kernel that is not fully started
    ("Kernel does not exist") and leaves the rest running.  Here pool tasks
    are awaited first, every kernel is shut down on its own, and any kernel
    process still left is terminated, so stopping the server never leaves
    orphans behind.
    """
    import asyncio
    import shutil

    import psutil
    from jupyter_core.utils import ensure_async, run_sync

    km = app.kernel_manager
    km.course_stopping = True

    async def shutdown() -> None:
        ids = set(km.list_kernel_ids())
        pools = getattr(km, "_pools", {})
        km._pools = {}
        for pool in pools.values():
            for task in tuple(pool):
                try:
                    ids.add((await asyncio.wait_for(task, 30))["kernel_id"])
                except BaseException:  # noqa: BLE001 - a refill that never started
                    pass
        for kid in ids | set(km.list_kernel_ids()):
            try:
                await ensure_async(km.shutdown_kernel(kid, now=True))
            except BaseException:  # noqa: BLE001 - already gone
                pass

    shutil.rmtree(app.connection_dir, ignore_errors=True)
    try:
        run_sync(shutdown)()
    finally:
        left = psutil.Process().children(recursive=True)
        for proc in left:
            proc.terminate()
        psutil.wait_procs(left, timeout=5)
