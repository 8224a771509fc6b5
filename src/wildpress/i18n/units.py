"""Unit conversion (metric / imperial) and localised unit display from CLDR.

Three jobs, kept apart so layouts can combine them:

* :func:`convert` turns a quantity mapping (``{min: 25, max: 48, unit: kg}``)
  into the same quantity in another unit system, rounded so it claims no more
  precision than the source (``{min: 55, max: 106, unit: lb}``);
  :func:`convert_both` gives the metric and the imperial reading at once.
* :func:`unit_text` puts an already formatted figure ('1–2', '25–48') into the
  locale's unit pattern from CLDR via Babel ('1–2 года', '25–48 كغم', '1–1.36米'),
  choosing the plural form from the last number of the figure.
* :func:`number` formats a number for the locale in its default numbering
  system (Latin digits for ``ar``, Arabic-Indic for ``ar-EG``).

Unit systems (``system``):

=========  ===========================================================
source     the unit the author wrote, unchanged
metric     mm cm m km g kg t m2 ha km2 km/h m/s (imperial units convert)
imperial   in ft mi oz lb acre mi2 mph (metric units convert)
=========  ===========================================================

Time units (s min h days weeks months years) are the same in every system.
Temperature would be affine, not a factor; it is not in ``UNITS``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel import Locale
from babel.numbers import format_decimal

from ..data.schema import UNITS

NBSP = "\u00a0"
SYSTEMS = ("source", "metric", "imperial")

# Size of each unit in the SI base of its dimension (m, kg, m², m/s); exact by definition.
_INCH = Decimal("0.0254")
_FOOT = Decimal("0.3048")
_MILE = Decimal("1609.344")
_POUND = Decimal("0.45359237")
_FACTORS = {
    "mm": Decimal("0.001"), "cm": Decimal("0.01"), "m": Decimal(1), "km": Decimal(1000),
    "in": _INCH, "ft": _FOOT, "mi": _MILE,
    "g": Decimal("0.001"), "kg": Decimal(1), "t": Decimal(1000), "lb": _POUND, "oz": _POUND / 16,
    "m2": Decimal(1), "ha": Decimal(10000), "km2": Decimal(1000000), "mi2": _MILE * _MILE,
    "acre": Decimal("4046.8564224"), "ft2": _FOOT * _FOOT,
    "km/h": Decimal(1000) / Decimal(3600), "mph": _MILE / Decimal(3600), "m/s": Decimal(1),
}

# The unit each unit becomes in the other system: chosen so the figure reads naturally
# (60–74 cm → 24–29 in, 1–1.36 m → 3.3–4.5 ft, 5000 km² → 1900 mi²). 't' becomes
# pounds, as US texts give an elephant's weight ('13,000 lb'), and 'ton' is ambiguous.
_TO_IMPERIAL = {
    "mm": "in", "cm": "in", "m": "ft", "km": "mi",
    "g": "oz", "kg": "lb", "t": "lb",
    "m2": "ft2", "ha": "acre", "km2": "mi2",
    "km/h": "mph", "m/s": "mph",
}
_TO_METRIC = {
    "in": "cm", "ft": "m", "mi": "km", "oz": "g", "lb": "kg",
    "ft2": "m2", "acre": "ha", "mi2": "km2", "mph": "km/h",
}
# Only targets the schema knows (square feet only once UNITS has 'ft2').
_TO_IMPERIAL = {k: v for k, v in _TO_IMPERIAL.items() if k in UNITS and v in UNITS}
_TO_METRIC = {k: v for k, v in _TO_METRIC.items() if k in UNITS and v in UNITS}
_TARGETS = {"metric": _TO_METRIC, "imperial": _TO_IMPERIAL}

_NUMBER_KEYS = ("value", "min", "max")

# Our unit keys as CLDR unit ids; durations of a day or more print in the long form.
CLDR_UNITS = {
    "mm": "length-millimeter", "cm": "length-centimeter", "m": "length-meter", "km": "length-kilometer",
    "in": "length-inch", "ft": "length-foot", "mi": "length-mile",
    "g": "mass-gram", "kg": "mass-kilogram", "t": "mass-tonne", "lb": "mass-pound", "oz": "mass-ounce",
    "m2": "area-square-meter", "ha": "area-hectare", "km2": "area-square-kilometer",
    "mi2": "area-square-mile", "acre": "area-acre", "ft2": "area-square-foot",
    "km/h": "speed-kilometer-per-hour", "mph": "speed-mile-per-hour", "m/s": "speed-meter-per-second",
    "s": "duration-second", "min": "duration-minute", "h": "duration-hour",
    "days": "duration-day", "weeks": "duration-week", "months": "duration-month", "years": "duration-year",
}
_LONG = {"days", "weeks", "months", "years"}


def significant_figures(value: float | Decimal) -> int:
    """Significant figures of ``value`` as the author wrote it.

    Trailing zeros of whole numbers are not significant (5000 → 1, 130 → 2),
    and a whole float counts as the integer YAML would have given (1.0 → 1);
    1.36 → 3, 0.05 → 1. Zero counts as 1.
    """
    digits = Decimal(str(value)).normalize().as_tuple().digits
    return max(1, len(digits)) if any(digits) else 1


def _round(values: list[Decimal], figures: int) -> list[float | int]:
    """Round ``values`` to ``figures`` significant figures of the smallest nonzero one.

    Every value gets the same number of decimal places; whole results come
    back as ``int``. The smallest nonzero value keeps ``figures`` digits, so
    nothing nonzero becomes 0.
    """
    nonzero = [abs(v) for v in values if v]
    if not nonzero:
        return [0 for _ in values]
    places = figures - 1 - min(nonzero).adjusted()
    step = Decimal(1).scaleb(-places)
    out: list[float | int] = []
    for v in values:
        r = v.quantize(step, ROUND_HALF_UP) if places >= 0 else (v / step).quantize(Decimal(1), ROUND_HALF_UP) * step
        out.append(int(r) if r == r.to_integral_value() else float(r))
    return out


def counterpart(unit: str | None, system: str) -> str | None:
    """The unit ``unit`` becomes in ``system``, or None when it stays as it is."""
    if system not in SYSTEMS:
        raise ValueError(f"unknown unit system {system!r}; use one of {', '.join(SYSTEMS)}")
    return _TARGETS.get(system, {}).get(unit or "")


def convert(q: dict, system: str) -> dict:
    """``q`` in the unit of ``system`` ('source', 'metric' or 'imperial'), as a new mapping.

    Only ``value``, ``min``, ``max`` and ``unit`` change; ``qualifier``,
    ``approximate``, ``label``, ``note`` and anything else are kept. A quantity
    already in ``system``, without a unit, or in a time unit comes back as an
    unchanged copy.

    The converted figures get n significant figures, n = max(2, fewest
    significant figures among the nonzero source numbers), counted on the
    smallest nonzero converted value, with the same decimal places for every
    number (so no nonzero figure becomes 0; whole results are ``int``):

    >>> convert({"min": 25, "max": 48, "unit": "kg"}, "imperial")
    {'min': 55, 'max': 106, 'unit': 'lb'}
    >>> convert({"min": 1, "max": 1.36, "unit": "m"}, "imperial")
    {'min': 3.3, 'max': 4.5, 'unit': 'ft'}
    >>> convert({"value": 5000, "approximate": True, "unit": "km2"}, "imperial")
    {'value': 1900, 'approximate': True, 'unit': 'mi2'}
    """
    target = counterpart(q.get("unit"), system)
    if target is None:
        return dict(q)
    keys = [k for k in _NUMBER_KEYS if q.get(k) is not None]
    figures = max(2, min((significant_figures(q[k]) for k in keys if q[k]), default=2))
    ratio = _FACTORS[q["unit"]] / _FACTORS[target]
    rounded = _round([Decimal(str(q[k])) * ratio for k in keys], figures)
    out = dict(q)
    out.update(zip(keys, rounded))
    out["unit"] = target
    return out


def convert_both(q: dict) -> tuple[dict, dict | None]:
    """(metric, imperial) readings of ``q``: the primary figure and the one in brackets.

    The second is None when the unit has no imperial counterpart (days,
    years, a count without a unit), so nothing is printed twice.

    >>> convert_both({"min": 60, "max": 74, "unit": "cm"})
    ({'min': 60, 'max': 74, 'unit': 'cm'}, {'min': 24, 'max': 29, 'unit': 'in'})
    >>> convert_both({"value": 12, "unit": "days"})
    ({'value': 12, 'unit': 'days'}, None)
    """
    unit = q.get("unit")
    if unit not in _TO_IMPERIAL and unit not in _TO_METRIC:
        return dict(q), None
    return convert(q, "metric"), convert(q, "imperial")


def plural_count(q: dict) -> float | int | None:
    """The number whose plural form a figure takes: the last one printed (``max``, else ``value``, else ``min``)."""
    for key in ("max", "value", "min"):
        if q.get(key) is not None:
            return q[key]
    return None


def _locale(lang: str) -> Locale:
    return Locale.parse(lang.replace("-", "_"))


def unit_pattern(unit: str, lang: str, count: float | Decimal | None) -> str:
    """The CLDR pattern ('{0} года') for ``count`` of ``unit`` in ``lang``, spaces made unbreakable.

    Babel's :func:`babel.units.format_unit` picks the plural form from the
    value and, given a preformatted string, always uses 'one'; the figure here
    is a preformatted range, so the form comes from ``count`` and the pattern
    from the locale's unit data (what ``format_unit`` reads too). Forms that
    leave the number out (Arabic 'متران', "two metres") fall back to 'other',
    so the figure is never dropped.
    """
    locale = _locale(lang)
    cldr = CLDR_UNITS[unit]
    patterns = locale._data["unit_patterns"].get(cldr, {}).get("long" if unit in _LONG else "short", {})
    if isinstance(count, float) and count.is_integer():
        count = int(count)
    elif isinstance(count, float):
        count = Decimal(str(count))
    form = "other" if count is None else locale.plural_form(count)
    pattern = patterns.get(form) or patterns.get("other")
    if not pattern or "{0}" not in pattern:
        pattern = patterns.get("other") or "{0} " + UNITS[unit]
    return pattern.replace(" ", NBSP)


def unit_text(figure: str, unit: str | None, lang: str = "en", count: float | Decimal | None = None) -> str:
    """``figure`` (already formatted, e.g. '1–1,36') with ``unit`` as ``lang`` writes it.

    ``count`` chooses the plural form (pass :func:`plural_count` of the quantity;
    None takes the 'other' form).
    Physical units take CLDR's short form, days to years the long form; the
    figure never breaks from its unit.

    >>> unit_text("1–2", "years", "ru", 2)
    '1–2\\xa0года'
    >>> unit_text("1–1.36", "m", "zh", 1.36)
    '1–1.36米'
    """
    if not unit:
        return figure
    if unit not in CLDR_UNITS:
        return f"{figure}{NBSP}{UNITS.get(unit, unit)}"
    return unit_pattern(unit, lang, count).replace("{0}", figure)


# The zero of each decimal numbering system CLDR makes a locale's default (the other
# nine digits follow it in Unicode). Babel switches the separators to the system but
# leaves the digits Latin (python-babel/babel#731), so they are mapped here.
_DIGIT_ZERO = {
    "arab": 0x0660, "arabext": 0x06F0, "deva": 0x0966, "beng": 0x09E6, "mymr": 0x1040,
    "tibt": 0x0F20, "olck": 0x1C50, "cakm": 0x11136, "adlm": 0x1E950, "mtei": 0xABF0,
    "hmnp": 0x1E140, "nkoo": 0x07C0,
}


def number(value: Any, lang: str = "en") -> str:
    """Format a number for ``lang`` in its default numbering system, keeping every digit given.

    Like ``layout.formatting.number`` (grouping on, no rounding to three
    decimals), but with the locale's own digits: 'ar' → '1,234.5', 'ar-EG' →
    '١٬٢٣٤٫٥', 'fr' → '1\\u202f234,5'.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    locale = _locale(lang)
    text = format_decimal(value, locale=locale, group_separator=True, decimal_quantization=False,
                          numbering_system="default")
    zero = _DIGIT_ZERO.get(locale.default_numbering_system)
    return text.translate({ord("0") + i: zero + i for i in range(10)}) if zero else text
