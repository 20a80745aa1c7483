"""Markdown files with YAML front matter: parsing with exact error lines, and writing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from .errors import GazetteError
from .read import read_utf8

FENCE = "---"
IMPORT_HASH = "import_hash"
KEEP_EMPTY = {"title", "city", "date", "source"}  # always written: null says "not known"


MAX_DEPTH = 16  # front matter is a mapping of texts and lists of texts: two levels
MAX_NODES = 20_000  # values in one file; a front matter holds a few dozen

try:  # libyaml's parser gives events and keeps its stack on the heap; we compose the nodes
    from yaml._yaml import CParser as _Events
except ImportError:  # PyYAML without libyaml: the same events, in Python
    class _Events(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
        def __init__(self, stream):
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


class _Loader(yaml.composer.Composer, _Events, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """Safe YAML where duplicate keys are an error and dates stay text (checked by our code).

    Bounded before anything is built: an alias is refused (curators never need one, and a few
    hundred bytes of aliases expand to gigabytes), and so is nesting deeper than MAX_DEPTH
    (libyaml's own composer recurses in C and overflows the stack) or more than MAX_NODES values.
    """

    def __init__(self, stream):
        _Events.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.depth = self.nodes = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _limit(f"an alias (*{event.anchor}) is not allowed: write the value out", event)
        self.depth += 1
        self.nodes += 1
        if self.depth > MAX_DEPTH:
            raise _limit(f"nested more than {MAX_DEPTH} levels deep", event)
        if self.nodes > MAX_NODES:
            raise _limit(f"more than {MAX_NODES} values", event)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _limit(problem: str, event) -> yaml.composer.ComposerError:
    return yaml.composer.ComposerError(None, None, problem, event.start_mark)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def split(text: str, path: Path | str) -> tuple[str, str, int]:
    """(front matter YAML, body, line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise GazetteError("no front matter: the file must start with a line `---`", path, 1,
                           hint="add `---`, the fields (title, city, date, source), and `---` above the text")
    for i in range(1, len(lines)):
        if lines[i].strip() in (FENCE, "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    raise GazetteError("front matter is not closed: no second `---` line", path, 1)


def load_yaml(text: str, path: Path | str, first_line: int = 1):
    """YAML with errors as GazetteError at the real line of the file (`first_line` = its line 1)."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + (mark.line if mark else text[:getattr(exc, "position", 0)].count("\n"))
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise GazetteError(f"invalid YAML: {problem}", path, line) from None


def parse(text: str, path: Path | str) -> tuple[dict, str, int]:
    head, body, body_line = split(text, path)
    meta = load_yaml(head, path, first_line=2) if head.strip() else {}
    if not isinstance(meta, dict):
        raise GazetteError("front matter must be a mapping of `field: value` lines", path, 2)
    return meta, body, body_line


def read(path: Path, root: Path | None = None) -> tuple[dict, str, int, str]:
    """(front matter, body, line where the body starts, text) of a content file inside `root`."""
    text = read_utf8(path, root, hint="is it really one article?")
    meta, body, line = parse(text, path)
    return meta, body, line, text


def dump(meta: dict, body: str) -> str:
    """The file text; `import_hash` records it, so a later import can tell it was not edited."""
    clean = {k: v for k, v in meta.items() if (v not in (None, [], "") or k in KEEP_EMPTY) and k != IMPORT_HASH}
    head = yaml.safe_dump(clean, allow_unicode=True, sort_keys=False, width=10_000)
    text = f"{FENCE}\n{head}{FENCE}\n\n{body.rstrip()}\n"
    digest = content_hash(text)
    return text.replace(f"\n{FENCE}\n\n", f"\n{IMPORT_HASH}: {digest}\n{FENCE}\n\n", 1)


def content_hash(text: str) -> str:
    without = "\n".join(ln for ln in text.split("\n") if not ln.startswith(f"{IMPORT_HASH}:"))
    return hashlib.sha256(without.encode("utf-8")).hexdigest()[:16]


def is_pristine(text: str, meta: dict) -> bool:
    """The file is exactly as an import wrote it (no curator edit since)."""
    return meta.get(IMPORT_HASH) == content_hash(text)
