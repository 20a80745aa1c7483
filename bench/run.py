"""`make bench`: build synthetic collections with this project, Hugo and Pelican; write RESULTS.md.

Same Markdown for all three (bench/synth.py); each generator is followed by the same
Pagefind step. Times are wall-clock seconds of one run on this machine; peak memory is the
largest total of the process tree at one moment (bench/measure.py).
"""

from __future__ import annotations

import datetime as dt
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work"
ASIDE = WORK / ".set-aside"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

from synth import articles, write_collection  # noqa: E402

from gazette import __version__  # noqa: E402
from gazette.content import load_content  # noqa: E402
from gazette.errors import Report  # noqa: E402
from gazette.indexing import shards  # noqa: E402
from gazette.model import Collection  # noqa: E402
from gazette.prepare import prepare_all  # noqa: E402
from gazette.script import HAN_CHARS  # noqa: E402
from gazette.search import PAGEFIND_LANGUAGE, pagefind_binary, write_records  # noqa: E402

SIZES = [int(n) for n in sys.argv[1:]] or [1000, 5000]
BESIDE_HAN = re.compile(f"(?<=[{HAN_CHARS}]) | (?=[{HAN_CHARS}])")


def set_aside(folder: Path) -> None:
    """Move a folder out of the way, to be deleted once everything is timed (delete_set_aside).

    Deleting thousands of files slows the file creations of the next minutes on this
    machine's disk (ext4 without a journal passes over recently deleted inodes): a build
    timed just after deleting the last run's output would pay for it, each generator in
    proportion to how much that was.
    """
    if folder.exists():
        ASIDE.mkdir(parents=True, exist_ok=True)
        folder.rename(ASIDE / f"{folder.name}-{time.time_ns()}")


def delete_set_aside() -> None:
    shutil.rmtree(ASIDE, ignore_errors=True)


def settle(folder: Path) -> None:
    """Wait until the last build's old site, deleted in the background, is gone."""
    deadline = time.time() + 120
    while list(folder.glob(".public.retired-*")) and time.time() < deadline:
        time.sleep(0.2)


def measure(command: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak MB) of one command."""
    settle(cwd)
    out = subprocess.run([sys.executable, str(BENCH / "measure.py"), str(cwd), *command],
                         capture_output=True, text=True)
    seconds, peak_kb, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"failed: {' '.join(command)}\n{out.stderr}")
    return float(seconds), int(peak_kb) / 1024


def pagefind(site: Path, language: str | None = PAGEFIND_LANGUAGE) -> tuple[float, float]:
    """Pagefind on a folder of pages: on our records as our build calls it; on Hugo's and
    Pelican's pages (language None) as their users would, reading <html lang="zh-Hans">."""
    set_aside(site / "pagefind")
    forced = ["--force-language", language] if language else []
    return measure([str(pagefind_binary()), "--site", str(site), *forced, "--silent"], site)


def search_records(root: Path, target: Path) -> list[Path]:
    """The records our build gives Pagefind (its cache has them), one folder a year; their folders."""
    set_aside(target)
    articles = load_content(root / "content", root, Report(), root / ".cache" / f"content-{__version__}.pickle")
    prepared = prepare_all(articles, root / ".cache" / f"prepared-{__version__}.pickle")
    for name, group in shards(Collection.build(articles)).items():
        write_records(target / name, ((a, prepared[a.slug].record) for a in group))
    return sorted(target.iterdir())


def plus(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return a[0] + b[0], max(a[1], b[1])


def ours(n: int) -> dict:
    root = WORK / f"ours-{n}"
    set_aside(root)
    write_collection(root, n)
    build = [sys.executable, str(REPO / "build.py"), "--root", str(root)]
    results = {"clean": measure(build, root), "noop": measure(build, root)}
    changed = root / "content" / "a00007.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n新增一段：党员志愿者继续坚守。\n", encoding="utf-8")
    results["one"] = measure(build, root)
    years = search_records(root, WORK / f"pagefind-{n}")
    together = WORK / f"pagefind-{n}-together"  # every record in one index
    set_aside(together)
    for year in years:
        shutil.copytree(year / "articles", together / "articles", dirs_exist_ok=True)
    results["pagefind"] = pagefind(together)
    if n == max(SIZES):
        results.update(pagefind_experiments(together, years))
        results["offline"] = offline_search(root / "public")
    return results


# From submitting the form to the results list being filled, measured in the page.
TIME_QUERY = """async (query) => {
  const results = document.getElementById("results");
  results.textContent = "";
  document.getElementById("q").value = query;
  const started = performance.now();
  const shown = new Promise((resolve) => {
    const watch = new MutationObserver(() => {
      if (results.children.length) { watch.disconnect(); resolve(performance.now() - started); }
    });
    watch.observe(results, { childList: true });
  });
  document.getElementById("search-form").requestSubmit();
  return await shown;
}"""


def search_times(url: str) -> tuple[float, float]:
    """Seconds from opening the search page with a query to its results, and the slowest of
    five more queries (ms), in Chromium."""
    from playwright.sync_api import sync_playwright
    times: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        started = time.perf_counter()
        page.goto(url + "?q=" + "党员")
        page.locator("#status").filter(has_text="找到").wait_for(timeout=60000)  # index loaded
        first = time.perf_counter() - started
        for query in ["社区", "核酸检测", "第一书记", "沈阳 党员", "铁岭县"]:
            times.append(page.evaluate(TIME_QUERY, query))
        browser.close()
    return first, max(times)


def offline_search(public: Path) -> dict:
    """The offline index (search-index.js) from disk, and Pagefind's indexes over http."""
    import functools
    import http.server
    import threading
    size = (public / "search-index.js").stat().st_size
    offline = search_times((public / "search.html").as_uri())
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(public)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        online = search_times(f"http://127.0.0.1:{server.server_address[1]}/search.html")
    finally:
        server.shutdown()
    return {"size_mb": size / 1024 / 1024, "query_ms": offline[1], "online_first_s": online[0],
            "online_query_ms": online[1]}


def pagefind_experiments(together: Path, years: list[Path]) -> dict:
    """What we control of Pagefind's cost: how the records are split, what they hold."""
    script = ("import subprocess, sys; from concurrent.futures import ThreadPoolExecutor as P; "
              "run = lambda d: subprocess.run([sys.argv[1], '--site', d, '--output-path', d + '/pagefind', "
              "'--force-language', sys.argv[2], '--silent'], check=True); "
              "list(P(2).map(run, sys.argv[3:]))")
    by_year = measure([sys.executable, "-c", script, str(pagefind_binary()), PAGEFIND_LANGUAGE,
                       *[str(y) for y in years]], together)
    biggest = max(years, key=lambda y: len(list((y / "articles").iterdir())))
    one_year = pagefind(biggest)
    words = WORK / "pagefind-words"  # the same text as jieba's words: the spaces beside Han characters out
    set_aside(words)
    (words / "articles").mkdir(parents=True)
    for page in (together / "articles").glob("*.html"):
        (words / "articles" / page.name).write_text(BESIDE_HAN.sub("", page.read_text(encoding="utf-8")),
                                                    encoding="utf-8")
    return {"pf_years": [y.name for y in years], "pf_by_year": by_year, "pf_biggest_year": (biggest.name, one_year),
            "pf_as_zh": pagefind(together, "zh"), "pf_words": pagefind(words, "zh")}


def hugo(n: int) -> dict:
    root = WORK / f"hugo-{n}"
    set_aside(root)
    shutil.copytree(BENCH / "hugo", root)
    posts = root / "content" / "articles"
    posts.mkdir(parents=True)
    for slug, meta, body in articles(n):
        head = yaml.safe_dump({**{k: v for k, v in meta.items() if v}, "slug": slug}, allow_unicode=True,
                              sort_keys=False)
        (posts / f"{slug}.md").write_text(f"---\n{head}---\n\n{body}", encoding="utf-8")
    build = measure(["hugo", "--quiet", "-s", str(root), "-d", str(root / "public")], root)
    return {"clean": build, "with_pagefind": plus(build, pagefind(root / "public", None))}


def pelican(n: int) -> dict:
    root = WORK / f"pelican-{n}"
    set_aside(root)
    shutil.copytree(BENCH / "pelican", root)
    (root / "content").mkdir()
    for slug, meta, body in articles(n):
        head = [f"Title: {meta['title']}", f"Date: {meta['date']}", f"Category: {meta['city']}",
                f"Source: {meta['source']}", f"Slug: {slug}",
                *([f"Author: {meta['author']}"] if meta["author"] else [])]
        (root / "content" / f"{slug}.md").write_text("\n".join(head) + "\n\n" + body, encoding="utf-8")
    pelican_cli = Path(sys.executable).with_name("pelican")
    build = measure([str(pelican_cli), "content", "-s", "pelicanconf.py", "-o", "output", "-q"], root)
    return {"clean": build, "with_pagefind": plus(build, pagefind(root / "output", None))}


def row(name: str, values: dict[int, tuple[float, float]]) -> str:
    cells = " | ".join(f"{values[n][0]:.1f} s · {values[n][1]:.0f} MB" for n in SIZES)
    growth = ""
    if len(SIZES) > 1 and values[SIZES[0]][0] > 0:
        growth = f" | ×{values[SIZES[-1]][0] / values[SIZES[0]][0]:.1f}"
    return f"| {name} | {cells}{growth} |"


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    try:
        results = {n: {"ours": ours(n), "hugo": hugo(n), "pelican": pelican(n)} for n in SIZES}
    finally:
        delete_set_aside()
    big = results[max(SIZES)]
    o, h = big["ours"], big["hugo"]
    header = "| | " + " | ".join(f"{n} articles" for n in SIZES) + (" | growth |" if len(SIZES) > 1 else " |")
    lines = [
        "# Benchmark results", "",
        f"Written by `make bench` on {dt.date.today().isoformat()} ({platform.machine()}, "
        f"{__import__('os').cpu_count()} cores, Python {platform.python_version()}). One run each; wall-clock "
        "seconds, and the peak memory of the process tree: the largest total of its processes' proportional set "
        "sizes at one moment, sampled every 100 ms (`bench/measure.py`). Collections come from the seed "
        "articles' paragraphs (`bench/synth.py`); all generators build the same Markdown.", "",
        header, "|---|" + "---|" * (len(SIZES) + (1 if len(SIZES) > 1 else 0)),
        row("this project: clean build (with Pagefind)", {n: results[n]["ours"]["clean"] for n in SIZES}),
        row("this project: no-op rebuild", {n: results[n]["ours"]["noop"] for n in SIZES}),
        row("this project: one article changed", {n: results[n]["ours"]["one"] for n in SIZES}),
        row("Pagefind alone on our output (one index)", {n: results[n]["ours"]["pagefind"] for n in SIZES}),
        row("Hugo (no Pagefind)", {n: results[n]["hugo"]["clean"] for n in SIZES}),
        row("Hugo + Pagefind", {n: results[n]["hugo"]["with_pagefind"] for n in SIZES}),
        row("Pelican (no Pagefind)", {n: results[n]["pelican"]["clean"] for n in SIZES}),
        row("Pelican + Pagefind", {n: results[n]["pelican"]["with_pagefind"] for n in SIZES}),
        "", f"## Targets at {max(SIZES)} articles", "",
        f"- clean build within 1.2× of Hugo + Pagefind: {o['clean'][0]:.1f} s vs {h['with_pagefind'][0]:.1f} s "
        f"(×{o['clean'][0] / h['with_pagefind'][0]:.2f}) — "
        f"{'met' if o['clean'][0] <= 1.2 * h['with_pagefind'][0] else 'NOT met'}",
        f"- no-op rebuild under 1 s: {o['noop'][0]:.2f} s — {'met' if o['noop'][0] < 1 else 'NOT met'}",
        f"- one changed article under Pagefind alone + 1 s: {o['one'][0]:.1f} s vs {o['pagefind'][0]:.1f} + 1 s — "
        f"{'met' if o['one'][0] < o['pagefind'][0] + 1 else 'NOT met'}",
        "", f"## What we control of Pagefind ({max(SIZES)} articles)", "",
        "| Pagefind run | time · memory |", "|---|---|",
        f"| every record in one index | {o['pagefind'][0]:.1f} s · {o['pagefind'][1]:.0f} MB |",
        f"| as the build makes them: an index a year, two at a time | {o['pf_by_year'][0]:.1f} s · "
        f"{o['pf_by_year'][1]:.0f} MB |",
        f"| the largest year alone ({o['pf_biggest_year'][0]}: what one changed article costs) | "
        f"{o['pf_biggest_year'][1][0]:.1f} s · {o['pf_biggest_year'][1][1]:.0f} MB |",
        f"| every record in one index, told they are zh (charabia cuts them again) | {o['pf_as_zh'][0]:.1f} s · "
        f"{o['pf_as_zh'][1]:.0f} MB |",
        f"| every record in one index, as jieba's words (no exact search) | {o['pf_words'][0]:.1f} s · "
        f"{o['pf_words'][1]:.0f} MB |",
        "", f"## Search in the browser ({max(SIZES)} articles)", "",
        f"- offline, from disk: `search-index.js` is {o['offline']['size_mb']:.1f} MB (the Simplified text of every "
        "article)",
        f"- slowest of five queries, Enter to results shown, in Chromium: {o['offline']['query_ms']:.0f} ms "
        f"(target under 200 ms) — {'met' if o['offline']['query_ms'] < 200 else 'NOT met'}",
        f"- Pagefind over http: {o['offline']['online_first_s']:.1f} s from opening the search page to the "
        f"first results (loading {len(o['pf_years'])} indexes), slowest of five queries "
        f"{o['offline']['online_query_ms']:.0f} ms",
        "",
    ]
    notes = BENCH / "NOTES.md"
    if notes.is_file():
        lines += [notes.read_text(encoding="utf-8")]
    (BENCH / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
