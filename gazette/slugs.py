"""ASCII slugs from Chinese text (pinyin), made unique against the slugs already taken."""

from __future__ import annotations

import re

UNDATED_SLUG = "undated"  # in a slug where a date would be: an undated article's, the year of undated articles


def pinyin_words(text: str) -> list[str]:
    """The text as lowercase ASCII words: pinyin syllables, digits and Latin runs."""
    from pypinyin import lazy_pinyin  # 0.4 s to import: a no-op build never gets here
    words = (re.sub(r"[^a-z0-9]+", "-", token.lower()).strip("-") for token in lazy_pinyin(text))
    return [w for w in words if w]


def unique(slug: str, taken: set[str]) -> str:
    """`slug`, or `slug-2`, `slug-3`… the first not in `taken` (which it joins)."""
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate
