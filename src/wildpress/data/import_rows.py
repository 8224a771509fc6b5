"""Rows -> planned species files: each row cleaned, checked, matched against the files already there.

A row becomes a record (:func:`row_record`); a record is planned (:class:`Planner`)
as a new file, an update of the file holding the same scientific name, or
nothing (unchanged, a duplicate of an earlier row, a clash with another file).
Nothing is written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .cleaning import ImportResult, Options, RowError, Target, slug
from .printable import UNPRINTABLE, strip_unprintable
from .reimport import Existing, diff, identity, merge
from .row import Row
from .schema import MAX_ID, SPECIES_SCHEMA

_FORMULA = re.compile(r"^\s*[=@+]\s*[A-Za-z_][\w.]*\s*[(!|]|^\s*=\s*[A-Z]{1,3}\d+")  # =SUM(, =cmd|, =A1
_KEEP_ROW = ("name", "schema", "sources")  # a schema error in these refuses the row; elsewhere drops the field


def schema_errors(data: dict) -> list[tuple[list, str]]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(SPECIES_SCHEMA)
    out = []
    for err in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.path]):
        out.append((list(err.path), f"{'.'.join(str(p) for p in err.path) or 'record'}: {err.message}"))
    return out


def dump(data: dict, table: str, label: str) -> bytes:
    order = list(SPECIES_SCHEMA["properties"])
    data = {k: data[k] for k in sorted(data, key=lambda k: order.index(k) if k in order else len(order))}
    head = f"# Imported by `wildpress import` from {table}, {label}. Check it, then edit freely.\n"
    return (head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)).encode()


def _column_of(columns: dict[str, Target], path: list) -> str:
    dotted = ".".join(str(p) for p in path if not isinstance(p, int))
    return next((c for c, t in columns.items() if dotted.startswith(t.field) or t.field.startswith(dotted)), "")


def _check(row: Row, columns: dict[str, Target]) -> None:
    """Schema problems: a bad field is left out with a message; a bad name or source refuses the row."""
    for _ in range(3):
        problems = schema_errors(row.data)
        if not problems:
            return
        for path, message in problems:
            if not path or path[0] in _KEEP_ROW:
                row.error(_column_of(columns, path), message)
                continue
            top = row.data.get(path[0])
            key = path[1] if isinstance(top, dict) and len(path) > 1 else None
            if key is not None and key in top:
                top.pop(key)
                if not top:
                    row.data.pop(path[0])
            else:
                row.data.pop(path[0], None)
            row.drop(_column_of(columns, path), message)
        if row.errors:
            return


def row_record(label: str, cells: dict, opts: Options, columns: dict[str, Target], source: dict,
               result: ImportResult, marked: dict, linker, position: int = 1) -> dict | None:
    """The species record of one row; None (its errors in ``result``) if it cannot be one.
    Missing-value markers met are counted in ``marked`` by (column, value)."""
    row = Row(label, opts, result)
    if "" in cells and len(cells) == 1:
        result.errors.append(RowError(label, "", cells[""]))
        return None
    for path, value in opts.defaults.items():
        row.cell("(default)", Target(path), value)
    for column, target in columns.items():
        value = cells.get(column)
        if value and UNPRINTABLE.search(value):
            clean = strip_unprintable(value)
            row.sub(column, value, clean, "control characters removed: they cannot be printed")
            value = clean
        if value and _FORMULA.match(value):
            row.drop(column, f"{value[:60]!r} is a spreadsheet formula, not its value; save the sheet with values "
                             "(in most programs: copy, paste special, values) and import again")
            continue
        unknown_trend = target.field == "population.trend" and (value or "").strip().lower() == "unknown"
        if row.missing(value) and not unknown_trend:
            if target.field == "status.category":
                row.sub(column, value or "", "(no status)", "no category given: no status is printed")
            elif value:
                marked.setdefault((column, value), []).append(label)
            continue
        row.cell(column, target, value)
    row.join_name_parts(columns)
    data = row.data
    if "status" in data and "category" not in data["status"]:
        data.pop("status")  # a scope without a category (or a not-assessed record) prints nothing
    name = data.setdefault("name", {})
    if "scientific" not in name and not row.errors:
        sci_col = next((c for c, t in columns.items() if t.field == "name.scientific"), "")
        row.error(sci_col, "no scientific name: every species file needs one ('Genus species' or a genus)")
    if "common" not in name and "scientific" in name:
        name["common"] = name["scientific"]
        common_col = next((c for c, t in columns.items() if t.field == "name.common"), "(none)")
        row.sub(common_col, "", name["scientific"], "no common name: the scientific name is used")
    data.setdefault("sources", [dict(source)])
    data["position"] = position  # decks follow the table's order
    if not row.errors:
        linker.link(row, columns)
        _check(row, columns)
    result.dropped += row.dropped
    if row.errors:
        result.errors += row.errors
        return None
    return data


@dataclass
class Plan:
    path: Path
    data: bytes
    label: str
    update: bool = False


@dataclass
class Planner:
    """Decides where each record goes: identity is the scientific name, in the table and in the folder."""

    out_dir: Path
    table: str
    fields: set[str]  # field paths the table's columns map to
    existing: dict[str, Existing]
    force: bool
    result: ImportResult
    plans: list[Plan] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)  # identity -> row label
    ids: dict[str, str] = field(default_factory=dict)  # file id -> row label

    def add(self, label: str, data: dict) -> None:
        key = identity(data["name"]["scientific"])
        if key in self.seen:
            self.result.errors.append(RowError(label, "", f"the same species ({data['name']['scientific']}) as "
                                                          f"{self.seen[key]}: imported once, from {self.seen[key]}"))
            return
        self.seen[key] = label
        old = self.existing.get(key)
        if old is not None:
            return self._update(label, data, old)
        given = data.pop("id", None)
        name = data["name"]
        common = name["common"] if isinstance(name["common"], str) else next(iter(name["common"].values()))
        base = given or slug(str(common)) or slug(name["scientific"])
        species_id = base
        if self._taken(species_id):  # another row's or another file's: the scientific name is unique
            species_id = slug(name["scientific"])
            n = 2
            while self._taken(species_id):
                species_id = f"{slug(name['scientific'])[:MAX_ID - 4]}-{n}"
                n += 1
            other = self.ids.get(base, f"{base}.yaml")
            self.result.substitutions.append(_id_sub(label, base, species_id, other))
        self.ids[species_id] = label
        path = self.out_dir / f"{species_id}.yaml"
        if (path.exists() or path.is_symlink()) and not self.force:
            self.result.errors.append(RowError(label, "", f"{path} exists and is not a species file this "
                                                          "import can read; not overwriting it (use --force)"))
            return
        self.plans.append(Plan(path, dump(data, self.table, label), label))

    def _taken(self, species_id: str) -> bool:
        """Used by an earlier row, or by a file holding another species."""
        return species_id in self.ids or any(e.path.stem == species_id for e in self.existing.values())

    def _update(self, label: str, data: dict, old: Existing) -> None:
        merged = merge(old.data, data, self.fields)
        self.ids[old.path.stem] = label
        if merged == old.data:
            self.result.unchanged.append(old.path)
            return
        new_bytes = dump(merged, self.table, label)
        if old.commented and not self.force:
            change = diff(old.text, new_bytes.decode(), old.path.name)
            self.result.errors.append(RowError(label, "", f"{old.path} has comments of its own that updating it "
                                                          f"would lose; not updated (use --force):\n{change}"))
            return
        self.plans.append(Plan(old.path, new_bytes, label, update=True))


def _id_sub(label: str, base: str, species_id: str, other: str):
    from .cleaning import Substitution

    return Substitution(label, "id", base, species_id, f"the id {base!r} is already used by {other}")
