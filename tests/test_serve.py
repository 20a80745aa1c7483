"""Live preview: a change shows in the open page by itself; a bad file shows its error there."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO, article_md, make_site
from playwright.sync_api import expect


def test_serve_rebuilds_reloads_and_survives_errors(tmp_path, page):
    root = make_site(tmp_path / "site", {"content/a.md": article_md(title="第一版标题", body="党员冲在前。")})
    server = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--port", "0"], cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        while "serving" not in line:
            line = server.stdout.readline()
            assert line or server.poll() is None, server.stderr.read()
        base = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        page.goto(base + "articles/a.html")
        expect(page.locator("h1")).to_have_text("第一版标题")
        (root / "content" / "a.md").write_text(article_md(title="第二版标题", body="党员冲在前。"), encoding="utf-8")
        expect(page.locator("h1")).to_have_text("第二版标题", timeout=20000)
        (root / "content" / "a.md").write_text("---\ntitle: [坏\n---\n", encoding="utf-8")
        expect(page.locator("#gazette-errors")).to_contain_text("content/a.md:3: invalid YAML", timeout=20000)
        expect(page.locator("h1")).to_have_text("第二版标题")  # the last good page stays readable
        (root / "content" / "a.md").write_text(article_md(title="第三版标题", body="修好了。"), encoding="utf-8")
        expect(page.locator("h1")).to_have_text("第三版标题", timeout=20000)
        expect(page.locator("#gazette-errors")).to_have_count(0)
        assert server.poll() is None  # still serving
        built = (root / "public" / "articles" / "a.html").read_text(encoding="utf-8")
        assert "第三版标题" in built and "__gazette" not in built  # the live script is never written
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert "invalid YAML" in server.stderr.read()
