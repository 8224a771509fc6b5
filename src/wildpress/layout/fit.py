"""Text fit: make every item's text fit its box, or fail naming what is too long.

The mechanism is independent of cards. A layout marks the elements holding
data with ``data-field="quick_facts[2]"`` (and, where a field may only use
part of the page, ``data-zone="footer"``); each item (a card side, a poster,
a fact-sheet page) starts at an element with an ``id``. After WeasyPrint has
laid out a batch of items, :func:`check_pages` reads the box geometry and
reports the items whose text spilled onto another page or out of its zone.
:func:`fit_items` drives the loop: everything is laid out once at the first
rung of its ladder (:mod:`wildpress.layout.ladder`, declared in ``layout.yaml``); only
the items that overflowed are laid out again, one rung further down, until
they fit or the ladder ends and a :class:`~wildpress.errors.FitError` names the field.
Text is never clipped: an overflow is either fixed or an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Hashable, Iterable

from ..errors import FitError
from .ladder import Rung

PX = 0.75  # points per CSS pixel: WeasyPrint box geometry is in CSS pixels
TOLERANCE_PX = 0.5  # glyph boxes may poke out by rounding; half a pixel is 0.13 mm

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in CSS px from the page's top-left


@dataclass
class Overflow:
    """Why an item did not fit: the field to blame and what happened."""

    field: str
    chars: int  # length of the field's text, so the message can say how long it is
    extra_pages: int
    outside: bool  # some text was outside its zone on the item's own page


def _text_boxes(box, field: str, zone: str, line: tuple | None = None) -> Iterable[tuple]:
    """(field, zone, rect, text) of every text box under ``box``.

    A text box's own height is the font's ascent + descent, taller than a
    tight line; the line box it sits in is the space the layout gave it, so
    the vertical extent is taken from the line and the horizontal one from
    the text.
    """
    element = getattr(box, "element", None)
    if element is not None and hasattr(element, "get"):
        field = element.get("data-field") or field
        zone = element.get("data-zone") or zone
    if type(box).__name__ == "LineBox":
        line = (box.position_y, box.position_y + box.height)
    text = getattr(box, "text", None)
    if text is not None and text.strip():
        x = box.position_x
        y0, y1 = line or (box.position_y, box.position_y + box.height)
        yield field, zone, (x, y0, x + box.width, y1), text
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child, field, zone, line)


def split_pages(pages: list, ids: list[str]) -> dict[str, list]:
    """Pages of a batch grouped by the item (element id) that starts on them.

    A page on which no item starts belongs to the item before it: that is
    exactly a spill.
    """
    wanted = set(ids)
    groups: dict[str, list] = {}
    current = None
    for page in pages:
        starts = [name for name in page.anchors if name in wanted]
        if starts:
            current = starts[0]
            for name in starts:  # two items on one page: the first spilled into the second
                groups.setdefault(name, [])
        if current is not None:
            groups.setdefault(current, []).append(page)
    return groups


def check_pages(pages: list, zones: dict[str, Rect]) -> Overflow | None:
    """None if the item's text sits on one page inside its zones, else the culprit.

    ``zones`` maps zone names to rectangles; text outside any ``data-zone``
    must stay inside ``zones["safe"]``; decorative text marked
    ``data-zone="bleed"`` may run off the page.
    """
    if not pages:
        return Overflow("(whole item)", 0, 0, True)
    lengths: dict[str, int] = {}
    areas: dict[str, float] = {}
    blamed: set[str] = set()
    for number, page in enumerate(pages):
        for field, zone, (x0, y0, x1, y1), text in _text_boxes(page._page_box, "", "safe"):
            lengths[field] = lengths.get(field, 0) + len(text)
            areas[field] = areas.get(field, 0.0) + (x1 - x0) * (y1 - y0)
            if zone == "bleed":
                continue
            zx0, zy0, zx1, zy1 = zones.get(zone, zones["safe"])
            t = TOLERANCE_PX
            if number or x0 < zx0 - t or y0 < zy0 - t or x1 > zx1 + t or y1 > zy1 + t:
                blamed.add(field)
    if len(pages) == 1 and not blamed:
        return None
    # The field that takes most room is the one to shorten, measured by the area
    # of its lines: a 400-character fact early on pushes the short ones after it
    # off the card, and those are not to blame.
    culprit = max((f for f in areas if f), key=lambda f: areas[f], default="")
    return Overflow(culprit or "(unnamed text)", lengths.get(culprit, 0), len(pages) - 1, bool(blamed))


def fit_items(ladders: dict[Hashable, list[Rung]],
              attempt: Callable[[dict[Hashable, Rung]], dict[Hashable, Overflow | None]],
              describe: Callable[[Hashable, Rung, Overflow], str]) -> dict[Hashable, int]:
    """Find, per item, the first rung of its ladder at which it fits.

    ``attempt`` lays out the given items at the given levels (all of them
    the first time, afterwards only the ones that overflowed) and returns an
    :class:`Overflow` or None per item; it keeps whatever it needs of the
    items that fit. Raises FitError, worded by ``describe``, for an item that
    still overflows on its last rung. Returns the rung index used per item.
    """
    rung = {key: 0 for key in ladders}
    pending = list(ladders)
    while pending:
        results = attempt({key: ladders[key][rung[key]] for key in pending})
        failed = [key for key in pending if results.get(key) is not None]
        for key in failed:
            if rung[key] + 1 >= len(ladders[key]):
                raise FitError(describe(key, ladders[key][rung[key]], results[key]))
            rung[key] += 1
        pending = failed
    return rung
