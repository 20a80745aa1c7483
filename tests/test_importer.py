"""The importer on the five seeds: expectations written by reading the seeds themselves."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, article_md, build_project, make_site, run_cli

from gazette.importer import drafts_for
from gazette.read import read_seed
from gazette.script import to_traditional

SEEDS = REPO / "seeds"


def drafts(name: str):
    return drafts_for(read_seed(SEEDS / name))


def by_title(name: str) -> dict:
    return {d.fields["title"]: d for d in drafts(name)}


def test_five_seeds_hold_sixteen_articles():
    counts = {p.name[:3]: len(drafts(p.name)) for p in sorted(SEEDS.glob("*.txt"))}
    assert counts == {"000": 1, "001": 6, "002": 1, "003": 7, "004": 1}


def test_newspaper_page_with_feature_sidebar_commentary_and_briefs():
    found = by_title("001_d65a43b0fd7516ed.txt")
    assert list(found) == ["把初心和使命写在抗疫一线", "用爱心和责任守住一道门护好一街人",
                           "党员就要看得出来冲得上去", "抚顺各级第一书记在抗疫前线主动作为",
                           "盘锦强化疫情防控组织保证", "葫芦岛疫情排查党员网格员作用明显"]
    main = found["把初心和使命写在抗疫一线"].fields
    assert main["subtitle"] == "本溪5500余个基层党组织和11万余名党员充分发挥作用"
    assert main["city"] == "本溪" and main["author"].startswith("王云峰")
    assert main["date"] == dt.date(2020, 2, 11) and main["date_precision"] == "day"
    assert main["captions"] == ["党员带头守在疫情防控第一线,为经过卡点过往车辆司乘人员测量体温。",
                                "本溪市中心医院党员带头,医护人员纷纷签下请战书。", "资料片由本溪市委组织部提供"]
    sidebar = found["用爱心和责任守住一道门护好一街人"].fields
    assert (sidebar["city"], sidebar["district"], sidebar["author"]) == ("沈阳", "辽中区", "王云峰")
    commentary = found["党员就要看得出来冲得上去"].fields
    assert commentary["author"] == "忠言" and commentary["city"] is None
    assert any(note.startswith("city: the text names no place") for note in commentary["review"])  # a curator sets it
    assert [found[t].fields["author"] for t in list(found)[3:]] == ["陈肖可", "盘组宣", "孙秀展"]
    assert [found[t].fields["city"] for t in list(found)[3:]] == ["抚顺", "盘锦", "葫芦岛"]


def test_column_breaks_are_rejoined_across_captions():
    body = by_title("001_d65a43b0fd7516ed.txt")["用爱心和责任守住一道门护好一街人"].body
    assert "她还发出《第六社区党支部致全体党员的倡议书》" in body
    main = by_title("001_d65a43b0fd7516ed.txt")["把初心和使命写在抗疫一线"].body
    assert "让他接诊时留着备用" in main and "抽调20名机关干部" in main and "我省关闭部分高速收费站,小堡高速口" in main
    assert "\n\n诊时" not in main
    shenyang = drafts("000_621f419dd56e4dad.txt")[0]
    assert "一人一记录的方式,查漏补缺" in shenyang.body
    assert "向疫情宣战" in shenyang.body


def test_section_heads_stay_headings_and_signatures_leave_the_text():
    main = by_title("001_d65a43b0fd7516ed.txt")["把初心和使命写在抗疫一线"].body
    assert "## 党员先上,党组织为其提供最坚实的保障" in main
    assert "## 再苦再累,也得带着大家挺过这个特殊时期" in main
    assert "本报记者" not in main and "沈肖可" not in main
    xinmin = by_title("003_b722e41bb6c714af.txt")["沈阳新民企业复工生产党员担当主力"]
    assert xinmin.body.rstrip().endswith("发展的主力。") and xinmin.fields["author"] == "王伟"
    assert by_title("003_b722e41bb6c714af.txt")["盘锦兴隆台区组建抗疫党员突击队"].fields["author"] == "张飞"


def test_second_page_briefs_and_subtitle():
    found = by_title("003_b722e41bb6c714af.txt")
    assert len(found) == 7
    flower = found["“五色花”把温暖和信心送到家"].fields
    assert flower["subtitle"] == "记冲在抗疫一线的北票市二工村社区党员志愿者服务队"
    assert (flower["city"], flower["district"]) == ("朝阳", "北票市")
    tieling = found["加固抗击疫情的城乡安全防线"].fields
    assert (tieling["city"], tieling["district"]) == ("铁岭", "铁岭县")
    assert tieling["date"] == dt.date(2020, 2, 18)
    assert found["坚持依法抗疫与科学抗疫相结合"].fields["author"] == "忠言"
    assert "思考" not in found["坚持依法抗疫与科学抗疫相结合"].body
    places = {t: (d.fields["city"], d.fields["district"]) for t, d in found.items()}
    assert places["大连中山区开展“党员一线集结号”活动"] == ("大连", "中山区")
    assert places["抚顺新抚区党员在抗疫中帮村民纾难解困"] == ("抚顺", "新抚区")
    assert places["盘锦兴隆台区组建抗疫党员突击队"] == ("盘锦", "兴隆台区")
    assert places["沈阳新民企业复工生产党员担当主力"] == ("沈阳", "新民市")


def test_web_page_boilerplate_is_removed_and_reported():
    [draft] = drafts("002_35c6bef0ef869532.txt")
    f = draft.fields
    assert f["title"] == "坚持党建引领 “两邻”理念为沈河疫情防控注入硬核力量"
    assert (f["city"], f["district"], f["source"], f["date"]) == ("沈阳", "沈河区", "今日辽宁网", dt.date(2022, 4, 5))
    assert f["date_precision"] is None
    for junk in ["欢迎登陆", "值班热线", "字体", "编辑:今日辽宁5", "最新文章", "热门文章", "您当前位置"]:
        assert junk not in draft.body
    assert f["title"] not in draft.body  # the page title repeated between paragraphs is gone
    kinds = {r["kind"] for r in draft.removed}
    assert {"navigation", "title_repeat", "editor", "widget", "metadata"} <= kinds


def test_traditional_xinhua_page():
    [draft] = drafts("004_5a0b46c90f3415b7.txt")
    f = draft.fields
    assert f["title"] == "守嚴守牢疫情防控的關鍵防線"
    assert f["subtitle"] == "全國城市社區黨組織和廣大黨員全力打好疫情防控人民戰爭"
    assert (f["city"], f["source"], f["date"], f["script"]) == ("全国", "新华网", dt.date(2020, 3, 10), "zh-Hant")
    # no pinyin after a character any more (runs inside garbled text are left untouched)
    assert not re.search(r"[\u4e00-\u9fff][(（][a-zāáǎàēéěèīíǐìōóǒòūúǔù]+[)）]", draft.body)
    assert "守嚴守牢" in f["title"] + draft.body or f["title"] == "守嚴守牢疫情防控的關鍵防線"
    assert "(左)" in " ".join(f["captions"])  # real parentheses survive
    for junk in ["責任編輯", "相關新聞", "Qzone", "010020020110000000000000011100001125692682", "糾錯"]:
        assert junk not in draft.body
    assert any("新華社記者 劉坤 攝" in c for c in f["captions"])
    assert "劉坤" not in draft.body
    garbled = [r for r in f["review"] if r.startswith("garbled")]
    assert any("??倳" in r for r in garbled)
    assert "??倳" in draft.body  # not "repaired" by guessing


def test_page_continued_from_another_page():
    [draft] = drafts("000_621f419dd56e4dad.txt")
    f = draft.fields
    assert f["city"] == "沈阳" and f["district"] is None
    assert "上接" not in draft.body
    assert any("上接B1版" in r for r in f["review"])
    assert f["captions"][:2] == ["▲沈阳市党员先锋队在寒风中坚守卡点,让党旗在抗疫一线高高飘扬。",
                                 "►疫情当前,一道道“微光”汇聚成战“疫”的暖阳,毅然照亮沈阳这座英雄的城市。"]
    assert "图片由沈阳市委组织部提供" in f["captions"]
    assert draft.body.rstrip().endswith("全面胜利!")
    assert f["date"].year == 2022 and f["date_precision"] == "year"


def test_import_json_cli_writes_nothing(tmp_path):
    result = run_cli("import", "--json", str(SEEDS / "002_35c6bef0ef869532.txt"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [item] = json.loads(result.stdout)
    assert item["title"].startswith("坚持党建引领") and item["date"] == "2022-04-05"
    assert item["body"] and item["removed"] and item["seed"] == "002_35c6bef0ef869532.txt"
    # each field says the seed line it came from: the headline, the 时间/信息来源 line, the text
    assert item["lines"]["title"] == 7 and item["lines"]["date"] == item["lines"]["source"] == 9
    assert item["lines"]["district"] == 7 and item["lines"]["city"] == 10  # 沈河 in the headline
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "big5", "utf-16"])
def test_any_common_encoding(tmp_path, encoding):
    source = SEEDS / "002_35c6bef0ef869532.txt"
    text = source.read_text(encoding="utf-8")
    if encoding == "big5":  # a Traditional copy, as a Taiwanese or Hong Kong site would send it
        text = to_traditional(text).encode("big5", errors="ignore").decode("big5")
    path = tmp_path / source.name
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    seed = read_seed(path)
    [draft] = drafts_for(seed)
    assert "\r" not in draft.body
    assert draft.fields["title"] == text.split("\n")[0].strip()
    assert draft.fields["date"] == dt.date(2022, 4, 5)


def test_one_author_list_for_a_name_in_both_scripts(tmp_path):
    """A Traditional page's byline is kept as written (王雲峯); the author lists know it as 王云峰."""
    path = tmp_path / "001.txt"
    path.write_text(to_traditional((SEEDS / "001_d65a43b0fd7516ed.txt").read_text(encoding="utf-8")), encoding="utf-8")
    assert any((a or "").startswith("王雲峯") for a in {d.fields["author"] for d in drafts_for(read_seed(path))})
    root = make_site(tmp_path / "site", {
        "content/a.md": article_md(title="甲", author="王雲峯", body="黨員值守。"),
        "content/b.md": article_md(title="乙", author="王云峰", body="党员值守。"),
    })
    report, public = build_project(root)
    assert report.ok, [str(e) for e in report.errors]
    authors = BeautifulSoup((public / "authors.html").read_text(encoding="utf-8"), "html.parser")
    rows = [li.get_text(" ", strip=True) for li in authors.select("main li") if "王" in li.get_text()]
    assert rows == ["王云峰 2 篇"]


def test_undecodable_and_binary_files_are_named(tmp_path):
    from gazette.errors import GazetteError
    from gazette.read import read_seed as read
    cases = {"empty.txt": b"", "binary.txt": bytes(range(256)) * 4, "bad.txt": b"\xff\xfe\xfd" * 10 + b"\x81"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(GazetteError) as info:
            read(tmp_path / name)
        assert name in str(info.value)


def test_sidecar_fields_apply_to_every_article(tmp_path):
    for name in ["001_d65a43b0fd7516ed.txt"]:
        (tmp_path / name).write_bytes((SEEDS / name).read_bytes())
    (tmp_path / "001_d65a43b0fd7516ed.yaml").write_text("source: 某某日报\n", encoding="utf-8")
    from gazette.importer import read_sidecar
    seed = tmp_path / "001_d65a43b0fd7516ed.txt"
    found = drafts_for(read_seed(seed), read_sidecar(seed))
    assert {d.fields["source"] for d in found} == {"某某日报"}
    assert not any(r.startswith("source:") for d in found for r in (d.fields["review"] or []))


def test_unseen_newspaper_page_with_masthead():
    first, brief = drafts_for(read_seed(REPO / "tests/data/seeds/masthead_page.txt"))
    f = first.fields
    assert (f["title"], f["city"], f["district"]) == ("丹东：党员志愿者守护边境村屯", "丹东", "宽甸满族自治县")
    assert (f["date"], f["date_precision"], f["source"], f["author"]) == (
        dt.date(2021, 3, 5), None, "辽宁日报", "李明、王强")
    assert "帮助村民登记信息。" in first.body  # a column break after a full stop
    assert f["captions"] == ["▲党员志愿者在卡点执勤。"]
    assert any("下转A3版" in r for r in f["review"])
    assert (brief.fields["author"], brief.fields["city"], brief.fields["district"]) == ("赵一", "营口", "鲅鱼圈区")
    assert brief.body.rstrip().endswith("工作。")


def test_unseen_cms_html_copy():
    [draft] = drafts_for(read_seed(REPO / "tests/data/seeds/cms_copy.html"))
    f = draft.fields
    assert (f["title"], f["source"], f["date"], f["city"], f["district"]) == (
        "阜新彰武：党员突击队奋战一线", "东北新闻网", dt.date(2021, 1, 20), "阜新", "彰武县")
    assert draft.body.split("\n\n") == ["东北新闻网讯 彰武县组建32支党员突击队，奋战在疫情防控一线。",
                                        "突击队员每天工作12小时以上，“哪里需要就到哪里”。\n"]
    assert "<" not in draft.body and "统计代码" not in draft.body
    kinds = {r["kind"] for r in draft.removed}
    assert {"html", "navigation", "metadata", "editor", "widget", "copyright", "title_repeat"} <= kinds


def test_html_comments_and_instructions_are_reported_not_lost():
    from gazette.clean import clean_page
    page = "<p>标题</p><!-- 编辑注：待核实 --><?xml 版本?><p>正文一段。</p><p>正文二段。</p>"
    removed = [r.text for r in clean_page(page).removed if r.kind == "html"]
    assert "编辑注：待核实" in removed and any("版本" in r for r in removed)


def test_a_sidecar_added_after_import_fills_the_drafts_no_one_edited(tmp_path):
    """Seeds imported once, then a sidecar: pristine drafts take its fields, edited ones are kept."""
    make_site(tmp_path, {"site.yaml": (REPO / "site.yaml").read_text(encoding="utf-8")})
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "001_d65a43b0fd7516ed.txt").write_bytes((SEEDS / "001_d65a43b0fd7516ed.txt").read_bytes())
    assert run_cli("build", cwd=tmp_path).returncode == 0
    drafts_made = sorted((tmp_path / "content").glob("*.md"))
    edited = drafts_made[0]
    edited.write_text(edited.read_text(encoding="utf-8").replace("\n---\n", "\n---\n\n编者按。\n", 1), encoding="utf-8")
    (tmp_path / "seeds" / "001_d65a43b0fd7516ed.yaml").write_text("source: 某某日报\n", encoding="utf-8")
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    sources = {p.name: re.search(r"^source: (.*)$", p.read_text(encoding="utf-8"), re.M).group(1) for p in drafts_made}
    assert sources.pop(edited.name) != "某某日报"
    assert set(sources.values()) == {"某某日报"}
    assert "kept your edit" in result.stdout + result.stderr


def test_a_year_only_date_invents_no_day_in_the_slug(tmp_path):
    from gazette.errors import Report
    from gazette.importer import import_seeds
    [written] = import_seeds([SEEDS / "000_621f419dd56e4dad.txt"], tmp_path / "content", Report())
    assert re.match(r"2022-[a-z]", written.stem), written.stem


def test_html_entities_are_decoded_once(tmp_path):
    """A page that shows "&lt;b&gt;" to its readers (its HTML says &amp;lt;b&amp;gt;) keeps showing it."""
    from bs4 import BeautifulSoup
    from conftest import build_project
    page = ("<html><body><h1>沈阳：党员值守小区</h1><p>来源：某某网 2021-01-20</p>"
            "<p>社区在公告栏写明&amp;lt;b&amp;gt;测温&amp;lt;/b&amp;gt;规则，党员每天在门口值守，居民都很配合。</p></body></html>")
    make_site(tmp_path, {"site.yaml": (REPO / "site.yaml").read_text(encoding="utf-8"), "seeds/page.html": page})
    report, public = build_project(tmp_path)
    assert report.ok, report.errors
    [article] = (public / "articles").glob("2021-*.html")
    soup = BeautifulSoup(article.read_text(encoding="utf-8"), "html.parser")
    text = soup.main.get_text()  # (the page's CJK punctuation tidy may widen the ; after a Han)
    assert "写明&lt;b&gt" in text and "测温&lt;/b&gt" in text
    assert soup.main.find("b") is None


def test_a_sidecar_date_keeps_its_precision_and_slugs_stay_short(tmp_path):
    from gazette.importer import make_slug, read_sidecar
    seed = tmp_path / "001_d65a43b0fd7516ed.txt"
    seed.write_bytes((SEEDS / seed.name).read_bytes())
    seed.with_suffix(".yaml").write_text("date: 2020-03\n", encoding="utf-8")
    found = drafts_for(read_seed(seed), read_sidecar(seed))
    assert {(d.fields["date"], d.fields["date_precision"]) for d in found} == {(dt.date(2020, 3, 1), "month")}
    assert make_slug(found[0].fields, set()).startswith("2020-03-")
    latin = {"title": "COVID-19 " + "Community-Volunteers-Everywhere " * 12, "date": dt.date(2020, 3, 4)}
    assert len(make_slug(latin, set())) <= 80


@pytest.mark.parametrize("lead,source,authors", [
    ("【文汇网讯】国务院联防联控机制今日召开发布会。", "文汇网", []),
    ("香港商报网讯 新型冠状病毒感染的肺炎疫情扩散。", "香港商报网", []),
    ("辽宁党建网4月21日鞍山讯(张士龙 王兰)“我志愿加入中国共产党。", "辽宁党建网", ["张士龙", "王兰"]),
    ("长城网衡水讯(记者张梅胜 通讯员苗凤强)村“两委”班子带队。", "长城网", ["张梅胜", "苗凤强"]),
    ("本报讯【记者 王冰凌】2月17日,记者在南芬区采访。", None, ["王冰凌"]),
    ("随州论坛讯 通讯员刘萍 虞文超报道:在疫情防控工作中。", "随州论坛", ["刘萍", "虞文超"]),
])
def test_a_lead_gives_its_source_and_reporters(lead, source, authors):
    from gazette.meta import lead_byline
    assert lead_byline(lead) == (source, authors)
