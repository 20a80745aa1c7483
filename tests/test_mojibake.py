"""Mojibake: repaired when the seed is read where the bytes allow, marked on the page where not."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, article_md, build_project, make_site

from gazette.garbled import GARBLED
from gazette.importer import drafts_for
from gazette.mojibake import GBK_AS_UTF8, LATIN_AS_UTF8, LOST, repair_mojibake
from gazette.read import decode_bytes, read_seed
from gazette.script import to_simplified, to_traditional

PAGE = """沈阳市和平区新华街道党员干部坚守一线
2021年1月15日 来源：今日辽宁网
新华街道共有社区十二个，党员干部二十四小时轮流值守，“守住社区就是守住城市”。
社区书记王丽说：“我们不怕累，居民安心，我们就放心！”
截至目前，街道已为居民代购生活物资三千余份，帮助独居老人就医四十余次。"""

TRADITIONAL = "本溪市各級黨組織聞令而動，廣大黨員衝鋒在前，築牢疫情防控的堅固防線。"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def same_but_lost(repaired: str, original: str) -> bool:
    """Equal, but where a character became U+FFFD (its bytes were gone before we read it)."""
    return len(repaired) == len(original) and all(a in (b, LOST) for a, b in zip(repaired, original, strict=True))


# --- Repairs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [PAGE, TRADITIONAL, "新冠肺炎疫情防控工作领导小组办公室发布通告"])
def test_utf8_read_as_gb18030_round_trips(text):
    garbled = text.encode("utf-8").decode("gb18030", errors="replace")
    assert garbled != text
    repaired, repairs = repair_mojibake(garbled)
    assert same_but_lost(repaired, text)
    # only a character before a newline or ASCII is lost: its last byte went with them
    assert all(text[i + 1:i + 2].isascii() for i, ch in enumerate(repaired) if ch == LOST)
    assert repairs and {r.how for r in repairs} == {GBK_AS_UTF8}
    assert repair_mojibake(repaired) == (repaired, [])  # a second reading changes nothing


def test_utf8_read_as_gbk_keeps_what_the_bytes_allow():
    garbled = PAGE.encode("utf-8").decode("gbk", errors="replace")  # GBK drops a byte per U+FFFD
    repaired, repairs = repair_mojibake(garbled)
    assert same_but_lost(repaired, PAGE)
    assert len(repaired.replace(LOST, "")) >= 0.8 * len(PAGE)  # where several bytes fit, none is chosen
    # a dropped byte is put back when only one byte fits: the quotation marks here
    assert repaired.count("“") == PAGE.count("“")
    for r in repairs:
        assert r.as_dict() == {"kind": "repaired", "text": r.text, "line": r.line, "was": r.was, "how": GBK_AS_UTF8}
        assert garbled.split("\n")[r.line - 1].count(r.was) and repaired.split("\n")[r.line - 1].count(r.text)


def test_lost_bytes_written_as_question_marks():
    garbled = PAGE.encode("utf-8").decode("gbk", errors="replace").replace("\ufffd", "?")
    repaired, _ = repair_mojibake(garbled)
    assert same_but_lost(repaired, PAGE)


def test_short_runs_need_a_page_with_long_ones():
    word = "新闻".encode().decode("gbk")  # 鏂伴椈: three characters, too little evidence alone
    assert repair_mojibake(word) == (word, [])
    page = PAGE.encode("utf-8").decode("gb18030", errors="replace")
    repaired, _ = repair_mojibake(f"{word}\n{page}")
    assert repaired.split("\n")[0] == "新闻"


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_utf8_read_as_latin1_or_cp1252(codec):
    garbled = PAGE.encode("utf-8").decode(codec, errors="replace")
    repaired, repairs = repair_mojibake(garbled)
    assert repairs and {r.how for r in repairs} == {LATIN_AS_UTF8}
    if codec == "latin-1":
        assert repaired == PAGE
    else:  # five bytes cp1252 cannot read are lost; what is left is the article
        assert len(to_simplified(repaired)) >= 0.8 * len(PAGE)
        assert all(ch in PAGE for ch in repaired if ch != LOST)


def test_a_repair_never_brings_another_script():
    """í”“ read back as UTF-8 is 픓, a Hangul syllable: Chinese text keeps its Latin letters instead."""
    line = "社区党员送来牛奶媽í”“。"
    assert repair_mojibake(line) == (line, [])


def test_mixed_line_repairs_only_the_garbled_part():
    line = "标题：" + "守住社区就是守住城市".encode().decode("gb18030") + "（记者 王丽）"
    repaired, [repair] = repair_mojibake(line)
    assert repaired == "标题：守住社区就是守住城市（记者 王丽）"
    assert repair.text == "守住社区就是守住城市"


def test_lost_characters_are_not_guessed():
    line = "锟斤拷锟斤拷 新华街道" + "党员干部坚守防控工作".encode().decode("gb18030")
    repaired, _ = repair_mojibake(line)
    # 锟斤拷 is U+FFFD read as GBK: the characters were lost before, and stay marked as lost
    assert repaired == "\ufffd" * 4 + " 新华街道党员干部坚守防控工作"
    # a byte lost where several fit: the character is lost, not chosen (们: 什 仪 仫 们; 怕: 怕 桕 棕 榕)
    garbled = "王丽说：“我们不怕累".encode().decode("gbk", errors="replace")
    strong = "党员干部坚守防控工作".encode().decode("gb18030")
    repaired, _ = repair_mojibake(f"{strong}\n{garbled}")
    assert repaired.split("\n")[1] == "王丽说：“我\ufffd不\ufffd累"


# --- Correct text is never "repaired" -----------------------------------------------------------

def correct_lines() -> list[str]:
    texts = []
    data_files = sorted(p for p in (REPO / "tests/data").rglob("*") if p.is_file())
    for path in sorted((REPO / "seeds").glob("*.txt")) + data_files:
        texts.append(decode_bytes(path.read_bytes(), path)[0])
    for path in sorted((REPO / "content").glob("*.md")):
        texts.append(path.read_text(encoding="utf-8"))
    lines = [ln for text in texts for ln in text.split("\n") if ln.strip()]
    lines += [to_traditional(ln) for ln in lines] + [to_simplified(ln) for ln in lines]
    rng = random.Random(20200310)
    shuffled = []
    for ln in lines:  # the same characters in other orders: other byte neighbours
        chars = list(ln)
        rng.shuffle(chars)
        shuffled.append("".join(chars))
    return lines + shuffled


def test_correct_text_is_left_unchanged():
    lines = correct_lines()
    assert len(lines) > 3000
    for line in lines:
        assert repair_mojibake(line) == (line, []), line
    text = "\n".join(lines)
    assert repair_mojibake(text) == (text, [])


def test_seeds_are_read_unchanged_including_the_damaged_one():
    for path in sorted((REPO / "seeds").glob("*.txt")):
        seed = read_seed(path)
        assert seed.repairs == ()
        assert seed.text == decode_bytes(path.read_bytes(), path)[0]
    damaged = read_seed(next((REPO / "seeds").glob("004_*.txt"))).text
    assert "??倳" in damaged and "電? 疫情" in damaged  # GBK read one byte off: marked, not guessed


# --- The import report --------------------------------------------------------------------------

def test_read_seed_reports_repairs(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(PAGE.encode("utf-8").decode("gb18030", errors="replace"), encoding="utf-8")
    seed = read_seed(path)
    assert same_but_lost(seed.text, PAGE)
    assert seed.repairs and all(r.kind == "repaired" for r in seed.repairs)
    assert sorted(r.line for r in seed.repairs) == [r.line for r in seed.repairs]


def test_import_json_lists_repairs(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(PAGE.encode("utf-8").decode("gb18030", errors="replace"), encoding="utf-8")
    removed = [r for d in drafts_for(read_seed(path)) for r in d.removed]
    assert any(r["kind"] == "repaired" and r["was"] for r in removed)


# --- Marked on the page -------------------------------------------------------------------------

def test_unrepairable_spots_are_marked_on_the_article_page(tmp_path):
    body = ("防控一线的嚴密防線??倳記還特別指出。\n\n党员干部日夜值守\ufffd\ufffd居民安心。\n\n"
            "<script>alert(1)</script> 一切正常?")
    root = make_site(tmp_path / "s", {
        "content/damaged.md": article_md(title="社区防线", body=body, captions="[图为志愿者\ufffd值守]"),
        "content/clean.md": article_md(title="一篇完好的文章", date="2020-02-12", body="正文内容完好。"),
    })
    report, public = build_project(root)
    assert report.ok, [str(e) for e in report.errors]
    page = soup(public / "articles/damaged.html")
    marks = page.select(".article mark.garbled")
    assert [m.get_text() for m in marks] == ["??", "\ufffd\ufffd", "\ufffd"]
    assert all(m["title"] == "原文乱码" for m in marks)
    assert page.select_one(".article header .garbled-note").get_text() == "本文部分文字在原始网页中已损坏，以标记显示。"
    body_text = page.select_one(".article .body").get_text()
    assert "??倳記" in body_text and "<script>alert(1)</script>" in body_text  # escaped, not run
    assert not page.select(".article .body script")
    assert not page.find_all(style=True)
    assert "style-src 'self'" in page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    other_script = soup(public / "articles/hant/damaged.html")
    assert len(other_script.select(".article mark.garbled")) == 3 and other_script.select_one(".garbled-note")
    clean = soup(public / "articles/clean.html")
    assert not clean.select("mark.garbled") and not clean.select_one(".garbled-note")
    css = (public / "static/style.css").read_text(encoding="utf-8")
    assert "mark.garbled" in css and ".garbled-note" in css


SEED_LINES = ["沈阳市和平区新华街道党员干部坚守防控一线", "来源：今日辽宁网 2021-01-15",
              "新华街道共有社区十二个，党员干部二十四小时轮流值守。守住社区就是守住城市！",
              "社区书记王丽说，居民安心，我们就放心。大家一们起努力吧！",
              "截至目前，街道已为居民代购生活物资三千余份。帮助独居老在人就医四十余次！"]


def test_a_garbled_seed_is_repaired_and_its_losses_marked(tmp_path):
    garbled = "\n".join(line.encode("utf-8").decode("gbk", errors="replace") for line in SEED_LINES)
    root = make_site(tmp_path / "s", {"seeds/page.txt": garbled,
                                      "site.yaml": (REPO / "site.yaml").read_text(encoding="utf-8")})
    report, public = build_project(root)
    assert report.ok, [str(e) for e in report.errors]
    [content] = (root / "content").glob("*.md")
    text = content.read_text(encoding="utf-8")
    assert "党员干部二十四小时" in text and "居民代购生活物资三千余份" in text
    assert "鍏氬憳" not in text and "今日辽宁网" in text
    page = soup(public / "articles" / f"{content.stem}.html")
    lost = [m.get_text() for m in page.select(".article mark.garbled")]
    assert len(lost) > 3 and set("".join(lost)) == {LOST}
    assert page.select_one("h1 mark.garbled") and page.select_one(".article .body mark.garbled")
    assert page.select_one(".garbled-note")


def test_the_damaged_seed_still_imports_and_shows_its_marks(tmp_path):
    root = make_site(tmp_path / "s", {"site.yaml": (REPO / "site.yaml").read_text(encoding="utf-8")})
    seed = next((REPO / "seeds").glob("004_*.txt"))
    (root / "seeds").mkdir()
    shutil.copy(seed, root / "seeds" / seed.name)
    [draft] = drafts_for(read_seed(root / "seeds" / seed.name))
    assert any(r.startswith("garbled") for r in draft.fields["review"])
    report, public = build_project(root)
    assert report.ok, [str(e) for e in report.errors]
    [page_path] = (public / "articles").glob("*.html")
    page = soup(page_path)
    marks = [m.get_text() for m in page.select(".article mark.garbled")]
    assert "??" in marks and page.select_one(".garbled-note")
    assert all(GARBLED.search(m) or m == "?" for m in marks)
