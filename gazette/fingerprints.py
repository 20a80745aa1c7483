"""Page fingerprints from what a render reads: no page goes stale, none is rendered for nothing.

As Lektor's builder records what each artifact read, a page is rendered with its data behind
recording proxies: every attribute, item, length, truth value and call a template, a macro or
a filter makes on them is logged by its path from a named root, with the value found there. A
root is a variable of the page, or a value all pages share (the settings, the URLs); an article
is recorded as which one it is, and the fields read of it by name, however the page reached it.
What a page read (Reads) and the templates it loaded make its fingerprint. The next build looks
the same fields and paths up in its own data (Evaluator) and renders the page again only when
the fingerprint differs.

Nothing lists what a template shows: a template that starts showing a field reads it, and the
field is in the page's fingerprint from its next render on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from .model import Article

ARTICLE = "article"  # the value of a path where an article is: ("article", slug)
# Steps of a path besides attribute names (which never start with "#")
LEN, KEYS, BOOL, STR = "#len", "#keys", "#bool", "#str"
ITEM, CALL, HAS = "[]", "()", "in"
_SCALARS = frozenset({str, Markup, int, float, bool, type(None), dt.date})
_VIEWS = (type({}.keys()), type({}.values()), type({}.items()))
_INTERNED: dict[tuple, tuple] = {}  # each path and list of fields once: the cache stores each once


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()  # what a path leads to when the data no longer has it


class Ref:
    """An argument of a recorded call that is itself recorded: found again by its path (an
    article's path is its root, ((ARTICLE, slug),))."""

    __slots__ = ("path",)

    def __init__(self, path: tuple):
        self.path = path

    def __eq__(self, other) -> bool:
        return type(other) is Ref and other.path == self.path

    def __hash__(self) -> int:
        return hash(("Ref", self.path))

    def __repr__(self) -> str:
        return f"Ref({self.path!r})"

    def __reduce__(self):
        return Ref, (self.path,)


@dataclass(frozen=True)
class Reads:
    """What one render of a page read: the templates it loaded; the fields of each article (by
    slug); the paths of other values, those from roots all pages share apart from the page's
    own; the hash of it all."""

    templates: tuple[str, ...]
    articles: tuple[tuple[str, tuple[str, ...]], ...]
    shared: tuple[tuple, ...]
    own: tuple[tuple, ...]
    key: str


def is_leaf(value) -> bool:
    """Plain data, recorded whole: text, numbers, dates, and lists and dicts of them."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is tuple or kind is list:
        return all(is_leaf(v) for v in value)
    if kind is dict:
        return all(is_leaf(k) and is_leaf(v) for k, v in value.items())
    return isinstance(value, (str, int, float, dt.date))


def fingerprint(head: str, shared: Iterable[str], own: Iterable) -> str:
    """The hash of a page: `shared` are reprs (the articles' fields, then shared values), `own`
    the page's own values."""
    text = "\x00".join([head, *shared, repr(list(own))])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def fields(article: Article, names: tuple[str, ...]) -> str:
    return repr(tuple(getattr(article, name) for name in names))


def _intern(value: tuple) -> tuple:
    return _INTERNED.setdefault(value, value)


class Log:
    """What one render is reading. `roots` names the variables all pages share; `memo` holds
    the text of what pages share (an article's fields, a shared value), made once a build."""

    def __init__(self, roots: Iterable[str] = (), memo: Memo | None = None) -> None:
        self.roots = frozenset(roots)
        self.memo = memo or Memo()
        self.articles: dict[str, tuple[Article, set[str]]] = {}
        self.shared: dict[tuple, object] = {}
        self.own: dict[tuple, object] = {}
        self.templates: dict[str, None] = {}

    def variable(self, name: str, value):
        """A variable of the page, recorded as a root."""
        return self.read(value, (name,), self.shared if name in self.roots else self.own)

    def read(self, value, path: tuple, values: dict):
        """The value found at path, recorded in `values`: a leaf as it is, an article as which
        one it is (its fields by name, as they are read), anything else behind a proxy."""
        if type(value) in _SCALARS or is_leaf(value):
            values[path] = value
            return value
        if isinstance(value, Article):
            values[path] = (ARTICLE, value.slug)
            return RecordedArticle(value, self.articles.setdefault(value.slug, (value, set()))[1])
        return Recorded(value, path, self, values)

    def reads(self, head: str) -> Reads:
        articles = tuple((slug, _intern(tuple(sorted(names)))) for slug, (_, names) in self.articles.items())
        fields_text, shared_text = self.memo.fields, self.memo.shared
        texts = []
        for (slug, names), (article, _) in zip(articles, self.articles.values(), strict=True):
            text = fields_text.get((slug, names))
            if text is None:
                text = fields_text[(slug, names)] = fields(article, names)
            texts.append(text)
        for path, value in self.shared.items():
            text = shared_text.get(path)
            if text is None:
                text = shared_text[path] = repr(value)
            texts.append(text)
        key = fingerprint(head, texts, self.own.values())
        return Reads(tuple(self.templates), articles, tuple(map(_intern, self.shared)), tuple(map(_intern, self.own)),
                     key)


class Memo:
    """The text of the values all pages of a build share, by slug and fields or by path: the
    same in every page that reads them (the data does not change while a build renders)."""

    def __init__(self) -> None:
        self.fields: dict[tuple, str] = {}
        self.shared: dict[tuple, str] = {}


class _Proxy:
    """What the data looks like to a template: each read recorded (_attribute). What a template
    cannot read field by field is an error, not a silent miss: a whole object compared (==)."""

    __slots__ = ("_target",)
    jinja_pass_arg = None  # Jinja asks a callable this: answered here, not read from the data

    def __getattr__(self, name: str):
        if name[0] in "_j" and (name[0] == "_" or name.startswith("jinja_")):  # questions about the object
            raise AttributeError(name)
        return self._attribute(name)

    def _attribute(self, name: str):
        raise NotImplementedError

    def __eq__(self, other):
        raise TypeError(f"a template compares a whole {type(self._target).__name__}: compare a field of it")

    __hash__ = None  # type: ignore[assignment]


class RecordedArticle(_Proxy):
    """An article as a template sees it: each field read is noted by name. The fields are plain
    data (model.Article), given as they are and compared whole."""

    __slots__ = ("_names",)

    def __init__(self, target: Article, names: set[str]):
        self._target, self._names = target, names

    def _attribute(self, name: str):
        value = getattr(self._target, name)
        self._names.add(name)
        return value


class Recorded(_Proxy):
    """A value of the data as a template sees it, each read logged by its path into `values`
    (the log's shared or own values, as the root is)."""

    __slots__ = ("_log", "_path", "_values")

    def __init__(self, target, path: tuple, log: Log, values: dict):
        self._target, self._path, self._log, self._values = target, path, log, values

    def _note(self, step, value):
        self._values[(*self._path, step)] = value
        return value

    def _attribute(self, name: str):
        # a missing attribute is not recorded: Jinja tries the item next, and records that
        value = getattr(self._target, name)
        if type(value) in _SCALARS:
            self._values[(*self._path, name)] = value
            return value
        return self._log.read(value, (*self._path, name), self._values)

    def __getitem__(self, key):
        key = unwrap(key)
        path = (*self._path, (ITEM, key))
        try:
            value = self._target[key]
        except (LookupError, TypeError):
            self._values[path] = MISSING
            raise
        return self._log.read(value, path, self._values)

    def __iter__(self):
        target = self._target
        if isinstance(target, Mapping):
            return iter(self._note(KEYS, tuple(target)))
        if not isinstance(target, Sequence):
            raise TypeError(f"a template iterates over {type(target).__name__}: give it a list")
        self._note(LEN, len(target))
        return (self._log.read(value, (*self._path, (ITEM, i)), self._values) for i, value in enumerate(target))

    def __len__(self) -> int:
        return self._note(LEN, len(self._target))

    def __bool__(self) -> bool:
        return self._note(BOOL, bool(self._target))

    def __contains__(self, item) -> bool:
        item = unwrap(item)
        return self._note((HAS, item), item in self._target)

    def __str__(self) -> str:
        return self._note(STR, str(self._target))

    def __call__(self, *args, **kwargs):
        """A call of a method of the data (site.url, urls.article): recorded with its arguments,
        among the shared values when they all are."""
        log, values = self._log, self._values
        if kwargs or not _SCALARS.issuperset(map(type, args)):
            if values is log.shared and any(isinstance(a, Recorded) and a._values is not log.shared
                                            for a in (*args, *kwargs.values())):
                values = log.own
            step = (CALL, tuple(map(_argument, args)), tuple(sorted((k, _argument(v)) for k, v in kwargs.items())))
            args, kwargs = tuple(map(unwrap, args)), {k: unwrap(v) for k, v in kwargs.items()}
        else:  # text and numbers: most calls
            step = (CALL, args, ())
        result = self._target(*args, **kwargs)
        if type(result) in _SCALARS:
            values[(*self._path, step)] = result
            return result
        return log.read(list(result) if isinstance(result, _VIEWS) else result, (*self._path, step), values)


def attribute(proxy, name: str):
    """Jinja's `x.name`: on a proxy, the attribute, else the item (as Jinja's getattr), recorded;
    NotImplemented on anything else."""
    kind = type(proxy)
    if kind is RecordedArticle:  # most reads: a field of an article (RecordedArticle._attribute, inlined)
        value = getattr(proxy._target, name)
        proxy._names.add(name)
        return value
    if kind is not Recorded:
        return NotImplemented
    try:
        return proxy._attribute(name)
    except AttributeError:
        return proxy[name]


def unwrap(value):
    """The value behind a proxy; a recorded call then stands for what its result was made of."""
    return value._target if isinstance(value, _Proxy) else value


def _argument(value):
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is RecordedArticle:
        return Ref(((ARTICLE, value._target.slug),))  # the article, whichever way it was reached
    if kind is Recorded:
        return Ref(value._path)
    try:
        hash(value)
    except TypeError:
        raise TypeError(f"a template passes a {type(value).__name__} to a call: pass text or numbers") from None
    if not is_leaf(value):
        raise TypeError(f"a template passes a {type(value).__name__} that is not data to a call")
    return value


class Evaluator:
    """The values a page read, in this build's data. What all pages share (an article's fields,
    the settings, the URLs) is looked up once a build; a page's own values in its variables."""

    def __init__(self, shared: dict, articles: Iterable[Article]):
        self.shared = shared
        self.articles = {a.slug: a for a in articles}
        self._fields: dict[tuple[str, int], str] = {}  # by slug and id() of the names (stored once)
        self._reprs: dict[int, str] = {}  # by id() of the path (stored once)
        self._objects: dict[tuple, object] = {}  # the arguments of calls, by path

    def unchanged(self, reads: Reads, head: str, variables: dict) -> bool:
        shared = [*self._article_reprs(reads.articles), *self._shared_reprs(reads.shared)]
        return fingerprint(head, shared, (self.value(path, variables) for path in reads.own)) == reads.key

    def _article_reprs(self, articles) -> list[str]:
        memo, out = self._fields, []
        for slug, names in articles:
            text = memo.get((slug, id(names)))
            if text is None:
                article = self.articles.get(slug)
                text = memo[(slug, id(names))] = repr(MISSING) if article is None else fields(article, names)
            out.append(text)
        return out

    def _shared_reprs(self, paths: tuple[tuple, ...]) -> list[str]:
        memo, out = self._reprs, []
        for path in paths:
            text = memo.get(id(path))
            if text is None:
                text = memo[id(path)] = repr(self.value(path, {}))
            out.append(text)
        return out

    def value(self, path: tuple, variables: dict):
        """As Log.read records it: an article as which one it is, a leaf as it is."""
        found = self._walk(path, variables)
        if isinstance(found, Article):
            return (ARTICLE, found.slug)
        return found if found is MISSING or is_leaf(found) else ("<object>", type(found).__name__)

    def _resolve(self, path: tuple, variables: dict):
        """The object at path (a call's argument), looked up once a build when it is shared."""
        root = path[0]
        if not (type(root) is tuple or root in self.shared):
            return self._walk(path, variables)
        found = self._objects.get(path, self._objects)
        if found is self._objects:
            found = self._objects[path] = self._walk(path, variables)
        return found

    def _walk(self, path: tuple, variables: dict):
        root = path[0]
        if type(root) is tuple:
            found = self.articles.get(root[1], MISSING)
        else:
            found = self.shared[root] if root in self.shared else variables.get(root, MISSING)
        for step in path[1:]:
            if found is MISSING:
                break
            try:
                found = self._step(found, step, variables)
            except Exception:  # the data no longer fits the path: the page is rendered again
                return MISSING
        return found

    def _step(self, found, step, variables: dict):
        if type(step) is str:
            if step == LEN:
                return len(found)
            if step == KEYS:
                return tuple(found)
            if step == BOOL:
                return bool(found)
            if step == STR:
                return str(found)
            return getattr(found, step)
        kind = step[0]
        if kind == ITEM:
            return found[step[1]]
        if kind == HAS:
            return step[1] in found
        args = [self._resolve(a.path, variables) if isinstance(a, Ref) else a for a in step[1]]
        kwargs = {k: self._resolve(v.path, variables) if isinstance(v, Ref) else v for k, v in step[2]}
        result = found(*args, **kwargs)
        return list(result) if isinstance(result, _VIEWS) else result
