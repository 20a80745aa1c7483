"""What a reader sees and clicks, in headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from conftest import article_md, make_site, run_cli
from playwright.sync_api import expect


def hits(page) -> list[str]:
    expect(page.locator("#status")).to_have_text(re.compile("找到"))
    return page.locator("#results a.hit").all_inner_texts()


def search(page, base: str, query: str, extra: str = "") -> list[str]:
    page.goto(f"{base}search.html?q={quote(query)}{extra}")
    return hits(page)


def test_search_over_http_finds_party_members(page, built_site, serve_dir):
    base = serve_dir(built_site)
    found = search(page, base, "党员")
    assert len(found) >= 10
    # excerpts read as the article does: the keyword marked whole, none of the records' spaces
    marks = page.locator("#results .excerpt mark").all_inner_texts()
    assert marks and set(marks) == {"党员"}
    excerpts = page.locator("#results .excerpt").all_inner_texts()
    assert not any(re.search(r"[\u4e00-\u9fff，。] [\u4e00-\u9fff，。]", e) for e in excerpts), excerpts
    assert page.errors == []


@pytest.mark.parametrize("prefix", ["/repo/"])
def test_search_under_a_sub_path_in_both_scripts(page, built_site, serve_dir, prefix):
    base = serve_dir(built_site, prefix)
    simplified = search(page, base, "社区")
    assert "守嚴守牢疫情防控的關鍵防線" in simplified  # written 社區, and titled as written
    traditional = search(page, base, "鐵嶺")
    assert any("城乡安全防线" in t for t in traditional)  # a Simplified article
    page.locator("#results a.hit").first.click()
    page.wait_for_load_state()
    assert "/repo/articles/" in page.url
    assert page.locator(".article mark").count() > 0
    assert page.errors == []


@pytest.mark.parametrize("engine", ["pagefind", "offline"])
def test_filters_change_the_hits(page, built_site, serve_dir, engine):
    base = serve_dir(built_site) if engine == "pagefind" else built_site.as_uri() + "/"
    everything = search(page, base, "党员")
    page.select_option("select[data-filter=city]", "沈阳")
    page.wait_for_url(re.compile("city="))
    expect(page.locator("#status")).to_have_text(re.compile("找到"))
    shenyang = hits(page)
    assert 0 < len(shenyang) < len(everything)
    assert all("沈阳" in m for m in page.locator("#results .meta").all_inner_texts())
    # each filter counts among the results of the others: the other cities stay offered
    options = page.locator("select[data-filter=city] option").all_inner_texts()
    assert options[0] == "全部" and f"沈阳（{len(shenyang)}）" in options
    tieling = next(o for o in options if o.startswith("铁岭"))
    page.select_option("select[data-filter=city]", "铁岭")
    expect(page.locator("#status")).to_have_text(re.compile(f"找到 {tieling[3:-1]} 篇"))
    assert all("铁岭" in m for m in page.locator("#results .meta").all_inner_texts())


def test_offline_search_from_disk(page, built_site):
    base = built_site.as_uri() + "/"
    found = search(page, base, "社區")
    assert any("两邻" in t for t in found) and any("守嚴守牢" in t for t in found)
    page.select_option("select[data-filter=source]", "新华网")
    page.wait_for_url(re.compile("source="))
    expect(page.locator("#status")).to_have_text(re.compile("找到 1 篇"))
    assert hits(page) == ["守嚴守牢疫情防控的關鍵防線"]
    page.locator("#results a.hit").first.click()
    page.wait_for_load_state()
    assert page.url.startswith("file://") and "/articles/" in page.url
    assert page.locator("h1").inner_text() == "守嚴守牢疫情防控的關鍵防線"
    assert page.errors == []


def test_search_url_follows_typing_and_no_result_state(page, built_site, serve_dir):
    base = serve_dir(built_site)
    page.goto(f"{base}search.html")
    page.fill("#q", "铁岭")
    page.wait_for_url(re.compile("q=%E9%93%81%E5%B2%AD|q=铁岭"))
    assert len(hits(page)) >= 1
    page.fill("#q", "zzqxjw")
    expect(page.locator("#status")).to_have_text("没有找到与“zzqxjw”相关的文章。请换个关键词，或减少筛选条件。")
    expect(page.locator("#results a")).to_have_count(0)
    page.fill("#q", "")
    expect(page.locator("#status")).to_have_text("输入关键词开始搜索。")  # the page's words again


def test_click_path_home_city_article_next_source(page, built_site):
    page.goto(built_site.as_uri() + "/index.html")
    page.click("text=按城市")
    page.click(".groups a >> text=本溪")
    page.click(".items .item-title")
    assert page.locator("h1").inner_text() == "把初心和使命写在抗疫一线"
    page.click("a[rel=next]")
    title = page.locator("h1").inner_text()
    assert title != "把初心和使命写在抗疫一线"
    page.click(".article .meta a[href*='sources/']")
    assert page.url.endswith(".html") and "/sources/" in page.url
    assert title in page.locator(".items").inner_text()
    assert page.errors == []


def test_header_search_box_leads_to_results(page, built_site):
    page.goto(built_site.as_uri() + "/articles/" + next((built_site / "articles").glob("2022-04-05-*[!t].html")).name)
    page.fill("#site-q", "本溪")
    page.press("#site-q", "Enter")
    assert len(hits(page)) >= 1


@pytest.mark.parametrize("engine", ["pagefind", "offline"])
def test_sort_by_date(page, built_site, serve_dir, engine):
    base = serve_dir(built_site) if engine == "pagefind" else built_site.as_uri() + "/"
    search(page, base, "党员", "&sort=date")
    assert page.locator("#sort").input_value() == "date"
    metas = page.locator("#results .meta").all_inner_texts()
    dates = [tuple(int(n) for n in re.search(r"(\d{4})年(?:(\d+)月)?(?:(\d+)日)?", m).groups(default="0"))
             for m in metas]
    assert len(dates) >= 10 and dates == sorted(dates, reverse=True)


def test_a_change_makes_only_its_years_index_again(tmp_path, page, serve_dir):
    root = make_site(tmp_path / "s", {
        "content/a.md": article_md(title="二〇年的文章", date="2020-03-01", body="社区党员值守卡点。"),
        "content/b.md": article_md(title="二一年的文章", date="2021-05-01", body="网格员和党员入户排查。"),
    })
    assert run_cli(cwd=root).returncode == 0
    bundle = root / "public" / "pagefind"
    assert json.loads((bundle / "shards.json").read_text(encoding="utf-8")) == ["2021", "2020"]
    entries = {year: (bundle / year / "pagefind-entry.json").stat().st_ino for year in ("2020", "2021")}
    article = root / "content" / "a.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("值守卡点", "值守卡点，志愿者送菜上门"), encoding="utf-8")
    result = run_cli(cwd=root)
    assert result.returncode == 0 and "search index made again for 2020" in result.stdout + result.stderr
    assert (bundle / "2021" / "pagefind-entry.json").stat().st_ino == entries["2021"]  # linked from the last build
    assert (bundle / "2020" / "pagefind-entry.json").stat().st_ino != entries["2020"]
    base = serve_dir(root / "public")
    assert search(page, base, "送菜") == ["二〇年的文章"]
    assert search(page, base, "党员", "&sort=date") == ["二一年的文章", "二〇年的文章"]  # years together, newest first
    assert page.errors == []


def test_an_article_page_loads_the_script_map_once_and_only_to_highlight(page, built_site, serve_dir):
    path = next(p for p in sorted((built_site / "articles").glob("*.html")) if "党员" in p.read_text(encoding="utf-8"))
    sources = re.findall(r'<script[^>]* src="([^"]+)"', path.read_text(encoding="utf-8"))
    assert [s.rsplit("/", 1)[-1] for s in sources] == ["highlight.js"]  # t2s.js comes when it is needed
    base = serve_dir(built_site)
    page.goto(f"{base}articles/{path.name}")
    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate("document.querySelectorAll('script[src$=\"t2s.js\"]').length") == 0
    page.goto(f"{base}articles/{path.name}?hl={quote('党员')}")
    expect(page.locator(".article mark").first).to_be_visible()
    assert page.evaluate("document.querySelectorAll('script[src$=\"t2s.js\"]').length") == 1
    loads = "performance.getEntriesByType('resource').filter(e => e.name.endsWith('/t2s.js')).length"
    assert page.evaluate(loads) == 1
    assert page.errors == []
