"""The build under faults: nothing lost that it did not make, no partial state trusted, one build at a
time, and a one-line message (no traceback) when the system refuses: a test per kind of fault."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, article_md, make_site, run_cli

from gazette.cache import LOCK_WAIT, project_lock, write_atomic
from gazette.indexing import COMPLETE, RAM, make_records_folder, records_folders, remove_leftovers
from gazette.output import MARKER, MARKER_TEXT
from gazette.project import Project
from gazette.serve import LiveState, rebuild

OUT_HINT = " (hint: choose a new or empty folder, or one made by a build, for --out)\n"
WORD = "党 员"  # in every article below, as a Pagefind query (records space Han characters)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def small_site(root: Path, count: int = 2, years: tuple[int, ...] = (2020,), words: int = 20) -> Path:
    return make_site(root, {f"content/a{i:03d}.md": article_md(
        title=f"文章{i}", date=f"{years[i % len(years)]}-02-11",
        body=f"党员冲在前，社区防控第{i}号。" * words) for i in range(count)})


def build_cli(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), *args], cwd=root, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def search(bundle: Path, query: str = WORD) -> list[str]:
    """The slugs a query finds in a Pagefind bundle loaded as the browser does (its own JS and wasm)."""
    found = subprocess.run(["node", str(REPO / "tests" / "pagefind_search.mjs"), str(bundle), query],
                           capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr[-2000:]
    return json.loads(found.stdout)["slugs"]


def assert_index_whole(public: Path, slugs_by_year: dict[str, list[str]]) -> None:
    """Every year's index has one fragment per article, all its files, and loads and finds them all."""
    assert json.loads((public / "pagefind" / "shards.json").read_text(encoding="utf-8")) == sorted(slugs_by_year,
                                                                                                  reverse=True)
    for year, slugs in slugs_by_year.items():
        bundle = public / "pagefind" / year
        assert len(list((bundle / "fragment").glob("*.pf_fragment"))) == len(slugs), year
        assert list((bundle / "index").glob("*.pf_index")) and list(bundle.glob("*.pf_meta")), year
        assert not (bundle / COMPLETE).exists()  # the cache's mark is not published
        if shutil.which("node"):
            assert search(bundle) == sorted(slugs), year


def slugs_by_year(count: int, years: tuple[int, ...]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for i in range(count):
        groups.setdefault(str(years[i % len(years)]), []).append(f"a{i:03d}")
    return groups


def one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and len(stderr.strip().splitlines()) == 1, stderr
    return errors[0]


# --- nothing deleted that a build did not make -------------------------------------------------

@pytest.mark.parametrize("out, expected", [
    ("../notes", "{notes}: refusing to replace a folder that a build did not make: it holds other files"),
    ("content", "{root}/content: refusing to build the site here: it is in the project's content/"),
    ("content/sub", "{root}/content/sub: refusing to build the site here: it is in the project's content/"),
    (".", "{root}: refusing to build the site here: the folder holds the project"),
    ("..", "{parent}: refusing to build the site here: the folder holds the project"),
    ("site.yaml", "{root}/site.yaml: refusing to replace it: not a folder"),
])
def test_out_refuses_a_folder_the_build_did_not_make(tmp_path, out, expected):
    parent = tmp_path.resolve()
    root = small_site(parent / "site", count=1)
    (root / "site.yaml").write_text("title: 测试\n", encoding="utf-8")
    (parent / "notes").mkdir()
    (parent / "notes" / "todo.txt").write_text("not a site", encoding="utf-8")
    before = snapshot(parent)
    result = run_cli("--out", out, cwd=root)
    assert result.returncode == 1
    assert result.stderr == "error: " + expected.format(root=root, parent=parent, notes=parent / "notes") + OUT_HINT
    assert snapshot(parent) == before and not (root / ".cache").exists()  # nothing deleted, nothing made


def test_out_accepts_an_empty_folder_and_its_own_site(tmp_path):
    root = small_site(tmp_path / "site", count=1)
    out = tmp_path / "empty"
    out.mkdir()
    assert run_cli("--out", "../empty", cwd=root).returncode == 0
    assert (out / MARKER).read_text(encoding="utf-8") == MARKER_TEXT
    assert not list(out.glob(".gazette-build*"))  # the build's state is in .cache/, not published
    assert run_cli("--out", "../empty", "build", "--force", cwd=root).returncode == 0  # its own: replaced
    legacy = tmp_path / "legacy"  # a site an older version built: its state file marks it
    legacy.mkdir()
    (legacy / ".gazette-build.json").write_text('{"inputs": "x"}', encoding="utf-8")
    (legacy / "index.html").write_text("old", encoding="utf-8")
    assert run_cli("--out", "../legacy", cwd=root).returncode == 0
    assert (legacy / MARKER).is_file() and not (legacy / ".gazette-build.json").exists()


def test_leftovers_beside_the_output_are_removed_only_when_a_build_made_them(tmp_path):
    root = small_site(tmp_path / "site", count=1)
    dead = subprocess.Popen(["true"])
    dead.wait()
    foreign = root / f".public.building-{dead.pid}"  # someone's folder with a name like ours
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine", encoding="utf-8")
    ours = root / f".public.retired-{dead.pid}"  # a killed build's, its marker still there
    (ours / "articles").mkdir(parents=True)
    (ours / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    (ours / "articles" / "x.html").write_text("old", encoding="utf-8")
    assert run_cli(cwd=root).returncode == 0
    assert (foreign / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert not ours.exists()


# --- no partial state trusted -----------------------------------------------------------------

def test_a_build_killed_while_indexing_leaves_no_partial_index_in_use(tmp_path):
    count, years = 160, (2019, 2020)
    root = small_site(tmp_path / "site", count=count, years=years, words=60)
    started = time.monotonic()
    assert run_cli(cwd=root).returncode == 0
    took = time.monotonic() - started
    copying = set()  # files of indexes being written into the cache
    for fraction in (0.4, 0.6, 0.75, 0.9):  # SIGKILL at moments across a build that indexes everything,
        left = copying  # or as soon as Pagefind writes an index into the cache
        process = build_cli(root, "build", "--force")
        deadline = time.monotonic() + took * fraction
        while time.monotonic() < deadline and (copying := _being_written(root / ".cache" / "pagefind")) <= left:
            for records in records_folders(root / ".cache", process.pid):  # private, while they exist
                with contextlib.suppress(FileNotFoundError):
                    assert stat.S_IMODE(records.lstat().st_mode) == 0o700
            time.sleep(0.002)
        process.kill()
        process.communicate()
    result = run_cli("--out", "../fresh", cwd=root)  # a new folder: everything comes from the cache or Pagefind
    assert result.returncode == 0, result.stderr
    assert_index_whole(tmp_path / "fresh", slugs_by_year(count, years))
    for year in map(str, years):  # the cache holds one whole entry a year, nothing half-written
        entries = list((root / ".cache" / "pagefind" / year).iterdir())
        assert len(entries) == 1 and (entries[0] / COMPLETE).is_file(), entries
    assert run_cli(cwd=root).returncode == 0
    assert_index_whole(root / "public", slugs_by_year(count, years))


def _being_written(cache: Path) -> set[Path]:
    """Files of the indexes being made in the cache (a folder may go while it is listed)."""
    try:
        return set(cache.glob("*/.tmp-*/*"))
    except FileNotFoundError:
        return set()


def test_an_older_versions_partial_cache_entry_is_not_used(tmp_path):
    root = small_site(tmp_path / "site", count=4)
    assert run_cli(cwd=root).returncode == 0
    entry = next((root / ".cache" / "pagefind" / "2020").iterdir())
    (entry / COMPLETE).unlink()  # as an older version's copy cut short left it: no mark, files missing
    for fragment in sorted((entry / "fragment").glob("*"))[:2]:
        fragment.unlink()
    result = run_cli("--out", "../fresh", cwd=root)  # nothing to take from the last build: the cache or Pagefind
    assert result.returncode == 0 and "search index made again for 2020" in result.stdout
    assert_index_whole(tmp_path / "fresh", {"2020": ["a000", "a001", "a002", "a003"]})


def test_force_makes_the_cached_index_again(tmp_path):
    root = small_site(tmp_path / "site", count=3)
    assert run_cli(cwd=root).returncode == 0
    entry = next((root / ".cache" / "pagefind" / "2020").iterdir())
    for fragment in (entry / "fragment").glob("*"):  # damaged although marked complete
        fragment.unlink()
    result = run_cli("build", "--force", cwd=root)
    assert result.returncode == 0 and "search index made again for 2020" in result.stdout
    entries = list(entry.parent.iterdir())  # one a year (its name is the key: the same, unless the code changed)
    assert len(entries) == 1 and len(list((entries[0] / "fragment").glob("*.pf_fragment"))) == 3
    assert_index_whole(root / "public", {"2020": ["a000", "a001", "a002"]})


def test_cache_files_are_written_whole_under_names_of_their_own(tmp_path):
    """Two writers at once (two builds) never share a temporary name; the file is always one whole version."""
    target = tmp_path / "cache" / "prepared.pickle"
    writer = ("import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; "
              "from gazette.cache import write_atomic\n"
              "for _ in range(200): write_atomic(Path(sys.argv[2]), sys.argv[3].encode() * 50000)")
    processes = [subprocess.Popen([sys.executable, "-c", writer, str(REPO), str(target), letter],
                                  stderr=subprocess.PIPE, text=True) for letter in "ab"]
    for process in processes:
        assert process.wait(timeout=60) == 0, process.stderr.read()
    assert target.read_bytes() in (b"a" * 50000, b"b" * 50000)
    assert [p.name for p in target.parent.iterdir()] == ["prepared.pickle"]
    write_atomic(target, b"x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_temporary_files_of_a_killed_build_are_removed(tmp_path):
    root = small_site(tmp_path / "site", count=1)
    cache = root / ".cache"
    (cache / "pagefind" / "2020" / ".tmp-abc").mkdir(parents=True)  # an index being copied
    (cache / ".seeds.json.k2j3.tmp").write_text("{", encoding="utf-8")  # a file being written
    assert run_cli(cwd=root).returncode == 0
    assert not list(cache.rglob("*tmp*"))


# --- one build at a time ---------------------------------------------------------------------

def test_a_second_build_waits_then_stops_with_a_message(tmp_path):
    root = small_site(tmp_path / "site", count=2)
    first = build_cli(root)
    lock = root / ".cache" / "lock"
    deadline = time.monotonic() + 30
    while not (lock.is_file() and lock.read_text().strip() == str(first.pid)) and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(first.pid, signal.SIGSTOP)  # it holds the lock, however long the second one waits
    try:
        started = time.monotonic()
        second = run_cli(cwd=root)
        waited = time.monotonic() - started
    finally:
        os.kill(first.pid, signal.SIGCONT)
    assert second.returncode == 1
    assert second.stderr == (f"error: {root}: another build of this project is running (pid {first.pid})"
                             " (hint: wait for it to finish, or stop it)\n")
    assert waited >= LOCK_WAIT
    _out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert_index_whole(root / "public", {"2020": ["a000", "a001"]})
    assert run_cli(cwd=root).returncode == 0  # the lock is let go


def test_serve_rebuilds_take_the_same_lock(tmp_path):
    root = small_site(tmp_path / "site", count=1)
    project, state = Project(root), LiveState()
    with project_lock(project.cache):  # held by another build (an flock: per open file, even in one process)
        rebuild(project, state)
    assert state.errors == [f"{root}: another build of this project is running (pid {os.getpid()})"
                            " (hint: wait for it to finish, or stop it)"]
    assert not (root / "public").exists()


# --- private temporary folders ---------------------------------------------------------------

@pytest.mark.skipif(not RAM.is_dir(), reason="no /dev/shm")
def test_search_records_go_into_private_folders_and_only_ours_are_cleaned(tmp_path):
    cache = tmp_path / ".cache"
    cache.mkdir()
    made = [make_records_folder(cache, 1000) for _ in range(2)]
    dead = subprocess.Popen(["true"])
    dead.wait()
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep", encoding="utf-8")
    killed = RAM / f"gazette-records-{dead.pid}-killed"  # a killed build's
    planted = RAM / f"gazette-records-{dead.pid}-planted"  # a link someone put there
    running = RAM / f"gazette-records-{os.getpid()}-running"  # a build that still runs
    others = RAM / f"gazette-records-{dead.pid}-others"  # another user's
    try:
        for folder in made:
            assert folder.parent == RAM and stat.S_IMODE(folder.stat().st_mode) == 0o700
            assert folder.name.startswith(f"gazette-records-{os.getpid()}-")
        assert made[0] != made[1]
        killed.mkdir()
        (killed / "x.html").write_text("record", encoding="utf-8")
        planted.symlink_to(victim)
        running.mkdir()
        others.mkdir()
        if os.geteuid() == 0:
            os.chown(others, 65534, 65534)
        remove_leftovers(cache)
        assert not killed.exists()
        assert planted.is_symlink() and (victim / "keep.txt").read_text(encoding="utf-8") == "keep"
        assert running.is_dir()
        assert others.is_dir() == (os.geteuid() == 0)
    finally:
        for path in [*made, killed, running, others]:
            shutil.rmtree(path, ignore_errors=True)
        planted.unlink(missing_ok=True)


# --- the system refuses: one line, the site kept ---------------------------------------------

def test_a_cache_that_is_a_file(tmp_path):
    root = small_site(tmp_path / "site", count=1)
    (root / ".cache").write_text("not a folder", encoding="utf-8")
    result = run_cli(cwd=root)
    assert result.returncode == 1
    assert result.stderr == (f"error: {root}/.cache: is not a folder: the build keeps its cache there"
                             f" (hint: move the file away or remove it: rm {root}/.cache)\n")


def _protect(folder: Path) -> str:
    """Make a folder one the build cannot replace: immutable as root (root ignores modes), else read-only."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return "chmod"
    if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0:
        return "chattr"
    pytest.skip("cannot make a folder immutable here")


def test_a_public_folder_that_cannot_be_replaced(tmp_path):
    root = small_site(tmp_path / "site", count=1)
    assert run_cli(cwd=root).returncode == 0
    public = root / "public"
    before = snapshot(public)
    how = _protect(public)
    try:
        result = run_cli("build", "--force", cwd=root)
    finally:
        if how == "chattr":
            subprocess.run(["chattr", "-i", str(public)], check=True)
        else:
            public.chmod(0o755)
    assert result.returncode == 1
    assert result.stderr == (f"error: {public}: folder is not writable (read-only or immutable):"
                             " the build replaces it whole\n")
    assert snapshot(public) == before and not list(root.glob(".public.*"))


def _in_private_mounts(script: str, *args: str) -> subprocess.CompletedProcess:
    """Run a Python script in a mount namespace of its own (tmpfs mounts seen by nobody else), as root
    or in a user namespace; skip where neither is allowed."""
    for flags in (["--mount"], ["--map-root-user", "--mount"]):
        if not shutil.which("unshare"):
            break
        probe = subprocess.run(["unshare", *flags, "mount", "-t", "tmpfs", "tmpfs", "/mnt"], capture_output=True)
        if probe.returncode == 0:
            return subprocess.run(["unshare", "--propagation", "private", *flags, sys.executable, "-c", script, *args],
                                  capture_output=True, text=True, timeout=300)
    pytest.skip("cannot mount a tmpfs in a private namespace here")


FULL_DISK = r"""
import hashlib, json, subprocess, sys
from pathlib import Path
disk, root, build = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
def run(*args):
    done = subprocess.run([sys.executable, build, "--out", str(disk / "public"), *args], cwd=root,
                          capture_output=True, text=True)
    return {"code": done.returncode, "stderr": done.stderr}
def snapshot():
    return {p.relative_to(disk).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(disk.rglob("*")) if p.is_file()}
# a disk the site fits on once, not twice (the new one is built beside the old): measured
subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(disk)], check=True)
run()
used = int(subprocess.run(["du", "-sk", str(disk)], capture_output=True, text=True).stdout.split()[0])
subprocess.run(["umount", str(disk)], check=True)
subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={used * 3 // 2}k", "tmpfs", str(disk)], check=True)
first = run()
before = snapshot()
second = run("build", "--force")
print(json.dumps({"first": first, "second": second, "same": snapshot() == before, "files": len(before)}))
"""


def test_a_full_disk_stops_the_build_and_keeps_the_site(tmp_path):
    root = small_site(tmp_path / "site", count=1)
    (tmp_path / "disk").mkdir()
    done = _in_private_mounts(FULL_DISK, str(tmp_path / "disk"), str(root), str(REPO / "build.py"))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["first"]["code"] == 0, result  # the site fits once, not twice (the new one is built beside)
    assert result["second"]["code"] == 1
    line = one_error_line(result["second"]["stderr"])
    assert "No space left on device" in line, line  # from our writes, or from Pagefind's
    assert result["same"] and result["files"] > 10  # the old site whole, no half-built folder beside it


FULL_MEMORY = r"""
import json, subprocess, sys
from pathlib import Path
root, build = Path(sys.argv[1]), sys.argv[2]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", "/dev/shm"], check=True)
try:
    with open("/dev/shm/filler", "wb") as filler:
        while True:
            filler.write(b"x" * 4096)
            filler.flush()
except OSError:
    pass
done = subprocess.run([sys.executable, build], cwd=root, capture_output=True, text=True)
print(json.dumps({"code": done.returncode, "stderr": done.stderr}))
"""


def test_a_full_dev_shm_slows_the_build_but_does_not_stop_it(tmp_path):
    """The search records go to the cache, and the workers on the cores start all the same: they
    talk through pipes, not semaphores in /dev/shm (enough articles and pages here for every
    time the build uses the cores)."""
    count = 480
    root = small_site(tmp_path / "site", count=count, words=5)
    done = _in_private_mounts(FULL_MEMORY, str(root), str(REPO / "build.py"))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["code"] == 0, result["stderr"]
    assert len(list((root / "public" / "articles").glob("a*.html"))) == count
    assert_index_whole(root / "public", slugs_by_year(count, (2020,)))
    assert not list((root / ".cache").glob("gazette-records-*"))  # used, then removed


REMOVE_DURING = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from gazette import changes, cli, output
victim, moment = Path(sys.argv[2]), sys.argv[3]
def removing(function):
    def wrapper(*args, **kwargs):
        victim.unlink(missing_ok=True)
        return function(*args, **kwargs)
    return wrapper
if moment == "listed":  # the inputs are listed, then read
    changes.inputs_stat = removing(changes.inputs_stat)
else:  # static files are listed, then linked into the new site
    output.SiteWriter.link = removing(output.SiteWriter.link)
sys.exit(cli.main(["build", "--force"]))
"""


@pytest.mark.parametrize("victim, moment", [("content/a001.md", "listed"), ("layouts/static/extra.css", "copied")])
def test_a_file_removed_during_the_build(tmp_path, victim, moment):
    """An input vanishes between the moment the build lists it and the moment it reads it (a real
    process; the removal is placed at that moment, where a race would hit it one run in many)."""
    root = small_site(tmp_path / "site", count=2)
    (root / "layouts" / "static" / "extra.css").write_text("p{}", encoding="utf-8")
    assert run_cli(cwd=root).returncode == 0
    before = snapshot(root / "public")
    result = subprocess.run([sys.executable, "-c", REMOVE_DURING, str(REPO), str(root / victim), moment], cwd=root,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr == (f"error: {root / victim}: No such file or directory"
                             " (hint: was it removed while the build ran?)\n")
    assert snapshot(root / "public") == before and not list(root.glob(".public.*"))
    assert run_cli(cwd=root).returncode == 0  # the next build goes on without it
