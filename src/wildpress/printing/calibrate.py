"""The duplex calibration sheet: read off how far a printer shifts the back side.

The front carries five crosses; the back carries, exactly behind each
cross (computed with the same flip as card backs, see
:func:`wildpress.printing.imposition.sheet_flip`), a pair of millimetre rulers. Held
against a window, each front cross shows through onto the back rulers; the
numbers it meets are the correction to pass as ``--back-offset X,Y``.

Why the reading is the correction: if the printer moves the back by ``d``,
the rulers' zero moves by ``d`` while the cross stays put, so the cross
reads ``-d``; shifting every back by ``-d`` cancels the printer's shift.
"""

from __future__ import annotations

import html as _html

from ..errors import UsageError
from .imposition import ImpositionSettings, apply, sheet_flip
from .sizes import MM, PaperSize, get_size

RULER_MM = 5  # the rulers read ±5 mm: worse printers need a service, not an offset
RULER_GAP_MM = 7  # rulers sit this far below / right of the point they measure, clear of each other
ARM_MM = 14  # half-length of a front cross's arms (gap + range + 2 mm)
INSET_MM = 32  # corner crosses sit this far in from each edge, inside any printer's reach


def targets(sheet: PaperSize) -> list[tuple[str, float, float]]:
    """(label, x, y) of the crosses on the front, in points from the lower-left corner."""
    w, h, i = sheet.width, sheet.height, INSET_MM * MM
    return [("A", i, h - i), ("B", w - i, h - i), ("C", w / 2, h / 2), ("D", i, i), ("E", w - i, i)]


def _abs(x: float, y: float, sheet: PaperSize, css: str, content: str = "", cls: str = "") -> str:
    # CSS measures from the top-left; PDF points from the bottom-left.
    return (f'<div class="{cls}" style="position:absolute; left:{x:.4f}pt; top:{sheet.height - y:.4f}pt; '
            f'{css}">{content}</div>')


def _cross(x: float, y: float, sheet: PaperSize, label: str) -> str:
    arm = ARM_MM * MM  # long arms: they must still cross the offset rulers on a badly shifted back
    return "".join([
        _abs(x - arm, y, sheet, f"width:{2 * arm:.3f}pt; border-top:0.3pt solid #000; margin-top:-0.15pt"),
        _abs(x, y + arm, sheet, f"height:{2 * arm:.3f}pt; border-left:0.3pt solid #000; margin-left:-0.15pt"),
        _abs(x + 2 * MM, y + 5 * MM, sheet, "font-size:9pt; font-weight:700", label),
    ])


def _rulers(x: float, y: float, sheet: PaperSize, label: str) -> str:
    """An x ruler below the point and a y ruler right of it, zero in line with the point.

    They sit apart so their numbers never collide; the front cross's
    vertical arm is read on the x ruler and its horizontal arm on the y ruler.
    """
    gap = RULER_GAP_MM * MM
    parts = [_abs(x - 6 * MM, y + 6 * MM, sheet, "font-size:9pt; font-weight:700", label),
             _abs(x - RULER_MM * MM, y - gap, sheet, f"width:{2 * RULER_MM * MM:.3f}pt; border-top:0.25pt solid #000"),
             _abs(x + gap, y + RULER_MM * MM, sheet, f"height:{2 * RULER_MM * MM:.3f}pt; border-left:0.25pt solid #000")]
    for step in range(-2 * RULER_MM, 2 * RULER_MM + 1):
        mm = step / 2
        tick = (3.0 if step == 0 else 2.0 if step % 2 == 0 else 1.2) * MM
        parts.append(_abs(x + mm * MM, y - gap + tick, sheet,  # x ruler: ticks rise from its line
                          f"height:{tick:.3f}pt; border-left:0.25pt solid #000; margin-left:-0.125pt"))
        parts.append(_abs(x + gap - tick, y + mm * MM, sheet,  # y ruler: ticks reach left from its line
                          f"width:{tick:.3f}pt; border-top:0.25pt solid #000; margin-top:-0.125pt"))
        if step % 8 == 0:  # every 4 mm: 6 pt numbers 2 mm apart ran into each other
            text = f"{mm:+g}" if step else "0"
            parts.append(_abs(x + mm * MM - 3 * MM, y - gap - 0.8 * MM, sheet,
                              "width:6mm; text-align:center; font-size:6pt; line-height:1", text))
            parts.append(_abs(x + gap + 0.8 * MM, y + mm * MM + 1.0 * MM, sheet,
                              "font-size:6pt; line-height:1", text))
    return "".join(parts)


def calibration_html(sheet: PaperSize, settings: ImpositionSettings) -> str:
    """Two pages of absolutely positioned marks and instructions."""
    flip = sheet_flip(sheet, settings.duplex)
    ox, oy = settings.back_offset
    edge = {"long": "long edge", "short": "short edge"}[settings.duplex]
    front = [_cross(x, y, sheet, label) for label, x, y in targets(sheet)]
    back = []
    for label, x, y in targets(sheet):
        bx, by = apply(flip, x, y)
        back.append(_rulers(bx + ox * MM, by + oy * MM, sheet, label))
    bar = 100 * MM
    text_x, text_y = sheet.width / 2 - 70 * MM, sheet.height / 2 - 18 * MM
    steps = _html.escape(
        f"1. Print both pages on one sheet of {sheet.label}, two-sided, flip on {edge}, at actual size "
        f"(100 %, not 'fit to page'). 2. Check the bar below measures 100 mm. 3. Hold the sheet against a "
        f"window with the back facing you. 4. Where the arms of cross C show through, read the ruler below "
        f"(X) and the ruler to the right (Y) (positive is right and up, as you look at the back). 5. Build with "
        f"@OPT@ using those readings, added to any offset already in use "
        f"(this sheet was printed with {ox:g},{oy:g}). A, B, D and E tell you whether the shift is even.")
    # the option must print exactly as typed: no hyphenation, no break inside it
    steps = steps.replace("@OPT@", '<b style="white-space:nowrap">--back-offset X,Y</b>')
    info = (f'<div style="position:absolute; left:{text_x:.3f}pt; top:{sheet.height - text_y:.3f}pt; hyphens:manual; '
            f'width:140mm; font-size:9pt; line-height:1.35">'
            f'<p style="font-weight:700; font-size:12pt; margin:0 0 2mm">wildpress duplex calibration · front</p>'
            f'<p style="margin:0">{steps}</p>'
            f'<div style="margin-top:4mm; width:{bar:.4f}pt; height:2mm; border:0.3pt solid #000; '
            f'border-top:none; box-sizing:border-box"></div><p style="margin:1mm 0 0; font-size:7pt">100 mm</p></div>')
    back_title = _abs(sheet.width / 2 - 60 * MM, sheet.height / 2 - 25 * MM, sheet,
                      "width:120mm; text-align:center; font-size:10pt; font-weight:700",
                      "Back · read where each front cross shows through the rulers")
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Duplex calibration</title>'
            '<meta name="generator" content="wildpress"></head><body>'
            f'<section style="position:relative; height:{sheet.height:.4f}pt">{info}{"".join(front)}</section>'
            f'<section style="position:relative; height:{sheet.height:.4f}pt; break-before:page">'
            f'{back_title}{"".join(back)}</section></body></html>')


def calibration_pdf(renderer, layout, sheet_spec: str, settings: ImpositionSettings) -> bytes:
    """The two-page calibration PDF for ``sheet_spec`` and the duplex flip in ``settings``."""
    if settings.duplex not in ("long", "short"):
        raise UsageError("calibration needs a two-sided flip: --duplex long or --duplex short")
    settings.check()
    sheet = get_size(sheet_spec)
    html = calibration_html(sheet, settings)
    css = f"@page {{ size: {sheet.width:.4f}pt {sheet.height:.4f}pt; margin: 0; bleed: 0; }}"
    document = renderer.render(html, layout, sheet, roots=[], extra_css=css)
    if len(document.pages) != 2:
        raise UsageError(f"{sheet.label} is too small for the calibration sheet")
    return renderer.write_pdf(document)
