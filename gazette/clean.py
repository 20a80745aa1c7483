"""Cleaning a raw page: HTML to text, boilerplate and newspaper furniture out, pinyin out.

Nothing is dropped silently: every removal is returned as a `Removed` record with its line.
Lines are matched in Simplified (via OpenCC) so each pattern covers both scripts.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

from .frame import WIRE_TITLE, Entry, choose_headline, mark_frame
from .meta import (
    Meta,
    boilerplate,
    names_in,
    parse_masthead,
    parse_meta_line,
    publication_line,
    vocabulary,
    widget_words,
)
from .script import HAN_CHARS, to_simplified


@dataclass
class Line:
    no: int  # 1-based line number in the seed
    text: str
    after_image: bool = False  # the first text below an image's file name: a caption's place


@dataclass
class Removed:
    kind: str
    text: str
    line: int

    def as_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "line": self.line}


def _compile(pattern: str) -> re.Pattern:
    """A pattern of boilerplate.yaml, its {HAN} the Han characters of script.py."""
    return re.compile(pattern.replace("{HAN}", HAN_CHARS))


@lru_cache(maxsize=1)
def _rules() -> dict:
    rules = dict(boilerplate())  # a copy: the compiled forms are added beside the data
    rules["compiled"] = {kind: [_compile(p) for p in pats] for kind, pats in rules["patterns"].items()}
    rules["page_jump_re"] = re.compile(rules["page_jump"])
    rules["column_re"] = _compile(rules["column_tag"])
    rules["exact_set"] = set(rules["exact"])
    rules["spam_re"] = re.compile("|".join(rules["spam_words"]))
    return rules


# --- HTML -----------------------------------------------------------------------------------

_HTML_TAG = re.compile(r"<(?:p|div|br|span|a|html|body|h[1-6]|table|td|li|img|strong|em)\b[^>]*>", re.I)
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "table", "section", "article", "header", "footer",
               "ul", "ol", "blockquote", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6"}
_DROP_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "svg"}


def looks_like_html(text: str) -> bool:
    return len(_HTML_TAG.findall(text[:200_000])) >= 2


class _TextExtractor(HTMLParser):
    """Text of an HTML page with one line per block; dropped parts are kept for the report."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropped: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _DROP_TAGS:
            self._skip += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag in {"h1", "h2", "h3"}:
            self.parts.append("#" * (1 if tag == "h1" else 2) + " ")
        for name, value in attrs:  # alt, title, or a broken tag's swallowed text: reported
            if (value and value.strip() and (name in {"alt", "title"} or not value.isascii())) or not name.isascii():
                self.dropped.append(f"{name}: {value.strip()}" if value else name)

    def handle_endtag(self, tag):
        if tag in _DROP_TAGS and self._skip:
            self._skip -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_comment(self, data):
        self._drop(data)

    def handle_pi(self, data):
        self._drop(data)

    def handle_decl(self, decl):
        self._drop(decl)

    def unknown_decl(self, data):
        self._drop(data)

    def _drop(self, data: str) -> None:
        """Comments, declarations and processing instructions are not text, but are reported."""
        if data.strip():
            self.dropped.append(data.strip())

    def handle_data(self, data):
        if self._skip:
            if data.strip():
                self.dropped.append(data.strip())
        else:
            self.parts.append(data.replace("\n", " "))


def html_to_text(text: str) -> tuple[str, list[Removed]]:
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    removed = [Removed("html", d, 0) for d in parser.dropped]
    # block gaps in HTML say nothing (unlike a page's blank lines): one line per block
    text = re.sub(r"[ \t]*\n[\s]*", "\n", "".join(parser.parts))
    return text.strip("\n"), removed


# --- Inline cleaning --------------------------------------------------------------------------

_TONES = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü", "aaaaeeeeiiiioooouuuuvvvvv")
_SYLLABLE = re.compile(r"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:[aeiouv]{1,3})(?:ng|n|r)?$")
_PINYIN = re.compile(rf"(?<=[{HAN_CHARS}])[(（]([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{{1,7}})[)）]")


def _is_pinyin(word: str) -> bool:
    return bool(_SYLLABLE.match(word.translate(_TONES)))


def strip_pinyin(text: str) -> tuple[str, list[str]]:
    """Remove inline pinyin annotations (嚴(yán) -> 嚴); real parentheses hold no lone syllable."""
    found: list[str] = []

    def drop(match: re.Match) -> str:
        if _is_pinyin(match.group(1)):
            found.append(match.group(0))
            return ""
        return match.group(0)

    return _PINYIN.sub(drop, text), found


_SPACES = re.compile(r"[\u00a0\u2002-\u200b\u3000\ufeff]")


def normalize_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


# --- Line classification ----------------------------------------------------------------------

_MASTHEAD = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日.{0,6}(?:星期[一二三四五六日天]|[A-Z]?\s*\d{1,2}\s*版)"
                       r"|(?:星期[一二三四五六日天]|第?\s*[A-Z]?\s*\d{1,2}\s*版).{0,20}\d{4}年\d{1,2}月\d{1,2}日")
_COPYRIGHT_HEAD = re.compile(r"^\S{0,12}版权(?:说明|声明)[:：]")
_TOKEN_SEPARATORS = re.compile(r"[\s|｜•·/／:：【】\[\]()（）<>《》«»×,，、]+")
_CRUMB = re.compile(r"\s*(?:>>?|»|＞|→|->)\s*")
_CRUMB_HOME = re.compile(r"首页|主页|正文|当前位置|您的位置|位置[:：]")
# numbers, font-size switches (A- A+) and an e-paper's page numbers (第03版)
_WIDGET_TOKEN = re.compile(r"[\d+\-=.%]+|[^\w]+|[Aa][+\-]{1,2}|[+\-][Aa]|第?[A-Z]?\d{1,3}版")
_BULLET = re.compile(r"^[•·●◆■▪◇□○◎]\s*")
_STRAY_TAG = re.compile(r"</?(?:p|br|div|span|strong|em|b|i|a|font|td|tr|li)\s*/?>|(?<=\S)/(?:p|div|span)>?$", re.I)


@dataclass
class Cleaned:
    lines: list[Line]  # cleaned lines; empty strings keep the spacing of the page
    removed: list[Removed]
    title_line: Line | None  # the headline of a web page, chosen by evidence; None on a newspaper page
    metas: list[tuple[int, Meta]] = field(default_factory=list)  # metadata lines: (line, what it says)


def classify(simplified: str, rules: dict) -> str | None:
    """The furniture kind of a line, or None when it is text (metadata lines are found apart)."""
    if simplified in rules["exact_set"]:
        return "widget"
    if _only_widgets(simplified):
        return "digits" if re.fullmatch(r"[\d\s]+", simplified) else "widget"
    if _is_spam(simplified, rules):
        return "spam"
    if _is_breadcrumb(simplified) or _is_menu(simplified):
        return "navigation"
    if _COPYRIGHT_HEAD.match(simplified):  # however long the notice it opens
        return "copyright"
    if len(simplified) > rules["max_line"]:
        return None
    if _MASTHEAD.search(simplified):
        return "masthead"
    if rules["column_re"].match(simplified):
        return "column"
    sentence = len(simplified) >= 20 and _SENTENCE.search(simplified) is not None
    for kind, patterns in rules["compiled"].items():
        if sentence and kind in _LABEL_KINDS:
            continue
        if any(p.search(simplified) for p in patterns):
            return kind
    return None


# A sentence of the article (20 characters or more, a clause and an end) may use a widget's or a
# menu's words (居民扫码登记。); their patterns are for labels (调查问题加载中,请稍候。), not for it.
_SENTENCE = re.compile(r"[，,；].*[。！？]$")
_LABEL_KINDS = frozenset({"widget", "navigation"})


def _only_widgets(simplified: str) -> bool:
    """A share bar, a font-size switch, a counter: widget words, numbers and separators only."""
    words = [w for w in _TOKEN_SEPARATORS.split(simplified) if w]
    return all(w in widget_words() or _WIDGET_TOKEN.fullmatch(w) for w in words)


def _is_spam(simplified: str, rules: dict) -> bool:
    segments = [s for s in re.split(r"[|_｜]", simplified) if s.strip()]
    return len(segments) >= 3 and sum(bool(rules["spam_re"].search(s)) for s in segments) >= 2


def _is_breadcrumb(simplified: str) -> bool:
    """首页 > 地方频道 > 正文: short segments joined by arrows."""
    segments = [s for s in _CRUMB.split(simplified) if s]
    if len(segments) < 2 or not _CRUMB.search(simplified) or re.search(r"[。！？]", simplified):
        return False
    short = all(len(s) <= 24 for s in segments)
    return short and (len(segments) >= 3 or bool(_CRUMB_HOME.search(simplified)))


def _is_menu(simplified: str) -> bool:
    """A site's menu or banner on one line: four or more short items apart, or three between bars."""
    items = [s for s in re.split(r"\s{2,}|\s*[|｜]\s*|\s*•\s*", simplified) if s.strip()]
    bars = simplified.count("|") + simplified.count("｜")
    if bars >= 8 and sum(len(i) <= 8 for i in items) >= 0.9 * len(items):
        return True  # a link farm of place names between bars, whatever stray punctuation it has
    if re.search(r"[。，,！？；]", simplified):
        return False
    return all(len(i) <= 12 for i in items) and (len(items) >= 4 or (len(items) >= 3 and bars >= 2))


def _strip_bullet(text: str) -> str:
    return _BULLET.sub("", text)


def clean_page(text: str) -> Cleaned:
    rules = _rules()
    removed: list[Removed] = []
    if looks_like_html(text):
        text, removed = html_to_text(text)  # its parser has decoded the entities, once
    else:
        text = html.unescape(text)  # a text copy may still hold &nbsp; and the like
    entries = [_entry(Line(i + 1, normalize_line(t)), rules, removed) for i, t in enumerate(text.split("\n"))]
    _mark_menus(entries)
    _join_label_values(entries)
    _unbox_bylines(entries)
    headline = choose_headline(entries)
    if headline is not None:
        _unfold_headline(entries[headline], removed)
    mark_frame(entries, headline)
    _mark_related(entries, rules)
    out: list[Line] = []
    metas: list[tuple[int, Meta]] = []
    near = _below_headline(entries, headline)
    image = False
    for i, e in enumerate(entries):
        if e.meta is not None and (e.kind is not None or i == headline or id(e) in near):
            e.kind = e.kind or ("metadata" if i != headline else None)
            metas.append((e.no, e.meta))
        if e.kind:
            removed.append(Removed(e.kind, e.text, e.no))
            out.append(Line(e.no, _glued_text(e)))
        else:
            out.append(Line(e.no, e.text, after_image=image))
        image = e.kind == "image" or (image and not e.text)
    title_line = Line(entries[headline].no, entries[headline].text) if headline is not None else None
    return Cleaned(out, sorted(removed, key=lambda r: r.line), title_line, metas)


def _entry(ln: Line, rules: dict, removed: list[Removed]) -> Entry:
    """One line with its page-jump markers, pinyin and stray tags taken out, and its kind."""
    body = ln.text
    for pattern, kind in ((rules["page_jump_re"], "page_jump"), (_STRAY_TAG, "html")):
        for marker in pattern.finditer(body):
            removed.append(Removed(kind, marker.group(0), ln.no))
        body = normalize_line(pattern.sub("", body))
    body, pinyin = strip_pinyin(body)
    removed.extend(Removed("pinyin", p, ln.no) for p in pinyin)
    entry = Entry(ln.no, body, to_simplified(re.sub(r"^#{1,6}\s+", "", body)))
    if not body:
        return entry
    plain = _strip_bullet(entry.simple)
    entry.kind = classify(plain, rules)
    meta = parse_meta_line(plain) if entry.kind in (None, "masthead", "editor", "widget", "navigation") else None
    if meta is None and entry.kind == "masthead":
        meta = parse_masthead(plain)
    if meta is None and entry.kind is None:
        meta = publication_line(plain)
    if meta is not None:
        entry.meta = meta
        says = bool(meta.source or meta.date or meta.authors) and (entry.kind != "navigation" or bool(meta.labels))
        entry.kind = "metadata" if says and not meta.weak else entry.kind or ("editor" if meta.labels else None)
    return entry


_BARE_LABEL = re.compile(r"\s*(\S{1,6}?)\s*[:：]\s*")


def _join_label_values(entries: list[Entry]) -> None:
    """来源: on one line and 华宣 on the next, as a page's table of fields prints them: one
    metadata line, read as such, the value no longer a line of text."""
    kinds = vocabulary()["label_kind"]
    texts = [e for e in entries if e.text]
    for label, value in itertools.pairwise(texts):
        found = _BARE_LABEL.fullmatch(label.simple)
        if not found or found.group(1) not in kinds or value.kind is not None or value.meta is not None \
                or len(value.simple) > 30:
            continue
        meta = parse_meta_line(f"{found.group(1)}:{value.simple}")
        if meta is not None:
            label.meta, label.kind, value.kind = meta, "metadata", "metadata"


_BOXED = re.compile(r"^[□■●]\s*")  # a newspaper's mark before a byline, and before a column's name


def _unbox_bylines(entries: list[Entry]) -> None:
    """□陈晓光, □本报记者 高文博 or ●天门网全媒体记者付磊磊 right below a headline is its byline,
    not a column's name: the mark goes, the names stay for the byline to be read."""
    previous = None
    for e in entries:
        if not e.text:
            continue
        below_heading = previous is not None and previous.kind is None and len(previous.simple) <= 40 \
            and "。" not in previous.simple
        if e.kind in (None, "column") and _BOXED.match(e.text):
            text = _BOXED.sub("", e.text)
            simple = to_simplified(text)
            # below the headline, or naming a role: below the metadata lines too (●…全媒体记者付磊磊)
            if names_in(simple) and (below_heading or vocabulary()["role_re"].search(simple)):
                e.text, e.simple, e.kind = text, simple, None
        previous = e


def _mark_menus(entries: list[Entry]) -> None:
    """Three or more bulleted short items in a row are a site's menu (• 首页新闻 • 热点关注 …)."""
    run: list[Entry] = []
    for e in [*entries, Entry(0, "x", "x")]:  # a last non-item closes the last run
        if not e.text:
            continue
        if _BULLET.match(e.text) and e.kind is None and len(_strip_bullet(e.simple)) <= 12:
            run.append(e)
            continue
        if len(run) >= 3:
            for item in run:
                item.kind = "navigation"
        run = []


def _unfold_headline(entry: Entry, removed: list[Removed]) -> None:
    """A wire lead carrying the headline gives up its lead; a <title> line its site suffix."""
    if match := WIRE_TITLE.match(entry.simple):
        cut = len(entry.text) - len(match.group("title"))
        removed.append(Removed("dateline", entry.text[:cut].strip(), entry.no))
        entry.meta = Meta(dateline=match.group("lead"))
        entry.text, entry.simple = entry.text[cut:].strip(), match.group("title")
        return
    title = _without_site_suffix(entry.text)
    if title != entry.text:
        removed.append(Removed("site_suffix", entry.text[len(title):].strip(), entry.no))
        entry.text, entry.simple = title, to_simplified(title)


def _below_headline(entries: list[Entry], headline: int | None) -> set[int]:
    """The ids of the three lines below the headline: where a weak metadata line (a name and
    widgets) counts."""
    if headline is None:
        return set()
    return {id(e) for e in [e for e in entries[headline + 1:] if e.text][:3]}


def _glued_text(entry: Entry) -> str:
    """The article text glued to the end of a metadata line, in the line's own script."""
    if entry.kind != "metadata" or entry.meta is None or not entry.meta.rest:
        return ""
    rest = entry.meta.rest
    if len(entry.simple) == len(entry.text) and entry.simple.endswith(rest):
        return entry.text[len(entry.text) - len(rest):]
    return ""


def _mark_related(entries: list[Entry], rules: dict) -> None:
    """After a related-links head, the short lines without a full stop are the links."""
    in_related = False
    for e in entries:
        if not e.text:
            continue
        if e.kind is None and in_related and len(e.text) <= rules["related_max_line"] and "。" not in e.text:
            e.kind = "related"
        in_related = e.kind in {"related_head", "related"} or (in_related and e.kind is not None)


_SITE_SUFFIX = re.compile(rf"^(.{{4,}}?)\s*[-_|–—]\s*[{HAN_CHARS}\w]{{2,12}}(?:网|報|报|在线|新闻|頻道|频道)$")


def _without_site_suffix(title: str) -> str:
    """A web page's <title> often ends in its site: 标题_东北新闻网."""
    match = _SITE_SUFFIX.match(title)
    return match.group(1) if match else title
