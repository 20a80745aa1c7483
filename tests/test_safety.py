"""Nothing lost, nothing injected: hostile articles, killed builds, identical rebuilds, edits kept."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, article_md, build_project, copy_project, make_site, run_cli

from gazette.errors import GazetteError
from gazette.indexing import records_folders
from gazette.output import SiteWriter

PAYLOAD = "<script>alert('x')</script><img src=x onerror=alert('y')><svg onload=alert('z')></svg>"
HOSTILE_BODY = f"""党员冲在前 {PAYLOAD}

<iframe src="javascript:alert('f')"></iframe> <a href="#" onclick="alert('c')">点我</a>

[脚本链接](javascript:alert('j')) [数据链接](data:text/html;base64,PHNjcmlwdD5hbGVydCgnZCcpPC9zY3JpcHQ+)
![图](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoJ3MnKT48L3N2Zz4=) [外链](https://example.org/x)

<svg><script>alert('svg')</script></svg>
"""


def hostile_site(root: Path) -> Path:
    quoted = PAYLOAD.replace('"', '\\"')
    files = {"content/evil.md": "\n".join([
        "---", f'title: "标题{quoted}"', f'subtitle: "副题{quoted}"', "city: 沈阳", f'district: "{quoted}"',
        "date: 2020-02-11", f'source: "来源{quoted}"', 'author: "\\"><script>alert(1)</script>"',
        f'captions: ["图说{quoted}"]', f'review: ["{quoted}"]', "---", "", HOSTILE_BODY])}
    files["content/other.md"] = article_md(title="另一篇", body="党员冲在前，另一篇文章。")
    return make_site(root, files)


def test_hostile_article_runs_nothing(tmp_path, page, serve_dir):
    report, public = build_project(hostile_site(tmp_path / "site"))
    assert report.ok, [str(e) for e in report.errors]
    dialogs, outside = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    pages = [*sorted((public / "articles").rglob("evil*.html")), public / "index.html",
             public / "cities" / "shenyang.html"]
    for html in pages:
        page.goto(html.as_uri())
        assert page.locator("script:not([src]):not([type='application/ld+json'])").count() == 0
        assert page.locator("[onerror], [onload], [onclick], iframe").count() == 0
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert not any(h.strip().lower().startswith(("javascript:", "data:")) for h in hrefs)
    for base in (public.as_uri() + "/", serve_dir(public)):  # offline index, then Pagefind
        page.goto(base + "search.html?q=alert")
        page.locator("#status").filter(has_text="找到").wait_for()
        assert page.locator("#results mark").count() > 0  # the payload shows as text, marked
        assert page.locator("#results a.hit").first.inner_text() == f"标题{PAYLOAD}"
    assert dialogs == [] and page.errors == []
    assert all(u.startswith("http://127.0.0.1") for u in outside)  # only the local server
    text = (public / "articles" / "evil.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in text and "<script>alert" not in text
    assert "https://example.org/x" in text  # ordinary links survive


def test_every_page_has_the_content_security_policy(built_site):
    for html in built_site.rglob("*.html"):
        head = html.read_text(encoding="utf-8")[:2000]
        assert "Content-Security-Policy" in head and "script-src 'self' 'wasm-unsafe-eval'" in head, html


def _snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_clean_builds_are_byte_identical(tmp_path):
    root = copy_project(tmp_path / "site")
    report_a, a = build_project(root, out=tmp_path / "a")
    report_b, b = build_project(root, out=tmp_path / "b")
    assert report_a.ok and report_b.ok
    assert _snapshot(a) == _snapshot(b)
    # without the cache Pagefind runs again: everything we write ourselves is still identical
    import shutil
    shutil.rmtree(root / ".cache")
    _report_c, c = build_project(root, out=tmp_path / "c")
    assert ours(_snapshot(c)) == ours(_snapshot(a))
    for year in json.loads((a / "pagefind" / "shards.json").read_text(encoding="utf-8")):
        assert ((c / "pagefind" / year / "pagefind.js").read_bytes()
                == (a / "pagefind" / year / "pagefind.js").read_bytes())


def ours(snapshot: dict) -> dict:
    """Everything but what Pagefind writes (an index a year, in pagefind/<year>/)."""
    return {k: v for k, v in snapshot.items() if not re.match(r"pagefind/[^/]+/", k)}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_a_killed_build_leaves_public_as_it_was(tmp_path, sig):
    files = {f"content/a{i:03d}.md": article_md(title=f"文章{i}", body="党员冲在前，社区防控。" * 200)
             for i in range(300)}
    root = make_site(tmp_path / "site", files)
    assert run_cli(cwd=root).returncode == 0
    before = _snapshot(root / "public")
    (root / "content" / "a000.md").write_text(article_md(title="改过的标题", body="新内容"), encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(REPO / "build.py")], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while not (list(root.glob(".public.building-*")) and records_folders(root / ".cache", process.pid)) \
            and time.time() < deadline:
        time.sleep(0.02)
    killed = records_folders(root / ".cache", process.pid)  # its search records
    time.sleep(0.3)
    process.send_signal(sig)
    process.wait(timeout=60)
    assert process.returncode != 0
    assert _snapshot(root / "public") == before
    if sig == signal.SIGINT:
        assert not list(root.glob(".public.building-*"))
    result = run_cli(cwd=root)  # the next build cleans up and succeeds
    assert result.returncode == 0, result.stderr
    assert killed and not any(folder.exists() for folder in killed)
    assert "改过的标题" in (root / "public" / "articles" / "a000.html").read_text(encoding="utf-8")
    deadline = time.time() + 30  # the old site is deleted by an idle background process
    while list(root.glob(".public.*")) and time.time() < deadline:
        time.sleep(0.1)
    assert not list(root.glob(".public.*"))


def test_curator_edits_survive_imports_and_builds(tmp_path):
    root = copy_project(tmp_path / "site", with_content=False)
    assert run_cli(cwd=root).returncode == 0
    content = root / "content"
    edited = next(p for p in content.glob("*.md") if "ba-chu-xin" in p.name)
    sibling = next(p for p in content.glob("*.md") if "fu-shun-ge-ji" in p.name)  # same seed
    text = edited.read_text(encoding="utf-8").replace("source: 未注明", "source: 辽宁日报")
    edited.write_text(text, encoding="utf-8")
    assert run_cli(cwd=root).returncode == 0
    assert run_cli("import", cwd=root).returncode == 0
    assert edited.read_text(encoding="utf-8") == text
    seed = root / "seeds" / "001_d65a43b0fd7516ed.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("卢长彬不是一个人在战斗。", "卢长彬从不是一个人在战斗。"),
                    encoding="utf-8")
    result = run_cli(cwd=root)
    assert result.returncode == 0
    assert edited.read_text(encoding="utf-8") == text  # both changed: the edit is kept, with a warning
    assert "kept your edit" in result.stderr and edited.name in result.stderr
    assert "从不是" not in edited.read_text(encoding="utf-8")
    import hashlib
    new_hash = hashlib.sha256(seed.read_bytes()).hexdigest()
    assert f"seed_sha256: {new_hash}" in sibling.read_text(encoding="utf-8")  # unedited: regenerated
    assert len(list(content.glob("*.md"))) == 16
    assert "辽宁日报" in (root / "public" / "articles" / f"{edited.stem}.html").read_text(encoding="utf-8")


def test_incremental_build_equals_clean_build(tmp_path):
    root = copy_project(tmp_path / "site")
    assert run_cli(cwd=root).returncode == 0
    edited = next((root / "content").glob("2020-02-18-jia-gu-*.md"))
    edited.write_text(edited.read_text(encoding="utf-8").replace("加固抗击疫情的城乡安全防线", "加固城乡安全防线"),
                      encoding="utf-8")
    (root / "content" / "new.md").write_text(article_md(title="新增的一篇", city="铁岭", body="铁岭党员。"),
                                             encoding="utf-8")
    result = run_cli(cwd=root)  # incremental: most pages are linked from the last build
    assert result.returncode == 0, result.stderr
    report, clean = build_project(root, out=tmp_path / "clean")  # from nothing, same cache
    assert report.ok
    assert _snapshot(root / "public") == _snapshot(clean)
    import shutil
    shutil.rmtree(root / ".cache")  # no cache at all: Pagefind runs again (see the determinism test)
    report, bare = build_project(root, out=tmp_path / "bare")
    assert ours(_snapshot(bare)) == ours(_snapshot(clean))


@pytest.mark.parametrize("place, message", [
    ("../pagefind/2020", "refusing to write outside the site: '../pagefind/2020'"),
    ("/tmp/pagefind", "refusing to write outside the site: '/tmp/pagefind'"),
    ("pagefind/2020/../../..", "refusing to write outside the site"),
    ("articles", "two pages want the same output file: articles/a.html"),  # over a page
    ("articles/a.html", "two pages want the same output file: articles/a.html/a.html"),  # a page as a folder
])
def test_the_writer_refuses_an_index_folder_outside_the_site_or_over_a_page(tmp_path, place, message):
    """A year's search index enters the site through the writer, with the checks of any page."""
    index = tmp_path / "index"
    index.mkdir()
    (index / "pagefind.js").write_text("// index", encoding="utf-8")
    (index / "a.html").write_text("not a page", encoding="utf-8")
    writer = SiteWriter(tmp_path / "public")
    try:
        writer.write("articles/a.html", "<p>page</p>")
        with pytest.raises(GazetteError, match=re.escape(message)):
            writer.add_folder(index, place)
        assert (writer.staging / "articles" / "a.html").read_text(encoding="utf-8") == "<p>page</p>"
        assert not (tmp_path / "pagefind").exists() and not Path("/tmp/pagefind").exists()
        writer.add_folder(index, "pagefind/2020")  # where nothing else is: taken
        assert (writer.staging / "pagefind" / "2020" / "pagefind.js").is_file()
        with pytest.raises(GazetteError, match=re.escape("two pages want the same output file: pagefind/2020/a.html")):
            writer.write("pagefind/2020/a.html", "<p>page</p>")  # and nothing is written over it
    finally:
        writer.abandon()
