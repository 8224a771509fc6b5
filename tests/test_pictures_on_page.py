"""QR codes and range maps as they print: decodable at the smallest size that passes, and only with content."""

from __future__ import annotations

import pytest

from conftest import SAMPLES, SCENARIOS
from pdfcheck import reader, text
from wildpress import build
from wildpress.pictures.qr import min_size_mm

LONG_URL = ("https://www.worldwildlife.org/pages/donate-to-protect-amur-leopards-and-their-forest-habitat"
            "?utm_source=factsheet&utm_medium=print")


def _decode(pdf_path, page=0, dpi=400):
    import pypdfium2 as pdfium
    import zxingcpp

    doc = pdfium.PdfDocument(str(pdf_path))
    image = doc[page].render(scale=dpi / 72).to_pil()
    doc.close()
    return [r.text for r in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("layout, size", [("factsheet", "a4"), ("poster", "a4")])
def test_the_printed_qr_code_decodes_to_the_donate_link(tmp_path, layout, size):
    species = tmp_path / "test-cat.yaml"
    species.write_text((SCENARIOS / "valid-minimal.yaml").read_text()
                       + f"links:\n  donate: {LONG_URL}\n  more_info: https://example.org/cats\n")
    result = build([species], [layout], [size], tmp_path / "out")
    pdf = result.outputs[0].path
    assert LONG_URL in _decode(pdf, page=len(reader(pdf).pages) - 1)
    assert min_size_mm(LONG_URL) > 17  # the fact sheet's design size: the code grew to its minimum


def test_no_links_no_qr_code_and_no_slot(tmp_path):
    result = build([SCENARIOS / "valid-minimal.yaml"], ["poster", "factsheet"], ["a4"], tmp_path)
    for output in result.outputs:
        assert _decode(output.path) == []
        assert "QR" not in text(reader(output.path)) and "SCAN TO" not in text(reader(output.path))


def test_a_code_too_small_to_scan_is_an_error_naming_the_output(tmp_path):
    from wildpress.errors import FitError

    very_long = "https://example.org/" + "x" * 900
    species = tmp_path / "test-cat.yaml"
    species.write_text((SCENARIOS / "valid-minimal.yaml").read_text() + f"links:\n  donate: {very_long}\n")
    with pytest.raises(FitError, match=r"^test-cat / factsheet / A4: the QR code for https://example\.org/x+ "
                                       r"would print with 0\.\d+ mm modules; a code needs at least 0\.4 mm"):
        build([species], ["factsheet"], ["a4"], tmp_path / "out")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_the_amur_leopard_sheet_carries_its_range_map(tmp_path):
    result = build([SAMPLES / "amur-leopard.yaml"], ["factsheet"], ["a4"], tmp_path)
    assert "Map: Natural Earth" in text(reader(result.outputs[0].path))
