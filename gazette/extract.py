"""Metadata of split articles: title, subtitle, author, captions, city, date, source, body."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from . import gazetteer
from .clean import Cleaned, Removed
from .garbled import find_garbled
from .meta import DATE, Meta, end_byline, full_dates, is_name, lead_byline, make_date, names_in, vocabulary
from .model import UNKNOWN_SOURCE
from .script import HAN_CHARS, detect_script
from .split import LEAD, Block, Para, heading_like, is_byline, is_name_line, simplified

DATA = Path(__file__).parent / "data"

_MONTH_DAY = re.compile(r"(?<![\d年\-/.])(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)\s*年(?!代)")
_RUN_IN_SIGNATURE = re.compile(rf"^(.*[。！？!?”])\s*([{HAN_CHARS}]{{2,4}}|[{HAN_CHARS}]\s[{HAN_CHARS}]{{1,2}})$", re.S)
_SITE = [re.compile(r"欢迎(?:来到|登陆|登录|光临|访问)(.{2,12}?(?:网|网站|在线|客户端|之窗))"),
         re.compile(r"^([^\s>»:：]{2,12}?(?:网|报|在线)(?:首页|官网)?|[^\s>»:：]{2,6}首页)\s*[>»]"),
         re.compile(r"[-_|]\s*(\S{2,10}(?:网|报))$"),
         re.compile(r"^(\S{2,10}?报)(?:数字报|电子版|数字版|电子报|多媒体数字报刊?)$")]  # an e-paper's masthead
_YEAR_MONTH = re.compile(r"(?<!\d)(20[0-4]\d|19[89]\d)\s*年\s*\d{1,2}\s*月")
# Markdown's own characters, and an & that would start an entity (the text says "&lt;", not "<")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>]|&(?=#?\w+;))")
_MD_BLOCK_START = re.compile(r"^(#|>|[-+*=]\s|\d+[.)]\s|~~~|```|\|)")


@dataclass
class PageFacts:
    """What a page says about all of its articles, and the line each fact came from."""

    stated_date: dt.date | None = None
    source: str | None = None
    years: list[int] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)
    era_year: tuple[int, str] | None = None
    continued: str | None = None  # the page-jump marker when the page continues another
    dateline: str = ""  # a wire lead removed with the headline it carried
    site: str | None = None  # the site's own name, from its banner or breadcrumb
    guessed_source: str | None = None  # a name beside the date line, taken when the text names none
    metas: list[tuple[int, Meta]] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Draft:
    fields: dict
    body: str
    removed: list[dict]
    lines: dict[str, int] = field(default_factory=dict)  # field -> the seed line it came from


# --- Page facts -------------------------------------------------------------------------------

def page_facts(cleaned: Cleaned, text: str) -> PageFacts:
    facts = PageFacts(metas=_nearest_first(cleaned))
    simple = simplified(text)
    for line, meta in facts.metas:
        if meta.date and facts.stated_date is None:
            facts.stated_date, facts.lines["date"] = meta.date, line
        facts.dateline = facts.dateline or meta.dateline
    for weak in (False, True):  # a labelled source before a name beside the headline
        for line, meta in facts.metas:
            if meta.source and meta.weak == weak and not meta.weak_source and facts.source is None:
                facts.source, facts.lines["source"] = meta.source, line
    guesses = [(line, meta.source) for line, meta in facts.metas if meta.weak_source]
    if guesses and facts.source is None:
        facts.guessed_source, facts.lines["source"] = guesses[0][1], guesses[0][0]
    for item in cleaned.removed:
        s = simplified(item.text)
        if item.kind in {"navigation", "header", "title_repeat", "related", "site_suffix"}:
            facts.site = facts.site or _site_name(s, item.kind)
        if item.kind == "page_jump" and "上接" in s:
            facts.continued = item.text
    if facts.source in vocabulary()["self_source"]:
        facts.source = facts.site
    facts.years = _related_years(simple + facts.dateline)
    facts.era_year = _era_year(simple)
    facts.dates = _dates_in(simple + facts.dateline, facts)
    return facts


def _nearest_first(cleaned: Cleaned) -> list[tuple[int, Meta]]:
    """Metadata lines, those below the headline first: an e-paper's date list never wins."""
    top = cleaned.title_line.no if cleaned.title_line else 0
    return sorted(cleaned.metas, key=lambda item: (item[0] < top, abs(item[0] - top)))


def _site_name(simple: str, kind: str) -> str | None:
    if kind == "site_suffix":
        return simple.strip("-_|–— ") or None
    for rx in _SITE:
        if m := rx.search(simple):
            name = re.sub(r"(首页|官网|主页)$", "", m.group(1))
            return name if len(name) >= 2 else None
    return None


def _related_years(text: str) -> list[int]:
    """Years the text dates things with: any 20xx年 with a month, a bare year only within the
    collection's era (a report from 2020 that recalls "2017年,…" is not from 2017)."""
    dated = [int(y) for y in _YEAR_MONTH.findall(text)] + [d.year for d in full_dates(text)]
    era_start = min(_eras()["cues"])
    return dated + [int(y) for y in _YEAR.findall(text) if int(y) >= era_start]


def _dates_in(text: str, facts: PageFacts) -> list[dt.date]:
    year = max(facts.years) if facts.years else (facts.era_year[0] if facts.era_year else None)
    dates = full_dates(text)
    if year:
        dates += [date for m, d in _MONTH_DAY.findall(DATE.sub("", text)) if (date := make_date(year, m, d))]
    return dates


@lru_cache(maxsize=1)
def _eras() -> dict[str, dict[int, list[str]]]:
    return yaml.safe_load((DATA / "eras.yaml").read_text(encoding="utf-8"))


def _era_year(text: str) -> tuple[int, str] | None:
    """The year whose cue phrases the text uses most; the fallback cues only when none is used."""
    for table in (_eras()["cues"], _eras()["fallback"]):
        hits = Counter({year: sum(text.count(c) for c in cues) for year, cues in table.items()})
        if hits and hits.most_common(1)[0][1]:
            year = hits.most_common(1)[0][0]
            return year, next(c for c in table[year] if c in text)
    return None


# --- One article ------------------------------------------------------------------------------

def review_note(field: str, text: str) -> str:
    """A note for the curator: the field it is about, then what to check. A sidecar that sets
    the field settles it (importer)."""
    return f"{field}: {text}"


def noted_field(note: str) -> str:
    return note.split(":", 1)[0]


def build_draft(block: Block, facts: PageFacts, seed_name: str, metas: list[tuple[int, Meta]]) -> Draft:
    """One article's fields and Markdown body; `metas` are the metadata lines among its lines."""
    paras = list(block.paras)
    review: list[str] = []
    lines = dict(facts.lines)
    removed: list[dict] = []
    title, subtitle = _take_headline(block, paras, lines)
    authors, lead_source = _take_authors(block, paras, metas, lines, removed)
    if title is None:
        title = _stand_in_title(paras or block.captions)
        where = f" ({facts.continued})" if facts.continued else ""
        review.append(review_note("title", f"the headline is not in the text{where}; “{title}” stands in"))
    body_text = "\n".join(p.text for p in paras)
    simple_all = simplified(f"{title}\n{subtitle or ''}\n{facts.dateline}\n{body_text}")
    date, precision, date_note = choose_date(simple_all, facts)
    if date_note:
        review.append(date_note)
        lines.pop("date", None)
    source = _source(facts, paras, lines, lead_source)
    place = _place(title, subtitle, facts.dateline + body_text, source)
    _place_lines(place, simplified(f"{title} {subtitle or ''}"), paras, lines)
    if place.city is None:
        review.append(review_note("city", f"the text is about several cities of {place.province} or the whole "
                                  "province; set `city` if one is meant" if place.province
                                  else "the text names no place; set `city` by hand"))
    if source is None:
        source = UNKNOWN_SOURCE
        review.append(review_note("source", "the text does not name its paper or site; "
                                  f"add `source:` to seeds/{Path(seed_name).stem}.yaml"))
    for para in paras + block.captions:
        review += [f"garbled text near “{spot}”" for spot in find_garbled(para.text)]
    fields = {
        "title": title,
        "subtitle": subtitle,
        "city": place.city,
        "district": place.district,
        "province": place.province,
        "date": date,
        "date_precision": precision,
        "source": simplified(source),
        "author": "、".join(a for a in authors if a != source) or None,  # (华宣) closing it: the source again
        "script": detect_script(body_text or title),
        "captions": [c.text for c in block.captions] or None,
        "review": review or None,
    }
    return Draft(fields, to_markdown(paras), removed, {k: v for k, v in lines.items() if fields.get(k)})


def _take_headline(block: Block, paras: list[Para], lines: dict) -> tuple[str | None, str | None]:
    """The headline and subtitle, taken from the top of the text (with a ——subtitle below it)."""
    if not (block.has_title and paras):
        return None, None
    lines["title"] = paras[0].line
    title, subtitle = split_title(paras.pop(0).text)
    if paras and paras[0].simple.startswith("——") and heading_like(paras[0]):
        sub = paras.pop(0).text.lstrip("—- ").strip()
        subtitle = f"{subtitle} {sub}" if subtitle else sub
    return title, subtitle


def _take_authors(block: Block, paras: list[Para], metas: list[tuple[int, Meta]], lines: dict,
                  removed: list[dict]) -> tuple[list[str], str | None]:
    """The authors that metadata lines and bylines name, the bylines taken out of the text; and
    the source a lead names (本报讯, 新华社沈阳2月11日电)."""
    authors: list[str] = []
    for line, meta in metas:
        _add_authors(authors, meta.authors, lines, line)
    while paras and (is_byline(paras[0].simple) or _name_byline(paras, block)):
        _take_byline(paras, 0, authors, lines, removed)
    if block.kind == "commentary" and paras and is_name_line(paras[0]):
        _add_authors(authors, [_name(paras[0].text)], lines, paras.pop(0).line)
    lead_source, lead_names = lead_byline(paras[0].simple) if paras else (None, [])
    if paras:
        _add_authors(authors, as_written(paras[0].text, lead_names), lines, paras[0].line)
    _take_end_byline(paras, authors, lines, removed)
    if len(paras) > 1 and is_byline(paras[-1].simple):  # 半岛记者 黄超 通讯员 刘雅晴, closing the text
        _take_byline(paras, -1, authors, lines, removed)
    signature = _take_signature(paras)
    if signature:
        _add_authors(authors, [signature], lines, block.paras[-1].line)
    return authors, lead_source


def _source(facts: PageFacts, paras: list[Para], lines: dict, lead_source: str | None) -> str | None:
    """The paper or site: a metadata line's, the lead's, a news agency's dateline, the page's own."""
    source = facts.source
    if source is None and lead_source:
        source, lines["source"] = lead_source, paras[0].line
    if source is None and facts.dateline and (m := re.match(r"新华社|中新社", simplified(facts.dateline))):
        source = m.group(0)
    return source or facts.guessed_source or facts.site


def _place_lines(place: gazetteer.Place, simple_title: str, paras: list[Para], lines: dict) -> None:
    """Where the city and district were read: the headline if it names them, else the first paragraph that does."""
    for key, name in (("city", place.city), ("district", place.district)):
        if not name:
            continue
        first = next((p.line for p in paras if name[:2] in p.simple), None)
        if name[:2] in simple_title:
            first = lines.get("title", 0)
        if first is not None:
            lines[key] = first


def _place(title: str, subtitle: str | None, text: str, source: str | None) -> gazetteer.Place:
    """Where the text says it is; else where its publisher is (信息来源: 阳城县融媒体中心)."""
    places = gazetteer.load()
    place = places.locate(simplified(f"{title} {subtitle or ''}"), simplified(text))
    if place.city is None and place.province is None and source:
        place = places.locate("", simplified(source))
    return place


def _add_authors(authors: list[str], names: list[str], lines: dict, line: int) -> None:
    for name in names:
        if name not in authors:
            authors.append(name)
            lines.setdefault("author", line)


def _take_byline(paras: list[Para], at: int, authors: list[str], lines: dict, removed: list[dict]) -> None:
    """A byline line leaves the text: its names become authors, the line is reported."""
    byline = paras.pop(at)
    _add_authors(authors, byline_names(byline.text), lines, byline.line)
    removed.append(Removed("byline", byline.text, byline.line).as_dict())


def _name_byline(paras: list[Para], block: Block) -> bool:
    """A lone name between the headline and the text of a web page (海丹青)."""
    return block.kind == "page" and len(paras) > 1 and is_name_line(paras[0]) and is_name(paras[0].simple)


def _take_end_byline(paras: list[Para], authors: list[str], lines: dict, removed: list[dict]) -> None:
    """`……挺过去。(辽宁日报记者 翟新群)`: the closing bracket's names leave the text."""
    if not paras:
        return
    last = paras[-1]
    names, start = end_byline(last.simple)
    if not names or len(last.simple) != len(last.text):
        return
    _add_authors(authors, as_written(last.text, names), lines, last.line)
    removed.append(Removed("byline", last.text[start:], last.line).as_dict())
    last.text = last.text[:start].rstrip()
    if not last.text:
        paras.pop()


_COLUMN_BAR = re.compile(r"^\s*(?:[^\s|｜]{2,6}\s*[|｜]|【[^【】]{2,14}】)\s*(?=\S{4})")  # 北京视点 |, 【抗击疫情】


def split_title(text: str) -> tuple[str, str | None]:
    """Headline and kicker/subtitle: of "A——B", the shorter part is the headline; a column's
    name before a bar (北京视点 | …) or in brackets (【众志成城 抗击疫情】…) is not part of it."""
    text = _COLUMN_BAR.sub("", text)
    parts = [p.strip() for p in re.split(r"\s*——\s*", text.strip()) if p.strip()]
    if len(parts) != 2:
        return text.strip(), None
    a, b = parts
    return (a, b) if len(a) <= len(b) else (b, a)


def byline_names(text: str) -> list[str]:
    """The names of a byline line, as written (本報記者 張三 -> 張三)."""
    return as_written(text, names_in(simplified(text)))


def as_written(text: str, names: list[str]) -> list[str]:
    """Names found in the Simplified form of `text`, spelt as `text` spells them."""
    simple = simplified(text)
    if len(simple) != len(text):
        return names
    return [text[simple.index(n):simple.index(n) + len(n)] if n in simple else n for n in names]


def _name(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _take_signature(paras: list[Para]) -> str | None:
    """The signature closing an article: a name line, or a name run into the last sentence."""
    if not paras:
        return None
    last = paras[-1]
    if is_name_line(last) and len(paras) > 1:
        paras.pop()
        return _name(last.text)
    match = _RUN_IN_SIGNATURE.match(last.text)
    if match:
        candidate = Para(match.group(2), last.line)
        if is_name_line(candidate):
            last.text = match.group(1)
            return _name(match.group(2))
    return None


def _stand_in_title(paras: list[Para]) -> str:
    for p in paras[:4]:
        if heading_like(p, 30):
            return p.text
    if not paras:
        return "无题"
    lead = LEAD.match(paras[0].simple)  # 本报讯, 我东网讯: the paper's, not the story's first words
    first = paras[0].text[lead.end() if lead else 0:].strip(" 　:：")
    words = re.split(r"[。！？!?]", first)[0][:30] or paras[0].text[:30]
    return words[1:] if words[0] in "“「" and not re.search(r"[”」]", words) else words  # a quote cut open


def choose_date(text: str, facts: PageFacts) -> tuple[dt.date | None, str | None, str | None]:
    """(date, date_precision, review note): stated, masthead, then the latest date in the text."""
    if facts.stated_date:
        return facts.stated_date, None, None
    own = _dates_in(text, PageFacts(years=facts.years or [d.year for d in full_dates(text)],
                                    era_year=facts.era_year))
    dates, where = (own, "the text") if own else (facts.dates, "the page")
    year_from = _year_reason(facts)
    if dates:
        latest = max(dates)
        on = f"{latest.month}月{latest.day}日"
        note = review_note("date", f"inferred from the latest date in {where} ({on}){year_from}")
        return latest, "day", note
    year = max(facts.years) if facts.years else (facts.era_year[0] if facts.era_year else None)
    if year:
        return dt.date(year, 1, 1), "year", review_note("date", f"only the year could be inferred{year_from}")
    return None, None, review_note("date", "the text states no date; set `date` by hand")


def _year_reason(facts: PageFacts) -> str:
    if facts.years:
        return f"; year {max(facts.years)} from the text"
    if facts.era_year:
        return f"; year {facts.era_year[0]} inferred from the phrase “{facts.era_year[1]}”"
    return ""


# --- Markdown body ----------------------------------------------------------------------------

def to_markdown(paras: list[Para]) -> str:
    out: list[str] = []
    previous_heading = False
    for i, p in enumerate(paras):
        is_heading = (heading_like(p, 40) and i + 1 < len(paras) and not is_name_line(p)) or bool(p.heading)
        if is_heading:
            sub = previous_heading or p.simple.startswith("——") or p.simple.endswith("——")
            out.append(("### " if sub else "## ") + escape_inline(p.text))
        else:
            out.append(escape_block(p.text))
        previous_heading = is_heading
    return "\n\n".join(out) + "\n"


def escape_inline(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def escape_block(text: str) -> str:
    text = escape_inline(text)
    return "\\" + text if _MD_BLOCK_START.match(text) else text


def block_finder(blocks: list[Block]) -> Callable[[int], int]:
    """block_finder(blocks)(line): the index of the article whose lines a seed line sat among."""
    starts = [min([p.line for p in b.paras] + [c.line for c in b.captions]) for b in blocks]
    return lambda line: max([i for i, start in enumerate(starts) if start <= line] or [0])


def assign_removed(drafts: list[Draft], blocks: list[Block], removed: list[Removed]) -> None:
    """Each removal is reported with the article whose lines it sat among."""
    block_of = block_finder(blocks)
    for item in removed:
        index = block_of(item.line)
        drafts[index].removed.append(item.as_dict())
        if item.kind == "page_jump" and "下转" in simplified(item.text):
            notes = drafts[index].fields.setdefault("review", None) or []
            goes_on = review_note("text", f"goes on on another page {item.text}, not in this seed")
            drafts[index].fields["review"] = [*notes, goes_on]
