"""The page view of ``wildpress serve``: one page at screen resolution, with zoom.

A thumbnail on the contact sheet opens ``/__view?output=<name>&page=<n>&zoom=<percent>``: the
page drawn at ``zoom`` percent of its printed size on a 96-ppi screen, rendered by pdfium at
:data:`DENSITY` pixels per CSS pixel (sharp on high-density screens). The image is rendered
on first request from the PDF the output folder's manifest records (its bytes checked against
the recorded sha256) into that PDF's thumbnail folder, ``.wildpress-preview/<sha256>/
view-NNN-PPI.png``, through the checked writer; it goes when the PDF goes, with its thumbnails.

Bounded: only the resolutions of :data:`ZOOMS` exist (a page too large for one of them at
:data:`MAX_VIEW_PIXELS` gets the largest that fits, and says so), one image renders at a
time, and the pixels rendered between two builds are capped (:data:`MAX_VIEW_RUN_PIXELS`), so a
page that asks for every page at every zoom costs a bounded amount of work and disk.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from ..errors import OutputError
from ..safety.confine import Refused, read_regular
from ..safety.outputs import OutputFolder
from ..printing.raster import PDFIUM_LOCK
from .preview import MAX_PAGES, MAX_PDF_BYTES, PREVIEW_FOLDER

SCREEN_PPI = 96  # a CSS inch
DENSITY = 2  # image pixels per CSS pixel
ZOOMS = (50, 75, 100, 150, 200, 300, 400)  # percent of the printed size on screen
VIEW_PPIS = tuple(SCREEN_PPI * z * DENSITY // 100 for z in ZOOMS)
MAX_VIEW_PIXELS = 24_000_000  # one page view image at most
MAX_VIEW_RUN_PIXELS = 1_500_000_000  # page views rendered between two builds at most
VIEW_IMAGE = re.compile(r"(?P<digest>[0-9a-f]{64})/view-(?P<page>[0-9]{3,6})-(?P<ppi>[0-9]{2,4})\.png")

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="generator" content="wildpress page view"><title>{title}</title>
<style nonce="{nonce}">
body{{margin:0;background:#3a403d;color:#f3f0e8;font:14px/1.4 system-ui,sans-serif}}
nav{{position:sticky;top:0;z-index:5;display:flex;gap:14px;align-items:center;flex-wrap:wrap;
padding:8px 18px;background:#1d2521;box-shadow:0 2px 8px rgba(0,0,0,.3)}}
nav a{{color:#f3f0e8;text-decoration:none;border:1px solid #5d6862;border-radius:6px;padding:2px 10px}}
nav a:hover{{background:#2f6b4f}} nav .off{{opacity:.35;pointer-events:none}} nav b{{font-weight:600}}
nav .note{{color:#ffd37a}} .stage{{padding:24px;overflow:auto;text-align:center}}
.stage img{{background:#fff;box-shadow:0 4px 18px rgba(0,0,0,.45);max-width:none}}
</style></head><body>
<nav aria-label="Page view">
<a id="back" href="/">&larr; contact sheet</a><b id="name">{name}</b>
<a id="prev" class="{prev_class}" href="{prev}">&lsaquo; page</a><span id="where">page {page} of {pages}</span>
<a id="next" class="{next_class}" href="{next}">page &rsaquo;</a>
<a id="zoom-out" class="{out_class}" href="{zoom_out}">&minus;</a><span id="zoom">{zoom}%</span>
<a id="zoom-in" class="{in_class}" href="{zoom_in}">+</a>
<a id="pdf" href="/{pdf}#page={page}">PDF</a><span>{mm} · {ppi} ppi</span>{note}
</nav>
<div class="stage"><img id="page" data-output="{name}" src="{src}" width="{width}" height="{height}" alt="{name}, page {page}"></div>
</body></html>"""


@dataclass
class ViewBudget:
    """Pixels of page views left until the next build; one render at a time."""

    left: int = MAX_VIEW_RUN_PIXELS
    lock: threading.Lock = field(default_factory=threading.Lock)

    def renew(self) -> None:
        with self.lock:
            self.left = MAX_VIEW_RUN_PIXELS


def view_ppi(size_pt: tuple[float, float], zoom: int) -> int:
    """The resolution a page of ``size_pt`` is drawn at for ``zoom``: the zoom's own, or the
    largest of :data:`VIEW_PPIS` within :data:`MAX_VIEW_PIXELS` (the smallest at least)."""
    wanted = VIEW_PPIS[ZOOMS.index(zoom)]
    fitting = [p for p in VIEW_PPIS if p <= wanted and _pixels(size_pt, p) <= MAX_VIEW_PIXELS]
    return fitting[-1] if fitting else VIEW_PPIS[0]


def _pixels(size_pt, ppi: int) -> int:
    return max(1, round(size_pt[0] / 72 * ppi)) * max(1, round(size_pt[1] / 72 * ppi))


def _meta(out: Path, digest: str) -> dict | None:
    """The thumbnail facts preview wrote for the PDF of ``digest`` (pages, page sizes), or None."""
    try:
        meta = json.loads(read_regular(OutputFolder(out).target(f"{PREVIEW_FOLDER}/{digest}/meta.json"),
                                       1024 * 1024).decode("utf-8"))
    except (OSError, ValueError, Refused, OutputError):
        return None
    return meta if isinstance(meta, dict) and isinstance(meta.get("sizes"), list) and meta["sizes"] else None


def page_html(out: Path, name: str, digest: str, page: int, zoom: int, nonce: str) -> str | None:
    """The page view of page ``page`` of the output ``name`` (recorded with ``digest``), or None
    when it has no preview yet."""
    meta = _meta(out, digest)
    if meta is None:
        return None
    drawn = min(len(meta["sizes"]), int(meta.get("pages") or 0), MAX_PAGES)
    page = max(1, min(page, drawn))
    size = tuple(float(v) for v in meta["sizes"][page - 1])
    zoom = zoom if zoom in ZOOMS else 100
    ppi = view_ppi(size, zoom)
    width, height = (max(1, round(v / 72 * SCREEN_PPI * zoom / 100)) for v in size)
    index = ZOOMS.index(zoom)

    def link(page_: int, zoom_: int) -> str:
        return f"/__view?output={quote(name)}&amp;page={page_}&amp;zoom={zoom_}"

    note = ""
    if ppi < VIEW_PPIS[index]:
        note = f'<span class="note">drawn at {ppi} ppi: a larger image would pass {MAX_VIEW_PIXELS // 1_000_000} MP</span>'
    return PAGE.format(
        nonce=nonce, title=html.escape(f"{name}, page {page}"), name=html.escape(name), page=page,
        pages=int(meta.get("pages") or drawn), zoom=zoom, ppi=ppi, note=note, width=width, height=height,
        prev=link(max(1, page - 1), zoom), next=link(min(drawn, page + 1), zoom),
        prev_class="off" if page == 1 else "", next_class="off" if page == drawn else "",
        zoom_out=link(page, ZOOMS[max(0, index - 1)]), zoom_in=link(page, ZOOMS[min(len(ZOOMS) - 1, index + 1)]),
        out_class="off" if index == 0 else "", in_class="off" if index == len(ZOOMS) - 1 else "",
        pdf=quote(name), mm=f"{round(size[0] / 72 * 25.4)} × {round(size[1] / 72 * 25.4)} mm",
        src=f"/{PREVIEW_FOLDER}/{digest}/view-{page:03d}-{ppi}.png")


def render_view(out: Path, name: str, digest: str, page: int, ppi: int, budget: ViewBudget) -> str | None:
    """Make sure ``.wildpress-preview/<digest>/view-NNN-PPI.png`` exists (rendering it from the
    output ``name``, whose recorded sha256 is ``digest``); returns why not, or None when it does."""
    meta = _meta(out, digest)
    if meta is None:
        return "no preview of this PDF yet"
    drawn = min(len(meta["sizes"]), int(meta.get("pages") or 0), MAX_PAGES)
    if not 1 <= page <= drawn:
        return "no such page"
    size = tuple(float(v) for v in meta["sizes"][page - 1])
    if ppi not in VIEW_PPIS or ppi > max(view_ppi(size, z) for z in ZOOMS):
        return "not a resolution of the page view"
    writer = OutputFolder(out).check()
    target = f"{PREVIEW_FOLDER}/{digest}/view-{page:03d}-{ppi}.png"
    with budget.lock:
        if writer.target(target).is_file():
            return None
        pixels = _pixels(size, ppi)
        if pixels > budget.left:
            return "the page views' pixel budget is spent until the next build"
        data = read_regular(writer.target(name), MAX_PDF_BYTES)
        if hashlib.sha256(data).hexdigest() != digest:
            return "the PDF changed since it was recorded (the page reloads after the build)"
        budget.left -= pixels
        writer.write(target, _png(data, page, ppi), True)
    return None


def _png(data: bytes, page: int, ppi: int) -> bytes:
    """Page ``page`` of the PDF ``data`` at ``ppi`` as PNG bytes (fast compression: it is a preview)."""
    import io

    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(data)
        try:
            sheet = document[page - 1]
            try:
                image = sheet.render(scale=ppi / 72).to_pil()
            finally:
                sheet.close()
        finally:
            document.close()
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()
