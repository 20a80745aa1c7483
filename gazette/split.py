"""Splitting a cleaned page into articles.

A newspaper page holds a feature (title + byline), sidebars, a commentary (title + pen name)
and briefs (title + 本报讯 lead). Paragraphs broken across columns are re-joined first, also
across the photo captions that sit between their halves. All tests on text run on its
Simplified form, so the same rules serve Traditional pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .clean import Line
from .meta import names_in
from .script import HAN_CHARS, to_simplified

HAN = HAN_CHARS  # inside character classes
NAME = rf"[{HAN}·]{{2,4}}"
# a reporter's role, after the names of the papers or group if any (半岛记者, 大连新闻传媒集团记者,
# 沈阳日报、沈报全媒体记者)
_ROLE = rf"(?:[{HAN}][{HAN}、]{{0,13}}?)?(?:特约|见习|实习|全媒体|融媒体|首席)?(?:记者|通讯员|摄影记者|实习生)"
BYLINE = re.compile(rf"^(?:{_ROLE}\s*{NAME}(?:[\s、，,]+{NAME}){{0,3}}\s*)+$"
                    rf"|^(?:文|作者)\s*[/／:：]\s*{NAME}(?:\s+{NAME}){{0,3}}$")
LEAD = re.compile(rf"^(?:本报讯|本报[{HAN}\d]{{1,12}}讯|新华社[{HAN}\d]{{1,14}}电"
                  rf"|[{HAN}]{{2,10}}(?:网|报|台)[{HAN}\d]{{0,10}}讯)")
NAME_LINE = re.compile(rf"^(?:[{HAN}]{{2,4}}|[{HAN}]\s[{HAN}]{{1,2}})$")
# A caption's photo credit, at the end of a caption or alone on a line.
CREDIT = re.compile(
    rf"(?:(?:资料片|资料图片|资料照片|图片|照片)由[^\s，,。]{{2,30}}提供[)）]?"
    rf"|(?:新华社|本报|中新社)?(?:特约)?(?:记者|通讯员|摄影)\s*[{HAN}·]{{2,5}}(?:\s+[{HAN}·]{{2,5}})*\s*摄"
    rf"|新华社发(?:[(（][{HAN}·\s]{{2,12}}摄[)）])?"
    rf"|[(（][{HAN}]{{2,8}}[社网报台]发(?:\s*[{HAN}·]{{2,5}}\s*摄)?[)）]"
    rf"|(?<=[。\s])[{HAN}·]{{2,5}}(?:\s+[{HAN}·]{{2,5}})*\s*摄"
    rf"|[^\s，,。]{{2,20}}供图|供图\s*[^\s，,。]{{2,20}})$"
)
# A caption says what the picture shows: 图为…, or a position in brackets (左二为…, 中): a position
# word is followed by a number, 起, 为 or the bracket's end, so (中青报·中青网记者 …) is none.
CAPTION_WORDS = re.compile(r"^(?:图为|上图|下图|左图|右图|图片[:：])"
                           r"|[(（]\s*(?:左|右|前排|后排|中)(?:[一二三四五六七八九\d](?:起|为)?|起|为|\s*[)）])")
CAPTION_MARK = re.compile(r"^[▲▼►◄◀▶△▽]")
GALLERY_HEAD = re.compile(r"^[(（][^()（）]{1,60}[)）]\s*[(（]\d{1,2}[)）]")
TERMINAL = tuple("。！？!?…”」』）)】;；—\"'’")
_OPENERS = {"“": "”", "《": "》", "(": ")", "（": "）", "「": "」", "『": "』"}
_CONTINUES = tuple("，,、。；;：:）)」』”！？!?")
# First characters no name starts with: a line ending in them is text, not a signature.
_NOT_NAME_START = set("我他她它这那但在为和与是有就也都而及或并且如因所同另其从对把被将让向")


@dataclass
class Para:
    text: str
    line: int
    gap: int = 0  # blank lines before this paragraph
    kind: str = "text"  # text | caption
    heading: int = 0  # '#' level given in the source, 0 when none
    after_image: bool = False  # right below an image's file name

    @property
    def simple(self) -> str:
        return simplified(self.text)


@dataclass
class Block:
    """One article's paragraphs, with the way its start was recognised."""

    paras: list[Para]
    kind: str  # feature | brief | commentary | page
    has_title: bool = True
    captions: list[Para] = field(default_factory=list)


@lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    return to_simplified(text)


def to_paragraphs(lines: list[Line]) -> list[Para]:
    paras: list[Para] = []
    gap = 0
    for ln in lines:
        if not ln.text:
            gap += 1
            continue
        text, level = ln.text, 0
        if match := re.match(r"^(#{1,6})\s+", text):
            level, text = len(match.group(1)), text[match.end():]
        paras.append(Para(text.strip(), ln.no, gap, heading=level, after_image=ln.after_image))
        gap = 0
    return [p for p in paras if p.text]


# --- Small predicates -------------------------------------------------------------------------

def heading_like(p: Para, max_len: int = 60) -> bool:
    s = p.simple
    return (len(s) <= max_len and not s.endswith(("。", "！", "？", "；", "，", ",", "、", ";", "：", ":"))
            and "。" not in s[:-1] and not is_byline(s) and not LEAD.match(s))


def is_byline(simple: str) -> bool:
    """A byline line (本报记者 王云峰 通讯员 李明), its names checked against the surnames; or a
    role alone (新华社记者), which wire copy prints where the names would be."""
    return (bool(BYLINE.match(simple)) and bool(names_in(simple))) or bool(re.fullmatch(_ROLE, simple))


def is_name_line(p: Para) -> bool:
    return bool(NAME_LINE.match(p.simple)) and p.simple[0] not in _NOT_NAME_START


def is_terminal(text: str) -> bool:
    return text.endswith(TERMINAL)


def unbalanced(text: str) -> bool:
    return any(text.rfind(o) > text.rfind(c) for o, c in _OPENERS.items())


@lru_cache(maxsize=1)
def _segmenter():
    import rjieba  # jieba's dictionary in Rust: 0.1 s to load where jieba takes about 1 s
    return rjieba


def word_spans_junction(left: str, right: str) -> bool:
    """True when a dictionary word runs across the end of `left` into `right`."""
    left, right = simplified(left)[-4:], simplified(right)[:4]
    if not re.search(rf"[{HAN}]$", left) or not re.match(rf"[{HAN}]", right):
        return False
    pos = 0
    for token in _segmenter().cut(left + right, False):
        if pos < len(left) < pos + len(token):
            return True
        pos += len(token)
    return False


# --- Captions ---------------------------------------------------------------------------------

def mark_captions(paras: list[Para]) -> list[Para]:
    """Mark photo captions and credits: marked lines, credit-ended lines, isolated short blocks.

    A long body paragraph that ends with a credit, "……胜利!(图片由…提供)", keeps its text and
    gives the credit to a caption of its own.
    """
    out: list[Para] = []
    for i, p in enumerate(paras):
        s = p.simple
        credit = CREDIT.search(s)
        if (CAPTION_MARK.match(s) or (credit and (_caption_sized(p, s[:credit.start()]) or "摄" in s[-3:]))
                or (CAPTION_WORDS.search(s) and len(s) <= 120 and _caption_sized(p))):
            p.kind = "caption"
        elif credit and is_terminal(s[:credit.start()].rstrip("(（ ")):
            cut = len(p.text) - (len(s) - credit.start())
            if p.text[cut - 1:cut] in "(（":
                cut -= 1
            out.append(Para(p.text[:cut].rstrip(), p.line, p.gap, heading=p.heading))
            p = Para(p.text[cut:].strip().strip("()（）"), p.line, 0, kind="caption")
        elif GALLERY_HEAD.match(s) and i + 1 < len(paras) and CREDIT.search(paras[i + 1].simple):
            p.kind = "caption"
        out.append(p)
    _mark_image_captions(out)
    # A credit closes a caption block: short lines just before it, after a wide gap, are captions.
    for i, p in enumerate(out):
        if p.kind == "caption" and CREDIT.fullmatch(p.simple):
            j = i
            while j > 0 and out[j].gap < 2 and out[j - 1].kind == "text" and _caption_sized(out[j - 1]):
                j -= 1
                if out[j].gap >= 2:
                    # further short sentences each standing alone belong to the same photo block
                    while j > 0 and i - j < 3 and out[j - 1].gap >= 2 and _isolated_caption(out[j - 1]):
                        j -= 1
                    for k in range(j, i):
                        out[k].kind = "caption"
                    break
    return out


def _caption_sized(p: Para, text: str | None = None) -> bool:
    text = p.text if text is None else text
    return len(text) <= 150 and (is_terminal(text) or not text)


def _isolated_caption(p: Para) -> bool:
    return p.kind == "text" and len(p.text) <= 60 and _caption_sized(p)


def _mark_image_captions(paras: list[Para]) -> None:
    """The short line right below an image's file name is its caption (a caption never ends
    with a full paragraph; spacing alone is no evidence: web pages space paragraphs widely)."""
    for p in paras:
        short = len(p.text) <= 80 and not re.search(r"。.", p.simple)
        if p.after_image and p.kind == "text" and short and not p.heading:
            p.kind = "caption"


# --- Article starts ---------------------------------------------------------------------------

def start_kind(paras: list[Para], i: int) -> str | None:
    """feature/brief/commentary when paras[i] is the title of a new article, else None."""
    p = paras[i]
    if p.kind != "text" or not heading_like(p) or p.simple.startswith("——"):
        return None
    if is_name_line(p) and ((i > 0 and not paras[i - 1].heading) or names_in(p.simple)):
        return None  # a name below a headline is its byline, not the next article's headline
    j = i + 1
    if j < len(paras) and paras[j].simple.startswith("——") and heading_like(paras[j]):
        j += 1  # a subtitle line
    if j >= len(paras):
        return None
    nxt = paras[j].simple
    if is_byline(nxt):
        return "feature"
    if LEAD.match(nxt):
        return "brief"
    if is_name_line(paras[j]) and j + 1 < len(paras) and len(paras[j + 1].text) > 60:
        return "commentary"
    return None


# --- Re-joining columns -----------------------------------------------------------------------

def join_broken(paras: list[Para]) -> list[Para]:
    """Re-join paragraphs split across newspaper columns (captions between them stay apart)."""
    texts = [p for p in paras if p.kind == "text"]
    starts = {id(texts[i]) for i in range(len(texts)) if start_kind(texts, i)}
    out: list[Para] = []
    pending_captions: list[Para] = []
    last: Para | None = None
    for p in paras:
        if p.kind != "text":
            pending_captions.append(p)
            continue
        if last is not None and _continues(last, p, starts):
            last.text += ("" if not (last.text[-1].isascii() and p.text[0].isascii()) else " ") + p.text
            continue
        out.extend(pending_captions)
        pending_captions = []
        out.append(p)
        last = p
    out.extend(pending_captions)
    # a caption that stood between two halves now follows the joined paragraph
    return out


def _continues(p: Para, q: Para, starts: set[int]) -> bool:
    ps, qs = p.simple, q.simple
    if is_terminal(ps) or p.heading or q.heading or id(q) in starts or id(p) in starts:
        return False
    if is_name_line(p) or is_byline(ps) or is_byline(qs) or LEAD.match(qs):
        return False
    if qs.startswith(_CONTINUES) or unbalanced(ps):
        return True
    if re.search(r"[。！？；]", ps) and not ps.startswith("——"):  # a heading never ends a sentence
        return True
    if re.search(r"[\dA-Za-z]$", ps) and re.match(rf"[{HAN}\d]", qs):
        return True
    return len(ps) > 60 or word_spans_junction(ps, qs)


# --- Splitting --------------------------------------------------------------------------------

def split_blocks(paras: list[Para], has_top_title: bool) -> list[Block]:
    texts = [p for p in paras if p.kind == "text"]
    start_at = {}
    for i in range(len(texts)):
        if kind := start_kind(texts, i):
            start_at[id(texts[i])] = kind
    blocks: list[Block] = []
    current = Block([], "page", has_title=has_top_title)
    for p in paras:
        kind = start_at.get(id(p))
        if kind:
            kicker = _take_kicker(current)
            if current.paras or current.captions:
                blocks.append(current)
            current = Block(kicker, kind)
        if p.kind == "caption":
            current.captions.append(p)
        current.paras.append(p) if p.kind == "text" else None
    blocks.append(current)
    return _merge_empty(blocks)


def _take_kicker(block: Block) -> list[Para]:
    """A separate kicker line (引题, ending in ——) belongs to the next article's title."""
    if block.paras and block.paras[-1].simple.endswith("——") and heading_like(block.paras[-1]):
        return [block.paras.pop()]
    return []


def _merge_empty(blocks: list[Block]) -> list[Block]:
    """A leading block with no text (only captions) joins the first article."""
    out: list[Block] = []
    for block in blocks:
        if not block.paras and out:
            out[-1].captions.extend(block.captions)
        elif out and not out[-1].paras:
            block.captions[:0] = out.pop().captions
            out.append(block)
        else:
            out.append(block)
    return [b for b in out if b.paras or b.captions]  # a photo-only page is still an item


def split_page(lines: list[Line], has_top_title: bool) -> list[Block]:
    paras = to_paragraphs(lines)
    if has_top_title and paras:
        paras[0].heading = paras[0].heading or 1  # a web page's headline never joins the text
    paras = join_broken(mark_captions(paras))
    return split_blocks(paras, has_top_title)
