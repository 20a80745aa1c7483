"""Garbled text: the signatures of characters lost before a page reached us.

Shared by the importer (review notes) and the renderer (marked for readers), so it depends on
neither. What can still be decoded is repaired when the seed is read (see `mojibake`).
"""

from __future__ import annotations

import re

from .script import HAN_CHARS

# Mojibake signatures, not every '?': these texts use ASCII '?' as a question mark. A lost
# character shows as '??', as '?' before a pinyin remnant ('?gòu)'), before '!' ('?!薄'), after
# a full stop, or before a space; also U+FFFD, private-use characters, C1 controls, and the
# classic runs of UTF-8 read as GBK (锟斤拷, 鈥, 銆).
GARBLED = re.compile(
    rf"\?{{2,}}|\?(?=[a-zA-Z\u0101-\u01dc!！]|\s[{HAN_CHARS}])|(?<=[。，、；：,;:])\?"
    rf"|[\ufffd\ue000-\uf8ff\x80-\x9f]+|锟斤拷|烫烫烫|鈥[\u2000-\u206f{HAN_CHARS}]?|銆[{HAN_CHARS}]?"
)

_SUSPECT = re.compile(r"[?\ufffd\ue000-\uf8ff\x80-\x9f锟烫鈥銆]")  # what each signature above begins with


def garbled_matches(text: str) -> list[re.Match]:
    """GARBLED's matches in text; most text has none of the characters a signature begins with,
    and one look for them is a tenth of GARBLED's time."""
    return list(GARBLED.finditer(text)) if _SUSPECT.search(text) else []


def find_garbled(text: str, context: int = 8) -> list[str]:
    """Quote each garbled spot with some context; the text itself is never changed."""
    spots: list[str] = []
    last_end = -1
    for match in garbled_matches(text):
        if match.start() < last_end:
            continue
        start, end = max(0, match.start() - context), min(len(text), match.end() + context)
        spots.append(text[start:end])
        last_end = end
    return spots
