"""Rendering: which pages the site has (PageJob: a path, a template, its data), and each page
rendered with the Jinja layouts.

A page's data is given to the templates behind recording proxies (fingerprints.py): a render
gives the page and what it read, and the next build renders the page again only when something
it read changed. Paths come from urls.py, text formats from formats.py and markdown.py.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from .cache import code_version
from .charts import maps, timeline_bars
from .errors import GazetteError
from .fingerprints import Evaluator, Log, Memo, Reads
from .fingerprints import attribute as proxy_attribute
from .formats import LABELS, UNDATED, UNKNOWN_MONTH, atom_time, format_date, month_label, year_label
from .gazetteer import Gazetteer
from .markdown import cjk_punctuation, is_damaged, mark_garbled
from .model import UNKNOWN_SOURCE, Article, Collection
from .read import read_utf8
from .script import HANS, HANT, convert
from .search import T2S_GLOBAL, search_settings
from .settings import Settings
from .urls import (
    FEED,
    HOME,
    NOT_FOUND,
    ROBOTS,
    SEARCH,
    SITEMAP,
    Urls,
    article_path,
    link,
    month_anchor,
    seed_path,
    table_path,
    top_from,
)

TABLE_ROWS = 100  # rows of a page of the table of all articles (a row is small: a list page has 20)
NAVIGATION = ("city", "year", "source")  # the kinds of list every page links to
KINDS = ("city", "district", "year", "source", "author")  # every kind of list, as the home page offers them


@dataclass(frozen=True)
class PageJob:
    """One output file: its template and its data, made when the page is rendered or compared."""

    path: str
    template: str
    data: Callable[[], dict]
    lang: str = HANS
    script: str | None = None  # the page, once rendered, converted into this script
    root: str | None = None  # the way back to the site's top; by default relative ("../")


def alt_script(article: Article) -> str:
    return HANT if article.script == HANS else HANS


def paginate(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def feed_articles(collection: Collection, count: int) -> list[Article]:
    """The newest dated articles, newest first."""
    return [a for a in collection.articles if a.date][:count]


class Renderer:
    def __init__(self, layouts: Path, settings: Settings, collection: Collection, gazetteer: Gazetteer,
                 prepared: dict):
        self.settings = settings
        self.collection = collection
        self.gazetteer = gazetteer
        self.prepared = prepared
        self.urls = Urls(collection, gazetteer.city_slug)
        self.env = LayoutEnvironment(
            loader=LayoutLoader(str(layouts)), autoescape=True,
            undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
        self.env.filters.update(date_zh=format_date, tojson_ascii=_tojson, punct=cjk_punctuation,
                                mark_garbled=mark_garbled, atom_time=atom_time, year_label=year_label,
                                month_label=month_label, link=_link)
        # constants and functions of the code; the data is given to each render, never as a global
        self.env.globals.update(HANS=HANS, HANT=HANT, UNKNOWN_SOURCE=UNKNOWN_SOURCE, UNDATED=UNDATED,
                                UNKNOWN_MONTH=UNKNOWN_MONTH, labels=LABELS, month_anchor=month_anchor,
                                NAVIGATION=NAVIGATION, KINDS=KINDS, T2S_GLOBAL=T2S_GLOBAL)
        self.shared = {"site": settings, "urls": self.urls, "has_feed": bool(feed_articles(collection, 1))}
        self.evaluator = Evaluator(self.shared, collection.articles)
        self.memo = Memo()
        self._sources: dict[str, str] = {}

    # --- Rendering ----------------------------------------------------------------------------

    def template(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise GazetteError(f"template syntax error: {exc.message}", exc.filename or name, exc.lineno) from exc
        except jinja2.TemplateNotFound:
            raise GazetteError(f"template {name!r} not found in layouts/") from None

    def check_templates(self) -> None:
        """Compile every layout now, so a syntax error stops the build before any page."""
        for name in self.env.list_templates(filter_func=lambda n: not n.startswith("static/")):
            self.template(name)

    def render(self, job: PageJob) -> tuple[str, Reads]:
        """The page, and what its render read."""
        log = Log(self.shared, self.memo)
        variables = {name: log.variable(name, value) for name, value in self._variables(job).items()}
        self.env.log = log
        try:
            text = self.template(job.template).render(variables)
        except jinja2.TemplateError as exc:
            raise GazetteError(f"template error: {exc}", f"layouts/{job.template}") from exc
        finally:
            self.env.log = None
        if job.script:
            text = convert(text, job.script)
        return text, log.reads(self._head(job, log.templates))

    def unchanged(self, job: PageJob, reads: Reads | None) -> bool:
        """Whether the page would be what it was when it read `reads` (the last build's)."""
        if reads is None:
            return False
        try:
            head = self._head(job, reads.templates)
        except (GazetteError, OSError):  # a template gone or unreadable: the render says what
            return False
        return self.evaluator.unchanged(reads, head, self._variables(job))

    def _variables(self, job: PageJob) -> dict:
        root = job.root or top_from(job.path)
        return {**self.shared, "root": root, "path": job.path, "lang": job.lang, **job.data()}

    def _head(self, job: PageJob, templates) -> str:
        """What a page's fingerprint hashes besides what it read: the code, the templates' sources."""
        return "|".join([code_version(), job.template, job.script or "",
                         *(f"{name}:{self._source_hash(name)}" for name in templates)])

    def _source_hash(self, name: str) -> str:
        if name not in self._sources:
            try:
                source = self.env.loader.get_source(self.env, name)[0]
            except jinja2.TemplateNotFound:
                raise GazetteError(f"template {name!r} not found in layouts/") from None
            self._sources[name] = hashlib.sha256(source.encode()).hexdigest()
        return self._sources[name]

    def seed_page(self, name: str, text: str, articles: list[Article]) -> str:
        return self.render(PageJob(seed_path(name), "seed.html",
                                   functools.partial(dict, name=name, text=text, articles=articles)))[0]

    # --- The pages ----------------------------------------------------------------------------

    def jobs(self) -> list[PageJob]:
        c, settings = self.collection, self.settings
        jobs = [
            PageJob(HOME, "index.html", self._home),
            PageJob(SEARCH, "search.html", lambda: {"search": search_settings()}),
            # GitHub Pages answers a missing URL at any depth with 404.html: only absolute links
            # work there, so with a base_url it gets them (without, it works at the top only)
            PageJob(NOT_FOUND, "404.html", dict, root=settings.url("") if settings.absolute else None),
            PageJob(ROBOTS, "robots.txt", dict),
        ]
        for a in c.articles:
            for script in (a.script, alt_script(a)):
                jobs.append(PageJob(article_path(a, script), "article.html",
                                    functools.partial(self._article, a, script),
                                    lang=script, script=None if script == a.script else script))
        jobs += self._lists("city", c.by_city, maps=self._maps)
        jobs += self._lists("year", c.by_year, timeline=self._timeline)
        jobs += self._lists("source", c.by_source)
        jobs += self._lists("district", c.by_district)
        jobs += self._lists("author", c.by_author)
        jobs += self._table()
        if settings.absolute:
            entries = self._sitemap([j.path for j in jobs if j.path.endswith(".html") and j.path != NOT_FOUND])
            feed = feed_articles(c, settings.feed_count)
            if feed:
                summaries = {a.slug: self.prepared[a.slug].summary for a in feed}
                jobs.append(PageJob(FEED, "feed.xml", functools.partial(dict, articles=feed, summaries=summaries)))
            jobs.append(PageJob(SITEMAP, "sitemap.xml", functools.partial(dict, entries=entries)))
        return jobs

    @functools.cached_property
    def _charts(self) -> tuple[dict, dict | None]:
        return (maps(self.collection, self.gazetteer, functools.partial(self.urls.group, "city")),
                timeline_bars(self.collection))

    def _maps(self) -> dict:
        return self._charts[0]

    def _timeline(self) -> dict | None:
        return self._charts[1]

    def _home(self) -> dict:
        c = self.collection
        return {"total": len(c.articles), "newest": c.articles[:self.settings.home_count],
                "counts": {kind: _counts(groups) for kind, groups in
                           (("city", c.by_city), ("year", c.by_year), ("source", c.by_source))},
                "maps": self._maps(), "timeline": self._timeline()}

    def _article(self, a: Article, script: str) -> dict:
        c, prepared = self.collection, self.prepared[a.slug]
        path = article_path(a, script)
        return {"article": a, "script": script, "body": Markup(prepared.html), "damaged": is_damaged(a, prepared.html),
                "chrome_lang": HANS if script == a.script == HANT else script,
                "description": prepared.summary or a.subtitle or a.title,
                "older": c.previous[a.slug], "newer": c.next[a.slug], "related": c.related[a.slug],
                "linked_data": self._linked_data(a, script, path, prepared.summary) if self.settings.absolute else None}

    def _linked_data(self, a: Article, script: str, path: str, summary: str) -> dict:
        """schema.org NewsArticle: only what is known (a field is left out, never a placeholder)."""
        data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
                "inLanguage": script, "url": self.settings.url(path)}
        if a.date:
            data["datePublished"] = a.date_iso
        if a.authors:
            data["author"] = [{"@type": "Person", "name": name} for name in a.authors]
        if a.source != UNKNOWN_SOURCE:
            data["publisher"] = {"@type": "Organization", "name": a.source}
        if a.city:
            data["contentLocation"] = {"@type": "Place", "name": a.city}
        if summary:
            data["description"] = summary
        return data

    def _lists(self, kind: str, groups: dict, **charts: Callable[[], dict | None]) -> list[PageJob]:
        """The page of a kind's groups (cities.html), and each group's pages of articles."""
        jobs = [PageJob(self.urls.groups(kind), "groups.html", functools.partial(
            self._groups, kind, groups, charts))]
        for key, articles in groups.items():
            chunks = paginate(articles, self.settings.page_size)
            pages = [self.urls.group(kind, key, n) for n in range(1, len(chunks) + 1)]
            by_month = kind == "year" and len(chunks) == 1  # one page of a year: its months
            for number, chunk in enumerate(chunks, 1):
                jobs.append(PageJob(pages[number - 1], "list.html", functools.partial(
                    self._list, kind, key, chunk, number, pages, len(articles), by_month)))
        return jobs

    def _groups(self, kind: str, groups: dict, charts: dict) -> dict:
        return {"kind": kind, "groups": _counts(groups), **{name: make() for name, make in charts.items()}}

    def _list(self, kind: str, key, articles: list[Article], number: int, pages: list[str], total: int,
              by_month: bool) -> dict:
        return {"kind": kind, "key": key, "articles": articles, "number": number, "pages": pages, "total": total,
                "months": self.collection.months(key) if by_month else None}

    def _table(self) -> list[PageJob]:
        """Every article in a table, sorted by date, by city or by source: each order its own
        pages (no script needed); the column headings link the orders."""
        c, urls = self.collection, self.urls
        orders = {"date": c.articles,
                  "city": sorted(c.articles, key=lambda a: (a.city is None, a.city and urls.slug("city", a.city))),
                  "source": sorted(c.articles, key=lambda a: urls.slug("source", a.source))}
        jobs = []
        for order, articles in orders.items():
            chunks = paginate(articles, TABLE_ROWS)
            pages = [table_path(order, n) for n in range(1, len(chunks) + 1)]
            for number, chunk in enumerate(chunks, 1):
                jobs.append(PageJob(pages[number - 1], "all.html", functools.partial(
                    dict, order=order, orders=list(orders), articles=chunk, number=number, pages=pages,
                    total=len(articles))))
        return jobs

    def _sitemap(self, paths: list[str]) -> list[tuple[str, str]]:
        """(URL path, lastmod) of every page: the home page as its canonical link names it (the
        folder), an article page dated by its day where the day is known."""
        days = {article_path(a, script): a.date_iso for a in self.collection.articles
                if a.date and a.date_precision in (None, "day") for script in (HANS, HANT)}
        return [("" if p == HOME else p, days.get(p, "")) for p in sorted(paths)]


def _counts(groups: dict) -> list[tuple]:
    """(key, number of articles) of each group, in order: what a list of groups shows."""
    return [(key, len(articles)) for key, articles in groups.items()]


class LayoutEnvironment(jinja2.Environment):
    """Jinja, telling the render under way (`log`) which templates it loads: its own, the one it
    extends, those it imports; and reading the data's proxies without Python's detour through
    a failed attribute lookup (most of what a page reads)."""

    log: Log | None = None

    def getattr(self, obj, attribute):
        try:
            value = proxy_attribute(obj, attribute)
        except (AttributeError, LookupError, TypeError):
            return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute) if value is NotImplemented else value

    def get_template(self, name, parent=None, globals=None):
        if self.log is not None and isinstance(name, str):
            self.log.templates[name] = None
        return super().get_template(name, parent, globals)


class LayoutLoader(jinja2.FileSystemLoader):
    """Templates read as every input is (read.read_input): regular files inside the project, so
    a link out of it or a FIFO among the layouts is an error, not a page or a hang."""

    def get_source(self, environment, template):
        path = Path(self.searchpath[0], *jinja2.loaders.split_template_path(template))
        if not os.path.lexists(path):
            raise jinja2.TemplateNotFound(template)
        text = read_utf8(path, root=Path(self.searchpath[0]).parent)
        mtime = path.stat().st_mtime
        return text, str(path), lambda: os.path.exists(path) and path.stat().st_mtime == mtime


@jinja2.pass_context
def _link(context, target: str) -> str:
    """`{{ urls.home | link }}`: the page's link to a path of the site (urls.link)."""
    page = context.parent  # the variables of the render (macros are imported with them)
    return link(str(target), page["path"], page["root"])


def _tojson(value) -> Markup:
    """JSON for a <script type="application/…json"> block: '<' escaped so no tag can close it,
    anything not ASCII as \\u escapes (a compatibility ideograph is not in NFC, as HTML wants)."""
    text = json.dumps(value, ensure_ascii=True, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
