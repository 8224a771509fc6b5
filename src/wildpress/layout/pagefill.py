"""One-page documents that fill their page exactly and never lose text.

A poster must be one page at every size and aspect ratio. CSS cannot say
"this photo takes whatever height the text leaves", and flex layouts are slow
and can overflow a page silently in WeasyPrint, so a layout marks the
element that absorbs the spare height with ``data-fill``; :func:`fill`
measures the laid-out page and re-renders once with that element grown by
exactly the slack. :func:`check_within_page` then walks every line of text
and every image: anything outside the page box would be cut off by the
trim, so it fails the build instead of printing a clipped poster.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from ..errors import FitError
from .fit import PX  # points per CSS pixel: WeasyPrint lays out in CSS pixels

TOLERANCE = 0.5  # px: sub-pixel rounding is not overflow


def _walk(box, parent=None) -> Iterator[tuple[Any, Any]]:
    """(box, parent box) for every box under ``box``; WeasyPrint boxes have no parent link."""
    yield box, parent
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child, box)


def _bottom(box) -> float:
    return box.position_y + box.margin_height()


def _slacks(document) -> dict[str, tuple[float, float]]:
    """Name -> (height, slack) in CSS px of each ``data-fill`` element with slack under it."""
    page = document.pages[-1]._page_box
    page_bottom = page.content_box_y() + page.height
    found: dict[str, tuple[float, float]] = {}
    for box, parent in _walk(page):
        element = getattr(box, "element", None)
        if element is None or parent is None or getattr(box, "element_tag", None) is None:
            continue
        name = element.get("data-fill")
        if not name or not hasattr(box, "height"):
            continue
        # The parent's content ends where the text ends; the rest of the page is spare.
        slack = page_bottom - _bottom(parent) - TOLERANCE
        if slack > 1:
            found.setdefault(name, (box.height, slack))
    return found


def fill_heights(document) -> dict[str, float]:
    """Name -> height in CSS px that each ``data-fill`` element grows to (nothing if no slack)."""
    return {name: height + slack for name, (height, slack) in _slacks(document).items()}


def content_bottom(page_box) -> float:
    """Lowest edge in px of the text and images on a page (its top if none); margin boxes
    (running footers) are not content."""
    bottom = page_box.content_box_y()
    for child in page_box.children:
        if type(child).__name__ == "MarginBox":
            continue
        for box, _parent in _walk(child):
            kind = type(box).__name__
            if (kind == "TextBox" and box.text.strip()) or kind in ("InlineReplacedBox", "BlockReplacedBox"):
                bottom = max(bottom, box.position_y + box.margin_height())
    return bottom


def free_height(document) -> float:
    """Spare height in px of a laid-out document: what its ``data-fill`` elements would grow
    by, else the height left under the content of its last page."""
    page = document.pages[-1]._page_box
    page_bottom = page.content_box_y() + page.height
    slacks = [slack for _height, slack in _slacks(document).values()]
    if slacks:
        return max(slacks)
    return max(0.0, page_bottom - content_bottom(page))


def _holds_content(box) -> bool:
    return any((type(b).__name__ == "TextBox" and b.text.strip())
               or type(b).__name__ in ("InlineReplacedBox", "BlockReplacedBox") for b, _parent in _walk(box))


def blank_fill_height(document) -> float:
    """Spare height in px that ``data-fill`` elements holding nothing (a spacer, not a
    picture) would take: blank page once they are grown."""
    slacks = _slacks(document)
    blank = 0.0
    for box, _parent in _walk(document.pages[-1]._page_box):
        element = getattr(box, "element", None)
        name = element.get("data-fill") if element is not None and getattr(box, "element_tag", None) else None
        if name in slacks and not _holds_content(box):
            blank = max(blank, slacks[name][1])
    return blank


def empty_shares(document) -> list[float]:
    """Per page, the share of its height left empty under its content (0.0 to 1.0)."""
    shares = []
    for page in document.pages:
        box = page._page_box
        top = box.content_box_y()
        shares.append(max(0.0, top + box.height - content_bottom(box)) / box.height if box.height else 0.0)
    return shares


def fill_css(document) -> str:
    """CSS that grows each ``data-fill`` element by the slack left on the last page ('' if none)."""
    return "\n".join(f'[data-fill="{name}"] {{ height: {height:.3f}px !important; }}'
                     for name, height in fill_heights(document).items())


def fill(document, rerender: Callable[[str], Any]):
    """Return ``document`` re-rendered with its fill elements grown (or as is if nothing to fill).

    ``rerender(extra_css)`` lays the same HTML out again with more CSS.
    """
    if len(document.pages) != 1:
        return document
    css = fill_css(document)
    if not css:
        return document
    grown = rerender(css)
    # Growing can only shift content down within the slack; if rounding still pushed
    # something over, the first layout was already a correct, complete page.
    return grown if len(grown.pages) == 1 else document


def check_within_page(document, label: str) -> None:
    """Raise FitError if text lies outside its page box or an image past the bleed.

    Anything there would be cut off by the trim: a clipped poster must fail
    the build, naming species, layout and size (``label``).
    """
    for number, page in enumerate(document.pages, 1):
        width, height = page.width, page.height
        for box, _parent in _walk(page._page_box):
            kind = type(box).__name__
            if kind == "TextBox" and box.text.strip():
                # Text must stay inside the trim: the bleed is cut away.
                left, top, right, bottom = 0.0, 0.0, width, height
                what = repr(box.text[:40])
            elif kind in ("InlineReplacedBox", "BlockReplacedBox"):
                # Full-bleed photos deliberately run into the bleed, but no further.
                b = page.bleed
                left, top, right, bottom = -b["left"], -b["top"], width + b["right"], height + b["bottom"]
                what = "an image"
            else:
                continue
            x, y = box.position_x, box.position_y
            if (x < left - TOLERANCE or y < top - TOLERANCE or x + box.margin_width() > right + TOLERANCE
                    or y + box.margin_height() > bottom + TOLERANCE):
                raise FitError(f"{label}: {what} on page {number} runs past the page edge "
                               "and would be cut off. Shorten the text or choose a larger size.")


def smallest_text_pt(document) -> float:
    """Font size in points of the smallest drawn text (for legibility checks)."""
    sizes = [box.style["font_size"] * PX
             for page in document.pages for box, _ in _walk(page._page_box)
             if type(box).__name__ == "TextBox" and box.text.strip()]
    return min(sizes) if sizes else 0.0
