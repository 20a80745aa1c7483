"""Per-article work done once and cached across builds: body HTML, search text, search record.

Keyed by a hash of the article, so an unchanged article costs nothing on the next build,
and spread over the CPU cores when many articles are new (a clean build).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import cache as build_cache
from .markdown import first_sentences, markdown, plain_text_of
from .model import Article
from .script import to_simplified
from .search import search_record
from .workers import map_in_parts

PARALLEL_FROM = 200  # below this many articles, starting workers costs more than it saves


@dataclass(frozen=True)
class Prepared:
    key: str  # hash of the article: pages showing it fingerprint it by this
    html: str  # the body as HTML
    text: str  # title, body and captions as Simplified plain text (the offline index matches on it)
    summary: str  # the body's first sentences as written: description and feed summary
    record: str  # what Pagefind indexes (see search.search_record)


def article_key(article: Article) -> str:
    return hashlib.sha256(f"{build_cache.code_version()}|{article!r}".encode()).hexdigest()


def prepare(article: Article, key: str) -> Prepared:
    tokens = markdown().parse(article.body)
    html = markdown().renderer.render(tokens, markdown().options, {})
    body = plain_text_of(tokens)
    text = to_simplified(" ".join([article.title, article.subtitle or "", body, *article.captions]))
    return Prepared(key, html, text, first_sentences(body), search_record(article, text))


def _prepare_all(todo: list[tuple[Article, str]]) -> list[Prepared]:
    return [prepare(article, key) for article, key in todo]


def prepare_all(articles: list[Article], cache_file: Path | None) -> dict[str, Prepared]:
    """Prepared data by slug, from the cache where the article is unchanged."""
    cached: dict[str, Prepared] = build_cache.load(cache_file)
    keyed = [(a, article_key(a)) for a in articles]
    todo = [(a, key) for a, key in keyed if key not in cached]
    fresh = {p.key: p for p in map_in_parts(_prepare_all, todo, PARALLEL_FROM)}
    result = {a.slug: cached.get(key) or fresh[key] for a, key in keyed}
    if cache_file and todo:
        build_cache.save(cache_file, {p.key: p for p in result.values()})
    return result
