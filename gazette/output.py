"""Writing the site: into a fresh folder beside public/, then swapped in at once.

A build that fails or is killed never touches the published folder; the writer refuses two
outputs at one path and any path outside the site. Every folder a build makes carries a
marker (MARKER), and a build only ever replaces or deletes a folder that carries it: `--out`
pointed at a folder of other files is refused, not emptied.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

from .errors import GazetteError

_RENAME_EXCHANGE = 2
MARKER = ".gazette-site"  # in every folder a build makes; the same bytes in every build
MARKER_TEXT = "This folder is a site built by gazette: the next build replaces it whole.\n"
LEGACY_STAMP = ".gazette-build.json"  # what marked a built site before MARKER


def made_by_build(folder: Path) -> bool:
    """Whether a folder is a site (or half a site) that a build made: it carries the marker."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    return _read(folder / MARKER) == MARKER_TEXT or '"inputs"' in _read(folder / LEGACY_STAMP)


def _read(path: Path) -> str:
    try:
        return "" if path.is_symlink() else path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def check_target(final: Path, project: Path, inputs: list[Path]) -> None:
    """Refuse an output folder the build would destroy: the project, a folder holding it or
    inside its inputs, or a folder of other files (not empty and without the marker)."""
    hint = "choose a new or empty folder, or one made by a build, for --out"
    if final == project or project.is_relative_to(final):
        raise GazetteError("refusing to build the site here: the folder holds the project", final, hint=hint)
    for folder in inputs:
        if final.is_relative_to(folder):
            raise GazetteError(f"refusing to build the site here: it is in the project's {folder.name}/", final,
                               hint=hint)
    if final.is_symlink() or (final.exists() and not final.is_dir()):
        raise GazetteError("refusing to replace it: not a folder", final, hint=hint)
    if final.is_dir() and not made_by_build(final):
        try:
            empty = next(os.scandir(final), None) is None
        except OSError as exc:
            raise GazetteError(f"cannot read the output folder: {exc.strerror}", final) from exc
        if not empty:
            raise GazetteError("refusing to replace a folder that a build did not make: it holds other files",
                               final, hint=hint)
    for folder, what in ((final, "the build replaces it whole"),
                         (final.parent, f"the build makes {final.name}/ in it")):
        if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
            raise GazetteError(f"folder is not writable (read-only or immutable): {what}", folder)


def write_file(path: Path, data: bytes) -> None:
    """Write a file; a failure names it (an error of write() itself, a full disk, carries no name)."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


class SiteWriter:
    def __init__(self, final: Path):
        self.final = final
        self.staging = final.with_name(f".{final.name}.building-{os.getpid()}")
        if made_by_build(self.staging):  # this process's own, from a build that failed (serve)
            remove_site(self.staging)
        self.staging.mkdir(parents=True)
        write_file(self.staging / MARKER, MARKER_TEXT.encode())  # first: every later state is ours
        self.written: set[str] = {MARKER}
        self._folders: set[Path] = {self.staging}

    def path_for(self, rel: str) -> Path:
        """Where to write the file `rel` of the site, once: never outside it, never over another
        file, never where a file and a folder would have one name."""
        pure = _inside(rel)
        target = self.staging / pure
        if pure.as_posix() in self.written or target in self._folders \
                or any(folder.as_posix() in self.written for folder in pure.parents):
            raise GazetteError(f"two pages want the same output file: {rel}",
                               hint="two articles or lists share a slug")
        self.written.add(pure.as_posix())
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.update(target.parents[:len(pure.parts) - 1])
        return target

    def write(self, rel: str, data: str | bytes) -> None:
        target = self.path_for(rel)
        if isinstance(data, str):
            data = data.encode("utf-8")
        write_file(target, data)

    def link(self, rel: str, existing: Path) -> None:
        """The same file as in the last build: a hard link costs no copy (a copy where links fail)."""
        target = self.path_for(rel)
        try:
            os.link(existing, target)
        except OSError:
            shutil.copyfile(existing, target)

    def add_folder(self, source: Path, rel: str, leave_out: frozenset[str] = frozenset()) -> None:
        """A finished folder (the static files, a year's search index) as the folder `rel` of
        the site, file by file through the same checks as a page: nothing lands outside the
        site or over a file another part of the build wrote."""
        _inside(rel)
        for path in sorted(source.rglob("*")):
            if path.is_file() and path.name not in leave_out:
                self.link(f"{rel}/{path.relative_to(source).as_posix()}", path)

    def commit(self) -> None:
        """Swap the staged site into place (atomically where the kernel can exchange names)."""
        self.final.parent.mkdir(parents=True, exist_ok=True)
        if not self.final.exists():
            os.rename(self.staging, self.final)
            return
        if not made_by_build(self.final) and any(os.scandir(self.final)):  # filled while we built
            raise GazetteError("refusing to replace a folder that a build did not make: it holds other files",
                               self.final)
        if not _exchange(self.staging, self.final):
            old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
            os.rename(self.final, old)
            try:
                os.rename(self.staging, self.final)
            except BaseException:
                os.rename(old, self.final)
                raise
            self.staging = old
        retired = self.final.with_name(f".{self.final.name}.retired-{os.getpid()}")
        os.rename(self.staging, retired)
        _remove_in_background(retired)

    def abandon(self) -> None:
        remove_site(self.staging)


def _inside(rel: str) -> PurePosixPath:
    """A path of the site, refused when it would lead outside it."""
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or "\\" in rel or not rel or rel.endswith("/"):
        raise GazetteError(f"refusing to write outside the site: {rel!r}")
    return pure


def remove_site(folder: Path) -> None:
    """Delete a folder a build made, its marker last: a removal cut short leaves a folder that
    the next build still knows as its own (clean_stale)."""
    try:
        entries = list(os.scandir(folder)) if not folder.is_symlink() else []
    except OSError:
        return
    for entry in entries:
        if entry.name == MARKER:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
    with contextlib.suppress(OSError):
        if {entry.name for entry in os.scandir(folder)} <= {MARKER}:
            (folder / MARKER).unlink(missing_ok=True)
            folder.rmdir()


_REMOVE = ("import sys; sys.path.insert(0, sys.argv[1]); "
           "from gazette.output import remove_site, Path; remove_site(Path(sys.argv[2]))")


def _remove_in_background(folder: Path) -> None:
    """Deleting the last site's ~2 files per article takes seconds: an idle child process does it."""
    try:
        idle = ["ionice", "-c", "3", "nice", "-n", "19"] if shutil.which("ionice") and shutil.which("nice") else []
        subprocess.Popen([*idle, sys.executable, "-c", _REMOVE, str(Path(__file__).parent.parent), str(folder)],
                         start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    except OSError:
        remove_site(folder)


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
    """Remove what builds that were killed left beside the output: only folders a build made."""
    for kind in ("building", "retired"):  # what a killed build was making, or deleting
        for stale in final.parent.glob(f".{final.name}.{kind}-*"):
            if not alive(stale.name.rsplit("-", 1)[-1]) and made_by_build(stale):
                remove_site(stale)
    for stale in final.parent.glob(f".{final.name}.old-*"):
        if not made_by_build(stale) or alive(stale.name.rsplit("-", 1)[-1]):
            continue
        if final.exists():
            remove_site(stale)
        else:
            os.rename(stale, final)  # killed between the two renames: the old site comes back


def alive(pid: str) -> bool:
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
