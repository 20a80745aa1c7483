"""Per-article work done once and cached across builds: body HTML, search text, search terms.

Keyed by a hash of the article, so an unchanged article costs nothing on the next build,
and spread over the CPU cores when many articles are new (a clean build).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .model import Article
from .render import markdown, plain_text_of
from .script import to_simplified
from .search import search_terms
from .workers import cores, fork_pool

PARALLEL_FROM = 200  # below this many articles, starting workers costs more than it saves


@dataclass(frozen=True)
class Prepared:
    html: str  # the body as HTML
    text: str  # title, body and captions as Simplified plain text (search matches on it)
    terms: str  # words and characters indexed beside the text (see search.search_terms)


def article_key(article: Article) -> str:
    return hashlib.sha256(f"{__version__}|{article!r}".encode()).hexdigest()


def prepare(article: Article) -> Prepared:
    tokens = markdown().parse(article.body)
    html = markdown().renderer.render(tokens, markdown().options, {})
    text = to_simplified(" ".join([article.title, article.subtitle or "", plain_text_of(tokens), *article.captions]))
    return Prepared(html, text, search_terms(text))


def _prepare_all(articles: list[Article]) -> list[Prepared]:
    return [prepare(a) for a in articles]


def prepare_all(articles: list[Article], cache_file: Path | None) -> dict[str, Prepared]:
    """Prepared data by slug, from the cache where the article is unchanged."""
    cached: dict[str, Prepared] = {}
    if cache_file and cache_file.is_file():
        try:
            cached = pickle.loads(cache_file.read_bytes())
        except Exception:  # a damaged or older cache is only a slower build
            cached = {}
    keys = {a.slug: article_key(a) for a in articles}
    todo = [a for a in articles if keys[a.slug] not in cached]
    fresh = dict(zip((keys[a.slug] for a in todo), _run(todo)))
    result = {a.slug: cached.get(keys[a.slug]) or fresh[keys[a.slug]] for a in articles}
    if cache_file and todo:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        kept = {keys[slug]: prepared for slug, prepared in result.items()}
        tmp = cache_file.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, cache_file)
    return result


def _run(articles: list[Article]) -> list[Prepared]:
    workers = cores()
    if len(articles) < PARALLEL_FROM or workers < 2:
        return _prepare_all(articles)
    chunks = [articles[i::workers] for i in range(workers)]
    with fork_pool(workers) as pool:
        parts = pool.map(_prepare_all, chunks)
    out: list[Prepared] = [None] * len(articles)  # type: ignore[list-item]
    for i, part in enumerate(parts):
        out[i::workers] = part
    return out
