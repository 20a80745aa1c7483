"""What changed since the last build: seeds new or edited become drafts, and the inputs are
compared with those of the last build into the same folder (by names, sizes and times first,
then by content), so that a build with nothing to do stops at once."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from . import cache as build_cache
from .cache import PACKAGE, files_under, write_atomic
from .errors import GazetteError, Report
from .importer import ContentIndex, apply_sidecar_to_drafts, import_seeds, seed_files, sidecar_path
from .output import made_by_build
from .project import Project
from .read import read_seed

READS_SUFFIX = ".pages.pickle"  # beside the state: what each page read (fingerprints.Reads)
SEEDS_SEEN = "seeds.json"  # in the cache: each seed's hash (and its sidecar's) when last imported


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
    known_file = project.cache / SEEDS_SEEN
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


@dataclass(frozen=True)
class Changes:
    """The inputs now, against what the last build into the same output folder recorded."""

    last: dict  # the last build's state; {} when there is none to trust
    stat: str  # the inputs' names, sizes and times (inputs_stat)
    inputs: str  # their contents (inputs_hash), or the last build's hash when the stat is the same

    @property
    def none(self) -> bool:
        return self.last.get("inputs") == self.inputs


def since_last_build(project: Project) -> Changes:
    """Same names, sizes and times as last time: nothing is read; else the contents are compared."""
    files = input_files(project)
    stat = inputs_stat(project, files)
    last = _read_state(project)
    return Changes(last, stat, last.get("inputs") if last.get("stat") == stat else inputs_hash(project, files))


def input_files(project: Project) -> list[Path]:
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


def _state_file(project: Project, suffix: str = ".json") -> Path:
    """What the last build into an output folder knows of it (in the cache: public/ holds only the site)."""
    return project.cache / f"site-{hashlib.sha256(os.fsencode(project.public)).hexdigest()[:16]}{suffix}"


def keep_reads(project: Project, reads: dict) -> str | None:
    """What each page of the build read (render.Renderer.unchanged asks), kept beside the state
    under a name the state records: the state and the pages always go together."""
    token = secrets.token_hex(8)
    try:
        build_cache.save(_state_file(project, READS_SUFFIX), {"token": token, "pages": reads})
    except OSError:
        return None
    return token


def last_reads(project: Project, last: dict) -> dict:
    """What each page of the last build read, if it is the one its state names; else nothing."""
    kept = build_cache.load(_state_file(project, READS_SUFFIX))
    return kept["pages"] if last.get("reads") and kept.get("token") == last["reads"] else {}


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


def record_build(project: Project, changes: Changes, facts: dict, warnings: list[GazetteError],
                 notes: list[GazetteError]) -> None:
    """What the next build compares with and says again, written after the swap; if it cannot
    be written the next build is a full one, nothing worse."""
    state = {**facts, "inputs": changes.inputs, "stat": changes.stat,
             "warnings": [_stored(w) for w in warnings], "notes": [_stored(n) for n in notes]}
    try:
        folder = project.public.stat()
        write_atomic(_state_file(project), json.dumps({**state, "folder": [folder.st_dev, folder.st_ino]},
                                                      sort_keys=True).encode("utf-8"))
    except OSError:
        pass


def replay(changes: Changes, report: Report) -> None:
    """The last build's warnings and notes: the same inputs have the same, a build says them every time."""
    try:
        report.warnings += [GazetteError(*w) for w in changes.last.get("warnings", [])]
        report.notes += [GazetteError(*n) for n in changes.last.get("notes", [])]
    except TypeError:  # an older state: nothing to say
        pass


def _stored(problem: GazetteError) -> list:
    return [problem.message, problem.path, problem.line, problem.hint]
