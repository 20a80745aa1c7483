"""The Pagefind bundle: one index per year of the collection, made again only for the years that changed.

Pagefind cannot update an index, and it is the slowest stage (about 4 ms a record): with one
index for everything, correcting one article meant indexing all of them again. A year's index
depends only on that year's articles, so a change costs the years it touches. The search page
asks every year's index and puts the results together (layouts/static/search.js), with the
table of facets and dates the build writes beside each index (search.facet_table).

Indexes are made in the background while the pages are written, two at a time (both cores),
then all the rest at once, from search records written for them (search.search_record),
not from the published pages.

Pagefind writes an index into the cache, never into the site: into a private folder beside
its place, where a completion mark is written last and the folder is renamed into place (an
entry without the mark, a killed build's or an older version's, is never used). The site gets
every index, made or reused, through the writer (SiteWriter.add_folder), with the checks of
any page.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import stat
import tempfile
import threading
from importlib import metadata
from pathlib import Path

from .model import Article, Collection
from .output import SiteWriter, alive, write_file
from .search import compact_json, facet_table, finish_pagefind, pagefind_pages, start_pagefind, write_records
from .slugs import UNDATED_SLUG
from .urls import FACETS, SHARDS, shard_path, year_slug

CACHED = "pagefind"  # in the cache: CACHED/<year>/<key>/ the index of a year's articles
RECORDS = "gazette-records"  # the records of the indexes being made: RECORDS-<pid>-<random> (records_folders)
RAM = Path("/dev/shm")  # Linux's folder in memory, where the system has one
AT_ONCE = 2  # Pagefind processes at a time while pages are written (then all: see hurry)
COMPLETE = ".gazette-complete"  # written last into a cached index: without it the entry is not used
TEMPORARY = ".tmp-"  # an index being made in the cache
# Pagefind writes its ready-made interfaces beside each index, and has no option not to; our
# search page loads pagefind.js and what it fetches, never these: they are deleted, not published
UNUSED = frozenset({"pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js"})


def make_records_folder(cache: Path, size: int) -> Path:
    """A private folder (tempfile: a name nobody can guess, mode 0700) for the records Pagefind
    reads: in memory where the system has room for them, else in the cache. They are thousands
    of small files, made and deleted in every build that indexes, and creating a file on disk
    can cost a millisecond (ext4 searches past the inodes deleted in the last minutes)."""
    prefix = f"{RECORDS}-{os.getpid()}-"
    try:
        room = os.statvfs(RAM)
        if room.f_bavail * room.f_frsize > 2 * size:
            return Path(tempfile.mkdtemp(prefix=prefix, dir=RAM))
    except OSError:  # no such folder, not writable, full
        pass
    return Path(tempfile.mkdtemp(prefix=prefix, dir=cache))


def records_folders(cache: Path, pid: int | str = "*") -> list[Path]:
    """The records folders of a build (by its process id), in memory and in the cache."""
    return [path for parent in (RAM, cache) for path in parent.glob(f"{RECORDS}-{pid}-*")]


def remove_leftovers(cache: Path) -> None:
    """What builds that were killed left: indexes half copied into the cache (the caller holds
    the lock), and records folders, only real folders of this user whose build is gone (a name
    alone proves nothing in a shared place like /dev/shm)."""
    for pattern in (f"{TEMPORARY}*", f"*/{TEMPORARY}*"):
        for path in (cache / CACHED).glob(pattern):
            _remove(path)
    for path in records_folders(cache):
        try:
            info = path.lstat()
        except OSError:
            continue
        pid = path.name[len(RECORDS) + 1:].split("-", 1)[0]
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not alive(pid):
            shutil.rmtree(path, ignore_errors=True)


def _records_size(records: list[str]) -> int:
    return sum(4096 * (1 + len(record) * 3 // 4096) for record in records)  # whole blocks, UTF-8 at most 3 bytes


def shard_of(article: Article) -> str:
    return year_slug(article.year)


def shards(collection: Collection) -> dict[str, list[Article]]:
    """The articles of each index, newest year first, undated last."""
    groups: dict[str, list[Article]] = {}
    for article in collection.articles:
        groups.setdefault(shard_of(article), []).append(article)
    return dict(sorted(groups.items(), key=lambda item: _newest_first(item[0])))


def _newest_first(shard: str) -> tuple[bool, int]:
    return (True, 0) if shard == UNDATED_SLUG else (False, -int(shard))


def shard_key(articles: list[Article], prepared: dict) -> str:
    """What an index is made from: its records (a function of their articles' keys) and Pagefind."""
    digest = hashlib.sha256(metadata.version("pagefind-bin-extended").encode())
    for article in articles:
        digest.update(prepared[article.slug].key.encode())
    return digest.hexdigest()


class Indexing:
    """The search bundle of one build: each year's index reused (last build, cache) or being made.

    Pagefind's filter files differ from run to run even on the same input (Pagefind/pagefind#638):
    the cache, keyed by what an index is made from, makes the same input give the same bundle.
    """

    def __init__(self, cache: Path, previous: Path, writer: SiteWriter, collection: Collection, prepared: dict,
                 old_keys: dict, force: bool = False):
        self.cache = cache / CACHED
        self.writer = writer
        self.groups = shards(collection)
        self.keys = {name: shard_key(articles, prepared) for name, articles in self.groups.items()}
        self.records: Path | None = None
        self._processes: list = []
        self._lock = threading.Lock()
        self._cancelled = False
        self._slots = threading.Semaphore(AT_ONCE)
        self._threads: list[threading.Thread] = []
        self._errors: list[BaseException] = []
        self.made: list[str] = []  # the years indexed again
        writer.write(SHARDS, json.dumps(list(self.groups), ensure_ascii=False))
        todo = []
        for name, key in self.keys.items():
            last = previous / shard_path(name)
            if force:
                todo.append(name)
            elif old_keys.get(name) == key and last.is_dir():
                writer.add_folder(last, shard_path(name), leave_out=UNUSED)  # UNUSED: an older build's
            elif self._cached(name):
                self._publish(name)
            else:
                todo.append(name)
        if todo:
            self.made = todo
            # the largest first, so that no long one runs alone at the end; each starts as soon
            # as its records are written and a slot is free
            try:
                self.records = make_records_folder(cache, _records_size(
                    [prepared[a.slug].record for name in todo for a in self.groups[name]]))
                for name in sorted(todo, key=lambda name: -len(self.groups[name])):
                    write_records(self.records / name, ((a, prepared[a.slug].record) for a in self.groups[name]))
                    thread = threading.Thread(target=self._run, args=(name,), name=f"pagefind-{name}")
                    thread.start()
                    self._threads.append(thread)
            except BaseException:  # the caller has no Indexing to cancel yet
                self.cancel()
                raise

    def hurry(self) -> None:
        """The pages are written: the cores are Pagefind's, every index waiting may start."""
        for _ in self.made:
            self._slots.release()

    def _run(self, name: str) -> None:
        with self._slots:
            try:
                self._index(name)
            except BaseException as exc:  # raised by finish()
                self._errors.append(exc)

    def _index(self, name: str) -> None:
        """Make a year's index in a private folder of the cache, then keep it there whole."""
        year = self.cache / name
        with self._lock:
            if self._cancelled:
                return
            year.mkdir(parents=True, exist_ok=True)
            bundle = Path(tempfile.mkdtemp(prefix=TEMPORARY, dir=year))
            process = start_pagefind(self.records / name, bundle)
            self._processes.append(process)
        try:
            finish_pagefind(process)
            for unused in UNUSED:
                (bundle / unused).unlink(missing_ok=True)
            by_slug = {a.slug: a for a in self.groups[name]}
            table = facet_table({page: by_slug[slug] for page, slug in pagefind_pages(bundle).items()})
            write_file(bundle / FACETS, compact_json(table).encode("utf-8"))
            write_file(bundle / COMPLETE, self.keys[name].encode())  # last
            for old in year.iterdir():  # one index a year: the newest
                if old != bundle:
                    _remove(old)
            os.rename(bundle, year / self.keys[name])
        except BaseException:
            shutil.rmtree(bundle, ignore_errors=True)
            raise

    def _cached(self, name: str) -> bool:
        """Whether the cache holds this year's index whole (its completion mark names its key)."""
        try:
            return (self.cache / name / self.keys[name] / COMPLETE).read_text(encoding="utf-8") == self.keys[name]
        except OSError:
            return False

    def _publish(self, name: str) -> None:
        """A year's index, whole in the cache, into the site."""
        self.writer.add_folder(self.cache / name / self.keys[name], shard_path(name),
                               leave_out=UNUSED | {COMPLETE})

    def finish(self) -> list[str]:
        """Wait for the indexes being made and put them into the site; the years they are."""
        self.hurry()
        try:
            for thread in self._threads:
                thread.join()
        finally:
            self._remove_records()
        if self._errors:
            raise self._errors[0]
        for name in self.made:
            self._publish(name)
        for stale in self.cache.glob("*"):  # years no longer in the collection
            if stale.name not in self.keys:
                _remove(stale)
        for name in self.keys:  # entries cut short (a killed build's, an older version's)
            for entry in (self.cache / name).glob("*"):
                if entry.name.startswith(TEMPORARY) or entry.name != self.keys[name] or not self._cached(name):
                    _remove(entry)
        return self.made

    def _remove_records(self) -> None:
        if self.records is not None:
            shutil.rmtree(self.records, ignore_errors=True)

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            for process in self._processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        self.hurry()  # the waiting ones see the cancel and stop
        for thread in self._threads:
            thread.join()
        self._remove_records()


def _remove(path: Path) -> None:
    """A folder is renamed out of the way first: a removal cut short never leaves an entry that
    still carries its completion mark with files gone."""
    if path.is_dir() and not path.is_symlink():
        gone = path.with_name(f"{TEMPORARY}gone-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            os.rename(path, gone)
        except OSError:
            gone = path
        shutil.rmtree(gone, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
