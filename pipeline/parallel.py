"""Mapping a function over many items on every core.

Used for the per-file work of loading and validating (YAML parsing, cerberus), which is
pure Python and so needs processes, not threads. Workers are forked: they share the
parent's memory as it was when the pool started, so `fn` may be any function, closures
included, and `items` indices into data the parent already holds: only items and
results travel between processes. Small inputs, a single core and
systems without `fork` run in the calling process, with the same results.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 100  # below this, starting workers costs more than it saves


def jobs() -> int:
    """Worker count: PIPELINE_JOBS if set, else the cores this process may use."""
    value = os.environ.get("PIPELINE_JOBS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def pool(processes: int, **options):
    """A pool of forked workers that end quietly: on Ctrl-C, on SIGTERM and when the pool
    is shut down, whatever signal handlers the parent had installed."""
    return multiprocessing.get_context("fork").Pool(processes, initializer=quiet_worker,
                                                    **options)


def quiet_worker() -> None:
    # Ctrl-C reaches the whole process group; the parent alone handles it and stops the
    # workers, so they neither print tracebacks nor race it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


_task: Callable | None = None  # the function of the running map, inherited by the workers


def _call(item):
    return _task(item)


def map_ordered(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """[fn(item) for item in items], computed on every core when it pays off."""
    global _task
    n = min(jobs(), len(items) // (MIN_ITEMS // 2) or 1)
    if n <= 1 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(item) for item in items]
    _task = fn
    try:
        with pool(n) as workers:
            return workers.map(_call, items, chunksize=-(-len(items) // (n * 4)))
    finally:
        _task = None
