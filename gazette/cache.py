"""The build cache in .cache/: pickled data that only saves time, so any failure to read is a miss."""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path

from . import __version__

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
    """Written beside and moved into place: a killed build never leaves half a cache."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, path)
