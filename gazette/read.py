"""Reading raw seed files in any common encoding, and text files of the project."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import GazetteError
from .mojibake import Repair, repair_mojibake
from .script import CJK_PUNCTUATION, HAN, HAN_CHARS

MAX_SEED_BYTES = 5 * 1024 * 1024  # a newspaper page is ~50 KB; 5 MB is surely not an article
MAX_TEXT_BYTES = 2 * 1024 * 1024  # a content file, a sidecar, site.yaml: ten times the longest article we know of
MAX_NAME_BYTES = 250  # a seed's page is seeds/NAME.html, and a file name has at most 255 bytes
# Characters no text of ours may hold: C0 and C1 controls but tab and newlines, DEL, surrogates and
# noncharacters. XML (feed.xml) forbids most of them, HTML calls them errors, none is ever meant.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                           + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000))
                           + "]")
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
                raise GazetteError(f"undecodable bytes at offset {exc.start} ({encoding} with BOM)", path) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16
    if b"\x00" in data and not _looks_utf16(data):
        raise GazetteError("binary file, not text", path, hint="seeds must be plain text files")
    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None or not _plausible(str(best)):
        raise GazetteError("undecodable bytes: not UTF-8, GB18030, Big5 or UTF-16", path,
                           hint="save the file as UTF-8")
    return str(best), best.encoding


# ASCII, general and CJK punctuation, full-width forms, Han characters: what Chinese text is made of
_READABLE = re.compile(f"[\x00-\x7f\u2000-\u206f{CJK_PUNCTUATION}{HAN_CHARS}]")


def _plausible(text: str) -> bool:
    """A guessed decoding must read as Chinese or ASCII text, not as random code points."""
    sample = text[:20000]
    return len(_READABLE.findall(sample)) >= 0.9 * len(sample)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 Chinese saved without a BOM: its characters need no zero byte, so it looks binary.

    Taken only when charset-normalizer finds one byte order coherent and it reads as Chinese:
    binary data or GB18030 read as UTF-16 gives code points all over the plane.
    """
    if len(data) < 16 or len(data) % 2:
        return None
    best = from_bytes(data, cp_isolation=["utf_16_le", "utf_16_be"]).best()
    if best is None:
        return None
    text = str(best)
    han = len(HAN.findall(text[:20000]))
    return (text, best.encoding) if "\x00" not in text and han >= len(text[:20000]) // 4 and _plausible(text) else None


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


def project_of(path: Path) -> Path:
    """The project an input belongs to when none is given: the folder above its own
    (seeds/x.txt, content/x.md); a file named on the command line anywhere is the user's choice."""
    return path.absolute().parent.parent


def read_input(path: Path, limit: int, root: Path | None = None, hint: str | None = None) -> bytes:
    """The bytes of an input, which must be a regular file of at most `limit` bytes inside the
    project (`root`, by default project_of(path)).

    Checked before a byte is read: a link out of the project would publish what it points to,
    a FIFO would block the build, a device or a folder is no text.
    """
    root = project_of(path) if root is None else root
    try:
        info = _checked(path, root, stat.S_ISREG)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
        raise GazetteError(f"cannot read file: {getattr(exc, 'strerror', None) or exc}", path) from None
    if info.st_size > limit:
        raise _too_large(info.st_size, limit, path, hint)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):  # swapped since the check
                raise GazetteError("refusing to read it: not a regular file", path, hint="inputs are plain files")
            data = file.read(limit + 1)
    except OSError as exc:
        raise GazetteError(f"cannot read file: {exc.strerror}", path) from None
    if len(data) > limit:
        raise _too_large(len(data), limit, path, hint)
    return data


def unsafe_files(folder: Path, root: Path) -> list[GazetteError]:
    """Everything below `folder` that the build must not read or publish: a link out of the
    project, a FIFO, a socket or a device (layouts/static is copied into the site whole)."""
    problems = []
    for parent, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            path = Path(parent, name)
            try:
                _checked(path, root, lambda mode: stat.S_ISREG(mode) or stat.S_ISDIR(mode))
            except GazetteError as exc:
                problems.append(exc)
            except (OSError, RuntimeError) as exc:
                problems.append(GazetteError(f"cannot read it: {getattr(exc, 'strerror', None) or exc}", path,
                                             hint="a link to nothing? remove it"))
    return problems


def _checked(path: Path, root: Path, wanted) -> os.stat_result:
    """What the path is (OSError: nothing), refused when it leads out of the project or
    wanted(mode) is false of it."""
    real, info = path.resolve(), os.stat(path)
    if not real.is_relative_to(root.resolve()):
        raise GazetteError(f"refusing to read it: a link to {real}, outside the project", path,
                           hint="copy the file into the project instead of linking to it")
    if not wanted(info.st_mode):
        raise GazetteError(f"refusing to read it: {_kind(info.st_mode)}, not a regular file", path,
                           hint="inputs are plain files")
    return info


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))
    return next((name for test, name in kinds if test(mode)), "a special file")


def _too_large(size: int, limit: int, path: Path, hint: str | None) -> GazetteError:
    return GazetteError(f"file too large ({size // 1024} KB, limit {limit // 1024} KB)", path, hint=hint)


def without_controls(text: str) -> tuple[str, list[str]]:
    """The text without CONTROL_CHARS, and the code points removed (U+000B), each once."""
    found = sorted({f"U+{ord(ch):04X}" for ch in CONTROL_CHARS.findall(text)})
    return (CONTROL_CHARS.sub("", text), found) if found else (text, [])


def name_problem(name: str) -> str | None:
    """What keeps a seed's file name from naming its page (seeds/NAME.html) and from being written
    in its drafts' front matter (None: nothing)."""
    if CONTROL_CHARS.search(name) or any(ch in name for ch in "\t\n\r"):  # or bytes not UTF-8 (surrogates)
        return "holds a control character or bytes that are not UTF-8"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"is longer than {MAX_NAME_BYTES} bytes"
    return None


def read_seed(path: Path, root: Path | None = None) -> SeedText:
    wrong = name_problem(path.name)
    if wrong:
        raise GazetteError(f"the file name {wrong}", path, hint="rename the file")
    data = read_input(path, MAX_SEED_BYTES, root, hint="split it into one file per page")
    text, encoding = decode_bytes(data, path)
    text, repairs = repair_mojibake(text)
    return SeedText(path, text, encoding, hashlib.sha256(data).hexdigest(), tuple(repairs))


def read_utf8(path: Path, root: Path | None = None, limit: int = MAX_TEXT_BYTES, hint: str | None = None) -> str:
    """Read a project text file (content, settings, a sidecar) that must be UTF-8 (see read_input)."""
    data = read_input(path, limit, root, hint)
    if b"\x00" in data:
        raise GazetteError("binary file, not text", path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise GazetteError("undecodable bytes: content files must be UTF-8", path, line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
