"""Places: which province, prefecture-level city and district an article reports on.

China's divisions come from places.tsv, which tools/make-places.py writes from a library's data;
places-overlay.yaml adds by hand what news text calls them (沈城, 喀左) and which short names are
ordinary words. A name counts only on word boundaries (rjieba's words) and not as the start of a
longer name (凤城镇, 新民屯); a name shared by several places counts only beside its city or province.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from .script import HAN_CHARS

DATA = Path(__file__).parent / "data"
NATIONAL = "全国"
PROVINCE_WIDE = "辽宁"  # the collection's own province: a piece about all of it has it as its city
TITLE_WEIGHT = 5
LEAD_WEIGHT = 2  # the first paragraph, up to LEAD_LENGTH characters, says where the story happens
LEAD_LENGTH = 200
# The place in a dateline is where the story was filed, not what it is about.
_DATELINE = re.compile(rf"(新华社|本报|中新社|人民网|新华网|[{HAN_CHARS}]{{2,6}}网)[{HAN_CHARS}]{{2,8}}"
                       r"(\d{1,2}月\d{1,2}日)(电|讯)")
# Words a place's suffix may open when a name is cut before it (东宁|市委): the name still counts.
_SEAT_WORDS = frozenset({"市委", "县委", "区委", "旗委", "省委", "市政", "县政", "区政", "市长", "县长", "区长", "市民",
                         "县城", "市区", "省会"})
# A bare name followed by one of these starts a longer name: 凤城镇, 新民屯, 中山路, 朝阳社区.
_LONGER_NAME = re.compile(r"镇|乡|村|屯|庄|堡|寨|路|巷|街道|大街|大道|胡同|社区|小区|嘎查|苏木")
# 城区, 郊区, 矿区: district names that are ordinary words count only right after their city.
_GENERIC_DISTRICT = re.compile(r"^.区$")


@dataclass(frozen=True)
class Place:
    """Where an article is about: short names for province and city (辽宁, 沈阳), full district."""

    province: str | None = None
    city: str | None = None
    district: str | None = None


@dataclass(frozen=True)
class City:
    name: str  # short: 齐齐哈尔, 延边
    full_name: str  # 齐齐哈尔市, 延边朝鲜族自治州
    province: str  # short: 黑龙江
    adcode: str
    slug: str
    districts: tuple[str, ...]  # full names of its county-level divisions
    aliases: tuple[str, ...] = ()
    short: dict[str, str] = field(default_factory=dict)  # short forms that count alone -> district


@dataclass(frozen=True)
class _Target:
    level: str  # province, city or county
    province: str
    city: str | None = None
    district: str | None = None
    strong: bool = True  # False: a county's bare short form, which counts only beside its city


@dataclass(frozen=True)
class Gazetteer:
    cities: dict[str, City]
    provinces: tuple[str, ...]  # short names
    forms: dict[str, tuple[_Target, ...]]  # every name, short form and alias -> what it names
    bare: frozenset[str]  # forms without an administrative suffix (凤城, not 凤城市)

    @cached_property
    def known_places(self) -> frozenset[str]:
        return frozenset(self.cities) | {NATIONAL, PROVINCE_WIDE}

    def city_slug(self, city: str) -> str | None:
        special = {NATIONAL: "quanguo", PROVINCE_WIDE: "liaoning"}
        return self.cities[city].slug if city in self.cities else special.get(city)

    def province_of(self, city: str) -> str | None:
        if city == PROVINCE_WIDE:
            return PROVINCE_WIDE
        return self.cities[city].province if city in self.cities else None

    def closest_place(self, name: str) -> str | None:
        """The known place `name` was most likely meant to be: one that sounds the same (沈杨 ->
        沈阳), else the most alike in writing (only asked when a name is wrong, so pinyin may load)."""
        from .slugs import pinyin_words
        sound = "".join(pinyin_words(name))
        alike = sorted(p for p in self.known_places if self.city_slug(p).split("-")[0] == sound)
        return (alike or get_close_matches(name, sorted(self.known_places), n=1, cutoff=0.3) or [None])[0]

    def district_city(self, district: str) -> list[str]:
        return [c for c, info in self.cities.items() if district in info.districts]

    def locate(self, title: str, body: str) -> Place:
        """The place a Simplified title and body report on; None where the text does not say."""
        title, body = _DATELINE.sub(r"\1\2\3", title), _DATELINE.sub(r"\1\2\3", body)
        mentions = self._weighted_mentions(title, body)
        named = self._named(mentions)
        city_score, district_score, province_score, in_title = self._scores(mentions, named)
        if NATIONAL in title and not in_title:
            return Place(None, NATIONAL, None)
        ranked = city_score.most_common()
        best = ranked[0][1] if ranked else 0
        if len(named["province"] - {PROVINCE_WIDE}) >= 4 and best < TITLE_WEIGHT:
            return Place(None, NATIONAL, None)
        leaders = [c for c, score in ranked if 2 * score > best]  # about as much about them as the best
        leaders = [c for c in leaders if c in in_title] or leaders  # and the title names one of them
        if len(leaders) == 1:
            city = leaders[0]
            return Place(self.cities[city].province, city, self._district(city, district_score))
        return self._province_piece({self.cities[c].province for c in leaders}, province_score, title + body)

    def _weighted_mentions(self, title: str, body: str) -> list[tuple[str, int]]:
        newline = body.find("\n")
        lead_end = min(LEAD_LENGTH, newline if newline >= 0 else len(body))
        return [(form, TITLE_WEIGHT) for form, _ in self._mentions(title)] + [
            (form, LEAD_WEIGHT if at < lead_end else 1) for form, at in self._mentions(body)]

    def _named(self, mentions: list[tuple[str, int]]) -> dict[str, set[str]]:
        """Provinces and cities the text names: by name, or by a district only one city has."""
        named: dict[str, set[str]] = defaultdict(set)
        for form, _ in mentions:
            targets = self.forms[form]
            for t in targets:
                if t.level != "county":
                    named[t.level].add(t.city or t.province)
            if targets[0].level == "county" and len(targets) == 1 and targets[0].strong:
                named["city"].add(targets[0].city)
        return named

    def _scores(self, mentions: list[tuple[str, int]], named: dict[str, set[str]]) -> tuple:
        """Scores of cities, of (city, district) and of provinces named directly; the title's cities."""
        city_score: Counter[str] = Counter()
        district_score: Counter[tuple[str, str]] = Counter()
        province_score: Counter[str] = Counter()
        in_title: set[str] = set()
        for form, weight in mentions:
            for t in self._resolve(self.forms[form], named):
                if t.level == "province":
                    province_score[t.province] += weight
                    continue
                city_score[t.city] += weight
                if t.level == "county":
                    district_score[(t.city, t.district)] += weight
                if weight == TITLE_WEIGHT:
                    in_title.add(t.city)
        return city_score, district_score, province_score, in_title

    def _province_piece(self, shared: set[str], province_score: Counter, text: str) -> Place:
        """No single city: the province all the leading cities are in, or the one the text names."""
        if shared:
            return Place(shared.pop() if len(shared) == 1 else None, None, None)
        ranked = province_score.most_common(2)
        if ranked and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
            province = ranked[0][0]
        elif not ranked and "全省" in text:
            province = PROVINCE_WIDE
        else:
            return Place()
        if province in self.cities and self.cities[province].province == province:
            return Place(province, province, None)  # 北京, 上海: the province is the city
        return Place(province, PROVINCE_WIDE if province == PROVINCE_WIDE else None, None)

    @staticmethod
    def _resolve(targets: tuple[_Target, ...], named: dict[str, set]) -> tuple[_Target, ...]:
        """What a form names here: a county shared by several cities (和平区), or a bare short
        form (建华), only beside its city, or its province when that leaves one."""
        if targets[0].level != "county":
            return targets
        beside_city = tuple(t for t in targets if t.city in named["city"])
        if beside_city:
            return beside_city
        strong = tuple(t for t in targets if t.strong)
        if len(strong) == 1:
            return strong
        in_province = tuple(t for t in strong if t.province in named["province"])
        return in_province if len(in_province) == 1 else ()

    @staticmethod
    def _district(city: str, scores: Counter) -> str | None:
        ranked = sorted(((s, d) for (c, d), s in scores.items() if c == city and s), reverse=True)
        if not ranked:
            return None
        top, district = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0
        if len(ranked) == 1 or (top >= TITLE_WEIGHT and top > runner_up) or top >= 2 * max(runner_up, 1) + 1:
            return district
        return None

    # --- Finding names in a text ------------------------------------------------------------

    @cached_property
    def _lengths(self) -> dict[str, tuple[int, ...]]:
        """First two characters of the forms -> their lengths, longest first (every form has two)."""
        lengths = defaultdict(set)
        for form in self.forms:
            lengths[form[:2]].add(len(form))
        return {head: tuple(sorted(n, reverse=True)) for head, n in lengths.items()}

    def _mentions(self, text: str) -> list[tuple[str, int]]:
        """(form, where) of each name in `text`, left to right, the longest that stands as a word."""
        found: list[tuple[str, int]] = []
        words, lengths, forms = _Words(text), self._lengths, self.forms
        at, last = 0, len(text) - 1
        while at < last:
            for n in lengths.get(text[at:at + 2], ()):
                form = text[at:at + n]
                if form in forms and self._stands(form, text, at, words):
                    found.append((form, at))
                    at += n - 1
                    break
            at += 1
        return found

    def _stands(self, form: str, text: str, start: int, words: _Words) -> bool:
        end = start + len(form)
        if form in self.bare and _LONGER_NAME.match(text, end):
            return False
        if words.around(start, end):
            return True
        # 东宁|市委: the name cut before its suffix, which opens a word of its government
        return text[end - 1:end + 1] in _SEAT_WORDS and words.around(start, end - 1)


class _Words:
    """A text's word boundaries (rjieba, jieba's dictionary), cut only when first asked."""

    def __init__(self, text: str):
        self.text = text
        self.starts: list[int] | None = None
        self.ends: list[int] = []

    def around(self, start: int, end: int) -> bool:
        """True when [start, end) begins a word and ends one, or is a word but its last character
        (大连人, 辽宁省委): not in 经营口罩 (营口), 维护和平区域 (和平区), 长治久安 (长治)."""
        if self.starts is None:
            import rjieba  # jieba's dictionary, shared with split.py: loaded (0.1 s) on first use
            words = rjieba.tokenize(self.text, "default", False)
            self.starts, self.ends = [s for _, s, _ in words], [e for _, _, e in words]
        first = bisect_right(self.starts, start) - 1
        if self.starts[first] != start:
            return False
        last = bisect_right(self.starts, end - 1) - 1
        return self.ends[last] == end or (first == last and self.ends[last] == end + 1)


# --- Loading ---------------------------------------------------------------------------------

def _read_places() -> list[dict]:
    text = (DATA / "places.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    rows = _read_places()
    overlay = yaml.safe_load((DATA / "places-overlay.yaml").read_text(encoding="utf-8"))
    by_code = {r["adcode"]: r for r in rows}
    provinces = {r["adcode"]: r["short"] for r in rows if r["level"] == "province"}
    city_rows = [r for r in rows if r["level"] == "city"]
    county_rows = [r for r in rows if r["level"] == "county"]
    districts = defaultdict(list)
    for r in county_rows:
        districts[r["parent"]].append(r["name"])
    cities = {}
    for r in city_rows:
        extra = overlay["cities"].get(r["short"], {})
        cities[r["short"]] = City(r["short"], r["name"], provinces[r["parent"]], r["adcode"], r["slug"],
                                  tuple(districts[r["adcode"]]), tuple(extra.get("aliases", ())),
                                  dict(extra.get("short", {})))
    _check_overlay(overlay, cities)
    forms: dict[str, list[_Target]] = defaultdict(list)
    suffixed: set[str] = set()
    for r in rows:
        if r["level"] == "province":
            target = _Target("province", r["short"])
            _add(forms, target, r["name"], r["short"])
            suffixed.add(r["name"])
    common = set(overlay["common_words"])
    taken = set(forms)  # province names win over city short forms: 吉林, 海南
    for city in cities.values():
        target = _Target("city", city.province, city.name)
        also = by_code[city.adcode]["also"].split(",") if by_code[city.adcode]["also"] else []
        bare = [] if city.name in common | taken else [city.name]
        _add(forms, target, city.full_name, *also, *bare, *city.aliases)
        suffixed.update([city.full_name, *also])
    taken = set(forms) | common
    for r in county_rows:
        city = cities[by_code[r["parent"]]["short"]]
        target = _Target("county", city.province, city.name, r["name"])
        also = r["also"].split(",") if r["also"] else []
        if _GENERIC_DISTRICT.match(r["name"]):
            names = [city.name + r["name"], city.full_name + r["name"]]
        else:
            names = [r["name"], *also]
        _add(forms, target, *names)
        suffixed.update(names)
        own = [s for s, d in city.short.items() if d == r["name"]]
        _add(forms, target, *own)
        if r["short"] and r["short"] not in taken and r["short"] not in own:
            _add(forms, _Target("county", city.province, city.name, r["name"], strong=False), r["short"])
    return Gazetteer(cities, tuple(provinces.values()), {f: tuple(t) for f, t in forms.items()},
                     frozenset(set(forms) - suffixed))


def _add(forms: dict, target: _Target, *names: str) -> None:
    """Record that `names` name `target`; a name of a higher level wins (a province over a city)."""
    order = ("province", "city", "county")
    for name in names:
        present = forms[name]
        if present and order.index(present[0].level) < order.index(target.level):
            continue
        if present and order.index(present[0].level) > order.index(target.level):
            present.clear()
        if target not in present:
            present.append(target)


def _check_overlay(overlay: dict, cities: dict[str, City]) -> None:
    for name, extra in overlay["cities"].items():
        if name not in cities:
            raise ValueError(f"places-overlay.yaml: {name!r} is not a city in places.tsv")
        wrong = [d for d in extra.get("short", {}).values() if d not in cities[name].districts]
        if wrong:
            raise ValueError(f"places-overlay.yaml: {name} has no district {wrong[0]!r} in places.tsv")
    unknown = [w for w in overlay["common_words"] if w not in cities]
    if unknown:
        raise ValueError(f"places-overlay.yaml: common_words {unknown} are not cities in places.tsv")
