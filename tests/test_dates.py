"""A date known only to its year or month keeps that precision on every page, in the feed and
in the search indexes: the day it is stored with (2019-01-01) is never shown as a fact."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import article_md, build_project, make_site, run_cli

from gazette.search import pagefind_pages
from gazette.urls import FACETS

BASE_URL = "https://example.org/gazette/"
ATOM = "{http://www.w3.org/2005/Atom}"
# slug -> (front matter date fields, the date as pages and indexes must give it)
ARTICLES = {
    "year": ({"date": "2019-01-01", "date_precision": "year"}, "2019"),  # as the importer writes it
    "short-year": ({"date": "2020"}, "2020"),
    "month": ({"date": "2020-03"}, "2020-03"),
    "day": ({"date": "2020-05-06"}, "2020-05-06"),
}
INVENTED = ("2019-01-01", "2020-01-01", "2020-03-01")  # the days the reduced dates are stored with
REDUCED_OR_FULL = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    files = {f"content/{slug}.md": article_md(title=f"文章{slug}", body=f"关于{slug}的正文。", **fields)
             for slug, (fields, _) in ARTICLES.items()}
    root = make_site(tmp_path_factory.mktemp("dates"), files)
    report, public = build_project(root, base_url=BASE_URL)
    assert report.ok, [str(e) for e in report.errors]
    return public


def test_no_page_shows_an_invented_day(site):
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert not any(day in text for day in INVENTED), html.relative_to(site)
        for time in soup(html).select("time[datetime]"):
            assert REDUCED_OR_FULL.fullmatch(time["datetime"]), (html, time)


def test_only_an_inferred_date_is_said_to_be_inferred(site):
    """The importer writes date_precision for a date it inferred; a curator's `date: 2020-03` is stated."""
    noted = {slug for slug in ARTICLES if soup(site / "articles" / f"{slug}.html").select_one(".date-note")}
    assert noted == {"year"}


@pytest.mark.parametrize("slug", sorted(ARTICLES))
def test_article_page_datetime_json_ld_and_meta(site, slug):
    expected = ARTICLES[slug][1]
    for page in (site / "articles" / f"{slug}.html", site / "articles" / "hant" / f"{slug}.html"):
        html = soup(page)
        assert html.select_one(".article .meta time")["datetime"] == expected
        assert html.find("meta", property="article:published_time")["content"] == expected
        assert json.loads(html.find("script", type="application/ld+json").string)["datePublished"] == expected


def test_lists_give_the_known_precision_newest_first(site):
    for page in (site / "index.html", site / "cities" / "shenyang.html"):
        items = soup(page).select(".items .item")
        listed = [(Path(i.select_one(".item-title")["href"]).stem, i.time["datetime"]) for i in items]
        # a period sorts before the days in it: 2020 is older than 2020-03, which is older than 2020-03-04
        assert listed == [("day", "2020-05-06"), ("month", "2020-03"), ("short-year", "2020"), ("year", "2019")]


def test_year_pages_and_timeline_count_year_only_articles(site):
    year_page = soup(site / "years" / "2019.html")
    assert year_page.select_one("#m0 h2").get_text() == "月份不详"
    assert [Path(a["href"]).stem for a in year_page.select("#m0 .item-title")] == ["year"]
    for page in (site / "index.html", site / "years.html"):
        titles = [r.title.get_text().rstrip("篇").split("：") for r in soup(page).select(".timeline rect")]
        counts = {label: int(count) for label, count in titles}
        assert counts["2019年（月份不详）"] == 1 and counts["2020年（月份不详）"] == 1
        assert counts["2020年3月"] == 1 and counts["2020年5月"] == 1
        assert sum(counts.values()) == len(ARTICLES)
        assert list(counts).index("2019年（月份不详）") == list(counts).index("2019年12月") + 1
        assert list(counts)[-1] == "2020年（月份不详）"  # after the year's last month
        link = soup(page).select_one('.timeline a[href$="years/2019.html#m0"]')
        assert link and link.rect["class"] == ["month-unknown"]


def test_search_facets_and_offline_index(site):
    dates, years = {}, {}
    for bundle in (site / "pagefind").glob("*/"):
        table = json.loads((bundle / FACETS).read_text(encoding="utf-8"))
        for page_id, slug in pagefind_pages(bundle).items():
            row = table["pages"][page_id]
            dates[slug] = row[table["fields"].index("date")]
            years[slug] = table["values"]["year"][row[table["fields"].index("year")]]
    assert dates == {slug: iso for slug, (_, iso) in ARTICLES.items()}
    assert years == {slug: iso[:4] for slug, (_, iso) in ARTICLES.items()}
    script = (site / "search-index.js").read_text(encoding="utf-8")
    index = json.loads(script.removeprefix("window.GazetteIndex=").rstrip(";\n"))
    docs = {d["slug"]: d for d in (dict(zip(index["fields"], row, strict=True)) for row in index["docs"])}
    table = index["facets"]
    assert {slug: row[table["fields"].index("date")] for slug, row in table["pages"].items()} == dates
    assert docs["year"]["date"] == "2019年" and docs["month"]["date"] == "2020年3月"


def test_feed_is_atom_with_full_timestamps(site):
    feed = ET.parse(site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = {Path(e.findtext(f"{ATOM}id")).stem: e for e in feed.iter(f"{ATOM}entry")}
    assert sorted(entries) == sorted(ARTICLES)
    stamps = {}
    for slug, entry in entries.items():
        assert entry.findtext(f"{ATOM}title") and entry.findtext(f"{ATOM}summary")
        stamp = entry.findtext(f"{ATOM}updated")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", stamp), stamp  # RFC 3339
        stamps[slug] = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    # a reduced date is entered at the start of its period; the summary says what is known
    assert stamps["year"] == dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    assert stamps["month"] == dt.datetime(2020, 3, 1, tzinfo=dt.UTC)
    assert "2019年）" in entries["year"].findtext(f"{ATOM}summary")
    assert "2020年3月）" in entries["month"].findtext(f"{ATOM}summary")
    assert feed.findtext(f"{ATOM}updated") == max(stamps.values()).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_feed_is_deterministic(site, tmp_path):
    again = make_site(tmp_path / "again", {p.relative_to(site.parent).as_posix(): p.read_text(encoding="utf-8")
                                           for p in (site.parent / "content").glob("*.md")})
    report, public = build_project(again, base_url=BASE_URL)
    assert report.ok and (public / "feed.xml").read_bytes() == (site / "feed.xml").read_bytes()


def test_reduced_dates_in_front_matter_are_checked(tmp_path):
    root = make_site(tmp_path / "site", {
        "content/good.md": article_md(date="2020-03"),
        "content/month13.md": article_md(date="2020-13"),
        "content/short.md": article_md(date="2020-3"),
        "content/finer.md": article_md(date="2020", date_precision="day"),
        "content/week.md": article_md(date="2020-03-04", date_precision="week"),
    })
    result = run_cli("check", cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "content/month13.md:4: invalid date '2020-13' (hint: write dates as YYYY-MM-DD" in result.stderr
    assert "content/short.md:4: invalid date '2020-3'" in result.stderr
    assert ("content/finer.md:6: `date_precision: day` is finer than `date: 2020` "
            "(hint: write the full date YYYY-MM-DD, or `date_precision: year`)") in result.stderr
    assert "content/week.md:6: `date_precision` must be day, month or year, not 'week'" in result.stderr
    assert "good.md" not in result.stderr
