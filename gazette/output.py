"""Writing the site: into a fresh folder beside public/, then swapped in at once.

A build that fails or is killed never touches the published folder; the writer refuses two
outputs at one path and any path outside the site.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

from .errors import GazetteError

_RENAME_EXCHANGE = 2


class SiteWriter:
    def __init__(self, final: Path):
        self.final = final
        self.staging = final.with_name(f".{final.name}.building-{os.getpid()}")
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        self.written: set[str] = set()
        self._folders: set[Path] = {self.staging}

    def path_for(self, rel: str) -> Path:
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or "\\" in rel or not rel:
            raise GazetteError(f"refusing to write outside the site: {rel!r}")
        if rel in self.written:
            raise GazetteError(f"two pages want the same output file: {rel}",
                               hint="two articles or lists share a slug")
        self.written.add(rel)
        target = self.staging / pure
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        return target

    def write(self, rel: str, data: str | bytes) -> None:
        target = self.path_for(rel)
        if isinstance(data, str):
            data = data.encode("utf-8")
        target.write_bytes(data)

    def link(self, rel: str, existing: Path) -> None:
        """The same file as in the last build: a hard link costs no copy (a copy where links fail)."""
        target = self.path_for(rel)
        try:
            os.link(existing, target)
        except OSError:
            shutil.copyfile(existing, target)

    def copy_tree(self, source: Path, rel: str) -> None:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                self.link(f"{rel}/{path.relative_to(source).as_posix()}", path)

    def commit(self) -> None:
        """Swap the staged site into place (atomically where the kernel can exchange names)."""
        self.final.parent.mkdir(parents=True, exist_ok=True)
        if not self.final.exists():
            os.rename(self.staging, self.final)
            return
        if not _exchange(self.staging, self.final):
            old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
            os.rename(self.final, old)
            os.rename(self.staging, self.final)
            self.staging = old
        retired = self.final.with_name(f".{self.final.name}.retired-{os.getpid()}")
        os.rename(self.staging, retired)
        _remove_in_background(retired)

    def abandon(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _remove_in_background(folder: Path) -> None:
    """Deleting the last site's ~2 files per article takes seconds: an idle child process does it."""
    try:
        idle = ["ionice", "-c", "3", "nice", "-n", "19"] if shutil.which("ionice") and shutil.which("nice") else []
        subprocess.Popen(idle + [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], True)", str(folder)],
                         start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def clean_stale(final: Path) -> None:
    """Remove staging folders left by builds that were killed."""
    for kind in ("building", "retired"):  # what a killed build was making, or deleting
        for stale in final.parent.glob(f".{final.name}.{kind}-*"):
            if not _alive(stale.name.rsplit("-", 1)[-1]):
                shutil.rmtree(stale, ignore_errors=True)
    for stale in final.parent.glob(f".{final.name}.old-*"):
        if final.exists():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            os.rename(stale, final)  # killed between the two renames: the old site comes back


def _alive(pid: str) -> bool:
    """Whether the build that named a folder still runs (a zombie, killed but not reaped, does not)."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{int(pid)}/stat").read_text().split(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return True
