"""Places: which prefecture-level city (and district) an article reports on."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"
NATIONAL = "全国"
PROVINCE_WIDE = "辽宁"
TITLE_WEIGHT = 5
# The place in a dateline is where the story was filed, not what it is about.
_DATELINE = re.compile(r"(新华社|本报|中新社|人民网|新华网|[\u4e00-\u9fff]{2,6}网)[\u4e00-\u9fff]{2,8}(\d{1,2}月\d{1,2}日)(电|讯)")


@dataclass(frozen=True)
class Gazetteer:
    cities: dict[str, dict]  # name -> {slug, districts, aliases, short}
    provinces: tuple[str, ...]
    ambiguous_city_names: frozenset[str]

    @property
    def known_places(self) -> set[str]:
        return set(self.cities) | {NATIONAL, PROVINCE_WIDE}

    def city_slug(self, city: str) -> str | None:
        special = {NATIONAL: "quanguo", PROVINCE_WIDE: "liaoning"}
        return self.cities.get(city, {}).get("slug") or special.get(city)

    def district_city(self, district: str) -> list[str]:
        return [c for c, info in self.cities.items() if district in info["districts"]]

    def locate(self, title: str, body: str) -> tuple[str | None, str | None]:
        """(city, district) of a Simplified title and body; None where the text names no place."""
        title, body = _DATELINE.sub(r"\1\2\3", title), _DATELINE.sub(r"\1\2\3", body)
        if "全国" in title:
            return NATIONAL, None
        city_score: Counter[str] = Counter()
        district_score: Counter[str] = Counter()
        for text, weight in ((title, TITLE_WEIGHT), (body, 1)):
            for city, info in self.cities.items():
                city_score[city] += weight * self._city_mentions(city, info, text)
                for district, count in self._district_mentions(info, text).items():
                    district_score[(city, district)] += weight * count
        for (city, district), score in district_score.items():
            shared = len(self.district_city(district)) > 1
            if not shared or city_score[city]:
                city_score[city] += score
        provinces = {p for p in self.provinces if p != PROVINCE_WIDE and p in title + body}
        best = city_score.most_common(1)
        if len(provinces) >= 4 and (not best or best[0][1] < TITLE_WEIGHT):
            return NATIONAL, None
        if not best or best[0][1] == 0:
            return (PROVINCE_WIDE, None) if re.search("辽宁|全省", title + body) else (None, None)
        city = best[0][0]
        return city, self._district(city, district_score)

    def _city_mentions(self, city: str, info: dict, text: str) -> int:
        names = [n for n in [city, *info.get("aliases", [])]]
        count = 0
        for name in names:
            if name in self.ambiguous_city_names:
                count += text.count(name + "市")
            else:
                # a county of the same name (铁岭县) is counted as a district, not here
                count += len(re.findall(rf"{name}(?!县)", text))
        return count

    @staticmethod
    def _district_mentions(info: dict, text: str) -> Counter[str]:
        found: Counter[str] = Counter()
        for district in info["districts"]:
            found[district] += text.count(district)
        for short, district in info.get("short", {}).items():
            # short forms not inside the full name ("新民" within "新民市" counts once)
            found[district] += len(re.findall(rf"{short}(?![市县区])", text))
        return +found

    @staticmethod
    def _district(city: str, scores: Counter) -> str | None:
        ranked = sorted(((s, d) for (c, d), s in scores.items() if c == city and s), reverse=True)
        if not ranked:
            return None
        top, district = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0
        if len(ranked) == 1 or top >= TITLE_WEIGHT and top > runner_up or top >= 2 * max(runner_up, 1) + 1:
            return district
        return None


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    data = yaml.safe_load((DATA / "gazetteer.yaml").read_text(encoding="utf-8"))
    return Gazetteer(data["cities"], tuple(data["provinces"]), frozenset(data["ambiguous_city_names"]))
