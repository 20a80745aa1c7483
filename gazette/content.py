"""content/*.md to Article: every field checked, every problem named with file and line."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

from . import cache as build_cache
from . import frontmatter, gazetteer
from .errors import GazetteError, Report, key_line
from .formats import UNDATED
from .model import Article
from .read import CONTROL_CHARS, MAX_TEXT_BYTES, name_problem, read_input, read_utf8, without_controls
from .script import HANS, HANT, detect_script
from .workers import map_in_parts

TEXT, TEXTS, PART, FLAG, DATE, OTHER = "text", "texts", "part", "flag", "date", "other"
Problem = tuple[str, str | None]  # a message and its hint
Check = Callable[[object, dict], Problem | None]  # (value, the front matter) -> what is wrong with it


@dataclass(frozen=True)
class Field:
    """A front matter field: the kind of its value, and what else a content file's value must be."""

    kind: str = TEXT  # TEXT: text (or a number, read as text); TEXTS: a list of texts; PART: a whole
    # number from 1; FLAG: true or false; DATE: YYYY-MM-DD, YYYY-MM or YYYY; OTHER: the program's own
    required: bool = False
    not_empty: bool = False
    placeholder: str | None = None  # what `build.py new` writes: refused until it is replaced
    check: Check | None = None  # a further check of a content file's value (not None)


def _known_city(city, meta: dict) -> Problem | None:
    places = gazetteer.load()
    if not isinstance(city, str) or city in places.known_places:
        return None
    near = places.closest_place(city)
    return f"unknown city {_shown(city)}", (f"did you mean {near!r}?" if near else
                                            "a prefecture-level city of China (沈阳, 齐齐哈尔), 辽宁 or 全国")


def _known_province(province, meta: dict) -> Problem | None:
    places, city = gazetteer.load(), meta.get("city")
    if not isinstance(province, str):
        return None
    if province not in places.provinces:
        near = get_close_matches(province, places.provinces, n=1, cutoff=0.3)
        return f"unknown province {_shown(province)}", (f"did you mean {near[0]!r}?" if near else
                                                        "a province's short name (辽宁, 黑龙江, 广西)")
    if isinstance(city, str) and places.province_of(city) not in (None, province):
        return (f"{city} is in {places.province_of(city)}, not {province}",
                f"write `province: {places.province_of(city)}` or leave it out")
    return None


def _known_script(script, meta: dict) -> Problem | None:
    return None if script in (HANS, HANT) else (f"`script` must be {HANS} or {HANT}, not {_shown(script)}", None)


# Every field of the front matter, in the order problems are reported (REQUIRED and STRING_FIELDS
# keep the order of the table)
FIELDS = {
    "title": Field(required=True, not_empty=True, placeholder="标题"),
    "subtitle": Field(),
    "city": Field(required=True, check=_known_city),
    "district": Field(),
    "date": Field(DATE, required=True),
    "province": Field(check=_known_province),
    "source": Field(required=True, not_empty=True, placeholder="来源"),
    "author": Field(),
    "seed": Field(),
    "script": Field(check=_known_script),
    "date_precision": Field(),
    "slug": Field(),
    "seed_sha256": Field(),
    "captions": Field(TEXTS),
    "review": Field(TEXTS),
    "seed_part": Field(PART),
    "draft": Field(FLAG),
    frontmatter.IMPORT_HASH: Field(OTHER),
}
REQUIRED = tuple(key for key, f in FIELDS.items() if f.required)
STRING_FIELDS = tuple(key for key, f in FIELDS.items() if f.kind == TEXT)
LIST_FIELDS = tuple(key for key, f in FIELDS.items() if f.kind == TEXTS)
KNOWN = set(FIELDS)
PLACEHOLDERS = {key: f.placeholder for key, f in FIELDS.items() if f.placeholder}
PLACEHOLDER_BODY = "正文。"
TEMPLATE = f"""---
title: {PLACEHOLDERS["title"]}  # the headline as printed
city: 沈阳  # a prefecture-level city of China (沈阳, 齐齐哈尔), 辽宁 or 全国
date: {{date}}  # YYYY-MM-DD; YYYY-MM or YYYY when only that is known
source: {PLACEHOLDERS["source"]}  # the paper or website (辽宁日报, 新华网)
author:  # the byline; empty when there is none
draft: true  # shown by `serve` only; delete this line to publish
---

{PLACEHOLDER_BODY}
"""
MAX_SLUG = 160  # characters: a slug names files (articles/hant/SLUG.html) and URLs
SLUG = re.compile(rf"^[a-z0-9][a-z0-9-]{{0,{MAX_SLUG - 1}}}\Z")  # \Z: "evil\n" is no slug
MAX_CONTENT_BYTES = MAX_TEXT_BYTES
MAX_TEXT_CHARS = 500  # a title, a source, a name: a headline is under 100
MAX_ITEMS, MAX_ITEM_CHARS = 500, 5000  # captions and review notes
# 2020-03-04, or 2020-03 / 2020 when no more is known; ASCII digits only
DATE_FORMS = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
MIN_YEAR = 1949  # the collection is the press of the People's Republic; a typo'd 0202 or 9999 is refused
PRECISIONS = ("day", "month", "year")  # finest first


def field_line(head_lines: list[str], key: str) -> int:
    """Line number in the file of `key:` in the front matter (the file's line 1 is `---`)."""
    return key_line(head_lines, key, first=2)


def load_article(path: Path, root: Path, report: Report) -> Article | None:
    """One content file as an Article; problems are added to `report` and None returned."""
    rel = _rel(path, root)
    try:
        meta, body, body_line, text = frontmatter.read(path, root)
    except GazetteError as exc:
        exc.path = rel  # name the file as the user knows it
        report.error(exc)
        return None
    head = text.split("\n")[1:]
    problems: list[GazetteError] = []

    def problem(key: str | None, message: str, hint: str | None = None) -> None:  # None: the text
        problems.append(GazetteError(message, rel, body_line if key is None else field_line(head, key), hint))

    meta = _without_controls(meta, lambda key, found: report.warn(
        f"removed control characters ({', '.join(found)}) from `{key}`", rel, field_line(head, key)))
    body = _body_without_controls(body, body_line, rel, report)
    slug = meta.get("slug") if isinstance(meta.get("slug"), str) else path.stem
    wrong = slug_problem(slug)
    if wrong:
        where = "`slug`" if "slug" in meta else "file name"
        problem("slug", f"{where} {_shown(slug)} {wrong}", "use lowercase ASCII letters, digits and '-'")
    for key in REQUIRED:
        if key not in meta:
            problem(key, f"missing required field `{key}`", f"add `{key}: …` to the front matter")
    date, precision = check_values(meta, problem)
    _check_article(meta, body, problem)
    if "date" in meta and meta["date"] is None:
        report.warn(f"`date` is not known (null): the article is listed under {UNDATED}", rel, field_line(head, "date"))
    for key in sorted(set(meta) - KNOWN, key=str):
        report.warn(f"unknown field `{_shown(key, quote=False)}` (kept, not shown)", rel, field_line(head, str(key)))
    report.errors += problems
    return None if problems else _article(meta, slug, rel, body, date, precision)


def _check_article(meta: dict, body: str, problem) -> None:
    """What only a content file must be, beyond check_values: each check over the table of fields."""
    for key, f in FIELDS.items():
        if f.not_empty and key in meta and not str(meta.get(key) or "").strip():
            problem(key, f"`{key}` is empty")
    for key, f in FIELDS.items():
        if f.placeholder and str(meta.get(key) or "").strip() == f.placeholder:
            problem(key, f"`{key}` is still the template's placeholder {f.placeholder!r}", "fill it in")
    if body.strip() == PLACEHOLDER_BODY:
        problem(None, f"the text is still the template's placeholder {PLACEHOLDER_BODY!r}",
                "write the article below the front matter")
    for key, f in FIELDS.items():
        if f.kind == FLAG and key in meta and not isinstance(meta[key], bool):
            problem(key, f"`{key}` must be true or false, not {_shown(meta[key])}")
    for key, f in FIELDS.items():
        found = f.check(meta[key], meta) if f.check and meta.get(key) is not None else None
        if found:
            problem(key, *found)


def _article(meta: dict, slug: str, rel: str, body: str, date: dt.date | None, precision: str | None) -> Article:
    texts = {k: (str(meta[k]).strip() if meta.get(k) is not None else None) for k in STRING_FIELDS}
    return Article(
        slug=slug, source_path=rel, title=texts["title"], city=texts["city"], date=date,
        source=texts["source"], script=texts["script"] or detect_script(body or texts["title"]),
        body=body.strip() + "\n", subtitle=texts["subtitle"], district=texts["district"],
        province=texts["province"] or gazetteer.load().province_of(texts["city"] or ""),
        date_precision=precision if date else None, date_inferred=bool(date and meta.get("date_precision")),
        author=texts["author"],
        seed=texts["seed"], seed_part=meta.get("seed_part"), captions=tuple(meta.get("captions") or ()),
        review=tuple(meta.get("review") or ()), draft=meta.get("draft") is True,
    )


def _body_without_controls(body: str, body_line: int, rel: str, report: Report) -> str:
    found = CONTROL_CHARS.search(body)
    if not found:
        return body
    report.warn(f"removed control characters ({', '.join(without_controls(body)[1])}) from the text", rel,
                body_line + body.count("\n", 0, found.start()))
    return CONTROL_CHARS.sub("", body)


def slug_problem(slug: str) -> str | None:
    """What makes `slug` unfit to name a page (None: nothing): it becomes a file name and a URL."""
    if len(slug) > MAX_SLUG:
        return f"is {len(slug)} characters long (limit {MAX_SLUG})"
    if not SLUG.match(slug):
        return "is not a valid slug (no '/', '\\', '..', spaces or other characters)"
    return None


def check_values(meta: dict, problem) -> tuple[dt.date | None, str | None]:
    """Types, sizes and forms of the fields that content files and sidecars share, each wrong one
    passed to problem(key, message, hint); returns the date and the precision it implies."""
    for key in STRING_FIELDS:
        value = meta.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int))):
            problem(key, f"`{key}` must be text, not {type(value).__name__}")
        elif value is not None and key != "slug" and len(str(value)) > MAX_TEXT_CHARS:
            problem(key, f"`{key}` is {len(str(value))} characters long (limit {MAX_TEXT_CHARS})",
                    "is the text in the wrong field?")
    for key in LIST_FIELDS:
        value = meta.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problem(key, f"`{key}` must be a list of texts")
        elif value is not None and (len(value) > MAX_ITEMS or any(len(v) > MAX_ITEM_CHARS for v in value)):
            problem(key, f"`{key}` is too long: at most {MAX_ITEMS} texts of {MAX_ITEM_CHARS} characters")
    part = meta.get("seed_part")
    if part is not None and (isinstance(part, bool) or not isinstance(part, int) or part < 1):
        problem("seed_part", f"`seed_part` must be a whole number from 1, not {_shown(part)}",
                "the article's place in its seed: 1, 2, …")
    seed = meta.get("seed")
    if isinstance(seed, str) and (seed.strip() in ("", ".", "..") or "/" in seed or "\\" in seed or name_problem(seed)):
        problem("seed", f"`seed` {_shown(seed)} is not the name of a file in seeds/",
                "write the seed's file name, e.g. 001.txt")
    date, precision = _check_date(meta.get("date"), lambda m, h=None: problem("date", m, h))
    precision = _check_precision(meta.get("date_precision"), precision, meta.get("date"),
                                 lambda m, h=None: problem("date_precision", m, h))
    return date, precision


def check_sidecar(data: dict, path: Path) -> tuple[dt.date | None, str | None]:
    """A seed's sidecar holds front matter fields: the first wrong one is an error at its line.
    Returns its date and the precision the date's form implies (`date: 2020-03` is a month)."""
    lines = read_utf8(path).split("\n")

    def problem(key: str, message: str, hint: str | None = None) -> None:
        raise GazetteError(message, path, key_line(lines, key), hint)

    return check_values(data, problem)


def _without_controls(meta: dict, warn) -> dict:
    """The front matter with control characters removed from its texts (warn(key, found) for each);
    slug and seed name files: they are checked, never changed."""
    clean = dict(meta)
    for key, value in meta.items():
        if key in ("slug", "seed"):
            continue
        if isinstance(value, str):
            clean[key], found = without_controls(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            pairs = [without_controls(v) for v in value]
            clean[key], found = [v for v, _ in pairs], sorted({c for _, f in pairs for c in f})
        else:
            continue
        if found:
            warn(key, found)
    return clean


def _shown(value, limit: int = 60, quote: bool = True) -> str:
    """A value as an error message quotes it: repr, cut short (a message is one line)."""
    text = repr(value) if quote else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _check_date(value, problem) -> tuple[dt.date | None, str | None]:
    """The date, and the precision its form says: `2020-03` is a month, `2020` a year (None: a day).

    Between MIN_YEAR and next year: every month between the first and the last article gets a
    bar on the home page, and 9999-12-31 made it 9 MB.
    """
    if value is None:
        return None, None
    date, precision = None, None
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    else:
        form = DATE_FORMS.fullmatch(str(value).strip()) if isinstance(value, (str, int)) and \
            not isinstance(value, bool) else None
        if form:
            year, month, day = (int(part) if part else None for part in form.groups())
            with contextlib.suppress(ValueError):  # 2020-02-30, 2020-13: reported as any other bad date
                date, precision = dt.date(year, month or 1, day or 1), None if day else "month" if month else "year"
    if date is None:
        problem(f"invalid date {_shown(value)}", "write dates as YYYY-MM-DD, e.g. 2020-02-11, or YYYY-MM or YYYY "
                "when only the month or the year is known")
        return None, None
    last = dt.date.today().year + 1
    if not MIN_YEAR <= date.year <= last:
        problem(f"date {_shown(value)} is out of range ({MIN_YEAR} to {last})", "is the year mistyped?")
        return None, None
    return date, precision


def _check_precision(value, implied: str | None, date, problem) -> str | None:
    """`date_precision` as written, or as the date's form implies (`date: 2020` is a year)."""
    if value is None or isinstance(value, bool) or not isinstance(value, (str, int)):
        return implied  # a wrong type is reported with the other text fields
    value = str(value).strip()
    if value not in PRECISIONS:
        problem(f"`date_precision` must be day, month or year, not {value!r}")
        return None
    if implied and PRECISIONS.index(value) < PRECISIONS.index(implied):
        problem(f"`date_precision: {value}` is finer than `date: {date}`",
                f"write the full date YYYY-MM-DD, or `date_precision: {implied}`")
        return None
    return value


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def load_content(content_dir: Path, root: Path, report: Report, cache_file: Path | None = None) -> list[Article]:
    """Every content file as an Article; a file whose bytes are unchanged comes from the cache
    (made by the same code: a rule added since may refuse what an older one let through)."""
    stored = build_cache.load(cache_file)
    cache = stored.get("files", {}) if stored.get("code") == build_cache.code_version() else {}
    fresh: dict[str, tuple] = {}
    articles: list[Article] = []
    owners: dict[str, Article] = {}
    origins: dict[tuple[str, int], Article] = {}  # (seed, part): the file that publishes it
    digests = _digests(sorted(content_dir.glob("*.md")) if content_dir.is_dir() else [], root, report)
    paths = list(digests)
    todo = [p for p in paths if cache.get(_rel(p, root), ("",))[0] != digests[p]]
    parsed = dict(zip(todo, map_in_parts(functools.partial(_parse, root=root), todo, PARALLEL_FROM), strict=True))
    for path in paths:
        digest, rel = digests[path], _rel(path, root)
        if path in parsed:
            article, errors, warnings = parsed[path]
            report.errors += errors
        else:
            _, article, warnings = cache[rel]
        report.warnings += warnings
        if article is None:
            continue
        fresh[rel] = (digest, article, warnings)
        if article.slug in owners:
            report.error(GazetteError(f"duplicate slug {article.slug!r}: {owners[article.slug].source_path} has it too",
                                      article.source_path, hint="give one of them another `slug:`"))
            continue
        origin = (article.seed, article.seed_part)
        if article.seed and article.seed_part and origin in origins:
            report.error(GazetteError(
                f"the same article as {origins[origin].source_path}: both come from part {article.seed_part} of "
                f"seed {article.seed!r}", article.source_path,
                hint="keep one of the two files (delete the other), or give one another `seed_part`"))
            continue
        origins[origin] = owners[article.slug] = article
        articles.append(article)
    if cache_file and fresh != cache:
        build_cache.save(cache_file, {"code": build_cache.code_version(), "files": fresh})
    return articles


def _digests(paths: list[Path], root: Path, report: Report) -> dict[Path, str]:
    """The hash of each file that can be read; the others (a folder, a FIFO, a link out) are errors."""
    digests = {}
    for path in paths:
        try:
            data = read_input(path, MAX_CONTENT_BYTES, root, hint="is it really one article?")
        except GazetteError as exc:
            exc.path = _rel(path, root)
            report.error(exc)
            continue
        digests[path] = hashlib.sha256(data).hexdigest()
    return digests


PARALLEL_FROM = 200  # files to parse from which a clean build parses them over all cores


def _parse(paths: list[Path], root: Path) -> list[tuple]:
    """(article or None, errors, warnings) of each file."""
    parsed = []
    for path in paths:
        file_report = Report()
        parsed.append((load_article(path, root, file_report), file_report.errors, file_report.warnings))
    return parsed
