"""Child processes of a build: forked workers for the cores, and programs it runs (Pagefind);
none outlives the build."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import multiprocessing
import os
import signal
import sys
from multiprocessing.connection import wait

PR_SET_PDEATHSIG = 1
# Run before a program in its own process: the kernel kills it when the build dies (the setting
# survives exec), and a build that died before the setting was made leaves it no time to start.
_TIED = """import os, sys
try:
    import ctypes, signal
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)
except Exception:
    pass
if os.getppid() != int(sys.argv[1]):
    os._exit(1)
os.execv(sys.argv[2], sys.argv[2:])
"""


@functools.cache
def _prctl():
    """libc's prctl, looked up before any fork: a forked child only calls it."""
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL(None, use_errno=True).prctl
    return None


def die_with_parent(parent: int) -> None:
    """Linux: this process gets SIGKILL when the build dies, so a killed build leaves no writer
    behind it in the folder it was building (and none at all if it died already)."""
    prctl = _prctl()
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def tied(command: list[str]) -> list[str]:
    """A command that dies with the build: started through a small bootstrap that sets the
    parent-death signal and then runs it (a preexec_fn would, but is unsafe in a thread)."""
    if not sys.platform.startswith("linux"):
        return command
    return [sys.executable, "-I", "-S", "-c", _TIED, str(os.getpid()), *command]


def cores() -> int:
    return min(os.cpu_count() or 1, 4)


def map_in_parts(work, items: list, parallel_from: int, part_size: int | None = None,
                 label: str | None = None) -> list:
    """work(part) gives one result per item of the part; the results of all items, in order.

    Over all cores when there are parallel_from items or more (below that, starting workers
    costs more than it saves): forked workers inherit `work` and the items, only part numbers
    and results go through pipes. Parts of part_size items go to whichever worker is free;
    `label` names a progress bar.
    """
    workers = cores()
    size = part_size or max(1, -(-len(items) // workers))
    parts = [items[i:i + size] for i in range(0, len(items), size)]
    results: list = [None] * len(parts)
    with _progress(label, len(items)) as bar:
        children = _fork_workers(work, parts, workers) if len(items) >= parallel_from and workers >= 2 else []
        try:
            _share_out(parts, children, results, bar)
        except BaseException:
            for process, _ in children:
                process.kill()
            raise
        finally:
            for process, pipe in children:
                process.join()
                pipe.close()
        for number, part in enumerate(parts):  # all of them when no worker could start
            if results[number] is None:
                results[number] = work(part)
                bar.update(len(part))
    return [result for part in results for result in part]


def _fork_workers(work, parts: list[list], workers: int) -> list:
    """Started workers and the parent's end of each one's pipe; as many as could start."""
    _prctl()
    context, parent, children = multiprocessing.get_context("fork"), os.getpid(), []
    for _ in range(min(workers, len(parts))):
        try:
            ours, theirs = context.Pipe()
            process = context.Process(target=_worker, args=(work, parts, theirs, parent), daemon=True)
            process.start()  # fork: the arguments are inherited, not pickled
        except OSError:  # no memory, no processes left: fewer workers, or the parent does it all
            break
        theirs.close()  # the worker holds the only other end: its death reads as the pipe's end
        children.append((process, ours))
    return children


def _worker(work, parts: list[list], pipe, parent: int) -> None:
    die_with_parent(parent)
    while (number := pipe.recv()) is not None:
        try:
            pipe.send((number, work(parts[number]), None))
        except BaseException as exc:
            try:
                pipe.send((number, None, exc))
            except Exception:  # an exception that cannot be pickled: its text
                pipe.send((number, None, RuntimeError(repr(exc))))
            return


def _share_out(parts: list[list], children: list, results: list, bar) -> None:
    """Give each worker a part, and the next one as it sends back the last, until none is left."""
    waiting = iter(range(len(parts)))
    busy = {}

    def give(pipe, process) -> None:
        number = next(waiting, None)
        pipe.send(number)  # None: no more, the worker ends
        if number is None:
            busy.pop(pipe, None)
        else:
            busy[pipe] = process

    for process, pipe in children:
        give(pipe, process)
    while busy:
        for pipe in wait(list(busy)):
            try:
                number, result, error = pipe.recv()
            except EOFError:
                busy[pipe].join(1)
                raise ChildProcessError(f"a worker died (exit code {busy[pipe].exitcode})") from None
            if error is not None:
                raise error
            results[number] = result
            bar.update(len(parts[number]))
            give(pipe, busy[pipe])


def _progress(label: str | None, total: int):
    """A progress bar on a terminal; nothing in CI, when output is redirected or without a label."""
    if label is None or total < 200 or not sys.stderr.isatty() or os.environ.get("CI"):
        return _NoBar()
    from tqdm import tqdm
    return tqdm(desc=label, unit="page", total=total, leave=False)


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *_exc) -> None:
        pass

    def update(self, _count: int) -> None:
        pass
