"""The build, in order: settings, import new seeds, parse all content, model, render, index, write.

Everything is read and checked before anything is written; problems are collected in a
Report and the build fails at the end, leaving the previous public/ as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, changes, gazetteer
from .cache import project_lock, remove_temporary
from .content import load_content
from .errors import GazetteError, Report
from .indexing import Indexing, remove_leftovers
from .model import Collection
from .output import SiteWriter, check_target, clean_stale, write_file
from .prepare import prepare_all
from .project import Project
from .read import unsafe_files
from .render import PageJob, Renderer, fingerprint
from .search import offline_doc, offline_index_script, t2s_script
from .seedpages import seed_pages
from .settings import load_settings
from .workers import map_in_parts

PARALLEL_PAGES = 1000  # fewer pages render faster than workers start
RENDER_PART = 200  # pages a worker renders at a time


@dataclass
class BuildResult:
    articles: int = 0
    pages: int = 0
    seconds: float = 0.0
    skipped: bool = False
    indexed: list[str] = field(default_factory=list)  # the years whose search index was made again
    imported: list[Path] = field(default_factory=list)


def build(project: Project, report: Report, force: bool = False) -> BuildResult:
    """Build the site into project.public, one build of a project at a time (the lock)."""
    check_target(project.public, project.root, [project.seeds, project.content, project.layouts, project.cache])
    with project_lock(project.cache):
        started = time.perf_counter()
        result = _build(project, report, force)
        result.seconds = time.perf_counter() - started
        return result


def _build(project: Project, report: Report, force: bool) -> BuildResult:
    result = BuildResult()
    remove_temporary(project.cache)  # what builds that were killed left: the lock says none runs
    clean_stale(project.public)
    remove_leftovers(project.cache)
    settings = load_settings(project.settings_file, report, project.base_url)
    report.errors += unsafe_files(project.layouts, project.root)  # as check does: nothing of them is copied
    result.imported = changes.import_new_seeds(project, report)
    since = changes.since_last_build(project)
    if not force and since.none and report.ok:
        result.skipped = True
        result.articles, result.pages = since.last.get("articles", 0), since.last.get("pages", 0)
        changes.replay(since, report)
        return result
    seen = len(report.warnings)
    articles = load_content(project.content, project.root, report, project.cache / f"content-{__version__}.pickle")
    if not report.ok:
        return result
    articles = publishable(articles, project.drafts, report)
    collection = Collection.build(articles)
    prepared = prepare_all(articles, project.cache / f"prepared-{__version__}.pickle")
    renderer = Renderer(project.layouts, settings, collection, gazetteer.load(), prepared,
                        site_key=changes.site_hash(project, settings))
    facts = _write_site(project, renderer, collection, prepared, since, report, result, force)
    if facts is not None:
        changes.record_build(project, since, facts, report.warnings[seen:], report.notes)
    return result


def _write_site(project: Project, renderer: Renderer, collection: Collection, prepared: dict,
                since: changes.Changes, report: Report, result: BuildResult, force: bool) -> dict | None:
    """Write every page and the search index into a new folder and swap it in when all is well;
    what the next build needs to know of this one (None: nothing was published)."""
    writer = SiteWriter(project.public)
    indexing = None
    try:
        # Pagefind reads records of its own, not the pages: it indexes while every page is written
        old_index = since.last.get("index") if isinstance(since.last.get("index"), dict) else {}
        indexing = Indexing(project.cache, project.public, writer, collection, prepared, old_index, force)
        renderer.check_templates()
        jobs = renderer.jobs()
        seeds = seed_pages(project.seeds, renderer, collection, report)
        page_keys = write_pages(jobs, writer, project.public, since.last.get("page_keys", {}), force)
        indexing.hurry()
        for rel in sorted(seeds):
            writer.write(rel, seeds[rel])
        _write_assets(project, writer, collection, prepared)
        result.indexed = indexing.finish()
        result.articles, result.pages = len(collection.articles), len(jobs) + len(seeds)
        if not report.ok:
            writer.abandon()
            return None
        writer.commit()
    except BaseException:
        if indexing is not None:
            indexing.cancel()  # Pagefind stopped, its half-made indexes gone
        writer.abandon()
        raise
    return {"index": indexing.keys, "articles": result.articles, "pages": result.pages, "page_keys": page_keys}


def _write_assets(project: Project, writer: SiteWriter, collection: Collection, prepared: dict) -> None:
    """The static files of the layouts, and the scripts the build makes for the pages."""
    static = project.layouts / "static"
    if static.is_dir():
        writer.add_folder(static, "static")
    writer.write("static/t2s.js", t2s_script())
    writer.write("search-index.js", offline_index_script(
        [offline_doc(a, prepared[a.slug].text) for a in collection.articles]))


def publishable(articles: list, drafts: bool, report: Report) -> list:
    """The articles a build shows (drafts only when asked: `serve`); every article's review notes."""
    for a in articles:
        for note in a.review:
            report.notes.append(GazetteError(f"review: {note}", a.source_path))
    left_out = [a for a in articles if a.draft and not drafts]
    if left_out:
        report.info.append(f"{len(left_out)} drafts left out (`draft: true`; `serve` shows them)")
    return [a for a in articles if drafts or not a.draft]


def write_pages(jobs: list[PageJob], writer: SiteWriter, previous: Path, old_keys: dict, force: bool) -> dict:
    """Render what changed, over all cores when there are many (a clean build); a page whose
    fingerprint is unchanged is linked from the last build. Every page's fingerprint."""
    to_render = []
    for job in jobs:
        old = previous / job.path
        if job.key and not force and old_keys.get(job.path) == job.key and old.is_file():
            writer.link(job.path, old)
        else:
            to_render.append((job, writer.path_for(job.path)))
    map_in_parts(_render_into, to_render, PARALLEL_PAGES, part_size=RENDER_PART, label="pages")
    return {job.path: job.key or fingerprint(job.path, (writer.staging / job.path).read_bytes()) for job in jobs}


def _render_into(pending: list[tuple[PageJob, Path]]) -> list[None]:
    for job, target in pending:
        write_file(target, job.render().encode("utf-8"))
    return [None] * len(pending)
