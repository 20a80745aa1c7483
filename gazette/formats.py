"""How dates, kinds of list and missing values read on the site and in search: one label each.

Plain text, shared by the pages (as Jinja filters and globals), the search indexes and the
charts; no HTML here (markdown.py makes that).
"""

from __future__ import annotations

from .model import Article

UNDATED = "日期不详"  # an article whose date is not known: its date, its year, its search facet
UNKNOWN_MONTH = "月份不详"
NO_CITY = "未标注"  # the city facet of an article about no one city
# What a list, a table column or a search facet is named by
LABELS = {"city": "城市", "year": "年份", "source": "来源", "district": "区县", "author": "作者",
          "date": "日期", "title": "标题"}


def year_label(year: int | None) -> str:
    return f"{year}年" if year else UNDATED


def month_label(month: int | None) -> str:
    return f"{month}月" if month else UNKNOWN_MONTH


def format_date(article: Article) -> str:
    """The date as known: 2020年, 2020年3月 or 2020年3月4日."""
    d = article.date
    if d is None:
        return UNDATED
    if article.date_precision == "year":
        return year_label(d.year)
    if article.date_precision == "month":
        return f"{d.year}年{d.month}月"
    return f"{d.year}年{d.month}月{d.day}日"


# Atom wants a full RFC 3339 timestamp, and the build has no clock (the same input gives the same
# bytes): an entry is dated at the start of its known period, the earliest it can have appeared,
# and its summary gives the date as known (2020年). An undated article has no date to give, and
# `updated` is required (RFC 4287 4.1.2): it is left out of the feed (render.feed_articles).


def atom_time(article: Article) -> str:
    return f"{article.period_start.isoformat()}T00:00:00Z"
