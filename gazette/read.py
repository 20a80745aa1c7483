"""Reading raw seed files in any common encoding, and text files of the project."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import GazetteError
from .mojibake import Repair, repair_mojibake

MAX_SEED_BYTES = 5 * 1024 * 1024  # a newspaper page is ~50 KB; 5 MB is surely not an article
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]
# Encodings a Chinese text arrives in; charset-normalizer chooses among them.
_CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16_le", "utf_16_be"]


@dataclass(frozen=True)
class SeedText:
    path: Path
    text: str
    encoding: str
    sha256: str
    repairs: tuple[Repair, ...] = ()  # mojibake decoded again (see mojibake.py), for the import report


def decode_bytes(data: bytes, path: Path | str) -> tuple[str, str]:
    """Decode raw bytes to text with LF newlines; raise GazetteError when it is not text."""
    if not data.strip():
        raise GazetteError("empty file: nothing to import", path)
    if len(data) > MAX_SEED_BYTES:
        raise GazetteError(f"file too large ({len(data) // 1024} KB, limit {MAX_SEED_BYTES // 1024} KB)",
                           path, hint="split it into one file per page")
    text, encoding = _decode(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_is_text(text, path)
    return text, encoding


def _decode(data: bytes, path: Path | str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise GazetteError(f"undecodable bytes at offset {exc.start} ({encoding} with BOM)", path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data and not _looks_utf16(data):
        raise GazetteError("binary file, not text", path, hint="seeds must be plain text files")
    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None or not _plausible(str(best)):
        raise GazetteError("undecodable bytes: not UTF-8, GB18030, Big5 or UTF-16", path,
                           hint="save the file as UTF-8")
    return str(best), best.encoding


def _plausible(text: str) -> bool:
    """A guessed decoding must read as Chinese or ASCII text, not as random code points."""
    sample = text[:20000]
    good = sum(1 for ch in sample if ch.isascii() or "\u3000" <= ch <= "\u303f" or "\u4e00" <= ch <= "\u9fff"
               or "\uff00" <= ch <= "\uffef" or "\u2000" <= ch <= "\u206f" or "\u3400" <= ch <= "\u4dbf")
    return good >= 0.9 * len(sample)


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4096]
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    return max(zeros_even, zeros_odd) > len(sample) // 8 and min(zeros_even, zeros_odd) < len(sample) // 64


def _check_is_text(text: str, path: Path | str) -> None:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\t\f\v")
    if controls > max(8, len(text) // 100):
        raise GazetteError("binary file, not text (many control characters)", path,
                           hint="seeds must be plain text files")


def read_seed(path: Path) -> SeedText:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GazetteError(f"cannot read file: {exc.strerror}", path)
    text, encoding = decode_bytes(data, path)
    text, repairs = repair_mojibake(text)
    return SeedText(path, text, encoding, hashlib.sha256(data).hexdigest(), tuple(repairs))


def read_utf8(path: Path) -> str:
    """Read a project text file (content, settings) that must be UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GazetteError(f"cannot read file: {exc.strerror}", path)
    if b"\x00" in data:
        raise GazetteError("binary file, not text", path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise GazetteError("undecodable bytes: content files must be UTF-8", path, line)
    return text.replace("\r\n", "\n").replace("\r", "\n")
