"""An article's Markdown as the site shows it: HTML, plain text for search, first sentences for a
summary; and the typography of Chinese text in HTML (full-width punctuation, garbled spots marked).
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from .garbled import garbled_matches
from .model import Article
from .script import HAN_CHARS

SAFE_SCHEMES = ("http:", "https:", "mailto:")
GARBLED_MARK = '<mark class="garbled" title="原文乱码">'


def _validate_link(url: str) -> bool:
    """Only web, mail and relative links: javascript:, data:, vbscript:, file: are dropped."""
    scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):", url)
    return scheme is None or (scheme.group(1).lower() + ":") in SAFE_SCHEMES


_HAN_BEFORE = rf"(?<=[{HAN_CHARS}”’」』）])"
_HAN_AFTER = rf"(?=[{HAN_CHARS}“‘「『（\d])"
_FULL_WIDTH = str.maketrans(",;:?!", "，；：？！")
_ASCII_PUNCT = re.compile(_HAN_BEFORE + r"[,;:?!](?!\d)|[,;:?!]" + _HAN_AFTER)
# the same, a pattern for each mark and its full-width form: replaced with no Python call a match
_EACH_PUNCT = [(re.compile(_HAN_BEFORE + re.escape(a) + r"(?!\d)|" + re.escape(a) + _HAN_AFTER), b)
               for a, b in zip(",;:?!", "，；：？！", strict=True)]


def cjk_punctuation(text: str) -> str:
    """ASCII , ; : ? ! beside Chinese characters set as their full-width forms, for display.

    Many sources type ASCII punctuation in Chinese text; it renders cramped. A '?' that is
    part of a garbled spot stays as it is: it is evidence for the curator.
    """
    if not _ASCII_PUNCT.search(text):
        return text
    garbled = [m.span() for m in garbled_matches(text)]
    if not garbled:
        for pattern, full_width in _EACH_PUNCT:
            text = pattern.sub(full_width, text)
        return text
    return _ASCII_PUNCT.sub(lambda m: m.group(0) if any(a <= m.start() < b for a, b in garbled)
                            else m.group(0).translate(_FULL_WIDTH), text)


def mark_garbled(text: str) -> Markup:
    """The text escaped for HTML, each garbled spot in a <mark>: readers see what is damaged."""
    parts, at = [], 0
    for match in garbled_matches(text):
        parts += [escape(text[at:match.start()]), Markup(GARBLED_MARK), escape(match.group(0)), Markup("</mark>")]
        at = match.end()
    return Markup("").join([*parts, escape(text[at:])])


def _typography(state) -> None:
    for token in state.tokens:
        for child in token.children or []:
            if child.type == "text":
                child.content = cjk_punctuation(child.content)


def _render_text(self, tokens, idx, options, env) -> str:
    return str(mark_garbled(tokens[idx].content))


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link
    md.core.ruler.push("cjk_punctuation", _typography)
    md.add_render_rule("text", _render_text)  # after parsing: search text keeps the spots as text
    return md


def is_damaged(article: Article, body_html: str) -> bool:
    """Whether the article page shows garbled spots (the page then says so at its top)."""
    return GARBLED_MARK in body_html or any(garbled_matches(t) for t in (article.title, article.subtitle or "",
                                                                           *article.captions))


def plain_text_of(tokens) -> str:
    """Text of parsed Markdown without its syntax, for search."""
    return " ".join(child.content for t in tokens if t.type == "inline" for child in (t.children or [])
                    if child.type in ("text", "code_inline"))


_SENTENCE = re.compile(r".+?(?:[。！？!?…]+[”’」』）)]*|$)", re.S)


def first_sentences(text: str, least: int = 60, most: int = 160) -> str:
    """The opening sentences of a text, for a description or a summary: whole sentences up to at
    least `least` characters where the text has them, never more than `most` (then cut, with …)."""
    text = re.sub(r"(?<=[。！？”’」』）])\s+|\s+(?=[“‘「『（])", "", " ".join(text.split()))
    out = ""
    for match in _SENTENCE.finditer(text):
        if out and len(out) + len(match.group(0)) > most:
            break
        out += match.group(0)
        if len(out) >= least:
            break
    return out if len(out) <= most else out[:most - 1] + "…"
