"""The seed pages: each seed that articles name, shown as it was received (seeds/NAME.html)."""

from __future__ import annotations

from pathlib import Path

from .errors import GazetteError, Report
from .model import Collection
from .read import read_seed
from .urls import seed_path


def seeds_named(collection: Collection) -> dict[str, list]:
    """The seeds the articles come from, with their articles."""
    by_seed: dict[str, list] = {}
    for a in collection.articles:
        if a.seed:
            by_seed.setdefault(a.seed, []).append(a)
    return dict(sorted(by_seed.items()))


def seeds_found(seeds: Path, collection: Collection, report: Report) -> dict[str, list]:
    """The seeds named that are in seeds/, with their articles; one that is not is a warning."""
    found = {}
    for name, articles in seeds_named(collection).items():
        if (seeds / name).is_file():
            found[name] = articles
        else:
            report.warn(f"seed {name!r} named by {articles[0].source_path} is not in seeds/")
    return found


def seed_pages(seeds: Path, renderer, collection: Collection, report: Report) -> dict[str, str]:
    """Each seed's page by its path in the site; a seed that cannot be read is an error."""
    pages = {}
    for name, articles in seeds_found(seeds, collection, report).items():
        try:
            text = read_seed(seeds / name).text
        except GazetteError as exc:
            report.error(exc)
            continue
        pages[seed_path(name)] = renderer.seed_page(name, text, articles)
    return pages
