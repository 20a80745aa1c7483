"""Bad input gets a one-line answer naming the file (and line), no traceback, exit 1."""

from __future__ import annotations

import pytest
from conftest import article_md, make_site, run_cli

GOOD = article_md(title="好文章", body="党员冲在前。")

CASES = {
    "broken_yaml": ("content/x.md", "---\ntitle: 好\ncity: [沈阳\ndate: 2020-02-11\nsource: 报\n---\n\n正文\n",
                    "content/x.md:4: invalid YAML"),
    "missing_field": ("content/x.md", "---\ntitle: 好\ncity: 沈阳\ndate: 2020-02-11\n---\n\n正文\n",
                      "content/x.md:2: missing required field `source`"),
    "mistyped_field": ("content/x.md", "---\ntitle: [a, b]\ncity: 沈阳\ndate: 2020-02-11\nsource: 报\n---\n\n正文\n",
                       "content/x.md:2: `title` must be text, not list"),
    "invalid_date": ("content/x.md", article_md(date="2020-02-30"), "content/x.md:4: invalid date '2020-02-30'"),
    "unknown_city": ("content/x.md", article_md(city="沈杨"),
                     "content/x.md:3: unknown city '沈杨' (hint: did you mean '沈阳'?)"),
    "slug_with_slash": ("content/x.md", article_md(slug="'../evil'"),
                        "content/x.md:6: `slug` '../evil' is not a valid slug"),
    "slug_with_backslash": ("content/x.md", article_md(slug="'a\\\\b'"), "is not a valid slug"),
    "no_front_matter": ("content/x.md", "只有正文，没有前言。\n", "content/x.md:1: no front matter"),
    "duplicate_slug": ("content/y.md", article_md(slug="good"), "duplicate slug 'good'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_named_and_the_site_is_kept(tmp_path, case):
    rel, text, expected = CASES[case]
    root = make_site(tmp_path / "site", {"content/good.md": GOOD})
    first = run_cli(cwd=root)
    assert first.returncode == 0, first.stderr
    before = {p.relative_to(root / "public"): p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")
    result = run_cli(cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors and all(len(line) < 400 for line in errors)
    after = {p.relative_to(root / "public"): p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.parametrize("name,data,expected", [
    ("binary.txt", bytes(range(256)) * 8, "binary.txt: binary file"),
    ("big.txt", "党员。".encode() * (11 * 1024 * 1024 // 9), "big.txt: file too large"),
    ("garbage.txt", b"\x80\xff\xfe\x81" * 100, "garbage.txt: undecodable bytes"),
    ("empty.txt", b"", "empty.txt: empty file"),
])
def test_bad_seeds_are_named_and_the_rest_is_built(tmp_path, name, data, expected):
    root = make_site(tmp_path / "site", {"content/good.md": GOOD})
    (root / "seeds").mkdir()
    (root / "seeds" / name).write_bytes(data)
    (root / "seeds" / "ok.txt").write_text("好消息\n本报记者 张三\n本报讯 沈阳市党员冲在前,社区防控有序。\n",
                                           encoding="utf-8")
    result = run_cli("import", cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr
    assert len(list((root / "content").glob("*.md"))) == 2  # the good seed was still imported


def test_content_file_over_the_size_limit(tmp_path):
    root = make_site(tmp_path / "site", {"content/big.md": article_md(body="党员。" * 400_000)})
    result = run_cli(cwd=root)
    assert result.returncode == 1 and "content/big.md: file too large" in result.stderr


def test_template_syntax_error_names_file_and_line(tmp_path):
    root = make_site(tmp_path / "site", {"content/good.md": GOOD})
    path = root / "layouts" / "404.html"
    path.write_text(path.read_text(encoding="utf-8") + "\n{% if %}\n", encoding="utf-8")
    result = run_cli(cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "layouts/404.html" in result.stderr and "template syntax error" in result.stderr


def test_check_reports_without_writing(tmp_path):
    root = make_site(tmp_path / "site", {"content/good.md": GOOD, "content/bad.md": article_md(city="沈杨"),
                                         "site.yaml": "title: 测试\ncolour: red\n"})
    result = run_cli("check", cwd=root)
    assert result.returncode == 1
    assert "content/bad.md:3: unknown city '沈杨'" in result.stderr
    assert "site.yaml:2: unknown setting `colour`" in result.stderr
    assert not (root / "public").exists()


def test_a_bad_seed_does_not_stop_the_build(tmp_path):
    root = make_site(tmp_path / "site", {"content/good.md": GOOD})
    (root / "seeds").mkdir()
    (root / "seeds" / "binary.txt").write_bytes(bytes(range(256)) * 8)
    result = run_cli(cwd=root)
    assert result.returncode == 0
    assert ("seeds/binary.txt: binary file" in result.stderr.splitlines()[-1]
            or "binary.txt: binary file" in result.stderr)
    assert (root / "public" / "articles" / "good.html").is_file()


def test_check_finds_broken_links_in_bodies(tmp_path):
    body = ("见[另一篇](other.html)和[城市](../cities/shenyang.html)、[样式](../static/style.css)。\n\n"
            "又见[不存在](missing.html#top)和[模板](../base.html)。")
    root = make_site(tmp_path / "site", {"content/a.md": article_md(body=body),
                                         "content/other.md": article_md(title="另一篇")})
    result = run_cli("check", cwd=root)
    assert result.returncode == 1
    assert "content/a.md:10: broken link 'missing.html#top': no page articles/missing.html" in result.stderr
    assert "content/a.md:10: broken link '../base.html': no page base.html" in result.stderr  # a template, not a page
    assert "other.html" not in result.stderr and "shenyang" not in result.stderr and "style.css" not in result.stderr
