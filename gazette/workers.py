"""Child processes of a build: a fork pool for the cores, and Pagefind; none outlives the build."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Linux: this process gets SIGKILL when the build dies, so a killed build leaves no writer
    behind it in the folder it was building. Elsewhere a no-op."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def cores() -> int:
    return min(os.cpu_count() or 1, 4)


def fork_pool(workers: int):
    """Workers that inherit the build's data (fork: nothing is pickled but the results); None
    where they cannot start (a full /dev/shm has no room for the pool's semaphores)."""
    try:
        return multiprocessing.get_context("fork").Pool(workers, initializer=die_with_parent)
    except OSError:
        return None


def map_in_parts(work, items: list, parallel_from: int) -> list:
    """work(part) gives one result per item of the part; the results of all items, in order.

    Over all cores (one part each, in a fork pool) when there are parallel_from items or more:
    below that, starting workers costs more than it saves.
    """
    workers = cores()
    pool = fork_pool(workers) if len(items) >= parallel_from and workers >= 2 else None
    if pool is None:
        return work(items)
    size = -(-len(items) // workers)
    with pool:
        parts = pool.map(work, [items[i:i + size] for i in range(0, len(items), size)])
    return [result for part in parts for result in part]
