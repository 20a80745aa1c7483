"""Mojibake repair: text that was decoded with the wrong encoding before it reached us.

Two families are undone where the bytes allow, line by line, when a seed is read:
- UTF-8 read as GBK/GB18030 (鏂伴椈 for 新闻, 鈥滃畧 for “守): a run is encoded back as GBK
  and decoded as UTF-8. A byte the wrong decoder dropped (U+FFFD or '?') is restored when
  exactly one byte fits (GBK could not have read it, and it gives a known character); otherwise
  the character becomes U+FFFD, which the renderer marks for readers.
- UTF-8 read as Latin-1/cp1252 (æ–°é—» for 新闻): ftfy's encoding fix, which knows this family.
A run is replaced only when its decoding reads as common Chinese and the run itself does not:
correct text encoded as GBK almost never decodes as UTF-8, and when it does, it is not Han.
Every change is returned as a `Repair` record for the import report.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from dataclasses import dataclass
from functools import cache, lru_cache

import ftfy

from .script import HAN, to_simplified

HOLE = -1  # a byte the wrong decoder lost
LOST = "\ufffd"
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
GBK_AS_UTF8 = "utf-8 read as gbk"
LATIN_AS_UTF8 = "utf-8 read as latin-1/cp1252"
_MIN_HAN = 3  # a run repaired on its own evidence holds this many Han characters
_MIN_COMMON = 0.8  # share of common characters in a repaired run
_MIN_GAIN = 0.3  # ... and how much more common than the run as read


@dataclass(frozen=True)
class Repair:
    """One repaired run, reported with the importer's removals (kind "repaired")."""

    line: int  # 1-based line in the seed text
    text: str  # the text as repaired
    was: str  # the text as read
    how: str  # which wrong decoding was undone
    kind: str = "repaired"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "line": self.line, "was": self.was, "how": self.how}


def repair_mojibake(text: str) -> tuple[str, list[Repair]]:
    """The text with mojibake runs decoded again, and a record of each run changed.

    A short GBK run (a date's 骞 and 鏈, one word) is repaired only on a page where a long run
    was: alone, two characters are too little evidence.
    """
    repairs: list[Repair] = []
    lines = text.split("\n")
    for no, line in enumerate(lines, 1):
        if _LATIN_SIGN.search(line):
            lines[no - 1] = _repair_latin(line, no, repairs)
    suspects = [no for no, line in enumerate(lines, 1) if _gbk_sign().search(line)]
    strong: list[Repair] = []
    for no in suspects:
        _repair_gbk(lines[no - 1], no, strong, _MIN_HAN, False)
    if strong:  # a page with mojibake: now shorter runs too
        # private-use characters in a run: GB18030 (or a browser) read it, which drops only bytes it
        # cannot read at all, so fewer bytes fit a hole than after Python's GBK codec
        gb18030 = any(_PRIVATE_USE.search(r.was) for r in strong)
        for no in suspects:
            lines[no - 1] = _repair_gbk(lines[no - 1], no, repairs, 0, gb18030)
        repairs.sort(key=lambda r: r.line)
    return ("\n".join(lines), repairs) if repairs else (text, [])


# --- Which characters are common ---------------------------------------------------------------

@lru_cache(maxsize=1)
def _gb2312() -> tuple[frozenset[str], frozenset[str]]:
    """(common, known): GB2312's level-1 hanzi (the 3,755 most used) and symbols; all of it."""
    common, known = set(), set()
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            for codec in ("gb2312", "gbk"):  # they read a few symbols differently (A1AA: ― or —)
                try:
                    ch = bytes([lead, trail]).decode(codec)
                except UnicodeDecodeError:
                    continue
                known.add(ch)
                if lead <= 0xA9 or 0xB0 <= lead <= 0xD7:
                    common.add(ch)
    return frozenset(common), frozenset(known)


@lru_cache(maxsize=4096)
def _simple(ch: str) -> str:
    return to_simplified(ch) if HAN.match(ch) else ch


def _is_common(ch: str) -> bool:
    return _simple(ch) in _gb2312()[0]


def _is_known(ch: str) -> bool:
    return _simple(ch) in _gb2312()[1]


class _Counts:
    """Running counts over a sequence of characters, so any prefix or slice is judged at once."""

    def __init__(self, chars) -> None:
        self.han, self.wide, self.lost, self.common = [0], [0], [0], [0]
        for ch in chars:
            wide = not ch.isascii()
            self.han.append(self.han[-1] + bool(HAN.match(ch)))
            self.wide.append(self.wide[-1] + wide)
            self.lost.append(self.lost[-1] + (ch == LOST))
            self.common.append(self.common[-1] + (wide and ch != LOST and _is_common(ch)))

    def share(self, a: int, b: int) -> float | None:
        """Share of common characters among the wide ones kept in [a, b); None if none is."""
        kept = (self.wide[b] - self.wide[a]) - (self.lost[b] - self.lost[a])
        return (self.common[b] - self.common[a]) / kept if kept else None

    def reads_as_chinese(self, n: int, run: _Counts, start: int, end: int, min_han: int) -> bool:
        """The first n characters are common Chinese (few lost), and the run they decode,
        characters start to end of the line as read, is not."""
        if self.han[n] < min_han or (min_han and 4 * self.lost[n] > self.wide[n]):
            return False  # too little evidence alone, or more than a quarter lost
        share, run_share = self.share(0, n), run.share(start, end)
        if share is None:  # every character lost: the run must hold mojibake, not common text
            return run_share is not None and run_share < 1
        return share >= _MIN_COMMON and share >= (run_share or 0) + _MIN_GAIN


# --- UTF-8 read as GBK -------------------------------------------------------------------------

BREAK = -2  # a character no GBK-family decoder gives: no run goes through it


@lru_cache(maxsize=1)
def _gbk_starts() -> frozenset[str]:
    """Characters a GBK reading of UTF-8 Chinese starts with: GBK lead bytes E2-EF."""
    out = set()
    for lead in range(0xE2, 0xF0):
        for trail in range(0x40, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):  # a pair GBK does not define
                out.add(bytes([lead, trail]).decode("gbk"))
    return frozenset(out)


@lru_cache(maxsize=1)
def _gbk_sign() -> re.Pattern:
    return re.compile("[" + "".join(sorted(map(re.escape, _gbk_starts()))) + "]")


def _gbk_bytes(ch: str) -> tuple[int, ...]:
    """The bytes a GBK-family decoder read as `ch`."""
    if ch.isascii():
        return (ord(ch),)
    if ch == LOST:
        return (HOLE,)
    if ch == "€":  # cp936 reads a lone 0x80 as the euro sign
        return (0x80,)
    for codec in ("gbk", "gb18030"):  # GB18030 reads GBK's user-defined area as private use
        try:
            data = ch.encode(codec)
        except UnicodeEncodeError:
            continue
        return tuple(data) if len(data) == 2 else (BREAK,)
    return (BREAK,)


@cache
def _reads(codec: str, lead: int, trail: int) -> bool:
    try:
        bytes([lead, trail]).decode(codec)
        return True
    except UnicodeDecodeError:
        return False


def _hole_bytes(following: int | None, gb18030: bool) -> list[int]:
    """The continuation bytes the wrong decoder would have dropped before `following`."""
    if following is None or following < 0:
        return list(range(0x80, 0xC0))
    codec = "gb18030" if gb18030 else "gbk"
    return [b for b in range(0x80, 0xC0) if not _reads(codec, b, following)]


def _utf8_length(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _fill(seq: list[int], following: int | None, gb18030: bool) -> str:
    """The one known character a sequence with a lost byte can be, else U+FFFD."""
    holes = [i for i, b in enumerate(seq) if b == HOLE]
    if len(holes) > 1:
        return LOST
    hole = holes[0]
    found = set()
    for b in _hole_bytes(seq[hole + 1] if hole + 1 < len(seq) else following, gb18030):
        try:
            ch = bytes([*seq[:hole], b, *seq[hole + 1:]]).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if _is_known(ch):
            found.add(ch)
    return found.pop() if len(found) == 1 else LOST


class _Line:
    """A line as the bytes a GBK-family decoder read, with where each character's bytes start."""

    def __init__(self, line: str):
        self.text = line
        self.bytes: list[int] = []
        self.owner: list[int] = []  # the character each byte was read into
        self.offset: list[int] = []
        for k, ch in enumerate(line):
            self.offset.append(len(self.bytes))
            unit = _gbk_bytes(ch)
            self.bytes += unit
            self.owner += [k] * len(unit)
        self.offset.append(len(self.bytes))
        self.counts = _Counts(line)

    def decode(self, start: int, gb18030: bool) -> tuple[list[str], list[tuple[int, int]]]:
        """UTF-8 characters from the bytes of character `start` on, until bytes that cannot be
        UTF-8 or a character that is not Chinese text; and (characters of the line used,
        characters decoded) wherever both end together."""
        data, out, ends = self.bytes, [], []
        p = self.offset[start]
        while p < len(data) and data[p] != BREAK:
            lead, q = data[p], p + 1
            if lead == HOLE:  # the lead byte was lost, and so is its character
                while q < len(data) and 0x80 <= data[q] <= 0xBF:
                    q += 1
                out.append(LOST)
            elif lead < 0x80:
                out.append(chr(lead))
            else:
                size = _utf8_length(lead)
                if not size:
                    break
                seq = [lead]
                while len(seq) < size and q < len(data) and (0x80 <= data[q] <= 0xBF or data[q] in (HOLE, 0x3F)):
                    # a '?' where a continuation byte belongs stands for a byte the wrong decoder lost
                    seq.append(HOLE if data[q] == 0x3F else data[q])
                    q += 1
                if len(seq) < size:  # cut short: the rest of this character was lost
                    out.append(LOST)
                elif HOLE in seq:
                    out.append(_fill(seq, data[q] if q < len(data) else None, gb18030))
                else:
                    try:
                        out.append(bytes(seq).decode("utf-8"))
                    except UnicodeDecodeError:
                        break
            if not (out[-1].isascii() or _fits(out[-1])):
                out.pop()  # not Chinese text: the run ends before it
                break
            p = q
            if p == self.offset[self.owner[p - 1] + 1]:
                ends.append((self.owner[p - 1] + 1, len(out)))
        return out, ends


def _fits(ch: str) -> bool:
    return bool(HAN.match(ch)) or ch == LOST or _is_known(ch)


def _best_decoding(line: _Line, start: int, min_han: int, gb18030: bool) -> tuple[int, str] | None:
    """The longest decoding that holds only Chinese text, ends on a Chinese character and
    reads as common Chinese where the run as read does not: (end in the line, text)."""
    chars, ends = line.decode(start, gb18030)
    counts = _Counts(chars)
    for end, n in reversed(ends):
        if chars[n - 1].isascii():
            continue
        if counts.han[n] < min_han:
            return None  # shorter decodings hold fewer Han still
        if counts.reads_as_chinese(n, line.counts, start, end, min_han):
            return end, "".join(chars[:n])
    return None


def _repair_gbk(text: str, no: int, repairs: list[Repair], min_han: int, gb18030: bool) -> str:
    line = _Line(text)
    starts = _gbk_starts()
    out: list[str] = []
    i = 0
    while i < len(text):
        found = _best_decoding(line, i, min_han, gb18030) if text[i] in starts else None
        if found:
            end, decoded = found
            repairs.append(Repair(no, decoded, text[i:end], GBK_AS_UTF8))
            out.append(decoded)
            i = end
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


# --- UTF-8 read as Latin-1 or cp1252 ---------------------------------------------------------

# A UTF-8 lead byte read as Latin-1 (Â-ô), then a continuation byte read as Latin-1 or cp1252.
_LATIN_SIGN = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                         "\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030"
                         "\u2039\u203a\u20ac\u2122\ufffd]")
_LATIN_1 = re.compile("[\u0080-\u00ff]")


def _repair_latin(line: str, no: int, repairs: list[Repair]) -> str:
    fixed = ftfy.fix_encoding(line)
    if fixed == line or len(HAN.findall(fixed)) < len(HAN.findall(line)) \
            or len(_LATIN_1.findall(fixed)) >= len(_LATIN_1.findall(line)):
        return line
    matcher = difflib.SequenceMatcher(None, line, fixed, autojunk=False)
    changes = [(fixed[b0:b1], line[a0:a1]) for op, a0, a1, b0, b1 in matcher.get_opcodes() if op != "equal"]
    # a repair of Chinese text gives characters GBK has (í”“ read back as UTF-8 is 픓: no repair)
    if not all(ch.isascii() or ch == LOST or _is_known(ch) for now, _ in changes for ch in now):
        return line
    repairs += [Repair(no, now, was, LATIN_AS_UTF8) for now, was in changes]
    return fixed
