"""Metadata written on a page: date lines, 来源/作者 labels, bylines and the names in them.

All functions take Simplified text (the cleaning stage converts each line once), so one rule
serves both scripts. The facts (labels, role words, surnames) are data files.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .script import HAN_CHARS

DATA = Path(__file__).parent / "data"
HAN = HAN_CHARS  # inside character classes

DATE = re.compile(r"(?<!\d)(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})(?!\d)\s*日?")
TIME = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])")
# the signature line of a copied WeChat article: 原创 作者 账号 2022-04-05 18:30 发表于辽宁
WECHAT = re.compile(r"^原创|发表于\S{1,4}$")
_SEPARATORS = re.compile(r"[|｜•·\-+?？×>»:：/／\s【】\[\]()（）\"'“”]+")


@dataclass
class Meta:
    """What one metadata line says; `rest` is article text that was glued to its end."""

    source: str | None = None
    date: dt.date | None = None
    authors: list[str] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)
    unknown_source: bool = False  # 来源:不详, which must not hide a real 来源 further down
    rest: str = ""
    weak: bool = False  # only a name (and widgets): metadata only right below a headline
    dateline: str = ""  # a wire lead that carried the headline (新华社沈阳3月4日电)
    weak_source: bool = False  # a name beside a date that does not look like a publication's


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    data = yaml.safe_load((DATA / "metadata.yaml").read_text(encoding="utf-8"))
    labels = sorted(((lab, kind) for kind, labs in data["labels"].items() for lab in labs),
                    key=lambda item: -len(item[0]))
    data["label_kind"] = dict(labels)
    names = "|".join(re.escape(lab) for lab, _ in labels)
    # a label stands at the start, after a separator or a space, and is followed by ':' or '|'
    data["label_re"] = re.compile(rf"(?:^|(?<=[\s|｜•(（【\[]))(?:{names})\s*[:：|｜/／]\s*"
                                  rf"|(?<=[\d\s])(?:{names})\s*[:：]\s*")
    data["role_re"] = re.compile("|".join(re.escape(r) for r in sorted(data["roles"], key=len, reverse=True)))
    data["unknown_set"] = set(data["unknown"])
    data["source_end_re"] = re.compile(rf"(?:{'|'.join(map(re.escape, data['source_ends']))})$")
    return data


@lru_cache(maxsize=1)
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    words = [w for line in (DATA / "surnames.txt").read_text(encoding="utf-8").splitlines()
             if not line.startswith("#") for w in line.split()]
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


@lru_cache(maxsize=1)
def boilerplate() -> dict:
    """The furniture rules (boilerplate.yaml), read once for this module and the cleaning stage."""
    return yaml.safe_load((DATA / "boilerplate.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def widget_words() -> frozenset[str]:
    return frozenset(boilerplate()["widget_words"])


# --- Names ------------------------------------------------------------------------------------

_NAME_FORM = re.compile(rf"[{HAN}]{{2,4}}|[{HAN}]{{1,6}}·[{HAN}]{{1,8}}")


def is_name(word: str) -> bool:
    """A person's name: 2-4 Han characters (or a name with ·) starting with a surname."""
    if word in widget_words() or word in vocabulary()["unknown_set"] or not _NAME_FORM.fullmatch(word):
        return False
    single, double = surnames()
    if "·" in word:
        return True
    # four characters are a compound surname's name (欧阳晓东), rarely a single surname's
    return (word[0] in single and len(word) <= 3) or (word[:2] in double and len(word) >= 3)


def names_in(text: str) -> list[str]:
    """The person names of a byline fragment: roles, organisations and widget words left out."""
    role = vocabulary()["role_re"]
    out: list[str] = []
    for token in re.split(rf"[\s、，,;；/／|｜]+|(?<=[{HAN}])和(?=[{HAN}]{{2}})", text):
        token = token.strip("()（）:：“”\"' ")
        while (m := role.search(token)) and m.end() < len(token):  # 记者靳赫, 长江日报记者周超
            token = token[m.end():]
        token = re.sub(rf"(?:{role.pattern})$|报道$|摄$", "", token)  # 大连新闻传媒集团记者
        if is_name(token) and not _source_like(token) and token not in out:  # 沈报 (全媒体记者) is a paper
            out.append(token)
    return out


# --- Metadata lines ---------------------------------------------------------------------------

def make_date(year: int | str, month: int | str, day: int | str) -> dt.date | None:
    """The date, or None where the numbers make none (2月30日)."""
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def full_dates(text: str) -> list[dt.date]:
    """Every full date written in the text (2020-02-11, 2020年2月11日), in order."""
    return [date for ymd in DATE.findall(text) if (date := make_date(*ymd))]


def first_date(text: str) -> dt.date | None:
    return next(iter(full_dates(text)), None)


def parse_meta_line(simple: str) -> Meta | None:
    """The metadata of a line such as `来源:X | 作者:Y | 发布时间: 2020-02-11 20:30`, else None."""
    vocab = vocabulary()
    if len(simple) > 160 or not simple:
        return None
    head, rest = _split_glued(simple)
    meta = Meta(rest=rest)
    leftover = head
    matches = list(vocab["label_re"].finditer(head))
    for i, match in enumerate(matches):
        label = re.sub(r"[\s:：|｜/／]", "", match.group(0))
        kind = vocab["label_kind"].get(label)
        end = matches[i + 1].start() if i + 1 < len(matches) else len(head)
        value = head[match.end():end]
        if kind == "date":
            meta.date = meta.date or first_date(value)
        else:
            value = _value(value)
        meta.labels.add(kind)
        if kind == "source" and value:
            _set_source(meta, value)
        elif kind == "author" and value:
            meta.authors += [n for n in names_in(value) if n not in meta.authors]
        leftover = leftover.replace(match.group(0) + head[match.end():end], " ", 1)
    meta.date = meta.date or first_date(head)
    leftover = TIME.sub(" ", DATE.sub(" ", leftover))
    if matches:  # labels we do not read (被引量: 0次, 上传用户: x) are still metadata
        leftover = re.sub(rf"[{HAN}]{{2,6}}\s*[:：]\s*[^\s|｜]{{0,20}}", " ", leftover)
    words = [w for w in _SEPARATORS.split(leftover) if w and not _is_noise(w)]
    if not matches and meta.date is None:
        return _name_with_widgets(words, simple)
    if not matches:  # a date with a name beside it: a masthead, an account line, a signature
        meta.authors = [w for w in words if is_name(w)] if WECHAT.search(simple) else []
        others = [w for w in words if w not in meta.authors]
        if len(others) > 1 or (others and len(others[0]) > 12):
            return None
        if others:
            meta.source = others[0]
            meta.weak_source = not _source_like(others[0])  # 辽海观察 2022-11-08: a guess
        return meta
    if sum(len(w) for w in words) > 6:
        return None
    return meta


def parse_masthead(simple: str) -> Meta | None:
    """An e-paper's masthead: 盘锦日报 2020年02月18日 星期二 第03版:综合新闻."""
    date = first_date(simple)
    words = _SEPARATORS.split(DATE.sub(" ", re.sub(r"[《》〈〉]", " ", simple)))  # 《 人民政协报 》
    name = next((w for w in words if _source_like(w)), None)
    return Meta(source=name, date=date) if date else None


def _split_glued(simple: str) -> tuple[str, str]:
    """`发布时间:2022-02-12 14:08:55记者从…`: the metadata head and the text glued to it."""
    if len(simple) <= 60:
        return simple, ""
    ends = [m.end() for m in TIME.finditer(simple[:90])] or [m.end() for m in DATE.finditer(simple[:80])]
    if not ends:
        return "", simple
    cut = ends[-1]
    rest = simple[cut:].strip()
    if len(rest) < 20 or not re.search(r"[。，,！？]", rest):
        return simple, ""
    return simple[:cut], rest


def _value(value: str) -> str:
    value = TIME.sub(" ", DATE.sub(" ", value)).strip()
    value = re.split(r"\s{2,}|[|｜【]", value)[0].strip()
    value = re.sub(r"(?:已有)?\d*\s*(?:次阅读|人阅读|次浏览|阅读|浏览|次)$", "", value).strip()
    return value.strip(" -+·•()（）")


def _set_source(meta: Meta, value: str) -> None:
    vocab = vocabulary()
    value = value.split()[0] if value.split() else value
    if value in vocab["unknown_set"]:
        meta.unknown_source = value not in vocab["self_source"]
        meta.source = meta.source or (value if value in vocab["self_source"] else None)
        return
    org, slash, person = value.replace("／", "/").partition("/")
    if slash and len(org) >= 2 and is_name(person):  # 江苏广电宿迁中心站/徐徐: the paper, then its reporter
        value = org
        if person not in meta.authors:
            meta.authors.append(person)
    # 来源: 浏览量:1308 — the label is empty, and the next label's words are no source
    if 2 <= len(value) <= 30 and not re.search(r"[。，！？:：]", value):
        meta.source = meta.source or value


# counts, weekdays, e-paper pages, WeChat's 发表于辽宁: beside a date line, they say nothing
_NOISE = re.compile(r"[\d.,%次]+|[A-Za-z]{1,3}|星期[一二三四五六日天]?|第?[A-Z]?\d{1,3}版|发表于\S{1,4}|IP属地\S{0,4}")


def _is_noise(word: str) -> bool:
    return word in widget_words() or bool(_NOISE.fullmatch(word))


def _source_like(word: str) -> bool:
    return bool(re.fullmatch(rf"[{HAN}A-Za-z·]{{2,16}}", word)) and bool(vocabulary()["source_end_re"].search(word))


# a publication's name alone on a line: what no headline is (北京青年报客户端, 天健网)
_PUBLICATION = re.compile(rf"[{HAN}A-Za-z]{{2,14}}?(?:客户端|日报|晚报|报|网|电视台|融媒体?中心|融媒)")


def publication_line(simple: str) -> Meta | None:
    """A line that is only a publication's name: its source when it stands right below a
    headline; with a byline after a bar (北京日报客户端 | 记者 周文丽), its source and authors."""
    parts = re.split(r"\s*[|｜]\s*", simple)
    if not _PUBLICATION.fullmatch(parts[0]) or len(parts) > 2:
        return None
    if len(parts) == 1:
        return Meta(source=simple, weak=True)
    names = names_in(parts[1]) if vocabulary()["role_re"].search(parts[1]) else []
    return Meta(source=parts[0], authors=names) if names else None


def _name_with_widgets(words: list[str], simple: str) -> Meta | None:
    """`共产党员网 打印 纠错`: a site's name among share and print widgets."""
    if len(words) == 1 and _source_like(words[0]) and len(simple.split()) > 1:
        return Meta(source=words[0], weak=True)
    return None


# --- Bylines in the text ----------------------------------------------------------------------

# 【文汇网讯】: a lead may stand in brackets of its own; the longest name that ends as a
# publication's does (香港商报网, not 香港商报)
_LEAD = re.compile(rf"^【?(?P<who>[{HAN}A-Za-z·]{{1,14}}(?:网|报|台|社|在线|频道|融媒|客户端))"  # 中青报·中青网
                   rf"(?:[{HAN}\d月日]{{0,12}}?)(?P<kind>讯|消息|电)】?\s*(?:[(（【\[](?P<names>[^()（）【】\[\]]{{2,60}})[)）】\]])?")
_LEAD_ANY = re.compile(rf"^【?(?P<who>[{HAN}]{{2,10}})(?P<kind>讯|消息)】?\s*"
                       rf"(?:[(（【\[](?P<names>[^()（）【】\[\]]{{2,60}})[)）】\]]|[:：]"
                       rf"|(?=\s*[{HAN}]{{0,8}}(?:记者|通讯员)))")
# 本报讯 记者X 通讯员Y报道: the names before 报道
_REPORTED = re.compile(rf"^\s*((?:[{HAN}]{{0,8}}?(?:记者|通讯员)\s*[{HAN}·]{{2,4}}(?:[\s、]+[{HAN}·]{{2,4}})*\s*)+)"
                       r"报道")
_NEWS_AGENCY = re.compile(r"^(新华社|中新社|人民日报)")
_END_BYLINE = re.compile(r"[(（](?P<names>[^()（）]{2,40})[)）]\s*$")


def lead_byline(simple: str) -> tuple[str | None, list[str]]:
    """(source, authors) from a lead: 辽宁长安网讯…, 天健网消息(记者…), 新华社银川4月28日电(记者靳赫)."""
    match = _LEAD.match(simple) or _LEAD_ANY.match(simple)
    if not match:
        return None, []
    who = match.group("who")
    agency = _NEWS_AGENCY.match(who)
    source = agency.group(1) if agency else who
    named = agency or match.re is _LEAD_ANY or vocabulary()["source_end_re"].search(source)
    if source.startswith("本报") or not named:
        source = None
    names = names_in(match.group("names") or "")
    if not names and (m := _REPORTED.match(simple[match.end():])):
        names = names_in(m.group(1))
    return source, names


def end_byline(simple: str) -> tuple[list[str], int]:
    """Names in brackets closing an article, `(辽宁日报记者 翟新群)`, and where they start."""
    match = _END_BYLINE.search(simple)
    if not match:
        return [], len(simple)
    # 文/X, 图：Y, and 文 X with a space alone
    inner = re.sub(r"(?:^|\s)(?:文|图|摄影?|视频)(?:\s*[/／|｜:：]\s*|\s+)", " ", match.group("names"))
    if re.search(r"[，。！？：:]", inner) or re.search(r"摄(?!影)|供图", inner):
        return [], len(simple)
    names = names_in(inner)
    rest = vocabulary()["role_re"].sub("", inner)
    # what is left besides the names is papers: 长江日报(记者)周超 leaves 长江日报
    left = [re.sub("|".join(map(re.escape, names)), "", w) if names else w for w in re.split(r"[\s、，,]+", rest)]
    stray = [w for w in left if w and not _source_like(w)]
    if not names or stray:
        return [], len(simple)
    return names, match.start()
