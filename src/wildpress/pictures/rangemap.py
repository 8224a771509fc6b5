"""Locator range maps: the range countries highlighted on Natural Earth 110m boundaries, as inline SVG.

The boundaries are world-atlas's ``countries-110m.json`` (TopoJSON, see
``data/maps/README.md``), read once through the confined reader and cached.
The projection is Equal Earth (Šavrič, Patterson & Jenny 2018), rotated to a
central meridian chosen in the widest gap of the range's longitudes, so ranges
across the antimeridian (Russia and Alaska, Fiji, the Pacific) stay in one
piece; rings are split at the new antimeridian and clipped to the frame.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import NamedTuple

import pycountry
from markupsafe import Markup, escape

from ..resources import bundled_root
from ..safety.confine import read_regular
from .store import picture_markup

MAP_FILE = ("data", "maps", "countries-110m.json")
MAX_MAP_BYTES = 2 * 1024 * 1024
LAND, BORDER = "#dfe5e1", "#ffffff"
PAD = 0.16  # of the range's projected size, on each side (about a third more in all)
MIN_SPAN = 0.5  # smallest view side in projected units (~27 degrees at the equator): neighbours stay in view
WORLD_SHARE = 0.85  # a view wider than this share of the world shows the whole world
MARK_SHARE = 0.13  # a range country smaller than this share of the frame is ringed so it can be found
MAX_MARKS = 8  # ... unless more would be rings than map
BOX_SHARE = 0.2  # a country's islands smaller than this share of its largest part do not steer the zoom
# Features without an ISO numeric id in Natural Earth: drawn with the country that claims them.
_NAMELESS = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}

_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def _project(lon: float, lat: float) -> tuple[float, float]:
    """Equal Earth on the unit sphere; degrees in, (x, y) out with y growing southwards (SVG)."""
    lam, theta = math.radians(lon), math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = 2 * math.sqrt(3) * lam * math.cos(theta) / (3 * (9 * _A4 * t6 * t2 + 7 * _A3 * t6 + 3 * _A2 * t2 + _A1))
    return x, -theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))


WORLD_W, WORLD_H = 2 * _project(180, 0)[0], 2 * -_project(0, 90)[1]

Ring = list  # [(x, y), ...]


@lru_cache(maxsize=1)
def _countries() -> dict[str, list[list[Ring]]]:
    """Alpha-2 code (or the Natural Earth name when it has none) -> polygons -> rings of (lon, lat)."""
    topo = json.loads(read_regular(bundled_root().joinpath(*MAP_FILE), MAX_MAP_BYTES))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:  # quantized, delta-encoded
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes):
        out = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points[1:] if out else points)
        return out

    countries: dict[str, list[list[Ring]]] = {}
    for geometry in topo["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        polygons = [polygons] if geometry["type"] == "Polygon" else polygons
        found = pycountry.countries.get(numeric=geometry["id"]) if geometry.get("id") else None
        key = found.alpha_2 if found else _NAMELESS.get(geometry["properties"]["name"], geometry["properties"]["name"])
        countries.setdefault(key, []).extend([ring(r) for r in polygon] for polygon in polygons)
    return countries


def drawable(codes: list[str]) -> tuple[list[str], list[str]]:
    """(codes drawn, codes not on the map at 110m: small islands, unknown codes), in the given order."""
    countries, drawn, missing = _countries(), [], []
    for code in dict.fromkeys(c.strip().upper() for c in codes):
        (drawn if code in countries else missing).append(code)
    return drawn, missing


def _clip(ring: Ring, axis: int, value: float, keep_below: bool) -> Ring:
    """Sutherland-Hodgman against one axis-aligned half-plane."""
    out = []
    for i, cur in enumerate(ring):
        prev = ring[i - 1]
        cur_in, prev_in = (cur[axis] <= value) == keep_below, (prev[axis] <= value) == keep_below
        if cur_in != prev_in:
            t = (value - prev[axis]) / (cur[axis] - prev[axis])
            other = prev[1 - axis] + t * (cur[1 - axis] - prev[1 - axis])
            out.append((value, other) if axis == 0 else (other, value))
        if cur_in:
            out.append(cur)
    return out


def _split(ring: Ring, lon0: float) -> list[Ring]:
    """A (lon, lat) ring rotated to central meridian ``lon0``, made continuous and cut at +-180."""
    rotated, prev = [], None
    for lon, lat in ring:
        lon = (lon - lon0 + 180) % 360 - 180
        if prev is not None:
            lon += 360 * round((prev - lon) / 360)
        rotated.append((lon, lat))
        prev = lon
    turn = rotated[-1][0] - rotated[0][0]
    if abs(turn) > 180:  # goes round a pole (Antarctica): close it along the pole line
        pole = -90.0 if sum(p[1] for p in rotated) < 0 else 90.0
        rotated += [(rotated[-1][0], pole), (rotated[0][0], pole)]
    low, high = min(p[0] for p in rotated), max(p[0] for p in rotated)
    if low >= -180 and high <= 180:
        return [rotated]
    pieces = []
    for shift in (-360, 0, 360):
        if high + shift <= -180 or low + shift >= 180:
            continue
        piece = _clip(_clip([(x + shift, y) for x, y in rotated], 0, 180, True), 0, -180, False)
        dense = []  # edges along the cut follow the curved map edge
        for i, (x, y) in enumerate(piece):
            px, py = piece[i - 1]
            if abs(x) == 180 and px == x and abs(y - py) > 2:
                steps = int(abs(y - py) // 2)
                dense += [(x, py + (y - py) * k / steps) for k in range(1, steps)]
            dense.append((x, y))
        if len(dense) > 2:
            pieces.append(dense)
    return pieces


@lru_cache(maxsize=64)
def _projected(lon0: float) -> dict[str, list[list[Ring]]]:
    """Every country projected with central meridian ``lon0``: code -> polygons -> rings of (x, y)."""
    return {code: [[[_project(*p) for p in piece] for ring in polygon for piece in _split(ring, lon0)]
                   for polygon in polygons]
            for code, polygons in _countries().items()}


def _box(rings) -> tuple[float, float, float, float]:
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _area(ring: Ring) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]))) / 2


def _steering(polygons: list[list[Ring]]) -> list[Ring]:
    """Rings of the parts that set the zoom: far-off small islands (French Guiana, Hawaii) do not."""
    areas = [sum(map(_area, polygon)) for polygon in polygons]
    return [ring for polygon, area in zip(polygons, areas) if area >= BOX_SHARE * max(areas) for ring in polygon]


def _central_meridian(codes: list[str], world: bool) -> float:
    """Central meridian opposite the middle of the widest stretch of longitude the range leaves empty
    (there the map is cut); a world map prefers a familiar centre whose edge misses the range."""
    covered = [False] * 360
    for code in codes:
        for ring in _steering(_countries()[code]):
            for piece in _split(ring, 0):
                low, high = min(p[0] for p in piece), max(p[0] for p in piece)
                for degree in range(math.floor(low), math.ceil(high)):
                    covered[degree % 360] = True
    if world:  # a familiar world map unless its edge cuts through the range
        for lon0 in (0, 10, -10, 20, -20, 150, 160, 140, -150):
            if not covered[(lon0 + 180) % 360] and not covered[(lon0 + 179) % 360]:
                return float(lon0)
    best, start = (0, 0), None
    for i in range(720):
        if not covered[i % 360]:
            start = i if start is None else start
            if i - start + 1 > best[0] and i - start < 360:
                best = (i - start + 1, start)
        else:
            start = None
    gap, first = best
    return float((first + gap / 2) % 360 - 180) if gap else 0.0  # opposite the middle of the gap


class View(NamedTuple):
    lon0: float  # central meridian
    x: float  # frame in projected units (y grows southwards)
    y: float
    width: float
    height: float
    world: bool  # whole-world fallback


def plan_view(codes: list[str], aspect: float) -> View:
    """Central meridian and frame (width/height = ``aspect``) for the drawable ``codes``."""
    codes = drawable(codes)[0]
    if codes:
        lon0 = _central_meridian(codes, world=False)
        projected = _projected(lon0)
        x0, y0, x1, y1 = _box([ring for code in codes for ring in _steering(projected[code])])
        w = max((x1 - x0) * (1 + 2 * PAD), MIN_SPAN)
        h = max((y1 - y0) * (1 + 2 * PAD), MIN_SPAN)
        if w <= WORLD_SHARE * WORLD_W and h <= WORLD_SHARE * WORLD_H:
            w, h = max(w, h * aspect), max(h, w / aspect)
            cx = min(max((x0 + x1) / 2, -WORLD_W / 2 + w / 2), WORLD_W / 2 - w / 2) if w < WORLD_W else 0.0
            cy = min(max((y0 + y1) / 2, -WORLD_H / 2 + h / 2), WORLD_H / 2 - h / 2) if h < WORLD_H else 0.0
            return View(lon0, cx - w / 2, cy - h / 2, w, h, False)
    lon0 = _central_meridian(codes, world=True)  # the whole world, cropped to its land
    projected = _projected(lon0)
    x0, y0, x1, y1 = _box([ring for code, polygons in projected.items() if code != "AQ" or code in codes
                           for polygon in polygons for ring in polygon])
    w, h = (x1 - x0) * 1.02, (y1 - y0) * 1.04
    w, h = max(w, h * aspect), max(h, w / aspect)
    return View(lon0, (x0 + x1 - w) / 2, (y0 + y1 - h) / 2, w, h, True)


MIN_STEP = 3  # tenths of a millimetre: 0.3 mm, under a border's width at arm's length
TOLERANCE_MM = 0.25  # Douglas-Peucker: no simplified outline strays further than this from the data


def _simplify(points: list[tuple[int, int]], tolerance: float) -> list[tuple[int, int]]:
    """Douglas-Peucker on a ring in tenths of a millimetre: WeasyPrint pays per point it parses."""
    if len(points) < 5:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5 or 1.0
        worst, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            distance = abs(dy * (px - ax) - dx * (py - ay)) / norm if (dx or dy) else abs(px - ax) + abs(py - ay)
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep) if k]


def _path(rings: list[Ring], scale: float, view: View) -> str:
    """SVG path data, relative moves in 0.1-unit steps, rings clipped just outside the frame."""
    margin = 0.02 * max(view.width, view.height)
    left, top = view.x - margin, view.y - margin
    right, bottom = view.x + view.width + margin, view.y + view.height + margin
    parts = []
    for ring in rings:
        x0, y0, x1, y1 = _box([ring])
        if x1 < left or x0 > right or y1 < top or y0 > bottom:
            continue
        if x0 < left or x1 > right or y0 < top or y1 > bottom:
            ring = _clip(_clip(_clip(_clip(ring, 0, left, False), 0, right, True), 1, top, False), 1, bottom, True)
        steps, last = [], None
        quantized = [(round((x - view.x) * scale * 10), round((y - view.y) * scale * 10)) for x, y in ring]
        for q in _simplify(quantized, TOLERANCE_MM * 10):
            # Points nearer than MIN_STEP to the last one add nothing visible on a locator map but
            # cost WeasyPrint time to parse and draw.
            if last is None or abs(q[0] - last[0]) + abs(q[1] - last[1]) >= MIN_STEP:
                steps.append(q if last is None else (q[0] - last[0], q[1] - last[1]))
                last = q
        if len(steps) < 3:
            continue
        parts.append(f"M{_numbers(steps[0])}l{_numbers(n for step in steps[1:] for n in step)}z")
    return "".join(parts)


def _numbers(tenths) -> str:
    """Integers in tenths as the shortest SVG number list: 12.5 -.5 3 (a minus needs no space)."""
    out = ""
    for n in tenths:
        text = f"{n // 10}" if n % 10 == 0 else f"{abs(n) / 10:g}".lstrip("0")
        text = ("-" if n < 0 and n % 10 else "") + text
        out += text if not out or text.startswith("-") else " " + text
    return out


def range_map_svg(codes: list[str], width_mm: float, height_mm: float, accent: str = "#1f5c3a", *,
                  label: str = "") -> Markup:
    """Inline ``<svg>`` locator map, ``width_mm`` x ``height_mm``, the range countries filled with ``accent``."""
    drawn = drawable(codes)[0]
    view = plan_view(drawn, width_mm / height_mm)
    scale = width_mm / view.width  # viewBox units are millimetres
    projected = _projected(view.lon0)
    stroke = f"{max(0.08, min(0.2, width_mm / 600)):.2f}"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_mm:g}mm" height="{height_mm:g}mm" '
           f'viewBox="0 0 {width_mm:g} {height_mm:g}" role="img" aria-label="{escape(label)}" '
           f'data-lon0="{view.lon0:g}" data-world="{int(view.world)}">',
           f'<g fill="{LAND}" stroke="{BORDER}" stroke-width="{stroke}" stroke-linejoin="round">']
    highlighted, marks = [], []
    for code, polygons in projected.items():
        if view.world and code == "AQ" and code not in drawn:
            continue  # a white band is a better world-map edge than a sliver of Antarctica
        d = _path([ring for polygon in polygons for ring in polygon], scale, view)
        if not d:
            continue
        iso = f' data-iso="{escape(code)}"' if len(code) == 2 else ""
        if code in drawn:
            highlighted.append(f'<path{iso} fill="{escape(accent)}" d="{d}"/>')
        else:
            out.append(f'<path{iso} d="{d}"/>')
    out += highlighted + ["</g>"]
    boxes = {code: _box(_steering(projected[code])) for code in drawn}
    reach = MARK_SHARE * min(view.width, view.height)
    for code, (x0, y0, x1, y1) in boxes.items():  # ring small range countries that stand alone
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if max(x1 - x0, y1 - y0) >= reach or not (view.x < cx < view.x + view.width
                                                  and view.y < cy < view.y + view.height):
            continue
        if not any(b[0] < cx + reach and b[2] > cx - reach and b[1] < cy + reach and b[3] > cy - reach
                   for other, b in boxes.items() if other != code):
            marks.append(f'<circle cx="{(cx - view.x) * scale:.1f}" cy="{(cy - view.y) * scale:.1f}" '
                         f'r="{max(x1 - x0, y1 - y0) * scale / 2 + 1.2:.1f}"/>')
    if 0 < len(marks) <= MAX_MARKS:
        out += [f'<g fill="none" stroke="{escape(accent)}" stroke-width="{float(stroke) * 2:g}">', *marks, "</g>"]
    out.append("</svg>")
    return Markup("".join(out))


@lru_cache(maxsize=256)
def _cached_svg(codes: tuple, width_mm: float, height_mm: float, accent: str, label: str) -> Markup:
    """The map for these arguments, drawn once per process (a ladder lays a page out several times)."""
    drawn, _missing = drawable(list(codes))
    return range_map_svg(list(codes), width_mm, height_mm, accent, label=label) if drawn else Markup("")


class RangeMaps:
    """What templates call to draw a locator map: ``maps.svg(codes, width_mm, height_mm, accent)``.

    Only these two methods are exposed to templates (never this module, which
    reads files).
    """

    def svg(self, codes: list[str], width_mm: float, height_mm: float, accent: str = "#1f5c3a",
            label: str = "") -> Markup:
        """The map as an ``<img class="wp-picture">`` of its SVG (a block ``width_mm`` x ``height_mm``,
        ``label`` its alt text), or '' when none of the codes can be drawn at this scale.

        The SVG is drawn once per process and held by :mod:`.store`, so WeasyPrint parses it
        once, not on every fit pass as it would an inline ``<svg>``."""
        drawn = _cached_svg(tuple(codes), round(width_mm, 2), round(height_mm, 2), accent, label)
        return picture_markup(drawn, "map", label) if drawn else drawn

    def missing(self, codes: list[str]) -> list[str]:
        """Codes too small to show at this scale (islands), for a note under the map."""
        return drawable(codes)[1]
