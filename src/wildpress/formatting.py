"""Jinja filters that turn species data into typographically correct text.

Ranges get en dashes, units get no-break spaces, numbers are formatted for the
build's locale by Babel, and country names come localised from Babel's CLDR
data, so layouts never format figures by hand.
"""

from __future__ import annotations

from typing import Any

from babel import Locale
from babel.numbers import format_decimal

from .schema import IUCN_CATEGORIES, UNITS

NBSP = "\u00a0"
EN_DASH = "\u2013"

_QUALIFIERS = {
    "fewer-than": "Less than {}",
    "more-than": "More than {}",
    "up-to": "Up to {}",
    "at-least": "At least {}",
    "about": "About {}",
}

# Default labels for well-known measurement keys; other keys use their own label.
MEASUREMENT_LABELS = {
    "length": "Length", "height": "Height", "weight": "Weight", "tail": "Tail",
    "wingspan": "Wingspan", "lifespan": "Lifespan", "diameter": "Diameter",
}


def check_language(lang: str) -> None:
    """Raise UsageError unless ``lang`` is a locale Babel knows (e.g. en, ru, zh-Hans)."""
    from babel import UnknownLocaleError

    from .errors import UsageError

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


def number(value: float, lang: str = "en") -> str:
    """Format a number for the locale, keeping the precision the author gave."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return format_decimal(value, locale=Locale.parse(lang.replace("-", "_")), group_separator=True)


# Only symbols the bundled fonts carry: Noto Sans has no ≤ or ≥.
_COMPACT = {"fewer-than": "<{}", "more-than": ">{}", "up-to": "up to {}", "at-least": "{}+", "about": "~{}"}


def quantity(q: dict | None, lang: str = "en", unit: bool = True, compact: bool = False) -> str:
    """'25–48 kg', 'Less than 60', '~5,000 km²' from a quantity/measurement mapping.

    ``compact`` uses symbols ('<60') for tight spaces such as stat tiles.
    """
    if not q:
        return ""
    if "value" in q:
        figure = number(q["value"], lang)
    elif "min" in q and "max" in q:
        figure = f"{number(q['min'], lang)}{EN_DASH}{number(q['max'], lang)}"
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


def status_name(code: str) -> str:
    """Full IUCN category name for a code."""
    return IUCN_CATEGORIES[code]


def initials(name: str) -> str:
    """Up to two initials for the no-photo fallback panel ('Amur leopard' -> 'AL')."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    return "".join(w[0].upper() for w in words[:2])


# Measurements worth a headline, in order of preference.
_HEADLINE = ("length", "height", "weight", "wingspan", "diameter", "lifespan")


def key_stats(species: dict, lang: str = "en", limit: int = 5) -> list[dict]:
    """The headline figures of a species: population, up to three measurements, range.

    Returns dicts with ``label``, ``value`` and an optional ``note``; every
    layout (fact sheet tiles, poster, card backs) draws from this one list.
    """
    stats = []
    pop = species.get("population") or {}
    if pop.get("estimate"):
        unit = localise(pop.get("unit"), lang) if pop.get("unit") else "individuals"
        stats.append({"label": "Population", "value": quantity(pop["estimate"], lang, compact=True), "note": unit})
    measurements = species.get("measurements") or {}
    keys = [k for k in _HEADLINE if k in measurements]
    for key in keys[:3]:
        m = measurements[key]
        stats.append({"label": measurement_label(key, m, lang), "value": quantity(m, lang, compact=True),
                      "note": localise(m.get("note"), lang) or ""})
    rng = species.get("range") or {}
    if rng.get("countries"):
        codes = rng["countries"]
        value = countries(codes, lang) if len(codes) <= 2 else f"{len(codes)} countries"
        note = quantity(rng["area"], lang, compact=True) if rng.get("area") else ""
        stats.append({"label": "Range", "value": value, "note": note})
    return stats[:limit]


def filters(lang: str) -> dict:
    """All filters, bound to the build language."""
    return {
        "t": lambda v: localise(v, lang),
        "number": lambda v: number(v, lang),
        "quantity": lambda q, unit=True, compact=False: quantity(q, lang, unit, compact),
        "key_stats": lambda sp, limit=5: key_stats(sp, lang, limit),
        "measurement_label": lambda key, m: measurement_label(key, m, lang),
        "country": lambda c: country(c, lang),
        "countries": lambda cs: countries(cs, lang),
        "status_name": status_name,
        "initials": initials,
    }
