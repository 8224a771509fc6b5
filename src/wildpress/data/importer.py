"""`wildpress import`: spreadsheet and database rows -> species files, honestly.

Columns map to field paths (``name.common``, ``status.category``,
``range.countries``, ``measurements.sleep`` with a unit) from a mapping file,
``--map`` overrides and columns named like a field. Every cell is cleaned the
way real tables need (IUCN codes in any spelling, old Lower Risk categories,
country names, ``NA``/``-``/``?`` as missing, genus-level names) and every
substitution is written to the report; a row that cannot become a valid
species file is reported with its row, column and what to do, and the
others are written atomically, never over an existing file without ``force``.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..errors import UsageError, WildpressError
from ..safety.confine import Confinement, Refused, read_regular
from ..safety.outputs import OutputFolder
from .schema import MAX_ID, SPECIES_SCHEMA, UNITS
from .cleaning import (REPORT_HEADER, FIELDS, UNIT_WORDS, _QUANTITY, Substitution, RowError, Target, ImportResult, fold, slug, Options, _Row)
from .tables import QUOTE_CHARS, Table, quote_cell, read_table
from .yamlsafe import YAMLProblem, load_file


# Column names (folded) that mean a field although they are not spelled like it.
ALIASES = {
    "common": "name.common", "name": "name.common", "commonname": "name.common", "vernacularname": "name.common",
    "species": "name.scientific", "scientific": "name.scientific", "scientificname": "name.scientific",
    "binomial": "name.scientific", "latinname": "name.scientific", "taxon": "name.scientific",
    "othernames": "name.other", "synonyms": "name.other",
    "status": "status.category", "iucn": "status.category", "iucnstatus": "status.category",
    "redlist": "status.category", "redlistcategory": "status.category", "redliststatus": "status.category", "category": "status.category",
    "conservation": "status.category", "conservationstatus": "status.category", "iucncategory": "status.category",
    "assessmentyear": "status.year", "group": "taxon.group", "class": "taxon.class", "order": "taxon.order",
    "family": "taxon.family", "countries": "range.countries", "country": "range.countries",
    "range": "range.countries", "rangecountries": "range.countries", "distribution": "range.countries",
    "region": "range.region", "population": "population.text", "trend": "population.trend",
    "populationtrend": "population.trend", "facts": "quick_facts", "quickfacts": "quick_facts",
    "source": "sources", "website": "links.more_info", "url": "links.more_info", "donate": "links.donate",
}


def parse_target(spec: str | dict, where: str) -> Target | None:
    """'name.common', 'measurements.sleep:h', {field: ..., unit: ..., label: ...}; 'ignore' or None skips."""
    if spec is None or (isinstance(spec, str) and spec.strip().lower() in ("ignore", "skip", "")):
        return None
    if isinstance(spec, dict):
        unknown = set(spec) - {"field", "unit", "label"}
        if unknown or "field" not in spec:
            raise UsageError(f"{where}: a column maps to {{field: ..., unit: ..., label: ...}}")
        target = Target(str(spec["field"]), spec.get("unit"), spec.get("label"))
    else:
        path, _, unit = str(spec).partition(":")
        target = Target(path.strip(), unit.strip() or None)
    if target.field.startswith("measurements."):
        key = target.field.split(".", 1)[1]
        if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            raise UsageError(f"{where}: measurement key {key!r} must be lower-case letters, digits and _")
        if target.unit is not None:
            unit = UNIT_WORDS.get(str(target.unit).lower(), str(target.unit))
            if unit not in UNITS:
                raise UsageError(f"{where}: unknown unit {target.unit!r}; use one of {', '.join(sorted(UNITS))}")
            target.unit = unit
        return target
    if target.field not in FIELDS:
        raise UsageError(f"{where}: unknown field {target.field!r}; use one of {', '.join(sorted(FIELDS))}, "
                         "measurements.KEY:UNIT or ignore")
    return target


def load_mapping(path: Path | None, confinement: Confinement, overrides: list[str],
                 separators: list[str] | None, missing: list[str] | None = None) -> Options:
    """The mapping file (if any), then ``--map COLUMN=FIELD`` overrides and command-line options."""
    opts = Options()
    if path is not None:
        try:  # the same strict loader as species files: no tags, no aliases, size-capped, confined
            doc = load_file(path, confinement).data or {}
        except YAMLProblem as exc:
            raise UsageError(str(exc.problem)) from None
        if not isinstance(doc, dict):
            raise UsageError(f"{path}: a mapping file is a mapping with `columns:` (and optional separators, "
                             "missing, defaults, source)")
        unknown = set(doc) - {"columns", "separators", "missing", "defaults", "source"}
        if unknown:
            raise UsageError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; use columns, separators, "
                             "missing, defaults, source")
        for column, spec in (doc.get("columns") or {}).items():
            opts.columns[str(column)] = parse_target(spec, f"{path}: columns.{column}")
        if doc.get("separators"):
            opts.separators = [str(s) for s in doc["separators"]]
        opts.missing |= {str(m).strip().lower() for m in doc.get("missing") or []}
        for key, value in (doc.get("defaults") or {}).items():
            parse_target(key, f"{path}: defaults.{key}")
            opts.defaults[str(key)] = str(value)
        if doc.get("source") is not None:
            src = doc["source"]
            opts.source = {"title": src} if isinstance(src, str) else dict(src)
    for pair in overrides:
        column, eq, spec = pair.partition("=")
        if not eq or not column.strip():
            raise UsageError(f"--map {pair!r}: write COLUMN=FIELD, e.g. --map 'Red List=status.category'")
        opts.columns[column.strip()] = parse_target(spec, f"--map {pair}")
    if separators:
        opts.separators = list(separators)
    opts.missing |= {m.strip().lower() for m in missing or []}
    return opts


def _match_columns(table: Table, opts: Options, result: ImportResult) -> dict[str, Target]:
    """Column -> target: the mapping first, then columns named like a field."""
    mapped: dict[str, Target] = {}
    leaves: dict[str, list[str]] = {}
    for f in FIELDS:
        leaves.setdefault(fold(f.split(".")[-1]), []).append(f)
    by_fold = {k: v[0] for k, v in leaves.items() if len(v) == 1} | {fold(f): f for f in FIELDS} | ALIASES
    unknown = [c for c in opts.columns if c not in table.columns and fold(c) not in {fold(t) for t in table.columns}]
    if unknown:
        raise UsageError(f"{table.name}: the mapping names columns the table does not have: {', '.join(unknown)}; "
                         f"its columns are {', '.join(table.columns)}")
    explicit = {fold(c): t for c, t in opts.columns.items()}
    for column in table.columns:
        if fold(column) in explicit:
            if explicit[fold(column)] is not None:
                mapped[column] = explicit[fold(column)]
        elif fold(column) in by_fold and by_fold[fold(column)] not in {t.field for t in mapped.values()}:
            mapped[column] = Target(by_fold[fold(column)])
    if "name.scientific" not in {t.field for t in mapped.values()}:
        genus = next((c for c in table.columns if fold(c) == "genus" and c not in mapped), None)
        if genus:  # a genus column and no species column: genus-level records, said so in the report
            mapped[genus] = Target("name.scientific")
            result.notes.append(f"no scientific-name column: column {genus!r} gives genus-level names")
    left = [c for c in table.columns if c not in mapped and fold(c) not in explicit]
    for column in left:
        target = _numeric_column(table, column, opts)
        if isinstance(target, Target):
            mapped[column] = target
            result.notes.append(f"column {column!r} holds figures: imported as {target.field} in {target.unit}")
        else:
            result.notes.append(f"column {column!r} not imported ({target}); map it with --map '{column}=FIELD' "
                                f"or set it to ignore in the mapping file")
    return mapped


def _numeric_column(table: Table, column: str, opts: Options) -> Target | str:
    values = [v for _, row in table.rows if (v := row.get(column)) and v.strip().lower() not in opts.missing]
    if not values or not all(_QUANTITY.match(v) for v in values):
        return "not a field name, and not all figures"
    units = {(_QUANTITY.match(v)["unit"] or "").lower() for v in values} - {""}
    words = [w for w in re.split(r"[^a-z0-9]+", column.lower()) if w]
    from_name = next((UNIT_WORDS[w] for w in reversed(words) if w in UNIT_WORDS), None)
    unit = UNIT_WORDS.get(units.pop()) if len(units) == 1 else from_name
    if unit is None:
        return "figures without a unit in the column name or the cells; give one, e.g. measurements.KEY:h"
    key_words = [w for w in words if w not in UNIT_WORDS] or words
    key = re.sub(r"^[^a-z]+", "", "_".join(key_words)) or "value"
    return Target(f"measurements.{key}", unit)


def _schema_errors(data: dict) -> list[str]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(SPECIES_SCHEMA)
    out = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in err.path) or "record"
        out.append(f"{where}: {err.message}")
    return out


def _dump(data: dict, table: str, label: str) -> bytes:
    order = list(SPECIES_SCHEMA["properties"])
    data = {k: data[k] for k in sorted(data, key=lambda k: order.index(k) if k in order else len(order))}
    head = f"# Imported by `wildpress import` from {table}, {label}. Check it, then edit freely.\n"
    return (head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)).encode()


def _row_record(label: str, cells: dict, opts, columns: dict, source: dict, result: ImportResult,
                marked: dict) -> dict | None:
    """The species record of one row, checked against the schema; None (its errors in ``result``) if bad.
    Missing-value markers met are counted in ``marked`` by (column, value)."""
    row = _Row(label, opts, result)
    if "" in cells and len(cells) == 1:
        result.errors.append(RowError(label, "", cells[""]))
        return None
    for path, value in opts.defaults.items():
        row.cell("(default)", parse_target(path, "defaults"), value)
    for column, target in columns.items():
        value = cells.get(column)
        if row.missing(value):
            if target.field == "status.category":
                row.sub(column, value or "", "(no status)", "no category given: no status is printed")
            elif value:
                marked.setdefault((column, value), []).append(label)
            continue
        row.cell(column, target, value)
    data = row.data
    if "status" in data and "category" not in data["status"]:
        data.pop("status")  # a scope without a category (or a not-assessed record) prints nothing
    name = data.setdefault("name", {})
    if "scientific" not in name and not any(e.column and columns.get(e.column, Target("")).field ==
                                            "name.scientific" for e in row.errors):
        sci_col = next((c for c, t in columns.items() if t.field == "name.scientific"), "")
        row.error(sci_col, "no scientific name: every species file needs one ('Genus species' or a genus)")
    if "common" not in name and "scientific" in name:
        name["common"] = name["scientific"]
        common_col = next((c for c, t in columns.items() if t.field == "name.common"), "(none)")
        row.sub(common_col, "", name["scientific"], "no common name: the scientific name is used")
    data.setdefault("sources", [dict(source)])
    if not row.errors:
        row.errors += [RowError(label, "", f"{msg}") for msg in _schema_errors(data)]
    if row.errors:
        result.errors += row.errors
        return None
    return data


def import_table(table_path: Path | str, out_dir: Path | str = "data/species", mapping: Path | None = None,
                 overrides: list[str] | None = None, separators: list[str] | None = None,
                 missing: list[str] | None = None, key: str | None = None, sheet: str | None = None,
                 force: bool = False, report: Path | None = None, cwd: Path | None = None) -> ImportResult:
    """Import every row of ``table_path`` into ``out_dir``; returns what was written, errors and substitutions."""
    table_path, out_dir, cwd = Path(table_path), Path(out_dir), Path(cwd or Path.cwd())
    OutputFolder(out_dir).check()  # a linked output folder is refused before anything is read
    confinement = Confinement.for_project(cwd, [table_path] + ([mapping] if mapping else []))
    opts = load_mapping(Path(mapping) if mapping else None, confinement, list(overrides or []), separators, missing)
    table = read_table(table_path, confinement, key=key, sheet=sheet)
    result = ImportResult(table.name)
    columns = _match_columns(table, opts, result)
    fields = {t.field for t in columns.values()}
    for need in ("name.scientific",):
        if need not in fields and need not in opts.defaults:
            raise UsageError(f"{table.name}: no column holds {need}; its columns are {', '.join(table.columns)}; "
                             f"map one with --map 'COLUMN={need}'")
    if "status.category" not in fields:
        result.notes.append("no column holds an IUCN category: the species files have no status, and print none")
    source = opts.source or {"title": f"Imported from {table.name}"}
    if "sources" not in fields:
        result.notes.append(f"every species cites {source['title']!r}" + ("" if opts.source else
                            " (the table itself: add the real sources later)"))
    ids: dict[str, str] = {}
    marked: dict[tuple[str, str], list[str]] = {}
    planned: list[tuple[Path, bytes, str, str]] = []
    for label, cells in table.rows:
        seen = (len(result.errors), len(result.substitutions))
        data = _row_record(label, cells, opts, columns, source, result, marked)
        _shorten_quotes(result, seen, cells)
        if data is None:
            continue
        name = data["name"]
        base = data.pop("id", None) or slug(str(name["common"] if isinstance(name["common"], str)
                                                else next(iter(name["common"].values())))) or slug(name["scientific"])
        species_id, n = base, 2
        while species_id.casefold() in ids:
            species_id = f"{base[:MAX_ID - 4]}-{n}"
            n += 1
        if species_id != base:
            result.substitutions.append(Substitution(label, "id", base, species_id,
                                                     f"the id {base!r} is already used by {ids[base]}"))
        ids[species_id.casefold()] = label
        planned.append((out_dir / f"{species_id}.yaml", _dump(data, table.name, label), label, species_id))
    for (column, value), labels in marked.items():
        result.notes.append(f"column {column!r}: {value!r} is a missing-value marker in {len(labels)} rows "
                            f"({', '.join(labels[:3])}{', …' if len(labels) > 3 else ''}): left out")
    folder = OutputFolder(out_dir).check()  # never written through a link (a linked data/species)
    for path, data, label, _ in planned:
        if (path.exists() or path.is_symlink()) and not force:
            result.errors.append(RowError(label, "", f"{path} exists; not overwriting it (use --force)"))
            continue
        try:
            folder.write(path.name, data, force=True)
        except WildpressError as exc:
            result.errors.append(RowError(label, "", str(exc)))
            continue
        result.written.append(path)
    result.report = Path(report) if report else out_dir / "import-report.txt"
    _write_report(result, force, OutputFolder(result.report.parent).check())
    return result


def _short_text(text: str, cells: dict) -> str:
    """``text`` with every long cell of the row in it quoted as :func:`quote_cell` does; at most ~600 characters."""
    for value in cells.values():
        if isinstance(value, str) and len(value) > QUOTE_CHARS:
            text = text.replace(repr(value), quote_cell(value)).replace(value, quote_cell(value)[1:-1])
    if len(text) > 3 * QUOTE_CHARS:  # a long value not from a cell (e.g. joined or cleaned): keep both ends
        text = f"{text[:QUOTE_CHARS]}… ({len(text)} characters) …{text[-QUOTE_CHARS:]}"
    return text


def _shorten_quotes(result: ImportResult, seen: tuple[int, int], cells: dict) -> None:
    """Reports and messages quote at most QUOTE_CHARS characters of a cell: shorten what this row added."""
    for error in result.errors[seen[0]:]:
        error.reason = _short_text(error.reason, cells)
    for sub in result.substitutions[seen[1]:]:
        for name in ("before", "after"):
            value = getattr(sub, name)
            if len(value) > QUOTE_CHARS:
                setattr(sub, name, f"{value[:QUOTE_CHARS]}… ({len(value)} characters)")
        sub.why = _short_text(sub.why, cells)


def _write_report(result: ImportResult, force: bool, folder: "OutputFolder") -> None:
    path = result.report
    if path.exists() and not force:
        try:
            head = read_regular(path, 16 * 1024 * 1024)  # never a FIFO or a device, never a huge file
            ours = head.decode("utf-8", "replace").startswith(REPORT_HEADER)
        except (OSError, Refused):
            ours = False
        if not ours:
            raise WildpressError(f"{path} exists and is not an import report; not overwriting it "
                                 "(use --report FILE or --force)")
    folder.write(path.name, result.text().encode(), force=True)
