"""Right to left and CJK on the page: every layout mirrors in Arabic and stays as it was in English;
Chinese lines never start with closing punctuation. Checked from the PDF's text positions."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from wildpress.cli import main

REPO = Path(__file__).resolve().parent.parent
LEOPARD = REPO / "data" / "species" / "amur-leopard.yaml"


def _pdf(tmp_path: Path, lang: str, *args: str) -> Path:
    out = tmp_path / lang
    result = CliRunner().invoke(main, ["build", str(LEOPARD), "--lang", lang, "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    (pdf,) = out.glob("*.pdf")
    return pdf


def _x(path: Path, needle: str, page: int = 0) -> float:
    """Left edge (pt) of the first occurrence of ``needle`` on ``page``."""
    pdf = pdfium.PdfDocument(str(path))
    text = pdf[page].get_textpage()
    found = text.search(needle).get_next()
    assert found, f"{needle!r} not on page {page + 1} of {path.name}"
    x = text.get_charbox(found[0])[0]
    pdf.close()
    return x


CASES = [("factsheet", ["-s", "a4"], 0), ("poster", ["-s", "a3"], 0),
         ("flashcards", ["--imposition", "none"], 1)]  # a card's back: page 2


@pytest.mark.parametrize("layout, args, page", CASES, ids=[c[0] for c in CASES])
def test_arabic_mirrors_the_scale_and_the_figures_english_does_not(tmp_path, layout, args, page):
    for lang, rtl in (("en", False), ("ar", True)):
        pdf = _pdf(tmp_path, lang, "-l", layout, *args)
        # The first figure (length, 1.36 m) sits right of the later ones (weight, 48 kg) right to left.
        if layout != "flashcards":  # a card back has room for three tiles: population, length, height
            assert (_x(pdf, "1.36", page) > _x(pdf, "48", page)) == rtl, f"{lang} {layout}: figures"
        else:
            assert (_x(pdf, "1.36", page) > _x(pdf, "74", page)) == rtl, f"{lang} {layout}: figures"
        if layout != "flashcards":  # the IUCN scale: Extinct at the start of the reading direction
            assert (_x(pdf, "EX", page) > _x(pdf, "LC", page)) == rtl, f"{lang} {layout}: status scale"


def test_scientific_names_stay_left_to_right_in_arabic(tmp_path):
    pdf = pdfium.PdfDocument(str(_pdf(tmp_path, "ar", "-s", "a4")))
    text = pdf[0].get_textpage().get_text_range()
    pdf.close()
    assert "Panthera pardus orientalis" in text


def test_chinese_lines_never_start_with_closing_punctuation(tmp_path):
    pdf = pdfium.PdfDocument(str(_pdf(tmp_path, "zh", "-s", "a4")))
    lines = [line.strip() for page in pdf for line in page.get_textpage().get_text_range().splitlines()]
    pdf.close()
    assert len(lines) > 40
    bad = [line for line in lines if line[:1] in "，。、；：！？）」』"]
    assert not bad, bad[:3]
