"""content/*.md to Article: every field checked, every problem named with file and line."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from difflib import get_close_matches
from pathlib import Path

from . import cache as build_cache
from . import frontmatter, gazetteer
from .errors import GazetteError, Report, key_line
from .model import Article
from .script import HANS, HANT, detect_script
from .workers import map_in_parts

REQUIRED = ("title", "city", "date", "source")
STRING_FIELDS = ("title", "subtitle", "city", "district", "province", "source", "author", "seed", "script",
                 "date_precision", "slug")
LIST_FIELDS = ("captions", "review")
KNOWN = set(REQUIRED) | set(STRING_FIELDS) | set(LIST_FIELDS) | {"seed_part", "seed_sha256", frontmatter.IMPORT_HASH}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_CONTENT_BYTES = 2 * 1024 * 1024  # ten times the longest article we know of
DATE_FORMS = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")  # 2020-03-04, or 2020-03 / 2020 when no more is known
PRECISIONS = ("day", "month", "year")  # finest first


def field_line(head_lines: list[str], key: str) -> int:
    """Line number in the file of `key:` in the front matter (the file's line 1 is `---`)."""
    return key_line(head_lines, key, first=2)


def load_article(path: Path, root: Path, report: Report) -> Article | None:
    """One content file as an Article; problems are added to `report` and None returned."""
    try:
        if path.stat().st_size > MAX_CONTENT_BYTES:
            raise GazetteError(f"file too large ({path.stat().st_size // 1024} KB, limit "
                               f"{MAX_CONTENT_BYTES // 1024} KB)", _rel(path, root), hint="is it really one article?")
        meta, body, _, text = frontmatter.read(path)
    except GazetteError as exc:
        exc.path = _rel(path, root)  # name the file as the user knows it
        report.error(exc)
        return None
    head = text.split("\n")[1:]
    rel = _rel(path, root)
    problems: list[GazetteError] = []

    def problem(key: str, message: str, hint: str | None = None) -> None:
        problems.append(GazetteError(message, rel, field_line(head, key), hint))

    slug = meta.get("slug") if isinstance(meta.get("slug"), str) else path.stem
    if not SLUG.match(slug):
        where = "`slug`" if "slug" in meta else "file name"
        problem("slug", f"{where} {slug!r} is not a valid slug (no '/', '\\', '..' or other characters)",
                "use lowercase ASCII letters, digits and '-'")
    for key in REQUIRED:
        if key not in meta:
            problem(key, f"missing required field `{key}`", f"add `{key}: …` to the front matter")
    for key in STRING_FIELDS:
        if meta.get(key) is not None and not isinstance(meta[key], (str, int)) or isinstance(meta.get(key), bool):
            problem(key, f"`{key}` must be text, not {type(meta[key]).__name__}")
    for key in LIST_FIELDS:
        value = meta.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problem(key, f"`{key}` must be a list of texts")
    if "title" in meta and not str(meta.get("title") or "").strip():
        problem("title", "`title` is empty")
    if "source" in meta and not str(meta.get("source") or "").strip():
        problem("source", "`source` is empty")
    date, precision = _check_date(meta.get("date"), lambda m, h=None: problem("date", m, h))
    precision = _check_precision(meta.get("date_precision"), precision, meta.get("date"),
                                 lambda m, h=None: problem("date_precision", m, h))
    if "date" in meta and meta["date"] is None:
        report.warn("`date` is not known (null): the article is listed under 日期不详", rel, field_line(head, "date"))
    city = meta.get("city")
    places = gazetteer.load()
    if isinstance(city, str) and city not in places.known_places:
        near = places.closest_place(city)
        problem("city", f"unknown city {city!r}", f"did you mean {near!r}?" if near else
                "a prefecture-level city of China (沈阳, 齐齐哈尔), 辽宁 or 全国")
    province = meta.get("province")
    if isinstance(province, str) and province not in places.provinces:
        near = get_close_matches(province, places.provinces, n=1, cutoff=0.3)
        problem("province", f"unknown province {province!r}", f"did you mean {near[0]!r}?" if near else
                "a province's short name (辽宁, 黑龙江, 广西)")
    elif isinstance(province, str) and isinstance(city, str) and places.province_of(city) not in (None, province):
        problem("province", f"{city} is in {places.province_of(city)}, not {province}",
                f"write `province: {places.province_of(city)}` or leave it out")
    script = meta.get("script")
    if script is not None and script not in (HANS, HANT):
        problem("script", f"`script` must be {HANS} or {HANT}, not {script!r}")
    for key in sorted(set(meta) - KNOWN):
        report.warn(f"unknown field `{key}` (kept, not shown)", rel, field_line(head, key))
    if problems:
        for p in problems:
            report.error(p)
        return None
    text_fields = {k: (str(meta[k]).strip() if meta.get(k) is not None else None) for k in STRING_FIELDS}
    return Article(
        slug=slug, source_path=rel, title=text_fields["title"], city=text_fields["city"], date=date,
        source=text_fields["source"], script=script or detect_script(body or text_fields["title"]),
        body=body.strip() + "\n", subtitle=text_fields["subtitle"], district=text_fields["district"],
        province=text_fields["province"] or places.province_of(text_fields["city"] or ""),
        date_precision=precision if date else None, author=text_fields["author"],
        seed=text_fields["seed"], captions=tuple(meta.get("captions") or ()), review=tuple(meta.get("review") or ()),
    )


def _check_date(value, problem) -> tuple[dt.date | None, str | None]:
    """The date, and the precision its form says: `2020-03` is a month, `2020` a year (None: a day)."""
    if value is None:
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    form = DATE_FORMS.fullmatch(str(value).strip()) if not isinstance(value, bool) else None
    if form:
        year, month, day = (int(part) if part else None for part in form.groups())
        try:
            return dt.date(year, month or 1, day or 1), None if day else "month" if month else "year"
        except ValueError:
            pass  # 2020-02-30, 2020-13: reported as any other bad date
    problem(f"invalid date {value!r}", "write dates as YYYY-MM-DD, e.g. 2020-02-11, or YYYY-MM or YYYY "
            "when only the month or the year is known")
    return None, None


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
    """Every content file as an Article; a file whose bytes are unchanged comes from the cache."""
    cache = build_cache.load(cache_file)
    fresh: dict[str, tuple] = {}
    articles: list[Article] = []
    owners: dict[str, Article] = {}
    paths = sorted(content_dir.glob("*.md")) if content_dir.is_dir() else []
    digests = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}
    todo = [p for p in paths if cache.get(_rel(p, root), ("",))[0] != digests[p]]
    parsed = dict(zip(todo, map_in_parts(functools.partial(_parse, root=root), todo, PARALLEL_FROM)))
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
        owners[article.slug] = article
        articles.append(article)
    if cache_file and fresh != cache:
        build_cache.save(cache_file, fresh)
    return articles


PARALLEL_FROM = 200  # files to parse from which a clean build parses them over all cores


def _parse(paths: list[Path], root: Path) -> list[tuple]:
    """(article or None, errors, warnings) of each file."""
    parsed = []
    for path in paths:
        file_report = Report()
        parsed.append((load_article(path, root, file_report), file_report.errors, file_report.warnings))
    return parsed
