"""The build, in order: settings, import new seeds, parse all content, model, render, index, write.

Everything is read and checked before anything is written; problems are collected in a
Report and the build fails at the end, leaving the previous public/ as it was.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, changes, gazetteer
from .cache import project_lock, remove_temporary
from .content import load_content
from .errors import GazetteError, Report
from .fingerprints import Reads
from .indexing import Indexing, remove_leftovers
from .model import Collection
from .output import SiteWriter, check_target, clean_stale, write_file
from .prepare import prepare_all
from .project import Project
from .read import unsafe_files
from .render import PageJob, Renderer
from .search import offline_index_script, t2s_script
from .seedpages import seed_pages
from .settings import load_settings
from .urls import OFFLINE_INDEX, STATIC, T2S
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
    renderer = Renderer(project.layouts, settings, collection, gazetteer.load(), prepared)
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
        last_reads = changes.last_reads(project, since.last)
        reads = write_pages(renderer, jobs, writer, project.public, last_reads, force)
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
    return {"index": indexing.keys, "articles": result.articles, "pages": result.pages,
            "reads": changes.keep_reads(project, reads)}


def _write_assets(project: Project, writer: SiteWriter, collection: Collection, prepared: dict) -> None:
    """The static files of the layouts, and the scripts the build makes for the pages."""
    static = project.layouts / STATIC
    if static.is_dir():
        writer.add_folder(static, STATIC)
    writer.write(T2S, t2s_script())
    writer.write(OFFLINE_INDEX, offline_index_script([(a, prepared[a.slug].text) for a in collection.articles]))


def publishable(articles: list, drafts: bool, report: Report) -> list:
    """The articles a build shows (drafts only when asked: `serve`); every article's review notes."""
    for a in articles:
        for note in a.review:
            report.notes.append(GazetteError(f"review: {note}", a.source_path))
    left_out = [a for a in articles if a.draft and not drafts]
    if left_out:
        report.info.append(f"{len(left_out)} drafts left out (`draft: true`; `serve` shows them)")
    return [a for a in articles if drafts or not a.draft]


def write_pages(renderer: Renderer, jobs: list[PageJob], writer: SiteWriter, previous: Path, last: dict,
                force: bool) -> dict[str, Reads]:
    """Render what changed, over all cores when there are many (a clean build); a page that would
    read the same as it did (`last`: what each page read) is linked from the last build. What
    every page read."""
    reads, to_render = {}, []
    for job in jobs:
        old = previous / job.path
        if not force and old.is_file() and renderer.unchanged(job, last.get(job.path)):
            writer.link(job.path, old)
            reads[job.path] = last[job.path]
        else:
            to_render.append((job, writer.path_for(job.path)))
    rendered = map_in_parts(functools.partial(_render_into, renderer), to_render, PARALLEL_PAGES,
                            part_size=RENDER_PART, label="pages")
    reads.update(zip((job.path for job, _ in to_render), rendered, strict=True))
    return reads


def _render_into(renderer: Renderer, pending: list[tuple[PageJob, Path]]) -> list[Reads]:
    out = []
    for job, target in pending:
        text, reads = renderer.render(job)
        write_file(target, text.encode("utf-8"))
        out.append(reads)
    return out
