"""The URL scheme: the path of every page and file of the site, relative to its top.

A page links to another by a relative link (`link`), so one build works at /, under
/repo-name/ and from file://. The build, search and charts take paths from here, the templates
from `urls` (a Urls), and search.js from the data the search page carries
(search.search_settings). Files, not folders; ASCII slugs that never change when an unrelated
article is added.
"""

from __future__ import annotations

from collections.abc import Callable

from .model import Article, Collection
from .script import HANS, HANT
from .slugs import UNDATED_SLUG, pinyin_words, unique

HOME = "index.html"
SEARCH = "search.html"
NOT_FOUND = "404.html"
ROBOTS = "robots.txt"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
OFFLINE_INDEX = "search-index.js"  # the search index a page opened from disk loads (a classic script)
STATIC = "static"  # layouts/static/ is copied there; the build adds T2S
T2S = f"{STATIC}/t2s.js"
# The search bundle (indexing.py): one Pagefind index a year in PAGEFIND/<year>/, their names in
# SHARDS; beside Pagefind's own files each index holds FACETS, its pages' facet values and dates
PAGEFIND = "pagefind"
SHARDS = f"{PAGEFIND}/shards.json"
PAGEFIND_SCRIPT = "pagefind.js"
FACETS = "gazette-facets.json"
# An article in the script it is written in, and its conversion into the other one
ARTICLE = "articles/{slug}.html"
CONVERTED = "articles/{folder}/{slug}.html"
SCRIPT_FOLDERS = {HANS: "hans", HANT: "hant"}
SEED = "seeds/{name}.html"  # the raw text a seed's articles come from
# The list pages: GROUPS[kind].html lists the groups of a kind, GROUPS[kind]/<slug>.html each one
GROUPS = {"city": "cities", "year": "years", "source": "sources", "district": "districts", "author": "authors"}
TABLES = {"date": "articles", "city": "articles-by-city", "source": "articles-by-source"}  # all articles, by order


def top_from(page: str) -> str:
    """The relative way from a page to the top of the site: "../" from cities/x.html, "./" at the top."""
    return "../" * page.count("/") or "./"


def link(target: str, page: str, root: str) -> str:
    """How `page` links to `target` (both paths from the top): by its name within one folder,
    else by way of the top (`root`: "../" from the page; the site's URL where links must be
    absolute, as on the 404 page)."""
    folder = page[:page.rfind("/") + 1]  # "cities/", or "" at the top
    name = target[len(folder):]
    if target.startswith(folder) and "/" not in name.split("#", 1)[0] and "://" not in root:
        return name
    return root + target


def page_name(base: str, number: int) -> str:
    """Page `number` of a paginated list: base.html, base-2.html…"""
    return f"{base}.html" if number == 1 else f"{base}-{number}.html"


def article_path(article: Article, script: str | None = None) -> str:
    if script is None or script == article.script:
        return ARTICLE.format(slug=article.slug)
    return CONVERTED.format(folder=SCRIPT_FOLDERS[script], slug=article.slug)


def seed_path(name: str) -> str:
    return SEED.format(name=name)


def year_slug(year: int | None) -> str:
    return str(year) if year else UNDATED_SLUG


def month_anchor(month: int | None) -> str:
    """The section of a year's page that lists a month (m0: the month is not known)."""
    return f"m{month or 0}"


def table_path(order: str = "date", number: int = 1) -> str:
    return page_name(TABLES[order], number)


def static_path(name: str) -> str:
    return f"{STATIC}/{name}"


def shard_path(name: str) -> str:
    """A year's Pagefind index (a folder)."""
    return f"{PAGEFIND}/{name}"


def unique_slugs(names: list[str]) -> dict[str, str]:
    """Pinyin slugs for names, made unique in the order of the names sorted."""
    taken: set[str] = set()
    return {name: unique("-".join(pinyin_words(name)) or "x", taken) for name in sorted(names)}


class Urls:
    """The paths of one collection's pages, as the templates ask for them (`urls`).

    Cities are named by the gazetteer, years by their number; a source, a district or an
    author by the pinyin of its name, made unique among those of its kind in the collection.
    """

    home, search, not_found, feed, sitemap, t2s = HOME, SEARCH, NOT_FOUND, FEED, SITEMAP, T2S

    def __init__(self, collection: Collection, city_slug: Callable[[str], str]):
        self._slugs: dict[str, Callable] = {"city": city_slug, "year": year_slug}
        for kind, groups in (("source", collection.by_source), ("district", collection.by_district),
                             ("author", collection.by_author)):
            self._slugs[kind] = unique_slugs(list(groups)).__getitem__

    def article(self, article: Article, script: str | None = None) -> str:
        return article_path(article, script)

    def seed(self, name: str) -> str:
        return seed_path(name)

    def slug(self, kind: str, key) -> str:
        return self._slugs[kind](key)

    def groups(self, kind: str) -> str:
        """The page that lists every group of a kind (cities.html)."""
        return f"{GROUPS[kind]}.html"

    def group(self, kind: str, key, number: int = 1) -> str:
        """Page `number` of a group's list of articles (cities/shenyang.html)."""
        return f"{GROUPS[kind]}/{page_name(self.slug(kind, key), number)}"

    def month(self, year: int | None, month: int | None) -> str:
        return f"{self.group('year', year)}#{month_anchor(month)}"

    def table(self, order: str = "date", number: int = 1) -> str:
        return table_path(order, number)

    def static(self, name: str) -> str:
        return static_path(name)
