"""The GitHub Pages workflow, checked for structure (actionlint cannot be installed here)."""

from __future__ import annotations

import subprocess

import yaml
from conftest import REPO


def workflow() -> dict:
    return yaml.load((REPO / ".github/workflows/pages.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def uses(job: dict) -> list[str]:
    return [step.get("uses", "").split("@")[0] for step in job["steps"]]


def test_pages_workflow_builds_and_deploys_with_official_actions():
    wf = workflow()
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    assert uses(build)[:3] == ["actions/checkout", "actions/setup-python", "actions/configure-pages"]
    assert "actions/upload-pages-artifact" in uses(build)
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "public"
    runs = [s.get("run", "") for s in build["steps"]]
    run = next(r for r in runs if r.startswith("make BASE_URL="))
    assert "steps.pages.outputs.base_url" in run
    # check runs before the build, and so before anything is uploaded or deployed
    assert "make check" in runs and runs.index("make check") < runs.index(run)
    # the marker a build leaves in public/ (so a later build may replace it) is not published
    drop = next(r for r in runs if ".gazette-site" in r)
    assert runs.index(run) < runs.index(drop) < [s.get("uses", "") for s in build["steps"]].index(upload["uses"])
    assert deploy["needs"] == "build" and uses(deploy) == ["actions/deploy-pages"]
    assert deploy["environment"]["name"] == "github-pages"
    for job in (build, deploy):
        assert all("@v" in s["uses"] for s in job["steps"] if "uses" in s)  # pinned majors


def test_make_passes_the_base_url_to_the_build():
    dry = subprocess.run(["make", "-n", "site", "BASE_URL=https://user.github.io/repo/"], cwd=REPO,
                         capture_output=True, text=True)
    assert "build.py --base-url https://user.github.io/repo/" in dry.stdout
