"""`wildpress tile` refuses posters past its documented caps (issue 18): a page edge over
MAX_PAGE_EDGE_PT and more than MAX_TILES sheets; at once, in one line naming the file."""

from __future__ import annotations

import subprocess
import sys
import time

import pikepdf
import pytest
from click.testing import CliRunner

from wildpress.cli import main
from wildpress.errors import UsageError
from wildpress.layout.tiling import MAX_PAGE_EDGE_PT, MAX_TILES, plan_tiles
from wildpress.printing.sizes import MM, get_size


def _poster(path, width: float, height: float):
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(100, 100))  # then the size asked for: pikepdf stops at 14,400
    pdf.pages[0].obj.MediaBox = pikepdf.Array([0, 0, width, height])
    pdf.save(path)
    return path


def test_a_200000_pt_page_is_refused_at_once_in_a_real_process(tmp_path):
    poster = _poster(tmp_path / "huge.pdf", 200000, 200000)
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "wildpress", "tile", str(poster)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert time.monotonic() - started < 60  # it used to grow to 2 GB and hang
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert lines == [f"error: {poster}: its first page is 200,000 x 200,000 pt (70,556 x 70,556 mm); "
                     "`wildpress tile` takes pages up to 14,400 pt (5.08 m, 200 in) on each edge: export the "
                     "poster at its real print size"], run.stderr
    assert "Traceback" not in run.stderr
    assert not list(tmp_path.glob("huge-tiled*"))


def test_one_edge_over_the_cap_is_enough(tmp_path, monkeypatch):
    _poster(tmp_path / "strip.pdf", 300, MAX_PAGE_EDGE_PT + 1)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["tile", "strip.pdf"])
    assert result.exit_code == 2
    assert "strip.pdf: its first page is 300 x 14,401 pt" in result.output
    assert not (tmp_path / "strip-tiled-a4.pdf").exists()


def test_an_empty_page_box_is_refused(tmp_path, monkeypatch):
    poster = _poster(tmp_path / "empty.pdf", 100, 100)
    with pikepdf.open(poster, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.MediaBox = pikepdf.Array([0, 0, 0, 0])
        pdf.save(poster)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["tile", "empty.pdf"])
    assert result.exit_code == 2
    assert "empty.pdf: its first page has an empty or invalid page box (0 x 0 pt)" in result.output


def test_too_many_sheets_are_refused_with_what_to_change(tmp_path, monkeypatch):
    # 5 m square on 60 mm cards: about 100 x 100 sheets, far over the cap.
    _poster(tmp_path / "wall.pdf", 14000, 14000)
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    result = CliRunner().invoke(main, ["tile", "wall.pdf", "--sheet", "60x60mm", "--margin", "5mm",
                                       "--overlap", "5mm"])
    assert time.monotonic() - started < 30
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        f"error: wall.pdf: tiling it on 60x60mm takes 12,100 sheets (110 rows x 110 columns); `wildpress tile` "
        f"makes at most {MAX_TILES}: use a larger --sheet, a smaller --margin or --overlap, or scale the poster "
        "down"], result.output


def test_the_sheet_cap_is_checked_before_any_tile_is_planned():
    with pytest.raises(UsageError, match=r"poster\.pdf: tiling it on .* takes [\d,]+ sheets"):
        plan_tiles(MAX_PAGE_EDGE_PT, MAX_PAGE_EDGE_PT, get_size("a7"), 2 * MM, 2 * MM, source="poster.pdf")


def test_a_poster_at_the_caps_still_plans():
    plan = plan_tiles(MAX_PAGE_EDGE_PT, MAX_PAGE_EDGE_PT / 2, get_size("a2"), 10 * MM)
    assert 1 < len(plan.tiles) <= MAX_TILES
