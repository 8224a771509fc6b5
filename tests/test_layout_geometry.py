"""The sizes templates place things at (wildpress.layout.geometry), checked without rendering."""

from __future__ import annotations

import pytest

from wildpress.layout import geometry
from wildpress.layout.cards import tile_values
from wildpress.layout.ladder import Rung


def page(w: float, h: float, bleed: float = 0.0) -> dict:
    return {"width_mm": w, "height_mm": h, "bleed_mm": bleed, "orientation": "landscape" if w > h else "portrait"}


def test_one_line_size_is_the_width_over_the_characters():
    assert geometry.one_line_size(60, 10, 0.6) == pytest.approx(10)
    assert geometry.one_line_size(60, 10, 0.55, 0.5) == pytest.approx(10)


def test_unit_is_one_percent_of_a4_and_grows_slower_above():
    assert geometry.poster_unit(210, 297) == pytest.approx(2.1)
    assert geometry.poster_unit(297, 210) == pytest.approx(2.1)  # one paper, one type size
    a0 = geometry.poster_unit(841, 1189)
    assert 2.1 * 2 < a0 < 8.41  # bigger than A4's, less than 1% of A0's short side
    assert a0 == pytest.approx(8.41 * (210 / 841) ** 0.35)


@pytest.mark.parametrize("size", [(210, 297), (297, 420), (841, 1189), (279.4, 215.9)])
def test_poster_title_fits_its_width(size):
    long_title = "Attenborough's long-beaked\u00a0echidna"
    g = geometry.poster(page(*size), Rung(), False, long_title, "Zaglossus attenboroughi")
    longest = max(len(word) for word in long_title.split(" "))
    assert g.title <= 9 and g.title * (longest * 0.6 + 0.5) <= g.title_w + 1e-9
    assert g.sci <= 3.2 and g.sci * (len("attenboroughi") * 0.56 + 0.5) <= g.title_w + 1e-9
    assert g.landscape == (size[0] > size[1])


def test_landscape_sets_text_beside_the_photo():
    portrait = geometry.poster(page(297, 420), Rung(), False, "Red fox", "Vulpes vulpes")
    landscape = geometry.poster(page(420, 297), Rung(), False, "Red fox", "Vulpes vulpes")
    assert portrait.text_w == pytest.approx(297 / portrait.u - 12)  # the full width less the padding
    assert landscape.text_w < 420 / landscape.u * 0.5  # the photo takes half the width
    assert landscape.hero_box == pytest.approx((420 * 0.5, 297))


def test_ladder_steps_shrink_the_photo_and_compact_needs_a_brand():
    full = geometry.poster(page(210, 297), Rung(), True, "Red fox", "Vulpes vulpes")
    smaller = geometry.poster(page(210, 297), Rung(css_classes=("fit-hero-30",)), True, "Red fox", "Vulpes vulpes")
    assert (full.share, smaller.share) == (0.42, 0.30)
    compact = Rung(css_classes=("fit-brand-compact",))
    assert geometry.poster(page(210, 297), compact, True, "Red fox", "Vulpes vulpes").compact
    assert not geometry.poster(page(210, 297), compact, False, "Red fox", "Vulpes vulpes").compact


def test_hero_height_takes_the_filled_height():
    g = geometry.poster(page(210, 297, 3), Rung(), False, "Red fox", "Vulpes vulpes")
    assert g.hero_height({}) == pytest.approx(297 * 0.42 + 3)
    assert g.hero_height({"hero": 150.0}) == 150.0


def test_title_goes_on_top_only_when_the_subject_is_low():
    g = geometry.poster(page(210, 297), Rung(), False, "Red fox", "Vulpes vulpes")
    assert not g.title_on_top(0.3, 120, 0)  # first pass: by the focal point alone
    assert g.title_on_top(0.6, 120, 0)
    assert not g.title_on_top(0.2, 120, 30)  # the subject is high: the title clears it at the foot
    assert g.title_on_top(0.9, 120, 30)  # the subject is at the foot: the title goes up


def test_figures_fit_their_tiles_and_words_keep_a_steady_size():
    g = geometry.poster(page(210, 297), Rung(scale=0.9), False, "Red fox", "Vulpes vulpes")
    stats = g.stats([{"value": "1,000,000–2,500,000", "label": "x"}, {"value": "12", "label": "y"},
                     {"value": "Russia and China and Mongolia", "label": "z", "words": True}])
    room = g.text_w / 3 - 2
    figure, short, words = stats
    assert figure["size"] / 0.9 * (len(figure["value"]) * 0.56 + 0.2) <= room + 1e-9
    assert short["size"] == pytest.approx(geometry.STAT_VALUE * 0.9)
    assert words["size"] >= geometry.STAT_WORDS_MIN * 0.9 - 1e-9
    assert sum(stat["width"] for stat in stats) < 100


def test_gallery_thumbnails_fill_the_panel():
    g = geometry.poster(page(297, 420), Rung(), False, "Red fox", "Vulpes vulpes")
    thumb = g.gallery(3)
    assert 3 * thumb["width"] + 2 * thumb["gap"] == pytest.approx(g.text_w * g.u)
    assert thumb["height"] <= 16 * g.u + 1e-9


def test_map_goes_under_the_shorter_column_and_never_past_its_natural_width():
    g = geometry.poster(page(297, 420), Rung(), False, "Red fox", "Vulpes vulpes")
    why_h, threats_h = g.story_heights(200, [40, 40, 40, 40])
    assert threats_h > 2.0 and why_h > 0
    estimated = g.map_box(True, 10, 30, 0, False)
    assert estimated["under_why"] and estimated["width"] == pytest.approx(g.text_w * g.u * 0.56)
    small = g.map_box(True, 10, 30, 0, True)
    assert small["width"] == pytest.approx(estimated["width"] * 0.7)
    roomy = g.map_box(True, 10, 30, 500, False)
    assert roomy["width"] == pytest.approx(estimated["width"])  # capped at its natural width
    tight = g.map_box(False, 10, 30, 1, False)
    assert not tight["under_why"] and tight["width"] == pytest.approx(g.text_w * g.u * 0.55 * 0.45)


def test_stylesheet_sets_the_unit_and_paints_the_bleed_only_with_one():
    plain = geometry.poster(page(210, 297), Rung(), False, "Red fox", "Vulpes vulpes").stylesheet()
    bled = geometry.poster(page(210, 297, 3), Rung(), False, "Red fox", "Vulpes vulpes").stylesheet()
    assert "html { font-size: 2.10000mm; }" in plain
    assert "box-shadow" not in plain and ".cta { box-shadow: 0 3mm 0 0 #1d2320; }" in bled
    assert ".cta-title { font-size: 3.2000rem; }" in plain
    landscape = geometry.poster(page(297, 210), Rung(), False, "Red fox", "Vulpes vulpes").stylesheet()
    assert ".cta-title { font-size: 2.8000rem; }" in landscape and "float: left" in landscape


def test_factsheet_photo_band_grows_with_the_steps_and_the_gallery_stacks_beside_it():
    a4 = page(210, 297)
    assert geometry.factsheet(a4, Rung(), 0).hero_h == 62
    assert geometry.factsheet(a4, Rung(css_classes=("grow-roomier",)), 0).hero_h == 92
    assert geometry.factsheet(a4, Rung(css_classes=("fit-tight",)), 0).hero_h == 50
    band = geometry.factsheet(a4, Rung(), 2)
    assert band.main_w == pytest.approx(180 * 0.655)
    assert 2 * band.thumb["height"] + 2 == pytest.approx(band.hero_h)
    assert band.main_w + 2 + band.thumb["width"] == pytest.approx(band.content_w)
    assert geometry.factsheet_map(a4, Rung(css_classes=("grow-roomy",))) == {"width": pytest.approx(180 * 0.482),
                                                                             "height": 54}


def test_cards_tiles_use_the_same_one_line_rule():
    tiles = tile_values([{"value": "1,000–2,000"}, {"value": "7"}], 63, 12)
    assert len({tile["pt"] for tile in tiles}) == 1  # one size for the band
    assert tiles[0]["pt"] <= 12
