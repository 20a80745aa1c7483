"""Metadata of split articles: title, subtitle, author, captions, city, date, source, body."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from . import gazetteer
from .clean import Cleaned, Removed
from .garbled import find_garbled
from .script import detect_script
from .split import BYLINE, Block, Para, _BYLINE_NAMES, heading_like, is_name_line, simplified

DATA = Path(__file__).parent / "data"
UNKNOWN_SOURCE = "未注明"

_FULL_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_MONTH_DAY = re.compile(r"(?<![\d年\-/.])(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)\s*年(?!代)")
_RUN_IN_SIGNATURE = re.compile(r"^(.*[。！？!?”])\s*([\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]\s[\u4e00-\u9fff]{1,2})$", re.S)
_SITE = [re.compile(r"欢迎(?:登陆|登录|光临|访问)(.{2,12}?(?:网|网站|在线|客户端))"),
         re.compile(r"当前位置[:：]\s*(?:首页\s*[>»]+\s*)?([^\s>»]{2,12})\s*[>»]")]
_SELF_SOURCE = {"本站原创", "本站", "原创", "本网", "本网原创"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_MD_BLOCK_START = re.compile(r"^(#|>|[-+*=]\s|\d+[.)]\s|~~~|```|\|)")


@dataclass
class PageFacts:
    """What a page says about all of its articles."""

    stated_date: dt.date | None = None
    source: str | None = None
    years: list[int] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)
    era_year: tuple[int, str] | None = None
    continued: str | None = None  # the page-jump marker when the page continues another


@dataclass
class Draft:
    fields: dict
    body: str
    removed: list[dict]


# --- Page facts -------------------------------------------------------------------------------

def page_facts(cleaned: Cleaned, text: str) -> PageFacts:
    facts = PageFacts()
    simple = simplified(text)
    site = None
    for item in cleaned.removed:
        s = simplified(item.text)
        if item.kind in {"metadata", "masthead"} and facts.stated_date is None:
            facts.stated_date = _first_full_date(s)
        if item.kind in {"metadata", "masthead"}:
            if m := re.search(r"来源[:：]\s*([^\s|【]{2,20})", s):
                facts.source = facts.source or m.group(1)
            elif item.kind == "masthead" and (m := re.search(r"([\u4e00-\u9fff]{2,8}(?:日报|晚报|时报|报))", s)):
                facts.source = facts.source or m.group(1)
        if item.kind == "navigation":
            site = site or next((m.group(1) for rx in _SITE if (m := rx.search(s))), None)
        if item.kind in {"title_repeat", "related"} and (m := re.search(r"[-_|]\s*(\S{2,10}(?:网|报))$", s)):
            site = site or m.group(1)
        if item.kind == "page_jump" and "上接" in s:
            facts.continued = item.text
    if facts.source in _SELF_SOURCE or (facts.source is None and site):
        facts.source = site
    facts.years = [int(y) for y in _YEAR.findall(simple)] + [d.year for d in _full_dates(simple)]
    facts.era_year = _era_year(simple)
    facts.dates = _dates_in(simple, facts)
    return facts


def _first_full_date(text: str) -> dt.date | None:
    dates = _full_dates(text)
    return dates[0] if dates else None


def _full_dates(text: str) -> list[dt.date]:
    out = []
    for y, m, d in _FULL_DATE.findall(text):
        try:
            out.append(dt.date(int(y), int(m), int(d)))
        except ValueError:
            pass
    return out


def _dates_in(text: str, facts: PageFacts) -> list[dt.date]:
    year = max(facts.years) if facts.years else (facts.era_year[0] if facts.era_year else None)
    dates = _full_dates(text)
    if year:
        for m, d in _MONTH_DAY.findall(_FULL_DATE.sub("", text)):
            try:
                dates.append(dt.date(year, int(m), int(d)))
            except ValueError:
                pass
    return dates


@lru_cache(maxsize=1)
def _eras() -> dict[int, list[str]]:
    return yaml.safe_load((DATA / "eras.yaml").read_text(encoding="utf-8"))


def _era_year(text: str) -> tuple[int, str] | None:
    hits = Counter({year: sum(text.count(c) for c in cues) for year, cues in _eras().items()})
    if not hits or hits.most_common(1)[0][1] == 0:
        return None
    year = hits.most_common(1)[0][0]
    cue = next(c for c in _eras()[year] if c in text)
    return year, cue


# --- One article ------------------------------------------------------------------------------

def build_draft(block: Block, facts: PageFacts, seed_name: str, part: int) -> Draft:
    paras = list(block.paras)
    review: list[str] = []
    title, subtitle = None, None
    authors: list[str] = []
    if block.has_title and paras:
        title, subtitle = split_title(paras.pop(0).text)
        if paras and paras[0].simple.startswith("——") and heading_like(paras[0]):
            sub = paras.pop(0).text.lstrip("—- ").strip()
            subtitle = f"{subtitle} {sub}" if subtitle else sub
    removed: list[dict] = []
    while paras and BYLINE.match(paras[0].simple):
        byline = paras.pop(0)
        authors += byline_names(byline.text)
        removed.append(Removed("byline", byline.text, byline.line).as_dict())
    if block.kind == "commentary" and paras and is_name_line(paras[0]):
        authors.append(_name(paras.pop(0).text))
    signature = _take_signature(paras)
    if signature:
        authors.append(signature)
    if title is None:
        title = _stand_in_title(paras or block.captions)
        where = f" ({facts.continued})" if facts.continued else ""
        review.append(f"title: the headline is not in the text{where}; “{title}” stands in")
    body_text = "\n".join(p.text for p in paras)
    simple_all = simplified(f"{title}\n{subtitle or ''}\n{body_text}")
    city, district = gazetteer.load().locate(simplified(f"{title} {subtitle or ''}"), simplified(body_text))
    if city is None and block.kind != "commentary":
        review.append("city: the text names no place; set `city` by hand")
    date, precision, date_note = choose_date(simple_all, facts)
    if date_note:
        review.append(date_note)
    source = facts.source
    if source is None and paras and (m := re.match(r"新华社", paras[0].simple)):
        source = m.group(0)
    if source is None:
        source = UNKNOWN_SOURCE
        review.append(f"source: the text does not name its paper or site; add `source:` to seeds/{Path(seed_name).stem}.yaml")
    for para in paras + block.captions:
        review += [f"garbled text near “{spot}”" for spot in find_garbled(para.text)]
    fields = {
        "title": title,
        "subtitle": subtitle,
        "city": city,
        "district": district,
        "date": date,
        "date_precision": precision,
        "source": simplified(source),
        "author": "、".join(dict.fromkeys(authors)) or None,
        "script": detect_script(body_text or title),
        "captions": [c.text for c in block.captions] or None,
        "review": review or None,
    }
    return Draft(fields, to_markdown(paras), removed)


def split_title(text: str) -> tuple[str, str | None]:
    """Headline and kicker/subtitle: of "A——B", the shorter part is the headline."""
    parts = [p.strip() for p in re.split(r"\s*——\s*", text.strip()) if p.strip()]
    if len(parts) != 2:
        return text.strip(), None
    a, b = parts
    return (a, b) if len(a) <= len(b) else (b, a)


def byline_names(text: str) -> list[str]:
    rest = _BYLINE_NAMES.sub(" ", text)
    return [n for n in rest.split() if n]


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
    first = paras[0].text if paras else "无题"
    return re.split(r"[。！？!?]", first)[0][:30]


def choose_date(text: str, facts: PageFacts) -> tuple[dt.date | None, str | None, str | None]:
    """(date, date_precision, review note): stated, masthead, then the latest date in the text."""
    if facts.stated_date:
        return facts.stated_date, None, None
    own = _dates_in(text, PageFacts(years=facts.years or [d.year for d in _full_dates(text)],
                                    era_year=facts.era_year))
    dates, where = (own, "the text") if own else (facts.dates, "the page")
    year_from = _year_reason(facts)
    if dates:
        latest = max(dates)
        return latest, "day", f"date: inferred from the latest date in {where} ({latest.month}月{latest.day}日){year_from}"
    year = max(facts.years) if facts.years else (facts.era_year[0] if facts.era_year else None)
    if year:
        return dt.date(year, 1, 1), "year", f"date: only the year could be inferred{year_from}"
    return None, None, "date: the text states no date; set `date` by hand"


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


def assign_removed(drafts: list[Draft], blocks: list[Block], removed: list[Removed]) -> None:
    """Each removal is reported with the article whose lines it sat among."""
    starts = [min([p.line for p in b.paras] + [c.line for c in b.captions]) for b in blocks]
    for item in removed:
        index = max([i for i, s in enumerate(starts) if s <= item.line] or [0])
        drafts[index].removed.append(item.as_dict())
        if item.kind == "page_jump" and "下转" in simplified(item.text):
            notes = drafts[index].fields.setdefault("review", None) or []
            drafts[index].fields["review"] = notes + [f"text: goes on on another page {item.text}, not in this seed"]
