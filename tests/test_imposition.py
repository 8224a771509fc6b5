"""Imposition: backs land behind fronts, offsets move backs exactly, marks stay off the cards."""

from __future__ import annotations

import io
import math

import pikepdf
import pytest

from cardcheck import MM, make_deck, placements, point
from conftest import REPO
from wildpress import build
from wildpress.build import Settings
from wildpress.printing.imposition import ImpositionSettings, apply, cut_marks, plan_grid, sheet_flip
from wildpress.printing.sizes import get_size

CARDS = 21
BLEED = 3 * MM


@pytest.fixture(scope="session")
def deck_dir(tmp_path_factory):
    return make_deck(tmp_path_factory.mktemp("deck21"), CARDS)


@pytest.fixture(scope="session")
def imposed(deck_dir, tmp_path_factory):
    """One build per (sheet, flip, offset); keyed so tests share them."""
    cache = {}

    def get(sheet="a4", duplex="long", offset=(0.0, 0.0), size="a7", **extra):
        key = (sheet, duplex, offset, size, tuple(sorted(extra.items())))
        if key not in cache:
            out = tmp_path_factory.mktemp("imposed")
            cards = ImpositionSettings(sheet=sheet, duplex=duplex, back_offset=offset, **extra)
            result = build([deck_dir], ["flashcards"], [size], out, project_dir=REPO,
                           settings=Settings(cards=cards))
            cache[key] = result.outputs[0]
        return cache[key]
    return get


def physical_flip(sheet, duplex):
    """Test's own model of the printer: the point behind (x, y) on the back page."""
    w, h = sheet.width, sheet.height
    if duplex == "long":
        return lambda x, y: (w - x, y)
    return lambda x, y: (x, h - y)


def registration_errors(data, sheet, duplex, card, offset=(0.0, 0.0)):
    """Largest distance (mm), over every card and trim corner, between a front and its back."""
    cw, ch = card.width, card.height
    flip = physical_flip(sheet, duplex)
    worst, seen = 0.0, 0
    pages = placements(data)
    for s in range(0, len(pages), 2):
        fronts, backs = pages[s], pages[s + 1]
        for name, mf in fronts.items():
            i = name[1:]
            mb = backs["B" + i]
            seen += 1
            for cx, cy in ((0, 0), (cw, 0), (0, ch), (cw, ch), (cw / 3, ch / 5)):
                fx, fy = flip(*point(mf, BLEED + cx, BLEED + cy))
                # turned like a book page, back point (w - x, y) is behind front point (x, y)
                bx, by = point(mb, BLEED + cw - cx, BLEED + cy)
                bx, by = bx - offset[0] * MM, by - offset[1] * MM
                worst = max(worst, math.hypot(fx - bx, fy - by) / MM)
    return worst, seen


@pytest.mark.parametrize("sheet", ["a4", "letter"])
@pytest.mark.parametrize("duplex", ["long", "short"])
def test_backs_land_behind_fronts(imposed, sheet, duplex):
    output = imposed(sheet, duplex)
    worst, seen = registration_errors(output.path.read_bytes(), get_size(sheet), duplex, get_size("a7"))
    assert seen == CARDS
    assert worst <= 0.1, f"back misses its front by {worst:.3f} mm"
    assert output.pages % 2 == 0


@pytest.mark.parametrize("duplex", ["long", "short"])
def test_back_offset_moves_every_back_by_exactly_that(imposed, duplex):
    plain = placements(imposed("a4", duplex).path.read_bytes())
    shifted_out = imposed("a4", duplex, (1.5, -0.8))
    shifted = placements(shifted_out.path.read_bytes())
    worst, _ = registration_errors(shifted_out.path.read_bytes(), get_size("a4"), duplex, get_size("a7"), (1.5, -0.8))
    assert worst <= 0.1
    for before, after in zip(plain, shifted):
        for name, m in before.items():
            dx, dy = after[name][4] - m[4], after[name][5] - m[5]
            expected = (1.5 * MM, -0.8 * MM) if name.startswith("B") else (0.0, 0.0)
            assert abs(dx - expected[0]) < 1e-3 and abs(dy - expected[1]) < 1e-3, (name, dx / MM, dy / MM)


def test_fronts_on_odd_pages_backs_on_even(imposed):
    pages = placements(imposed("a4", "long").path.read_bytes())
    assert len(pages) == 2 * math.ceil(CARDS / 4)
    for n, found in enumerate(pages):
        assert found and all(name[0] == ("F" if n % 2 == 0 else "B") for name in found)
    assert [sorted(int(k[1:]) for k in p) for p in pages[:2]] == [[0, 1, 2, 3]] * 2


@pytest.mark.parametrize("card, sheet, per_sheet", [
    ("a7", "a4", 4), ("poker", "a4", 9), ("a6", "a4", 2), ("index-3x5", "letter", 4),
    ("index-4x6", "letter", 2), ("a7", "a3", 10), ("poker", "letter", 8)])
def test_grid_fits_as_many_as_possible_and_centres_them(card, sheet, per_sheet):
    c, s = get_size(card), get_size(sheet)
    grid = plan_grid(s, c.width, c.height, 4 * MM, 5 * MM)
    assert grid.per_sheet == per_sheet
    x0, y0, x1, y1 = grid.bounds()
    assert abs(x0 - (s.width - x1)) < 0.01 and abs(y0 - (s.height - y1)) < 0.01
    assert x0 >= 5 * MM - 0.01 and y0 >= 5 * MM - 0.01


def test_flip_model_matches_the_printer():
    a4 = get_size("a4")
    assert apply(sheet_flip(a4, "long"), 10, 20) == pytest.approx((a4.width - 10, 20))
    assert apply(sheet_flip(a4, "short"), 10, 20) == pytest.approx((10, a4.height - 20))
    landscape = get_size("a4", "landscape")  # long edge is horizontal: a long flip mirrors rows
    assert apply(sheet_flip(landscape, "long"), 10, 20) == pytest.approx((10, landscape.height - 20))


@pytest.mark.parametrize("style", ["cut", "crop"])
def test_cut_lines_stay_outside_the_cards(style):
    sheet, card = get_size("a4"), get_size("poker")
    grid = plan_grid(sheet, card.width, card.height, 4 * MM, 5 * MM)
    x0, y0, x1, y1 = grid.bounds()
    lines = [line.split() for line in cut_marks(grid, style, 2 * MM).splitlines() if line.endswith(" l S")]
    segments = [(float(p[0]), float(p[1]), float(p[3]), float(p[4])) for p in lines]  # "x y m x y l S"
    assert len(segments) == 2 * (6 + 6)  # 3 columns and 3 rows: 6 trim lines each way, two ends each
    for ax, ay, bx, by in segments:
        inside_x = x0 < min(ax, bx) and max(ax, bx) < x1
        inside_y = y0 < min(ay, by) and max(ay, by) < y1
        assert not (inside_x and inside_y), "a cut line crosses the card block"
        if style == "cut":  # full-length lines reach the sheet edge
            assert min(ax, ay, bx, by) <= 0.01 or max(ax, bx) >= sheet.width - 0.01 or max(ay, by) >= sheet.height - 0.01
        else:
            assert 0 < math.hypot(bx - ax, by - ay) <= 5 * MM + 0.01  # 5 mm, or up to the sheet edge


def test_fold_puts_the_back_beside_its_front(imposed):
    output = imposed("a4", "long", fold=True)
    pages = placements(output.path.read_bytes())
    card = get_size("a7")
    assert len(pages) == math.ceil(CARDS / 2)  # A7 pairs: two per A4 sheet, single-sided
    for found in pages:
        for name, mf in found.items():
            if name.startswith("F"):
                mb = found["B" + name[1:]]
                # folding along the shared edge: back x = 2w - front x in unit coordinates
                fx, fy = point(mf, BLEED + card.width, BLEED)
                bx, by = point(mb, BLEED, BLEED)
                assert math.hypot(fx - bx, fy - by) < 1e-3


def test_imposition_none_is_one_side_per_page_with_bleed(imposed):
    output = imposed("a4", "long", mode="none")
    pdf = pikepdf.open(io.BytesIO(output.path.read_bytes()))
    card = get_size("a7")
    assert len(pdf.pages) == 2 * CARDS
    for page in pdf.pages[:4]:
        media = [float(v) for v in page.mediabox]
        trim = [float(v) for v in page.obj["/TrimBox"]]
        assert media[2] == pytest.approx(card.width + 2 * BLEED, abs=0.01)
        assert trim[2] - trim[0] == pytest.approx(card.width, abs=0.01)
        assert trim[0] == pytest.approx(BLEED, abs=0.01)
