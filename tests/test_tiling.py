"""Tiling: minimal sheet count, exact overlaps, full coverage, vector placement, assembly map."""

from __future__ import annotations

import math

import pikepdf
import pytest

from conftest import REPO, SAMPLES
from pdfcheck import reader

MM = 72 / 25.4


@pytest.fixture(scope="module")
def a1_poster(tmp_path_factory):
    from wildpress import build

    out = tmp_path_factory.mktemp("tiling")
    from wildpress.build import Settings

    return build([SAMPLES / "amur-leopard.yaml"], ["poster"], ["a1"], out, project_dir=REPO,
                 settings=Settings(organisation="Amur Leopard Trust")).outputs[0].path


def _windows(path):
    """Per tile page: (poster region shown, in poster points with bottom-left origin), from the PDF itself."""
    regions = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages[1:]:
            ops = pikepdf.parse_content_stream(page)
            clip = next(list(map(float, operands)) for operands, op in ops if str(op) == "re")
            matrix = next(list(map(float, operands)) for operands, op in ops if str(op) == "cm")
            assert matrix[:4] == [1, 0, 0, 1], "tiles place the poster at 100 %"
            x, y, w, h = clip
            regions.append((x - matrix[4], y - matrix[5], x + w - matrix[4], y + h - matrix[5]))
            # Vector placement: a form XObject, no raster image of the poster.
            xobject = page.obj.Resources.XObject.WPPoster
            assert xobject.Subtype == "/Form"
    return regions


@pytest.mark.parametrize("poster, sheet, overlap", [((594, 841), "a4", 10), ((841, 1189), "a4", 10),
                                                    ((610, 914), "letter", 15), ((420, 297), "a4", 5),
                                                    ((297, 420), "a3", 10), ((1000, 200), "a4", 10)])
def test_plan_is_minimal(poster, sheet, overlap):
    from wildpress.printing.sizes import get_size
    from wildpress.layout.tiling import plan_tiles

    size = get_size(sheet)
    plan = plan_tiles(poster[0] * MM, poster[1] * MM, size, overlap * MM)
    win_w, win_h = plan.window
    o = overlap * MM

    def covers(count, window, length):
        return count * window - (count - 1) * o >= length - 1e-6

    assert covers(plan.cols, win_w, poster[0] * MM) and covers(plan.rows, win_h, poster[1] * MM)
    assert plan.cols == 1 or not covers(plan.cols - 1, win_w, poster[0] * MM)
    assert plan.rows == 1 or not covers(plan.rows - 1, win_h, poster[1] * MM)
    # And turning the sheet the other way would not need fewer sheets.
    margin = plan.margin
    other_w, other_h = plan.sheet_height - 2 * margin, plan.sheet_width - 2 * margin
    other = (math.ceil(max(1, (poster[0] * MM - o) / (other_w - o) - 1e-9))
             * math.ceil(max(1, (poster[1] * MM - o) / (other_h - o) - 1e-9)))
    assert len(plan.tiles) <= other
    assert len(plan.tiles) == plan.rows * plan.cols


def test_row_labels():
    from wildpress.layout.tiling import row_label

    assert [row_label(i) for i in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]


def test_tiled_a1_geometry_coverage_overlap_and_map(a1_poster, tmp_path):
    from wildpress.printing.sizes import get_size
    from wildpress.layout.tiling import plan_tiles, tile_pdf

    data, count = tile_pdf(a1_poster.read_bytes(), get_size("a4"), overlap_mm=10)
    path = tmp_path / "tiled.pdf"
    path.write_bytes(data)
    width, height = 594 * MM, 841 * MM
    plan = plan_tiles(width, height, get_size("a4"), 10 * MM)
    assert count == len(plan.tiles) == 15  # 3 x 5 landscape sheets beat 4 x 4 portrait ones
    pdf = reader(path)
    assert len(pdf.pages) == count + 1
    for page in pdf.pages[1:]:
        assert sorted((round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2))) == [595.28, 841.89]

    regions = _windows(path)
    assert len(regions) == count
    # Every point of the poster is on at least one tile (a 1 mm grid, edges included).
    step = MM
    for i in range(int(width / step) + 1):
        x = min(i * step, width)
        for j in range(0, int(height / step) + 1, 7):
            y = min(j * step, height)
            assert any(r[0] - 1e-3 <= x <= r[2] + 1e-3 and r[1] - 1e-3 <= y <= r[3] + 1e-3 for r in regions), (x, y)
    for x in (0.0, width):  # the very corners too
        for y in (0.0, height):
            assert any(r[0] - 1e-3 <= x <= r[2] + 1e-3 and r[1] - 1e-3 <= y <= r[3] + 1e-3 for r in regions)
    # Neighbours overlap by exactly the requested width (to 0.01 pt).
    grid = {(t.row, t.col): r for t, r in zip(plan.tiles, regions)}
    for (row, col), r in grid.items():
        if (row, col + 1) in grid:
            assert round(r[2] - grid[(row, col + 1)][0], 2) == round(10 * MM, 2)
        if (row + 1, col) in grid:
            assert round(grid[(row + 1, col)][3] - r[1], 2) == round(10 * MM, 2)  # y grows upwards in PDF
    # Nothing outside the poster is shown.
    assert all(r[0] >= -1e-3 and r[1] >= -1e-3 and r[2] <= width + 1e-3 and r[3] <= height + 1e-3 for r in regions)

    # The map page comes first and lists every tile; each sheet carries its own label.
    map_text = pdf.pages[0].extract_text()
    assert "Assembly map" in map_text
    for tile, page in zip(plan.tiles, pdf.pages[1:]):
        assert f"{tile.label} row " in map_text
        assert f"{tile.label} row {tile.label[0]}" in " ".join(page.extract_text().split())


def test_overlap_too_large_is_a_usage_error():
    from wildpress.errors import UsageError
    from wildpress.printing.sizes import get_size
    from wildpress.layout.tiling import plan_tiles

    with pytest.raises(UsageError, match="overlap"):
        plan_tiles(1000, 1000, get_size("a4"), 120 * MM)


def test_tile_command_and_build_tile(a1_poster, tmp_path):
    from click.testing import CliRunner

    from wildpress.cli import main

    out = tmp_path / "tiles.pdf"
    result = CliRunner().invoke(main, ["tile", str(a1_poster), "--sheet", "A4", "--overlap", "10mm", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(reader(out).pages) == 16
    result = CliRunner().invoke(main, ["build", str(SAMPLES / "red-fox.yaml"), "-l", "poster", "-s", "A2",
                                       "--tile", "A4", "-o", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b" / "red-fox-poster-a2-tiled-a4.pdf").exists()
    not_pdf = tmp_path / "x.pdf"
    not_pdf.write_text("hello")
    assert CliRunner().invoke(main, ["tile", str(not_pdf)]).exit_code == 1  # bad input data, not usage


def test_tiled_file_keeps_the_posters_metadata(a1_poster):
    from wildpress.printing.sizes import get_size
    from wildpress.layout.tiling import tile_pdf

    data, _ = tile_pdf(a1_poster.read_bytes(), get_size("a4"), overlap_mm=10)
    poster, tiled = reader(a1_poster).metadata, reader(data).metadata
    assert tiled.title.startswith(poster.title) and tiled.title.endswith("tiled on 15 × A4")
    for key in ("/Author", "/Subject", "/Keywords", "/CreationDate"):
        assert tiled[key] == poster[key]
    assert tiled["/Creator"].startswith("wildpress ")
