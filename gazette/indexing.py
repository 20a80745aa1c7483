"""The Pagefind bundle: one index per year of the collection, made again only for the years that changed.

Pagefind cannot update an index, and it is the slowest stage (about 4 ms a record): with one
index for everything, correcting one article meant indexing all of them again. A year's index
depends only on that year's articles, so a change costs the years it touches. The search page
asks every year's index and puts the results together (layouts/static/search.js), with the
table of facets and dates the build writes beside each index (search.facet_table).

Indexes are made in the background while the pages are written, two at a time (both cores),
then all the rest at once, from search records written for them (search.search_record),
not from the published pages.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from importlib import metadata
from pathlib import Path

from .model import Article, Collection
from .output import SiteWriter
from .search import facet_table, finish_pagefind, pagefind_pages, start_pagefind, write_records

BUNDLE = "pagefind"  # in the site: BUNDLE/<year>/ each index, BUNDLE/SHARDS their names
SHARDS = "shards.json"
FACETS = "gazette-facets.json"  # in each index: its pages' facet values and dates (search.facet_table)
RECORDS = "gazette-search-records"  # the records of the indexes being made (see records_folder)
RAM = Path("/dev/shm")  # Linux's folder in memory, where the system has one
UNDATED = "undated"
AT_ONCE = 2  # Pagefind processes at a time while pages are written (then all: see hurry)


def records_folder(cache: Path) -> Path:
    """Where the records are written for Pagefind to read: in memory where the system allows
    it, else in the cache. They are thousands of small files, made and deleted in every build
    that indexes, and creating a file on disk can cost a millisecond (ext4 searches past the
    inodes deleted in the last minutes)."""
    folder = RAM if RAM.is_dir() and os.access(RAM, os.W_OK | os.X_OK) else cache
    return folder / RECORDS


def shard_of(article: Article) -> str:
    return str(article.year) if article.year else UNDATED


def shards(collection: Collection) -> dict[str, list[Article]]:
    """The articles of each index, newest year first, undated last."""
    groups: dict[str, list[Article]] = {}
    for article in collection.articles:
        groups.setdefault(shard_of(article), []).append(article)
    return dict(sorted(groups.items(), key=lambda item: (item[0] == UNDATED, -int(item[0]) if item[0] != UNDATED else 0)))


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
                 old_keys: dict):
        self.cache = cache / BUNDLE
        self.writer = writer
        self.groups = shards(collection)
        self.keys = {name: shard_key(articles, prepared) for name, articles in self.groups.items()}
        records = records_folder(cache)  # named as output.clean_stale expects, which removes a killed build's
        self.records = records.with_name(f".{records.name}.building-{os.getpid()}")
        self._processes: list = []
        self._lock = threading.Lock()
        self._cancelled = False
        self._slots = threading.Semaphore(AT_ONCE)
        self._threads: list[threading.Thread] = []
        self._errors: list[BaseException] = []
        self.made: list[str] = []  # the years indexed again
        writer.write(f"{BUNDLE}/{SHARDS}", json.dumps(list(self.groups), ensure_ascii=False))
        todo = []
        for name, key in self.keys.items():
            last = previous / BUNDLE / name
            if old_keys.get(name) == key and last.is_dir():
                writer.copy_tree(last, f"{BUNDLE}/{name}")
            elif (self.cache / name / key).is_dir():
                writer.copy_tree(self.cache / name / key, f"{BUNDLE}/{name}")
            else:
                todo.append(name)
        if todo:
            shutil.rmtree(self.records, ignore_errors=True)
            self.made = todo
            # the largest first, so that no long one runs alone at the end; each starts as soon
            # as its records are written and a slot is free
            try:
                for name in sorted(todo, key=lambda name: -len(self.groups[name])):
                    write_records(self.records / name, ((a.slug, prepared[a.slug].record) for a in self.groups[name]))
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
        with self._lock:
            if self._cancelled:
                return
            process = start_pagefind(self.records / name, self.writer.staging / BUNDLE / name)
            self._processes.append(process)
        finish_pagefind(process)
        bundle = self.writer.staging / BUNDLE / name
        by_slug = {a.slug: a for a in self.groups[name]}
        table = facet_table({page: by_slug[slug] for page, slug in pagefind_pages(bundle).items()})
        (bundle / FACETS).write_text(table, encoding="utf-8")
        cached = self.cache / name / self.keys[name]
        shutil.rmtree(cached.parent, ignore_errors=True)  # keep one index a year: the newest
        shutil.copytree(bundle, cached, copy_function=_link_or_copy)

    def finish(self) -> list[str]:
        """Wait for the indexes being made; the years they are."""
        self.hurry()
        try:
            for thread in self._threads:
                thread.join()
        finally:
            shutil.rmtree(self.records, ignore_errors=True)
        if self._errors:
            raise self._errors[0]
        for stale in self.cache.glob("*"):  # years no longer in the collection
            if stale.name not in self.keys:
                shutil.rmtree(stale, ignore_errors=True)
        return self.made

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
        shutil.rmtree(self.records, ignore_errors=True)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
