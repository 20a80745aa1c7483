"""The build, in order: settings, import new seeds, parse all content, model, render, index, write.

Everything is read and checked before anything is written; problems are collected in a
Report and the build fails at the end, leaving the previous public/ as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from . import __version__, gazetteer
from .cache import PACKAGE, code_version, files_under, project_lock, remove_temporary, write_atomic
from .content import load_content
from .errors import GazetteError, Report
from .importer import ContentIndex, apply_sidecar_to_drafts, import_seeds, read_sidecar, seed_files, sidecar_path
from .indexing import Indexing, remove_leftovers
from .model import Collection
from .output import SiteWriter, check_target, clean_stale, made_by_build, write_file
from .prepare import prepare_all
from .read import read_seed, unsafe_files
from .render import PageJob, Renderer, fingerprint
from .search import offline_doc, offline_index_script, t2s_script
from .settings import load_settings
from .workers import cores, fork_pool

PARALLEL_PAGES = 1000  # fewer pages render faster than workers start
RENDER_SLICE = 200  # pages a worker renders per task


@dataclass
class Project:
    root: Path
    out: Path | None = None
    base_url: str | None = None
    drafts: bool = False  # `serve`: articles with `draft: true` are built too (never by a publishing build)

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def layouts(self) -> Path:
        return self.root / "layouts"

    @property
    def settings_file(self) -> Path:
        return self.root / "site.yaml"

    @property
    def public(self) -> Path:
        return self.out or self.root / "public"

    @property
    def cache(self) -> Path:
        return self.root / ".cache"


@dataclass
class BuildResult:
    articles: int = 0
    pages: int = 0
    seconds: float = 0.0
    skipped: bool = False
    indexed: list[str] = field(default_factory=list)  # the years whose search index was made again
    imported: list[Path] = field(default_factory=list)


def _input_files(project: Project) -> list[Path]:
    settings = [project.settings_file] if project.settings_file.is_file() else []
    return settings + files_under(project.seeds, project.content, project.layouts, PACKAGE)


def inputs_stat(project: Project, files: list[Path]) -> str:
    """Names, sizes and times of every input: equal to the last build's, nothing changed."""
    digest = hashlib.sha256(f"{__version__}|{project.base_url}|{project.drafts}".encode())
    for path in files:
        stat = path.stat()
        digest.update(os.fsencode(path) + f"\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())  # any file name
    return digest.hexdigest()


def inputs_hash(project: Project, files: list[Path]) -> str:
    """Everything the output depends on, by content: inputs, layouts, settings, the code."""
    digest = hashlib.sha256(f"{__version__}|{project.base_url}|{project.drafts}".encode())
    for path in files:
        digest.update(os.fsencode(path.relative_to(project.root) if project.root in path.parents else path.name)
                      + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _state_file(project: Project) -> Path:
    """What the last build into an output folder knows of it (in the cache: public/ holds only the site)."""
    return project.cache / f"site-{hashlib.sha256(os.fsencode(project.public)).hexdigest()[:16]}.json"


def _read_state(project: Project) -> dict:
    """The last build's state, if the output folder is still the one it made (the same inode)."""
    try:
        state = json.loads(_state_file(project).read_text(encoding="utf-8"))
        folder = project.public.stat()
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or state.get("folder") != [folder.st_dev, folder.st_ino] \
            or not made_by_build(project.public):
        return {}
    return state


def _write_state(project: Project, state: dict) -> None:
    """After the swap; if it cannot be written the next build is a full one, nothing worse."""
    try:
        folder = project.public.stat()
        write_atomic(_state_file(project), json.dumps({**state, "folder": [folder.st_dev, folder.st_ino]},
                                                      sort_keys=True).encode("utf-8"))
    except OSError:
        pass


def import_new_seeds(project: Project, report: Report) -> list[Path]:
    """Seeds that no content file comes from yet, or whose text changed, become drafts.

    A seed that cannot be read does not stop the build: it is listed at the end.
    """
    seed_report = Report()
    written = _import_new_seeds(project, seed_report)
    report.info += seed_report.info
    report.warnings += seed_report.warnings + seed_report.errors
    return written


def _import_new_seeds(project: Project, report: Report) -> list[Path]:
    seeds = seed_files(project.seeds)
    known_file = project.cache / "seeds.json"
    try:
        known = json.loads(known_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    current: dict[str, str] = {}  # seed -> its hash, and its sidecar's when it has one
    seed_hashes: dict[str, str] = {}
    for path in seeds:
        try:
            seed_hashes[path.name] = read_seed(path).sha256
            sidecar = sidecar_path(path)
            current[path.name] = seed_hashes[path.name] + (":" + _file_hash(sidecar) if sidecar else "")
        except (GazetteError, OSError) as exc:
            report.error(exc if isinstance(exc, GazetteError) else GazetteError(str(exc), path))
    pending = [p for p in seeds if p.name in current and known.get(p.name) != current[p.name]]
    written: list[Path] = []
    if pending:  # only then read every content file's front matter: which seeds have drafts?
        index = ContentIndex.scan(project.content)
        drafted = [p for p in pending if index.seed_hashes.get(p.name) == seed_hashes[p.name]]
        pending = [p for p in pending if p not in drafted]
        written = import_seeds(pending, project.content, report, index) if pending else []
        for path in drafted:
            try:
                written += apply_sidecar_to_drafts(path, index, report)
            except GazetteError as exc:
                report.error(exc)
    if current != known:
        write_atomic(known_file, json.dumps(current, sort_keys=True).encode("utf-8"))
    return written


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def build(project: Project, report: Report, force: bool = False) -> BuildResult:
    """Build the site into project.public, one build of a project at a time (the lock)."""
    check_target(project.public, project.root, [project.seeds, project.content, project.layouts, project.cache])
    with project_lock(project.cache):
        return _build(project, report, force)


def _build(project: Project, report: Report, force: bool) -> BuildResult:
    started = time.perf_counter()
    result = BuildResult()
    remove_temporary(project.cache)  # what builds that were killed left: the lock says none runs
    clean_stale(project.public)
    remove_leftovers(project.cache)
    settings = load_settings(project.settings_file, report, project.base_url)
    report.errors += unsafe_files(project.layouts, project.root)  # as check does: nothing of them is copied
    result.imported = import_new_seeds(project, report)
    files = _input_files(project)
    stat_key = inputs_stat(project, files)
    state = _read_state(project)
    # same names, sizes and times as last time: nothing to read; else compare contents
    key = state.get("inputs") if state.get("stat") == stat_key else inputs_hash(project, files)
    if not force and state.get("inputs") == key and report.ok:
        result.skipped = True
        result.articles, result.pages = state.get("articles", 0), state.get("pages", 0)
        _replay(state, report)  # the same inputs have the same warnings: a build says them every time
        result.seconds = time.perf_counter() - started
        return result
    seen = len(report.warnings)
    articles = load_content(project.content, project.root, report, project.cache / f"content-{__version__}.pickle")
    if not report.ok:
        return result
    articles = publishable(articles, project.drafts, report)
    collection = Collection.build(articles)
    prepared = prepare_all(articles, project.cache / f"prepared-{__version__}.pickle")
    writer = SiteWriter(project.public)
    indexing = None
    try:
        # Pagefind reads records of its own, not the pages: it indexes while every page is written
        old_index = state.get("index") if isinstance(state.get("index"), dict) else {}
        indexing = Indexing(project.cache, project.public, writer, collection, prepared, old_index, force)
        renderer = Renderer(project.layouts, settings, collection, gazetteer.load(), prepared,
                            site_key=_site_hash(project, settings))
        renderer.check_templates()
        jobs = renderer.jobs()
        seed_pages = _seed_pages(project, renderer, collection, report)
        page_keys = _write_pages(jobs, writer, project.public, state.get("page_keys", {}), force)
        indexing.hurry()
        for rel in sorted(seed_pages):
            writer.write(rel, seed_pages[rel])
        static = project.layouts / "static"
        if static.is_dir():
            writer.copy_tree(static, "static")
        writer.write("static/t2s.js", t2s_script())
        writer.write("search-index.js", offline_index_script(
            [offline_doc(a, prepared[a.slug].text) for a in collection.articles]))
        result.indexed = indexing.finish()
        result.articles, result.pages = len(articles), len(jobs) + len(seed_pages)
        if not report.ok:
            writer.abandon()
            return result
        writer.commit()
        _write_state(project, {"inputs": key, "stat": stat_key, "index": indexing.keys, "articles": result.articles,
                               "pages": result.pages, "page_keys": page_keys,
                               "warnings": [_stored(w) for w in report.warnings[seen:]],
                               "notes": [_stored(n) for n in report.notes]})
    except BaseException:
        if indexing is not None:
            indexing.cancel()  # before the folder it writes into goes
        writer.abandon()
        raise
    result.seconds = time.perf_counter() - started
    return result


def publishable(articles: list, drafts: bool, report: Report) -> list:
    """The articles a build shows (drafts only when asked: `serve`); every article's review notes."""
    for a in articles:
        for note in a.review:
            report.notes.append(GazetteError(f"review: {note}", a.source_path))
    left_out = [a for a in articles if a.draft and not drafts]
    if left_out:
        report.info.append(f"{len(left_out)} drafts left out (`draft: true`; `serve` shows them)")
    return [a for a in articles if drafts or not a.draft]


def _stored(problem: GazetteError) -> list:
    return [problem.message, problem.path, problem.line, problem.hint]


def _replay(state: dict, report: Report) -> None:
    try:
        report.warnings += [GazetteError(*w) for w in state.get("warnings", [])]
        report.notes += [GazetteError(*n) for n in state.get("notes", [])]
    except TypeError:  # an older state: nothing to say
        pass


def progress(items, label: str, total: int | None = None):
    """A progress bar on a terminal; nothing in CI or when output is redirected."""
    from tqdm import tqdm
    total = len(items) if total is None else total
    quiet = not sys.stderr.isatty() or bool(os.environ.get("CI"))
    return tqdm(items, desc=label, unit="page", total=total, leave=False, disable=quiet or total < 200)


def _write_pages(jobs: list[PageJob], writer: SiteWriter, previous: Path, old_keys: dict, force: bool) -> dict:
    """Render what changed; a page whose fingerprint is unchanged is linked from the last build."""
    to_render = []
    for job in jobs:
        old = previous / job.path
        if job.key and not force and old_keys.get(job.path) == job.key and old.is_file():
            writer.link(job.path, old)
        else:
            to_render.append((job, writer.path_for(job.path)))
    _render_all(to_render)
    return {job.path: job.key or fingerprint(job.path, (writer.staging / job.path).read_bytes()) for job in jobs}


_PENDING: list = []  # what forked workers render: inherited, never pickled


def _render_slice(bounds: tuple[int, int]) -> None:
    for job, target in _PENDING[bounds[0]:bounds[1]]:
        write_file(target, job.render().encode("utf-8"))


def _render_all(pending: list) -> None:
    """Render pages into their files, over all cores when there are many (a clean build)."""
    global _PENDING
    workers = cores()
    _PENDING = pending  # before the workers fork: they inherit it
    pool = fork_pool(workers) if len(pending) >= PARALLEL_PAGES and workers >= 2 else None
    if pool is None:
        _PENDING = []
        for job, target in progress(pending, "pages"):
            write_file(target, job.render().encode("utf-8"))
        return
    slices = [(i, min(i + RENDER_SLICE, len(pending))) for i in range(0, len(pending), RENDER_SLICE)]
    try:
        with pool:
            for _ in progress(pool.imap_unordered(_render_slice, slices), "pages", total=len(slices)):
                pass
    finally:
        _PENDING = []


def _site_hash(project: Project, settings) -> str:
    """What every page depends on: the layouts, the settings and the code."""
    digest = hashlib.sha256(f"{code_version()}|{settings!r}".encode())
    for path in files_under(project.layouts):
        digest.update(os.fsencode(path.name) + path.read_bytes())
    return digest.hexdigest()


def seeds_named(collection: Collection) -> dict[str, list]:
    """The seeds the articles come from, with their articles."""
    by_seed: dict[str, list] = {}
    for a in collection.articles:
        if a.seed:
            by_seed.setdefault(a.seed, []).append(a)
    return dict(sorted(by_seed.items()))


def missing_seed(name: str, articles: list) -> str:
    return f"seed {name!r} named by {articles[0].source_path} is not in seeds/"


def _seed_pages(project: Project, renderer: Renderer, collection: Collection, report: Report) -> dict[str, str]:
    pages = {}
    for name, articles in seeds_named(collection).items():
        path = project.seeds / name
        if not path.is_file():
            report.warn(missing_seed(name, articles))
            continue
        try:
            text = read_seed(path).text
        except GazetteError as exc:
            report.error(exc)
            continue
        pages[f"seeds/{name}.html"] = renderer.seed_page(name, text, articles)
    return pages


def check(project: Project, report: Report) -> int:
    """Validate everything without writing public/: returns the number of articles."""
    load_settings(project.settings_file, report, project.base_url)
    report.errors += unsafe_files(project.layouts, project.root)
    articles = load_content(project.content, project.root, report)
    for path in seed_files(project.seeds):
        try:
            read_seed(path)
            read_sidecar(path)
        except GazetteError as exc:
            report.warnings.append(exc)  # as a build says it: a seed it cannot read does not stop it
    drafts = [a for a in articles if a.draft]
    articles = publishable(articles, False, report)
    if report.ok:
        collection = Collection.build(articles)
        try:
            settings = load_settings(project.settings_file, Report(), project.base_url)
            renderer = Renderer(project.layouts, settings, collection, gazetteer.load(),
                                prepare_all(articles, project.cache / f"prepared-{__version__}.pickle"))
            renderer.check_templates()
            jobs = renderer.jobs()
            _render_samples(jobs)
            outputs = {job.path for job in jobs} | {f"seeds/{a.seed}.html" for a in articles if a.seed}
            for article in articles:
                _check_links(project, article, outputs, report)
            for name, group in seeds_named(collection).items():
                if not (project.seeds / name).is_file():
                    report.warn(missing_seed(name, group))
        except GazetteError as exc:
            report.error(exc)
    return len(articles) + len(drafts)


def _render_samples(jobs: list[PageJob]) -> None:
    """One page of each kind rendered, not written: a template that fails on the data fails check too."""
    kinds: set[str] = set()
    for job in jobs:
        kind = posixpath.dirname(job.path) or job.path
        if kind not in kinds:
            kinds.add(kind)
            job.render()


def _check_links(project: Project, article, outputs: set[str], report: Report) -> None:
    """Relative links in a body must reach a page of the site (they are relative to articles/)."""
    from .render import markdown
    text = (project.root / article.source_path).read_text(encoding="utf-8")
    for token in markdown().parse(article.body):
        for child in token.children or []:
            href = child.attrGet("href") if child.type == "link_open" else None
            if not href or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^#|^//", href):
                continue
            target = posixpath.normpath(posixpath.join("articles", unquote(href.split("#")[0].split("?")[0])))
            if target not in outputs and not (project.layouts / target).is_file():
                line = next((i for i, ln in enumerate(text.split("\n"), 1) if f"({href}" in ln), None)
                report.error(GazetteError(f"broken link {href!r}: no page {target} in the site",
                                          article.source_path, line, hint="links are relative to articles/"))
