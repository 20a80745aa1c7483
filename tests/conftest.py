"""Fixtures: real sites built in temporary folders, and a static server for the browser."""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gazette import cli  # noqa: E402
from gazette.build import build  # noqa: E402
from gazette.errors import Report  # noqa: E402
from gazette.project import Project  # noqa: E402


def copy_project(target: Path, with_content: bool = True) -> Path:
    """A copy of this repository's collection (seeds, content, layouts, settings)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ["seeds", "layouts"] + (["content"] if with_content else []):
        shutil.copytree(REPO / name, target / name)
    shutil.copy(REPO / "site.yaml", target / "site.yaml")
    return target


def build_project(root: Path, **kwargs) -> tuple[Report, Path]:
    report = Report()
    project = Project(root, **kwargs)
    build(project, report)
    return report, project.public


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The command line run in this process (`build.py ARGS` in `cwd`): what it prints and its
    exit code, without a new interpreter loading the libraries again for every call."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(["--root", str(cwd), *map(str, args)])
        except SystemExit as exc:  # argparse's refusals
            code = exc.code
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def run_process(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`build.py ARGS` as its own process: for what must not hang or crash the test run (a FIFO,
    a YAML bomb, a server), and for what only a process shows."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def make_site(root: Path, files: dict[str, str], layouts: bool = True) -> Path:
    """A small project from a dict of files (paths relative to the project)."""
    root.mkdir(parents=True, exist_ok=True)
    if layouts:
        shutil.copytree(REPO / "layouts", root / "layouts")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def article_md(title="测试文章", city="沈阳", date="2020-02-11", source="测试报", body="正文内容。", **extra) -> str:
    lines = ["---", f"title: {title}", f"city: {city}", f"date: {date}", f"source: {source}"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join([*lines, "---", "", body, ""])


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real collection, imported from scratch and built once for the session."""
    root = copy_project(tmp_path_factory.mktemp("site"), with_content=False)
    report, public = build_project(root)
    assert report.ok, [str(e) for e in report.errors]
    return public


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def serve_dir():
    """serve_dir(folder, prefix) -> base URL of `folder` served on 127.0.0.1 under `prefix`."""
    servers = []

    def start(folder: Path, prefix: str = "/") -> str:
        mount = folder
        if prefix != "/":
            mount = folder.parent / f"mount-{folder.name}"
            (mount / prefix.strip("/")).parent.mkdir(parents=True, exist_ok=True)
            if not (mount / prefix.strip("/")).exists():
                (mount / prefix.strip("/")).symlink_to(folder)
        handler = functools.partial(_QuietHandler, directory=str(mount))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}{prefix}"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()
