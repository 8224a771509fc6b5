"""Which column holds which field: by its name, and by what its cells hold.

A table's column names are a hint, not a promise: a zoo list's ``taxon`` column
holds "Mammal" and "Bird", an IUCN download's ``assessment`` column holds
"EN", a GBIF table's ``scientificName`` carries authorities while
``canonicalName`` beside it does not. So every column is profiled (what share
of its cells are binomials, IUCN categories, countries, taxon groups, trends)
and one :class:`Decision` is made per column, with the reason the report and
the terminal print ("`scientific_name` -> name.scientific: 285 of 285 cells
are binomials").

Rules, in order: what the user mapped (mapping file, ``--map``) stands; a name
that means a field (Darwin Core, IUCN export, GBIF names included) is taken
unless the cells contradict it; the column with the most binomials is the
scientific name; unnamed columns whose cells are nearly all of one kind take
that kind's field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import countries as _countries
from .cells import GROUP_WORDS
from .cleaning import FIELDS, Target, fold, status_code
from .schema import SCIENTIFIC_PATTERN
from .tables import Table

# Column names (folded) that mean a field although they are not spelled like it.
ALIASES = {
    "common": "name.common", "name": "name.common", "commonname": "name.common", "vernacularname": "name.common",
    "englishname": "name.common", "maincommonname": "name.common", "animal": "name.common",
    "animalname": "name.common", "speciescommonname": "name.common", "about": "description",
    "where": "range.countries", "wherefound": "range.countries", "foundin": "range.countries",
    "species": "name.scientific", "scientific": "name.scientific", "scientificname": "name.scientific",
    "binomial": "name.scientific", "latinname": "name.scientific", "latin": "name.scientific", "taxon": "name.scientific",
    "canonicalname": "name.scientific", "acceptedscientificname": "name.scientific", "taxonname": "name.scientific",
    "authority": "name.authority", "scientificnameauthorship": "name.authority", "author": "name.authority",
    "genus": "name.genus", "genusname": "name.genus", "specificepithet": "name.epithet",
    "speciesname": "name.epithet", "subspecies": "name.subspecies", "infraspecificepithet": "name.subspecies",
    "infraname": "name.subspecies", "othernames": "name.other", "synonyms": "name.other",
    "status": "status.category", "iucn": "status.category", "iucnstatus": "status.category",
    "redlist": "status.category", "redlistcategory": "status.category", "redliststatus": "status.category",
    "category": "status.category", "threatstatus": "status.category", "conservation": "status.category",
    "conservationstatus": "status.category", "iucncategory": "status.category", "assessment": "status.category",
    "redlistcriteria": "status.criteria", "criteria": "status.criteria",
    "assessmentyear": "status.year", "yearpublished": "status.year", "yearassessed": "status.year",
    "scope": "status.region", "scopes": "status.region", "assessmentscope": "status.region",
    "regionassessed": "status.region",
    "group": "taxon.group", "class": "taxon.class", "classname": "taxon.class", "order": "taxon.order",
    "ordername": "taxon.order", "family": "taxon.family", "familyname": "taxon.family",
    "countries": "range.countries", "country": "range.countries", "countrycode": "range.countries",
    "range": "range.countries", "rangecountries": "range.countries", "distribution": "range.countries",
    "region": "range.region", "population": "population.text", "trend": "population.trend",
    "populationtrend": "population.trend", "facts": "quick_facts", "quickfacts": "quick_facts",
    "source": "sources", "website": "links.more_info", "url": "links.more_info", "donate": "links.donate",
    "photo": "photo.file", "image": "photo.file", "picture": "photo.file", "photofile": "photo.file",
    "imagefile": "photo.file", "photocredit": "photo.credit", "credit": "photo.credit",
    "photographer": "photo.credit", "imagecredit": "photo.credit", "photolicence": "photo.licence",
    "photolicense": "photo.licence", "licence": "photo.licence", "license": "photo.licence",
    "imagelicence": "photo.licence", "imagelicense": "photo.licence", "photoalt": "photo.alt",
    "alttext": "photo.alt", "gallery": "gallery",
}
# Columns wildpress knows and deliberately does not print: recognised, never "dropped".
KNOWN_UNUSED = {
    "kingdom": "the kingdom", "kingdomname": "the kingdom", "phylum": "the phylum", "phylumname": "the phylum",
    "taxonid": "an identifier", "taxonkey": "an identifier", "specieskey": "an identifier", "gbifid": "an identifier",
    "internaltaxonid": "an identifier", "assessmentid": "an identifier", "id": None, "taxonrank": "the rank",
    "rank": "the rank", "infratype": "the rank", "taxonomicstatus": "the name's status",
    "possiblyextinct": "a Red List tag", "possiblyextinctinthewild": "a Red List tag",
    "assessmentdate": "a date (the year column is used)", "realm": "the realm", "systems": "the systems",
}
VIRTUAL_FIELDS = {"name.authority", "name.genus", "name.epithet", "name.subspecies"}
PROFILE_ROWS = 5000  # rows a column is profiled on (a decision by share needs no more; bounds the time)
SHARE = 0.8  # a column whose cells are this much of one kind takes that kind's field when its name says nothing
_TRENDS = {"increasing", "decreasing", "stable", "unknown"}
_BINOMIAL = re.compile(r"^[A-Z][a-z]+ (?:×\s)?[a-z][a-z-]+")


@dataclass
class Decision:
    """What was decided for one column, and why (one line of the report)."""

    column: str
    target: Target | None
    why: str
    dropped: bool = False  # not understood: counts against the import unless --allow-partial

    def __str__(self) -> str:
        into = self.target.field + (f" ({self.target.unit})" if self.target and self.target.unit else "") \
            if self.target else "not imported"
        return f"{self.column!r} -> {into}: {self.why}"


@dataclass
class Profile:
    """How many of a column's filled cells are of each kind."""

    filled: int
    binomial: int
    genus: int
    status: int
    country: int
    group: int
    trend: int
    examples: list[str]

    def share(self, kind: str) -> float:
        return getattr(self, kind) / self.filled if self.filled else 0.0

    def says(self, kind: str, noun: str) -> str:
        return f"{getattr(self, kind)} of {self.filled} cells are {noun}"


def profile(values: list[str]) -> Profile:
    """The kinds of ``values`` (the filled cells of one column)."""
    counts = dict.fromkeys(("binomial", "genus", "status", "country", "group", "trend"), 0)
    for value in values:
        text = value.strip()
        if _BINOMIAL.match(text):
            counts["binomial"] += 1
        elif re.fullmatch(SCIENTIFIC_PATTERN, text) and fold(text) not in GROUP_WORDS:
            counts["genus"] += 1
        folded = fold(text)
        if folded in GROUP_WORDS:
            counts["group"] += 1
        if folded in _TRENDS:
            counts["trend"] += 1
        if status_code(text) is not None:
            counts["status"] += 1
        if len(text) < 4000 and _countries.is_country_list(text):
            counts["country"] += 1
    return Profile(len(values), examples=list(dict.fromkeys(values))[:3], **counts)


def _by_name(column: str) -> str | None:
    """The field a column's name means, if any."""
    key = fold(column)
    if key in ALIASES:
        return ALIASES[key]
    leaves: dict[str, list[str]] = {}
    for f in FIELDS:
        leaves.setdefault(fold(f.split(".")[-1]), []).append(f)
    exact = {fold(f): f for f in FIELDS}
    if key in exact:
        return exact[key]
    found = leaves.get(key, [])
    return found[0] if len(found) == 1 else None


def _content_field(prof: Profile) -> tuple[str, str] | None:
    """The field a column's cells say it holds, with the reason; None when they say nothing clear."""
    if not prof.filled:
        return None
    kinds = [("binomial", "name.scientific", "binomials"), ("group", "taxon.group", "taxon groups"),
             ("status", "status.category", "IUCN categories"), ("trend", "population.trend", "trends"),
             ("country", "range.countries", "countries")]
    for kind, target, noun in kinds:
        if prof.share(kind) >= SHARE:
            return target, prof.says(kind, noun)
    return None


def decide(table: Table, explicit: dict[str, Target | None], missing: set[str]) -> list[Decision]:
    """One decision per column of ``table``; ``explicit`` is what the user mapped (folded name -> target)."""
    profiles = {c: profile([v for _, row in table.rows[:PROFILE_ROWS]
                            if (v := row.get(c)) and v.strip().lower() not in missing]) for c in table.columns}
    decisions: dict[str, Decision] = {}
    for column in table.columns:
        if fold(column) in explicit:
            target = explicit[fold(column)]
            decisions[column] = Decision(column, target, "as mapped" if target else "set to ignore")
    _choose_scientific(table, profiles, decisions)
    for column in table.columns:
        if column in decisions:
            continue
        prof, named = profiles[column], _by_name(column)
        taken = {d.target.field for d in decisions.values() if d.target}
        if named == "name.scientific":
            continue  # decided by _choose_scientific
        if named and named not in taken:
            decisions[column] = _named(column, named, prof)
        elif fold(column) in KNOWN_UNUSED:
            what = KNOWN_UNUSED[fold(column)]
            decisions[column] = Decision(column, None, f"{what or 'not a field'}: not printed by wildpress",
                                         dropped=what is None)
        elif named:
            decisions[column] = Decision(column, None, f"{named} comes from another column", dropped=True)
    _by_content(table, profiles, decisions)
    return [decisions[c] for c in table.columns if c in decisions]


def _named(column: str, field: str, prof: Profile) -> Decision:
    """A column whose name means ``field``, checked against its cells."""
    if field == "taxon.group" or field == "taxon.class":
        if prof.group and prof.share("group") >= 0.5:
            return Decision(column, Target(field), prof.says("group", "taxon groups or classes"))
    if field == "status.category" and prof.filled and prof.share("status") < 0.5:
        return Decision(column, None, f"named like a status, but only {prof.says('status', 'IUCN categories')}",
                        dropped=True)
    if field == "range.countries" and prof.filled and prof.share("country") < 0.5:
        return Decision(column, Target(field), f"by its name; only {prof.says('country', 'countries')}: check it")
    return Decision(column, Target(field), "by its name")


def _choose_scientific(table: Table, profiles: dict[str, Profile], decisions: dict[str, Decision]) -> None:
    """The scientific name: the column with the most binomials (named ones first), never a column of groups."""
    if any(d.target and d.target.field == "name.scientific" for d in decisions.values()):
        return
    named = [c for c in table.columns if c not in decisions and _by_name(c) == "name.scientific"]
    # by content only a column whose name means nothing else: "Amur leopard" looks like a binomial too
    others = [c for c in table.columns if c not in decisions and _by_name(c) is None and fold(c) not in KNOWN_UNUSED]
    pool = named + [c for c in others if profiles[c].share("binomial") >= SHARE]

    def score(column: str) -> tuple:
        prof = profiles[column]
        authored = sum(1 for v in prof.examples if re.search(r"\d{4}|\)$|[A-Z]\.?$", v.split(" ", 2)[-1])
                       and len(v.split()) > 2)
        return column in named, prof.share("binomial") + prof.share("genus") * 0.5, -authored

    ranked = sorted((c for c in pool if profiles[c].filled), key=score, reverse=True)
    best = next((c for c in ranked if profiles[c].share("binomial") + profiles[c].share("genus") >= 0.5), None)
    for column in named:
        prof = profiles[column]
        if column == best:
            continue
        if prof.share("group") >= 0.5:
            decisions[column] = Decision(column, Target("taxon.group"),
                                         f"named like a scientific name, but {prof.says('group', 'taxon groups')} "
                                         f"({', '.join(prof.examples)})")
        elif best and prof.share("binomial") >= 0.5 and not _taken(decisions, "name.authority"):
            decisions[column] = Decision(column, Target("name.authority"),
                                         f"the same names as {best!r} with their authorities: the authorities "
                                         "are kept")
        elif best:
            decisions[column] = Decision(column, None, f"{prof.says('binomial', 'binomials')}; "
                                         f"the scientific names come from {best!r}")
    if best:
        prof = profiles[best]
        how = "by its name; " if best in named else ""
        genera = f", {prof.genus} {'is a genus' if prof.genus == 1 else 'are genera'}" if prof.genus else ""
        decisions[best] = Decision(best, Target("name.scientific"), how + prof.says("binomial", "binomials") + genera)


def _taken(decisions: dict[str, Decision], field: str) -> bool:
    return any(d.target and d.target.field == field for d in decisions.values())


def _by_content(table: Table, profiles: dict[str, Profile], decisions: dict[str, Decision]) -> None:
    """Columns not decided by name: what their cells hold, when that is clear and the field is free."""
    for column in table.columns:
        if column in decisions:
            continue
        found = _content_field(profiles[column])
        if found and not _taken(decisions, found[0]):
            decisions[column] = Decision(column, Target(found[0]), found[1])
