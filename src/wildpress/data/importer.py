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

from ..errors import UsageError, WildpressError
from ..safety.confine import Confinement, Refused, read_regular
from ..safety.outputs import OutputFolder
from .cells import inverted
from .cleaning import REPORT_HEADER, FIELDS, PREFER, UNIT_WORDS, _QUANTITY, RowError, Target, ImportResult, fold, Options
from .columns import Decision, decide
from .import_photos import PhotoLinker, photo_index
from .import_report import report_text, rows_text
from .import_rows import Planner, row_record
from .reimport import existing_species
from .schema import UNITS
from .tables import QUOTE_CHARS, Table, quote_cell, read_table
from .yamlsafe import YAMLProblem, load_file


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
        unknown = set(doc) - {"columns", "separators", "missing", "defaults", "source", "prefer"}
        if unknown:
            raise UsageError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; use columns, separators, "
                             "missing, defaults, source, prefer")
        if doc.get("prefer") is not None:
            if doc["prefer"] not in PREFER:
                raise UsageError(f"{path}: prefer: write one of {', '.join(PREFER)}")
            opts.prefer = doc["prefer"]
        for column, spec in (doc.get("columns") or {}).items():
            opts.columns[str(column)] = parse_target(spec, f"{path}: columns.{column}")
        if doc.get("separators"):
            opts.separators = [str(s) for s in doc["separators"]]
        opts.missing |= {str(m).strip().lower() for m in doc.get("missing") or []}
        for key, value in (doc.get("defaults") or {}).items():
            parse_target(key, f"{path}: defaults.{key}")
            if str(key) in ("photo.credit", "photo.licence", "photo.alt"):  # only for rows that have a photo
                opts.photo_defaults[str(key)] = str(value)
            elif str(key) in ("photo.file", "gallery"):
                raise UsageError(f"{path}: defaults.{key}: a photo is per row (a photo column or --photos DIR)")
            else:
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


def _match_columns(table: Table, opts: Options, result: ImportResult) -> dict[str, Target]:
    """Column -> target, one reported decision per column (see :mod:`wildpress.data.columns`)."""
    unknown = [c for c in opts.columns if c not in table.columns and fold(c) not in {fold(t) for t in table.columns}]
    if unknown:
        raise UsageError(f"{table.name}: the mapping names columns the table does not have: {', '.join(unknown)}; "
                         f"its columns are {', '.join(table.columns)}")
    decisions = decide(table, {fold(c): t for c, t in opts.columns.items()}, opts.missing)
    decided = {d.column for d in decisions}
    for column in table.columns:
        if column in decided:
            continue
        target = _numeric_column(table, column, opts)
        if isinstance(target, Target):
            decisions.append(Decision(column, target, f"its cells are figures in {target.unit}"))
        else:
            decisions.append(Decision(column, None, f"{target}; map it with --map '{column}=FIELD' or set it to "
                                                    "ignore in the mapping file", dropped=True))
    order = {c: i for i, c in enumerate(table.columns)}
    result.decisions = sorted(decisions, key=lambda d: order[d.column])
    mapped = {d.column: d.target for d in result.decisions if d.target}
    fields = {t.field for t in mapped.values()}
    if "name.scientific" not in fields and "name.genus" in fields:
        genus = next(c for c, t in mapped.items() if t.field == "name.genus")
        result.notes.append(f"no scientific-name column: column {genus!r} gives "
                            + ("the names with the epithet column" if "name.epithet" in fields else
                               "genus-level names"))
    return mapped


def _inverted_names(table: Table, columns: dict[str, Target], opts: Options, result: ImportResult) -> None:
    """A common-name column written head first ('Tiger, Amur') throughout is turned around, with a note."""
    column = next((c for c, t in columns.items() if t.field == "name.common"), None)
    if column is None:
        return
    values = [v.strip() for _, row in table.rows if (v := row.get(column)) and v.strip().lower() not in opts.missing]
    turned = [inverted(v) for v in values]
    if len(values) >= 2 and sum(t is not None for t in turned) >= 0.6 * len(values):
        opts.invert_common = True
        example = next(f"{v!r} -> {t!r}" for v, t in zip(values, turned) if t)
        result.notes.append(f"column {column!r} writes names head first ({example}): they are turned around")


def import_table(table_path: Path | str, out_dir: Path | str = "data/species", mapping: Path | None = None,
                 overrides: list[str] | None = None, separators: list[str] | None = None,
                 missing: list[str] | None = None, key: str | None = None, sheet: str | None = None,
                 force: bool = False, report: Path | None = None, cwd: Path | None = None,
                 prefer: str | None = None, photos: Path | None = None) -> ImportResult:
    """Import every row of ``table_path`` into ``out_dir``; returns what was written, errors and substitutions."""
    table_path, out_dir, cwd = Path(table_path), Path(out_dir), Path(cwd or Path.cwd())
    OutputFolder(out_dir).check()  # a linked output folder is refused before anything is read
    named = [table_path] + ([mapping] if mapping else []) + ([photos] if photos else [])
    confinement = Confinement.for_project(cwd, named)
    opts = load_mapping(Path(mapping) if mapping else None, confinement, list(overrides or []), separators, missing)
    opts.prefer = prefer or opts.prefer
    table = read_table(table_path, confinement, key=key, sheet=sheet)
    result = ImportResult(table.name)
    columns = _match_columns(table, opts, result)
    fields = {t.field for t in columns.values()}
    if not fields & {"name.scientific", "name.genus"} and "name.scientific" not in opts.defaults:
        raise UsageError(f"{table.name}: no column holds scientific names; its columns are "
                         f"{', '.join(table.columns)}; map one with --map 'COLUMN=name.scientific'")
    if "status.category" not in fields:
        result.notes.append("no column holds an IUCN category: the species files have no status, and print none")
    source = opts.source or {"title": f"Imported from {table.name}"}
    if "sources" not in fields:
        result.notes.append(f"every species cites {source['title']!r}" + ("" if opts.source else
                            " (the table itself: add the real sources later)"))
    _inverted_names(table, columns, opts, result)
    try:
        index = photo_index(Path(photos) if photos else None, confinement)
    except (Refused, OSError) as exc:
        raise UsageError(f"--photos {photos}: {getattr(exc, 'reason', None) or exc.strerror or exc}") from None
    linker = PhotoLinker(table_path.parent, out_dir, confinement, index, opts.photo_defaults)
    existing, result.duplicates = existing_species(out_dir, confinement)
    planner = Planner(out_dir, table.name, fields | set(opts.defaults) | {"position"}, existing, force, result)
    marked: dict[tuple[str, str], list[str]] = {}
    for position, (label, cells) in enumerate(table.rows, start=1):
        seen = (len(result.errors), len(result.substitutions), len(result.dropped))
        data = row_record(label, cells, opts, columns, source, result, marked, linker, position)
        _shorten_quotes(result, seen, cells)
        if data is not None:
            planner.add(label, data)
    for (column, value), labels in marked.items():
        result.notes.append(f"column {column!r}: {value!r} is a missing-value marker in {len(labels)} rows "
                            f"({', '.join(labels[:3])}{', …' if len(labels) > 3 else ''}): left out")
    refused = {e.row for e in result.errors}
    without = [label for label in linker.without if label not in refused]
    if (index or "photo.file" in fields) and without:
        result.notes.append(f"{len(without)} rows have no photo: {rows_text(without, 10)}")
    _write_planned(planner.plans, out_dir, result)
    result.report = Path(report) if report else out_dir / "import-report.txt"
    _write_report(result, force, OutputFolder(result.report.parent).check())
    return result


def _write_planned(plans: list, out_dir: Path, result: ImportResult) -> None:
    folder = OutputFolder(out_dir).check()  # never written through a link (a linked data/species)
    for plan in plans:
        try:
            folder.write(plan.path.name, plan.data, force=True)
        except WildpressError as exc:
            result.errors.append(RowError(plan.label, "", str(exc)))
            continue
        result.written.append(plan.path)
        if plan.update:
            result.updated.append(plan.path)


def _short_text(text: str, cells: dict) -> str:
    """``text`` with every long cell of the row in it quoted as :func:`quote_cell` does; at most ~600 characters."""
    for value in cells.values():
        if isinstance(value, str) and len(value) > QUOTE_CHARS:
            text = text.replace(repr(value), quote_cell(value)).replace(value, quote_cell(value)[1:-1])
    if len(text) > 3 * QUOTE_CHARS:  # a long value not from a cell (e.g. joined or cleaned): keep both ends
        text = f"{text[:QUOTE_CHARS]}… ({len(text)} characters) …{text[-QUOTE_CHARS:]}"
    return text


def _shorten_quotes(result: ImportResult, seen: tuple[int, int, int], cells: dict) -> None:
    """Reports and messages quote at most QUOTE_CHARS characters of a cell: shorten what this row added."""
    for error in result.errors[seen[0]:] + result.dropped[seen[2]:]:
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
    folder.write(path.name, report_text(result).encode(), force=True)
