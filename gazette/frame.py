"""A page's frame: which line is the headline, and which lines around the article are furniture.

A saved web page starts with banners, menus and breadcrumbs, has a headline followed by a
metadata line or a byline, and ends with editors, related links and footers. The headline is
chosen among the short lines above the first paragraph by evidence, not by position alone;
lines above it and short lines below the last paragraph are furniture. Works on `Entry` lines
whose furniture the cleaning stage has already classified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .meta import Meta, is_name
from .script import HAN, HAN_CHARS

SENTENCE_END = ("。", "！", "？", "!", "?", "；", ";", "…", "”", "」", "』")
# `新华社沈阳3月4日电 题:战“疫”,沈阳有个“义勇军”`: a wire lead carrying its headline.
WIRE_TITLE = re.compile(r"^(?P<lead>\S{2,20}?\d{1,2}月\d{1,2}日电)\s*题[:：]\s*(?P<title>.{4,60})$")
_BYLINE_HINT = re.compile(rf"^(?:[{HAN_CHARS}]{{0,10}}?(?:记者|通讯员)|作者|撰稿人?|供稿|文\s*[/／|])")
_REPEAT_NOISE = re.compile(r"^(正在阅读|当前位置|您的位置)[:：]?\s*|[_|\-–—]\s*[^_|\-–—]{2,16}$")


@dataclass
class Entry:
    """One line of the page while it is read."""

    no: int
    text: str
    simple: str
    kind: str | None = None  # a furniture kind, "metadata", or None for text
    meta: Meta | None = None

    @property
    def is_text(self) -> bool:
        return self.kind is None and bool(self.text)


def is_prose(simple: str) -> bool:
    """An article paragraph: long, with sentences."""
    # U+FFFD: a line end that mojibake took (a lost 。 or ”) still ends a sentence
    return len(simple) >= 40 and bool(re.search(r"[。！？；\ufffd]|[，,].*[，,]", simple))


def is_byline_like(entry: Entry) -> bool:
    s = entry.simple.strip("()（） ")  # (长江日报记者周超 通讯员张珊妮) closing the text too
    return bool(is_name(re.sub(r"\s+", "", s)) or (len(s) <= 40 and _BYLINE_HINT.search(s) and not is_prose(s)))


def choose_headline(entries: list[Entry]) -> int | None:
    """Index of the headline among the text lines above the first paragraph, or None."""
    texts = [i for i, e in enumerate(entries) if e.is_text]
    first_prose = next((i for i in texts if is_prose(entries[i].simple) and not WIRE_TITLE.match(entries[i].simple)),
                       len(entries))
    candidates = [i for i in texts if i < first_prose and _can_be_headline(entries[i])]
    if not candidates:
        return None
    seen = _texts_seen(entries)
    scored = [(_score(entries, i, seen, i == candidates[-1]), i) for i in candidates]
    best_score, best = max(scored, key=lambda item: (item[0], -item[1]))
    while entries[best].simple.startswith("——") and candidates.index(best) > 0:
        best = candidates[candidates.index(best) - 1]  # a ——subtitle's headline is the line above it
    return best if best_score > 0 else None


# a photo's credit closing a line, (新华网发) or (王军 摄): the line is a caption, never a headline
_PHOTO_CREDIT = re.compile(r"[(（][^()（）]{0,16}(?:摄|发|供图)[)）]$")


def _can_be_headline(entry: Entry) -> bool:
    s = entry.simple
    if WIRE_TITLE.match(s):
        return True
    if entry.kind is not None or entry.meta is not None or is_byline_like(entry) or _PHOTO_CREDIT.search(s):
        return False
    return 4 <= len(s) <= 80 and not s.endswith(("。", "；", ";", "，", ",")) and len(HAN.findall(s)) >= 0.5 * len(s)


def _score(entries: list[Entry], i: int, seen: dict[str, int], last: bool) -> float:
    s = entries[i].simple
    score = 1.0 if 6 <= len(s) <= 50 else -2.0 if len(s) < 6 else -1.0
    following = [e for e in entries[i + 1:] if e.text and e.kind not in _PASSABLE][:2]
    for rank, e in enumerate(following):
        if e.kind in ("metadata", "masthead") or e.meta is not None or is_byline_like(e):
            score += 3 - rank
            break
    preceding = [e for e in entries[:i] if e.text and e.kind not in _PASSABLE][-1:]
    if preceding and preceding[0].kind == "metadata":
        score += 1  # the date line above the headline, as some sites print it
    if seen.get(_core(s), 0) > 1 or WIRE_TITLE.match(s):
        score += 2
    if seen.get(("segment", s), 0):
        score -= 3  # a column's name, as the breadcrumb shows it (当前位置: 首页 > 今日丹东)
    if last:
        score += 0.5
    return score


# furniture that may stand between a headline and its metadata line
_PASSABLE = {"widget", "navigation", "image", "spam", "column", "digits", "editor"}


def _core(simple: str) -> str:
    return re.sub(r"\s+", "", _REPEAT_NOISE.sub("", simple))


def _texts_seen(entries: list[Entry]) -> dict:
    """How often each line's core text occurs, and the segments of navigation lines."""
    seen: dict = {}
    for e in entries:
        if not e.text:
            continue
        key = _core(e.simple)
        seen[key] = seen.get(key, 0) + 1
        if e.kind == "navigation":
            for segment in re.split(r"\s*[>»＞|]+\s*|\s{2,}", e.simple):
                seen[("segment", segment.strip())] = 1
    return seen


def mark_frame(entries: list[Entry], headline: int | None) -> None:
    """Give the kinds `header`, `title_repeat` and `footer` to the lines around the article."""
    if headline is not None:
        title = _core(entries[headline].simple)
        for i, e in enumerate(entries):
            if i < headline and e.is_text:
                e.kind = "title_repeat" if _core(e.simple) == title else "header"
            elif i > headline and e.is_text and _repeats(e.simple, title):
                e.kind = "title_repeat"
    _mark_summaries(entries)
    _mark_repeated_labels(entries, headline)
    texts = [i for i, e in enumerate(entries) if e.is_text]
    last_prose = max((i for i in texts if _sentence_like(entries[i].simple)), default=None)
    if last_prose is None:
        return
    for i in texts:
        e = entries[i]
        if i > last_prose and not e.simple.endswith(SENTENCE_END) and not _closing_line(e):
            e.kind = "footer"


def _mark_repeated_labels(entries: list[Entry], headline: int | None) -> None:
    """A short label printed twice or more (a site's name under each share button) is furniture."""
    title = _core(entries[headline].simple) if headline is not None else None
    counts: dict[str, int] = {}
    for e in entries:
        if e.is_text:
            counts[_core(e.simple)] = counts.get(_core(e.simple), 0) + 1
    for e in entries:  # only above the text: below, a repeated short line is a section's byline
        if e.is_text and is_prose(e.simple):
            break
        core = _core(e.simple) if e.is_text else None
        if (core and core != title and counts[core] > 1 and len(core) <= 20 and not is_byline_like(e)
                and not re.search(r"[。，,！？；:：—]", core)):
            e.kind = "widget"


def _mark_summaries(entries: list[Entry]) -> None:
    """A page's summary repeats the start of its first paragraph (often cut off): it goes."""
    texts = [e for e in entries if e.is_text]
    for i, e in enumerate(texts[:-1]):
        core = re.sub(r"[.…。]+$", "", e.simple)
        if len(core) >= 30 and any(t.simple.startswith(core) and t.simple != e.simple for t in texts[i + 1:i + 4]):
            e.kind = "summary"


def _sentence_like(simple: str) -> bool:
    return is_prose(simple) or (len(simple) >= 12 and bool(re.search(r"[。！？，,；]", simple)))


def _repeats(simple: str, title: str) -> bool:
    core = _core(simple)
    return core == title or (len(title) >= 8 and core.endswith(title) and len(core) - len(title) <= 8 and ":" in simple)


def _closing_line(entry: Entry) -> bool:
    """Lines that may close an article: a signature, a byline, a photo credit or caption."""
    s = entry.simple
    return is_byline_like(entry) or bool(re.search(r"摄|供图|提供|^[▲▼►◄◀▶△▽]|[(（]\S{0,6}[左右中]\S{0,3}[)）]", s))
