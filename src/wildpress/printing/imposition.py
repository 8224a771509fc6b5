"""Imposition: card-sized PDF pages placed N-up on printer sheets.

WeasyPrint renders every card side as its own page (card size plus bleed);
this module places those pages on sheets as form XObjects with pikepdf and
draws cut lines in the sheet's content stream. Working in PDF coordinates
with explicit affine matrices is what makes registration exact and testable:
a back lands behind its front because its matrix is *computed* from the
front's matrix and the way the sheet flips, not laid out a second time.

Coordinates are PDF points with the origin at the sheet's lower-left corner.
A matrix ``(a, b, c, d, e, f)`` maps ``(x, y)`` to ``(a x + c y + e, b x + d y + f)``,
as the ``cm`` operator does.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from ..errors import UsageError
from .sizes import MM, PaperSize, get_size

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

DUPLEX = ("long", "short", "none")
MARKS = ("cut", "crop", "none")
MODES = ("sheet", "none")


@dataclass
class ImpositionSettings:
    """How card pages go onto sheets (every length in millimetres)."""

    sheet: str = "a4"
    duplex: str = "long"  # long-edge flip, short-edge flip, or single-sided sheets
    fold: bool = False  # front and back side by side, for fold-over cards
    marks: str = "cut"  # full-length cut lines, crop marks only, or nothing
    back_offset: tuple[float, float] = (0.0, 0.0)  # printer's back-side shift to cancel, x right / y up
    mode: str = "sheet"  # "none": one card side per page at card size + bleed
    gutter_mm: float = 4.0
    bleed_mm: float = 3.0
    margin_mm: float = 5.0  # most office printers cannot print the outer ~4.2 mm

    def check(self) -> None:
        """Raise UsageError for values no printer could use."""
        for name, allowed in (("duplex", DUPLEX), ("marks", MARKS), ("mode", MODES)):
            if getattr(self, name) not in allowed:
                raise UsageError(f"{name} must be one of {', '.join(allowed)}, not {getattr(self, name)!r}")
        for name in ("gutter_mm", "bleed_mm", "margin_mm"):
            if not 0 <= getattr(self, name) <= 30:
                raise UsageError(f"{name.removesuffix('_mm')} must be between 0 and 30 mm")
        if any(abs(v) > 20 for v in self.back_offset):
            raise UsageError("back offset must be within ±20 mm; re-check the calibration reading")
        get_size(self.sheet)  # unknown sheet names fail here, before any rendering


def parse_offset(text: str) -> tuple[float, float]:
    """'1.5,-0.8' -> (1.5, -0.8) millimetres."""
    try:
        x, y = (float(part) for part in text.replace(" ", "").split(","))
    except ValueError:
        raise UsageError(f"back offset must be X,Y in millimetres such as 1.5,-0.8, not {text!r}") from None
    return x, y


# -- affine helpers -----------------------------------------------------------

def compose(first: Matrix, then: Matrix) -> Matrix:
    """The matrix applying ``first`` and then ``then`` (PDF's ``first × then``)."""
    a1, b1, c1, d1, e1, f1 = first
    a2, b2, c2, d2, e2, f2 = then
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    """Map the point ``(x, y)`` through ``m``."""
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def translate(x: float, y: float) -> Matrix:
    """A translation by ``(x, y)`` points."""
    return (1.0, 0.0, 0.0, 1.0, x, y)


def sheet_flip(sheet: PaperSize, duplex: str) -> Matrix:
    """Front-page point -> the back-page point printed behind it.

    The sheet turns over about its long axis for a long-edge flip and about
    its short axis for a short-edge flip. On a portrait sheet the long axis is
    vertical, so a long-edge flip mirrors x (columns) and a short-edge flip
    mirrors y (rows); landscape sheets swap the two.
    """
    if duplex == "none":
        return IDENTITY  # backs print on their own sheet, in the same places
    portrait = sheet.width <= sheet.height
    mirror_x = (duplex == "long") == portrait
    if mirror_x:
        return (-1.0, 0.0, 0.0, 1.0, sheet.width, 0.0)
    return (1.0, 0.0, 0.0, -1.0, 0.0, sheet.height)


def back_matrix(front: Matrix, card_width: float, flip: Matrix, offset_mm=(0.0, 0.0)) -> Matrix:
    """Where a card's back goes, given where its front went.

    A cut card turned over like a book page shows at back point ``(w - x, y)``
    what is behind front point ``(x, y)``; so back = flip ∘ front ∘ mirror.
    This gives a plain translation for long-edge flips and a 180° turn for
    short-edge flips, which keeps every back upright when the card is turned.
    """
    mirror = (-1.0, 0.0, 0.0, 1.0, card_width, 0.0)
    placed = compose(compose(mirror, front), flip)
    return compose(placed, translate(offset_mm[0] * MM, offset_mm[1] * MM))


# -- the grid -----------------------------------------------------------------

@dataclass
class Grid:
    """Where units (one card, or a front+back pair when folding) sit on a sheet."""

    sheet: PaperSize
    unit_w: float  # points, unrotated
    unit_h: float
    rotated: bool  # units turned 90° because more fit that way
    slots: list[Matrix] = field(default_factory=list)  # unit coords -> sheet coords

    @property
    def per_sheet(self) -> int:
        """How many units one sheet holds."""
        return len(self.slots)

    def bounds(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of the block of units on the sheet."""
        corners = [apply(m, x, y) for m in self.slots for x in (0, self.unit_w) for y in (0, self.unit_h)]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        return min(xs), min(ys), max(xs), max(ys)


def _fit(usable: float, unit: float, gutter: float) -> int:
    # n units need n*unit + (n-1)*gutter; a tiny epsilon keeps exact fits (0 mm margins) exact
    return max(0, int((usable + gutter + 1e-6) // (unit + gutter)))


def plan_grid(sheet: PaperSize, unit_w: float, unit_h: float, gutter: float, margin: float) -> Grid:
    """As many units as fit inside the margins with ``gutter`` between them, centred.

    Units are turned 90° only when that fits strictly more of them.
    """
    usable_w, usable_h = sheet.width - 2 * margin, sheet.height - 2 * margin
    upright = _fit(usable_w, unit_w, gutter) * _fit(usable_h, unit_h, gutter)
    turned = _fit(usable_w, unit_h, gutter) * _fit(usable_h, unit_w, gutter)
    rotated = turned > upright
    w, h = (unit_h, unit_w) if rotated else (unit_w, unit_h)
    cols, rows = _fit(usable_w, w, gutter), _fit(usable_h, h, gutter)
    grid = Grid(sheet, unit_w, unit_h, rotated)
    x0 = (sheet.width - (cols * w + (cols - 1) * gutter)) / 2
    top = (sheet.height + (rows * h + (rows - 1) * gutter)) / 2
    for row in range(rows):  # reading order: top row first, left to right
        for col in range(cols):
            x, y = x0 + col * (w + gutter), top - (row + 1) * h - row * gutter
            # turned 90° anticlockwise: unit (u, v) -> (x + h_unit - v, y + u)
            grid.slots.append((0.0, 1.0, -1.0, 0.0, x + unit_h, y) if rotated else translate(x, y))
    return grid


# -- drawing ------------------------------------------------------------------

def _num(v: float) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".") or "0"


def _cm(m: Matrix) -> str:
    return " ".join(_num(v) for v in m) + " cm"


def place(name: str, card: Matrix, clip: tuple[float, float, float, float], bleed: float,
          trim_w: float, trim_h: float) -> str:
    """Content-stream code drawing XObject ``name`` with its trim box mapped by ``card``.

    ``clip`` is how much bleed (left, bottom, right, top) stays visible: half
    the gutter at most, so neighbours never paint over each other.
    """
    left, bottom, right, top = clip
    return (f"q {_cm(card)} {_num(-left)} {_num(-bottom)} {_num(trim_w + left + right)} "
            f"{_num(trim_h + bottom + top)} re W n {_cm(translate(-bleed, -bleed))} /{name} Do Q\n")


def cut_marks(grid: Grid, style: str, gap: float, fold_at: float | None = None) -> str:
    """Trim lines in the margins, outside the block of cards.

    Lines stop ``gap`` short of the block so they never print on a card and
    still show after the first cut ("cut"); "crop" draws only 5 mm of each.
    """
    if style == "none" or not grid.slots:
        return ""
    w, h = grid.sheet.width, grid.sheet.height
    x0, y0, x1, y1 = grid.bounds()
    xs, ys = set(), set()
    for m in grid.slots:
        for u, v in ((0, 0), (grid.unit_w, grid.unit_h)):
            x, y = apply(m, u, v)
            xs.add(round(x, 4))
            ys.add(round(y, 4))
    reach = 5 * MM if style == "crop" else max(w, h)
    out = ["q 0.3 w 0 G [] 0 d"]
    for x in sorted(xs):
        out.append(f"{_num(x)} {_num(max(0, y0 - gap - reach))} m {_num(x)} {_num(y0 - gap)} l S")
        out.append(f"{_num(x)} {_num(y1 + gap)} m {_num(x)} {_num(min(h, y1 + gap + reach))} l S")
    for y in sorted(ys):
        out.append(f"{_num(max(0, x0 - gap - reach))} {_num(y)} m {_num(x0 - gap)} {_num(y)} l S")
        out.append(f"{_num(x1 + gap)} {_num(y)} m {_num(min(w, x1 + gap + reach))} {_num(y)} l S")
    if fold_at is not None:  # dashed fold marks: a fold, not a cut
        out.append("[2 2] 0 d")
        for m in grid.slots:
            (ax, ay), (bx, by) = apply(m, fold_at, 0), apply(m, fold_at, grid.unit_h)
            dx, dy = (bx - ax) / grid.unit_h, (by - ay) / grid.unit_h
            for sx, sy, sign in ((ax, ay, -1), (bx, by, 1)):
                out.append(f"{_num(sx + sign * dx * gap)} {_num(sy + sign * dy * gap)} m "
                           f"{_num(sx + sign * dx * (gap + 4 * MM))} {_num(sy + sign * dy * (gap + 4 * MM))} l S")
    out.append("Q\n")
    return "\n".join(out)


def check_fits(trim_w: float, trim_h: float, settings: ImpositionSettings):
    """The sheet and the grid of cards on it; UsageError when not one card fits (checked before
    any card renders)."""
    sheet = get_size(settings.sheet)
    unit_w = trim_w * 2 if settings.fold else trim_w
    grid = plan_grid(sheet, unit_w, trim_h, settings.gutter_mm * MM, settings.margin_mm * MM)
    if not grid.per_sheet:
        raise UsageError(f"a {trim_w / MM:.0f} × {trim_h / MM:.0f} mm card{' pair' if settings.fold else ''} "
                         f"does not fit on {sheet.label} inside {settings.margin_mm:g} mm margins")
    return sheet, grid


def impose(cards: list, trim_w: float, trim_h: float, settings: ImpositionSettings,
           docinfo: dict | None = None) -> tuple[bytes, int]:
    """Place ``cards`` — (front, back) pikepdf pages at trim + bleed — on sheets.

    Returns the PDF bytes and page count. Fronts go on odd pages and backs on
    even ones (``fold``: both halves of each card on one page). XObjects are
    named ``F{i}`` and ``B{i}`` after the card's index, so tests and tools can
    read back where every card landed.

    ``cards`` may be any iterable; if it has a ``release()`` method, that is called after
    each sheet, once every card taken so far has been copied (its sources may then be closed).
    """
    import itertools

    import pikepdf

    release = getattr(cards, "release", lambda: None)
    cards = iter(cards)
    out = pikepdf.Pdf.new()
    bleed = settings.bleed_mm * MM
    if settings.mode == "none":
        for front, back in cards:
            for page in (front, back):
                out.pages.append(page)
                new = out.pages[-1]
                box = [float(v) for v in new.mediabox]
                new.obj["/BleedBox"] = pikepdf.Array(box)
                new.obj["/TrimBox"] = pikepdf.Array([box[0] + bleed, box[1] + bleed, box[2] - bleed, box[3] - bleed])
            release()
        return _save(out, docinfo), len(out.pages)

    sheet, grid = check_fits(trim_w, trim_h, settings)
    gutter = settings.gutter_mm * MM
    flip = sheet_flip(sheet, settings.duplex)
    c = min(bleed, gutter / 2)  # bleed kept around each card: neighbours must not overlap
    gap = c + 1.5 * MM
    marks = cut_marks(grid, settings.marks, gap, trim_w if settings.fold else None)

    images = _SharedImages()

    def xobject(page):
        # each side is used once; copy_foreign shares fonts copied from the same source file, and
        # a photo that several chunks embedded is kept once (:class:`_SharedImages`)
        return images.share(out.copy_foreign(page.as_form_xobject()))

    def new_sheet(stream: str, resources: dict) -> None:
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=pikepdf.Array([0, 0, sheet.width, sheet.height]),
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(resources)),
            Contents=out.make_stream(stream.encode("ascii")))
        out.pages.append(pikepdf.Page(page))

    start = 0
    while taken := list(itertools.islice(cards, grid.per_sheet)):
        batch = list(enumerate(taken, start))
        start += len(taken)
        fronts, backs, res_f, res_b = [], [], {}, {}
        for slot, (i, (front, back)) in zip(grid.slots, batch):
            res_f[f"/F{i}"] = xobject(front)
            if settings.fold:
                # the back sits on the unit's right half; folding along the shared edge puts it behind
                res_f[f"/B{i}"] = xobject(back)
                fronts.append(place(f"F{i}", slot, (c, c, 0, c), bleed, trim_w, trim_h))
                fronts.append(place(f"B{i}", compose(translate(trim_w, 0), slot), (0, c, c, c), bleed, trim_w, trim_h))
                continue
            res_b[f"/B{i}"] = xobject(back)
            fronts.append(place(f"F{i}", slot, (c, c, c, c), bleed, trim_w, trim_h))
            backs.append(place(f"B{i}", back_matrix(slot, trim_w, flip, settings.back_offset),
                               (c, c, c, c), bleed, trim_w, trim_h))
        new_sheet("".join(fronts) + marks, res_f)
        if not settings.fold:
            # single-sided backs are cut on their own, so they get marks too; duplex backs do not
            new_sheet("".join(backs) + (marks if settings.duplex == "none" else ""), res_b)
        release()
    return _save(out, docinfo), len(out.pages)


class _SharedImages:
    """One copy of each distinct image in the imposed PDF: a deck's chunks each embed the photos
    their cards use, so the same photo arrives once per chunk; references to a repeat are pointed
    at the first copy (the repeats are then unreachable and not written)."""

    def __init__(self) -> None:
        self.by_content: dict = {}  # content key -> the first image object with it
        self.seen: dict = {}  # objgen -> the object to use for it

    def share(self, form):
        self._visit(form, 0)
        return form

    def _visit(self, form, depth: int) -> None:
        resources = form.get("/Resources")
        xobjects = resources.get("/XObject") if resources is not None else None
        if xobjects is None or depth > 8:
            return
        for name in list(xobjects.keys()):
            obj = xobjects[name]
            subtype = obj.get("/Subtype")
            if subtype == "/Image":
                xobjects[name] = self._canonical(obj)
            elif subtype == "/Form":
                self._visit(obj, depth + 1)

    def _canonical(self, image):
        import hashlib

        if image.objgen in self.seen:
            return self.seen[image.objgen]
        mask = image.get("/SMask")
        digest = hashlib.sha256(image.read_raw_bytes())
        digest.update(repr([str(image.get(k)) for k in ("/Width", "/Height", "/Filter", "/ColorSpace",
                                                          "/BitsPerComponent", "/DecodeParms")]).encode())
        if mask is not None:
            digest.update(mask.read_raw_bytes())
        chosen = self.by_content.setdefault(digest.hexdigest(), image)
        self.seen[image.objgen] = chosen
        return chosen


def _save(pdf, docinfo: dict | None) -> bytes:
    import pikepdf

    for key, value in (docinfo or {}).items():
        pdf.docinfo[pikepdf.Name(key) if isinstance(key, str) else key] = value
    buffer = io.BytesIO()
    pdf.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()
