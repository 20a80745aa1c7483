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

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

import ftfy

from .script import HAN, to_simplified

HOLE = -1  # a byte the wrong decoder lost
LOST = "\ufffd"
GBK_AS_UTF8 = "utf-8 read as gbk"
LATIN_AS_UTF8 = "utf-8 read as latin-1/cp1252"
_MIN_HAN = 2  # a repaired run holds at least this many Han characters
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
    """The text with mojibake runs decoded again, and a record of each run changed."""
    repairs: list[Repair] = []
    lines = text.split("\n")
    for no, line in enumerate(lines, 1):
        fixed = line
        if _LATIN_SIGN.search(fixed):
            fixed = _repair_latin(fixed, no, repairs)
        if _GBK_SIGN.search(fixed):
            fixed = _repair_gbk(fixed, no, repairs)
        lines[no - 1] = fixed
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


def _common_share(chars: str) -> float:
    wide = [ch for ch in chars if not ch.isascii() and ch != LOST]
    return sum(map(_is_common, wide)) / len(wide) if wide else 0.0


def _reads_as_chinese(decoded: str, run: str) -> bool:
    """The decoding is common Chinese (few characters lost) and the run as read is not."""
    wide = [ch for ch in decoded if not ch.isascii()]
    lost = decoded.count(LOST)
    if len(HAN.findall(decoded)) < _MIN_HAN or lost * 4 > len(wide):
        return False
    share = _common_share(decoded)
    return share >= _MIN_COMMON and share >= _common_share(run) + _MIN_GAIN


# --- UTF-8 read as GBK -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _gbk_starts() -> frozenset[str]:
    """Characters a GBK reading of UTF-8 Chinese starts with: GBK lead bytes E2-EF."""
    out = set()
    for lead in range(0xE2, 0xF0):
        for trail in range(0x40, 0xFF):
            try:
                out.add(bytes([lead, trail]).decode("gbk"))
            except UnicodeDecodeError:
                pass
    return frozenset(out)


class _Signs:
    """A lazily built regex: does a line hold a character a GBK mojibake run starts with?"""

    def __init__(self) -> None:
        self._re: re.Pattern | None = None

    def search(self, text: str) -> bool:
        if self._re is None:
            self._re = re.compile("[" + "".join(sorted(map(re.escape, _gbk_starts()))) + "]")
        return self._re.search(text) is not None


_GBK_SIGN = _Signs()


def _gbk_bytes(ch: str) -> tuple[int, ...] | None:
    """The bytes a GBK-family decoder read as `ch`; None when no such decoder gives it."""
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
        return tuple(data) if len(data) == 2 else None
    return None


@lru_cache(maxsize=None)
def _gbk_reads(lead: int, trail: int) -> bool:
    try:
        bytes([lead, trail]).decode("gbk")
        return True
    except UnicodeDecodeError:
        return False


def _hole_bytes(following: int | None) -> list[int]:
    """The continuation bytes a GBK decoder would have dropped before `following`."""
    if following is None or following < 0:
        return list(range(0x80, 0xC0))
    return [b for b in range(0x80, 0xC0) if not _gbk_reads(b, following)]


def _utf8_length(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _fill(seq: list[int], following: int | None) -> str:
    """The one known character a sequence with lost bytes can be, else U+FFFD."""
    holes = [i for i, b in enumerate(seq) if b == HOLE]
    if len(holes) > 1:
        return LOST
    hole = holes[0]
    options = _hole_bytes(seq[hole + 1] if hole + 1 < len(seq) else following)
    found = set()
    for b in options:
        candidate = seq[:hole] + [b] + seq[hole + 1:]
        try:
            ch = bytes(candidate).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if _is_known(ch):
            found.add(ch)
    return found.pop() if len(found) == 1 else LOST


def _decode_run(units: list[tuple[int, ...] | None], start: int) -> list[tuple[int, str]]:
    """UTF-8 characters from the bytes of units[start:], as (units consumed so far, character),
    one entry at each point where a character and a unit end together; stops at invalid bytes."""
    flat: list[tuple[int, int, bool]] = []  # (byte, unit index, last byte of its unit)
    for k in range(start, len(units)):
        unit = units[k]
        if unit is None:
            break
        flat += [(b, k, i == len(unit) - 1) for i, b in enumerate(unit)]
    out: list[tuple[int, str]] = []
    text = ""
    p = 0
    while p < len(flat):
        lead = flat[p][0]
        size = 1 if 0 <= lead < 0x80 else _utf8_length(lead)
        if lead == HOLE:  # the lead byte was lost: so is its character
            size = 1
        elif size == 0:
            break
        seq, q = [lead], p + 1
        while len(seq) < size and q < len(flat) and (0x80 <= flat[q][0] <= 0xBF or flat[q][0] in (HOLE, 0x3F)):
            # a '?' where a continuation byte belongs stands for a byte the wrong decoder dropped
            seq.append(HOLE if flat[q][0] == 0x3F else flat[q][0])
            q += 1
        if lead == HOLE:
            while q < len(flat) and 0x80 <= flat[q][0] <= 0xBF:
                q += 1
            text += LOST
        elif len(seq) < size:  # cut short: the rest of this character was dropped
            text += LOST
        elif HOLE in seq:
            text += _fill(seq, flat[q][0] if q < len(flat) else None)
        else:
            try:
                text += bytes(seq).decode("utf-8")
            except UnicodeDecodeError:
                break
        p = q
        if flat[p - 1][2]:
            out.append((flat[p - 1][1] + 1, text))
    return out


def _fits(ch: str) -> bool:
    return bool(HAN.match(ch)) or ch == LOST or _is_known(ch)


def _best_decoding(ends: list[tuple[int, str]], line: str, start: int) -> tuple[int, str] | None:
    """The longest decoding that holds only Chinese text, ends on a Chinese character and
    reads as common Chinese where the run as read does not."""
    junk = next((i for i, ch in enumerate(ends[-1][1]) if not (ch.isascii() or _fits(ch))), None) if ends else None
    for end, text in reversed(ends):
        if junk is not None and len(text) > junk:
            continue
        if not text[-1].isascii() and _fits(text[-1]) and _reads_as_chinese(text, line[start:end]):
            return end, text
    return None


def _repair_gbk(line: str, no: int, repairs: list[Repair]) -> str:
    units = [_gbk_bytes(ch) for ch in line]
    starts = _gbk_starts()
    out: list[str] = []
    i = 0
    while i < len(line):
        found = _best_decoding(_decode_run(units, i), line, i) if line[i] in starts else None
        if found:
            end, text = found
            repairs.append(Repair(no, text, line[i:end], GBK_AS_UTF8))
            out.append(text)
            i = end
        else:
            out.append(line[i])
            i += 1
    return "".join(out)


# --- UTF-8 read as Latin-1 or cp1252 ---------------------------------------------------------

# A UTF-8 lead byte read as Latin-1 (Â-ô), then a continuation byte read as Latin-1 or cp1252.
_LATIN_SIGN = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                         "\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030"
                         "\u2039\u203a\u20ac\u2122\ufffd]")


def _repair_latin(line: str, no: int, repairs: list[Repair]) -> str:
    fixed = ftfy.fix_encoding(line)
    if fixed == line or len(HAN.findall(fixed)) <= len(HAN.findall(line)):
        return line
    matcher = difflib.SequenceMatcher(None, line, fixed, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op != "equal":
            repairs.append(Repair(no, fixed[b0:b1], line[a0:a1], LATIN_AS_UTF8))
    return fixed
