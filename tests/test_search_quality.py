"""Search quality, measured: recall in the top 5 over a set of real queries, in the browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

QUERIES = yaml.safe_load((Path(__file__).parent / "data" / "queries.yaml").read_text(encoding="utf-8"))
MIN_RECALL = 0.95


def open_search(page, base: str) -> None:
    page.goto(f"{base}search.html")
    expect(page.locator("#status")).to_have_text("输入关键词开始搜索。")


def ask(page, query: str) -> str:
    """Search for `query` in the page already open, as its form does; returns the status line.
    One loaded page answers every query: the engine starts once, as it does for a reader."""
    page.evaluate("q => { document.getElementById('q').value = q;"
                  " document.getElementById('search-form').requestSubmit(); }", query)
    status = page.locator("#status")
    expect(status).to_have_text(re.compile("找到"))  # results, or none (the form set 正在搜索… first)
    return status.inner_text()


def top5(page, query: str) -> list[str]:
    assert ask(page, query).startswith("找到"), query
    hrefs = [a.get_attribute("href") for a in page.locator("#results a.hit").all()[:5]]
    return [re.sub(r"^articles/|\.html.*$", "", h) for h in hrefs]


def recall(page, base: str) -> tuple[float, list[str]]:
    found = expected = 0
    misses = []
    open_search(page, base)
    for query, slugs in QUERIES.items():
        got = top5(page, query)
        expected += len(slugs)
        for slug in slugs:
            if slug in got:
                found += 1
            else:
                misses.append(f"{query} -> {slug} (got {got})")
    return found / expected, misses


def test_query_set_is_big_enough():
    assert len(QUERIES) >= 30
    assert any(re.search(r"[區黨漢瀋陽]", q) for q in QUERIES)  # Traditional queries too


@pytest.mark.parametrize("engine", ["pagefind", "offline"])
def test_recall_in_top5(page, built_site, serve_dir, engine):
    base = serve_dir(built_site) if engine == "pagefind" else built_site.as_uri() + "/"
    value, misses = recall(page, base)
    print(f"\n{engine}: recall@5 = {value:.1%} over {len(QUERIES)} queries; misses: {misses}")
    assert value >= MIN_RECALL, misses


# Phrases across jieba's word boundaries (党建 in 党建引领, 员冲 in 党员冲在前), numbers beside
# Han characters, Traditional and multi-keyword queries, characters that never stand together
AGREEMENT = ["党建", "员冲", "两邻", "2020年", "2月", "瀋陽 黨員", "社区 网格员", "疫情防控", "党员", "建党",
             "的", "冲在", "口罩 本溪", "建员党"]


def hits(page, query: str) -> tuple[str, set[str]]:
    return ask(page, query), {a.get_attribute("href").split("?")[0] for a in page.locator("#results a.hit").all()}


def test_pagefind_finds_exactly_what_the_text_contains(browser, built_site, serve_dir):
    """The offline index is a plain substring scan: Pagefind must find the same articles."""
    online, offline = browser.new_page(), browser.new_page()
    open_search(online, serve_dir(built_site))
    open_search(offline, built_site.as_uri() + "/")
    found_any = 0
    for query in AGREEMENT:
        expected = hits(offline, query)
        assert hits(online, query) == expected, query
        found_any += bool(expected[1])
    assert found_any >= len(AGREEMENT) - 2  # the set is not all misses
