"""Simplified and Traditional Chinese: detection and conversion (OpenCC)."""

from __future__ import annotations

import re
from functools import cache, lru_cache

import opencc

# Han characters: CJK Unified Ideographs, Extension A and the Compatibility Ideographs. The one
# definition of the range: code puts HAN_CHARS inside its own character classes.
HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN = re.compile(f"[{HAN_CHARS}]")
# CJK symbols and punctuation, full-width forms, dashes and quotes: set without spaces beside them
CJK_PUNCTUATION = "\u3000-\u303f\uff00-\uffef\u2010-\u2027"
HANS, HANT = "zh-Hans", "zh-Hant"


def han_code_points() -> list[int]:
    """Every code point HAN_CHARS names, in order."""
    bounds = [ord(ch) for ch in HAN_CHARS.replace("-", "")]
    return [code for low, high in zip(bounds[::2], bounds[1::2], strict=True) for code in range(low, high + 1)]


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text)


def convert(text: str, script: str) -> str:
    return to_simplified(text) if script == HANS else to_traditional(text)


def detect_script(text: str) -> str:
    """zh-Hant when more of the text's characters are Traditional-only than Simplified-only."""
    traditional_only, simplified_only = _script_characters()
    sample = text[:20000]
    return HANT if len(traditional_only.findall(sample)) > len(simplified_only.findall(sample)) else HANS


@lru_cache(maxsize=1)
def _script_characters() -> tuple[re.Pattern, re.Pattern]:
    """The Traditional-only and the Simplified-only characters, each a character class: a
    pattern counts them in C (a loop over the text in Python took 0.2 ms an article)."""
    pairs = t2s_char_map()
    traditional = set(pairs)
    simplified = set(pairs.values()) - traditional
    return tuple(re.compile("[" + "".join(map(re.escape, sorted(chars))) + "]") for chars in (traditional, simplified))


@lru_cache(maxsize=1)
def t2s_char_map() -> dict[str, str]:
    """One-to-one Traditional->Simplified character map, for query normalisation in the browser.

    Character level on purpose: it keeps string lengths, so positions found in the normalised
    text are positions in the original (used to highlight matches on Traditional pages).
    """
    converter = _converter("t2s")
    pairs = {}
    for code in han_code_points():  # one by one: phrase rules on a long run would misalign
        ch = chr(code)
        simple = converter.convert(ch)
        if simple != ch and len(simple) == 1 and ord(simple) <= 0xFFFF:  # JS indexes UTF-16 units
            pairs[ch] = simple
    return pairs
