"""Bundled Chinese and Arabic fonts, project fonts, layouts' font chains and the glyph check."""

from __future__ import annotations

import pytest

from pdfcheck import fonts, reader, text
from wildpress import build
from wildpress.errors import LayoutError, WildpressError
from wildpress.layout import fonts as F
from wildpress.layout.layouts import load_layout

TIBETAN = "བོད"  # U+0F56 U+0F7C U+0F51: no bundled font has Tibetan


def _species(folder, common: str, facts: list[str]):
    path = folder / "data" / "species" / "sp.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(f"  - '{fact}'\n" for fact in facts)
    path.write_text(f"schema: 1\nname:\n  common: '{common}'\n  scientific: Panthera pardus orientalis\n"
                    f"status: {{category: CR}}\nsources: [{{title: T}}]\nquick_facts:\n{lines}", encoding="utf-8")
    return path


def _tibetan_font(path, family: str = "Test Serif Tibetan"):
    """A tiny TrueType font (fontTools.fontBuilder) with boxes for the three Tibetan characters."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box(width):
        pen = TTGlyphPen(None)
        pen.moveTo((50, 0)), pen.lineTo((50, 700)), pen.lineTo((width - 50, 700)), pen.lineTo((width - 50, 0))
        pen.closePath()
        return pen.glyph()

    names = [".notdef", "space", "ba", "o", "da"]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({0x20: "space", 0x0F56: "ba", 0x0F7C: "o", 0x0F51: "da"})
    fb.setupGlyf({name: TTGlyphPen(None).glyph() if name == "space" else box(600) for name in names})
    fb.setupHorizontalMetrics({name: (260 if name == "space" else 600, 50) for name in names})
    fb.setupHorizontalHeader(ascent=900, descent=-300)
    fb.setupNameTable({"familyName": family, "styleName": "Regular"})
    fb.setupOS2(usWeightClass=400, sTypoAscender=900, sTypoDescender=-300, usWinAscent=900, usWinDescent=300)
    fb.setupPost()
    fb.save(str(path))
    return path


def _embedded(pdf) -> list[str]:
    return [name.lstrip("/").split("+", 1)[-1] for name in fonts(pdf)]


def test_chinese_and_arabic_names_render_with_the_bundled_fonts(tmp_path):
    path = _species(tmp_path, "远东豹 · نمر آمور", ["雪豹生活在高山上，数量稀少。", "يعيش النمر في الغابات الباردة"])
    result = build([path], ["factsheet"], ["A4"], tmp_path / "out", project_dir=tmp_path)
    pdf = reader(result.outputs[0].path)
    assert "远东豹" in text(pdf)
    embedded = _embedded(pdf)
    assert all(name.startswith("Wildpress-") for name in embedded), embedded
    assert any(name.startswith("Wildpress-Sans-SC") for name in embedded), embedded
    assert any(name.startswith("Wildpress-Sans-Arabic") for name in embedded), embedded
    assert all(fonts(pdf).values()), "every font is embedded"


def test_bundled_sc_covers_gb2312_and_arabic_keeps_its_shaping_features():
    from fontTools.ttLib import TTFont

    faces = {f.family: f for f in F.bundled_fonts() if f.weight == 700}
    gb = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                gb.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    assert len(gb) == 7445  # 6763 hanzi + 682 symbols
    extra = [chr(c) for c in (*range(0x3000, 0x3040), *range(0xFF01, 0xFF5F))]
    assert F.missing_glyphs(["".join(sorted(gb)) + "".join(extra)], [faces["Wildpress Sans SC"]]) == {}
    with TTFont(faces["Wildpress Sans Arabic"].file) as arabic:
        gsub = {r.FeatureTag for r in arabic["GSUB"].table.FeatureList.FeatureRecord}
        gpos = {r.FeatureTag for r in arabic["GPOS"].table.FeatureList.FeatureRecord}
    assert {"init", "medi", "fina", "rlig"} <= gsub and "mark" in gpos


def test_glyph_check_returns_exactly_the_missing_characters(tmp_path):
    layout = load_layout("factsheet")
    no_glyph_needed = "soft\u00adhyphen\u200b\u2060\u200e\u2066x\u2069\ufe0f\t\n"
    texts = [f"Snow leopard {TIBETAN}", "雪豹 نمر Дальневосточный", no_glyph_needed]
    missing = F.missing_glyphs(texts, layout, tmp_path)
    assert list(missing) == list(TIBETAN)
    assert missing["བ"] == [f"Snow leopard {TIBETAN}"]
    assert F.missing_glyphs(["Amur leopard 远东豹"], F.coverage_faces(layout, tmp_path)) == {}
    assert "U+0F56 TIBETAN LETTER BA" in F.describe_missing(missing)


def test_a_project_font_is_registered_and_covers_tibetan(tmp_path):
    (tmp_path / "fonts").mkdir()
    _tibetan_font(tmp_path / "fonts" / "TestSerifTibetan-Regular.ttf")
    (face,) = F.project_fonts(tmp_path)
    assert (face.family, face.weight, face.style) == ("Test Serif Tibetan", 400, "normal")
    layout = load_layout("factsheet", tmp_path)
    assert face in F.coverage_faces(layout, tmp_path)
    assert F.missing_glyphs([f"Snow leopard {TIBETAN}"], layout, tmp_path) == {}
    css = F.font_face_css(layout, [face])
    # after the role's Latin font (a font added for one script never changes spaces and Latin letters),
    # before the bundled script fallbacks
    assert '--font-sans: "Wildpress Sans", "Test Serif Tibetan", "Wildpress Sans Arabic", "Wildpress Sans SC";' in css

    path = _species(tmp_path, "Snow leopard", [f"Called {TIBETAN} in Tibetan"])
    result = build([path], ["factsheet"], ["A4"], tmp_path / "out", project_dir=tmp_path)
    embedded = _embedded(reader(result.outputs[0].path))
    assert any(name.startswith("Test-Serif-Tibetan") for name in embedded), embedded


@pytest.mark.parametrize("content, reason", [
    (b"\x00\x01\x00\x00" + b"\x00" * 40, "not a usable TrueType font"),
    (b"<html>not a font</html>", "not a font (it starts with b'<htm')"),
    (b"wOF2" + b"\x00" * 40, "a WOFF2 web font"),
    (b"", "empty"),
])
def test_a_bad_project_font_is_a_clear_error_naming_the_file(tmp_path, content, reason):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "Broken-Regular.ttf").write_bytes(content)
    with pytest.raises(LayoutError) as err:
        F.project_fonts(tmp_path)
    assert str(tmp_path / "fonts" / "Broken-Regular.ttf") in str(err.value)
    assert reason in str(err.value)


def test_a_corrupt_project_font_fails_the_build_naming_it(tmp_path):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "Broken.otf").write_bytes(b"OTTO" + b"\xff" * 64)
    path = _species(tmp_path, "Snow leopard", ["Spots"])
    with pytest.raises(WildpressError, match="Broken.otf: not a usable OpenType"):
        build([path], ["factsheet"], ["A4"], tmp_path / "out", project_dir=tmp_path)


def test_a_child_layout_replaces_one_font_role_and_unknown_families_are_refused(tmp_path):
    folder = tmp_path / "layouts" / "plain"
    folder.mkdir(parents=True)
    (folder / "layout.yaml").write_text("name: plain\ndescription: All sans.\nkind: document\nextends: factsheet\n"
                                        "fonts:\n  display: [Wildpress Sans]\n")
    layout = load_layout("plain", tmp_path)
    assert layout.manifest["fonts"]["sans"] == ["Wildpress Sans"]  # inherited from base
    roles = F.role_families(layout)
    assert roles["display"] == ["Wildpress Sans", "Wildpress Sans Arabic", "Wildpress Sans SC"]
    (folder / "layout.yaml").write_text("name: plain\ndescription: x\nkind: document\nextends: factsheet\n"
                                        "fonts:\n  display: [Comic Sans]\n")
    with pytest.raises(LayoutError, match="fonts: display: no font family 'Comic Sans'"):
        F.font_face_css(load_layout("plain", tmp_path))
    (folder / "layout.yaml").write_text("name: plain\ndescription: x\nkind: document\nextends: factsheet\n"
                                        "fonts:\n  display: Wildpress Sans\n")
    with pytest.raises(LayoutError, match="fonts"):
        load_layout("plain", tmp_path)


@pytest.mark.parametrize("lang", ["en", "es", "fr", "de", "pt", "ru", "zh", "ar"])
def test_what_babel_formats_in_every_catalogue_language_has_glyphs(lang):
    import datetime

    from babel import Locale, dates, numbers, units

    loc = Locale.parse(lang)
    texts = [numbers.format_decimal(1234567.891, locale=lang), numbers.format_percent(0.25, locale=lang),
             dates.format_date(datetime.date(2024, 5, 3), "full", locale=lang),
             *loc.months["format"]["wide"].values(), *loc.days["format"]["wide"].values(),
             *loc.territories.values(), *(loc.languages.get(code, "") for code in ("en", "zh", "ar", "ru"))]
    for unit in ("length-kilometer", "mass-kilogram", "temperature-celsius", "area-square-kilometer",
                 "length-foot", "mass-pound", "area-square-mile", "area-hectare", "duration-year"):
        texts += [units.format_unit(12.5, unit, width, locale=lang) for width in ("short", "long")]
    assert F.missing_glyphs(texts, load_layout("factsheet")) == {}


NOTO_TIBETAN = "/usr/share/fonts/truetype/noto/NotoSerifTibetan-Regular.ttf"  # Debian fonts-noto-core


@pytest.mark.skipif(not __import__("os").path.isfile(NOTO_TIBETAN), reason="fonts-noto-core is not installed")
def test_noto_serif_tibetan_in_project_fonts_prints_tibetan(tmp_path):
    import shutil

    (tmp_path / "fonts").mkdir()
    shutil.copy(NOTO_TIBETAN, tmp_path / "fonts")
    assert [(f.family, f.weight, f.style) for f in F.project_fonts(tmp_path)] == [("Noto Serif Tibetan", 400, "normal")]
    path = _species(tmp_path, "Snow leopard", [f"Called {TIBETAN} (gsa\u0f0b) in Tibetan"])
    assert F.missing_glyphs([f"Called {TIBETAN}"], load_layout("factsheet", tmp_path), tmp_path) == {}
    result = build([path], ["factsheet"], ["A4"], tmp_path / "out", project_dir=tmp_path)
    assert any(name.startswith("Noto-Serif-Tibetan") for name in _embedded(reader(result.outputs[0].path)))


def test_every_bundled_catalogue_has_glyphs_in_the_bundled_fonts():
    from babel.messages.pofile import read_po

    from wildpress.resources import layouts_dir

    faces = F.coverage_faces(load_layout("factsheet"))
    files = sorted((layouts_dir() / "base" / "locale").glob("*.po"))
    assert {"zh.po", "ar.po"} <= {f.name for f in files}
    for file in files:
        with open(file, "rb") as fh:
            texts = [s for m in read_po(fh) for s in (m.string if isinstance(m.string, (list, tuple)) else [m.string])]
        assert F.missing_glyphs([t for t in texts if t], faces) == {}, file.name
