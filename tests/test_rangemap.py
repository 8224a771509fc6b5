"""Locator range maps (issue 9, "Range map"): highlight, zoom, antimeridian, world fallback, rendering."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import yaml

from conftest import REPO
from wildpress.pictures import rangemap
from wildpress.pictures.rangemap import WORLD_W, drawable, plan_view, range_map_svg

ACCENT = "#1f5c3a"
SVG = "{http://www.w3.org/2000/svg}"
TURTLE = yaml.safe_load((REPO / "tests/corpus/leatherback-sea-turtle.yaml").read_text())["range"]["countries"]


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def accented(root) -> list[str]:
    return [p.get("data-iso") for p in root.iter(f"{SVG}path") if p.get("fill") == ACCENT]


def grey(root) -> set[str]:
    return {p.get("data-iso") for p in root.iter(f"{SVG}path") if p.get("fill") is None}


def range_box(codes, view):
    """Projected box of the range's main parts, with the view's central meridian."""
    projected = rangemap._projected(view.lon0)
    return rangemap._box([ring for code in codes for ring in rangemap._steering(projected[code])])


def inside(box, view) -> bool:
    x0, y0, x1, y1 = box
    return view.x <= x0 and x1 <= view.x + view.width and view.y <= y0 and y1 <= view.y + view.height


def segments_inside(root):
    """Lengths of path segments with both ends inside the frame (a wrapped ring would draw one across it).
    Antarctica is left out: its edge along the South Pole is a true straight line in Equal Earth."""
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    for path in root.iter(f"{SVG}path"):
        if path.get("data-iso") == "AQ":
            continue
        for ring in re.findall(r"M([^lz]+)l([^z]*)z", path.get("d")):
            numbers = [float(n) for part in ring for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", part)]
            x, y = numbers[0], numbers[1]
            for dx, dy in zip(numbers[2::2], numbers[3::2]):
                if 0 < x < width and 0 < y < height and 0 < x + dx < width and 0 < y + dy < height:
                    yield (dx * dx + dy * dy) ** 0.5 / width
                x, y = x + dx, y + dy


def test_amur_leopard_highlights_russia_and_china_only():
    svg = range_map_svg(["RU", "CN"], 80, 50, label="Range: Russia, China")
    root = parse(svg)
    assert sorted(accented(root)) == ["CN", "RU"]
    assert {"MN", "KZ", "KP", "JP"} <= grey(root)  # context around them, in grey
    assert root.get("role") == "img" and root.get("aria-label") == "Range: Russia, China"
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("80mm", "50mm", "0 0 80 50")
    view = plan_view(["RU", "CN"], 80 / 50)
    assert not view.world and view.width < WORLD_W
    assert inside(range_box(["RU", "CN"], view), view)
    assert len(svg) < 60_000


def test_one_country_range_shows_its_neighbours():
    root = parse(range_map_svg(["TH"], 60, 40))
    assert accented(root) == ["TH"]
    assert {"MM", "LA", "KH", "MY", "VN"} <= grey(root)
    view = plan_view(["TH"], 1.5)
    x0, y0, x1, y1 = range_box(["TH"], view)
    assert view.width > 2 * (x1 - x0) and inside((x0, y0, x1, y1), view)


@pytest.mark.parametrize("codes", [["RU", "US"], ["FJ"]])
def test_antimeridian_range_is_contiguous(codes):
    view = plan_view(codes, 1.6)
    assert not view.world and view.width < 0.9 * WORLD_W
    assert inside(range_box(codes, view), view)  # after the rotation the range is one piece
    root = parse(range_map_svg(codes, 80, 50))
    assert sorted(accented(root)) == sorted(codes)
    assert max(segments_inside(root)) < 0.3  # no stray line across the map from a wrapped ring


def test_fiji_view_is_small_and_ringed():
    view = plan_view(["FJ"], 1.6)
    assert view.width < 0.25 * WORLD_W
    root = parse(range_map_svg(["FJ"], 80, 50))
    assert len(list(root.iter(f"{SVG}circle"))) == 1  # a small island range is ringed so it can be found


def test_ocean_wide_range_with_sixty_countries():
    drawn, missing = drawable(TURTLE)
    assert len(TURTLE) >= 60 and len(drawn) >= 60 and {"GF", "BB", "VI"} <= set(missing)
    svg = range_map_svg(TURTLE, 120, 70, label="Range")
    root = parse(svg)
    assert sorted(accented(root)) == sorted(drawn)
    assert plan_view(TURTLE, 120 / 70).world and root.get("data-world") == "1"
    assert max(segments_inside(root)) < 0.2
    assert not list(root.iter(f"{SVG}circle"))  # dozens of rings would bury the map
    assert len(svg) < 70_000


def test_world_fallback_keeps_the_range_whole():
    view = plan_view(["RU", "US", "BR", "AU", "ZA"], 2.0)
    assert view.world
    assert parse(range_map_svg(["RU", "US", "BR", "AU", "ZA"], 100, 50)).get("data-world") == "1"


def test_drawable_reports_small_and_unknown_codes():
    assert drawable(["RU", "gu", "SG", "MU", "ZZ", "RU", "XK", "CY"]) == (["RU", "XK", "CY"], ["GU", "SG", "MU", "ZZ"])
    root = parse(range_map_svg(["SG", "GU"], 50, 30))  # nothing drawable: a plain world map
    assert accented(root) == [] and root.get("data-world") == "1"


def test_features_without_numeric_id_join_their_country():
    root = parse(range_map_svg(["SO"], 60, 40))
    assert accented(root) == ["SO"]  # Somalia with Somaliland, one path
    assert "XK" in grey(parse(range_map_svg(["RS"], 60, 40)))  # Kosovo next to Serbia


def test_map_data_is_read_through_the_confined_reader(monkeypatch):
    calls = []

    def spy(path, max_bytes):
        calls.append((path, max_bytes))
        return real(path, max_bytes)

    real = rangemap.read_regular
    monkeypatch.setattr(rangemap, "read_regular", spy)
    rangemap._countries.cache_clear()
    rangemap._projected.cache_clear()
    try:
        drawable(["RU"])
        drawable(["CN"])  # cached: read once
    finally:
        rangemap._countries.cache_clear()
        rangemap._projected.cache_clear()
    assert len(calls) == 1 and calls[0][0].name == "countries-110m.json" and calls[0][1] < 10 * 2**20


def test_label_and_accent_are_escaped():
    svg = str(range_map_svg(["TH"], 60, 40, accent="#c04000", label='Range: "Thailand" & <more>'))
    assert parse(svg).get("aria-label") == 'Range: "Thailand" & <more>'
    assert "<more>" not in svg and 'fill="#c04000"' in svg


def test_map_renders_in_weasyprint_with_the_accent_over_china():
    import pypdfium2
    import weasyprint

    width, height = 80, 50
    svg = range_map_svg(["RU", "CN"], width, height)
    html = (f"<style>@page {{ size: {width}mm {height}mm; margin: 0 }} body {{ margin: 0 }}"
            f" svg {{ display: block }}</style>{svg}")
    pdf = weasyprint.HTML(string=html).write_pdf()  # the conftest fixture fails the test on any warning
    page = pypdfium2.PdfDocument(pdf)[0]
    dpi = 100
    image = page.render(scale=dpi / 72).to_pil().convert("RGB")
    view = plan_view(["RU", "CN"], width / height)

    def pixel(lon, lat):
        x, y = rangemap._project(lon - view.lon0, lat)
        mm = ((x - view.x) * width / view.width, (y - view.y) * width / view.width)
        return image.getpixel((round(mm[0] / 25.4 * dpi), round(mm[1] / 25.4 * dpi)))

    assert pixel(104, 33) == (0x1F, 0x5C, 0x3A)  # Sichuan: China, accent
    assert pixel(100, 62) == (0x1F, 0x5C, 0x3A)  # Siberia: Russia, accent
    assert pixel(103, 46) == (0xDF, 0xE5, 0xE1)  # Mongolia: grey context
