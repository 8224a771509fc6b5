"""Jinja filters that turn species data into typographically correct text.

Ranges get en dashes, units get no-break spaces, numbers are formatted for the
build's locale by Babel, country names come localised from Babel's CLDR data,
and every fixed word comes from the message catalogue, so layouts never format
figures or write English by hand. Each filter is bound to the build's
:class:`~wildpress.i18n.words.Words` (its language, catalogue and units).
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from ..i18n.catalogue import N_
from ..i18n.words import TRENDS, Words, as_words, check_language, pick  # noqa: F401 (re-exported)

NBSP = "\u00a0"
EN_DASH = "\u2013"

_QUALIFIERS = {
    "fewer-than": N_("Fewer than {}"),
    "more-than": N_("More than {}"),
    "up-to": N_("Up to {}"),
    "at-least": N_("At least {}"),
    "about": N_("About {}"),
}

# Default labels for well-known measurement keys; other keys use their own label.
MEASUREMENT_LABELS = {
    "length": N_("Length"), "height": N_("Height"), "weight": N_("Weight"), "tail": N_("Tail"),
    "wingspan": N_("Wingspan"), "lifespan": N_("Lifespan"), "diameter": N_("Diameter"),
    "sleep": N_("Sleep a day"), "gestation": N_("Gestation"), "brain_weight": N_("Brain weight"),
    "body_weight": N_("Body weight"), "incubation": N_("Incubation"), "speed": N_("Top speed"),
    "clutch": N_("Clutch size"),
}


def localise(value: Any, lang: "str | Words" = "en") -> Any:
    """Pick the build language's text of a per-language field (see :func:`wildpress.i18n.words.pick`)."""
    return as_words(lang).text(value)


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


def number(value: float, lang: "str | Words" = "en") -> str:
    """Format a number for the locale, keeping every digit the author gave (0.00014 stays 0.00014)."""
    return as_words(lang).number(value)


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
_COMPACT = {"fewer-than": "<{}", "more-than": ">{}", "up-to": N_("up to {}"), "at-least": "{}+", "about": "~{}"}


def _figure(q: dict, w: Words, unit: bool, compact: bool) -> str:
    """One quantity in its own unit: '25–48 kg', 'Fewer than 60', '~5,000 km²'."""
    if "value" in q:
        figure, count = w.number(q["value"]), q["value"]
    elif "min" in q and "max" in q:
        figure, count = f"{w.number(q['min'])}{WORD_JOINER}{EN_DASH}{WORD_JOINER}{w.number(q['max'])}", q["max"]
    elif "max" in q:
        figure, count = w.number(q["max"]), q["max"]
        q = {"qualifier": "up-to", **q}
    else:
        figure, count = w.number(q["min"]), q["min"]
        q = {"qualifier": "at-least", **q}
    if unit and q.get("unit"):
        from ..i18n.units import unit_text

        figure = unit_text(figure, q["unit"], w.lang, count)
    if q.get("qualifier"):
        figure = w._((_COMPACT if compact else _QUALIFIERS)[q["qualifier"]]).format(figure)
    elif q.get("approximate"):
        figure = "~" + figure
    return figure


def quantities(q: dict | None, lang: "str | Words" = "en", unit: bool = True, compact: bool = False) -> list[str]:
    """A quantity in the build's units: one text, or two with ``--units both`` (metric, then imperial)."""
    if not q:
        return []
    w = as_words(lang)
    if not (unit and q.get("unit")) or w.units == "source":
        return [_figure(q, w, unit, compact)]
    from ..i18n.units import convert

    systems = ("metric", "imperial") if w.units == "both" else (w.units,)
    return list(dict.fromkeys(_figure(convert(q, system), w, unit, compact) for system in systems))


def quantity(q: dict | None, lang: "str | Words" = "en", unit: bool = True, compact: bool = False) -> str:
    """'25–48 kg', 'Fewer than 60', '~5,000 km²'; with ``--units both`` '25–48 kg (55–106 lb)'.

    ``compact`` uses symbols ('<60') for tight spaces such as stat tiles.
    """
    texts = quantities(q, lang, unit, compact)
    if len(texts) > 1:
        return f"{texts[0]} ({texts[1]})"
    return texts[0] if texts else ""


def measurement_label(key: str, m: dict, lang: "str | Words" = "en") -> str:
    """The label printed for measurement ``key``."""
    w = as_words(lang)
    if m.get("label"):
        return w.text(m["label"])
    if key in MEASUREMENT_LABELS:
        return w._(MEASUREMENT_LABELS[key])
    return key.replace("_", " ").capitalize()


def country(code: str, lang: "str | Words" = "en") -> str:
    """Short country name in the build language ('RU' -> 'Russia', 'Россия')."""
    return as_words(lang).country(code)


def countries(codes: list[str], lang: "str | Words" = "en") -> str:
    """'Russia and China', 'Nepal, India and Bhutan' (the language's own list pattern)."""
    return as_words(lang).countries(codes)


def country_names(codes: list[str], lang: "str | Words" = "en") -> list[str]:
    """Localised names of ``codes``, in alphabetical order, for long range lists."""
    return as_words(lang).country_names(codes)


def status_name(code: str, lang: "str | Words" = "en") -> str:
    """The IUCN category's name in the build language."""
    return as_words(lang).status_name(code)


# Arrow angle in degrees for each trend (0 = pointing right, positive = up).
_TREND_ANGLE = {"increasing": 45, "decreasing": -45, "stable": 0}


def trend_arrow(trend: str | None, lang: "str | Words" = "en") -> Markup:
    """A small vector arrow and the trend word ('↘ Decreasing'), '' when no trend is given.

    The arrow is inline SVG in the current text colour, so it prints sharp
    at every size and needs no glyph from the fonts. Right to left, time runs
    leftwards, so the arrow is mirrored.
    """
    if not trend:
        return Markup("")
    w = as_words(lang)
    word = w.trend(trend)
    if trend == "unknown":
        icon = ('<svg class="trend-icon" viewBox="0 0 10 10" width="0.9em" height="0.9em" aria-hidden="true">'
                '<circle cx="5" cy="5" r="3.6" fill="none" stroke="currentColor" stroke-width="1.3"/></svg>')
    else:
        angle = -_TREND_ANGLE[trend]
        mirror = ' transform="translate(10 0) scale(-1 1)"' if w.rtl else ""
        icon = ('<svg class="trend-icon" viewBox="0 0 10 10" width="0.9em" height="0.9em" aria-hidden="true">'
                f'<g{mirror}><g transform="rotate({angle} 5 5)"><path d="M1 5 H7.2" stroke="currentColor" '
                'stroke-width="1.5"/><path d="M5.6 2.2 L9.2 5 L5.6 7.8 Z" fill="currentColor"/></g></g></svg>')
    return Markup('<span class="trend trend-{}">{} {}</span>').format(trend, Markup(icon), word)


def initials(name: str) -> str:
    """Up to two initials for the no-photo fallback panel ('Amur leopard' -> 'AL')."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    return "".join(w[0].upper() for w in words[:2])


# Measurements worth a headline, in order of preference.
_HEADLINE = ("length", "height", "weight", "wingspan", "diameter", "lifespan")


def key_stats(species: dict, lang: "str | Words" = "en", limit: int = 5, trend: bool = True,
              named_range: bool = True) -> list[dict]:
    """The headline figures of a species: population, its trend, up to three measurements, range.

    Returns dicts with ``label``, ``value``, an optional ``note`` and, for the
    trend, ``trend`` (layouts draw it as an arrow and a word); every layout
    (fact sheet tiles, poster, card backs) draws from this one list. The
    trend comes right after the population so a short ``limit`` keeps both.
    With ``--units both`` a measurement's second system goes in its note. ``named_range=False``: the
    layout prints the countries by name elsewhere, so a range of one or two countries (a tile that would
    only repeat their names) gets no tile unless it has an area.
    """
    w = as_words(lang)
    stats = []
    pop = species.get("population") or {}
    shown_trend = pop.get("trend") if trend else None
    if pop.get("estimate"):
        unit = w.text(pop.get("unit")) if pop.get("unit") else w._("individuals")
        stats.append({"label": w._("Population"), "value": quantity(pop["estimate"], w, compact=True),
                      "note": unit, "trend": shown_trend})
    elif shown_trend:
        stats.append({"label": w._("Population trend"), "value": w.trend(shown_trend), "trend": shown_trend,
                      "note": "", "trend_only": True})
    measurements = species.get("measurements") or {}
    keys = [k for k in _HEADLINE if k in measurements]
    for key in keys[:3]:
        m = measurements[key]
        texts = quantities(m, w, compact=True)
        note = " · ".join(t for t in [*texts[1:], w.text(m.get("note")) or ""] if t)
        stats.append({"label": measurement_label(key, m, w), "value": texts[0], "note": note})
    rng = species.get("range") or {}
    if rng.get("countries"):
        codes = list(dict.fromkeys(rng["countries"]))
        words = len(codes) <= 2  # country names are words and may wrap; a count is a figure
        if words and not named_range and not rng.get("area"):
            return stats[:limit]
        value = w.countries(codes) if words else w.n_("%(num)d country", "%(num)d countries", len(codes)).replace(
            " ", NBSP)
        note = " · ".join(quantities(rng["area"], w, compact=True)) if rng.get("area") else ""
        stats.append({"label": w._("Range"), "value": value, "note": note, "words": words})
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
    joined = f"{words[0]} {words[1]}{NBSP}{words[2]}"
    # A translated title is Markup (its names escaped once): joined, it stays Markup, or
    # autoescape would escape it again ("Attenborough&#39;s" printed on the page).
    return Markup(joined) if isinstance(text, Markup) else joined


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


def filters(w: "Words | str") -> dict:
    """All filters, bound to the build's language, catalogue and units."""
    w = as_words(w)
    return {
        "t": lambda v: typeset(w.directed(v)),
        "number": w.number,
        "quantity": lambda q, unit=True, compact=False: quantity(q, w, unit, compact),
        "key_stats": lambda sp, limit=5, trend=True, named_range=True: key_stats(sp, w, limit, trend, named_range),
        "measurement_label": lambda key, m: measurement_label(key, m, w),
        "country": w.country,
        "countries": w.countries,
        "country_names": w.country_names,
        "figure": lambda q, unit=True, compact=False: unbreakable(quantity(q, w, unit, compact)),
        "nobr": unbreakable,
        "url": web_address,
        "trend": lambda trend: trend_arrow(trend, w),
        "column_split": column_split,
        "no_widow": no_widow,
        "licence": licence,
        "status_name": w.status_name,
        "initials": initials,
        "join_list": w.join,
    }
