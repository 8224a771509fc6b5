"""Unit conversion, localised unit text from CLDR and locale number formatting (wildpress.i18n.units)."""

from __future__ import annotations

import doctest

import pytest

from wildpress.data.schema import UNITS
from wildpress.i18n import units
from wildpress.i18n.units import (
    CLDR_UNITS,
    convert,
    convert_both,
    counterpart,
    number,
    plural_count,
    significant_figures,
    unit_text,
)

NB = "\u00a0"
NNB = "\u202f"  # narrow no-break space (French)


@pytest.mark.parametrize("value, figures", [
    (1, 1), (1.0, 1), (1.36, 3), (5000, 1), (130, 2), (60, 1), (25, 2), (0.05, 1), (0.00014, 2), (0, 1),
    (13000, 2), (2.5, 2),
])
def test_significant_figures_as_written(value, figures):
    assert significant_figures(value) == figures


@pytest.mark.parametrize("q, system, expected", [
    # ranges: n = max(2, fewest significant figures), decimals set by the smallest value
    ({"min": 60, "max": 74, "unit": "cm"}, "imperial", {"min": 24, "max": 29, "unit": "in"}),
    ({"min": 1, "max": 1.36, "unit": "m"}, "imperial", {"min": 3.3, "max": 4.5, "unit": "ft"}),
    ({"min": 25, "max": 48, "unit": "kg"}, "imperial", {"min": 55, "max": 106, "unit": "lb"}),
    ({"min": 30, "max": 130, "unit": "km2"}, "imperial", {"min": 12, "max": 50, "unit": "mi2"}),
    ({"min": 20, "max": 25, "unit": "mm"}, "imperial", {"min": 0.79, "max": 0.98, "unit": "in"}),
    ({"min": 0, "max": 3, "unit": "m"}, "imperial", {"min": 0, "max": 9.8, "unit": "ft"}),
    # single values, approximate kept, rounding to tens/hundreds gives ints
    ({"value": 5000, "approximate": True, "unit": "km2"}, "imperial",
     {"value": 1900, "approximate": True, "unit": "mi2"}),
    ({"value": 6, "unit": "t"}, "imperial", {"value": 13000, "unit": "lb"}),
    ({"value": 250, "unit": "g"}, "imperial", {"value": 8.8, "unit": "oz"}),
    ({"value": 12, "unit": "km"}, "imperial", {"value": 7.5, "unit": "mi"}),
    ({"value": 80, "unit": "ha"}, "imperial", {"value": 200, "unit": "acre"}),
    ({"value": 30, "unit": "m/s"}, "imperial", {"value": 67, "unit": "mph"}),
    # qualifiers, labels and notes kept
    ({"max": 60, "qualifier": "fewer-than", "unit": "km/h"}, "imperial",
     {"max": 37, "qualifier": "fewer-than", "unit": "mph"}),
    ({"min": 110, "qualifier": "at-least", "unit": "km/h", "label": {"en": "Sprint"}, "note": "in bursts"},
     "imperial", {"min": 68, "qualifier": "at-least", "unit": "mph", "label": {"en": "Sprint"},
                  "note": "in bursts"}),
    # imperial to metric
    ({"value": 13000, "unit": "lb"}, "metric", {"value": 5900, "unit": "kg"}),
    ({"value": 12, "unit": "in"}, "metric", {"value": 30, "unit": "cm"}),
    ({"min": 3, "max": 4.5, "unit": "ft"}, "metric", {"min": 0.91, "max": 1.37, "unit": "m"}),
    ({"value": 8, "unit": "oz"}, "metric", {"value": 230, "unit": "g"}),
    ({"value": 640, "unit": "acre"}, "metric", {"value": 260, "unit": "ha"}),
    ({"value": 1, "unit": "mi2"}, "metric", {"value": 2.6, "unit": "km2"}),
    ({"value": 70, "unit": "mph"}, "metric", {"value": 110, "unit": "km/h"}),
    ({"value": 2, "unit": "mi"}, "metric", {"value": 3.2, "unit": "km"}),
    # tiny values never become 0
    ({"value": 0.0004, "unit": "kg"}, "imperial", {"value": 0.00088, "unit": "lb"}),
    ({"min": 0.5, "max": 200, "unit": "g"}, "imperial", {"min": 0.018, "max": 7.055, "unit": "oz"}),
    # unchanged: already in the system, time units, no unit, source
    ({"min": 25, "max": 48, "unit": "kg"}, "metric", {"min": 25, "max": 48, "unit": "kg"}),
    ({"value": 3, "unit": "ft"}, "imperial", {"value": 3, "unit": "ft"}),
    ({"min": 12, "max": 14, "unit": "days"}, "imperial", {"min": 12, "max": 14, "unit": "days"}),
    ({"value": 5000, "approximate": True}, "imperial", {"value": 5000, "approximate": True}),
    ({"min": 25, "max": 48, "unit": "kg"}, "source", {"min": 25, "max": 48, "unit": "kg"}),
])
def test_convert(q, system, expected):
    before = dict(q)
    result = convert(q, system)
    assert result == expected
    assert [type(result[k]) for k in ("value", "min", "max") if k in result] == \
        [type(expected[k]) for k in ("value", "min", "max") if k in expected]  # ints stay ints: no '.0'
    assert q == before  # a new mapping; the source is untouched


def test_convert_keeps_key_order():
    q = {"value": 5000, "approximate": True, "unit": "km2", "note": "estimate"}
    assert list(convert(q, "imperial")) == list(q)


@pytest.mark.parametrize("q", [
    {"min": 0.3, "max": 980, "unit": "kg"}, {"value": 0.001, "unit": "mm"}, {"min": 1, "max": 99999, "unit": "km2"},
    {"value": 7e-6, "unit": "g"},
])
def test_converted_figures_never_zero(q):
    result = convert(q, "imperial")
    assert all(result[k] != 0 for k in ("value", "min", "max") if k in result)


def test_unknown_system_refused():
    with pytest.raises(ValueError, match="unknown unit system"):
        convert({"value": 1, "unit": "m"}, "nautical")


def test_every_target_is_a_schema_unit():
    for system in ("metric", "imperial"):
        for unit in UNITS:
            target = counterpart(unit, system)
            assert target is None or target in UNITS
    assert set(UNITS) <= set(CLDR_UNITS)


@pytest.mark.skipif("ft2" in UNITS, reason="square feet are in the schema")
def test_square_metres_stay_without_square_feet():
    assert convert({"value": 50, "unit": "m2"}, "imperial") == {"value": 50, "unit": "m2"}
    assert convert_both({"value": 50, "unit": "m2"}) == ({"value": 50, "unit": "m2"}, None)


@pytest.mark.skipif("ft2" not in UNITS, reason="square feet are not in the schema yet")
def test_square_metres_to_square_feet():
    assert convert({"value": 50, "unit": "m2"}, "imperial") == {"value": 540, "unit": "ft2"}


@pytest.mark.parametrize("q, expected", [
    ({"min": 60, "max": 74, "unit": "cm"},
     ({"min": 60, "max": 74, "unit": "cm"}, {"min": 24, "max": 29, "unit": "in"})),
    ({"value": 13000, "unit": "lb"}, ({"value": 5900, "unit": "kg"}, {"value": 13000, "unit": "lb"})),
    ({"max": 60, "qualifier": "fewer-than", "unit": "km/h"},
     ({"max": 60, "qualifier": "fewer-than", "unit": "km/h"}, {"max": 37, "qualifier": "fewer-than", "unit": "mph"})),
    ({"min": 12, "max": 14, "unit": "days"}, ({"min": 12, "max": 14, "unit": "days"}, None)),
    ({"value": 5000, "approximate": True}, ({"value": 5000, "approximate": True}, None)),
])
def test_convert_both(q, expected):
    assert convert_both(q) == expected


@pytest.mark.parametrize("q, count", [
    ({"min": 1, "max": 2}, 2), ({"value": 5}, 5), ({"min": 3, "qualifier": "at-least"}, 3), ({}, None),
])
def test_plural_count_is_the_last_number(q, count):
    assert plural_count(q) == count


@pytest.mark.parametrize("figure, unit, lang, count, expected", [
    ("25–48", "kg", "en", 48, f"25–48{NB}kg"),
    ("1–1.36", "m", "en", 1.36, f"1–1.36{NB}m"),
    ("12", "days", "en", 12, f"12{NB}days"),
    ("1", "days", "en", 1, f"1{NB}day"),
    ("2", "years", "en", 2, f"2{NB}years"),
    ("1", "years", "en", 1.0, f"1{NB}year"),
    ("1.5", "years", "en", 1.5, f"1.5{NB}years"),
    ("5,000", "km2", "en", 5000, f"5,000{NB}km²"),
    ("60", "km/h", "en", 60, f"60{NB}km/h"),
    ("25–48", "kg", "es", 48, f"25–48{NB}kg"),
    ("1", "years", "es", 1, f"1{NB}año"),
    ("2–3", "months", "es", 3, f"2–3{NB}meses"),
    ("1–1,36", "m", "fr", 1.36, f"1–1,36{NNB}m"),
    ("2", "years", "fr", 2, f"2{NB}ans"),
    ("12", "days", "fr", 12, f"12{NB}jours"),
    ("25–48", "kg", "de", 48, f"25–48{NB}kg"),
    ("2", "years", "de", 2, f"2{NB}Jahre"),
    ("1", "weeks", "de", 1, f"1{NB}Woche"),
    ("1", "months", "pt", 1, f"1{NB}mês"),
    ("2", "years", "pt", 2, f"2{NB}anos"),
    # Russian plural forms, chosen from the count, not 'one' for every preformatted figure
    ("1–1,36", "m", "ru", 1.36, f"1–1,36{NB}м"),
    ("1", "years", "ru", 1, f"1{NB}год"),
    ("2", "years", "ru", 2, f"2{NB}года"),
    ("5", "years", "ru", 5, f"5{NB}лет"),
    ("1–2", "years", "ru", 2, f"1–2{NB}года"),
    ("21", "years", "ru", 21, f"21{NB}год"),
    ("11", "years", "ru", 11, f"11{NB}лет"),
    ("1,5", "years", "ru", 1.5, f"1,5{NB}года"),
    ("12–14", "days", "ru", 14, f"12–14{NB}дней"),
    ("3", "weeks", "ru", 3, f"3{NB}недели"),
    # Chinese: no space between figure and unit
    ("1–1.36", "m", "zh", 1.36, "1–1.36米"),
    ("2", "years", "zh", 2, "2年"),
    ("12", "days", "zh", 12, "12天"),
    ("5,000", "km2", "zh", 5000, "5,000平方公里"),
    # Arabic: forms without the number ('متران', two metres) fall back to 'other'
    ("25–48", "kg", "ar", 48, f"25–48{NB}كغم"),
    ("1–2", "m", "ar", 2, f"1–2{NB}متر"),
    ("5", "years", "ar", 5, f"5{NB}سنوات"),
    ("12", "days", "ar", 12, f"12{NB}يومًا"),
    # no unit: the figure alone
    ("5,000", None, "en", 5000, "5,000"),
    ("3–5", "years", "en", None, f"3–5{NB}years"),
])
def test_unit_text(figure, unit, lang, count, expected):
    assert unit_text(figure, unit, lang, count) == expected


@pytest.mark.parametrize("lang", ["en", "es", "fr", "de", "pt", "ru", "zh", "ar", "ar-EG", "pt-BR", "zh-Hant"])
@pytest.mark.parametrize("unit", sorted(UNITS))
def test_unit_text_for_every_unit_keeps_the_figure_unbroken(unit, lang):
    for count in (0, 1, 2, 3, 5, 11, 1.5):
        text = unit_text("7–9", unit, lang, count)
        assert text.count("7–9") == 1
        assert " " not in text  # only no-break spaces


@pytest.mark.parametrize("value, lang, expected", [
    (1234.5, "en", "1,234.5"),
    (1234.5, "de", "1.234,5"),
    (1234.5, "es", "1.234,5"),
    (1234.5, "pt", "1.234,5"),
    (1234.5, "fr", f"1{NNB}234,5"),
    (1234.5, "ru", f"1{NB}234,5"),
    (1234.5, "zh", "1,234.5"),
    (1234.5, "ar", "1,234.5"),
    (1234.5, "ar-EG", "١٬٢٣٤٫٥"),
    (5000.0, "en", "5,000"),
    (0.00014, "en", "0.00014"),
    (1.36, "ru", "1,36"),
])
def test_number(value, lang, expected):
    assert number(value, lang) == expected


def test_every_default_numbering_system_has_its_digits():
    """Babel leaves digits Latin; every non-Latin default system of CLDR must be in the digit table."""
    import unicodedata

    from babel import Locale
    from babel.localedata import locale_identifiers

    systems = {Locale.parse(name).default_numbering_system for name in locale_identifiers()} - {"latn"}
    assert systems <= set(units._DIGIT_ZERO)
    for system, zero in units._DIGIT_ZERO.items():
        assert [unicodedata.digit(chr(zero + i)) for i in range(10)] == list(range(10)), system


@pytest.mark.parametrize("lang, expected", [("fa", "۱۲٫۵"), ("mr", "१२.५"), ("bn", "১২.৫")])
def test_number_native_digits(lang, expected):
    assert number(12.5, lang) == expected


def test_docstring_examples():
    result = doctest.testmod(units, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
