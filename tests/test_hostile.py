"""Hostile and broken inputs: a one-line `path:line: message` (or a listed warning), exit 1 for
errors, never a traceback or a hang, nothing published from outside the project. A test per kind."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, article_md, make_site, run_cli, run_process
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gazette import frontmatter, importer
from gazette.check import check
from gazette.content import load_content
from gazette.errors import GazetteError, Report
from gazette.importer import ContentIndex, import_seeds, read_sidecar
from gazette.project import Project
from gazette.read import decode_bytes
from gazette.settings import load_settings

GOOD = article_md(title="好文章", body="党员冲在前。")
SECRET = "SECRET-不该发布的内容"
SEED = "防控一线党旗红\n本报讯 沈阳市党员冲在前，社区防控有序，居民生活平稳。\n"


def errors(result: subprocess.CompletedProcess) -> list[str]:
    """The error lines of a run that failed as it should: exit 1, no traceback, one line each."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert lines and all(len(line) < 400 for line in lines), result.stderr
    return lines


def tree(folder: Path, leave_out: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file below `folder` by its hash (links and FIFOs by what they are), but what is in
    the folders `leave_out` (relative to `folder`)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if any(rel == x or rel.startswith(x + "/") for x in leave_out):
            continue
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[rel] = "folder" if path.is_dir() else "special"
    return out


def published(public: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in public.rglob("*") if p.is_file())


# --- YAML: aliases, nesting and size bounded before anything is built --------------------------

def alias_bomb() -> str:
    """About 400 bytes of aliases that expand to 9^9 strings."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\ntitle: *a8\n"


SHAPES = {
    "alias bomb": (alias_bomb(), "an alias (*a0) is not allowed"),
    "aliases to a big string": ("big: &big " + "x" * 200_000 + "\ncaptions: [" + ", ".join(["*big"] * 2000) + "]\n",
                                "an alias (*big) is not allowed"),
    "deep flow nesting": ("title: " + "[" * 100_000 + "]" * 100_000 + "\n", "nested more than 16 levels deep"),
    "deep block nesting": ("title:\n" + "".join("  " * i + "-\n" for i in range(1, 200)), "nested more than 16"),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_yaml_bombs_fail_fast_with_file_and_line(shape):
    text, expected = SHAPES[shape]
    started = time.perf_counter()
    with pytest.raises(GazetteError) as caught:
        frontmatter.load_yaml(text, "content/x.md", first_line=2)
    assert time.perf_counter() - started < 0.5
    assert expected in str(caught.value) and str(caught.value).startswith("content/x.md:")


def test_yaml_bombs_in_every_kind_of_yaml_file(tmp_path):
    """Front matter (build and check as processes), site.yaml and a seed's sidecar."""
    bomb = alias_bomb()
    root = make_site(tmp_path / "site", {"content/good.md": GOOD,
                                         "content/bomb.md": "---\n" + bomb + "city: 沈阳\n---\n\n正文\n",
                                         "content/deep.md": "---\ntitle: " + "[" * 100_000 + "\n---\n"})
    for command in (["check"], ["build", "--force"]):
        started = time.perf_counter()
        lines = errors(run_process(*command, cwd=root))
        assert time.perf_counter() - started < 30
        assert any(line.startswith("error: content/bomb.md:3: invalid YAML: an alias (*a0)") for line in lines), lines
        assert any(line.startswith("error: content/deep.md:2: invalid YAML: nested more") for line in lines), lines
    (root / "site.yaml").write_text(bomb, encoding="utf-8")
    with pytest.raises(GazetteError, match=r"site.yaml:2: invalid YAML: an alias"):
        load_settings(root / "site.yaml", Report())
    (root / "seeds").mkdir()
    (root / "seeds" / "a.txt").write_text(SEED, encoding="utf-8")
    (root / "seeds" / "a.yaml").write_text("title: " + "{a: " * 50_000 + "\n", encoding="utf-8")
    with pytest.raises(GazetteError, match=r"a.yaml:1: invalid YAML: nested more"):
        read_sidecar(root / "seeds" / "a.txt")


# --- Inputs: regular files inside the project only ---------------------------------------------

def test_links_out_fifos_and_folders_are_refused_not_read(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n" + SEED, encoding="utf-8")
    root = make_site(tmp_path / "site", {"content/good.md": GOOD})
    assert run_cli(cwd=root).returncode == 0
    before = tree(root / "public")
    (root / "content" / "link.md").symlink_to(outside / "secret.txt")
    os.mkfifo(root / "content" / "fifo.md")
    (root / "content" / "folder.md").mkdir()
    (root / "layouts" / "static" / "leak.css").symlink_to(outside / "secret.txt")
    os.mkfifo(root / "layouts" / "static" / "pipe.css")
    (root / "layouts" / "robots.txt").unlink()
    (root / "layouts" / "robots.txt").symlink_to(outside / "secret.txt")
    for command in (["check"], ["build", "--force"]):
        lines = errors(run_process(*command, cwd=root))  # its timeout: a FIFO must not block
        expected = [
            "error: content/fifo.md: refusing to read it: a named pipe (FIFO), not a regular file",
            "error: content/folder.md: refusing to read it: a folder, not a regular file",
            f"error: content/link.md: refusing to read it: a link to {outside / 'secret.txt'}, outside the project",
            f"error: {root}/layouts/static/leak.css: refusing to read it: a link to {outside / 'secret.txt'}",
            f"error: {root}/layouts/static/pipe.css: refusing to read it: a named pipe (FIFO)",
            f"error: {root}/layouts/robots.txt: refusing to read it: a link to",
        ]
        for start in expected:
            assert any(line.startswith(start) for line in lines), (start, lines)
    assert tree(root / "public") == before
    assert SECRET not in published(root / "public")
    assert (outside / "secret.txt").read_text(encoding="utf-8").startswith(SECRET)


def test_a_seed_linked_out_of_the_project_is_listed_and_not_published(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n" + SEED, encoding="utf-8")
    root = make_site(tmp_path / "site", {"content/good.md": GOOD, "seeds/ok.txt": SEED})
    (root / "seeds" / "leak.txt").symlink_to(outside / "secret.txt")
    (root / "seeds" / "ok.yaml").symlink_to(outside / "secret.txt")
    os.mkfifo(root / "seeds" / "pipe.txt")
    result = run_cli(cwd=root)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    for name in ("leak.txt", "ok.yaml"):
        assert f"warning: {root}/seeds/{name}: refusing to read it: a link to {outside / 'secret.txt'}" \
               in result.stderr, result.stderr
    assert f"warning: {root}/seeds/pipe.txt: refusing to read it: a named pipe (FIFO)" in result.stderr
    assert SECRET not in published(root / "public")
    assert not any(SECRET in p.read_text(encoding="utf-8") for p in (root / "content").glob("*.md"))
    checked = run_cli("check", cwd=root)
    assert "Traceback" not in checked.stderr and checked.stderr.count("refusing to read it") == 3, checked.stderr


def test_file_names_that_cannot_be_written_are_named(tmp_path):
    """Bytes that are not UTF-8, or a newline, in a file name: one line each, no stuck draft."""
    root = make_site(tmp_path / "site", {"content/good.md": GOOD})
    (root / "content" / os.fsdecode(b"\xff.md")).write_text(GOOD, encoding="utf-8")
    (root / "seeds").mkdir()
    for name in (os.fsdecode(b"\xfe.txt"), "new\nline.txt"):
        (root / "seeds" / name).write_text(SEED, encoding="utf-8")
    lines = errors(run_cli(cwd=root))
    assert lines == ["error: content/\\udcff.md:2: file name '\\udcff' is not a valid slug (no '/', '\\', '..', spaces "
                     "or other characters) (hint: use lowercase ASCII letters, digits and '-')"]
    stderr = run_cli(cwd=root).stderr
    for name in ("\\udcfe.txt", "new\\nline.txt"):
        assert f"warning: {root}/seeds/{name}: the file name holds a control character or bytes that are not UTF-8" \
               in stderr, stderr
    assert sorted(p.name for p in (root / "content").iterdir()) == sorted(["good.md", os.fsdecode(b"\xff.md")])


def test_utf16_without_bom_is_read_and_binary_still_refused():
    text = (REPO / "seeds" / "000_621f419dd56e4dad.txt").read_text(encoding="utf-8")
    for encoding in ("utf-16-le", "utf-16-be"):
        assert decode_bytes(text.encode(encoding), "x.txt")[0] == text.replace("\r\n", "\n")
    for data in (bytes(range(256)) * 8, b"\x80\xff\xfe\x81" * 100, os.urandom(4096)):
        with pytest.raises(GazetteError, match=r"binary file|undecodable bytes"):
            decode_bytes(data, "x.bin")


def test_a_draft_over_the_content_limit_is_not_written(tmp_path, monkeypatch):
    """A long, repetitive seed under the seed limit would make a content file over the content
    limit and stop every later build: the import refuses it by name instead."""
    monkeypatch.setattr(importer, "MAX_CONTENT_BYTES", 20 * 1024)  # the same rule, at a size a test can afford
    (tmp_path / "seeds").mkdir()
    seed = tmp_path / "seeds" / "long.txt"
    seed.write_text("防控一线\n本报讯 " + "沈阳市党员冲在前，社区防控有序。" * 1000 + "\n", encoding="utf-8")
    report = Report()
    assert import_seeds([seed], tmp_path / "content", report) == []
    assert [str(e) for e in report.errors] == [
        f"{seed}: article 1 would make a content file of 47 KB, over the limit of 20 KB: not imported"
        " (hint: split the seed into one file per page)"]


# --- Content fields ------------------------------------------------------------------------------

FIELD_CASES = {
    "content/evil\n.md": (article_md(), "error: content/evil\\n.md:2: file name 'evil\\n' is not a valid slug"),
    "content/long.md": (article_md(slug="a" * 300), "error: content/long.md:6: `slug` 'aaaa"),
    "content/part.md": (article_md(seed="a.txt", seed_part="abc"),
                        "error: content/part.md:7: `seed_part` must be a whole number from 1, not 'abc'"),
    "content/seed.md": (article_md(seed="../../etc/passwd"),
                        "error: content/seed.md:6: `seed` '../../etc/passwd' is not the name of a file in seeds/"),
    "content/far.md": (article_md(date="9999-12-31"), "error: content/far.md:4: date '9999-12-31' is out of range"),
    "content/old.md": (article_md(date="0202-02-02"), "error: content/old.md:4: date '0202-02-02' is out of range"),
    "content/compact.md": (article_md(date="20200101"), "error: content/compact.md:4: invalid date 20200101"),
    "content/week.md": (article_md(date="2020-W01-1"), "error: content/week.md:4: invalid date '2020-W01-1'"),
    "content/wide.md": (article_md(date="２０２０-０２-１１"), "error: content/wide.md:4: invalid date"),
    "content/huge.md": (article_md(title="长" * 5000), "error: content/huge.md:2: `title` is 5000 characters long"),
}


def test_bad_fields_fail_check_and_build_alike(tmp_path):
    """Slugs, types, seed names, dates, sizes: check finds what build fails on, with the same lines."""
    root = make_site(tmp_path / "site", {"content/good.md": GOOD})
    assert run_cli(cwd=root).returncode == 0
    for rel, (text, _) in FIELD_CASES.items():
        (root / rel).write_text(text, encoding="utf-8")
    checked = errors(run_cli("check", cwd=root))
    built = errors(run_cli("build", "--force", cwd=root))
    assert sorted(checked) == sorted(built)
    for _, expected in FIELD_CASES.values():
        assert any(line.startswith(expected) for line in checked), (expected, checked)
    assert len(checked) == len(FIELD_CASES)


@pytest.mark.parametrize("slug", ["evil\n", "a" * 300, "Evil", "a b", "../x"])
def test_new_refuses_a_bad_slug(tmp_path, slug):
    root = make_site(tmp_path / "site", {"content/good.md": GOOD})
    lines = errors(run_cli("new", slug, cwd=root))
    assert lines[0].startswith("error: ") and "is not a valid slug" in lines[0]
    assert sorted(p.name for p in (root / "content").iterdir()) == ["good.md"]


def test_control_characters_are_removed_with_a_warning(tmp_path):
    title = r'"标题\v\f\e[31m\uFFFE\x85\uFDD0结束"'
    root = make_site(tmp_path / "site", {
        "content/a.md": article_md(title=title, source=r'"报社\x01\x7f"', captions=r'["图\x1b说"]',
                                   body="正文\x0b有\x0c控制字符。"),
        "content/b.md": article_md(title="另一篇"),
        "site.yaml": 'title: "选集\\x1b"\n'})
    result = run_cli("--base-url", "https://example.org/x/", cwd=root)
    assert result.returncode == 0, result.stderr
    for line in ("content/a.md:2: removed control characters (U+000B, U+000C, U+001B, U+0085, U+FDD0, U+FFFE)"
                 " from `title`", "content/a.md:5: removed control characters (U+0001, U+007F) from `source`",
                 "content/a.md:6: removed control characters (U+001B) from `captions`",
                 "content/a.md:9: removed control characters (U+000B, U+000C) from the text",
                 f"{root}/site.yaml:1: removed control characters (U+001B) from `title`"):
        assert f"warning: {line}" in result.stderr, result.stderr
    public = root / "public"
    feed = ET.parse(public / "feed.xml")  # well-formed XML
    assert "标题[31m结束" in [e.text for e in feed.iter() if e.tag.endswith("title")]
    control = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
    for path in [*public.rglob("*.html"), public / "feed.xml", public / "search-index.js"]:
        assert not control.search(path.read_text(encoding="utf-8")), path


def test_seed_page_links_are_url_encoded(tmp_path):
    name = "报 #1?x=%41.txt"
    root = make_site(tmp_path / "site", {f"seeds/{name}": SEED})
    result = run_cli(cwd=root)
    assert result.returncode == 0, result.stderr
    [article] = list((root / "public" / "articles").glob("*.html"))
    soup = BeautifulSoup(article.read_text(encoding="utf-8"), "html.parser")
    [link] = [a["href"] for a in soup.select("a[href]") if "seeds/" in a["href"]]
    assert link == "../seeds/%E6%8A%A5%20%231%3Fx%3D%2541.txt.html"
    target = article.parent / urllib.parse.unquote(urllib.parse.urlsplit(link).path)
    assert target.resolve() == (root / "public" / "seeds" / f"{name}.html").resolve() and target.is_file()
    assert run_cli("check", cwd=root).returncode == 0


# --- Seeds, sidecars and drafts: no stale state, no second draft, no article twice --------------

def test_a_bad_sidecar_is_named_and_fixing_it_builds_again(tmp_path):
    root = make_site(tmp_path / "site", {"seeds/a.txt": SEED, "seeds/a.yaml": "city: 沈阳\nsource: [a, b]\n"})
    result = run_cli(cwd=root)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert f"warning: {root}/seeds/a.yaml:2: `source` must be text, not list" in result.stderr, result.stderr
    assert not list((root / "content").glob("*.md"))
    assert f"{root}/seeds/a.yaml:2: `source` must be text, not list" in run_cli("check", cwd=root).stderr
    (root / "seeds" / "a.yaml").write_text("city: 沈阳\nsource: 沈阳日报\ndate: 2020-02-11\n", encoding="utf-8")
    result = run_cli(cwd=root)
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    [draft] = (root / "content").glob("*.md")
    assert "source: 沈阳日报" in draft.read_text(encoding="utf-8")
    assert run_cli("check", cwd=root).returncode == 0


def test_a_broken_curator_file_blocks_a_second_draft(tmp_path):
    root = make_site(tmp_path / "site", {"seeds/a.txt": SEED})
    assert run_cli(cwd=root).returncode == 0
    [draft] = (root / "content").glob("*.md")
    edited = draft.read_text(encoding="utf-8").replace("title: ", "title: [未闭合 ", 1)  # a YAML typo
    draft.write_text(edited, encoding="utf-8")
    (root / "seeds" / "a.txt").write_text(SEED + "记者 张三\n", encoding="utf-8")  # the seed changes meanwhile
    lines = errors(run_cli(cwd=root))
    assert any(line.startswith(f"error: content/{draft.name}:") and "invalid YAML" in line for line in lines)
    assert list((root / "content").glob("*.md")) == [draft]
    assert draft.read_text(encoding="utf-8") == edited
    assert ContentIndex.scan(root / "content").by_part == {("a.txt", 1): draft}


def test_one_article_of_a_seed_is_never_published_twice(tmp_path):
    root = make_site(tmp_path / "site", {"content/a.md": article_md(seed="s.txt", seed_part=1),
                                         "content/b.md": article_md(seed="s.txt", seed_part=1, title="副本"),
                                         "content/c.md": article_md(seed="s.txt", seed_part=2, title="第二篇")})
    lines = errors(run_cli("check", cwd=root))
    assert lines == ["error: content/b.md: the same article as content/a.md: both come from part 1 of seed 's.txt'"
                     " (hint: keep one of the two files (delete the other), or give one another `seed_part`)"]
    assert errors(run_cli(cwd=root)) == lines


# --- serve -----------------------------------------------------------------------------------------

class Server:
    """`build.py serve` as a process on a free port; its stderr is collected as it comes."""

    def __init__(self, root: Path):
        self.process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--port", "0"], cwd=root,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.err: list[str] = []
        threading.Thread(target=lambda: self.err.extend(self.process.stderr), daemon=True).start()
        line = ""
        while "serving" not in line:
            line = self.process.stdout.readline()
            assert line or self.process.poll() is None, "".join(self.err)
        self.base = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)

    def wait_for(self, text: str, seconds: float = 30) -> bool:
        deadline = time.monotonic() + seconds
        while text not in "".join(self.err) and time.monotonic() < deadline and self.process.poll() is None:
            time.sleep(0.1)
        return text in "".join(self.err)

    def stop(self) -> str:
        self.process.terminate()
        self.process.wait(timeout=30)
        return "".join(self.err)


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def raw_request(base: str, target: bytes) -> bytes:
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(b"GET " + target + b" HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := conn.recv(65536):  # all of it: a client that hangs up early is another case
            answer += chunk
        return answer


def test_serve_refuses_junk_urls_links_out_and_a_busy_port(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    root = make_site(tmp_path / "site", {"content/good.md": GOOD})
    server = Server(root)
    try:
        base = server.base
        (root / "public" / "leak.txt").symlink_to(outside / "secret.txt")
        (root / "public" / "static" / "leak").symlink_to(outside)
        for url in ("leak.txt", "static/leak/secret.txt", "%00", "index.html%00.txt", "%ff%fe", "..%2f..%2fetc/passwd"):
            assert status(base + url) in (400, 404), url
        for target in (b"/\x00", b"/a\x00b.html", b"/\xff\xfe", b"//etc/passwd", b"/" + b"a" * 5000):
            assert raw_request(base, target).split(b" ")[1] in (b"400", b"404", b"414"), target
        assert status(base + "articles/good.html") == 200
        port = urllib.parse.urlsplit(base).port
        busy = run_process("serve", "--port", str(port), cwd=root)
        assert busy.returncode == 1 and busy.stderr.startswith(
            f"error: cannot serve on 127.0.0.1:{port}: Address already in use (hint: "), busy.stderr
        assert len(busy.stderr.splitlines()) == 1
        (root / "content" / "deep.md").write_text("---\ntitle: " + "[" * 100_000 + "\n---\n", encoding="utf-8")
        assert server.wait_for("content/deep.md:2: invalid YAML: nested more than 16 levels deep")
        assert server.process.poll() is None  # the server lives on
        assert status(base + "articles/good.html") == 200
    finally:
        err = server.stop()
    assert "Traceback" not in err, err


def test_serve_builds_again_when_public_is_deleted(tmp_path):
    root = make_site(tmp_path / "site", {"content/good.md": GOOD})
    server = Server(root)
    try:
        shutil.rmtree(root / "public")
        assert status(server.base + "articles/good.html") == 200
        assert (root / "public" / "articles" / "good.html").is_file()
    finally:
        err = server.stop()
    assert "Traceback" not in err, err


# --- The property: whatever the front matter, only GazetteError, and nothing else changes ----------

yaml_values = st.one_of(
    st.sampled_from(["沈阳", "好标题", "null", "[a, b]", "{x: 1}", "123", "true", "''", "-1", "0",
                     "&a x", "*a", "&b [1, 2]", "*b", "[*a, *a]", "!!binary aGVsbG8=", "!!python/object:os.system"]),
    st.integers(1, 60).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 60).map(lambda n: "{a: " * n + "1" + "}" * n),
    st.sampled_from(["\\v", "\\f", "\\e", "\\uFFFE", "\\x85", "\\x01", "\\0", "\\uFDD0", "\\x9f"])
    .map(lambda c: f'"标题{c}尾"'),
    st.sampled_from([1, 1000, 100_000]).map(lambda n: "长" * n),
    st.sampled_from(["9999-12-31", "20200101", "2020-W01-1", "0000-01-01", "2020-02-30", "2020", "2020-13",
                     "1948-12-31", "2020-02-11", "2020-02", "'2020-02-11'", "2020-02-11T10:00:00"]),
    st.text(max_size=12).map(lambda t: '"' + t.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'),
)
keys = st.sampled_from(["title", "city", "date", "source", "slug", "seed", "seed_part", "captions", "review",
                        "date_precision", "province", "script", "author", "x"])
stems = st.sampled_from(["a", "evil\n", "x" * 250, "Ab", "a b", "ok-1", "\x1b", "中文", "-a"])


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory) -> Path:
    top = tmp_path_factory.mktemp("property")
    (top / "outside").mkdir()
    (top / "outside" / "secret.txt").write_text(SECRET, encoding="utf-8")
    return make_site(top / "site", {"content/good.md": GOOD})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(files=st.lists(st.tuples(stems, st.lists(st.tuples(keys, yaml_values), max_size=8)), min_size=1, max_size=3))
def test_any_front_matter_gives_articles_or_our_errors_and_changes_nothing_else(hostile_root, files):
    content = hostile_root / "content"
    for path in content.iterdir():
        if path.name != "good.md":
            path.unlink()
    for stem, fields in files:
        lines = ["---", *(f"{key}: {value}" for key, value in fields), "---", "", "正文。"]
        (content / f"{stem}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = tree(hostile_root.parent, leave_out=("site/public", "site/.cache"))
    report = Report()
    try:
        load_content(content, hostile_root, report)
        check(Project(hostile_root), report)
    except GazetteError:
        pass
    assert all(isinstance(e, GazetteError) and "\n" not in str(e) for e in report.errors + report.warnings)
    assert tree(hostile_root.parent, leave_out=("site/public", "site/.cache")) == before
