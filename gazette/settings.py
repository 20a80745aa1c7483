"""site.yaml: a typed schema with defaults; unknown keys are named in a warning."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import get_type_hints

from . import frontmatter
from .errors import GazetteError, Report, key_line
from .read import read_utf8, without_controls
from .script import HANS

MAX_SETTINGS_BYTES = 64 * 1024  # a few lines of settings; every page repeats some of them


@dataclass(frozen=True)
class Settings:
    title: str = "文章选集"
    description: str = ""
    language: str = HANS
    base_url: str = ""  # absolute URL of the published site, e.g. https://user.github.io/repo/
    page_size: int = 20
    home_count: int = 10
    feed_count: int = 20
    author: str = ""

    @property
    def absolute(self) -> bool:
        return self.base_url.startswith(("http://", "https://"))

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")


def load_settings(path: Path, report: Report, base_url: str | None = None) -> Settings:
    data = {}
    if os.path.lexists(path):  # a FIFO, a folder or a link out is refused by name, not skipped
        data = frontmatter.load_yaml(_read(path), path) or {}
        if not isinstance(data, dict):
            raise GazetteError("site.yaml must be a mapping of `key: value` lines", path, 1)
    known = get_type_hints(Settings)  # the real types (annotations are strings under __future__)
    values = {}
    for key, value in data.items():
        if key not in known:
            report.warn(f"unknown setting `{key}` (ignored)", path, _line(path, key),
                        hint="known: " + ", ".join(sorted(known)))
            continue
        expected = known[key]
        if value is None:
            continue
        if not isinstance(value, expected) or isinstance(value, bool):
            raise GazetteError(f"`{key}` must be {expected.__name__}, not {type(value).__name__}", path,
                               _line(path, key))
        if isinstance(value, str):
            value, found = without_controls(value)
            if found:
                report.warn(f"removed control characters ({', '.join(found)}) from `{key}`", path, _line(path, key))
        values[key] = value
    if base_url is not None:
        values["base_url"] = base_url
    if values.get("page_size", 1) < 1:
        raise GazetteError("`page_size` must be at least 1", path, _line(path, "page_size"))
    return Settings(**values)


def _line(path: Path, key: str) -> int:
    return key_line(_read(path).split("\n"), key)


def _read(path: Path) -> str:
    return read_utf8(path, root=path.parent, limit=MAX_SETTINGS_BYTES)
