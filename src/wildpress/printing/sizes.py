"""The paper size registry: named sizes, custom sizes and orientation.

Templates never hard-code a page size; the renderer asks this registry and
injects the `@page` rule, so every layout works at every size it supports.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..errors import UsageError

MM = 72 / 25.4  # points per millimetre
IN = 72.0

_UNITS = {"mm": MM, "cm": 10 * MM, "in": IN, "pt": 1.0}
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)?\s*$", re.I)


@dataclass(frozen=True)
class PaperSize:
    """A page size in points, portrait-first as registered."""

    name: str  # slug used in file names: "a4", "letter", "594x841mm"
    label: str  # what people call it: "A4", "US Letter"
    width: float  # points
    height: float  # points
    group: str = "custom"
    ppi: float | None = None  # screen sizes: the ppi at which the page is its pixel size (--format png)

    @property
    def width_mm(self) -> float:
        """Width in millimetres."""
        return self.width / MM

    @property
    def height_mm(self) -> float:
        """Height in millimetres."""
        return self.height / MM

    @property
    def orientation(self) -> str:
        """'landscape' when wider than tall, else 'portrait'."""
        return "landscape" if self.width > self.height else "portrait"

    def oriented(self, orientation: str | None) -> "PaperSize":
        """This size turned to ``orientation`` (None keeps it as it is)."""
        if orientation is None or orientation == self.orientation or self.width == self.height:
            return self
        if orientation not in ("portrait", "landscape"):
            raise UsageError(f"orientation must be portrait or landscape, not {orientation!r}")
        return PaperSize(f"{self.name}-{orientation}", self.label + f" {orientation}", self.height, self.width, self.group,
                         self.ppi)

    def describe(self) -> str:
        """Dimensions as people read them, in mm and inches (screen sizes: in pixels at their ppi)."""
        if self.ppi:
            return (f"{round(self.width / IN * self.ppi)} × {round(self.height / IN * self.ppi)} px at {self.ppi:g} ppi  "
                    f"({self.width_mm:.0f} × {self.height_mm:.0f} mm)")
        return (f"{self.width_mm:.0f} × {self.height_mm:.0f} mm  "
                f"({self.width / IN:.2f} × {self.height / IN:.2f} in)")


def _mm(name, label, w, h, group):
    return PaperSize(name, label, w * MM, h * MM, group)


def _in(name, label, w, h, group):
    return PaperSize(name, label, w * IN, h * IN, group)


def _px(name, label, w, h, ppi):
    """A screen size: ``w`` × ``h`` pixels at ``ppi``. Its ppi makes the page about A4's area or more
    (1080 px at 108 ppi: a 10 in square), so layouts sized for paper (the poster's 208 mm short side)
    hold real records and their type reads at the image's size on a phone."""
    return PaperSize(name, label, w / ppi * IN, h / ppi * IN, "screen", ppi)


def _iso_a(n: int) -> tuple[int, int]:
    w, h = 841, 1189
    for _ in range(n):
        w, h = h // 2, w
    return w, h


def _iso_b(n: int) -> tuple[int, int]:
    w, h = 1000, 1414
    for _ in range(n):
        w, h = h // 2, w
    return w, h


SIZES: dict[str, PaperSize] = {}
for _n in range(0, 8):
    SIZES[f"a{_n}"] = _mm(f"a{_n}", f"A{_n}", *_iso_a(_n), "ISO A")
for _n in range(1, 6):
    SIZES[f"b{_n}"] = _mm(f"b{_n}", f"B{_n}", *_iso_b(_n), "ISO B")
for _size in [
    _in("letter", "US Letter", 8.5, 11, "US"),
    _in("legal", "US Legal", 8.5, 14, "US"),
    _in("tabloid", "Tabloid", 11, 17, "US"),
    _in("ledger", "Ledger", 17, 11, "US"),
    _in("ansi-c", "ANSI C", 17, 22, "US"),
    _in("ansi-d", "ANSI D", 22, 34, "US"),
    _in("arch-c", "Arch C", 18, 24, "US"),
    _in("arch-d", "Arch D", 24, 36, "US"),
    _in("index-3x5", "Index card 3 × 5 in", 3, 5, "card"),
    _in("index-4x6", "Index card 4 × 6 in", 4, 6, "card"),
    _mm("poker", "Poker / trading card", 63, 88, "card"),
    _px("instagram-post", "Instagram post (square)", 1080, 1080, 108),
    _px("instagram-4x5", "Instagram post (portrait 4:5)", 1080, 1350, 108),
    _px("instagram-story", "Instagram / Facebook story", 1080, 1920, 108),
    _px("facebook-post", "Facebook link image", 1200, 630, 72),
    _px("linkedin-post", "LinkedIn link image", 1200, 627, 72),
    _px("x-post", "X (Twitter) image", 1600, 900, 90),
    _px("slide-16x9", "Slide 16:9 (Full HD)", 1920, 1080, 108),
]:
    SIZES[_size.name] = _size

ALIASES = {"us-letter": "letter", "a": "letter", "b": "tabloid", "c": "ansi-c", "d": "ansi-d",
           "3x5": "index-3x5", "4x6": "index-4x6", "trading": "poker"}

_CUSTOM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)\s*$", re.I)
MAX_SIDE = 5080 * MM  # 5 m: past any plotter; a bigger page is a typo or an attack
MIN_SIDE = 20 * MM


def parse_length(text: str | float | int, what: str = "length") -> float:
    """'3mm', '0.125in', '8.5pt' or a bare number of millimetres -> points."""
    if isinstance(text, (int, float)):
        return float(text) * MM
    match = _LENGTH.match(str(text))
    if not match:
        raise UsageError(f"{what} {text!r}: give a length such as 3mm, 0.125in or 9pt")
    return float(match[1]) * _UNITS[(match[2] or "mm").lower()]


def get_size(spec: str, orientation: str | None = None) -> PaperSize:
    """Look up a named size (case-insensitive) or parse ``WxHunit``; apply ``orientation``."""
    key = spec.strip().lower().replace(" ", "-").replace("_", "-")
    key = ALIASES.get(key, key)
    if key in SIZES:
        return SIZES[key].oriented(orientation)
    match = _CUSTOM.match(spec)
    if match:
        w, h, unit = float(match[1]), float(match[2]), match[3].lower()
        factor = _UNITS[unit]
        width, height = w * factor, h * factor
        for side in (width, height):
            if not MIN_SIDE <= side <= MAX_SIDE:
                raise UsageError(f"size {spec!r}: each side must be between 20 mm and 5 m")
        fmt = lambda v: f"{v:g}"  # noqa: E731 - keeps 18x24in as written
        name = f"{fmt(w)}x{fmt(h)}{unit}"
        return PaperSize(name, name, width, height).oriented(orientation)
    close = difflib.get_close_matches(key, list(SIZES) + list(ALIASES), n=3, cutoff=0.5)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise UsageError(f"unknown paper size {spec!r}{hint}; `wildpress sizes` lists them, "
                     "or give a custom size such as 594x841mm or 18x24in")


def list_sizes() -> list[PaperSize]:
    """All registered sizes, in registry order."""
    return list(SIZES.values())
