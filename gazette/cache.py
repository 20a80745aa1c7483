"""The build cache in .cache/: pickled data that only saves time, so any failure to read is a miss."""

from __future__ import annotations

import os
import pickle
from pathlib import Path


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
