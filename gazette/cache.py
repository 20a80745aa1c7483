"""The build cache in .cache/: data that only saves time, so any failure to read is a miss.

Every file appears whole or not at all (written under a name of its own, then renamed), and
one build of a project runs at a time (the lock).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import hashlib
import os
import pickle
import tempfile
import time
from pathlib import Path

from . import __version__
from .errors import GazetteError

TEMP_SUFFIX = ".tmp"  # a file being written; one left by a killed build is removed by the next
LOCK = "lock"
LOCK_WAIT = 3.0  # seconds a build waits for another one of the same project to finish

PACKAGE = Path(__file__).parent


def files_under(*folders: Path) -> list[Path]:
    """Every file below the folders that exist, in order, but Python's bytecode caches."""
    return [p for folder in folders if folder.is_dir()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]


@functools.cache
def code_version() -> str:
    """The version and a digest of the package's code and data files: what was made by other
    code (a cached article, a search index) is made again, even between two releases."""
    digest = hashlib.sha256(__version__.encode())
    for path in files_under(PACKAGE):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load(path: Path | None) -> dict:
    try:
        return pickle.loads(path.read_bytes()) if path else {}
    except Exception:  # missing, damaged, or written by another version: only slower
        return {}


def save(path: Path, data: dict) -> None:
    write_atomic(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def write_atomic(path: Path, data: bytes) -> None:
    """Written beside under a name no other process uses, then moved into place: a killed
    build never leaves half a file, and two processes never write into one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:  # a full disk: name the file
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


def remove_temporary(cache: Path) -> None:
    """Files a killed build was writing (write_atomic's); only called with the lock held."""
    for path in cache.glob(f".*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            if path.is_file() and not path.is_symlink():
                path.unlink()


def cache_folder(cache: Path) -> Path:
    """The cache folder, made if missing; a file or a link in its place is an error."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        pass
    except OSError as exc:
        raise GazetteError(f"cannot make the cache folder: {exc.strerror}", cache) from exc
    if not cache.is_dir():
        raise GazetteError("is not a folder: the build keeps its cache there", cache,
                           hint=f"move the file away or remove it: rm {cache}")
    return cache


@contextlib.contextmanager
def project_lock(cache: Path, wait: float = LOCK_WAIT):
    """One build of a project at a time: a second one waits a little, then stops with a message.

    An flock is let go by the kernel when its process dies, however it dies: no stale lock.
    """
    path = cache_folder(cache) / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise GazetteError(f"cannot open the build lock: {exc.strerror}", path) from exc
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
                    raise GazetteError(f"another build of this project is running (pid {holder})", cache.parent,
                                       hint="wait for it to finish, or stop it") from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # lets the lock go
