"""What an import knows and records: field names, IUCN vocabularies, units, and the result.

The words tables use for IUCN categories (old Lower Risk categories mapped as IUCN's
guidance says, "not assessed" values that leave the status out), units and missing
values; the import's options; and what it records (substitutions, refused rows,
cells left out, one decision per column). How a row is cleaned is
:mod:`wildpress.data.row`; which column holds what, :mod:`wildpress.data.columns`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path


from .schema import IUCN_CATEGORIES, MAX_ID


DEFAULT_SEPARATORS = ["|", ";"]
DEFAULT_MISSING = ["", "na", "n/a", "-", "--", "?", "none", "null", "nan", "unknown", "n.a."]

REPORT_HEADER = "wildpress import report"
TEXT_FIELDS = {"name.common", "name.scientific", "name.authority", "taxon.class", "taxon.order", "taxon.family", "taxon.group",
               "status.source", "status.criteria", "status.scope", "status.region", "population.text", "population.unit",
               "range.region", "range.notes", "description", "habitat", "ecology", "conservation.text",
               "links.more_info", "links.donate", "accent", "id", "photo.credit", "photo.alt"}
LIST_FIELDS = {"name.other", "diet", "quick_facts", "threats", "conservation.actions", "sources", "range.countries"}
SPECIAL_FIELDS = {"status.category", "status.year", "population.year", "population.trend", "photo.file",
                  "photo.licence", "gallery"}
# Parts of the scientific name in columns of their own, joined into name.scientific row by row.
NAME_PARTS = {"name.genus", "name.epithet", "name.subspecies"}
FIELDS = TEXT_FIELDS | LIST_FIELDS | SPECIAL_FIELDS | NAME_PARTS
PREFER = ("first", "last", "most-threatened", "least-threatened")  # several categories in one cell
THREAT_ORDER = ["EX", "EW", "CR", "EN", "VU", "NT", "LC", "DD"]
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
    written: list[Path] = field(default_factory=list)  # new files and updated ones
    updated: list[Path] = field(default_factory=list)  # of those, files that were there before
    unchanged: list[Path] = field(default_factory=list)  # files the table would not change
    errors: list[RowError] = field(default_factory=list)  # rows not imported
    dropped: list[RowError] = field(default_factory=list)  # cells left out of rows that were imported
    substitutions: list[Substitution] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    decisions: list = field(default_factory=list)  # one columns.Decision per column
    duplicates: list[str] = field(default_factory=list)  # species files already in the folder twice
    report: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def columns_dropped(self) -> list:
        return [d for d in self.decisions if d.dropped]

    @property
    def partial(self) -> bool:
        """Rows refused, cells left out or columns not understood: the import did not take the whole table."""
        return bool(self.errors or self.dropped or self.columns_dropped)


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
    prefer: str | None = None  # one of PREFER: which category a cell naming several keeps
    photo_defaults: dict[str, str] = field(default_factory=dict)  # credit / licence for photos without one
    invert_common: bool = False  # the table writes common names head first ('Tiger, Amur')


def status_code(text: str) -> str | None:
    """The IUCN code a cell names ('EN', 'endangered', 'LR/cd' -> 'NT'); '' for not assessed; None if no category."""
    key = re.sub(r"[^a-z]", "", text.lower())
    if not key:
        return None
    if key.upper() in IUCN_CATEGORIES and key.upper() != "NE":
        return key.upper()
    if key in STATUS_NAMES and STATUS_NAMES[key] != "NE":
        return STATUS_NAMES[key]
    if key in OLD_CATEGORIES:
        return OLD_CATEGORIES[key][0]
    return "" if key in NOT_ASSESSED else None
