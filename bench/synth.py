"""Synthetic collections for the benchmark: N articles made from the seed articles' paragraphs.

Deterministic (seeded), so every run and every generator builds the same Markdown.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CITIES = ["沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东", "锦州", "营口", "阜新", "辽阳", "盘锦",
          "铁岭", "朝阳", "葫芦岛", "全国"]
SOURCES = ["辽宁日报", "今日辽宁网", "新华网", "东北新闻网", "沈阳日报", "人民网"]


def paragraphs() -> list[str]:
    out = []
    for path in sorted((REPO / "content").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[2]
        out += [p.strip() for p in body.split("\n\n") if len(p.strip()) > 40 and not p.startswith("#")]
    return out


def articles(n: int, seed: int = 2020):
    rng = random.Random(seed)
    pool = paragraphs()
    start = dt.date(2020, 1, 20)
    for i in range(n):
        body = rng.sample(pool, rng.randint(4, 9))
        title = re.split(r"[，,。！？!?；;：:“”]", body[0])[0][:24] or f"文章{i}"
        meta = {"title": f"{title}（{i}）", "city": rng.choice(CITIES),
                "date": (start + dt.timedelta(days=rng.randint(0, 1000))).isoformat(),
                "source": rng.choice(SOURCES), "author": rng.choice(["王云峰", "李明", "张飞", None])}
        yield f"a{i:05d}", meta, "\n\n".join(body) + "\n"


def write_collection(target: Path, n: int) -> None:
    """An project of ours in target/ (content/, layouts/, site.yaml)."""
    if target.exists():
        shutil.rmtree(target)
    (target / "content").mkdir(parents=True)
    shutil.copytree(REPO / "layouts", target / "layouts")
    shutil.copy(REPO / "site.yaml", target / "site.yaml")
    for slug, meta, body in articles(n):
        head = yaml.safe_dump({k: v for k, v in meta.items() if v}, allow_unicode=True, sort_keys=False)
        (target / "content" / f"{slug}.md").write_text(f"---\n{head}---\n\n{body}", encoding="utf-8")


if __name__ == "__main__":
    write_collection(Path(sys.argv[1]), int(sys.argv[2]))
