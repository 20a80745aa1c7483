"""Seeds to content/: one Markdown draft per article, never over a curator's edit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import frontmatter
from .clean import clean_page
from .content import MAX_CONTENT_BYTES, check_sidecar
from .errors import GazetteError, Report, key_line
from .extract import Draft, assign_removed, block_finder, build_draft, noted_field, page_facts
from .model import reduced_iso
from .read import SeedText, read_seed, read_utf8
from .slugs import UNDATED_SLUG, pinyin_words, unique
from .split import split_page

SIDECAR_SUFFIXES = (".yaml", ".yml")
SIDECAR_FIELDS = {"title", "subtitle", "city", "district", "province", "date", "date_precision", "source", "author",
                  "script", "captions", "review"}
FIELD_ORDER = ["title", "subtitle", "city", "district", "province", "date", "date_precision", "source", "author",
               "script", "seed", "seed_part", "seed_sha256", "captions", "review"]
# A sidecar value settles the review note about that field.
SETTLED = frozenset({"title", "date", "source", "city"})  # a sidecar setting one of these settles its review notes
SLUG_SYLLABLES = 8
SLUG_CHARS = 80  # well under the 160 a content file's name may have


def seed_files(seeds_dir: Path) -> list[Path]:
    """The seeds, folders and hidden files aside; a FIFO or a link out of the project is listed,
    so that reading it refuses it by name."""
    if not seeds_dir.is_dir():
        return []
    return sorted(p for p in seeds_dir.iterdir()
                  if not p.is_dir() and not p.name.startswith(".") and p.suffix not in SIDECAR_SUFFIXES)


def read_sidecar(seed_path: Path) -> dict:
    for suffix in SIDECAR_SUFFIXES:
        path = seed_path.with_suffix(suffix)
        if path.is_file():
            data = frontmatter.load_yaml(read_utf8(path), path) or {}
            if not isinstance(data, dict):
                raise GazetteError("a sidecar must be a mapping of `field: value` lines", path, 1)
            # the types and forms content files need, named at the sidecar's line
            date, precision = check_sidecar(data, path)
            if "date" in data:
                data["date"], data["date_precision"] = date, data.get("date_precision") or precision
            unknown = sorted(set(data) - SIDECAR_FIELDS)
            if unknown:
                raise GazetteError(f"unknown field {unknown[0]!r} in sidecar", path, _key_line(path, unknown[0]),
                                   hint="fields: " + ", ".join(sorted(SIDECAR_FIELDS)))
            return data
    return {}


def sidecar_path(seed_path: Path) -> Path | None:
    return next((p for p in (seed_path.with_suffix(s) for s in SIDECAR_SUFFIXES) if p.is_file()), None)


def apply_sidecar_to_drafts(seed_path: Path, index: ContentIndex, report: Report) -> list[Path]:
    """A sidecar added or changed after its seed was imported fills the drafts no one edited."""
    sidecar = read_sidecar(seed_path)
    written: list[Path] = []
    for (seed, _part), path in sorted(index.by_part.items()) if sidecar else []:
        if seed != seed_path.name:
            continue
        text = read_utf8(path)
        meta, body, _line = frontmatter.parse(text, path)
        wanted = dict(meta)
        _apply_sidecar(wanted, sidecar)
        if wanted == meta:
            continue
        if not frontmatter.is_pristine(text, meta):
            report.warn(f"kept your edit: the sidecar {sidecar_path(seed_path).name} sets other values", path)
            continue
        path.write_text(frontmatter.dump(wanted, body), encoding="utf-8")
        written.append(path)
    return written


def _key_line(path: Path, key: str) -> int:
    return key_line(read_utf8(path).split("\n"), key)


def drafts_for(seed: SeedText, sidecar: dict | None = None) -> list[Draft]:
    """The articles of one seed, cleaned and labelled."""
    cleaned = clean_page(seed.text)
    blocks = split_page(cleaned.lines, cleaned.title_line is not None)
    facts = page_facts(cleaned, "\n".join(ln.text for ln in cleaned.lines))
    block_of = block_finder(blocks)
    drafts = [build_draft(block, facts, seed.path.name, [m for m in facts.metas if block_of(m[0]) == i])
              for i, block in enumerate(blocks)]
    if drafts:
        assign_removed(drafts, blocks, [*cleaned.removed, *seed.repairs])
    for part, draft in enumerate(drafts, 1):
        draft.fields.update(seed=seed.path.name, seed_part=part, seed_sha256=seed.sha256)
        _apply_sidecar(draft.fields, sidecar or {})
        draft.fields = {k: draft.fields.get(k) for k in FIELD_ORDER}
    return drafts


def _apply_sidecar(fields: dict, sidecar: dict) -> None:
    for key, value in sidecar.items():
        fields[key] = value
        if key == "date":
            fields["date_precision"] = sidecar.get("date_precision")
        if key in SETTLED and fields.get("review"):
            fields["review"] = [r for r in fields["review"] if noted_field(r) != key] or None


def make_slug(fields: dict, taken: set[str]) -> str:
    """ASCII, from date and title pinyin; fixed once written, so later imports never rename."""
    date, precision = fields.get("date"), fields.get("date_precision")
    # a year or a month is all that is known: the slug invents no day
    prefix = reduced_iso(date, precision) or UNDATED_SLUG
    words = pinyin_words(str(fields.get("title") or ""))
    # a title of long Latin words (COVID-19 …) must not make a name over the slug limit
    return unique("-".join([prefix, *words[:SLUG_SYLLABLES]])[:SLUG_CHARS].rstrip("-"), taken)


@dataclass
class ContentIndex:
    """Which content file holds which (seed, part), from the files' front matter."""

    by_part: dict[tuple[str, int], Path] = field(default_factory=dict)
    slugs: set[str] = field(default_factory=set)
    seed_hashes: dict[str, str] = field(default_factory=dict)  # seed -> its hash when drafted

    @classmethod
    def scan(cls, content_dir: Path, parsed: dict[Path, dict] | None = None) -> ContentIndex:
        index = cls()
        for path in sorted(content_dir.glob("*.md")) if content_dir.is_dir() else []:
            index.slugs.add(path.stem)
            meta = (parsed or {}).get(path)
            if meta is None:
                try:
                    meta = frontmatter.read(path)[0]
                except GazetteError:  # reported by the build; it still holds its article: no second draft
                    meta = _origin_lines(path)
            part = meta.get("seed_part")
            if meta.get("seed") and part is not None:
                part = part if isinstance(part, int) and not isinstance(part, bool) else 1  # the build reports it
                index.by_part[(str(meta["seed"]), part)] = path
                index.seed_hashes[str(meta["seed"])] = str(meta.get("seed_sha256"))
        return index


_ORIGIN = re.compile(r"^(seed|seed_part|seed_sha256):[ \t]*['\"]?(.*?)['\"]?[ \t]*$", re.M)


def _origin_lines(path: Path) -> dict:
    """seed, seed_part and seed_sha256 of a file whose YAML does not parse, from its lines (part 1
    when its own line is unreadable too: most seeds hold one article)."""
    try:
        found = dict(_ORIGIN.findall(read_utf8(path)))
    except GazetteError:
        return {}
    part = found.get("seed_part", "1")
    return {**found, "seed_part": int(part) if part.isascii() and part.isdigit() else part}


def import_seeds(paths: list[Path], content_dir: Path, report: Report,
                 index: ContentIndex | None = None) -> list[Path]:
    """Write drafts for the given seeds; returns the content files written."""
    content_dir.mkdir(parents=True, exist_ok=True)
    index = index or ContentIndex.scan(content_dir)
    written: list[Path] = []
    for path, seed, drafts in seed_drafts(paths, report):
        if not drafts:
            removed = clean_page(seed.text).removed
            report.warn(f"no article found in the seed ({len(removed)} lines of page furniture removed)", path)
        for draft in drafts:
            text = frontmatter.dump(draft.fields, draft.body)
            size = len(text.encode("utf-8"))
            if size > MAX_CONTENT_BYTES:  # written, it would stop every build
                report.error(GazetteError(f"article {draft.fields['seed_part']} would make a content file of "
                                          f"{size // 1024} KB, over the limit of {MAX_CONTENT_BYTES // 1024} KB: "
                                          "not imported", path, hint="split the seed into one file per page"))
                continue
            target = _write_draft(draft, text, content_dir, index, report)
            if target:
                written.append(target)
        _report_removed(path, drafts, report)
    return written


def _write_draft(draft: Draft, text: str, content_dir: Path, index: ContentIndex, report: Report) -> Path | None:
    """Write `text`, the draft's file, unless a curator's edit of that article is there."""
    key = (draft.fields["seed"], draft.fields["seed_part"])
    existing = index.by_part.get(key)
    if existing is None:
        slug = make_slug(draft.fields, index.slugs)
        target = content_dir / f"{slug}.md"
        index.slugs.add(slug)
        index.by_part[key] = target
        target.write_text(text, encoding="utf-8")
        return target
    old_text = read_utf8(existing)
    try:
        old_meta = frontmatter.parse(old_text, existing)[0]
    except GazetteError:
        old_meta = {}
    if old_meta.get("seed_sha256") == draft.fields["seed_sha256"]:
        return None  # seed unchanged: nothing to do
    if frontmatter.is_pristine(old_text, old_meta):
        existing.write_text(text, encoding="utf-8")
        return existing
    report.warn("the seed changed and so did this file: kept your edit; re-import by deleting the file",
                existing)
    return None


def _report_removed(path: Path, drafts: list[Draft], report: Report) -> None:
    kinds: dict[str, int] = {}
    for draft in drafts:
        for item in draft.removed:
            kinds[item["kind"]] = kinds.get(item["kind"], 0) + 1
    if kinds:
        summary = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        report.info.append(f"{path.name}: {len(drafts)} articles; removed {summary} "
                           f"(see `build.py import --json {path}`)")


def seed_drafts(paths: list[Path], report: Report):
    """(path, seed, drafts) of each seed that can be read; the others are reported."""
    for path in paths:
        try:
            seed = read_seed(path)
            yield path, seed, drafts_for(seed, read_sidecar(path))
        except GazetteError as exc:
            report.error(exc)


def drafts_as_json(paths: list[Path], report: Report) -> list[dict]:
    out = []
    for _path, _seed, drafts in seed_drafts(paths, report):
        for draft in drafts:
            item = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in draft.fields.items()}
            item.update(body=draft.body, removed=draft.removed, lines=draft.lines)
            out.append(item)
    return out
