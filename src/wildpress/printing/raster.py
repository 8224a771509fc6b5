"""PDF pages as PNG images (``--format png``): for social media, slides and school intranets.

Each page is drawn by pdfium (in this process, no external program) at its TrimBox, the finished
size, so bleed and printer's marks never show on screen. A page of W × H inches at N ppi becomes
exactly round(W × N) × round(H × N) pixels; the PNG records the ppi (its pHYs chunk) and says its
colours are sRGB (an embedded sRGB ICC profile, its iCCP chunk), which is what WeasyPrint's colours are.

The pixels of one document are counted from its page boxes before any page is drawn, and a
document past :data:`MAX_DOCUMENT_PIXELS` is refused with the figure and what to change.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

from ..errors import RenderError

# pdfium is not thread-safe, and serve renders in its server threads too (page views, import
# previews) while the main thread makes thumbnails and PNGs: every use of it in this process holds this.
PDFIUM_LOCK = threading.RLock()
MAX_DOCUMENT_PIXELS = 150_000_000  # an A0 poster at 300 ppi is 139 MP; more is a typo (--ppi 3000) or an attack
DEFAULT_PPI = 150.0  # paper sizes without a screen ppi of their own


def png_ppi(ppi: float | None, size) -> float:
    """The ppi of an output's PNGs: --ppi, else its size's screen ppi, else :data:`DEFAULT_PPI`."""
    return float(ppi or size.ppi or DEFAULT_PPI)


@dataclass(frozen=True)
class Raster:
    """One page as a PNG: its bytes and its pixel size."""

    png: bytes
    width: int
    height: int


def _trim(page, inset: float = 0.0) -> tuple[float, float, float, float]:
    """The page's TrimBox (left, bottom, right, top) in points; pdfium falls back to the CropBox.
    A page without one of its own (a card side with its bleed) is cut ``inset`` points in."""
    trim = tuple(page.get_trimbox())
    if inset and trim == tuple(page.get_mediabox()):
        left, bottom, right, top = trim
        return left + inset, bottom + inset, right - inset, top - inset
    return trim


def pixel_size(width_pt: float, height_pt: float, ppi: float) -> tuple[int, int]:
    """The pixels of a ``width_pt`` × ``height_pt`` page at ``ppi``: round(inches × ppi) each way."""
    return max(1, round(width_pt / 72 * ppi)), max(1, round(height_pt / 72 * ppi))


def _check_pixels(document, ppi: float, source: str, inset: float) -> None:
    total = 0
    for index in range(len(document)):
        left, bottom, right, top = _trim(document[index], inset)
        width, height = pixel_size(right - left, top - bottom, ppi)
        total += width * height
    if total > MAX_DOCUMENT_PIXELS:
        raise RenderError(f"{source}: {len(document)} page(s) at {ppi:g} ppi would be {total / 1e6:,.0f} megapixels, "
                          f"more than the {MAX_DOCUMENT_PIXELS / 1e6:.0f} allowed per document; give a lower --ppi")


def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _draw(page, ppi: float, inset: float) -> "object":
    """``page`` drawn at its TrimBox, resized by at most a pixel to the exact size (pdfium rounds its own way)."""
    from PIL import Image

    media_left, media_bottom, media_right, media_top = page.get_mediabox()
    left, bottom, right, top = _trim(page, inset)
    crop = (left - media_left, bottom - media_bottom, media_right - right, media_top - top)
    image = page.render(scale=ppi / 72, crop=crop, may_draw_forms=True).to_pil().convert("RGB")
    exact = pixel_size(right - left, top - bottom, ppi)
    if image.size != exact:
        image = image.resize(exact, Image.Resampling.LANCZOS)
    return image


def pdf_to_pngs(data: bytes, ppi: float, source: str, inset: float = 0.0) -> list[Raster]:
    """Every page of the PDF ``data`` as a PNG at ``ppi``; ``source`` names the document in messages,
    ``inset`` (points) is cut off each edge of a page without a TrimBox of its own."""
    if not 1 <= ppi <= 2400:
        raise RenderError(f"{source}: {ppi:g} ppi is outside 1..2400")
    with PDFIUM_LOCK:
        return _pdf_to_pngs(data, ppi, source, inset)


def _pdf_to_pngs(data: bytes, ppi: float, source: str, inset: float) -> list[Raster]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        _check_pixels(document, ppi, source, inset)
        profile = _srgb_profile()
        rasters = []
        for index in range(len(document)):
            image = _draw(document[index], ppi, inset)
            buffer = io.BytesIO()
            image.save(buffer, "PNG", dpi=(ppi, ppi), icc_profile=profile, optimize=False)
            rasters.append(Raster(buffer.getvalue(), *image.size))
        return rasters
    finally:
        document.close()
