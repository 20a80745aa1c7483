"""The home page's and list pages' SVG charts: maps of Liaoning's cities and of China's provinces
shaded by article count, and the timeline. Plain data for the templates; no JavaScript.

The boundaries are data/map.json (tools/make-map.py writes it once from cnmaps); here they are
projected (Albers equal-area conic), scaled to a phone's width and labelled without overlaps.
Sizes are CSS pixels at DESIGN_WIDTH, the content width of a 375 px phone, so no label is
smaller than LABEL_SIZE there.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .formats import UNKNOWN_MONTH, month_label, year_label
from .gazetteer import NATIONAL, PROVINCE_WIDE, Gazetteer
from .model import Collection

DATA = Path(__file__).parent / "data"
DESIGN_WIDTH = 343  # CSS px: a 375 px screen less main's padding (1em of 16 px each side)
LABEL_SIZE = 12  # CSS px at DESIGN_WIDTH; 11 is the least that reads on a phone
COUNT_SIZE = 11
MARGIN = 4
SHADES = 4  # classes of count besides "none"
HALO = 1.5  # the outline drawn around a label (half the stroke width in style.css)
# Albers (central meridian, standard parallels) for each map: the parallels at about a sixth of
# the way in from either edge of the latitudes drawn, the usual choice (China's is the common one)
PROJECTIONS = {"liaoning": (122.3, 39.5, 42.7), "china": (105, 25, 47)}
LIAONING_MAP = "map-liaoning"  # the id of the Liaoning map on a page: the China map's Liaoning links to it

Point = tuple[float, float]
Ring = list[Point]


# --- Text boxes ---------------------------------------------------------------------------------

def text_width(text: str, size: float) -> float:
    """A generous estimate of a label's width: a Han character is 1 em, a digit, a Latin letter
    or a space at most 0.6 em in the sans-serif fonts the site names."""
    return sum(size * (0.6 if ord(ch) < 0x2E80 else 1.0) for ch in text)


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return (self.left < other.right and other.left < self.right
                and self.top < other.bottom and other.top < self.bottom)

    def within(self, other: Box) -> bool:
        return (self.left >= other.left and self.right <= other.right
                and self.top >= other.top and self.bottom <= other.bottom)


def label_box(x: float, y: float, text: str, size: float) -> Box:
    """The box of a text centred on (x, y) (text-anchor middle, dominant-baseline central), halo included."""
    half = text_width(text, size) / 2 + HALO
    return Box(x - half, y - size / 2 - HALO, x + half, y + size / 2 + HALO)


# --- Projection ---------------------------------------------------------------------------------

def albers(lon0: float, lat1: float, lat2: float) -> Callable[[float, float], Point]:
    """Albers equal-area conic on the sphere, standard parallels lat1 and lat2: (lon, lat) -> (x, y),
    y growing north. Right at both scales drawn here: Liaoning (38.7-43.5 N) and China."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    n = (math.sin(phi1) + math.sin(phi2)) / 2
    c = math.cos(phi1) ** 2 + 2 * n * math.sin(phi1)

    def project(lon: float, lat: float) -> Point:
        rho = math.sqrt(c - 2 * n * math.sin(math.radians(lat))) / n
        theta = n * math.radians(lon - lon0)
        return rho * math.sin(theta), -rho * math.cos(theta)

    return project


@dataclass(frozen=True)
class Frame:
    """Projected shapes scaled into a viewBox DESIGN_WIDTH wide, north up."""

    project: Callable[[float, float], Point]
    scale: float
    left: float
    top: float
    width: float
    height: float

    @classmethod
    def fit(cls, project, lonlats: list[Point], width: float = DESIGN_WIDTH) -> Frame:
        xs, ys = zip(*(project(lon, lat) for lon, lat in lonlats), strict=True)
        scale = (width - 2 * MARGIN) / (max(xs) - min(xs))
        height = round((max(ys) - min(ys)) * scale + 2 * MARGIN, 1)
        return cls(project, scale, min(xs), max(ys), width, height)

    def __call__(self, lon: float, lat: float) -> Point:
        x, y = self.project(lon, lat)
        return MARGIN + (x - self.left) * self.scale, MARGIN + (self.top - y) * self.scale


def pairs(flat: list[float]) -> list[Point]:
    return list(zip(flat[::2], flat[1::2], strict=True))


def path_data(rings: list[Ring]) -> str:
    """SVG path data at 0.1 px: the first point absolute, the rest relative (a third shorter)."""
    out = []
    for ring in rings:
        tenths = [(round(x * 10), round(y * 10)) for x, y in ring]
        steps = [f"M{_num(tenths[0][0])} {_num(tenths[0][1])}"]
        for (x0, y0), (x1, y1) in itertools.pairwise(tenths):
            if (x0, y0) != (x1, y1):
                steps.append(f"l{_num(x1 - x0)} {_num(y1 - y0)}")
        out.append("".join(steps) + "z")
    return "".join(out).replace(" -", "-")


def _num(tenths: int) -> str:
    whole, frac = divmod(abs(tenths), 10)
    return ("-" if tenths < 0 else "") + (f"{whole}.{frac}" if frac else str(whole))


def inside(point: Point, rings: list[Ring]) -> bool:
    """Even-odd rule over all rings (a polygon's holes and other parts included)."""
    x, y = point
    odd = False
    for ring in rings:
        for (x0, y0), (x1, y1) in itertools.pairwise([*ring, ring[0]]):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                odd = not odd
    return odd


# --- Labels -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Label:
    x: float
    y: float
    name: str
    count: str  # shown after the name, "" for none

    @property
    def text(self) -> str:
        return f"{self.name} {self.count}" if self.count else self.name


# Where to try a label, in label heights (dy) and half widths (dx) from its area's label point.
_TRIES = [(0, 0), (0, -1), (0, 1), (-1, 0), (1, 0), (-1, -1), (1, -1), (-1, 1), (1, 1), (0, -2), (0, 2),
          (-2, 0), (2, 0), (-2, -1), (2, -1), (-2, 1), (2, 1), (0, -3), (0, 3)]


def place_labels(wanted: list[tuple[Label, list[Ring]]], frame: Frame, size: float = LABEL_SIZE) -> list[Label]:
    """Each label at its area's label point, else at the nearest spot that overlaps no label
    already placed and stays in the picture. First every label that fits inside its own area
    (small areas first: they have the least room), then beside their areas the ones that did not
    (Beijing is smaller than its name). A label with no free spot is left out: the lists name all."""
    frame_box = Box(0, 0, frame.width, frame.height)
    boxes: dict[int, Box] = {}
    placed: dict[int, Label] = {}
    for within in (True, False):
        for i, (label, rings) in enumerate(wanted):
            if i in placed:
                continue
            half, step = text_width(label.text, size) / 2, size + 2 * HALO
            tries = _TRIES if within else _TRIES[:9]
            for dx, dy in tries:
                x, y = round(label.x + dx * half, 1), round(label.y + dy * step, 1)
                box = label_box(x, y, label.text, size)
                if (within and not inside((x, y), rings)) or not box.within(frame_box) \
                        or any(box.overlaps(b) for b in boxes.values()):
                    continue
                placed[i], boxes[i] = Label(x, y, label.name, label.count), box
                break
    return [placed[i] for i in sorted(placed)]


# --- Shading ------------------------------------------------------------------------------------

def shade_bounds(most: int) -> list[int]:
    """The upper bounds of up to SHADES classes for counts 1..most: geometric steps rounded up to
    1, 2, 5, 10, 20, 50... (1-2, 3-5, 6-20, 21-most), so one big city does not wash out the rest."""
    bounds: list[int] = []
    for i in range(1, SHADES + 1):
        target = most ** (i / SHADES)
        nice = next(m * 10 ** e for e in range(12) for m in (1, 2, 5) if m * 10 ** e >= target - 1e-9)
        bound = min(nice, most)
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def shade(count: int, bounds: list[int]) -> int:
    return 0 if count == 0 else 1 + next(i for i, b in enumerate(bounds) if count <= b)


def legend(bounds: list[int]) -> list[tuple[int, str]]:
    """(class, "1–2") for each class, none first."""
    out = [(0, "0")]
    low = 1
    for i, high in enumerate(bounds, 1):
        out.append((i, str(low) if low == high else f"{low}–{high}"))
        low = high + 1
    return out


# --- The maps -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Area:
    name: str
    d: str  # path data
    count: int
    shade: int | str  # a class number, or "home" for Liaoning on the map of China
    href: str | None  # relative to the site's root, or an in-page #fragment
    title: str  # the accessible name: 沈阳：4篇


@dataclass(frozen=True)
class Map:
    width: float
    height: float
    areas: list[Area]
    labels: list[Label]
    legend: list[tuple[int, str]]
    lines: str = ""  # path data of the maritime boundary (China)
    label_size: float = LABEL_SIZE


@lru_cache(maxsize=1)
def map_data() -> dict:
    return json.loads((DATA / "map.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=2)
def _geometry(group: str) -> tuple[Frame, dict[str, list[Ring]], dict[str, Point], str]:
    """The projected rings and label points of a group of areas (they do not depend on counts)."""
    data = map_data()
    areas, lines = data[group], data["maritime"] if group == "china" else []
    extent = [p for a in areas.values() for poly in a["polygons"] for p in pairs(poly[0])]
    frame = Frame.fit(albers(*PROJECTIONS[group]), extent + [p for line in lines for p in pairs(line)])
    rings = {name: [[frame(*p) for p in pairs(ring)] for poly in a["polygons"] for ring in poly]
             for name, a in areas.items()}
    points = {name: frame(*a["label"]) for name, a in areas.items()}
    drawn = "".join(path_data([[frame(*p) for p in pairs(line)]]).removesuffix("z") for line in lines)
    return frame, rings, points, drawn


def _map(group: str, counts: dict[str, int], hrefs: dict[str, str], labelled: list[str] | None = None,
         special: dict[str, Area] | None = None) -> Map:
    """A map of `group`'s areas shaded by `counts`. Labels: those of `labelled` in its order, or
    all, small areas first (so every one finds room)."""
    frame, rings, points, lines = _geometry(group)
    bounds = shade_bounds(max(counts.values(), default=0) or 1)
    areas = []
    for name, area_rings in rings.items():
        if special and name in special:
            areas.append(special[name])
            continue
        n = counts.get(name, 0)
        areas.append(Area(name, path_data(area_rings), n, shade(n, bounds), hrefs.get(name),
                          f"{name}：{n}篇" if n else f"{name}：暂无文章"))
    if labelled is None:
        labelled = sorted(rings, key=lambda name: _area(rings[name]))
    wanted = [(Label(*points[name], name, str(counts[name]) if counts.get(name) else ""), rings[name])
              for name in labelled]
    return Map(frame.width, frame.height, areas, place_labels(wanted, frame), legend(bounds), lines)


def _area(rings: list[Ring]) -> float:
    edges = ((a, b) for ring in rings for a, b in itertools.pairwise([*ring, ring[0]]))
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in edges)) / 2


@dataclass(frozen=True)
class ProvinceEntry:
    """A province other than Liaoning in the list beside the map of China."""

    name: str
    anchor: str  # the id of its list item: p-42
    count: int
    cities: list[tuple[str, int, str]]  # (city, count, href)
    without_city: int  # articles about the province as a whole


def maps(collection: Collection, gazetteer: Gazetteer, city_path: Callable[[str], str]) -> dict:
    """Everything the templates draw: Liaoning's cities, China's provinces, the lists beside them;
    a city's area and name link to its page (city_path, urls.py's)."""
    data = map_data()
    city_href = {c: city_path(c) for c in collection.by_city}
    counts = {c: len(collection.by_city.get(c, [])) for c in data["liaoning"]}
    liaoning = _map("liaoning", counts, {c: city_href[c] for c in counts if counts[c]})
    others: dict[str, list] = {}
    for a in collection.articles:
        if a.province and a.province != PROVINCE_WIDE and a.province in data["china"]:
            others.setdefault(a.province, []).append(a)
    entries = []
    for name, articles in sorted(others.items(), key=lambda kv: (-len(kv[1]), data["china"][kv[0]]["adcode"])):
        cities = [(c, len(collection.by_city[c]), city_href[c])
                  for c in sorted({a.city for a in articles if a.city in city_href},
                                  key=lambda c: (-len(collection.by_city[c]), gazetteer.city_slug(c)))]
        entries.append(ProvinceEntry(name, f"p-{data['china'][name]['adcode'][:2]}", len(articles), cities,
                                     sum(1 for a in articles if a.city not in city_href)))
    province_counts = {e.name: e.count for e in entries}
    province_hrefs = {e.name: e.cities[0][2] if len(e.cities) == 1 and not e.without_city else f"#{e.anchor}"
                      for e in entries}
    home_rings = _geometry("china")[1][PROVINCE_WIDE]
    total = sum(counts.values()) + len(collection.by_city.get(PROVINCE_WIDE, []))
    home = Area(PROVINCE_WIDE, path_data(home_rings), total, "home", f"#{LIAONING_MAP}",
                f"{PROVINCE_WIDE}：{total}篇，见辽宁地图")
    # labelled: Liaoning, then the provinces with the most articles first (entries' order)
    china = _map("china", province_counts, province_hrefs, [PROVINCE_WIDE, *province_counts], {PROVINCE_WIDE: home})
    apart = [(c, len(collection.by_city[c]), city_href[c])
             for c in (NATIONAL, PROVINCE_WIDE) if c in collection.by_city]
    return {"liaoning": liaoning, "china": china, "provinces": entries, "apart": apart, "liaoning_id": LIAONING_MAP}


# --- Timeline -----------------------------------------------------------------------------------

def timeline_bars(collection: Collection, height: int = 150):
    """A bar for each month from the first dated article to the last, its count above it; the
    articles of a year whose month is not known get a bar of their own after the year's last
    month. The bars share DESIGN_WIDTH, or get wider until no count touches another count or
    bar: a long timeline scrolls."""
    counts: dict[tuple[int, int], int] = {}  # by (year, month), month 0: only the year is known
    for a in collection.articles:
        if a.year:
            counts[(a.year, a.month or 0)] = counts.get((a.year, a.month or 0), 0) + 1
    if not counts:
        return None
    first, last = min((y, m or 1) for y, m in counts), max((y, m or 1) for y, m in counts)
    months = []
    y, m = first
    while (y, m) <= last:
        months.append((y, m))
        if (y, 0) in counts and (m == 12 or (y, m) == last):
            months.append((y, 0))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    slot = DESIGN_WIDTH / len(months)
    while _clash(bars := _bars(months, counts, slot, height)):
        slot += 0.5
    width = round(max(DESIGN_WIDTH, slot * len(months)), 1)
    ticks = []
    for bar in bars:
        y, m = bar["year"], bar["month"]
        text = year_label(y) if m == 1 else year_label(y) + month_label(m) if bar is bars[0] else ""
        end = bar["x"] + text_width(text, COUNT_SIZE) + HALO
        if text and end <= width and (not ticks or bar["x"] > ticks[-1]["end"] + COUNT_SIZE):
            ticks.append({"x": bar["x"], "y": round(height - COUNT_SIZE / 2 - 2, 1), "text": text, "end": end})
    undated = len(collection.by_year.get(None, []))
    return {"bars": bars, "ticks": ticks, "width": width, "height": height, "undated": undated,
            "size": COUNT_SIZE}


def _bars(months: list[tuple[int, int]], counts: dict, slot: float, height: int) -> list[dict]:
    """Bars `slot` apart; each count centred above its bar, moved inside the chart at its ends."""
    top = max(counts.values())
    width = max(DESIGN_WIDTH, slot * len(months))
    base, room = height - COUNT_SIZE - 8, height - 2 * COUNT_SIZE - 14  # room: the tallest bar
    bars = []
    for i, (y, m) in enumerate(months):
        n = counts.get((y, m), 0)
        h = round(room * n / top, 1)
        x, w = round(i * slot, 1), max(round(slot - 2, 1), 1)
        half = text_width(str(n), COUNT_SIZE) / 2 + HALO
        bars.append({"x": x, "w": w, "h": h, "y": round(base - h, 1), "count": n,
                     "cx": round(min(max(x + w / 2, half), width - half), 1),
                     "ny": round(base - h - COUNT_SIZE / 2 - 3, 1),
                     "label": year_label(y) + (month_label(m) if m else f"（{UNKNOWN_MONTH}）"), "year": y, "month": m})
    return bars


def _clash(bars: list[dict]) -> bool:
    """Whether a count's box touches another count's or another bar."""
    boxes = [label_box(b["cx"], b["ny"], str(b["count"]), COUNT_SIZE) if b["count"] else None for b in bars]
    rects = [Box(b["x"], b["y"], b["x"] + b["w"], b["y"] + b["h"]) for b in bars]
    slot = bars[1]["x"] - bars[0]["x"] if len(bars) > 1 else DESIGN_WIDTH
    reach = math.ceil(max((b.right - b.left for b in boxes if b), default=0) / max(slot, 0.1)) + 1
    for i, box in enumerate(boxes):
        for j in range(max(0, i - reach), min(len(bars), i + reach + 1)):
            if box and j != i and bars[j]["count"] and (box.overlaps(rects[j]) or box.overlaps(boxes[j])):
                return True
    return False
