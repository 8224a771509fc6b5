"""How species-file problems are put in words: types, limits, and "did you mean" suggestions.

Suggestions come from what the data could have meant: the case of an IUCN
code, a country written as a name (through :mod:`wildpress.data.countries`),
the nearest unit of the same kind, a field that lives elsewhere.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import pycountry

from . import countries
from .schema import SPECIES_SCHEMA, UNITS
from .yamlsafe import format_path


def _yaml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "null" if value is None else type(value).__name__


_TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number",
               "boolean": "true or false", "array": "a list", "object": "a mapping"}


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) < 60 else repr(value[:57] + "...")
    return _yaml_type(value)


def _known_keys(schema: dict) -> list[str]:
    return sorted(schema.get("properties", {}))


_OWN_ANYOF = ("text", "quantity", "measurement")  # anyOf schemas with a sentence of their own below


def _limit_message(kind: str, limit: Any, value: Any) -> str | None:
    """Sentences for the schema's caps (maxItems, maxLength, maxProperties)."""
    if kind == "maxItems":
        return f"has {len(value)} items; the limit is {limit}"
    if kind == "maxLength":
        return f"is {len(value)} characters long; the limit is {limit}"
    if kind == "maxProperties":
        return f"has {len(value)} entries; the limit is {limit}"
    return None


def _text_message(error) -> tuple[tuple, str]:
    """(relative path, sentence) for a value that is not valid text: too long beats wrong type."""
    for sub in sorted(error.context, key=lambda e: len(e.absolute_path), reverse=True):
        msg = _limit_message(sub.validator, sub.validator_value, sub.instance)
        if msg:
            return tuple(sub.relative_path), msg
    return (), f"expected text or a per-language mapping like {{en: ...}}, got {_describe(error.instance)}"


_COUNTRY_PATTERN = "^[A-Z]{2}$"

# Units by what they measure: a suggestion for `weight` should be a weight.
_UNIT_KINDS = {kind: tuple(u for u in units if u in UNITS) for kind, units in {
    "length": ("mm", "cm", "m", "km", "in", "ft", "mi"), "weight": ("g", "kg", "t", "lb", "oz"),
    "area": ("m2", "ha", "km2", "mi2", "acre"), "speed": ("km/h", "mph", "m/s"),
    "time": ("s", "min", "h", "d", "days", "weeks", "months", "years"),
}.items()}
_UNIT_KINDS["other"] = tuple(u for u in UNITS if not any(u in v for v in _UNIT_KINDS.values()))
_KEY_KINDS = {"length": "length", "height": "length", "tail": "length", "wingspan": "length",
              "diameter": "length", "weight": "weight", "mass": "weight", "lifespan": "time",
              "gestation": "time", "incubation": "time", "speed": "speed", "area": "area", "territory": "area"}
# How people write units -> the unit wildpress knows (checked after case and spelling).
_UNIT_WORDS = {
    "millimetre": "mm", "millimeter": "mm", "centimetre": "cm", "centimeter": "cm", "metre": "m", "meter": "m",
    "kilometre": "km", "kilometer": "km", "inch": "in", "inches": "in", '"': "in", "foot": "ft", "feet": "ft",
    "'": "ft", "mile": "mi", "gram": "g", "gramme": "g", "kilogram": "kg", "kilo": "kg", "kgs": "kg",
    "tonne": "t", "ton": "t", "pound": "lb", "lbs": "lb", "ounce": "oz", "m²": "m2", "km²": "km2", "mi²": "mi2",
    "sq m": "m2", "sq km": "km2", "sq mi": "mi2", "m^2": "m2", "km^2": "km2", "mi^2": "mi2", "hectare": "ha",
    "acres": "acre", "kph": "km/h", "kmh": "km/h", "km/hr": "km/h", "kmph": "km/h", "day": "days",
    "second": "s", "sec": "s", "minute": "min", "hour": "h", "hr": "h", "week": "weeks", "wk": "weeks", "month": "months", "mo": "months", "year": "years", "yr": "years",
    "yrs": "years", "y": "years",
}


def _unit_hint(value: Any, path: tuple) -> str:
    """'kgs' -> "'kgs' is not a unit: did you mean kg?"; no near spelling -> the units of that kind."""
    key = next((p for p in reversed(path[:-1]) if isinstance(p, str)), "")
    kind = _KEY_KINDS.get(key)
    if isinstance(value, str):
        text = value.strip().casefold().rstrip(".")
        words = [text, text[:-1] if text.endswith("s") else text, text.replace(" ", "")]
        for word in words:
            for unit in UNITS:
                if word == unit.casefold():
                    return f"{_describe(value)} is not a unit: did you mean {unit}?"
            if word in _UNIT_WORDS:
                return f"{_describe(value)} is not a unit: did you mean {_UNIT_WORDS[word]}?"
        pool = list(_UNIT_KINDS[kind]) if kind else list(UNITS)
        close = difflib.get_close_matches(text, pool, n=2, cutoff=0.6) or difflib.get_close_matches(
            text, list(UNITS), n=2, cutoff=0.6)
        if close:
            return f"{_describe(value)} is not a unit: did you mean {' or '.join(close)}?"
    if kind:
        units = _UNIT_KINDS[kind]
        return f"{_describe(value)} is not a unit (a {key} is in {', '.join(units[:-1])} or {units[-1]})"
    groups = "; ".join(f"{k}: {' '.join(v)}" for k, v in _UNIT_KINDS.items() if v)
    return f"{_describe(value)} is not a unit (units are {groups})"


def _enum_hint(value: Any, options: list, names: dict | None = None) -> str | None:
    """The option ``value`` was probably meant to be: same letters in another case, an option's
    name ('Critically endangered' -> 'CR (Critically Endangered)'), or a near spelling."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = " ".join(value.split()).casefold()
    texts = {str(o).casefold(): o for o in options}
    if text in texts:
        return str(texts[text])
    if names:
        by_name = {n.casefold(): code for code, n in names.items()}
        found = by_name.get(text) or next(iter(difflib.get_close_matches(text, list(by_name), n=1, cutoff=0.75)),
                                          None)
        found = by_name.get(found, found) if found else None
        if found is None:  # "EN - Endangered", "Endangered (EN)"
            codes = [c for c in names if re.search(rf"\b{re.escape(c)}\b", value)]
            found = codes[0] if len(codes) == 1 else None
        if found:
            return f"{found} ({names[found]})"
    close = difflib.get_close_matches(text, list(texts), n=1, cutoff=0.75)
    return str(texts[close[0]]) if close else None


def _country_hint(value: Any, path: tuple = ()) -> str:
    """Why a written country is not a code, with the code it probably meant."""
    if not isinstance(value, str):
        return f"expected a country code such as CO or GB, got {_describe(value)}"
    match = countries.lookup(value)
    code = match.code if match.code and pycountry.countries.get(alpha_2=match.code) else None
    if code is None:
        return (f"{_describe(value)} is not an ISO 3166-1 country code (two capital letters, e.g. CO for "
                "Colombia, GB for the United Kingdom)")
    named = f"{code} ({countries.name(code)})"
    if match.how == "code" and len(value.strip().rstrip("?").strip()) == 2:
        what = f"{_describe(value)} is not a country code: did you mean {code}?"
    elif match.how == "code":
        what = f"{_describe(value)} is a three-letter code; wildpress uses two letters: did you mean {named}?"
    elif match.how in ("name", "alias"):
        what = f"{_describe(value)} is a country name, not a code: did you mean {named}?"
    else:
        what = f"{_describe(value)} is not a country code: did you mean {named}?"
    if match.uncertain and "uncertain_countries" not in path:
        where = "list it under range.uncertain_countries" if "uncertain_countries" in \
            _schema_at(("range",)).get("properties", {}) else "a code cannot carry the '?'"
        what += f" (an uncertain presence: {where})"
    return what


def _field_index(schema: dict, root: dict, prefix: str = "", depth: int = 0, index: dict | None = None) -> dict:
    """Every field name of ``schema`` -> the dotted paths it is found at (for 'did you mean status.year')."""
    index = {} if index is None else index
    while "$ref" in schema and depth < 6:
        schema = root.get("$defs", {}).get(schema["$ref"].rsplit("/", 1)[-1], {})
    for name, sub in schema.get("properties", {}).items():
        index.setdefault(name.casefold(), []).append(prefix + name)
        if depth < 3 and isinstance(sub, dict) and ("properties" in sub or "$ref" in sub):
            _field_index(sub, root, prefix + name + ".", depth + 1, index)
        if depth < 3 and isinstance(sub, dict) and isinstance(sub.get("items"), dict):
            _field_index(sub["items"], root, prefix + name + "[].", depth + 1, index)
    return index


def _field_hint(key: str, known: list[str], schema: dict, root: dict, here: tuple) -> str | None:
    """The field an unknown key was probably meant to be, if any."""
    folded = {k.casefold(): k for k in known}
    if key.casefold() in folded:
        return folded[key.casefold()]
    close = difflib.get_close_matches(key, known, n=1) or difflib.get_close_matches(
        key.casefold(), list(folded), n=1)
    if close:
        return folded.get(close[0], close[0])
    if not known:  # a free-form mapping (measurement keys): a key the pattern would accept
        fixed = re.sub(r"[\s-]+", "_", key.strip()).casefold()
        if fixed != key and any(re.match(p, fixed) for p in schema.get("patternProperties", {})):
            return fixed
        return None
    elsewhere = [p for p in _field_index(root, root).get(key.casefold(), [])
                 if p.rsplit(".", 1)[0] != format_path(here)]
    return elsewhere[0] if len(elsewhere) == 1 else None


def _schema_at(path: tuple) -> dict:
    """The part of the species schema that describes ``path`` (empty if none does)."""
    schema: dict = SPECIES_SCHEMA
    for part in path:
        while "$ref" in schema:
            schema = SPECIES_SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
        if isinstance(part, int):
            schema = schema.get("items", {})
        else:
            schema = schema.get("properties", {}).get(part) or next(iter(schema.get("patternProperties", {}).values()),
                                                                    {})
    return schema
