"""Drawn pictures (range maps, QR codes) held once per process and placed by URL.

A range map is a few hundred ``<path>`` elements. Inlined in the page's HTML,
WeasyPrint tokenises it, builds boxes for it and cascades the layout's CSS over
every path on every fit pass (a ladder lays one document out several times):
about a tenth of a fact sheet's time. Instead, :func:`picture_markup` keeps the
SVG text here under a URL naming its content (``wildpress-picture:map-<sha256>.svg``)
and the template gets an ``<img>`` of that URL. The confined fetcher
(:mod:`wildpress.layout.fetcher`) is the only reader of this store, and the
renderer's image cache (:class:`SharedPictures`) keeps WeasyPrint's parsed image
of such a URL across passes and documents, so each picture is parsed once.

Both are bounded (oldest first out) and keyed by content: the same URL is always
the same picture, and nothing a species or layout writes can put anything here.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any

from markupsafe import Markup, escape

SCHEME = "wildpress-picture:"
MAX_PICTURES = 4096  # a booklet of many species holds two pictures a species at most
MAX_STORE_BYTES = 96 * 1024 * 1024
#: How a picture stands in the page: a block of its own size, as every built-in layout sets its
#: maps and codes. A layout's own rule for ``img.wp-picture`` (or ``.range-map img``) comes later
#: and wins; see :func:`wildpress.layout.render.Renderer.render`.
PICTURE_CSS = "img.wp-picture { display: block; }"

_pictures: OrderedDict[str, bytes] = OrderedDict()  # URL -> SVG bytes, least recently used first
_parsed: dict[str, Any] = {}  # URL -> WeasyPrint's parsed image of it (only for URLs in _pictures)
_held = [0]  # bytes in _pictures


def picture_url(svg: str, kind: str) -> str:
    """Hold ``svg`` (a picture wildpress drew) and return the URL that names it by content."""
    data = svg.encode("utf-8")
    url = f"{SCHEME}{kind}-{hashlib.sha256(data).hexdigest()}.svg"
    if url in _pictures:
        _pictures.move_to_end(url)
        return url
    _pictures[url] = data
    _held[0] += len(data)
    while len(_pictures) > MAX_PICTURES or (_held[0] > MAX_STORE_BYTES and len(_pictures) > 1):
        old, dropped = _pictures.popitem(last=False)
        _held[0] -= len(dropped)
        _parsed.pop(old, None)
    return url


def picture_bytes(url: str) -> bytes | None:
    """The SVG a :func:`picture_url` names, or None when it is not (or no longer) held."""
    data = _pictures.get(url)
    if data is not None:
        _pictures.move_to_end(url)
    return data


def picture_markup(svg: str, kind: str, alt: str) -> Markup:
    """An ``<img>`` of ``svg`` (held here) for a template: same size as the inline SVG, ``alt`` its text."""
    return Markup(f'<img class="wp-picture" src="{picture_url(svg, kind)}" alt="{escape(alt)}">')


def is_picture(url: Any) -> bool:
    """True for a URL of this store's scheme."""
    return isinstance(url, str) and url.startswith(SCHEME)


class SharedPictures(dict):
    """WeasyPrint's image cache for one render, sharing parsed pictures across renders.

    WeasyPrint asks ``url in cache``, reads ``cache[url]`` and sets ``cache[url] = image``.
    Entries for this store's URLs live in the process-wide, bounded :data:`_parsed` (dropped
    with their picture); everything else (photos, logos: files that may change or be refused
    to the next job) stays in this dict, which lives for one render only, as before.
    """

    def __contains__(self, key: object) -> bool:
        if is_picture(key) and key in _parsed and key in _pictures:
            return True
        return super().__contains__(key)

    def __getitem__(self, key):
        if is_picture(key) and key in _parsed and key in _pictures:
            return _parsed[key]
        return super().__getitem__(key)

    def __setitem__(self, key, value) -> None:
        if is_picture(key) and value is not None and key in _pictures:
            # The image keeps the first pass's layout context, used only to draw SVG text and
            # nested images, which maps and codes never have: dropped so that pass can be freed.
            if hasattr(value, "_context"):
                value._context = None
            _parsed[key] = value
            return
        super().__setitem__(key, value)


def forget_parsed() -> None:
    """Drop every parsed image (the pictures stay held): the next render parses each again, as a
    worker's first document of a species does (benchmarks measure that case)."""
    _parsed.clear()


def parsed_count() -> int:
    """How many pictures WeasyPrint holds parsed (for tests and benchmarks)."""
    return len(_parsed)
