"""QR codes: exact printed size, the 0.4 mm module check, and a code that decodes from the rendered PDF."""

from __future__ import annotations

import re

import pytest

from wildpress.errors import FitError
from wildpress.pictures.qr import check_printable, min_size_mm, module_mm, modules, qr_links, qr_svg

SHORT = "https://www.wwf.org.uk/donate"
LONG = ("https://www.worldwildlife.org/species/amur-leopard?utm_source=wildpress&utm_medium=print"
        "&utm_campaign=factsheet-2025-amur")


def _attr(svg: str, name: str) -> str:
    return re.search(rf'<svg\b[^>]*\b{name}="([^"]*)"', svg).group(1)


@pytest.mark.parametrize("size", [14.8, 20, 25.4, 31.123456])
def test_svg_is_exactly_the_size_asked_for_quiet_zone_included(size):
    svg = str(qr_svg(SHORT, size))
    assert _attr(svg, "width") == _attr(svg, "height")
    assert float(_attr(svg, "width").removesuffix("mm")) == pytest.approx(size, abs=1e-6)
    assert _attr(svg, "width").endswith("mm")
    n = modules(SHORT)
    assert _attr(svg, "viewBox") == f"0 0 {n} {n}"  # the quiet zone is inside the viewBox
    assert not svg.startswith("<?xml") and svg.count("<svg") == 1
    assert _attr(svg, "role") == "img" and SHORT in _attr(svg, "aria-label")
    assert '<path fill="#fff" d="M0 0h' in svg  # the quiet zone is painted light


def test_transparent_light_leaves_the_quiet_zone_unpainted():
    svg = str(qr_svg(SHORT, 20, dark="#000", light=None))
    assert "fill=" not in svg and 'stroke="#000"' in svg


def test_aria_label_is_escaped():
    svg = str(qr_svg('https://example.org/?a=1&b="2"', 30))
    assert 'aria-label="QR code: https://example.org/?a=1&amp;b=&#34;2&#34;"' in svg


@pytest.mark.parametrize("url", [SHORT, LONG])
def test_min_size_gives_modules_of_at_least_0_4_mm(url):
    size = min_size_mm(url)
    assert module_mm(url, size) >= 0.4 - 1e-9
    assert module_mm(url, size - 0.1) < 0.4
    assert min_size_mm(LONG) > min_size_mm(SHORT)  # a longer link needs more modules


def test_check_printable_passes_at_and_above_the_minimum():
    for url in (SHORT, LONG):
        check_printable(url, min_size_mm(url), "amur-leopard / poster / A4")
        check_printable(url, min_size_mm(url) + 10, "amur-leopard / poster / A4")


def test_check_printable_below_the_minimum_names_output_link_module_and_minimum():
    assert min_size_mm(LONG) == pytest.approx(21.2)
    with pytest.raises(FitError) as caught:
        check_printable(LONG, 18, "amur-leopard / poster / A4")
    assert str(caught.value) == (
        f"amur-leopard / poster / A4: the QR code for {LONG} would print with 0.33 mm modules; "
        "a code needs at least 0.4 mm (21.2 mm wide here). Use a shorter link or a larger size.")


def test_links_donate_first_then_more_info():
    links = {"more_info": "https://example.org/leopard", "donate": SHORT}
    assert qr_links(links) == [("donate", SHORT), ("more_info", "https://example.org/leopard")]
    assert qr_links({"more_info": "https://example.org/leopard"}) == [("more_info", "https://example.org/leopard")]
    assert qr_links({"donate": SHORT, "more_info": SHORT}) == [("donate", SHORT)]
    assert qr_links(None) == [] and qr_links({}) == []


@pytest.mark.parametrize("url", [SHORT, LONG])
def test_code_at_its_minimum_size_decodes_from_the_rendered_page(url):
    import pypdfium2
    import weasyprint
    import zxingcpp

    size = min_size_mm(url)
    html = (f"<html><head><style>@page {{ size: {size + 20}mm; margin: 10mm }} body {{ margin: 0 }}"
            f"svg {{ display: block }}</style></head><body>{qr_svg(url, size)}</body></html>")
    pdf = weasyprint.HTML(string=html).write_pdf()
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=300 / 72).to_pil().convert("L")  # 300 dpi: a 0.4 mm module is ~4.7 px
    found = zxingcpp.read_barcodes(image)
    assert [(r.format, r.text) for r in found] == [(zxingcpp.BarcodeFormat.QRCode, url)]
    # The printed code is the size asked for: dark modules span (modules - 8) of the page's pixels.
    dark = image.point(lambda v: 255 if v < 128 else 0).getbbox()
    expected_px = (modules(url) - 8) * module_mm(url, size) / 25.4 * 300
    assert dark[2] - dark[0] == pytest.approx(expected_px, abs=3)
