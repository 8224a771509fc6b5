"""Tiling: print a big poster on small sheets and glue them together.

:func:`plan_tiles` works out the grid (the minimum number of sheets, trying
the sheet both ways round); :func:`tile_pdf` writes the result: an assembly
map first, then one page per sheet. The poster page goes onto every sheet as
one shared form XObject, translated and clipped, so tiles stay vector and
sharp and the file stays small. The labels, marks and map text are laid out
by WeasyPrint with the bundled fonts, like everything else wildpress prints.

Convention (as in PosteRazor and most tiling tools): every sheet carries its
share plus, on its right and bottom edges, an overlap strip that repeats the
start of the next sheet. You cut each sheet along its left and top cut line
(except column 1 and row A) and glue it over its neighbour's overlap strip.

Limits (the poster is untrusted input): a page edge of at most
:data:`MAX_PAGE_EDGE_PT` points (14,400 pt = 200 inches, the PDF specification's
default user-space limit; a bigger page is a mistake or an attack, and would
take hours and gigabytes), and at most :data:`MAX_TILES` sheets. Beyond either,
``tile`` refuses with one line naming the file and what to change.
"""

from __future__ import annotations

import html
import io
import math
from dataclasses import dataclass

from ..errors import RenderError, UsageError
from ..printing.sizes import MM, PaperSize

DEFAULT_MARGIN_MM = 10.0  # home printers cannot print the outer ~5 mm; labels and marks live here
#: Largest poster page edge tiled, in points: 200 inches (5.08 m), the PDF spec's default user-space limit.
MAX_PAGE_EDGE_PT = 14400.0
#: Most sheets one poster is tiled on (their list must fit the one-page assembly map, too).
MAX_TILES = 300


@dataclass(frozen=True)
class Tile:
    """One sheet: its label and the part of the poster it shows (points, top-left origin)."""

    label: str  # "B2": row letter, column number
    row: int
    col: int
    x: float  # poster region shown in the window: left edge from the poster's left
    y: float  # top edge from the poster's top
    width: float
    height: float


@dataclass(frozen=True)
class TilePlan:
    """The grid: sheet size (oriented), window and overlap in points, and the tiles row by row."""

    sheet_width: float
    sheet_height: float
    margin: float
    overlap: float
    rows: int
    cols: int
    poster_width: float
    poster_height: float
    tiles: tuple[Tile, ...]

    @property
    def window(self) -> tuple[float, float]:
        """(width, height) of the printable window on each sheet."""
        return self.sheet_width - 2 * self.margin, self.sheet_height - 2 * self.margin


def row_label(row: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA' (spreadsheet style, for very large posters)."""
    label = ""
    row += 1
    while row:
        row, rest = divmod(row - 1, 26)
        label = chr(65 + rest) + label
    return label


def _count(length: float, window: float, overlap: float) -> int:
    # k sheets cover k*window - (k-1)*overlap; the smallest k with that >= length.
    if length <= window + 1e-6:
        return 1
    return math.ceil((length - overlap) / (window - overlap) - 1e-9)


def check_poster_page(width: float, height: float, source: str = "the poster") -> None:
    """Refuse a page :func:`tile_pdf` cannot tile: empty, not a number, or an edge over
    :data:`MAX_PAGE_EDGE_PT`; ``source`` names the file in the message."""
    if not (math.isfinite(width) and math.isfinite(height)) or width <= 0 or height <= 0:
        raise UsageError(f"{source}: its first page has an empty or invalid page box ({width:g} x {height:g} pt); "
                         "export the poster again")
    if max(width, height) > MAX_PAGE_EDGE_PT:
        raise UsageError(f"{source}: its first page is {width:,.0f} x {height:,.0f} pt ({width / MM:,.0f} x "
                         f"{height / MM:,.0f} mm); `wildpress tile` takes pages up to {MAX_PAGE_EDGE_PT:,.0f} pt "
                         f"({MAX_PAGE_EDGE_PT / MM / 1000:.2f} m, 200 in) on each edge: export the poster at its "
                         "real print size")


def plan_tiles(poster_width: float, poster_height: float, sheet: PaperSize, overlap: float,
               margin: float = DEFAULT_MARGIN_MM * MM, source: str = "the poster") -> TilePlan:
    """The fewest sheets of ``sheet`` (either way round) that cover the poster with ``overlap``;
    more than :data:`MAX_TILES` is refused (``source`` names the file in the message)."""
    check_poster_page(poster_width, poster_height, source)
    best = None
    for width, height in ((min(sheet.width, sheet.height), max(sheet.width, sheet.height)),
                          (max(sheet.width, sheet.height), min(sheet.width, sheet.height))):
        win_w, win_h = width - 2 * margin, height - 2 * margin
        if overlap < 0 or overlap * 2 >= min(win_w, win_h):
            raise UsageError(f"overlap {overlap / MM:g} mm: must be at least 0 and less than half "
                             f"of the printable area of {sheet.label} ({min(win_w, win_h) / MM:.0f} mm)")
        cols, rows = _count(poster_width, win_w, overlap), _count(poster_height, win_h, overlap)
        if best is None or cols * rows < best[0]:  # ties keep portrait sheets
            best = (cols * rows, width, height, cols, rows)
    count, width, height, cols, rows = best
    if count > MAX_TILES:
        raise UsageError(f"{source}: tiling it on {sheet.label} takes {count:,} sheets ({rows:,} rows x {cols:,} "
                         f"columns); `wildpress tile` makes at most {MAX_TILES}: use a larger --sheet, a smaller "
                         "--margin or --overlap, or scale the poster down")
    win_w, win_h = width - 2 * margin, height - 2 * margin
    tiles = tuple(
        Tile(f"{row_label(r)}{c + 1}", r, c, c * (win_w - overlap), r * (win_h - overlap), win_w, win_h)
        for r in range(rows) for c in range(cols))
    return TilePlan(width, height, margin, overlap, rows, cols, poster_width, poster_height, tiles)


def tile_pdf(data: bytes, sheet: PaperSize, overlap_mm: float = 10.0,
             margin_mm: float = DEFAULT_MARGIN_MM, source: str = "the poster") -> tuple[bytes, int]:
    """Tile the first page of PDF ``data`` onto ``sheet``; returns (PDF bytes, number of sheets).
    A page or a grid over the limits (:func:`plan_tiles`) is refused before anything is drawn;
    ``source`` names the file in messages."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as poster:
        page = poster.pages[0]
        x0, y0, x1, y1 = (float(v) for v in page.obj.get("/TrimBox", page.obj.MediaBox))
        trim = [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]  # a PDF box may name any two corners
        title = str((poster.docinfo or {}).get("/Title", "") or "Poster")
        # The tiled file is the same document for the printer's and the archive's purposes.
        carried = {key: str(value) for key, value in (poster.docinfo or {}).items()
                   if key in ("/Author", "/Subject", "/Keywords", "/CreationDate")}
        plan = plan_tiles(trim[2] - trim[0], trim[3] - trim[1], sheet, overlap_mm * MM, margin_mm * MM, source)
        frames = pikepdf.open(io.BytesIO(_frames_pdf(plan, title, sheet)))
        form = frames.copy_foreign(page.as_form_xobject())
    with frames:
        # The map page: the whole poster scaled into its frame, under the grid drawn by WeasyPrint.
        left, bottom, scale = _map_box(plan)
        _place(frames, frames.pages[0], form, trim, scale, left, bottom,
               (left, bottom, left + plan.poster_width * scale, bottom + plan.poster_height * scale))
        for tile, out_page in zip(plan.tiles, frames.pages[1:]):
            # Sheet window in PDF coordinates (origin bottom-left) and where the poster lands in it.
            win_left, win_top = plan.margin, plan.sheet_height - plan.margin
            tx = win_left - (trim[0] + tile.x)
            ty = win_top - (trim[3] - tile.y)
            clip = (max(win_left, trim[0] + tx), max(win_top - tile.height, trim[1] + ty),
                    min(win_left + tile.width, trim[2] + tx), min(win_top, trim[3] + ty))
            _place(frames, out_page, form, trim, 1.0, tx, ty, clip, translate_only=True)
        frames.docinfo["/Title"] = pikepdf.String(f"{title} – tiled on {len(plan.tiles)} × {sheet.label}")
        frames.docinfo["/Creator"] = pikepdf.String(_creator())
        for key, value in carried.items():
            frames.docinfo[key] = pikepdf.String(value)
        out = io.BytesIO()
        frames.save(out)
    return out.getvalue(), len(plan.tiles)


def _creator() -> str:
    from .. import __version__

    return f"wildpress {__version__}"


def _place(pdf, page, form, trim, scale, tx, ty, clip, translate_only=False) -> None:
    """Draw ``form`` under the page's own content: scaled, translated, clipped to ``clip``."""
    import pikepdf

    page.add_resource(form, pikepdf.Name.XObject, pikepdf.Name.WPPoster)
    x0, y0, x1, y1 = clip
    if translate_only:
        matrix = f"1 0 0 1 {tx:.4f} {ty:.4f}"
    else:  # map page: poster trim corner to (tx, ty), scaled
        matrix = f"{scale:.6f} 0 0 {scale:.6f} {tx - trim[0] * scale:.4f} {ty - trim[1] * scale:.4f}"
    stream = f"q {x0:.4f} {y0:.4f} {x1 - x0:.4f} {y1 - y0:.4f} re W n {matrix} cm /WPPoster Do Q\n"
    page.contents_add(pdf.make_stream(stream.encode()), prepend=True)


def _map_box(plan: TilePlan) -> tuple[float, float, float]:
    """(left, bottom, scale) of the poster thumbnail on the map page (PDF points)."""
    box_w = plan.sheet_width - 2 * plan.margin
    box_h = plan.sheet_height * 0.55
    scale = min(box_w / plan.poster_width, box_h / plan.poster_height)
    left = (plan.sheet_width - plan.poster_width * scale) / 2
    top = plan.margin + 22 * MM  # below the map's heading
    return left, plan.sheet_height - top - plan.poster_height * scale, scale


def _frames_pdf(plan: TilePlan, title: str, sheet: PaperSize) -> bytes:
    """Map page and one page per sheet with labels and marks; the poster is added afterwards."""
    import weasyprint

    from .fonts import font_face_css

    pt = lambda v: f"{v:.3f}pt"  # noqa: E731 - everything is positioned in points
    left, bottom, scale = _map_box(plan)
    map_top = plan.sheet_height - bottom - plan.poster_height * scale
    grid = []
    for t in plan.tiles:  # each sheet's share on the map, labelled
        grid.append(f'<div class="cell" style="left:{pt(left + t.x * scale)};top:{pt(map_top + t.y * scale)};'
                    f'width:{pt(min(t.width, plan.poster_width - t.x) * scale)};'
                    f'height:{pt(min(t.height, plan.poster_height - t.y) * scale)}"><span>{t.label}</span></div>')
    rows = "".join(f"<li><b>{t.label}</b> row {row_label(t.row)}, column {t.col + 1}: poster "
                   f"{t.x / MM:.0f}–{min(t.x + t.width, plan.poster_width) / MM:.0f} mm across, "
                   f"{t.y / MM:.0f}–{min(t.y + t.height, plan.poster_height) / MM:.0f} mm down</li>"
                   for t in plan.tiles)
    pages = [f'''<section class="map">
      <h1>Assembly map · {html.escape(title)}</h1>
      <p>{plan.rows} row{"s" if plan.rows > 1 else ""} × {plan.cols} column{"s" if plan.cols > 1 else ""} =
      {len(plan.tiles)} sheets of {html.escape(sheet.label)}, overlap {plan.overlap / MM:g} mm.
      Print at 100 % (actual size). Cut each sheet along its left and top cut lines (not column 1 or row A)
      and glue it over the overlap strip of its neighbour.</p>
      {"".join(grid)}
      <ol class="list" style="top:{pt(map_top + plan.poster_height * scale + 8 * MM)}">{rows}</ol></section>''']
    win_w, win_h = plan.window
    m, o = plan.margin, plan.overlap
    for n, t in enumerate(plan.tiles, 1):
        marks = []
        # Cut ticks at every window corner, in the margin, extending the window edges.
        for x in (m, m + win_w):
            marks.append(f'<div class="vtick" style="left:{pt(x)};top:0;height:{pt(m - 2)}"></div>')
            marks.append(f'<div class="vtick" style="left:{pt(x)};top:{pt(m + win_h + 2)};height:{pt(m - 2)}"></div>')
        for y in (m, m + win_h):
            marks.append(f'<div class="htick" style="top:{pt(y)};left:0;width:{pt(m - 2)}"></div>')
            marks.append(f'<div class="htick" style="top:{pt(y)};left:{pt(m + win_w + 2)};width:{pt(m - 2)}"></div>')
        if t.col < plan.cols - 1:  # overlap strip on the right: the next sheet is glued over it
            marks.append(f'<div class="glue v" style="left:{pt(m + win_w - o)};width:{pt(o)};top:{pt(m + win_h + 2)}">'
                         f'glue {row_label(t.row)}{t.col + 2}</div>')
        if t.row < plan.rows - 1:
            marks.append(f'<div class="glue h" style="top:{pt(m + win_h - o)};height:{pt(o)};left:{pt(m + win_w + 2)}">'
                         f'</div>')
        if t.col > 0:
            marks.append(f'<div class="cut" style="left:{pt(m)};top:{pt(m + win_h + 2)}">cut along this edge</div>')
        pages.append(f'''<section class="tile">{"".join(marks)}
          <div class="label" style="left:{pt(m)};top:{pt(2)}"><b>{t.label}</b> row {row_label(t.row)} · column
          {t.col + 1} · sheet {n} of {len(plan.tiles)}</div></section>''')
    doc = f'''<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
    <style>{font_face_css()}
    @page {{ size: {pt(plan.sheet_width)} {pt(plan.sheet_height)}; margin: 0; }}
    html {{ font-family: var(--font-sans); font-size: 8pt; color: #1d2320; }}
    body {{ margin: 0; }} p {{ margin: 0; }}
    section {{ position: relative; width: {pt(plan.sheet_width)}; height: {pt(plan.sheet_height)};
               page-break-after: always; }}
    section:last-child {{ page-break-after: auto; }}
    .map h1 {{ position: absolute; left: {pt(m)}; top: {pt(m)}; font-size: 14pt; margin: 0; }}
    .map p {{ position: absolute; left: {pt(m)}; right: {pt(m)}; top: {pt(m + 8 * MM)}; line-height: 1.3; }}
    .cell {{ position: absolute; box-sizing: border-box; border: 0.75pt solid #d81e05; }}
    .cell span {{ display: inline-block; background: #ffffff; color: #d81e05; font-weight: 700; padding: 0 2pt; }}
    .list {{ position: absolute; left: {pt(m)}; width: {pt(plan.sheet_width - 2 * m)}; margin: 0; padding: 0; list-style: none;
             columns: 2; column-gap: 6mm; font-size: 7pt; line-height: 1.3; }}
    .vtick, .htick {{ position: absolute; border-left: 0.5pt solid #1d2320; }}
    .htick {{ border-left: none; border-top: 0.5pt solid #1d2320; height: 0; }}
    .glue {{ position: absolute; box-sizing: border-box; background: #e8ece9; color: #59615c; font-size: 6pt;
             text-align: center; }}
    .glue.v {{ height: 3mm; line-height: 3mm; }} .glue.h {{ width: 3mm; }}
    .cut {{ position: absolute; font-size: 6pt; color: #59615c; line-height: 3mm; }}
    .label {{ position: absolute; font-size: 8pt; line-height: {pt(m - 4)}; }}
    .label b {{ font-size: 12pt; margin-right: 2mm; }}
    </style></head><body>{"".join(pages)}</body></html>'''
    document = weasyprint.HTML(string=doc).render()
    if len(document.pages) != len(plan.tiles) + 1:  # a map that spilled over would shift every tile
        raise RenderError(f"tiling: the assembly map for {len(plan.tiles)} sheets does not fit one page; "
                          "use a larger sheet or a smaller poster")
    return document.write_pdf()
