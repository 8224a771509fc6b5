"""Photos: upright, in colour, transparency on the panel colour, focal point kept, sized and cached."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from conftest import SCENARIOS
from wildpress import build
from wildpress.build import Settings
from wildpress.printing.imposition import ImpositionSettings
from wildpress.pictures.photos import FOCAL_MARGIN, focal_window, prepare

MINIMAL = (SCENARIOS / "valid-minimal.yaml").read_text()


def _species(folder: Path, name: str, photo: Path, extra: str = "", accent: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = MINIMAL + (f"accent: '{accent}'\n" if accent else "") + (
        f"photo:\n  file: {photo.name}\n  credit: Test Photographer\n  licence: CC0-1.0\n"
        f"  alt: A test picture\n{extra}")
    path = folder / f"{name}.yaml"
    path.write_text(text)
    return path


def _pixels(pdf: Path, page: int = 0, dpi: int = 40) -> Image.Image:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    image = doc[page].render(scale=dpi / 72).to_pil().convert("RGB")
    doc.close()
    return image


def _hero(pdf: Path) -> Image.Image:
    """The fact sheet's photo band (A4: 15 mm margins; the band starts under the masthead)."""
    image = _pixels(pdf, dpi=60)
    mm = 60 / 25.4
    column = [image.getpixel((int(105 * mm), int(y * mm))) for y in range(30, 110)]
    # the band: the longest run of rows that are not page white (the masthead rule is a short one)
    runs, start = [], None
    for y, px in zip(range(30, 111), column + [(255, 255, 255)]):
        if sum(px) < 700 and start is None:
            start = y
        elif sum(px) >= 700 and start is not None:
            runs.append((start, y - 1))
            start = None
    top, bottom = max(runs, key=lambda r: r[1] - r[0])
    return image.crop((int(20 * mm), int(top * mm) + 2, int(190 * mm), int(bottom * mm) - 2))


def _close(pixel, colour, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


@pytest.mark.parametrize("aspect", [0.6, 1.0, 2.9])  # tall poster, square-ish card, wide fact-sheet band
@pytest.mark.parametrize("focal", [(0.1, 0.1), (0.5, 0.5), (0.92, 0.8), (0.0, 1.0)])
def test_the_focal_point_stays_inside_the_window(aspect, focal):
    size = (6000, 4000)
    left, top, right, bottom = focal_window(size, aspect, focal)
    assert 0 <= left < right <= size[0] and 0 <= top < bottom <= size[1]
    assert (right - left) / (bottom - top) == pytest.approx(aspect, rel=0.01)
    fx, fy = focal[0] * size[0], focal[1] * size[1]
    assert left <= fx <= right and top <= fy <= bottom


@settings(max_examples=300, deadline=None)
@given(st.integers(50, 8000), st.integers(50, 8000), st.floats(0.2, 5.0), st.floats(0, 1), st.floats(0, 1))
def test_the_focal_point_keeps_clear_of_the_edges_wherever_the_photo_allows(w, h, aspect, fx, fy):
    left, top, right, bottom = focal_window((w, h), aspect, (fx, fy))
    x, y = fx * w, fy * h
    assert left - 1 <= x <= right + 1 and top - 1 <= y <= bottom + 1
    ww, wh = right - left, bottom - top
    # Away from the photo's own edges, the point is at least the margin inside the window.
    if FOCAL_MARGIN * ww + 1 < x < w - FOCAL_MARGIN * ww - 1:
        assert (x - left) >= FOCAL_MARGIN * ww - 1 and (right - x) >= FOCAL_MARGIN * ww - 1
    if FOCAL_MARGIN * wh + 1 < y < h - FOCAL_MARGIN * wh - 1:
        assert (y - top) >= FOCAL_MARGIN * wh - 1 and (bottom - y) >= FOCAL_MARGIN * wh - 1


def test_an_exif_rotated_photo_prints_upright(tmp_path):
    # Stored sideways: red on the left, blue on the right; EXIF 6 says "turn 90° clockwise",
    # so upright it is red at the top and blue at the bottom.
    stored = Image.new("RGB", (800, 1200), (30, 60, 220))
    stored.paste((220, 30, 30), (0, 0, 400, 1200))
    exif = Image.Exif()
    exif[0x0112] = 6
    photo = tmp_path / "sp" / "sideways.jpg"
    photo.parent.mkdir()
    stored.save(photo, "JPEG", exif=exif.tobytes(), quality=95)
    result = build([_species(tmp_path / "sp", "turned", photo)], ["factsheet"], ["a4"], tmp_path / "out")
    hero = _hero(result.outputs[0].path)
    top, bottom = hero.getpixel((hero.width // 2, 3)), hero.getpixel((hero.width // 2, hero.height - 4))
    assert _close(top, (220, 30, 30)) and _close(bottom, (30, 60, 220)), (top, bottom)


def test_a_cmyk_photo_prints_in_its_colours(tmp_path):
    photo = tmp_path / "sp" / "cmyk.jpg"
    photo.parent.mkdir()
    Image.new("RGB", (1200, 800), (40, 160, 60)).convert("CMYK").save(photo, "JPEG", quality=95)
    result = build([_species(tmp_path / "sp", "cmyk", photo)], ["factsheet"], ["a4"], tmp_path / "out")
    hero = _hero(result.outputs[0].path)
    pixel = hero.getpixel((hero.width // 2, hero.height // 2))
    assert _close(pixel, (40, 160, 60), 45), pixel  # green, not inverted or magenta


def test_an_svg_photo_prints_as_drawn_at_the_default_photo_ppi(tmp_path):
    photo = tmp_path / "sp" / "drawing.svg"
    photo.parent.mkdir()
    photo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="3000">'
                     '<rect width="4000" height="3000" fill="rgb(40,160,60)"/></svg>')
    result = build([_species(tmp_path / "sp", "drawing", photo)], ["factsheet"], ["a4"], tmp_path / "out")
    hero = _hero(result.outputs[0].path)  # before: "UnidentifiedImageError" when photos were downsampled
    assert _close(hero.getpixel((hero.width // 2, hero.height // 2)), (40, 160, 60), 30)


def test_transparent_areas_take_the_panel_colour(tmp_path):
    image = Image.new("RGBA", (1200, 600), (0, 0, 0, 0))
    image.paste((250, 200, 20, 255), (600, 0, 1200, 600))  # opaque yellow right half
    photo = tmp_path / "sp" / "cutout.png"
    photo.parent.mkdir()
    image.save(photo)
    result = build([_species(tmp_path / "sp", "cutout", photo, accent="#7a2e8c")], ["factsheet"], ["a4"],
                   tmp_path / "out")
    hero = _hero(result.outputs[0].path)
    left, right = hero.getpixel((hero.width // 8, hero.height // 2)), hero.getpixel((hero.width * 7 // 8, hero.height // 2))
    assert _close(left, (0x7a, 0x2e, 0x8c)), left  # the panel colour, not grey or white
    assert _close(right, (250, 200, 20)), right


def test_a_crop_cuts_off_a_camera_trap_info_bar(tmp_path):
    image = Image.new("RGB", (1600, 1000), (60, 120, 60))
    image.paste((255, 255, 255), (0, 900, 1600, 1000))  # a white info bar along the bottom
    photo = tmp_path / "sp" / "trap.jpg"
    photo.parent.mkdir()
    image.save(photo, quality=95)
    crop = "  crop: {x: 0, y: 0, width: 1, height: 0.88}\n  focal_point: {x: 0.5, y: 0.95}\n"
    result = build([_species(tmp_path / "sp", "trap", photo, crop)], ["factsheet"], ["a4"], tmp_path / "out")
    hero = _hero(result.outputs[0].path)
    assert all(not _close(hero.getpixel((x, hero.height - 3)), (255, 255, 255), 30)
               for x in range(0, hero.width, 25))


def test_card_photos_are_embedded_at_their_printed_size_and_reused_from_the_cache(tmp_path):
    folder = tmp_path / "sp"
    folder.mkdir()
    big = folder / "big.jpg"
    Image.new("RGB", (6000, 4000), (90, 140, 200)).save(big, quality=90)
    for n in range(3):
        _species(folder, f"card-{n}", big)
    settings_ = Settings(cards=ImpositionSettings(mode="none"))
    first = build([folder], ["flashcards"], ["a7"], tmp_path / "out1", settings=settings_)
    # A7 plus 3 mm bleed each side at 300 ppi, with 2% to spare for rounding.
    limit_w, limit_h = (74 + 6) / 25.4 * 300 * 1.02, (105 + 6) / 25.4 * 300 * 1.02
    with pikepdf.open(first.outputs[0].path) as pdf:
        sizes = [(int(obj.Width), int(obj.Height)) for obj in pdf.objects
                 if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]
    assert sizes and all(w <= limit_w and h <= limit_h for w, h in sizes), sizes
    assert first.outputs[0].path.stat().st_size < 1_000_000
    data = big.read_bytes()
    import os

    cache = Path(os.environ["WILDPRESS_CACHE"])
    again = prepare(data, (80, 111), cache, focal=(0.5, 0.5))
    assert prepare(data, (80, 111), cache, focal=(0.5, 0.5)).cached and again.path.is_file()


def test_a_small_photo_on_a_big_poster_is_a_warning_naming_file_output_and_ppi(tmp_path):
    photo = tmp_path / "sp" / "small.jpg"
    photo.parent.mkdir()
    Image.new("RGB", (1080, 720), (90, 140, 90)).save(photo)
    result = build([_species(tmp_path / "sp", "small", photo)], ["poster"], ["a1"], tmp_path / "out")
    [warning] = [str(w) for w in result.warnings if "ppi" in str(w)]
    assert warning.startswith(f"{tmp_path / 'sp' / 'small.yaml'}: warning: photo: small / poster / A1: "
                              "small.jpg prints at ")
    assert "ppi" in warning and "150 ppi or more looks sharp" in warning


def test_a_gallery_prints_beside_the_main_photo_and_on_the_poster(tmp_path):
    folder = tmp_path / "sp"
    folder.mkdir()
    colours = {"main.jpg": (200, 40, 40), "second.jpg": (40, 200, 40), "third.jpg": (40, 40, 200)}
    for name, colour in colours.items():
        Image.new("RGB", (1600, 1000), colour).save(folder / name, quality=92)
    gallery = "gallery:\n" + "".join(
        f"  - {{file: {name}, credit: Gallery Photographer, licence: CC-BY-4.0, alt: picture}}\n"
        for name in ("second.jpg", "third.jpg"))
    species = _species(folder, "gallery", folder / "main.jpg")
    species.write_text(species.read_text() + gallery)
    result = build([species], ["factsheet", "poster"], ["a4"], tmp_path / "out")
    for output in result.outputs:
        with pikepdf.open(output.path) as pdf:
            images = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]
        assert len(images) == 3, output.path.name
    from pdfcheck import reader, text

    content = text(reader(result.outputs[0].path))
    assert "Photos: Test Photographer (CC0 1.0); Gallery Photographer (CC BY 4.0); Gallery Photographer (CC BY 4.0)" in content


def test_without_a_cache_setting_prepared_photos_stay_inside_the_output_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("WILDPRESS_CACHE", raising=False)
    photo = tmp_path / "sp" / "pic.jpg"
    photo.parent.mkdir()
    Image.new("RGB", (1600, 1000), (90, 140, 90)).save(photo)
    build([_species(tmp_path / "sp", "cached", photo)], ["factsheet"], ["a4"], tmp_path / "out")
    prepared = list((tmp_path / "out" / ".wildpress-cache" / "photos").glob("*.jpg"))
    assert len(prepared) == 1
    assert not (Path.home() / ".cache" / "wildpress" / "photos" / prepared[0].name).exists()
