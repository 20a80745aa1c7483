"""Cleaning a raw page: HTML to text, boilerplate and newspaper furniture out, pinyin out.

Nothing is dropped silently: every removal is returned as a `Removed` record with its line.
Lines are matched in Simplified (via OpenCC) so each pattern covers both scripts.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import yaml

from .garbled import GARBLED, find_garbled  # noqa: F401  (moved to garbled.py; still importable from here)
from .script import to_simplified

DATA = Path(__file__).parent / "data"


@dataclass
class Line:
    no: int  # 1-based line number in the seed
    text: str


@dataclass
class Removed:
    kind: str
    text: str
    line: int

    def as_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "line": self.line}


@lru_cache(maxsize=1)
def _rules() -> dict:
    rules = yaml.safe_load((DATA / "boilerplate.yaml").read_text(encoding="utf-8"))
    rules["compiled"] = {kind: [re.compile(p) for p in pats] for kind, pats in rules["patterns"].items()}
    rules["page_jump_re"] = re.compile(rules["page_jump"])
    rules["column_re"] = re.compile(rules["column_tag"])
    rules["exact_set"] = set(rules["exact"])
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
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])[(（]([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7})[)）]")


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

_META_DATE = re.compile(r"(?:^|时间[:：]\s*)(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_META_SOURCE = re.compile(r"来源[:：]\s*([^\s|【]{2,20})")
_MASTHEAD = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日.{0,6}(?:星期[一二三四五六日天]|[A-Z]?\d{1,2}版)"
                       r"|(?:星期[一二三四五六日天]|第?[A-Z]?\d{1,2}版).{0,20}\d{4}年\d{1,2}月\d{1,2}日")


@dataclass
class Cleaned:
    lines: list[Line]  # cleaned lines; empty strings keep the spacing of the page
    removed: list[Removed]
    title_line: Line | None  # the first line, a web page's headline candidate


def classify(simplified: str, rules: dict) -> str | None:
    """The boilerplate kind of a (short) line, or None when it is text."""
    if simplified in rules["exact_set"]:
        return "widget"
    if len(simplified) > rules["max_line"]:
        return None
    if _MASTHEAD.search(simplified):
        return "masthead"
    if _META_DATE.search(simplified) and (":" in simplified or "来源" in simplified or len(simplified) < 30):
        if not re.search(r"[，,。]", simplified):
            return "metadata"
    if rules["column_re"].match(simplified):
        return "column"
    for kind, patterns in rules["compiled"].items():
        if any(p.search(simplified) for p in patterns):
            return kind
    return None


def clean_page(text: str) -> Cleaned:
    rules = _rules()
    removed: list[Removed] = []
    if looks_like_html(text):
        text, removed = html_to_text(text)
    text = html.unescape(text)
    lines = [Line(i + 1, normalize_line(t)) for i, t in enumerate(text.split("\n"))]
    first = next((ln for ln in lines if ln.text), None)
    title = _without_site_suffix(first.text.lstrip("# ")) if first else ""
    in_related = False
    out: list[Line] = []
    for ln in lines:
        if not ln.text:
            out.append(ln)
            continue
        body = ln.text
        for marker in rules["page_jump_re"].finditer(body):
            removed.append(Removed("page_jump", marker.group(0), ln.no))
        body = normalize_line(rules["page_jump_re"].sub("", body))
        body, pinyin = strip_pinyin(body)
        removed.extend(Removed("pinyin", p, ln.no) for p in pinyin)
        simplified = to_simplified(body)
        kind = classify(simplified, rules) if body else "page_jump"
        if kind is None and ln is not first and title and _repeats_title(body.lstrip("# "), title):
            kind = "title_repeat"
        if kind is None and in_related and len(body) <= rules["related_max_line"] and "。" not in body:
            kind = "related"
        in_related = kind in {"related_head", "related"} or (in_related and kind is not None)
        if kind:
            if body:
                removed.append(Removed(kind, body, ln.no))
            out.append(Line(ln.no, ""))
        else:
            out.append(Line(ln.no, body))
    if first is not None and title and title != first.text.lstrip("# "):
        removed.append(Removed("site_suffix", first.text.lstrip("# ")[len(title):].strip(), first.no))
        out[first.no - 1] = Line(first.no, title)
    title_line = next((ln for ln in out if ln.text), None)
    if title_line is not None and first is not None and title_line.no != first.no:
        title_line = None  # the first line was furniture: no web headline at the top
    return Cleaned(out, removed, title_line)


_SITE_SUFFIX = re.compile(r"^(.{4,}?)\s*[-_|–—]\s*[\u4e00-\u9fff\w]{2,12}(?:网|報|报|在线|新闻|頻道|频道)$")


def _without_site_suffix(title: str) -> str:
    """A web page's <title> often ends in its site: 标题_东北新闻网."""
    match = _SITE_SUFFIX.match(title)
    return match.group(1) if match else title


def _repeats_title(line: str, title: str) -> bool:
    """The page title again, alone or with a site suffix (标题-新华网)."""
    if line == title:
        return True
    return line.startswith(title) and bool(re.fullmatch(r"\s*[-_|–—]\s*\S{2,16}", line[len(title):]))
