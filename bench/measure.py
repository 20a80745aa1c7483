"""Time one command and sample the memory of its process tree.

    python measure.py CWD COMMAND...  ->  prints "seconds peak_kb exit_code"

Peak memory is the largest total, over one sample, of the proportional set sizes (PSS: a page
shared by n processes counts 1/n in each) of the command and all its descendants, sampled
every 100 ms from /proc. The kernel's ru_maxrss would give the largest single process: it
understates a build that runs two Pagefind processes at once beside its own workers, and
overstates forked workers that share their parent's pages.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

INTERVAL = 0.1


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as stat:
                    text = stat.read()
            except OSError:  # gone since the listing
                continue
            ppid = int(text[text.rindex(b")") + 2:].split()[1])  # the name, in parentheses, may hold spaces
            children.setdefault(ppid, []).append(int(name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def main() -> None:
    cwd, command = sys.argv[1], sys.argv[2:]
    with tempfile.TemporaryFile() as errors:  # a pipe could fill up and stall the command
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        peak = 0
        while process.poll() is None:
            peak = max(peak, sum(pss_kb(pid) for pid in descendants(process.pid)))
            time.sleep(INTERVAL)
        print(time.perf_counter() - started, peak, process.returncode)
        if process.returncode:
            errors.seek(0)
            sys.stderr.write(errors.read().decode(errors="replace")[-2000:])


if __name__ == "__main__":
    main()
