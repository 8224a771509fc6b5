"""The species file format, version 1, as a JSON Schema.

This dictionary is the single source of truth: validation runs against it,
`wildpress schema` prints it for editors, and `docs/species-schema.md` is
generated from its titles and descriptions (a test keeps the page current).
"""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 1
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# Genus species [subspecies], a hybrid sign, or a genus-level record: 'Microtus', 'Microtus sp.', 'Microtus spp.'.
SCIENTIFIC_PATTERN = r"^[A-Z][a-z]+(( ×)?( [a-z][a-z-]+){1,3}| spp?\.)?$"

IUCN_CATEGORIES = {
    "EX": "Extinct",
    "EW": "Extinct in the Wild",
    "CR": "Critically Endangered",
    "EN": "Endangered",
    "VU": "Vulnerable",
    "NT": "Near Threatened",
    "LC": "Least Concern",
    "DD": "Data Deficient",
    "NE": "Not Evaluated",
}

# Units are a closed set so later issues can convert metric <-> imperial.
UNITS = {
    "mm": "mm", "cm": "cm", "m": "m", "km": "km", "in": "in", "ft": "ft", "mi": "mi",
    "g": "g", "kg": "kg", "t": "t", "lb": "lb", "oz": "oz",
    "m2": "m²", "ha": "ha", "km2": "km²", "mi2": "mi²", "acre": "acres",
    "km/h": "km/h", "mph": "mph", "m/s": "m/s",
    "ft2": "ft²",
    "s": "s", "min": "min", "h": "h",
    "days": "days", "weeks": "weeks", "months": "months", "years": "years",
}

LANG_KEY = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"

# Generous caps: a real fact sheet is far below them, and they keep a hostile file from
# making validation or layout run for minutes (listed in docs/species-schema.md).
MAX_TEXT = 5000  # characters in one text (per language)
MAX_SHORT = 500  # characters in a name, credit, title or other short field
MAX_ITEMS = 100  # items in a list (quick facts, diet, threats, ...)
MAX_COUNTRIES = 250
MAX_SOURCES = 100
MAX_LANGUAGES = 30  # languages one text may be given in
MAX_MEASUREMENTS = 30
MAX_GALLERY = 8  # photos besides the main one
MAX_ID = 64  # characters in an id (it becomes part of file names)

_TEXT = {
    "title": "text",
    "description": "Plain text, or the same text per language: `{en: ..., ru: ...}`.",
    "anyOf": [
        {"type": "string", "minLength": 1, "maxLength": MAX_TEXT},
        {
            "type": "object",
            "minProperties": 1,
            "maxProperties": MAX_LANGUAGES,
            "patternProperties": {LANG_KEY: {"type": "string", "minLength": 1, "maxLength": MAX_TEXT}},
            "additionalProperties": False,
        },
    ],
}

_QUANTITY_PROPS = {
    "value": {"type": "number", "description": "A single figure."},
    "min": {"type": "number", "description": "Lower end of a range."},
    "max": {"type": "number", "description": "Upper end of a range."},
    "approximate": {"type": "boolean", "description": "Printed with 'about' / '~'."},
    "qualifier": {
        "enum": ["fewer-than", "more-than", "up-to", "at-least", "about"],
        "description": "How the figure is bounded, e.g. `fewer-than` for 'less than 60'.",
    },
}

_QUANTITY = {
    "title": "quantity",
    "description": "A count: `value`, or `min`/`max`, optionally `approximate` or a `qualifier`.",
    "type": "object",
    "properties": _QUANTITY_PROPS,
    "additionalProperties": False,
    "anyOf": [{"required": ["value"]}, {"required": ["min"]}, {"required": ["max"]}],
}

_MEASUREMENT = {
    "title": "measurement",
    "description": "A quantity with a unit, e.g. `{min: 25, max: 48, unit: kg}`.",
    "type": "object",
    "properties": {
        **_QUANTITY_PROPS,
        "unit": {"enum": sorted(UNITS), "description": "Unit of the figures."},
        "label": {"$ref": "#/$defs/text", "description": "Label to print instead of the key's default."},
        "note": {"$ref": "#/$defs/text", "description": "Qualifying detail, e.g. 'in summer'."},
    },
    "required": ["unit"],
    "additionalProperties": False,
    "anyOf": [{"required": ["value"]}, {"required": ["min"]}, {"required": ["max"]}],
}

_URL = {"type": "string", "pattern": r"^https?://\S+$", "maxLength": 2000, "title": "web address"}
_TEXT_LIST = {"type": "array", "items": {"$ref": "#/$defs/text"}, "maxItems": MAX_ITEMS}
_SHORT = {"type": "string", "maxLength": MAX_SHORT}
_COUNTRIES = {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}, "maxItems": MAX_COUNTRIES}
_YEAR = {"type": "integer", "minimum": 1750, "maximum": 2200, "title": "year"}


def _obj(properties: dict, required: list[str] | None = None, **extra: Any) -> dict:
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    schema.update(extra)
    return schema


_PHOTO = _obj(
    {
        "file": {**_SHORT, "minLength": 1, "description": "Image path relative to the species file "
                                          "(inside the project folder)."},
        "credit": {**_SHORT, "description": "Photographer or owner."},
        "licence": {**_SHORT, "description": "Short licence name, e.g. 'CC BY 4.0'."},
        "alt": {"$ref": "#/$defs/text", "description": "Description for screen readers."},
        "crop": _obj(
            {k: {"type": "number", "minimum": 0, "maximum": 1} for k in ("x", "y", "width", "height")},
            ["x", "y", "width", "height"],
            description="Part of the photo to use, as fractions of its width and height "
                        "(cuts off camera-trap info bars and borders before anything else).",
        ),
        "focal_point": _obj(
            {"x": {"type": "number", "minimum": 0, "maximum": 1},
             "y": {"type": "number", "minimum": 0, "maximum": 1}},
            ["x", "y"],
            description="Point that stays in view (and clear of text) however the photo is cropped, "
                        "as fractions of width and height.",
        ),
    },
    ["file", "credit", "licence", "alt"],
)

SPECIES_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://wildpress.invalid/schema/species-1.json",
    "title": "wildpress species file",
    "description": "One species per YAML file under `data/species/`.",
    "$defs": {"text": _TEXT, "quantity": _QUANTITY, "measurement": _MEASUREMENT},
    **_obj(
        {
            "schema": {"const": SCHEMA_VERSION, "description": "Format version; must be `1`."},
            "lang": {"type": "string", "pattern": LANG_KEY, "maxLength": 35,
                     "title": "language code (en, ru, zh, pt-BR...)",
                     "description": "Language of the texts written as plain strings (default `en`). Texts given per "
                                    "language (`{en: ..., ru: ...}`) say their own; building in a language a text "
                                    "lacks is an error unless `--fallback` allows this language instead."},
            "id": {
                "type": "string", "pattern": ID_PATTERN, "maxLength": MAX_ID,
                "title": "id (lower-case letters and digits joined by single hyphens, e.g. amur-leopard)",
                "description": "Slug used in output names; defaults to the file name.",
            },
            "taxon": _obj(
                {
                    "group": {
                        "enum": ["mammal", "bird", "reptile", "amphibian", "fish", "insect",
                                 "invertebrate", "plant", "fungus"],
                        "description": "Broad group; layouts use it for fallbacks and icons.",
                    },
                    "class": _SHORT, "order": _SHORT, "family": _SHORT,
                },
                description="Classification.",
            ),
            "name": _obj(
                {
                    "common": {"$ref": "#/$defs/text", "description": "Common name, e.g. 'Amur leopard'."},
                    "scientific": {
                        "type": "string", "pattern": SCIENTIFIC_PATTERN, "maxLength": 200,
                        "title": "scientific name (Genus species [subspecies], or a genus: Genus / Genus sp. / Genus spp.)",
                        "description": "Binomial or trinomial, printed in italics; a genus-level record gives the genus "
                                       "alone or with `sp.`/`spp.`.",
                    },
                    "authority": {**_SHORT, "description": "Who named it and when, as taxonomists write it: "
                                                           "'(Schreber, 1774)', 'Linnaeus, 1758'; printed small "
                                                           "after the scientific name where a layout has room."},
                    "other": {**_TEXT_LIST, "description": "Other common names."},
                },
                ["common", "scientific"],
                description="Names of the species.",
            ),
            "status": _obj(
                {
                    "category": {"enum": list(IUCN_CATEGORIES), "title": "an IUCN category",
                                 "description": "IUCN Red List category code."},
                    "year": {**_YEAR, "description": "Year of the assessment."},
                    "source": {**_SHORT, "description": "Who assessed it, e.g. 'IUCN Red List'."},
                    "criteria": {**_SHORT, "description": "Red List criteria, e.g. 'C2a(i)'."},
                    "scope": {"$ref": "#/$defs/text", "description": "Taxon assessed, if not the whole species "
                                                                     "(a subspecies or population)."},
                    "region": {"$ref": "#/$defs/text", "description": "Region of a regional assessment, e.g. "
                                                                      "'Europe'; printed 'IUCN Red List (Europe)'. "
                                                                      "Leave it out for the global Red List."},
                },
                ["category"],
                description="Conservation status. Leave it out when the taxon has no assessment (not evaluated, "
                            "domesticated): layouts then print no status at all rather than a false one.",
            ),
            "population": _obj(
                {
                    "text": {"$ref": "#/$defs/text", "description": "The estimate as the source words it."},
                    "estimate": {"$ref": "#/$defs/quantity", "description": "The estimate as figures."},
                    "unit": {"$ref": "#/$defs/text", "description": "What is counted (default 'individuals')."},
                    "trend": {"enum": ["increasing", "decreasing", "stable", "unknown"]},
                    "year": {**_YEAR, "description": "Year the estimate refers to."},
                    "subpopulations": {
                        "type": "array", "maxItems": MAX_ITEMS,
                        "items": _obj(
                            {
                                "region": {"$ref": "#/$defs/text"},
                                "countries": _COUNTRIES,
                                "estimate": {"$ref": "#/$defs/quantity"},
                                "note": {"$ref": "#/$defs/text"},
                            },
                            ["region"],
                        ),
                        "description": "Separate populations, e.g. '50–57 in Russia'.",
                    },
                },
                description="Wild population.",
            ),
            "measurements": {
                "type": "object",
                "description": "Body measurements keyed by what they measure: length, height, weight, "
                               "tail, wingspan, lifespan, or any other lower-case key.",
                "patternProperties": {r"^[a-z][a-z0-9_]*$": {"$ref": "#/$defs/measurement"}},
                "additionalProperties": False, "maxProperties": MAX_MEASUREMENTS,
            },
            "range": _obj(
                {
                    "countries": {
                        **_COUNTRIES,
                        "description": "ISO 3166-1 alpha-2 codes of the countries it lives in.",
                    },
                    "uncertain_countries": {
                        **_COUNTRIES,
                        "description": "ISO codes of countries where its presence is uncertain; printed as "
                                       "'possibly also in …', never drawn on the map.",
                    },
                    "region": {"$ref": "#/$defs/text", "description": "Where within them."},
                    "area": {"$ref": "#/$defs/measurement", "description": "Size of the whole range."},
                    "territory": {"$ref": "#/$defs/measurement", "description": "Size of one animal's territory."},
                    "notes": {"$ref": "#/$defs/text"},
                },
                description="Geographic range.",
            ),
            "description": {"$ref": "#/$defs/text", "description": "Appearance and characteristics."},
            "habitat": {"$ref": "#/$defs/text", "description": "Where it lives."},
            "ecology": {"$ref": "#/$defs/text", "description": "Its role in the ecosystem; why it matters."},
            "diet": {**_TEXT_LIST, "description": "What it eats, one item each."},
            "quick_facts": {**_TEXT_LIST, "description": "Short facts, one sentence each."},
            "threats": {
                "type": "array", "maxItems": MAX_ITEMS,
                "items": _obj({"name": {"$ref": "#/$defs/text"}, "detail": {"$ref": "#/$defs/text"}}, ["name"]),
                "description": "Threats: a short name and an optional one-line detail.",
            },
            "conservation": _obj(
                {
                    "text": {"$ref": "#/$defs/text", "description": "What is being done."},
                    "actions": {**_TEXT_LIST, "description": "Concrete actions."},
                    "organisations": {
                        "type": "array", "maxItems": MAX_ITEMS,
                        "items": _obj({"name": _SHORT, "short": _SHORT, "url": _URL}, ["name"]),
                    },
                },
                description="Conservation work.",
            ),
            "photo": {**_PHOTO, "description": "Photograph; without one, layouts draw a designed fallback."},
            "gallery": {"type": "array", "items": _PHOTO, "maxItems": MAX_GALLERY,
                        "description": "More photographs, shown as a gallery on posters and fact sheets "
                                       "(`photo` stays the main one)."},
            "links": _obj(
                {"more_info": {**_URL, "description": "Where to read more."},
                 "donate": {**_URL, "description": "Where to give."}},
                description="Web links (printed and, later, as QR codes).",
            ),
            "sources": {
                "type": "array", "minItems": 1, "maxItems": MAX_SOURCES,
                "items": _obj(
                    {"title": _SHORT, "publisher": _SHORT, "url": _URL,
                     "year": _YEAR, "accessed": {"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$"}},
                    ["title"],
                ),
                "description": "Citations for the facts in this file.",
            },
            "position": {"type": "integer", "minimum": 1, "maximum": 1_000_000,
                         "description": "Place in the table it was imported from (written by `wildpress import`); "
                                        "flashcard decks follow it, unless `-O order=name`."},
            "accent": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$",
                       "description": "Accent colour for this species' prints."},
        },
        ["schema", "name", "sources"],
    ),
}

# Measurement keys every layout labels itself (layout/formatting.py holds the printed labels).
MEASUREMENT_KEYS = ("length", "height", "weight", "tail", "wingspan", "lifespan", "diameter", "sleep", "gestation",
                    "brain_weight", "body_weight", "incubation", "speed", "clutch")
