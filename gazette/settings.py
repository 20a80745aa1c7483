"""site.yaml: a typed schema with defaults; unknown keys are named in a warning."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from . import frontmatter
from .errors import GazetteError, Report, key_line
from .read import read_utf8


@dataclass(frozen=True)
class Settings:
    title: str = "文章选集"
    description: str = ""
    language: str = "zh-Hans"
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
    if path.is_file():
        data = frontmatter.load_yaml(read_utf8(path), path) or {}
        if not isinstance(data, dict):
            raise GazetteError("site.yaml must be a mapping of `key: value` lines", path, 1)
    known = {f.name: f for f in fields(Settings)}
    values = {}
    for key, value in data.items():
        if key not in known:
            report.warn(f"unknown setting `{key}` (ignored)", path, _line(path, key),
                        hint="known: " + ", ".join(sorted(known)))
            continue
        expected = int if known[key].type == "int" else str
        if value is None:
            continue
        if not isinstance(value, expected) or isinstance(value, bool):
            raise GazetteError(f"`{key}` must be {expected.__name__}, not {type(value).__name__}", path,
                               _line(path, key))
        values[key] = value
    if base_url is not None:
        values["base_url"] = base_url
    if values.get("page_size", 1) < 1:
        raise GazetteError("`page_size` must be at least 1", path, _line(path, "page_size"))
    return Settings(**values)


def _line(path: Path, key: str) -> int:
    return key_line(read_utf8(path).split("\n"), key)
