"""`check`: everything a build reads and checks, and every internal link, without writing public/."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from . import __version__, gazetteer
from .build import publishable
from .content import load_content
from .errors import GazetteError, Report
from .importer import read_sidecar, seed_files
from .markdown import markdown
from .model import Collection
from .prepare import prepare_all
from .project import Project
from .read import read_seed, read_utf8, unsafe_files
from .render import PageJob, Renderer
from .seedpages import seeds_found
from .settings import load_settings
from .urls import STATIC, article_path, seed_path


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
        try:
            _check_pages(project, articles, report)
        except GazetteError as exc:
            report.error(exc)
    return len(articles) + len(drafts)


def _check_pages(project: Project, articles: list, report: Report) -> None:
    """The templates over the data, and the links of every article to the pages a build makes."""
    collection = Collection.build(articles)
    settings = load_settings(project.settings_file, Report(), project.base_url)
    renderer = Renderer(project.layouts, settings, collection, gazetteer.load(),
                        prepare_all(articles, project.cache / f"prepared-{__version__}.pickle"))
    renderer.check_templates()
    jobs = renderer.jobs()
    _render_samples(renderer, jobs)
    outputs = {job.path for job in jobs} | {seed_path(a.seed) for a in articles if a.seed}
    for article in articles:
        _check_links(project, article, outputs, report)
    seeds_found(project.seeds, collection, report)  # a seed named but missing is a warning


def _render_samples(renderer: Renderer, jobs: list[PageJob]) -> None:
    """One page of each kind (a template, and the folder of its pages: list.html shows cities,
    years, sources …) rendered, not written: a template that fails on the data fails check too."""
    kinds: set[tuple[str, str]] = set()
    for job in jobs:
        kind = (job.template, posixpath.dirname(job.path))
        if kind not in kinds:
            kinds.add(kind)
            renderer.render(job)


def _check_links(project: Project, article, outputs: set[str], report: Report) -> None:
    """Relative links in a body must reach a page of the site or a static file of the layouts
    (relative to the article's folder)."""
    folder = posixpath.dirname(article_path(article))
    lines: list[str] | None = None  # the file's lines, read only to say where a broken link is
    for token in markdown().parse(article.body):
        for child in token.children or []:
            href = child.attrGet("href") if child.type == "link_open" else None
            if not href or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^#|^//", href):
                continue
            target = posixpath.normpath(posixpath.join(folder, unquote(href.split("#")[0].split("?")[0])))
            if target not in outputs and not (target.startswith(f"{STATIC}/") and (project.layouts / target).is_file()):
                if lines is None:
                    lines = read_utf8(project.root / article.source_path, root=project.root).split("\n")
                line = next((i for i, ln in enumerate(lines, 1) if f"({href}" in ln), None)
                report.error(GazetteError(f"broken link {href!r}: no page {target} in the site",
                                          article.source_path, line, hint=f"links are relative to {folder}/"))
