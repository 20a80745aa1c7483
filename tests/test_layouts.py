"""The importer on the layout test set: one test per page of tests/data/layouts/.

Each page there was written for this project (own text, names and sites) in the layout of one
kind of real Chinese news page: breadcrumbs, site banners, metadata lines in many shapes, lead
bylines, end bylines, e-paper navigation, portal reposts, government sites, WeChat copies,
Traditional pages (one with inline pinyin), spam headers, widgets, related-link lists, photo
captions, a GB18030 and a Big5 file. answers.yaml is a curator's reading of each page.

The test runs the importer as ../shared/tools/score-import does (`build.py import --json PAGE`)
and checks what that tool checks, compared as loosely (Simplified, no pinyin, no spaces or
punctuation): the article is found (the key's title is contained in an imported title); its
city, district, date or year, source and author; no forbidden text left in any title or body;
as many articles as the key has. It also checks the key's extra fields: the Han text of the
quoted body sentences survives in the body, the photo captions are among the captions, and no
non-name (管理员, 佚名, 本报记者) is taken for the author.

A failure lists every miss of the page, then what was imported.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import opencc
import pytest
import yaml
from conftest import REPO, run_cli

LAYOUTS = Path(__file__).resolve().parent / "data" / "layouts"
KEY = yaml.safe_load((LAYOUTS / "answers.yaml").read_text(encoding="utf-8"))

PINYIN = re.compile(r"\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_T2S = opencc.OpenCC("t2s.json").convert
# What a province-wide or multi-city piece may give as its city.
NO_CITY = ("", "辽宁", "辽宁省", "全省")


def simple(text: str | None) -> str:
    return _T2S(PINYIN.sub("", text or ""))


def loose(text: str | None) -> str:
    """Simplified, without inline pinyin, spaces or punctuation."""
    return re.sub(r"[\s\W_]+", "", simple(text))


def loose_city(text: str | None) -> str:
    city = loose(text)
    return city[:-1] if city.endswith("市") and len(city) > 2 else city


def han(text: str | None) -> str:
    """Only the Han characters, Simplified, in order."""
    return "".join(HAN.findall(simple(text)))


def page_text(name: str) -> str:
    return (LAYOUTS / name).read_bytes().decode(KEY[name].get("encoding", "utf-8"))


def imported(page: Path) -> list[dict]:
    result = run_cli("import", "--json", str(page), cwd=REPO)
    assert result.returncode == 0, (f"build.py import --json {page.name}: exit {result.returncode}\n"
                                    f"{(result.stderr or result.stdout)[-1500:]}")
    data = json.loads(result.stdout)
    return data.get("articles", []) if isinstance(data, dict) else data


def article_misses(want: dict, got: list[dict]) -> list[str]:
    """What the imported articles get wrong about one article of the key."""
    match = next((a for a in got if loose(want["title"]) in loose(a.get("title"))), None)
    if match is None:
        return [f"found: no imported title contains {want['title']!r}"]
    misses = []

    def check(name: str, ok: bool, detail: str) -> None:
        if not ok:
            misses.append(f"{name}: {detail}")

    city, got_city = want["city"], loose_city(match.get("city"))
    check("city", got_city in NO_CITY if city == "-" else got_city == loose_city(city),
          f"want {city}, got {match.get('city')!r}")
    if want.get("district"):
        check("district", loose(want["district"]) == loose(match.get("district")),
              f"want {want['district']}, got {match.get('district')!r}")
    date = str(match.get("date") or "")
    if want.get("date"):
        check("date", date[:10] == str(want["date"]), f"want {want['date']}, got {date or None!r}")
    elif want.get("year"):
        check("date", date[:4] == str(want["year"]), f"want year {want['year']}, got {date or None!r}")
    if want.get("source"):
        check("source", loose(want["source"]) in loose(match.get("source")),
              f"want {want['source']}, got {match.get('source')!r}")
    if want.get("author"):
        check("author", loose(want["author"]) in loose(match.get("author")),
              f"want {want['author']}, got {match.get('author')!r}")
    for word in want.get("not_author") or []:
        check("author", loose(word) not in loose(match.get("author")),
              f"{word!r} is not a name, got {match.get('author')!r}")
    body = han(match.get("body"))
    for sentence in want.get("body_contains") or []:
        check("body", han(sentence) in body, f"the body lost (part of) {sentence!r}")
    captions = loose("\n".join(match.get("captions") or []))
    for caption in want.get("captions") or []:
        check("captions", loose(caption) in captions,
              f"{caption!r} is not among the captions {match.get('captions')!r}")
    return misses


def page_misses(spec: dict, got: list[dict]) -> list[str]:
    misses = []
    for want in spec["articles"]:
        misses += [f"[{want['title']}] {m}" for m in article_misses(want, got)]
    texts = "\n".join(f"{a.get('title') or ''}\n{a.get('subtitle') or ''}\n{a.get('body') or ''}" for a in got)
    misses += [f"clean: a title or body still has {bad!r}" for bad in spec.get("forbidden") or [] if bad in texts]
    if len(got) != len(spec["articles"]):
        misses.append(f"extra: {len(got)} articles imported, {len(spec['articles'])} in the key")
    return misses


def describe(got: list[dict]) -> str:
    lines = [f"imported {len(got)} article(s):"]
    for i, a in enumerate(got, 1):
        fields = ", ".join(f"{k}={a.get(k)!r}" for k in ("city", "district", "date", "source", "author"))
        lines.append(f"  [{i}] title={a.get('title')!r} subtitle={a.get('subtitle')!r}")
        lines.append(f"      {fields}")
        if a.get("captions"):
            lines.append(f"      captions={a['captions']!r}")
        body = (a.get("body") or "").replace("\n", "⏎")
        lines.append(f"      body ({len(a.get('body') or '')} chars): {body[:300]}{'…' if len(body) > 300 else ''}")
        if len(body) > 300:
            lines.append(f"      … body ends: {body[-150:]}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", sorted(KEY))
def test_layout_page(name):
    got = imported(LAYOUTS / name)
    misses = page_misses(KEY[name], got)
    if misses:
        pytest.fail(f"{name}: {len(misses)} misses\n  " + "\n  ".join(misses) + "\n" + describe(got),
                    pytrace=False)


def test_the_key_covers_every_page_and_quotes_each_page():
    """The key's own sanity: what it quotes is in the page, so every check can fail."""
    pages = sorted(p.name for p in LAYOUTS.glob("*.txt"))
    assert pages == sorted(KEY), "every page has an entry in answers.yaml and every entry a page"
    assert len(pages) >= 24
    problems = []
    for name in pages:
        spec = KEY[name]
        if spec.get("encoding"):
            try:
                (LAYOUTS / name).read_bytes().decode("utf-8")
                problems.append(f"{name}: said to be {spec['encoding']} but is valid UTF-8")
            except UnicodeDecodeError:
                pass
        text = page_text(name)
        problems += [f"{name}: forbidden {bad!r} is not in the page" for bad in spec.get("forbidden") or []
                     if bad not in text]
        for want in spec["articles"]:
            if loose(want["title"]) not in loose(text):
                problems.append(f"{name}: title {want['title']!r} is not in the page")
            problems += [f"{name}: body sentence {s!r} is not in the page" for s in want.get("body_contains") or []
                         if han(s) not in han(text)]
            problems += [f"{name}: caption {c!r} is not in the page" for c in want.get("captions") or []
                         if loose(c) not in loose(text)]
            kept = [want["title"], *(want.get("body_contains") or [])]
            problems += [f"{name}: forbidden {bad!r} is in text the key keeps" for bad in spec.get("forbidden") or []
                         if any(bad in k for k in kept)]
    assert not problems, "\n".join(problems)
    encodings = {spec.get("encoding", "utf-8") for spec in KEY.values()}
    assert {"gb18030", "big5"} <= encodings
