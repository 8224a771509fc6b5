"""Print production: bleed and page boxes, marks, PDF/X-4 and PDF/A output intents, tagging."""

from __future__ import annotations

import shutil
import subprocess

import pikepdf
import pytest

from conftest import REPO, SAMPLES, write_test_photo, without_photo

MM = 72 / 25.4
A3 = (297 * MM, 420 * MM)


def _build(tmp_path, species=SAMPLES / "axolotl.yaml", size="a3", **settings):
    from wildpress import build
    from wildpress.build import Settings

    result = build([species], ["poster"], [size], tmp_path, project_dir=REPO, settings=Settings(**settings))
    return result.outputs[0].path


def _boxes(path):
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0].obj
        return {name: [round(float(v), 2) for v in page[name]] for name in ("/MediaBox", "/BleedBox", "/TrimBox")}


def test_bleed_sets_trim_bleed_and_media_boxes(tmp_path):
    b = 3 * MM
    boxes = _boxes(_build(tmp_path, bleed_mm=3))
    assert boxes["/TrimBox"] == [0, 0, round(A3[0], 2), round(A3[1], 2)]
    assert boxes["/BleedBox"] == [round(-b, 2), round(-b, 2), round(A3[0] + b, 2), round(A3[1] + b, 2)]
    assert boxes["/MediaBox"] == boxes["/BleedBox"]


def test_large_bleed_is_not_capped(tmp_path):
    # WeasyPrint alone caps the BleedBox at 10 pt past the trim; a 5 mm bleed must be 14.17 pt.
    boxes = _boxes(_build(tmp_path, bleed_mm=5))
    assert boxes["/BleedBox"][0] == round(-5 * MM, 2)


def test_backgrounds_paint_into_the_bleed(tmp_path):
    import pypdfium2 as pdfium

    path = _build(tmp_path, bleed_mm=3)
    page = pdfium.PdfDocument(str(path))[0]
    image = page.render(scale=1).to_pil().convert("RGB")  # MediaBox = trim + 3 mm each side
    # The top-left corner of the media box is bleed: the hero panel (axolotl accent #B8677A) must reach it.
    r, g, b = image.getpixel((2, 2))
    assert (r, g, b) != (255, 255, 255) and r > g, (r, g, b)
    # ...and so must the call-to-action band at the bottom edge.
    assert image.getpixel((image.width // 2, image.height - 2)) != (255, 255, 255)


def test_marks_sit_outside_the_bleed(tmp_path):
    from wildpress.printing.production import MARK_GAP, MARK_LENGTH, Production, marks_stream

    boxes = _boxes(_build(tmp_path, bleed_mm=3, marks=("crop", "cross")))
    slug = MARK_GAP + MARK_LENGTH + 1 * MM
    bleed = boxes["/BleedBox"]
    expected = [-3 * MM - slug, -3 * MM - slug, A3[0] + 3 * MM + slug, A3[1] + 3 * MM + slug]
    assert boxes["/MediaBox"] == pytest.approx(expected, abs=0.01)
    assert bleed == pytest.approx([-3 * MM, -3 * MM, A3[0] + 3 * MM, A3[1] + 3 * MM], abs=0.01)
    # Every crop-mark segment lies wholly outside the BleedBox.
    trim = [0, 0, *A3]
    ops = marks_stream(trim, Production(bleed=3 * MM, marks=("crop",))).decode().splitlines()
    segments = [list(map(float, line.split()[:2] + line.split()[3:5])) for line in ops if line.endswith(" l S")]
    assert len(segments) == 8
    for x0, y0, x1, y1 in segments:
        outside_x = max(x0, x1) <= -3 * MM or min(x0, x1) >= A3[0] + 3 * MM
        outside_y = max(y0, y1) <= -3 * MM or min(y0, y1) >= A3[1] + 3 * MM
        assert outside_x or outside_y, (x0, y0, x1, y1)


@pytest.mark.parametrize("bad", [{"bleed_mm": 40}, {"marks": ("trim",)}, {"pdf_variant": "pdf/x-9"},
                                 {"pdf_variant": "pdf/x-1a"}, {"tile": "A44"}])
def test_bad_production_settings_are_usage_errors(tmp_path, bad):
    from wildpress.errors import UsageError

    with pytest.raises(UsageError):
        _build(tmp_path, **bad)
    assert not list(tmp_path.iterdir())


def test_parse_length():
    from wildpress.errors import UsageError
    from wildpress.printing.sizes import parse_length

    assert parse_length("3mm") == pytest.approx(3 * MM)
    assert parse_length("0.125in") == pytest.approx(9.0)
    assert parse_length("3") == pytest.approx(3 * MM)
    with pytest.raises(UsageError):
        parse_length("three")


def test_pdf_x4_declares_output_intent_and_passes_qpdf(tmp_path):
    path = _build(tmp_path, pdf_variant="pdf/x-4", bleed_mm=3, marks=("crop",))
    with pikepdf.open(path) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        intent = intents[0]
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier)
        assert str(intent.RegistryName) == "http://www.color.org"
        profile = intent.DestOutputProfile
        assert int(profile.N) == 3 and len(profile.read_bytes()) > 1000  # an embedded ICC profile
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "PDF/X-4" in xmp and "GTS_PDFXVersion" in xmp
        assert pdf.trailer.ID and str(pdf.docinfo.Trapped) == "/False"
        assert "/TrimBox" in pdf.pages[0].obj
    assert shutil.which("qpdf"), "qpdf is needed (Debian package qpdf)"
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout


def test_pdf_a2b_has_srgb_output_intent(tmp_path):
    path = _build(tmp_path, pdf_variant="pdf/a-2b")
    with pikepdf.open(path) as pdf:
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert 'pdfaid:part="2"' in xmp or "<pdfaid:part>2</pdfaid:part>" in xmp
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


def test_tagged_output_has_structure_lang_title_and_alt_text(tmp_path):
    write_test_photo(tmp_path / "ocelot.jpg")  # beside the species file, where photos must live
    source = without_photo((SAMPLES / "red-fox.yaml").read_text(encoding="utf-8"))
    species = tmp_path / "red-fox.yaml"
    species.write_text(source + "\nphoto:\n  file: ocelot.jpg\n  credit: Test Photographer\n"
                       "  licence: CC BY 4.0\n  alt: A spotted cat resting on a branch\n", encoding="utf-8")
    path = _build(tmp_path / "out", species=species, tagged=True)
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == "en"
        assert bool(pdf.Root.MarkInfo.Marked)
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert str(pdf.docinfo.Title).startswith("Red fox (Vulpes vulpes)")
        alts = [str(obj.Alt) for obj in pdf.objects
                if isinstance(obj, pikepdf.Dictionary) and "/Alt" in obj]
        assert "A spotted cat resting on a branch" in alts
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


def test_every_variant_weasyprint_offers_builds(tmp_path):
    from wildpress.printing.production import pdf_variants

    variants = [v for v in pdf_variants() if v != "pdf/x-1a"]
    assert {"pdf/x-4", "pdf/x-3", "pdf/a-2b", "pdf/a-3u", "pdf/ua-1"} <= set(variants)
    for variant in ("pdf/x-3", "pdf/a-3u", "pdf/ua-1"):
        path = _build(tmp_path / variant.replace("/", "-"), pdf_variant=variant)
        assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


def test_cli_print_production_flags(tmp_path):
    from click.testing import CliRunner

    from wildpress.cli import main

    result = CliRunner().invoke(main, ["build", str(SAMPLES / "axolotl.yaml"), "-l", "poster", "-s", "A3",
                                       "--bleed", "3mm", "--marks", "crop", "--marks", "cross",
                                       "--pdf-variant", "pdf/x-4", "--tagged", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    boxes = _boxes(tmp_path / "axolotl-poster-a3.pdf")
    assert boxes["/TrimBox"][2] == round(A3[0], 2)
    bad = CliRunner().invoke(main, ["build", str(SAMPLES / "axolotl.yaml"), "-l", "poster", "--bleed", "lots",
                                    "-o", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "--bleed" in bad.stderr
