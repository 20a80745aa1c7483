"""The content model: plain dataclasses, built once, read by the templates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from .script import to_simplified

RELATED_COUNT = 5
UNKNOWN_SOURCE = "未注明"  # the `source` of an article whose source is not known


def reduced_iso(date: dt.date | None, precision: str | None) -> str:
    """A date as ISO 8601 to its precision: "2020", "2020-03" or "2020-03-04" ("" for none)."""
    if date is None:
        return ""
    return date.isoformat()[:{"year": 4, "month": 7}.get(precision or "day", 10)]


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
    province: str | None = None  # 辽宁, 黑龙江: from the front matter, or the city's
    date_precision: str | None = None
    date_inferred: bool = False  # the importer inferred the date (it wrote date_precision): the page says so
    author: str | None = None
    seed: str | None = None
    seed_part: int | None = None  # its place among the articles of the seed
    captions: tuple[str, ...] = ()
    review: tuple[str, ...] = ()
    draft: bool = False  # shown by `serve`, never published

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    @property
    def month(self) -> int | None:
        return self.date.month if self.date and self.date_precision != "year" else None

    @property
    def date_iso(self) -> str:
        """The date to the precision known: "2020", "2020-03" or "2020-03-04" ("" if undated).

        Valid as an HTML `datetime` and as an ISO 8601 / schema.org Date of reduced precision,
        so no page or index shows the day a year-only date was stored with. Compared as text,
        a period sorts before the days in it.
        """
        return reduced_iso(self.date, self.date_precision)

    @property
    def period_start(self) -> dt.date | None:
        """The first day of the period date_iso names, where a full timestamp is unavoidable."""
        if self.date is None or self.date_precision not in ("year", "month"):
            return self.date
        return self.date.replace(month=self.month or 1, day=1)

    @property
    def district_key(self) -> str | None:
        """A district's list name, with its city: 铁西区 is in 沈阳 and in 鞍山."""
        return f"{self.city} {self.district}" if self.district and self.city else self.district

    @cached_property  # converted once, however many pages show them
    def authors(self) -> list[str]:
        """The names, in Simplified: 王雲峰 of a Traditional page is the 王云峰 of the author lists."""
        names = (self.author or "").replace("，", "、").replace(",", "、").split("、")
        return [to_simplified(name.strip()) for name in names if name.strip()]

    @property
    def sort_key(self) -> tuple:
        return (self.date_iso, self.slug)  # not the stored day of a year-only date


@dataclass
class Collection:
    """Articles newest first, with the indexes the pages need."""

    articles: list[Article]
    by_city: dict[str, list[Article]] = field(default_factory=dict)
    by_year: dict[int | None, list[Article]] = field(default_factory=dict)
    by_source: dict[str, list[Article]] = field(default_factory=dict)
    by_district: dict[str, list[Article]] = field(default_factory=dict)  # "沈阳 沈河区"
    by_author: dict[str, list[Article]] = field(default_factory=dict)
    previous: dict[str, Article | None] = field(default_factory=dict)  # older
    next: dict[str, Article | None] = field(default_factory=dict)  # newer
    related: dict[str, list[Article]] = field(default_factory=dict)

    @classmethod
    def build(cls, articles: list[Article]) -> Collection:
        ordered = sorted(articles, key=lambda a: a.sort_key, reverse=True)
        c = cls(ordered)
        groups: dict[str, dict] = {k: defaultdict(list) for k in ("city", "year", "source", "district", "author")}
        for a in ordered:
            if a.city:
                groups["city"][a.city].append(a)
            if a.district:
                groups["district"][a.district_key].append(a)
            for author in a.authors:
                groups["author"][author].append(a)
            groups["year"][a.year].append(a)
            groups["source"][a.source].append(a)
        by_size = lambda kv: (-len(kv[1]), kv[0])  # noqa: E731
        c.by_city = dict(sorted(groups["city"].items(), key=by_size))
        c.by_year = dict(sorted(groups["year"].items(), key=lambda kv: kv[0] or 0, reverse=True))
        c.by_source = dict(sorted(groups["source"].items(), key=by_size))
        c.by_district = dict(sorted(groups["district"].items(), key=by_size))
        c.by_author = dict(sorted(groups["author"].items(), key=by_size))
        chronological = ordered[::-1]
        for i, a in enumerate(chronological):
            c.previous[a.slug] = chronological[i - 1] if i > 0 else None
            c.next[a.slug] = chronological[i + 1] if i + 1 < len(chronological) else None
        for city_articles in c.by_city.values():
            # a city's list is in date order: the nearest in time stand within a few places
            for i, a in enumerate(city_articles):
                window = city_articles[max(0, i - RELATED_COUNT):i] + city_articles[i + 1:i + 1 + RELATED_COUNT]
                here = a.period_start or dt.date.min
                window.sort(key=lambda b: (abs(((b.period_start or dt.date.min) - here).days), b.slug))
                c.related[a.slug] = window[:RELATED_COUNT]
        for a in ordered:
            c.related.setdefault(a.slug, [])
        return c

    def months(self, year: int | None) -> dict[int | None, list[Article]]:
        out: dict[int | None, list[Article]] = defaultdict(list)
        for a in self.by_year.get(year, []):
            out[a.month].append(a)
        return dict(sorted(out.items(), key=lambda kv: kv[0] or 0, reverse=True))
