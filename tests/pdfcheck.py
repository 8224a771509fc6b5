"""Structural checks on PDFs, in the spirit of WeasyPrint's own tests."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


def reader(path: Path | bytes) -> PdfReader:
    """Open a PDF file or bytes."""
    import io

    return PdfReader(io.BytesIO(path) if isinstance(path, bytes) else path)


def box(page, name: str = "mediabox") -> tuple[float, float]:
    """(width, height) of a page box in points, rounded to 0.01 pt."""
    b = getattr(page, name)
    return round(float(b.width), 2), round(float(b.height), 2)


def text(pdf: PdfReader) -> str:
    """All text, whitespace (including no-break spaces) collapsed, hyphenation joined."""
    raw = "\n".join(page.extract_text() or "" for page in pdf.pages)
    raw = raw.replace("\u00ad", "").replace("\u2060", "")  # soft hyphens, word joiners
    raw = re.sub(r"-\n(?=[a-z])", "", raw)  # words hyphenated at line ends
    return re.sub(r"\s+", " ", raw.replace("\u00a0", " ").replace("\u202f", " "))


def fonts(pdf: PdfReader) -> dict[str, bool]:
    """Base font name -> embedded?, for every font on every page (Type0 descendants included)."""
    found: dict[str, bool] = {}

    def visit(font):
        font = font.get_object()
        if font.get("/Subtype") == "/Type0":
            for desc in font["/DescendantFonts"]:
                visit(desc)
            return
        descriptor = font.get("/FontDescriptor")
        embedded = False
        if descriptor is not None:
            descriptor = descriptor.get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        found[str(font.get("/BaseFont"))] = embedded

    for page in pdf.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get_object().get("/Font") or {}).values():
            visit(font)
        for xobj in ((resources.get_object().get("/XObject") or {}).values()):
            xres = xobj.get_object().get("/Resources")
            if xres:
                for font in (xres.get_object().get("/Font") or {}).values():
                    visit(font)
    return found


def text_geometry(path: Path | bytes) -> list[dict]:
    """Per page: the smallest font size (pt), the characters outside the TrimBox and the page's text.

    Font sizes come from PDFium, which reports them in the units of the text
    matrix; WeasyPrint draws in CSS pixels under a 0.75 scale, so they are
    converted to points.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(path if isinstance(path, bytes) else str(path))
    pages = []
    for page in pdf:
        left, bottom, right, top = page.get_trimbox()
        textpage = page.get_textpage()
        smallest, outside, chars = None, [], []
        for i in range(textpage.count_chars()):
            char = chr(raw.FPDFText_GetUnicode(textpage, i))
            if not char.strip():
                continue
            chars.append(char)
            size = raw.FPDFText_GetFontSize(textpage, i) * 0.75
            smallest = size if smallest is None else min(smallest, size)
            x0, y0, x1, y1 = textpage.get_charbox(i)
            if x0 < left - 0.5 or x1 > right + 0.5 or y0 < bottom - 0.5 or y1 > top + 0.5:
                outside.append(char)
        pages.append({"smallest_pt": smallest or 0.0, "outside": "".join(outside),
                      "text": textpage.get_text_range()})
    pdf.close()
    return pages


def blank_shares(path: Path, cell: float = 0.02) -> list[float]:
    """Per page, the largest blank rectangle (page background only) as a share of the page area.

    The page is rendered at 40 dpi and cut into cells of ``cell`` of its width and height; a
    cell is blank when every pixel is near white (no ink averaged into it). The largest all-blank rectangle of cells
    (the histogram method) is what a reader sees as an empty part of the page, wherever it is:
    under the last paragraph, or a hole beside a short column.
    """
    import pypdfium2 as pdfium

    shares = []
    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            from PIL import Image

            n = round(1 / cell)
            inked = page.render(scale=40 / 72).to_pil().convert("L").point(lambda v: 255 if v <= 245 else 0)
            cells = inked.resize((n, n), Image.Resampling.BOX).load()  # > 0: some ink in the cell
            blank = [[cells[j, i] == 0 for j in range(n)] for i in range(n)]
            best, heights = 0, [0] * n
            for row in blank:
                heights = [height + 1 if empty else 0 for height, empty in zip(heights, row)]
                stack: list[tuple[int, int]] = []
                for j, height in enumerate([*heights, 0]):
                    start = j
                    while stack and stack[-1][1] >= height:
                        start, top = stack.pop()
                        best = max(best, top * (j - start))
                    stack.append((start, height))
            shares.append(best / (n * n))
    finally:
        pdf.close()
    return shares
