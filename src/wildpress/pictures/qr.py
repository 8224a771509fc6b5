"""Vector QR codes for a species' links, sized in millimetres and checked for print.

:func:`qr_svg` makes an inline ``<svg>`` (segno's path output, no XML declaration)
for a Jinja2 template: its width and height are exactly the size asked for, and
that size **includes the 4-module quiet zone**, which is always kept. A layout
reserves a square of ``size_mm`` and puts nothing else inside it.

With ``light=None`` the quiet zone and light modules are transparent: the layout
must then place the code on a light, plain background (never over a photo or a
dark panel), or phones will not find it.

Print check: a module under 0.4 mm does not scan reliably from paper, so
:func:`check_printable` raises :class:`~wildpress.errors.FitError` naming the
output, the link and the smallest size that would do (:func:`min_size_mm`).
Longer links need more modules, hence a larger code.
"""

from __future__ import annotations

import functools
import io
import math
import re

from markupsafe import Markup, escape

from ..errors import FitError
from .store import picture_markup

#: The smallest module (one black or white square) that scans reliably from print.
MIN_MODULE_MM = 0.4
#: Modules of light margin on every side; the QR specification asks for 4.
QUIET_ZONE = 4
#: Error correction level asked for; segno raises it when that costs no extra modules.
ERROR = "M"
#: Links to encode, in the order they are drawn (the call to action first).
LINK_ORDER = ("donate", "more_info")

_EPSILON = 1e-9  # 0.4 * 37 is 14.800000000000002: float noise must not fail the size check


@functools.lru_cache(maxsize=256)
def _code(url: str):
    """The segno QR code for ``url`` (never a Micro QR: many phones cannot read those)."""
    import segno

    if not isinstance(url, str) or not url:
        raise ValueError("a QR code needs a non-empty link")
    return segno.make(url, error=ERROR, boost_error=True, micro=False)


def modules(url: str) -> int:
    """Modules across the printed code for ``url``, quiet zone included."""
    width, _ = _code(url).symbol_size(scale=1, border=QUIET_ZONE)
    return width


def module_mm(url: str, size_mm: float) -> float:
    """The size of one module when the code for ``url`` is printed ``size_mm`` wide (quiet zone included)."""
    return size_mm / modules(url)


def min_size_mm(url: str) -> float:
    """The smallest printed width (quiet zone included) at which every module is at least 0.4 mm."""
    return round(MIN_MODULE_MM * modules(url), 6)


def _mm(value: float) -> str:
    """A length for an SVG attribute: exact to a micrometre, no trailing zeros."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def check_printable(url: str, size_mm: float, where: str) -> None:
    """Raise FitError when the code for ``url`` printed ``size_mm`` wide would have modules under 0.4 mm.

    ``where`` names the output, e.g. ``"amur-leopard / poster / A4"``.
    """
    module = module_mm(url, size_mm)
    if module + _EPSILON >= MIN_MODULE_MM:
        return
    shown = math.floor(module * 100) / 100  # never round a failing size up to a passing one
    raise FitError(f"{where}: the QR code for {url} would print with {shown:.2f} mm modules; a code needs "
                   f"at least {MIN_MODULE_MM} mm ({min_size_mm(url):.1f} mm wide here). "
                   "Use a shorter link or a larger size.")


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def qr_svg(url: str, size_mm: float, *, dark: str = "#1d2320", light: str | None = "#ffffff") -> Markup:
    """An inline vector ``<svg>`` QR code for ``url``, ``size_mm`` wide and high including the quiet zone.

    ``light=None`` leaves the light modules and the quiet zone transparent: place the
    code on a light, plain background then. The result is safe to insert unescaped
    in a template (the URL appears only escaped, in ``aria-label``).
    """
    if not (isinstance(size_mm, (int, float)) and math.isfinite(size_mm) and size_mm > 0):
        raise ValueError(f"a QR code needs a positive size in mm, got {size_mm!r}")
    code, n = _code(url), modules(url)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=1, border=QUIET_ZONE, dark=dark, light=light, xmldecl=False,
              svgns=True, svgclass=None, lineclass=None, omitsize=True, nl=False)
    svg = out.getvalue().decode("utf-8")
    size = _mm(size_mm)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}mm" height="{size}mm" '
            f'viewBox="0 0 {n} {n}" role="img" aria-label="{escape("QR code: " + url)}">')
    svg, replaced = _SVG_OPEN.subn(head, svg, count=1)
    if not replaced:  # segno changed its output: fail loudly rather than print a wrong size
        raise RuntimeError("segno produced no <svg> element")
    return Markup(svg)


@functools.lru_cache(maxsize=256)
def _drawn(url: str, size_mm: float, dark: str, light: str | None) -> str:
    """The code's SVG for these arguments, drawn once per process."""
    return str(qr_svg(url, size_mm, dark=dark, light=light))


def qr_links(links: dict | None) -> list[tuple[str, str]]:
    """The ``(kind, url)`` pairs of a species' ``links`` to draw as QR codes: donate first, then more_info.

    Missing or empty links are skipped, and a link already drawn is not drawn twice.
    """
    pairs: list[tuple[str, str]] = []
    for kind in LINK_ORDER:
        url = (links or {}).get(kind)
        if isinstance(url, str) and url.strip() and url.strip() not in (u for _, u in pairs):
            pairs.append((kind, url.strip()))
    return pairs


class QRCodes:
    """What templates call to print a QR code: ``qr.svg(url, size_mm)``.

    The code is checked at its printed size (modules of at least
    :data:`MIN_MODULE_MM`, quiet zone kept) before it is drawn; too small is
    a :class:`~wildpress.errors.FitError` naming the output (``where``).
    """

    def __init__(self, where: str):
        self._where = where

    def links(self, links: dict | None) -> list:
        """(kind, url) pairs worth a code: donate first, then more information."""
        return qr_links(links)

    def svg(self, url: str, size_mm: float, dark: str = "#1d2320", light: str | None = "#ffffff") -> Markup:
        """The checked vector code, ``size_mm`` wide including its quiet zone, as an
        ``<img class="wp-picture">`` of its SVG (held by :mod:`.store`: parsed once, not per fit pass)."""
        check_printable(url, size_mm, self._where)
        return picture_markup(_drawn(url, size_mm, dark, light), "qr", "QR code: " + url)

    def size(self, url: str, design_mm: float, largest_mm: float) -> float:
        """The layout's size for the code, grown for a long URL up to ``largest_mm`` (then checked)."""
        return min(max(design_mm, min_size_mm(url)), largest_mm)

    def fits(self, url: str, size_mm: float) -> bool:
        """True if the code would print legibly at ``size_mm`` (for layouts that can choose)."""
        return module_mm(url, size_mm) + _EPSILON >= MIN_MODULE_MM
