"""The built site, parsed: every article is there with its fields, every link resolves."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from bs4 import BeautifulSoup
from conftest import REPO, article_md, build_project, make_site

from gazette.indexing import records_folders

ARTICLE_BUDGET = 60 * 1024


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def content_meta(public: Path) -> dict[str, dict]:
    """Front matter of the content files the build wrote, by slug."""
    out = {}
    for path in (public.parent / "content").glob("*.md"):
        head = path.read_text(encoding="utf-8").split("---")[1]
        out[path.stem] = yaml.safe_load(head)
    return out


def known_date(meta: dict) -> str:
    """The date as far as it is known: 2022, 2022-04 or 2022-04-05 (never a stored 01-01)."""
    date = meta.get("date")
    return str(date)[:{"year": 4, "month": 7}.get(meta.get("date_precision"), 10)] if date else ""


def test_every_seed_becomes_articles_on_the_site(built_site):
    metas = content_meta(built_site)
    assert len(metas) == 16
    seeds = {m["seed"] for m in metas.values()}
    assert seeds == {p.name for p in (REPO / "seeds").glob("*.txt")}
    for slug, meta in metas.items():
        page = soup(built_site / "articles" / f"{slug}.html")
        assert page.h1.get_text(strip=True) == meta["title"]
        meta_line = page.select_one(".article .meta").get_text(" ", strip=True)
        assert meta["source"] in meta_line
        if meta.get("city"):
            assert meta["city"] in meta_line
        for name in filter(None, (meta.get("author") or "").split("、")):
            assert page.select_one(".article .meta a.author[href$='.html']", string=name), name
        assert page.find("time")["datetime"] == known_date(meta)
        assert page.select_one(f'a[href="../seeds/{meta["seed"]}.html"]')


def test_home_lists_articles_newest_first(built_site):
    page = soup(built_site / "index.html")
    dates = [t["datetime"] for t in page.select(".items time[datetime]")]
    assert dates and dates == sorted(dates, reverse=True)
    stats = page.select_one(".stats").get_text()
    assert "16" in stats


def test_every_relative_link_resolves_to_a_file(built_site):
    checked = 0
    for html in built_site.rglob("*.html"):
        for tag in soup(html).find_all(["a", "link", "script"]):
            url = tag.get("href") or tag.get("src")
            if not url or url.startswith(("data:", "#", "mailto:")):
                continue
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc, f"{html}: external link {url}"
            assert not parts.path.endswith("/"), f"{html}: folder link {url} breaks on file://"
            target = (html.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{html.relative_to(built_site)} links to missing {url}"
            checked += 1
    assert checked > 500


def test_city_pages_list_exactly_their_articles(built_site):
    metas = content_meta(built_site)
    cities = soup(built_site / "cities.html")
    total = 0
    for link in cities.select(".groups a"):
        page = soup(built_site / link["href"])
        listed = {Path(a["href"]).stem for a in page.select(".items .item-title")}
        city = link.get_text(strip=True)
        expected = {s for s, m in metas.items() if m.get("city") == city}
        assert listed == expected, city
        total += len(listed)
    assert total == sum(1 for m in metas.values() if m.get("city"))


def test_prev_next_chain_covers_every_article_once(built_site):
    pages = {p.stem: soup(p) for p in (built_site / "articles").glob("*.html")}
    first = [s for s, p in pages.items() if not p.select_one("a[rel=prev]")]
    assert len(first) == 1
    seen, current = [], first[0]
    while current:
        seen.append(current)
        nxt = pages[current].select_one("a[rel=next]")
        current = Path(nxt["href"]).stem if nxt else None
    assert sorted(seen) == sorted(pages) and len(seen) == len(set(seen))


def test_both_scripts_readable_without_javascript(built_site):
    hant = next((built_site / "articles" / "hans").glob("*shou-yan-shou-lao*.html"))
    page = soup(hant)
    assert page.html["lang"] == "zh-Hans"
    assert "守严守牢疫情防控的关键防线" in page.h1.get_text()
    original = soup(next((built_site / "articles").glob("*shou-yan-shou-lao*.html")))
    assert original.html["lang"] == "zh-Hant" and "關鍵" in original.h1.get_text()
    twin = soup(next((built_site / "articles" / "hant").glob("2022-04-05-*.html")))
    assert twin.html["lang"] == "zh-Hant" and "黨建" in twin.h1.get_text()


def test_article_pages_stay_within_budget(built_site):
    css = (built_site / "static" / "style.css").stat().st_size
    for page in (built_site / "articles").glob("*.html"):
        assert page.stat().st_size + css < ARTICLE_BUDGET, page.name


def pagefind_records(public: Path) -> list[dict]:
    """What Pagefind stored for each page it indexed (its fragments: gzip, a signature, JSON),
    with the page's row of the facet table the build wrote beside them."""
    records = []
    for year in (public / "pagefind").glob("*/"):
        table = json.loads((year / "gazette-facets.json").read_text(encoding="utf-8"))
        for path in (year / "fragment").glob("*.pf_fragment"):
            raw = gzip.decompress(path.read_bytes())
            row = table["pages"].pop(path.stem)
            facets = {name: table["values"][name][row[i]] if name != "date" else row[i]
                      for i, name in enumerate(table["fields"])}
            records.append({**json.loads(raw[raw.index(b"{"):]), "year_index": year.name, "facets": facets})
        assert table["pages"] == {}  # no row without a page
    return records


def test_search_index_holds_one_record_per_article(built_site):
    articles = content_meta(built_site)
    records = pagefind_records(built_site)
    assert sorted(r["meta"]["slug"] for r in records) == sorted(articles)
    for record in records:
        article = articles[record["meta"]["slug"]]
        assert record["meta"]["title"] == article["title"]  # as written, Traditional stays Traditional
        assert record["facets"]["city"] == (article.get("city") or "未标注")
        assert record["facets"]["date"] == known_date(article)
        assert record["year_index"] == str(article["date"])[:4]
        # every Han character is a word of its own (search.js asks for phrases of characters)
        assert "党员" not in record["content"]
    assert sum("党 员" in r["content"] for r in records) >= len(records) // 2
    # the index is made from records of its own: published pages carry no Pagefind markup,
    # and the records are gone once the build is done
    for html in built_site.rglob("*.html"):
        assert "data-pagefind" not in html.read_text(encoding="utf-8"), html
    assert not records_folders(built_site.parent / ".cache", os.getpid())  # built in this process


def test_absolute_urls_only_with_base_url(tmp_path):
    root = make_site(tmp_path / "s", {"content/a.md": article_md(title="一篇", body="内容")})
    report, public = build_project(root, base_url="https://user.github.io/repo/")
    assert report.ok, report.errors
    page = soup(public / "articles" / "a.html")
    assert page.select_one("link[rel=canonical]")["href"] == "https://user.github.io/repo/articles/a.html"
    assert "https://user.github.io/repo/articles/a.html" in (public / "sitemap.xml").read_text()
    assert "<id>https://user.github.io/repo/articles/a.html</id>" in (public / "feed.xml").read_text()
    for a in page.find_all("a"):
        assert not a["href"].startswith("http"), a
    assert page.find("script", type="application/ld+json")
    report, plain = build_project(root, out=tmp_path / "plain")
    assert (not (plain / "sitemap.xml").exists()
            and not soup(plain / "articles" / "a.html").select_one("link[rel=canonical]"))
