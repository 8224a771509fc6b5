"""How one table row becomes species data, and what the import says about it.

IUCN codes and names in any spelling (old Lower Risk categories mapped as
IUCN's guidance says), "not assessed" values that leave the status out,
country names through :mod:`wildpress.data.countries`, genus-level names,
figures with their units. Every substitution and every row that cannot be
used is recorded for the report.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path


from . import countries as _countries
from .schema import ID_PATTERN, IUCN_CATEGORIES, MAX_ID, SCHEMA_VERSION, SCIENTIFIC_PATTERN, UNITS


DEFAULT_SEPARATORS = ["|", ";"]
DEFAULT_MISSING = ["", "na", "n/a", "-", "--", "?", "none", "null", "nan", "unknown", "n.a."]

REPORT_HEADER = "wildpress import report"
TEXT_FIELDS = {"name.common", "name.scientific", "taxon.class", "taxon.order", "taxon.family", "taxon.group",
               "status.source", "status.criteria", "status.scope", "population.text", "population.unit",
               "range.region", "range.notes", "description", "habitat", "ecology", "conservation.text",
               "links.more_info", "links.donate", "accent", "id"}
LIST_FIELDS = {"name.other", "diet", "quick_facts", "threats", "conservation.actions", "sources", "range.countries"}
SPECIAL_FIELDS = {"status.category", "status.year", "population.year", "population.trend"}
FIELDS = TEXT_FIELDS | LIST_FIELDS | SPECIAL_FIELDS
STATUS_NAMES = {re.sub(r"[^a-z]", "", name.lower()): code for code, name in IUCN_CATEGORIES.items()}
# IUCN's guidance for categories of the 1994 system (Red List Categories and Criteria 3.1, 2001).
OLD_CATEGORIES = {
    "lrcd": ("NT", "LR/cd (Lower Risk/conservation dependent) is Near Threatened since IUCN criteria 3.1 (2001)"),
    "cd": ("NT", "cd (Lower Risk/conservation dependent) is Near Threatened since IUCN criteria 3.1 (2001)"),
    "lowerriskconservationdependent": ("NT", "Lower Risk/conservation dependent is Near Threatened since IUCN "
                                             "criteria 3.1 (2001)"),
    "lrnt": ("NT", "LR/nt (Lower Risk/near threatened) is Near Threatened since IUCN criteria 3.1 (2001)"),
    "lowerrisknearthreatened": ("NT", "Lower Risk/near threatened is Near Threatened since IUCN criteria 3.1"),
    "lrlc": ("LC", "LR/lc (Lower Risk/least concern) is Least Concern since IUCN criteria 3.1 (2001)"),
    "lowerriskleastconcern": ("LC", "Lower Risk/least concern is Least Concern since IUCN criteria 3.1 (2001)"),
    "threatened": (None, "'threatened' is not one IUCN category; write CR, EN or VU"),
}
NOT_ASSESSED = {"dom": "domesticated", "domesticated": "domesticated", "domestic": "domesticated",
                "ne": "not evaluated", "notevaluated": "not evaluated", "notassessed": "not assessed",
                "nonassessed": "not assessed", "unassessed": "not assessed"}

UNIT_WORDS = {
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h", "min": "min", "minutes": "min", "s": "s",
    "d": "days", "day": "days", "days": "days", "wk": "weeks", "week": "weeks", "weeks": "weeks",
    "mo": "months", "month": "months", "months": "months", "y": "years", "yr": "years", "yrs": "years",
    "year": "years", "years": "years", "kg": "kg", "g": "g", "t": "t", "lb": "lb", "lbs": "lb", "oz": "oz",
    "mm": "mm", "cm": "cm", "m": "m", "km": "km", "in": "in", "ft": "ft", "mi": "mi", "km2": "km2",
    "ha": "ha", "kmh": "km/h", "km/h": "km/h", "mph": "mph",
}
_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"
_QUANTITY = re.compile(rf"^(?P<q>~|c\.|ca\.|about|up to|<|>)?\s*(?P<a>{_NUMBER})(?:\s*(?:-|–|to)\s*(?P<b>{_NUMBER}))?"
                       r"\s*(?P<unit>[a-zA-Z/²2]+)?$", re.I)


@dataclass
class Substitution:
    row: str
    column: str
    before: str
    after: str
    why: str

    def __str__(self) -> str:
        return f"{self.row}, column {self.column!r}: {self.before!r} -> {self.after!r}: {self.why}"


@dataclass
class RowError:
    row: str
    column: str
    reason: str

    def __str__(self) -> str:
        where = f", column {self.column!r}" if self.column else ""
        return f"{self.row}{where}: {self.reason}"


@dataclass
class Target:
    field: str
    unit: str | None = None
    label: str | None = None


@dataclass
class ImportResult:
    table: str
    written: list[Path] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    substitutions: list[Substitution] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    report: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def text(self) -> str:
        lines = [f"{REPORT_HEADER}: {self.table}", f"{len(self.written)} species files written, "
                 f"{len({e.row for e in self.errors})} rows not imported, {len(self.substitutions)} substitutions", ""]
        lines += [f"note: {n}" for n in self.notes]
        if self.errors:
            lines += ["", "Rows not imported (fix the cell and import again):"] + [f"  {e}" for e in self.errors]
        if self.substitutions:
            lines += ["", "Substitutions made:"] + [f"  {s}" for s in self.substitutions]
        if self.written:
            lines += ["", "Written:"] + [f"  {p}" for p in self.written]
        return "\n".join(lines) + "\n"


def fold(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", str(name)).lower())


def slug(text: str) -> str:
    text = re.sub(r"['’ʼ]", "", text)  # Baird's tapir -> bairds-tapir
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:MAX_ID].rstrip("-")
    return out

@dataclass
class Options:
    columns: dict[str, Target | None] = field(default_factory=dict)
    separators: list[str] = field(default_factory=lambda: list(DEFAULT_SEPARATORS))
    missing: set[str] = field(default_factory=lambda: set(DEFAULT_MISSING))
    defaults: dict[str, str] = field(default_factory=dict)
    source: dict | None = None


class _Row:
    """One row being converted: cleaned values go into ``data``; problems into the result."""

    def __init__(self, label: str, opts: Options, result: ImportResult):
        self.label, self.opts, self.result = label, opts, result
        self.data: dict = {"schema": SCHEMA_VERSION}
        self.errors: list[RowError] = []

    def error(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.label, column, reason))

    def sub(self, column: str, before: str, after, why: str) -> None:
        self.result.substitutions.append(Substitution(self.label, column, before, str(after), why))

    def put(self, path: str, value) -> None:
        node = self.data
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value

    def missing(self, value: str | None) -> bool:
        return value is None or value.strip().lower() in self.opts.missing

    def split(self, value: str) -> list[str]:
        pattern = "|".join(re.escape(s) for s in self.opts.separators)
        return [p.strip() for p in re.split(pattern, value) if p.strip() and not self.missing(p)]

    def cell(self, column: str, target: Target, value: str) -> None:
        f = target.field
        if f == "status.category":
            return self.status(column, value)
        if f in ("status.year", "population.year"):
            if not re.fullmatch(r"\d{4}", value.strip()):
                return self.error(column, f"{value!r} is not a year; write four digits, e.g. 2016")
            return self.put(f, int(value))
        if f == "population.trend":
            trend = value.strip().lower()
            if trend not in ("increasing", "decreasing", "stable", "unknown"):
                return self.error(column, f"trend {value!r}: write increasing, decreasing, stable or unknown")
            return self.put(f, trend)
        if f == "name.scientific":
            return self.scientific(column, value)
        if f == "range.countries":
            return self.countries(column, value)
        if f.startswith("measurements."):
            return self.measurement(column, target, value)
        if f in LIST_FIELDS:
            items = self.split(value)
            if f == "threats":
                items = [{"name": i} for i in items]
            elif f == "sources":
                items = [{"title": i} for i in items]
            return self.put(f, items) if items else None
        if f == "taxon.group":
            value = value.strip().lower().rstrip("s") if value.strip().lower() != "fish" else "fish"
        if f == "id" and not re.match(ID_PATTERN, value):
            return self.error(column, f"id {value!r}: use lower-case letters and digits joined by hyphens")
        self.put(f, value.strip())

    def status(self, column: str, value: str) -> None:
        text = value.strip()
        scope = re.fullmatch(r"(.+?)\s*\((?:as\s+|assessed as\s+)?(.+)\)", text, re.I)
        inner = re.sub(r"[^a-z]", "", scope[2].lower()) if scope else ""
        if scope and (inner.upper() in IUCN_CATEGORIES or inner in STATUS_NAMES):  # 'Endangered (EN)'
            text, scope = scope[1].strip(), None
        elif scope and inner.startswith("possibly"):  # 'CR (Possibly Extinct)': an IUCN tag, not a scope
            text = scope[1].strip()
            self.sub(column, value, text, f"'{scope[2]}' is a Red List tag, not part of the category; not printed")
            scope = None
        elif scope:
            text = scope[1].strip()
            self.sub(column, value, f"{text}; status.scope: {scope[2].strip()}", "the assessment's scope is kept apart")
        key = re.sub(r"[^a-z]", "", text.lower())
        if key.upper() in IUCN_CATEGORIES and key.upper() != "NE":
            code = key.upper()
            if text != code:
                self.sub(column, text, code, "IUCN category code")
        elif key in STATUS_NAMES and STATUS_NAMES[key] != "NE":
            code = STATUS_NAMES[key]
            self.sub(column, text, code, f"IUCN category {IUCN_CATEGORIES[code]}")
        elif key in OLD_CATEGORIES:
            code, why = OLD_CATEGORIES[key]
            if code is None:
                return self.error(column, why)
            self.sub(column, text, code, why)
        elif key in NOT_ASSESSED:
            self.data.pop("status", None)
            self.sub(column, value, "(no status)", f"{NOT_ASSESSED[key]}: no IUCN assessment, so no status is printed")
            self.assessed = False
            return None
        else:
            return self.error(column, f"{value!r} is not an IUCN Red List category; write one of "
                                      f"{', '.join(c for c in IUCN_CATEGORIES if c != 'NE')}, or leave it empty")
        self.put("status.category", code)
        if scope:
            self.put("status.scope", scope[2].strip())

    def scientific(self, column: str, value: str) -> None:
        name = re.sub(r"\s+", " ", value.replace("_", " ")).strip()
        name = re.sub(r" (spp?)\.?$", r" \1.", name)
        if name[:1].islower():
            name = name[:1].upper() + name[1:]
        if name != value:
            self.sub(column, value, name, "scientific names are written 'Genus species', a genus alone "
                                          "or 'Genus sp.'")
        if not re.match(SCIENTIFIC_PATTERN, name):
            return self.error(column, f"{value!r} is not a scientific name: write 'Genus species', "
                                      "'Genus species subspecies' or a genus alone ('Microtus', 'Microtus sp.')")
        self.put("name.scientific", name)

    def countries(self, column: str, value: str) -> None:
        sure, maybe = [], []
        items = []
        for written in self.split(value):  # 'Kenya, Tanzania' too, but not 'Korea, Republic of'
            if "," in written and _countries.lookup(written).code is None:
                items += [w.strip() for w in written.split(",") if w.strip()]
            else:
                items.append(written)
        for written in items:
            match = _countries.lookup(written)
            if match.code is None:
                self.error(column, f"{written!r} is not a country wildpress knows; write its name in English "
                                   "or its two-letter ISO code (e.g. GB)")
                continue
            if match.how != "code" or written.strip() != match.code:
                why = {"close": "near spelling of " + _countries.name(match.code) + ": check it",
                       "alias": "common name of " + _countries.name(match.code),
                       "name": "country name"}.get(match.how, "ISO code")
                if match.uncertain:
                    why += "; presence marked uncertain: printed as 'possibly also in', not as a range country"
                self.sub(column, written, match.code, why)
            (maybe if match.uncertain else sure).append(match.code)
        sure = list(dict.fromkeys(sure))
        maybe = [c for c in dict.fromkeys(maybe) if c not in sure]
        if sure:
            self.put("range.countries", sure)
        if maybe:
            self.put("range.uncertain_countries", maybe)

    def measurement(self, column: str, target: Target, value: str) -> None:
        match = _QUANTITY.match(value.strip())
        if not match:
            return self.error(column, f"{value!r} is not a figure (write e.g. 12.5, 2-3 or 65 days)")
        unit = target.unit or next((UNIT_WORDS[w] for w in reversed(re.split(r"[^a-z0-9]+", column.lower()))
                                    if w in UNIT_WORDS), None)
        if match["unit"]:
            written = UNIT_WORDS.get(match["unit"].lower(), match["unit"])
            if written not in UNITS:
                return self.error(column, f"unknown unit {match['unit']!r}; use one of {', '.join(sorted(UNITS))}")
            unit = written
        if unit is None:
            return self.error(column, f"{value!r} has no unit; write it in the cell (e.g. '12 h') or map the "
                                      f"column with a unit: --map '{column}={target.field}:h'")
        numbers = []
        for raw in (match["a"], match["b"]):
            if raw is None:
                continue
            if "," in raw:
                self.sub(column, raw, raw.replace(",", "."), "decimal comma")
                raw = raw.replace(",", ".")
            number = float(raw)
            numbers.append(int(number) if number.is_integer() else number)
        m: dict = {"value": numbers[0]} if len(numbers) == 1 else {"min": numbers[0], "max": numbers[1]}
        qualifier = (match["q"] or "").lower()
        if qualifier in ("~", "c.", "ca.", "about"):
            m["approximate"] = True
        elif qualifier in ("up to", "<", ">"):
            m["qualifier"] = {"up to": "up-to", "<": "fewer-than", ">": "more-than"}[qualifier]
        m["unit"] = unit
        if target.label:
            m["label"] = target.label
        self.put(target.field, m)


