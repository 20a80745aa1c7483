"""Property tests: random pages and front matter never crash; no Han character is lost."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gazette.clean import clean_page
from gazette.content import load_article
from gazette.errors import GazetteError, Report
from gazette.importer import drafts_for
from gazette.read import SeedText, decode_bytes, read_seed

HAN = re.compile(r"[\u4e00-\u9fff]")
han_text = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=40)
pieces = st.one_of(
    han_text,
    han_text.map(lambda t: t + "。"),
    han_text.map(lambda t: "本报记者 " + t[:3]),
    han_text.map(lambda t: "本报讯 " + t + "。"),
    han_text.map(lambda t: "▲" + t + "。"),
    han_text.map(lambda t: t + "——" + t[::-1]),
    han_text.map(lambda t: "(上接B1版)" + t),
    han_text.map(lambda t: t[:1] + "(yán)" + t),
    han_text.map(lambda t: "资料片由" + t[:4] + "提供"),
    han_text.map(lambda t: "■ " + t[:4] + " GUANCHA"),
    han_text.map(lambda t: "<p>" + t + "</p><script>" + t[:2] + "</script>"),
    st.sampled_from(["", "", "责任编辑: 张三", "相关新闻:", "2020-03-10 21:56:12 来源: 新华网", "王伟", "忠言",
                     "0100200201100000000", "微博", "## 小标题", "?!薄"]),
    st.text(max_size=30),
)
pages = st.lists(pieces, max_size=40).map("\n".join)


def seed(text: str) -> SeedText:
    return SeedText(Path("random.txt"), text, "utf-8", "0" * 64)


def han_out(drafts) -> Counter:
    out = Counter()
    for d in drafts:
        for value in d.fields.values():
            for v in value if isinstance(value, list) else [value]:
                out.update(HAN.findall(str(v)))
        out.update(HAN.findall(d.body))
        for removed in d.removed:
            out.update(HAN.findall(removed["text"]))
    return out


def assert_no_han_lost(text: str, drafts) -> None:
    found = han_out(drafts)
    if not drafts:  # a page of furniture only: what was removed is all there is, and is reported
        found = Counter(ch for r in clean_page(text).removed for ch in HAN.findall(r.text))
    missing = Counter(HAN.findall(text)) - found
    assert not missing, f"lost: {''.join(missing.elements())[:50]}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages)
def test_random_pages_never_crash_and_lose_no_han(text):
    drafts = drafts_for(seed(text))
    if HAN.search(text):
        assert_no_han_lost(text, drafts)


def test_the_real_seeds_lose_no_han():
    for path in sorted((REPO / "seeds").glob("*.txt")):
        s = read_seed(path)
        assert_no_han_lost(s.text, drafts_for(s))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_give_text_or_our_error(data):
    try:
        text, _ = decode_bytes(data, "random.bin")
    except GazetteError:
        return
    drafts_for(seed(text))


front_values = st.one_of(st.none(), st.integers(), st.booleans(), st.text(max_size=20),
                         st.sampled_from(["2020-02-11", "2020-13-01", "沈阳", "[a, b]", "{x: 1}", "'",
                                          "!!python/object:os.system"]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(
    st.sampled_from(["title", "city", "date", "source", "slug", "captions", "review", "script", "x"]),
    front_values, max_size=9), st.text(max_size=50))
def test_random_front_matter_gives_an_article_or_our_error(tmp_path, fields, body):
    lines = ["---"] + [f"{k}: {v}" for k, v in fields.items()] + ["---", body]
    path = tmp_path / "a.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = Report()
    article = load_article(path, tmp_path, report)
    assert (article is None) == bool(report.errors)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_random_content_files_give_an_article_or_our_error(tmp_path, text):
    path = tmp_path / "b.md"
    path.write_text(text, encoding="utf-8")
    report = Report()
    load_article(path, tmp_path, report)
