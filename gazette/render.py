"""Rendering: the model to pages (path -> text), with Jinja layouts and markdown-it.

Every internal link is relative (`root` is the way back to the site's top from the page), so
one build works at /, under /repo-name/ and from file://.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from .charts import maps, timeline_bars
from .errors import GazetteError
from .extract import UNKNOWN_SOURCE
from .garbled import GARBLED
from .gazetteer import Gazetteer
from .model import Article, Collection
from .read import read_utf8
from .script import HANS, HANT, convert
from .settings import Settings
from .slugs import pinyin_words, unique

TABLE_ROWS = 100  # rows of a page of the table of all articles (a row is small: a list page has 20)
TABLE_BASES = {"date": "articles", "city": "articles-by-city", "source": "articles-by-source"}
SAFE_SCHEMES = ("http:", "https:", "mailto:")
UNDATED = "undated"


# --- Markdown ---------------------------------------------------------------------------------

def _validate_link(url: str) -> bool:
    """Only web, mail and relative links: javascript:, data:, vbscript:, file: are dropped."""
    scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):", url)
    return scheme is None or (scheme.group(1).lower() + ":") in SAFE_SCHEMES


_HAN_BEFORE = r"(?<=[\u3400-\u9fff”’」』）])"
_HAN_AFTER = r"(?=[\u3400-\u9fff“‘「『（\d])"
_FULL_WIDTH = str.maketrans(",;:?!", "，；：？！")
_ASCII_PUNCT = re.compile(_HAN_BEFORE + r"[,;:?!](?!\d)|[,;:?!]" + _HAN_AFTER)


def cjk_punctuation(text: str) -> str:
    """ASCII , ; : ? ! beside Chinese characters set as their full-width forms, for display.

    Many sources type ASCII punctuation in Chinese text; it renders cramped. A '?' that is
    part of a garbled spot stays as it is: it is evidence for the curator.
    """
    garbled = [m.span() for m in GARBLED.finditer(text)]
    return _ASCII_PUNCT.sub(lambda m: m.group(0) if any(a <= m.start() < b for a, b in garbled)
                            else m.group(0).translate(_FULL_WIDTH), text)


def _typography(state) -> None:
    for token in state.tokens:
        for child in token.children or []:
            if child.type == "text":
                child.content = cjk_punctuation(child.content)


GARBLED_MARK = '<mark class="garbled" title="原文乱码">'


def mark_garbled(text: str) -> Markup:
    """The text escaped for HTML, each garbled spot in a <mark>: readers see what is damaged."""
    parts, at = [], 0
    for match in GARBLED.finditer(text):
        parts += [escape(text[at:match.start()]), Markup(GARBLED_MARK), escape(match.group(0)), Markup("</mark>")]
        at = match.end()
    return Markup("").join(parts + [escape(text[at:])])


def _render_text(self, tokens, idx, options, env) -> str:
    return str(mark_garbled(tokens[idx].content))


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link
    md.core.ruler.push("cjk_punctuation", _typography)
    md.add_render_rule("text", _render_text)  # after parsing: search text keeps the spots as text
    return md


def is_damaged(article: Article, body_html: str) -> bool:
    """Whether the article page shows garbled spots (the page then says so at its top)."""
    return GARBLED_MARK in body_html or any(GARBLED.search(t) for t in (article.title, article.subtitle or "",
                                                                           *article.captions))


def plain_text_of(tokens) -> str:
    """Text of parsed Markdown without its syntax, for search."""
    return " ".join(child.content for t in tokens if t.type == "inline" for child in (t.children or [])
                    if child.type in ("text", "code_inline"))


# --- Formatting -------------------------------------------------------------------------------

def format_date(article: Article) -> str:
    d = article.date
    if d is None:
        return "日期不详"
    if article.date_precision == "year":
        return f"{d.year}年"
    if article.date_precision == "month":
        return f"{d.year}年{d.month}月"
    return f"{d.year}年{d.month}月{d.day}日"


# Atom wants a full RFC 3339 timestamp, and the build has no clock (the same input gives the same
# bytes): an entry is dated at the start of its known period, the earliest it can have appeared,
# and its summary gives the date as known (2020年). An undated article has no date to give, and
# `updated` is required (RFC 4287 4.1.2): it is left out of the feed (feed_articles).


def atom_time(article: Article) -> str:
    return f"{article.period_start.isoformat()}T00:00:00Z"


def feed_articles(collection: Collection, count: int) -> list[Article]:
    """The newest dated articles, newest first."""
    return [a for a in collection.articles if a.date][:count]


_SENTENCE = re.compile(r".+?(?:[。！？!?…]+[”’」』）)]*|$)", re.S)


def first_sentences(text: str, least: int = 60, most: int = 160) -> str:
    """The opening sentences of a text, for a description or a summary: whole sentences up to at
    least `least` characters where the text has them, never more than `most` (then cut, with …)."""
    text = re.sub(r"(?<=[。！？”’」』）])\s+|\s+(?=[“‘「『（])", "", " ".join(text.split()))
    out = ""
    for match in _SENTENCE.finditer(text):
        if out and len(out) + len(match.group(0)) > most:
            break
        out += match.group(0)
        if len(out) >= least:
            break
    return out if len(out) <= most else out[:most - 1] + "…"


def year_slug(year: int | None) -> str:
    return str(year) if year else UNDATED


def alt_script(article: Article) -> str:
    return HANT if article.script == HANS else HANS


def article_path(article: Article, script: str | None = None) -> str:
    """The original at articles/SLUG.html; its conversion in articles/hans/ or articles/hant/."""
    if script is None or script == article.script:
        return f"articles/{article.slug}.html"
    return f"articles/{'hant' if script == HANT else 'hans'}/{article.slug}.html"


def paginate(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def page_name(base: str, number: int) -> str:
    return f"{base}.html" if number == 1 else f"{base}-{number}.html"


# --- Pages ------------------------------------------------------------------------------------

@dataclass
class PageJob:
    """One output file: `key` fingerprints all it shows (None: always rendered, it is cheap)."""

    path: str
    key: str | None
    render: Callable[[], str]


def fingerprint(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def shown(a: Article | None) -> tuple | None:
    """What a list or a link shows of an article."""
    if a is None:
        return None
    return (a.slug, a.title, a.subtitle, a.city, a.district, a.date, a.date_precision, a.source, a.author)


class Renderer:
    def __init__(self, layouts: Path, settings: Settings, collection: Collection, gazetteer: Gazetteer,
                 prepared: dict, site_key: str = ""):
        self.settings = settings
        self.collection = collection
        self.gazetteer = gazetteer
        self.prepared = prepared
        self.site_key = site_key  # layouts, settings and code: a change re-renders everything
        self.env = jinja2.Environment(
            loader=LayoutLoader(str(layouts)), autoescape=True,
            undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
        self.env.filters.update(date_zh=format_date, tojson_ascii=_tojson, punct=cjk_punctuation,
                                mark_garbled=mark_garbled, atom_time=atom_time)
        self.env.globals.update(
            site=settings, article_path=article_path, year_slug=year_slug,
            city_slug=gazetteer.city_slug, source_slug=self.source_slug, district_slug=self.district_slug,
            author_slug=self.author_slug, HANS=HANS, HANT=HANT, UNKNOWN_SOURCE=UNKNOWN_SOURCE,
            has_feed=bool(feed_articles(collection, 1)))
        self._slugs = {kind: _unique_slugs(list(groups)) for kind, groups in
                       (("sources", collection.by_source), ("districts", collection.by_district),
                        ("authors", collection.by_author))}

    def source_slug(self, source: str) -> str:
        return self._slugs["sources"][source]

    def district_slug(self, key: str) -> str:
        return self._slugs["districts"][key]

    def author_slug(self, name: str) -> str:
        return self._slugs["authors"][name]

    def template(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise GazetteError(f"template syntax error: {exc.message}", exc.filename or name, exc.lineno)
        except jinja2.TemplateNotFound:
            raise GazetteError(f"template {name!r} not found in layouts/")

    def check_templates(self) -> None:
        """Compile every layout now, so a syntax error stops the build before any page."""
        for name in self.env.list_templates(filter_func=lambda n: not n.startswith("static/")):
            self.template(name)

    def page(self, template_name: str, path: str, lang: str = HANS, root: str | None = None, **context) -> str:
        """`root` is the way back to the site's top: relative ("../"), unless given (404.html)."""
        root = root or "../" * path.count("/") or "./"
        try:
            return self.template(template_name).render(root=root, path=path, lang=lang, **context)
        except jinja2.TemplateError as exc:
            raise GazetteError(f"template error: {exc}", f"layouts/{template_name}")

    def jobs(self) -> list[PageJob]:
        c = self.collection
        jobs = [
            PageJob("index.html", None, lambda: self.page(
                "index.html", "index.html", collection=c, newest=c.articles[:self.settings.home_count],
                maps=maps(c, self.gazetteer), timeline=timeline_bars(c))),
            PageJob("search.html", None, lambda: self.page("search.html", "search.html", collection=c)),
            # GitHub Pages answers a missing URL at any depth with 404.html: only absolute links
            # work there, so with a base_url it gets them (without, it works at the top only)
            PageJob("404.html", None, lambda: self.page(
                "404.html", "404.html", root=self.settings.url("") if self.settings.absolute else None)),
            PageJob("robots.txt", None, lambda: self.page("robots.txt", "robots.txt")),
        ]
        for a in c.articles:
            for script in (a.script, alt_script(a)):
                jobs.append(PageJob(article_path(a, script), self._article_key(a, script),
                                    functools.partial(self._article_page, a, script)))
        jobs += self._lists("cities", "城市", c.by_city, self.gazetteer.city_slug,
                            extra={"maps": maps(c, self.gazetteer)})
        jobs += self._lists("years", "年份", c.by_year, year_slug, extra={"timeline": timeline_bars(c)}, months=True)
        jobs += self._lists("sources", "来源", c.by_source, self.source_slug)
        jobs += self._lists("districts", "区县", c.by_district, self.district_slug)
        jobs += self._lists("authors", "作者", c.by_author, self.author_slug)
        jobs += self._table()
        if self.settings.absolute:
            entries = self._sitemap([j.path for j in jobs if j.path.endswith(".html") and j.path != "404.html"])
            feed = feed_articles(c, self.settings.feed_count)
            if feed:
                jobs.append(PageJob("feed.xml", None, lambda: self.page(
                    "feed.xml", "feed.xml", articles=feed, summaries={a.slug: self.prepared[a.slug].summary
                                                                      for a in feed})))
            jobs.append(PageJob("sitemap.xml", None, lambda: self.page("sitemap.xml", "sitemap.xml", entries=entries)))
        return jobs

    def _sitemap(self, paths: list[str]) -> list[tuple[str, str]]:
        """(URL path, lastmod) of every page: the home page as its canonical link names it (the
        folder), an article page dated by its day where the day is known."""
        days = {article_path(a, script): a.date_iso for a in self.collection.articles
                if a.date and a.date_precision in (None, "day") for script in (HANS, HANT)}
        return [("" if p == "index.html" else p, days.get(p, "")) for p in sorted(paths)]

    def _table(self) -> list[PageJob]:
        """Every article in a table, sorted by date, by city or by source: each order its own
        pages (no script needed); the column headings link the orders."""
        c = self.collection
        city = self.gazetteer.city_slug
        orders = {"date": c.articles,
                  "city": sorted(c.articles, key=lambda a: (a.city is None, a.city and city(a.city))),
                  "source": sorted(c.articles, key=lambda a: self.source_slug(a.source))}
        firsts = {order: page_name(TABLE_BASES[order], 1) for order in orders}
        jobs = []
        for order, articles in orders.items():
            chunks = paginate(articles, TABLE_ROWS)
            names = [page_name(TABLE_BASES[order], n) for n in range(1, len(chunks) + 1)]
            for number, chunk in enumerate(chunks, 1):
                path = names[number - 1]
                jobs.append(PageJob(path, fingerprint(self.site_key, "table", order, number, names, len(articles),
                                                      [shown(a) for a in chunk]),
                                    functools.partial(self.page, "all.html", path, order=order, orders=firsts,
                                                      articles=chunk, number=number, pages=names,
                                                      total=len(articles))))
        return jobs

    def _article_key(self, a: Article, script: str) -> str:
        c = self.collection
        links = (self.source_slug(a.source), a.district_key and self.district_slug(a.district_key),
                 [self.author_slug(n) for n in a.authors])
        return fingerprint(self.site_key, self.prepared[a.slug].key, script, shown(c.previous[a.slug]), shown(c.next[a.slug]),
                           [shown(r) for r in c.related[a.slug]], links)

    def _article_page(self, a: Article, script: str) -> str:
        body, summary = self.prepared[a.slug].html, self.prepared[a.slug].summary
        path = article_path(a, script)
        html = self.page("article.html", path, lang=script, article=a, script=script,
                         body=Markup(body), damaged=is_damaged(a, body), collection=self.collection,
                         chrome_lang=HANS if script == a.script == HANT else script,
                         description=summary or a.subtitle or a.title,
                         linked_data=self._linked_data(a, script, path, summary) if self.settings.absolute else None)
        return html if script == a.script else convert(html, script)

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

    def _lists(self, kind: str, label: str, groups: dict, slug, extra: dict | None = None,
               months: bool = False) -> list[PageJob]:
        jobs = [PageJob(f"{kind}.html", None, functools.partial(
            self.page, "groups.html", f"{kind}.html", kind=kind, label=label, groups=groups, slug=slug,
            **(extra or {})))]
        for key, articles in groups.items():
            chunks = paginate(articles, self.settings.page_size)
            names = [page_name(slug(key), n) for n in range(1, len(chunks) + 1)]
            for number, chunk in enumerate(chunks, 1):
                path = f"{kind}/{names[number - 1]}"
                grouped = self.collection.months(key) if months and len(chunks) == 1 else None
                jobs.append(PageJob(path, fingerprint(self.site_key, kind, key, number, names, len(articles),
                                                      [shown(a) for a in chunk], bool(grouped)),
                                    functools.partial(self.page, "list.html", path, kind=kind, label=label, key=key,
                                                      articles=chunk, number=number, pages=names,
                                                      total=len(articles), months=grouped)))
        return jobs

    def seed_page(self, name: str, text: str, articles: list[Article]) -> str:
        return self.page("seed.html", f"seeds/{name}.html", name=name, text=text, articles=articles)


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


def _unique_slugs(names: list[str]) -> dict[str, str]:
    taken: set[str] = set()
    return {name: unique("-".join(pinyin_words(name)) or "x", taken) for name in sorted(names)}


def _tojson(value) -> Markup:
    """JSON for a <script type="application/ld+json"> block: '<' escaped so no tag can close it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
