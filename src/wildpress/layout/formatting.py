"""Jinja filters that turn species data into typographically correct text.

Ranges get en dashes, units get no-break spaces, numbers are formatted for the
build's locale by Babel, and country names come localised from Babel's CLDR
data, so layouts never format figures by hand.
"""

from __future__ import annotations

import re
from typing import Any

from babel import Locale
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from ..data.schema import IUCN_CATEGORIES, UNITS

NBSP = "\u00a0"
EN_DASH = "\u2013"

_QUALIFIERS = {
    "fewer-than": "Fewer than {}",
    "more-than": "More than {}",
    "up-to": "Up to {}",
    "at-least": "At least {}",
    "about": "About {}",
}

# Default labels for well-known measurement keys; other keys use their own label.
MEASUREMENT_LABELS = {
    "length": "Length", "height": "Height", "weight": "Weight", "tail": "Tail",
    "wingspan": "Wingspan", "lifespan": "Lifespan", "diameter": "Diameter",
    "sleep": "Sleep a day", "gestation": "Gestation", "brain_weight": "Brain weight", "body_weight": "Body weight",
    "incubation": "Incubation", "speed": "Top speed", "clutch": "Clutch size",
}


def check_language(lang: str) -> None:
    """Raise UsageError unless ``lang`` is a locale Babel knows (e.g. en, ru, zh-Hans)."""
    from babel import UnknownLocaleError

    from ..errors import UsageError

    try:
        Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise UsageError(f"unknown language {lang!r}; use a code such as en, ru, zh or pt-BR") from None


def localise(value: Any, lang: str = "en") -> Any:
    """Pick ``lang`` from a per-language mapping (falling back to English, then any)."""
    if isinstance(value, dict):
        base = lang.split("-")[0]
        for key in (lang, base, "en"):
            if key in value:
                return value[key]
        return next(iter(value.values()))
    return value


WORD_JOINER = "\u2060"  # no break here; has no glyph, so no font needs to carry it
_UNIT_WORDS = ("mm", "cm", "m", "km", "km²", "m²", "ha", "µm", "μm", "nm", "kg", "g", "mg", "t", "ft", "in",
               "lb", "oz", "mi", "°C", "°F", "%", "Hz", "kHz", "dB", "km/h", "mph", "m/s", "mL", "L")
_RANGE = re.compile(r"(?<=\d)(\s?)([–—-])(\s?)(?=[~]?\d)")
_UNIT = re.compile(r"(?<=\d) (?=(?:" + "|".join(re.escape(u) for u in sorted(_UNIT_WORDS, key=len, reverse=True))
                   + r")(?![\w²]))")
_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")


def typeset(text: Any) -> Any:
    """Free text as authors write it, with no line break inside a figure.

    '40–80 kg' keeps together: a word joiner on each side of a dash between
    digits, a no-break space between a number and its unit, and between the
    groups of '10 000'. Anything that is not a string passes through.
    """
    if not isinstance(text, str) or not any(c.isdigit() for c in text):
        return text
    text = _RANGE.sub(lambda m: (NBSP if m.group(1) else WORD_JOINER) + m.group(2)
                      + (NBSP if m.group(3) else WORD_JOINER), text)
    text = _UNIT.sub(NBSP, text)
    return _THOUSANDS.sub(NBSP, text)


def number(value: float, lang: str = "en") -> str:
    """Format a number for the locale, keeping every digit the author gave.

    Babel's patterns round to three decimals (0.00014 would print as 0);
    ``decimal_quantization=False`` keeps the author's significance.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return format_decimal(value, locale=Locale.parse(lang.replace("-", "_")), group_separator=True,
                          decimal_quantization=False)


def unbreakable(text: str) -> Markup:
    """``text`` in a span that never breaks across lines: a number, a range, a figure with its unit."""
    return Markup('<span class="nobr">{}</span>').format(text)


MAX_UNBROKEN = 24  # characters: longer URL pieces may break inside rather than run out of a narrow column


def web_address(url: str) -> Markup:
    """A URL that may break only between path segments, never inside one.

    Each segment ('example.org/', 'species/', 'amur-leopard') is unbreakable;
    a line break may fall only after a '/', or before '?', '&' or '#'.
    Pieces too long for a narrow column (over 24 characters) stay breakable,
    since a line that runs off the page would be worse.
    """
    display = url.split("://", 1)[-1].rstrip("/")
    pieces, current = [], ""
    for char in display:
        if char in "?&#" and current:
            pieces.append(current)
            current = ""
        current += char
        if char == "/":
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    def piece(text: str) -> Markup:
        if len(text) <= MAX_UNBROKEN:
            return unbreakable(text)
        # A long piece (a query value, a slug) may break after '=', '-' or '_', never inside a word.
        words = re.findall(r"[^=_-]*[=_-]|[^=_-]+$", text)
        return Markup("<wbr>").join(unbreakable(w) if len(w) <= MAX_UNBROKEN else escape(w) for w in words if w)

    inner = Markup("<wbr>").join(piece(p) for p in pieces)
    return Markup('<a class="url" href="{}">{}</a>').format(url, inner)


# Only symbols the bundled fonts carry: Noto Sans has no ≤ or ≥.
_COMPACT = {"fewer-than": "<{}", "more-than": ">{}", "up-to": "up to {}", "at-least": "{}+", "about": "~{}"}


def quantity(q: dict | None, lang: str = "en", unit: bool = True, compact: bool = False) -> str:
    """'25–48 kg', 'Fewer than 60', '~5,000 km²' from a quantity/measurement mapping.

    ``compact`` uses symbols ('<60') for tight spaces such as stat tiles.
    """
    if not q:
        return ""
    if "value" in q:
        figure = number(q["value"], lang)
    elif "min" in q and "max" in q:
        figure = f"{number(q['min'], lang)}{WORD_JOINER}{EN_DASH}{WORD_JOINER}{number(q['max'], lang)}"
    elif "max" in q:
        figure = number(q["max"], lang)
        q = {"qualifier": "up-to", **q}
    else:
        figure = number(q["min"], lang)
        q = {"qualifier": "at-least", **q}
    if unit and q.get("unit"):
        figure += NBSP + UNITS[q["unit"]]
    if q.get("qualifier"):
        figure = (_COMPACT if compact else _QUALIFIERS)[q["qualifier"]].format(figure)
    elif q.get("approximate"):
        figure = "~" + figure
    return figure


def measurement_label(key: str, m: dict, lang: str = "en") -> str:
    """The label printed for measurement ``key``."""
    if m.get("label"):
        return localise(m["label"], lang)
    return MEASUREMENT_LABELS.get(key, key.replace("_", " ").capitalize())


def country(code: str, lang: str = "en") -> str:
    """Short country name in the build language ('RU' -> 'Russia')."""
    return Locale.parse(lang.replace("-", "_")).territories.get(code, code)


def countries(codes: list[str], lang: str = "en") -> str:
    """'Russia and China', 'Nepal, India and Bhutan'."""
    from babel.lists import format_list

    return format_list([country(c, lang) for c in codes], locale=lang.replace("-", "_")) if codes else ""


def country_names(codes: list[str], lang: str = "en") -> list[str]:
    """Localised names of ``codes``, in alphabetical order, for long range lists."""
    return sorted((country(c, lang) for c in dict.fromkeys(codes)), key=str.casefold)


TRENDS = {"increasing": "Increasing", "decreasing": "Decreasing", "stable": "Stable", "unknown": "Unknown"}
# Arrow angle in degrees for each trend (0 = pointing right, positive = up).
_TREND_ANGLE = {"increasing": 45, "decreasing": -45, "stable": 0}


def trend_arrow(trend: str | None) -> Markup:
    """A small vector arrow and the trend word ('↘ Decreasing'), '' when no trend is given.

    The arrow is inline SVG in the current text colour, so it prints sharp
    at every size and needs no glyph from the fonts.
    """
    if not trend:
        return Markup("")
    word = TRENDS[trend]
    if trend == "unknown":
        icon = ('<svg class="trend-icon" viewBox="0 0 10 10" width="0.9em" height="0.9em" aria-hidden="true">'
                '<circle cx="5" cy="5" r="3.6" fill="none" stroke="currentColor" stroke-width="1.3"/></svg>')
    else:
        angle = -_TREND_ANGLE[trend]
        icon = ('<svg class="trend-icon" viewBox="0 0 10 10" width="0.9em" height="0.9em" aria-hidden="true">'
                f'<g transform="rotate({angle} 5 5)"><path d="M1 5 H7.2" stroke="currentColor" stroke-width="1.5"/>'
                '<path d="M5.6 2.2 L9.2 5 L5.6 7.8 Z" fill="currentColor"/></g></svg>')
    return Markup('<span class="trend trend-{}">{} {}</span>').format(trend, Markup(icon), word)


def status_name(code: str) -> str:
    """Full IUCN category name for a code."""
    return IUCN_CATEGORIES[code]


def initials(name: str) -> str:
    """Up to two initials for the no-photo fallback panel ('Amur leopard' -> 'AL')."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    return "".join(w[0].upper() for w in words[:2])


# Measurements worth a headline, in order of preference.
_HEADLINE = ("length", "height", "weight", "wingspan", "diameter", "lifespan")


def key_stats(species: dict, lang: str = "en", limit: int = 5, trend: bool = True) -> list[dict]:
    """The headline figures of a species: population, its trend, up to three measurements, range.

    Returns dicts with ``label``, ``value``, an optional ``note`` and, for the
    trend, ``trend`` (layouts draw it as an arrow and a word); every layout
    (fact sheet tiles, poster, card backs) draws from this one list. The
    trend comes right after the population so a short ``limit`` keeps both.
    """
    stats = []
    pop = species.get("population") or {}
    shown_trend = pop.get("trend") if trend else None
    if pop.get("estimate"):
        unit = localise(pop.get("unit"), lang) if pop.get("unit") else "individuals"
        stats.append({"label": "Population", "value": quantity(pop["estimate"], lang, compact=True), "note": unit,
                      "trend": shown_trend})
    elif shown_trend:
        stats.append({"label": "Population trend", "value": TRENDS[shown_trend], "trend": shown_trend,
                      "note": "", "trend_only": True})
    measurements = species.get("measurements") or {}
    keys = [k for k in _HEADLINE if k in measurements]
    for key in keys[:3]:
        m = measurements[key]
        stats.append({"label": measurement_label(key, m, lang), "value": quantity(m, lang, compact=True),
                      "note": localise(m.get("note"), lang) or ""})
    rng = species.get("range") or {}
    if rng.get("countries"):
        codes = list(dict.fromkeys(rng["countries"]))
        words = len(codes) <= 2  # country names are words and may wrap; a count is a figure
        value = countries(codes, lang) if words else f"{len(codes)}{NBSP}countries"
        note = quantity(rng["area"], lang, compact=True) if rng.get("area") else ""
        stats.append({"label": "Range", "value": value, "note": note, "words": words})
    return stats[:limit]


def no_widow(text: str) -> str:
    """Join the last two words of a title with a no-break space, so no short word stands alone.

    'Southeast Asian soldier fly' never ends on a line holding only 'fly'.
    Two-word names and a last word longer than 8 letters are left alone.
    """
    if not isinstance(text, str):
        return text
    words = text.rsplit(" ", 2)
    if len(words) < 3 or len(words[-1]) > 8:
        return text
    return f"{words[0]} {words[1]}{NBSP}{words[2]}"


def column_split(sections: list[str]) -> int:
    """Where to split sections (HTML, in reading order) into two columns of about equal length.

    The estimate is the text length plus a line's worth (70 characters) per
    heading, paragraph and list item, which is close enough for the first
    layout; the concession ladder measures the real result.
    """
    import re

    weights = [len(re.sub(r"<[^>]+>", "", html)) + 70 * len(re.findall(r"<(?:li|h2|p)\b", html))
               for html in sections]
    total, run = sum(weights), 0
    best, split = total, len(sections)
    for index, weight in enumerate(weights, 1):
        run += weight
        if abs(2 * run - total) < best:
            best, split = abs(2 * run - total), index
    return split


def licence(text: str) -> str:
    """A photo licence in its printed short form ('CC-BY-4.0' -> 'CC BY 4.0'); validation vouched for it."""
    from ..pictures.licences import normalise

    try:
        return normalise(text).short
    except ValueError:
        return text


def filters(lang: str) -> dict:
    """All filters, bound to the build language."""
    return {
        "t": lambda v: typeset(localise(v, lang)),
        "number": lambda v: number(v, lang),
        "quantity": lambda q, unit=True, compact=False: quantity(q, lang, unit, compact),
        "key_stats": lambda sp, limit=5, trend=True: key_stats(sp, lang, limit, trend),
        "measurement_label": lambda key, m: measurement_label(key, m, lang),
        "country": lambda c: country(c, lang),
        "countries": lambda cs: countries(cs, lang),
        "country_names": lambda cs: country_names(cs, lang),
        "figure": lambda q, unit=True, compact=False: unbreakable(quantity(q, lang, unit, compact)),
        "nobr": unbreakable,
        "url": web_address,
        "trend": trend_arrow,
        "column_split": column_split,
        "no_widow": no_widow,
        "licence": licence,
        "status_name": status_name,
        "initials": initials,
    }
