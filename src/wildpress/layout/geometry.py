"""Sizes the templates place things at, computed once in Python (issue 19).

Templates call these through the ``geometry`` object of the template context
(:func:`wildpress.layout.context.template_context`): ``geometry.poster(...)`` gives
the poster's unit, columns, title sizes and inline stylesheet; the fact sheet's photo
band and map come from ``geometry.factsheet(...)``. Cards and the booklet compute
theirs in :mod:`wildpress.layout.cards` and :mod:`wildpress.layout.booklet`; the one
rule they share with the poster, how large a text can be set on one line of a given
width, is :func:`one_line_size`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace

from markupsafe import Markup

A4_SHORT_MM = 210.0

# Poster text sizes in units (1rem), scaled together by the ladder's type step.
POSTER_TYPE = {".poster": 1.85, ".kicker": 1.6, ".fallback-group": 1.6, ".fallback-status": 1.9,
               ".credit-line": 1.5, ".scale": 1.7, ".scale-ends": 1.5, ".scale-cell": 1.6,
               ".scale-cell.is-current": 2.0, ".scale-label": 1.75, ".stat-label": 1.5, ".stat-note": 1.5,
               "h2": 1.6, ".cta-title": None, ".cta-text": 1.85, ".cta .colophon": 1.5, ".cta-brand-name": 1.85,
               ".cta-reach": 1.6, ".more": 1.6, ".qr-label": 1.5, ".range-map figcaption": 1.5}
CTA_TITLE = {"portrait": 3.2, "landscape": 2.8}
STAT_VALUE = 4.2  # the headline figures' largest size in units
STAT_WORDS_MIN = 2.8  # words (country names) wrap at a steady size, never smaller than this
LINE = 1.3  # line height of the story text, in units, for estimating a column's height


def one_line_size(width: float, chars: int, advance: float, extra: float = 0.0) -> float:
    """The largest size at which ``chars`` characters (each ``advance`` of the size wide, plus
    ``extra`` sizes of side bearing) fit ``width`` on one line, in ``width``'s unit.
    Shared by the poster's title and figures and the cards' figure tiles."""
    return width / (chars * advance + extra)


def poster_unit(width_mm: float, height_mm: float) -> float:
    """The poster's unit (1rem) in mm: 1% of the short side, growing more slowly above A4
    ((210 mm / short side) ** 0.35), so body type is 11 pt on A4 and 27 pt on A0."""
    short = min(width_mm, height_mm)
    return short / 100 * min(A4_SHORT_MM / short, 1) ** 0.35


@dataclass(frozen=True)
class PosterGeometry:
    """One poster page's sizes: millimetres (``*_mm``, ``W``, ``H``, ``b``) or units (the rest)."""

    W: float
    H: float
    b: float  # bleed
    u: float  # the unit in mm
    scale: float  # the ladder's type step
    landscape: bool
    compact: bool  # the last ladder step: a long brand block in a smaller band
    share: float  # portrait: the photo's share of the page height
    hero_w: float  # landscape: the photo's share of the page width
    pad: float  # the text panel's side padding
    text_w: float  # the text panel's width
    title_w: float  # the width the title is set in
    title: float  # the title's size
    sci: float  # the scientific name's size

    @property
    def hero_box(self) -> tuple[float, float]:
        """The photo's box (width, height) in mm before the fill pass grows it."""
        if self.landscape:
            return self.W * self.hero_w + self.b, self.H + 2 * self.b
        return self.W + 2 * self.b, self.H * self.share + self.b

    def hero_height(self, filled: dict) -> float:
        """The photo's height in mm: the fill pass's grown height where it measured one."""
        return self.H + 2 * self.b if self.landscape else filled.get("hero", self.hero_box[1])

    def title_on_top(self, focal_y: float, hero_h: float, title_h: float) -> bool:
        """Whether the title goes to the top of the photo: its block (``title_h`` mm, measured on the
        previous pass, 0 before) clears the focal point at the foot, else at the top, else where farther."""
        if not title_h:
            return focal_y > 0.55
        fy, margin = focal_y * hero_h, 0.05 * hero_h
        clear_below = fy < hero_h - title_h - margin
        clear_above = fy > self.b + 4 * self.u + title_h + margin
        return not clear_below and (clear_above or focal_y > 0.5)

    def stats(self, stats: list[dict]) -> list[dict]:
        """The headline figures with each value's size (``size``, units, type step included) and its
        tile's width (``width``, % of the row): as large as its tile allows, figures on one line."""
        per_row = 2 if self.landscape else max(len(stats), 1)
        room = self.text_w / per_row - 2
        sized = []
        for stat in stats:
            fit_size = one_line_size(room, len(stat["value"]), 0.56, 0.2)
            size = min(STAT_VALUE, max(fit_size, STAT_WORDS_MIN)) if stat.get("words") else min(STAT_VALUE, fit_size)
            sized.append({**stat, "size": size * self.scale, "width": 99.9 / per_row})
        return sized

    def gallery(self, count: int, gap: float = 1.5) -> dict:
        """Gallery thumbnails across the text panel: each one's width and height and the gap, in mm."""
        width = (self.text_w * self.u - gap * (count - 1)) / count
        return {"width": width, "height": min(width * 0.66, 16 * self.u), "gap": gap}

    def story_heights(self, why_chars: int, threat_chars: list[int]) -> tuple[float, float]:
        """Estimated heights (units) of the 'why it matters' column and the threats list from their
        text (lines of about 0.5 em a character), for placing the map before they are measured."""
        why_h = why_chars * 0.5 / (self.text_w * 0.56 / 1.85) * LINE
        threats_h = 2.0
        for chars in threat_chars:
            threats_h = threats_h + (math.ceil(chars * 0.5 / ((self.text_w * 0.38 - 2) / 1.85)) * LINE + 0.2)
        return why_h, threats_h

    def map_box(self, columns: bool, why_h: float, threats_h: float, room: float, small: bool) -> dict:
        """The range map's width in mm (``width``) and whether it goes under 'why it matters'
        (``under_why``: the shorter column in portrait). Brought back into the ``room`` (mm) a fitted
        page left, it fills that room and the hole under its column, never beyond its natural width."""
        under_why = columns and why_h < threats_h
        share = 0.42 if self.landscape else ((0.56 if under_why else 0.38) if columns else 0.55)
        natural = self.text_w * self.u * share * (0.7 if small else 1)
        if room > 0:
            hole = ((threats_h - why_h) if under_why else (why_h - threats_h)) if columns else 0
            map_h = max(hole, 0) + room - 7.5 * self.u * self.scale
            return {"width": min(natural, max(map_h * 2, natural * 0.45)), "under_why": under_why}
        return {"width": natural, "under_why": under_why}

    @property
    def qr_range(self) -> tuple[float, float]:
        """The smallest and largest QR code in mm (``qr.size`` picks one for its link)."""
        return 13 * self.u, 22 * self.u

    def stylesheet(self) -> Markup:
        """The page's size-dependent rules: the unit, every text size, the photo and the bands."""
        W, H, b, u, s, pad = self.W, self.H, self.b, self.u, self.scale, self.pad
        sizes = {sel: (CTA_TITLE["landscape" if self.landscape else "portrait"] if size is None else size)
                 for sel, size in POSTER_TYPE.items()}
        rules = [f"html {{ font-size: {u:.5f}mm; }}"]
        rules += [f"{sel} {{ font-size: {size * s:.4f}rem; }}" for sel, size in sizes.items()]
        if self.landscape:
            rules += [f".hero-box {{ float: left; width: {W * self.hero_w + b:.4f}mm; height: {H + 2 * b:.4f}mm;"
                      f" margin: -{b}mm 0 -{b}mm -{b}mm; }}",
                      # The text panel starts a hair (0.1 mm) past the picture: a block formatting context
                      # exactly touching a float is moved below it when rounding makes them overlap.
                      f".panel {{ margin-left: {W * self.hero_w + 0.1:.4f}mm; display: flow-root; }}",
                      f".cta {{ margin: 2.4rem calc(-5.5rem - {b}mm) 0 -5.5rem; padding: 2.4rem calc(5.5rem + {b}mm) 2.6rem 5.5rem; }}",
                      f".credit-line {{ left: calc({b}mm + 1rem); top: calc({b}mm + 1rem); }}",
                      f".title-top .credit-line {{ top: auto; bottom: calc({b}mm + 1rem); }}"]
        else:
            rules += [f".hero-box {{ height: {H * self.share + b:.4f}mm; margin: -{b}mm -{b}mm 0; }}",
                      f".cta {{ margin: 3rem calc(-6rem - {b}mm) 0; padding: 2.4rem calc(6rem + {b}mm) 2.6rem; }}",
                      f".credit-line {{ right: calc({b}mm + 1rem); top: calc({b}mm + 1rem); }}",
                      ".title-top .credit-line { top: auto; bottom: 1rem; }"]
        side = 0 if self.landscape else b
        rules += [f".title-top .hero-words {{ top: calc({b}mm + 4rem); bottom: auto; }}",
                  f".hero-words {{ padding-left: calc({pad}rem + {b}mm); padding-right: calc({pad}rem + {side}mm);"
                  f" padding-bottom: calc(3.5rem + {b if self.landscape else 0}mm); }}",
                  f".hero.no-photo .fallback-status {{ top: calc({b}mm + 4rem); }}",
                  f".hero.no-photo .fallback-group {{ left: calc({pad}rem + {b}mm); top: calc({b}mm + 4rem); }}",
                  f":root[dir=rtl] .hero.no-photo .fallback-group {{ left: auto; right: calc({pad}rem + {b}mm); }}"]
        if b:  # the band ends on the trim (so the fill pass can measure it); its shadow paints the bleed
            rules.append(f".cta {{ box-shadow: 0 {b}mm 0 0 #1d2320; }}")
        rules += [f".title {{ font-size: {self.title * s:.3f}rem; }}",
                  f".sci-line {{ font-size: {self.sci * s:.3f}rem; }}",
                  f".stat-value {{ font-size: {STAT_VALUE * s:.3f}rem; }}"]
        if self.compact:
            rules.append(f".cta-reach {{ font-size: {1.5 * s:.4f}rem; }} .cta-logo img {{ height: 3rem; }}")
        return Markup("\n".join(rules))


def poster(page: dict, fit, brand_given: bool, title: str, scientific: str) -> PosterGeometry:
    """The poster's geometry for ``page`` (the context's ``page``) at the ladder rung ``fit``;
    ``title`` is the title as printed (its longest word must fit), ``scientific`` the Latin name."""
    W, H, b = page["width_mm"], page["height_mm"], page["bleed_mm"]
    u = poster_unit(W, H)
    landscape = W > H * 1.02
    steps = fit.css_classes
    compact = "fit-brand-compact" in steps and bool(brand_given)
    share = 0.24 if compact else (0.30 if "fit-hero-30" in steps else (0.36 if "fit-hero-36" in steps else 0.42))
    hero_w = 0.36 if compact else (0.40 if "fit-hero-30" in steps else (0.45 if "fit-hero-36" in steps else 0.5))
    pad = 5.5 if landscape else 6
    text_w = ((W * (1 - hero_w) - 0.1) / u - 2 * pad) if landscape else (W / u - 2 * pad)
    title_w = (W * hero_w / u - 2 * pad) if landscape else text_w
    longest = max(len(word) for word in str(title).split(" "))  # no_widow's joined last words are one piece
    sci_longest = max(len(word) for word in str(scientific).split())
    return PosterGeometry(W=W, H=H, b=b, u=u, scale=fit.scale, landscape=landscape, compact=compact,
                          share=share, hero_w=hero_w, pad=pad, text_w=text_w, title_w=title_w,
                          title=min(9, one_line_size(title_w, longest, 0.6, 0.5)),
                          sci=min(3.2, one_line_size(title_w, sci_longest, 0.56, 0.5)))


FACTSHEET_MARGINS_MM = 30  # the fact sheet's left and right page margins together (factsheet.css)
FACTSHEET_PHOTO_MM = (62, 78, 92)  # the photo band's height at grow step 0, 1 and 2
FACTSHEET_TIGHT_PHOTO_MM = 50  # ... at the ladder's 'tight' step
FACTSHEET_MAP_MM = (44, 54, 62)  # the range map's height at grow step 0, 1 and 2


@dataclass(frozen=True)
class FactsheetGeometry:
    """The fact sheet's photo band and range map in mm (the rest of its page is CSS)."""

    content_w: float  # the text width between the margins
    main_w: float  # the main photo's width (beside the gallery when there is one)
    hero_h: float  # the photo band's height
    gallery_count: int

    @property
    def cut_h(self) -> float:
        """The main photo is cut once for its tallest box (the roomiest grow step), whatever pass uses it."""
        return FACTSHEET_PHOTO_MM[-1]

    @property
    def thumb(self) -> dict:
        """A gallery photo stacked beside the main one: its box and the height it is cut for."""
        n = max(self.gallery_count, 1)
        return {"width": self.content_w - self.main_w - 2, "height": (self.hero_h - 2 * (n - 1)) / n,
                "cut_height": (FACTSHEET_PHOTO_MM[-1] - 2 * (n - 1)) / n}


def factsheet_roominess(fit) -> int:
    """The fact sheet's grow step: 0, or 1 and 2 for a roomier sheet with a taller photo and map."""
    return 2 if "grow-roomier" in fit.css_classes else (1 if "grow-roomy" in fit.css_classes else 0)


def factsheet(page: dict, fit, gallery_count: int) -> FactsheetGeometry:
    """The fact sheet's photo band for ``page`` at rung ``fit`` with ``gallery_count`` gallery photos."""
    content_w = page["width_mm"] - FACTSHEET_MARGINS_MM
    hero_h = FACTSHEET_TIGHT_PHOTO_MM if "fit-tight" in fit.css_classes else FACTSHEET_PHOTO_MM[factsheet_roominess(fit)]
    return FactsheetGeometry(content_w=content_w, main_w=content_w * (0.655 if gallery_count else 1),
                             hero_h=hero_h, gallery_count=gallery_count)


def factsheet_map(page: dict, fit) -> dict:
    """The fact sheet's range map box in mm: a column's width (48.2% of the text width), its height by grow step."""
    return {"width": (page["width_mm"] - FACTSHEET_MARGINS_MM) * 0.482, "height": FACTSHEET_MAP_MM[factsheet_roominess(fit)]}


def page_unit(page: dict) -> float:
    """The poster's unit in mm for ``page`` (the context's ``page``; :func:`poster_unit`)."""
    return poster_unit(page["width_mm"], page["height_mm"])


#: The ``geometry`` object templates see: each built-in layout's sizes, from this module.
TEMPLATE_GEOMETRY = SimpleNamespace(poster=poster, factsheet=factsheet, factsheet_map=factsheet_map, unit=page_unit)
