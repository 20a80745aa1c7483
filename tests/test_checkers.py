"""Checkers nobody here wrote, over every page of a built site: the Nu HTML Checker (npm
`vnu-jar`, on Debian's Java) and axe-core (npm `axe-core`, injected into Chromium).

`make test` installs both into tools/checkers/node_modules (npm ci) and Java with apt.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, build_project, copy_project
from playwright.sync_api import expect

CHECKERS = REPO / "tools" / "checkers" / "node_modules"
VNU = CHECKERS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = CHECKERS / "axe-core" / "axe.min.js"

BASE = "https://user.github.io/repo/"
# vnu warnings that say nothing about the pages:
IGNORED_WARNINGS = [
    # it checks files, whose origin is no 'self': every stylesheet and script of ours looks blocked
    # (relative, or absolute from the base_url in 404.html)
    re.compile(r"^Resource violates Content Security Policy \(meta tag\): external (stylesheet|script) "
               rf"“((\.\./)*(\./)?|{re.escape(BASE)})(static|pagefind)/"),
    # JSON-LD is a data block, which no browser runs, but vnu applies script-src to it
    re.compile(r"^Inline script violates Content Security Policy"),
    # characters of the Private Use Area come from damaged source text, shown marked as garbled
    re.compile(r"^Document uses the Unicode Private Use Area"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The real collection with a base_url, so canonical links, JSON-LD and the 404's absolute
    links are checked too."""
    root = copy_project(tmp_path_factory.mktemp("checked"))
    report, public = build_project(root, base_url=BASE)
    assert report.ok, [str(e) for e in report.errors]
    return public


def pages(public: Path) -> list[Path]:
    return sorted(public.rglob("*.html"))


def test_every_page_is_valid_html(site):
    java = shutil.which("java")
    if not VNU.is_file() or not java:
        pytest.fail("vnu-jar or Java missing: run `make test` (npm ci in tools/checkers, apt default-jre-headless)")
    files = [str(p) for p in pages(site)]
    # one JVM for every page: starting Java costs more than checking a page
    run = subprocess.run([java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", *files],
                         capture_output=True, text=True, timeout=600)
    messages = json.loads(run.stderr)["messages"]
    problems = [f"{m.get('url', '').split(site.name + '/', 1)[-1]}:{m.get('lastLine', '?')}: {m['type']}: "
                f"{m['message']}"
                for m in messages
                if m["type"] != "info" or (m.get("subType") == "warning"
                                           and not any(p.search(m["message"]) for p in IGNORED_WARNINGS))]
    assert not problems, "\n".join(problems)
    assert len(files) > 50


def test_no_serious_axe_violations_on_any_page(site, browser, serve_dir):
    if not AXE.is_file():
        pytest.fail("axe-core missing: run `make test` (npm ci in tools/checkers)")
    base = serve_dir(site)
    # axe comes with every page (an init script: twice as fast as adding it after the load);
    # bypass_csp, since the pages' policy forbids any script not of the site
    context = browser.new_context(bypass_csp=True)
    context.add_init_script(AXE.read_text(encoding="utf-8"))
    page = context.new_page()
    problems = []
    try:
        for path in pages(site):
            rel = path.relative_to(site).as_posix()
            page.goto(base + rel, wait_until="load")
            result = page.evaluate("""() => axe.run(document, {resultTypes: ["violations"]})""")
            for v in result["violations"]:
                if v["impact"] in ("serious", "critical"):
                    targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:3]]
                    problems.append(f"{rel}: {v['impact']} {v['id']}: {v['help']} ({'; '.join(targets)})")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
    .observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


@pytest.mark.parametrize("width,height", [(1280, 800), (375, 667)])
@pytest.mark.parametrize("query", ["党员", "没有这样的词"])
def test_search_results_arrive_without_layout_shift(browser, site, serve_dir, width, height, query):
    """Results and filters appear after the page is drawn; nothing visible may move (CLS < 0.1
    is Lighthouse's "good"; we hold it to 0.01)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(serve_dir(site) + "search.html?q=" + query)
        expect(page.locator("#status")).to_have_text(re.compile("找到|没有"))
        assert page.evaluate(LAYOUT_SHIFT) < 0.01
    finally:
        context.close()
