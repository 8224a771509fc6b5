"""One table row becoming species data: every cell cleaned, every change and problem recorded.

A cell that cannot be used is reported against its column and the row is kept
without it, except for the scientific name, which every species file needs.
"""

from __future__ import annotations

import re

from . import countries as _countries
from .cells import group_of, html_to_text, inverted, looks_like_html, rank_title, split_authority
from .cleaning import (LIST_FIELDS, NAME_PARTS, NOT_ASSESSED, OLD_CATEGORIES, STATUS_NAMES, THREAT_ORDER, UNIT_WORDS,
                       _QUANTITY, ImportResult, Options, RowError, Substitution, Target, status_code)
from .schema import ID_PATTERN, IUCN_CATEGORIES, SCHEMA_VERSION, SCIENTIFIC_PATTERN, UNITS

CATEGORY_HINT = ("write one of EX, EW, CR, EN, VU, NT, LC, DD, or NE (not evaluated: no status is printed), "
                 "or leave it empty")
_GLOBAL_SCOPES = {"global", "world", "worldwide", "whole species"}


class Row:
    """One row being converted: cleaned values go into ``data``; problems into ``errors`` (they keep the row
    only when ``fatal`` is False)."""

    def __init__(self, label: str, opts: Options, result: ImportResult):
        self.label, self.opts, self.result = label, opts, result
        self.data: dict = {"schema": SCHEMA_VERSION}
        self.parts: dict[str, str] = {}  # name.genus / name.epithet / name.subspecies cells
        self.errors: list[RowError] = []  # the row cannot be written
        self.dropped: list[RowError] = []  # a cell left out, the row kept

    def error(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.label, column, reason))

    def drop(self, column: str, reason: str, kept: str = "; the row is kept without it") -> None:
        """A cell (or part of one) that cannot be used: reported, the rest of the row kept."""
        self.dropped.append(RowError(self.label, column, reason + kept))

    def sub(self, column: str, before: str, after, why: str) -> None:
        self.result.substitutions.append(Substitution(self.label, column, before, str(after), why))

    def put(self, path: str, value) -> None:
        node = self.data
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value

    def get(self, path: str):
        node = self.data
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def missing(self, value: str | None) -> bool:
        return value is None or value.strip().lower() in self.opts.missing

    def split(self, value: str) -> list[str]:
        pattern = "|".join(re.escape(s) for s in self.opts.separators)
        return [p.strip() for p in re.split(pattern, value) if p.strip() and not self.missing(p)]

    def text(self, column: str, value: str) -> str:
        """A text cell: HTML (a CMS export) becomes its text, with a note; never printed as markup."""
        if looks_like_html(value):
            plain = html_to_text(value)
            self.sub(column, value, plain, "HTML in the cell: only its text is kept")
            return plain
        return value.strip()

    def cell(self, column: str, target: Target, value: str) -> None:
        f = target.field
        handler = _HANDLERS.get(f)
        if handler:
            return handler(self, column, value)
        if f in NAME_PARTS:
            self.parts[f] = value.strip()
            return None
        if f.startswith("measurements."):
            return self.measurement(column, target, value)
        if f in LIST_FIELDS:
            items = [self.text(column, i) for i in self.split(value)]
            if f == "threats":
                items = [{"name": i} for i in items]
            elif f == "sources":
                items = [{"title": i} for i in items]
            return self.put(f, items) if items else None
        if f in ("taxon.order", "taxon.family"):
            return self.put(f, rank_title(value))
        if f == "id" and not re.match(ID_PATTERN, value):
            return self.error(column, f"id {value!r}: use lower-case letters and digits joined by hyphens")
        self.put(f, self.text(column, value))

    def year(self, column: str, value: str, field: str) -> None:
        found = re.fullmatch(r"\s*(\d{4})(?:[-/.]\d{1,2}(?:[-/.]\d{1,2})?)?(?:[T ].*)?\s*", value)
        if not found:
            return self.drop(column, f"{value!r} is not a year; write four digits, e.g. 2016")
        self.put(field, int(found[1]))

    def trend(self, column: str, value: str) -> None:
        trend = value.strip().lower()
        if trend not in ("increasing", "decreasing", "stable", "unknown"):
            return self.drop(column, f"trend {value!r}: write increasing, decreasing, stable or unknown")
        self.put("population.trend", trend)

    def group(self, column: str, value: str) -> None:
        group = group_of(value)
        if group is None:
            return self.drop(column, f"{value!r} is not a taxon group wildpress knows; write mammal, bird, "
                                     "reptile, amphibian, fish, insect, invertebrate, plant or fungus (or a class "
                                     "such as Mammalia)")
        if value.strip() != group:
            self.sub(column, value, group, "taxon group")
        self.put("taxon.group", group)

    def taxon_class(self, column: str, value: str) -> None:
        self.put("taxon.class", rank_title(value))
        group = group_of(value)
        if group and self.get("taxon.group") is None:
            self.put("taxon.group", group)

    def common(self, column: str, value: str) -> None:
        text = self.text(column, value)
        turned = inverted(text) if self.opts.invert_common else None
        if turned:
            self.sub(column, text, turned, "the table writes names head first")
        self.put("name.common", turned or text)

    def photo_cell(self, column: str, value: str, key: str) -> None:
        """Photo cells are kept as written; the photo linker resolves them once the row is complete."""
        self.put(f"photo.{key}", value.strip())

    def region(self, column: str, value: str) -> None:
        text = self.text(column, value)
        if text.lower() in _GLOBAL_SCOPES:
            return None  # the global Red List: no region is printed
        self.put("status.region", text)

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
        code = status_code(text)
        if code is None:
            return self.several_statuses(column, value, text)
        if code == "":
            self.data.pop("status", None)
            self.sub(column, value, "(no status)", f"{NOT_ASSESSED[key]}: no IUCN assessment, so no status is printed")
            return None
        if key in OLD_CATEGORIES:
            self.sub(column, text, code, OLD_CATEGORIES[key][1])
        elif text != code:
            self.sub(column, text, code, "IUCN category code" if key.upper() == code else
                     f"IUCN category {IUCN_CATEGORIES[code]}")
        self.put("status.category", code)
        if scope:
            self.put("status.scope", scope[2].strip())

    def several_statuses(self, column: str, value: str, text: str) -> None:
        """'least concern, vulnerable': the cell is reported; the row keeps no status unless --prefer chooses."""
        key = re.sub(r"[^a-z]", "", text.lower())
        if key in OLD_CATEGORIES:  # 'threatened'
            return self.drop(column, OLD_CATEGORIES[key][1])
        parts = [p for p in re.split(r"\s*(?:[,;/|&]|\band\b|\bor\b|\bto\b)\s*", text, flags=re.I) if p.strip()]
        codes = [status_code(p) for p in parts]
        if len(parts) < 2 or any(c is None for c in codes):
            return self.drop(column, f"{value!r} is not an IUCN Red List category; {CATEGORY_HINT}")
        codes = list(dict.fromkeys(c for c in codes if c))
        if len(codes) == 1:
            self.sub(column, value, codes[0], "the same category written twice")
            return self.put("status.category", codes[0])
        prefer = self.opts.prefer
        if prefer is None:
            return self.drop(column, f"{value!r} names {len(codes)} categories ({', '.join(codes)}); keep one, or "
                                     "choose with --prefer first|last|most-threatened|least-threatened")
        ranked = sorted(codes, key=THREAT_ORDER.index)
        chosen = {"first": codes[0], "last": codes[-1], "most-threatened": ranked[0],
                  "least-threatened": ranked[-1]}[prefer]
        self.sub(column, value, chosen, f"several categories in the cell: --prefer {prefer}")
        self.put("status.category", chosen)

    def scientific(self, column: str, value: str) -> None:
        name = re.sub(r"\s+", " ", value.replace("_", " ")).strip()
        name = re.sub(r" (spp?)\.?$", r" \1.", name)
        if name[:1].islower():
            name = name[:1].upper() + name[1:]
        name, authority = split_authority(name)
        if authority:
            self.sub(column, value, name, f"the authority {authority!r} is kept apart, as name.authority")
            if self.get("name.authority") is None:
                self.put("name.authority", authority)
        elif name != value:
            self.sub(column, value, name, "scientific names are written 'Genus species', a genus alone "
                                          "or 'Genus sp.'")
        if not re.match(SCIENTIFIC_PATTERN, name):
            return self.error(column, f"{value!r} is not a scientific name: write 'Genus species', "
                                      "'Genus species subspecies' or a genus alone ('Microtus', 'Microtus sp.')")
        self.put("name.scientific", name)

    def authority(self, column: str, value: str) -> None:
        """An authority column, or the names-with-authorities column beside a plain one: the authority alone."""
        text = re.sub(r"\s+", " ", value).strip()
        _, authority = split_authority(text)
        if authority or re.search(r"\d{4}|[A-Z]", text):
            self.put("name.authority", authority or text)

    def countries(self, column: str, value: str) -> None:
        sure, maybe = [], []
        kept, more = _countries.cut_list(value)
        if more:
            self.drop(column, f"the list {value!r} is cut short ({more} are not in the cell)",
                      kept="; the countries written are kept: add the others by hand")
            value = kept
        for written in self._country_items(value):
            match = _countries.lookup(written)
            if match.code is None:
                self.drop(column, f"{written!r} is not a country wildpress knows; write its name in English "
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

    def _country_items(self, value: str) -> list[str]:
        """Items split at the separators, then at the commas that part two countries."""
        return _countries.join_commas(self.split(value))

    def measurement(self, column: str, target: Target, value: str) -> None:
        match = _QUANTITY.match(value.strip())
        if not match:
            return self.drop(column, f"{value!r} is not a figure (write e.g. 12.5, 2-3 or 65 days)")
        unit = target.unit or next((UNIT_WORDS[w] for w in reversed(re.split(r"[^a-z0-9]+", column.lower()))
                                    if w in UNIT_WORDS), None)
        if match["unit"]:
            written = UNIT_WORDS.get(match["unit"].lower(), match["unit"])
            if written not in UNITS:
                return self.drop(column, f"unknown unit {match['unit']!r}; use one of {', '.join(sorted(UNITS))}")
            unit = written
        if unit is None:
            return self.drop(column, f"{value!r} has no unit; write it in the cell (e.g. '12 h') or map the "
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

    def join_name_parts(self, columns: dict[str, Target]) -> None:
        """Genus, epithet and subspecies columns folded into name.scientific (a trinomial where one is given)."""
        column = next((c for c, t in columns.items() if t.field in NAME_PARTS), "")
        name = self.get("name.scientific")
        if name is None and self.parts.get("name.genus"):
            name = " ".join(p for p in (self.parts.get("name.genus", "").capitalize(),
                                        self.parts.get("name.epithet", "").lower()) if p)
            self.scientific(column, name)
            name = self.get("name.scientific")
        sub = self.parts.get("name.subspecies", "").strip().lower()
        if name and sub and len(name.split()) == 2 and re.fullmatch(r"[a-z][a-z-]+", sub):
            self.put("name.scientific", f"{name} {sub}")
            self.sub(column, name, f"{name} {sub}", "the subspecies column is folded into a trinomial")


_HANDLERS = {
    "status.category": Row.status,
    "status.year": lambda row, c, v: row.year(c, v, "status.year"),
    "population.year": lambda row, c, v: row.year(c, v, "population.year"),
    "population.trend": Row.trend,
    "status.region": Row.region,
    "taxon.group": Row.group,
    "taxon.class": Row.taxon_class,
    "name.scientific": Row.scientific,
    "name.authority": Row.authority,
    "range.countries": Row.countries,
    "name.common": Row.common,
    "photo.file": lambda row, c, v: row.photo_cell(c, v, "file"),
    "photo.credit": lambda row, c, v: row.photo_cell(c, v, "credit"),
    "photo.licence": lambda row, c, v: row.photo_cell(c, v, "licence"),
    "photo.alt": lambda row, c, v: row.photo_cell(c, v, "alt"),
    "gallery": lambda row, c, v: row.put("gallery", row.split(v)),
}
