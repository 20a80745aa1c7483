"""Where a project keeps its inputs, its cache and its site."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Project:
    root: Path
    out: Path | None = None
    base_url: str | None = None
    drafts: bool = False  # `serve`: articles with `draft: true` are built too (never by a publishing build)

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def layouts(self) -> Path:
        return self.root / "layouts"

    @property
    def settings_file(self) -> Path:
        return self.root / "site.yaml"

    @property
    def public(self) -> Path:
        return self.out or self.root / "public"

    @property
    def cache(self) -> Path:
        return self.root / ".cache"

