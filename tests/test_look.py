"""Look and feel in Chromium: screenshots at desktop and phone width, no sideways scrolling."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import article_md, build_project, make_site

SHOTS = Path(__file__).parent / "artifacts"
PAGES = ["index.html", "articles/2020-02-11-ba-chu-xin-he-shi-ming-xie-zai.html",
         "articles/2020-03-10-shou-yan-shou-lao-yi-qing-fang-kong.html", "cities.html", "years/2020.html",
         "search.html"]


@pytest.mark.parametrize("width", [1280, 375])
def test_pages_fit_the_screen_and_are_captured(browser, built_site, width):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    for rel in PAGES:
        page.goto((built_site / rel).as_uri())
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{rel} scrolls sideways at {width}px by {overflow}px"
        page.screenshot(path=str(SHOTS / f"{rel.replace('/', '_')}-{width}.png"), full_page=True)
    context.close()


def test_reading_needs_no_javascript(browser, built_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((built_site / "index.html").as_uri())
    page.click("text=按城市")
    page.click(".groups a >> text=铁岭")
    page.click(".items .item-title")
    assert page.locator("h1").inner_text() == "加固抗击疫情的城乡安全防线"
    page.click("text=繁體")
    assert page.locator("h1").inner_text() == "加固抗擊疫情的城鄉安全防線"
    context.close()


def test_keyboard_skip_link_and_focus(page, built_site):
    page.goto((built_site / "index.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "跳到正文"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_long_lists_are_paginated(tmp_path):
    files = {f"content/a{i:02d}.md": article_md(title=f"文章{i:02d}", date=f"2020-03-{i + 1:02d}") for i in range(25)}
    files["site.yaml"] = "title: 测试\npage_size: 10\n"
    report, public = build_project(make_site(tmp_path / "s", files))
    assert report.ok
    from bs4 import BeautifulSoup
    seen = []
    for name in ["shenyang.html", "shenyang-2.html", "shenyang-3.html"]:
        page = BeautifulSoup((public / "cities" / name).read_text(encoding="utf-8"), "html.parser")
        seen += [a.get_text() for a in page.select(".items .item-title")]
        assert [a["href"] for a in page.select(".pagination a")] + \
            [s.get_text() for s in page.select(".pagination [aria-current]")]
    assert sorted(seen) == sorted(f"文章{i:02d}" for i in range(25)) and len(seen) == 25
    assert not (public / "cities" / "shenyang-4.html").exists()
