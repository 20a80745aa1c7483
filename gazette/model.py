"""The content model: plain dataclasses, built once, read by the templates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

RELATED_COUNT = 5


@dataclass(frozen=True)
class Article:
    slug: str
    source_path: str  # the content file, relative to the project
    title: str
    city: str | None
    date: dt.date | None
    source: str
    script: str
    body: str  # Markdown
    subtitle: str | None = None
    district: str | None = None
    date_precision: str | None = None
    author: str | None = None
    seed: str | None = None
    captions: tuple[str, ...] = ()
    review: tuple[str, ...] = ()

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    @property
    def month(self) -> int | None:
        return self.date.month if self.date and self.date_precision != "year" else None

    @property
    def sort_key(self) -> tuple:
        return (self.date or dt.date.min, self.slug)


@dataclass
class Collection:
    """Articles newest first, with the indexes the pages need."""

    articles: list[Article]
    by_city: dict[str, list[Article]] = field(default_factory=dict)
    by_year: dict[int | None, list[Article]] = field(default_factory=dict)
    by_source: dict[str, list[Article]] = field(default_factory=dict)
    previous: dict[str, Article | None] = field(default_factory=dict)  # older
    next: dict[str, Article | None] = field(default_factory=dict)  # newer
    related: dict[str, list[Article]] = field(default_factory=dict)

    @classmethod
    def build(cls, articles: list[Article]) -> "Collection":
        ordered = sorted(articles, key=lambda a: a.sort_key, reverse=True)
        c = cls(ordered)
        groups: dict[str, dict] = {"city": defaultdict(list), "year": defaultdict(list), "source": defaultdict(list)}
        for a in ordered:
            if a.city:
                groups["city"][a.city].append(a)
            groups["year"][a.year].append(a)
            groups["source"][a.source].append(a)
        c.by_city = dict(sorted(groups["city"].items(), key=lambda kv: (-len(kv[1]), kv[0])))
        c.by_year = dict(sorted(groups["year"].items(), key=lambda kv: kv[0] or 0, reverse=True))
        c.by_source = dict(sorted(groups["source"].items(), key=lambda kv: (-len(kv[1]), kv[0])))
        chronological = ordered[::-1]
        for i, a in enumerate(chronological):
            c.previous[a.slug] = chronological[i - 1] if i > 0 else None
            c.next[a.slug] = chronological[i + 1] if i + 1 < len(chronological) else None
        for a in ordered:
            same = [b for b in c.by_city.get(a.city, []) if b.slug != a.slug] if a.city else []
            same.sort(key=lambda b: (abs(((b.date or dt.date.min) - (a.date or dt.date.min)).days), b.slug))
            c.related[a.slug] = same[:RELATED_COUNT]
        return c

    def months(self, year: int | None) -> dict[int | None, list[Article]]:
        out: dict[int | None, list[Article]] = defaultdict(list)
        for a in self.by_year.get(year, []):
            out[a.month].append(a)
        return dict(sorted(out.items(), key=lambda kv: kv[0] or 0, reverse=True))
