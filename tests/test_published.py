"""What a publishing build puts online, read as the outside world reads it: GitHub Pages' 404
handling, the Atom feed (feedparser), metadata (JSON-LD, descriptions, hreflang, sitemap),
only files a browser loads; and what a curator meets: drafts, the `new` template, the
`gazette` command, warnings counted alike by build and check, the table of all articles."""

from __future__ import annotations

import functools
import http.server
import json
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen
from xml.etree import ElementTree

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import REPO, article_md, build_project, copy_project, make_site, run_cli

from gazette.indexing import UNUSED

BASE = "https://user.github.io/repo/"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The real collection, built for publishing (with a base_url)."""
    root = copy_project(tmp_path_factory.mktemp("published"))
    report, public = build_project(root, base_url=BASE)
    assert report.ok, [str(e) for e in report.errors]
    return public


# --- GitHub Pages ------------------------------------------------------------------------------

class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """As GitHub Pages serves a project site: under /PREFIX/, a folder by its index.html, and
    every missing path, at any depth, answered with the site's 404.html and status 404."""

    prefix = "/repo-name/"

    def log_message(self, *args):
        pass

    def translate_path(self, path):
        path = urlsplit(path).path
        return super().translate_path("/" + path[len(self.prefix):] if path.startswith(self.prefix) else "/\0")

    def send_head(self):
        local = Path(self.translate_path(self.path))
        if local.is_dir():
            local = local / "index.html"
        if local.is_file():
            return super().send_head()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return __import__("io").BytesIO(body)


@pytest.fixture
def pages_server(tmp_path):
    """A GitHub Pages stand-in serving tmp_path/public; yields its base URL."""
    public = tmp_path / "public"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(PagesHandler, directory=str(public)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}{PagesHandler.prefix}"
    server.shutdown()


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except HTTPError as exc:
        return exc.code, exc.read()


def links(html: bytes) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    return [tag.get(attr) for tag, attr in
            [(t, "href") for t in page.find_all(["a", "link"], href=True)]
            + [(t, "src") for t in page.find_all("script", src=True)]
            + [(t, "action") for t in page.find_all("form", action=True)]
            if not tag.get(attr).startswith(("data:", "#"))]  # an icon inline, the skip link in the page


def test_404_two_folders_deep_on_github_pages_links_everywhere(tmp_path, pages_server, page):
    copy_project(tmp_path)
    report, _ = build_project(tmp_path, base_url=pages_server)
    assert report.ok, [str(e) for e in report.errors]
    missing = pages_server + "articles/hant/no-such-article.html"
    status, html = fetch(missing)
    assert status == 404 and "页面不存在".encode() in html
    targets = links(html)
    assert len(targets) >= 8 and any(t.endswith("static/style.css") for t in targets)
    for target in targets:
        url = urljoin(missing, target)
        assert url.startswith(pages_server), url
        assert fetch(url)[0] == 200, f"{target} -> {url}"
    # and in a browser: styled (the stylesheet came), and the header's links lead to pages
    response = page.goto(missing)
    assert response.status == 404
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") == "flex"
    page.click(".site-header nav a >> nth=0")
    assert page.url == pages_server + "cities.html" and page.locator("h1").inner_text() == "按城市浏览"


def test_404_without_base_url_works_at_the_top_and_says_how(tmp_path):
    root = make_site(tmp_path / "s", {"content/a.md": article_md()})
    _, public = build_project(root)
    html = (public / "404.html").read_text(encoding="utf-8")
    assert 'href="./static/style.css"' in html and "set base_url in site.yaml" in html


# --- Feed ------------------------------------------------------------------------------------

def test_feed_is_valid_atom_with_an_author_for_every_entry(site):
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.author == "基层党组织抗疫报道选集编辑组"
    assert feed.entries
    for entry in feed.entries:
        assert entry.get("author"), entry.title
        assert entry.summary and not entry.summary.startswith(entry.title), entry.title
        assert entry.updated_parsed
    assert feed.feed.updated == max(e.updated for e in feed.entries)


def test_feed_leaves_out_undated_articles_and_dates_a_year_by_its_start(tmp_path):
    root = make_site(tmp_path / "s", {
        "content/dated.md": article_md(title="有日期", date="2020-02-11", author="张三", body="第一句。第二句。"),
        "content/year.md": article_md(title="只知年份", date="2021", body="正文一句。"),
        "content/undated.md": article_md(title="日期不详", date="null", body="正文。其他。"),
        "site.yaml": "title: 测试\n",
    })
    report, public = build_project(root, base_url=BASE)
    assert report.ok, [str(e) for e in report.errors]
    feed = feedparser.parse((public / "feed.xml").read_bytes())
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["只知年份", "有日期"]
    assert [e.updated for e in feed.entries] == ["2021-01-01T00:00:00Z", "2020-02-11T00:00:00Z"]
    assert feed.entries[1].author == "张三" and feed.entries[0].author == "测试"  # the byline, else the feed's
    assert feed.feed.author == "测试"  # no `author` in site.yaml: the site's title
    assert feed.entries[1].summary.startswith("第一句。第二句。")


# --- Metadata --------------------------------------------------------------------------------

def test_linked_data_holds_no_placeholder_or_null(site):
    articles = sorted(site.glob("articles/**/*.html"))
    assert articles
    for path in articles:
        data = json.loads(soup(path).find("script", type="application/ld+json").string)
        text = json.dumps(data, ensure_ascii=False)
        assert "未注明" not in text and "null" not in text, path
        assert data["@type"] == "NewsArticle" and data["url"].startswith(BASE)


def test_descriptions_are_first_sentences_and_hreflang_is_absolute(site):
    for path in sorted(site.glob("articles/*.html")):
        page = soup(path)
        title = page.find("h1").get_text()
        description = page.find("meta", attrs={"name": "description"})["content"]
        assert description == page.find("meta", property="og:description")["content"]
        assert description != title and len(description) >= 20, path
        body = page.select_one(".body").get_text()
        assert "".join(body.split()).startswith("".join(description.rstrip("…").split())), path
        alternates = page.find_all("link", rel="alternate", hreflang=True)
        assert {a["hreflang"] for a in alternates} == {"zh-Hans", "zh-Hant"}
        assert all(a["href"].startswith(BASE) for a in alternates)


def test_sitemap_and_canonical_links_agree(site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    sitemap = ElementTree.parse(site / "sitemap.xml").getroot()
    locs = {u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns)
            for u in sitemap.findall("s:url", ns)}
    canonical = {}
    for path in site.rglob("*.html"):
        link = soup(path).find("link", rel="canonical")
        if path.name == "404.html" or path.parent.name == "seeds":  # the raw texts: noindex
            assert link is None
            continue
        canonical[link["href"]] = path
    assert set(locs) == set(canonical)
    assert BASE in locs and BASE + "index.html" not in locs
    dated = {u: m for u, m in locs.items() if m}
    assert dated and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", m) for m in dated.values())
    for url, lastmod in dated.items():
        assert soup(canonical[url]).find("time")["datetime"] == lastmod


# --- Only what a browser loads ----------------------------------------------------------------

# what pagefind.js fetches (search.js loads pagefind.js; gazette-facets.json is ours)
BUNDLE_FILE = re.compile(r"pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|gazette-facets\.json"
                         r"|[\w.-]+\.pf_meta|wasm\.[\w-]+\.pagefind")


def test_only_what_a_browser_loads_is_published(site, tmp_path):
    assert not (site / ".gazette-build.json").exists()
    years = [p for p in (site / "pagefind").iterdir() if p.is_dir()]
    assert years
    for year in years:
        top = [p.name for p in year.iterdir() if p.is_file()]
        assert all(BUNDLE_FILE.fullmatch(name) for name in top), top
        assert not UNUSED & set(top)
    # an index reused from the cache by the next build into another folder: the same files
    report, again = build_project(site.parent, base_url=BASE, out=tmp_path / "again")
    assert report.ok
    assert sorted(p.relative_to(again) for p in (again / "pagefind").rglob("*")) == \
        sorted(p.relative_to(site) for p in (site / "pagefind").rglob("*"))


# --- Drafts and the `new` template ------------------------------------------------------------

def test_a_draft_is_previewed_with_a_banner_and_never_published(tmp_path):
    root = make_site(tmp_path / "s", {
        "content/done.md": article_md(title="已完成", body="完成的正文。"),
        "content/wip.md": article_md(title="尚未完成", body="草稿的正文。", draft="true"),
    })
    report, public = build_project(root, base_url=BASE)
    assert report.ok, [str(e) for e in report.errors]
    assert not (public / "articles" / "wip.html").exists()
    everything = "".join(p.read_text(encoding="utf-8", errors="replace") for p in public.rglob("*") if p.is_file())
    assert "尚未完成" not in everything and "草稿的正文" not in everything
    assert any("1 drafts left out" in line for line in report.info)
    report, preview = build_project(root, out=tmp_path / "preview", drafts=True)
    assert report.ok
    banner = soup(preview / "articles" / "wip.html").select_one(".draft-banner")
    assert banner and "不会发布" in banner.get_text()
    assert not soup(preview / "articles" / "done.html").select_one(".draft-banner")


def test_the_new_template_is_refused_until_filled_in(tmp_path):
    root = make_site(tmp_path / "s", {"content/a.md": article_md()})
    made = run_cli("new", "my-article", cwd=root)
    assert made.returncode == 0, made.stderr
    checked = run_cli("check", cwd=root)
    assert checked.returncode == 1
    assert "content/my-article.md:2: `title` is still the template's placeholder '标题'" in checked.stderr
    assert "`source` is still the template's placeholder '来源'" in checked.stderr
    assert "the text is still the template's placeholder '正文。'" in checked.stderr
    assert run_cli(cwd=root).returncode == 1  # nor does a build publish it
    path = root / "content" / "my-article.md"
    path.write_text(path.read_text(encoding="utf-8").replace("标题", "新文章").replace("来源", "辽宁日报")
                    .replace("正文。", "这是正文。"), encoding="utf-8")
    assert run_cli("check", cwd=root).returncode == 0
    built = run_cli(cwd=root)
    assert built.returncode == 0 and not (root / "public" / "articles" / "my-article.html").exists()  # a draft
    path.write_text(path.read_text(encoding="utf-8").replace("draft: true", ""), encoding="utf-8")
    assert run_cli(cwd=root).returncode == 0 and (root / "public" / "articles" / "my-article.html").exists()


# --- The command line -------------------------------------------------------------------------

def test_build_and_check_count_the_same_warnings_and_notes(tmp_path):
    root = make_site(tmp_path / "s", {
        "content/a.md": article_md(review="\n  - 'date: inferred'\n  - 'garbled text'", colour="red"),
        "content/b.md": article_md(title="另一篇", date="null"),
    })
    built, checked = run_cli(cwd=root), run_cli("check", cwd=root)
    again = run_cli(cwd=root)  # nothing changed: the same said again
    for result in (built, checked, again):
        assert result.returncode == 0, result.stderr
        assert "2 warnings, 2 review notes" in result.stdout, result.stdout
        assert result.stderr.count("warning: ") == 2, result.stderr
    assert "note: content/a.md: review: date: inferred" in checked.stdout
    assert "note:" not in built.stdout  # a build counts them; check lists them


def test_gazette_command_and_build_py_outside_the_venv(tmp_path):
    root = make_site(tmp_path / "s", {"content/a.md": article_md()})
    gazette = Path(sys.executable).parent / "gazette"
    if not gazette.is_file():
        pytest.fail("the `gazette` command is not installed: run `make` (pip install -e .)")
    result = subprocess.run([str(gazette), "check"], cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "checked 1 articles" in result.stdout, result.stderr
    # `python build.py` with a Python that has none of the requirements runs in .venv all the same
    base = Path(sys.base_prefix) / "bin" / "python3"
    result = subprocess.run([str(base), str(REPO / "build.py"), "check"], cwd=root, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0 and "checked 1 articles" in result.stdout, result.stderr


def test_make_serve_takes_a_port():
    dry = subprocess.run(["make", "-n", "serve", "PORT=9123"], cwd=REPO, capture_output=True, text=True)
    assert "build.py serve --port 9123" in dry.stdout


# --- All articles -----------------------------------------------------------------------------

def test_all_articles_sorted_by_date_city_and_source_without_script(tmp_path):
    root = make_site(tmp_path / "s", {
        "content/a.md": article_md(title="甲", city="沈阳", source="新华网", date="2020-02-01"),
        "content/b.md": article_md(title="乙", city="鞍山", source="辽宁日报", date="2020-03-01"),
        "content/c.md": article_md(title="丙", city="本溪", source="本溪日报", date="2020-01-01"),
        "site.yaml": "title: 测试\nhome_count: 1\n",
    })
    report, public = build_project(root)
    assert report.ok, [str(e) for e in report.errors]
    home = soup(public / "index.html")
    more = next(a for a in home.find_all("a") if "查看全部" in a.get_text())
    assert more["href"] == "articles.html" and "3" in more.get_text()

    def titles(name: str) -> list[str]:
        return [row.find_all("td")[1].get_text() for row in soup(public / name).select("tbody tr")]

    assert titles("articles.html") == ["乙", "甲", "丙"]  # newest first
    assert titles("articles-by-city.html") == ["乙", "丙", "甲"]  # 鞍山 (an), 本溪 (ben), 沈阳 (shen)
    assert titles("articles-by-source.html") == ["丙", "乙", "甲"]  # ben, liao, xin
    page = soup(public / "articles-by-city.html")
    assert page.find("th", attrs={"aria-sort": "ascending"}).get_text().startswith("城市")
    assert {a["href"] for a in page.select("thead a")} == {"articles.html", "articles-by-source.html"}
    assert not page.find("script", src=re.compile("sort"))
