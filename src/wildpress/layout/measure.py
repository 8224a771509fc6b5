"""Measuring a laid-out document: does it fit, and if not, what takes the room.

The concession ladder (:mod:`wildpress.layout.ladder`) needs one answer per rung:
does this layout fit its page limit, with every line of text inside the trim
and its columns balanced? When the last rung still fails, the message names
the field that takes most room *by measurement* (the area of its lines, not
its character count) and by how much the content overflows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .fit import PX, _text_boxes
from .pagefill import _walk
from ..printing.sizes import MM

TOLERANCE = 0.5  # px: sub-pixel rounding is not overflow


@dataclass
class Misfit:
    """Why a layout did not fit, with the overflow in millimetres."""

    reason: str
    overflow_mm: float


def _text_extent(page) -> tuple[float, float]:
    """(top, bottom) in px of the text in ``page``'s content ((0, 0) if none).

    Page margin boxes (running footers, page numbers) are not content.
    """
    tops, bottoms = [], []
    for child in page._page_box.children:
        if type(child).__name__ == "MarginBox":
            continue
        for _field, _zone, (_x0, y0, _x1, y1), _text in _text_boxes(child, "", ""):
            tops.append(y0)
            bottoms.append(y1)
    return (min(tops), max(bottoms)) if tops else (0.0, 0.0)


def _outside(document) -> tuple[str, int, float] | None:
    """(text, page number, mm past the trim) of the first text that runs off its page."""
    for number, page in enumerate(document.pages, 1):
        for _field, _zone, (x0, y0, x1, y1), text in _text_boxes(page._page_box, "", ""):
            past = max(-x0, -y0, x1 - page.width, y1 - page.height)
            if past > TOLERANCE:
                return text.strip()[:40], number, past * PX / MM
    return None


def _column_ends(document) -> dict[str, int]:
    """Column name (``data-column``) -> number of the last page its text reaches."""
    ends: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for box, _parent in _walk(page._page_box):
            element = getattr(box, "element", None)
            name = element.get("data-column") if element is not None and hasattr(element, "get") else None
            if name and any(t.strip() for *_rest, t in _text_boxes(box, "", "")):
                ends[name] = max(ends.get(name, 0), number)
    return ends


def misfit(document, max_pages: int | None) -> Misfit | None:
    """None if ``document`` fits, else why not.

    Fits means: no more pages than ``max_pages``; no text past the trim;
    and, where the layout marks columns with ``data-column``, no column that
    stops on an earlier page while another runs on (a half-empty column while
    content moves to the next page).
    """
    pages = document.pages
    if max_pages and len(pages) > max_pages:
        spill = 0.0
        for page in pages[max_pages:]:
            top, bottom = _text_extent(page)
            spill += max(0.0, bottom - top)
        return Misfit(f"the content needs {len(pages)} pages; the layout allows {max_pages}", spill * PX / MM)
    outside = _outside(document)
    if outside:
        text, number, past = outside
        return Misfit(f"{text!r} on page {number} runs past the page edge", past)
    ends = _column_ends(document)
    if len(set(ends.values())) > 1:
        short = min(ends, key=ends.get)
        return Misfit(f"the {short} column stops on page {ends[short]} while the other runs on to "
                      f"page {max(ends.values())}", 0.0)
    return None


def field_areas(document) -> dict[str, float]:
    """Area in mm² of the lines each ``data-field`` takes, over all pages."""
    areas: dict[str, float] = {}
    for page in document.pages:
        for field, _zone, (x0, y0, x1, y1), _text in _text_boxes(page._page_box, "", ""):
            if field:
                areas[field] = areas.get(field, 0.0) + (x1 - x0) * (y1 - y0) * (PX / MM) ** 2
    return areas


def data_path(field: str) -> tuple:
    """'quick_facts[3]' -> ('quick_facts', 3); 'status.scope' -> ('status', 'scope')."""
    path: list = []
    for part in field.split("."):
        match = re.fullmatch(r"([A-Za-z_][\w]*)((?:\[\d+\])*)", part)
        if not match:
            return tuple(path)
        path.append(match.group(1))
        path += [int(i) for i in re.findall(r"\[(\d+)\]", match.group(2))]
    return tuple(path)


def field_line(file: Path, field: str) -> str:
    """'amur-leopard.yaml:57' for the field in the species file (the file alone if unknown)."""
    from ..data.yamlsafe import YAMLProblem, load_file

    try:
        line, _col = load_file(file).where(data_path(field))
    except (YAMLProblem, OSError, ValueError):
        return str(file)
    return f"{file}:{line}" if line else str(file)


def blame(document, file: Path, brand_source: str = "") -> str:
    """'threats (48% of the text area) at file.yaml:57', the field that takes most room.

    The organisation's brand is not in the species file: it is named with ``brand_source``
    (the project file's brand block)."""
    areas = field_areas(document)
    if not areas:
        return "no single field"
    total = sum(areas.values())
    culprit = max(areas, key=areas.get)
    if culprit == "brand":
        where = f" at {brand_source}" if brand_source else " (the brand settings)"
        return f"the brand ({areas[culprit] / total:.0%} of the text){where}"
    return f"{culprit} ({areas[culprit] / total:.0%} of the text) at {field_line(file, culprit)}"
