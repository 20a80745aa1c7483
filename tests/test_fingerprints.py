"""Pages are rendered again exactly when something they read changed: a page's fingerprint is
made of what its render read (gazette/fingerprints.py), not of a list kept by hand."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import article_md, build_project, make_site

from gazette.fingerprints import Log

# What the lists show of each article, a field no list showed before
CAPTIONS = "{% if a.captions %} · 附图{{ a.captions | length }}幅{% endif %}"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every page and file we write (not Pagefind's indexes: see test_safety)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).as_posix().startswith("pagefind/")}


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*.html")}


def rebuild(root: Path, tmp_path: Path, name: str) -> tuple[dict, dict]:
    """An incremental build into public/, and a clean one of the same inputs elsewhere."""
    report, public = build_project(root)
    assert report.ok, [str(e) for e in report.errors]
    report, clean = build_project(root, out=tmp_path / name)
    assert report.ok, [str(e) for e in report.errors]
    return snapshot(public), snapshot(clean)


def test_a_field_a_template_starts_showing_is_never_stale(tmp_path):
    root = make_site(tmp_path / "s", {
        "content/a.md": article_md(title="甲文", city="沈阳", date="2020-02-01", body="沈阳的党员。"),
        "content/b.md": article_md(title="乙文", city="沈阳", date="2020-03-01", body="又一篇。"),
        "content/c.md": article_md(title="丙文", city="鞍山", date="2019-05-01", source="鞍山日报", body="鞍山。"),
    })
    report, public = build_project(root)
    assert report.ok
    first = inodes(public)

    # a template starts showing a field: every page that loads it is made again, none other
    macros = root / "layouts" / "macros.html"
    shown = "{{ a | date_zh }}</time> · {{ a.source }}"
    assert shown in macros.read_text(encoding="utf-8")
    macros.write_text(macros.read_text(encoding="utf-8").replace(shown, shown + CAPTIONS), encoding="utf-8")
    incremental, clean = rebuild(root, tmp_path, "clean-1")
    assert incremental == clean
    second = inodes(public)
    assert second["cities/shenyang.html"] != first["cities/shenyang.html"]  # it imports macros.html
    assert second["search.html"] == first["search.html"]  # it does not: linked from the last build
    assert second["404.html"] == first["404.html"]  # nor does the 404 page

    # then the field changes in one article: the pages that show it follow, the others are kept
    a = root / "content" / "a.md"
    a.write_text(a.read_text(encoding="utf-8").replace("source: 测试报", "source: 测试报\ncaptions: [图一, 图二]"),
                 encoding="utf-8")
    incremental, clean = rebuild(root, tmp_path, "clean-2")
    assert incremental == clean
    for page in ("cities/shenyang.html", "years/2020.html", "index.html", "articles/b.html"):
        assert "附图2幅" in incremental[page].decode("utf-8"), page  # b's page lists a among related
    third = inodes(public)
    assert third["articles/c.html"] == second["articles/c.html"]  # another city: it never read a
    assert third["cities/anshan.html"] == second["cities/anshan.html"]
    assert third["articles.html"] == second["articles.html"]  # the table reads no captions


def test_a_page_whose_reads_are_unchanged_is_not_rendered_again(tmp_path):
    root = make_site(tmp_path / "s", {
        "content/a.md": article_md(title="甲文", city="沈阳", date="2020-02-01", body="沈阳的党员。"),
        "content/c.md": article_md(title="丙文", city="鞍山", date="2019-05-01", source="鞍山日报", body="鞍山。"),
    })
    _, public = build_project(root)
    before = inodes(public)
    a = root / "content" / "a.md"
    a.write_text(a.read_text(encoding="utf-8").replace("沈阳的党员。", "沈阳的党员和群众。"), encoding="utf-8")
    incremental, clean = rebuild(root, tmp_path, "clean")
    assert incremental == clean
    after = inodes(public)
    changed = {page for page in after if after[page] != before.get(page)}
    # the body is read by a's pages only; a list shows its title, city, date and source
    assert changed == {"articles/a.html", "articles/hant/a.html"}


@dataclass(frozen=True)
class Item:
    n: int


def test_reads_are_recorded_by_path_and_whole_objects_are_refused():
    log = Log(roots=["site"])
    data = log.variable("page", {"items": [Item(1), Item(2)], "title": "标题"})
    assert [item.n for item in data["items"]] == [1, 2] and data["title"] == "标题"
    items = ("page", ("[]", "items"))
    assert log.own == {(*items, "#len"): 2, (*items, ("[]", 0), "n"): 1, (*items, ("[]", 1), "n"): 2,
                       ("page", ("[]", "title")): "标题"}
    assert log.shared == {} and log.variable("site", "标题") == "标题" and log.shared == {("site",): "标题"}
    with pytest.raises(TypeError, match="compares a whole Item"):
        assert data["items"][0] == Item(1)
