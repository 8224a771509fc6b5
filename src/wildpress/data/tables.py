"""Tables people keep species in: CSV, XLSX and JSON exports -> header + rows.

Every table is read through the project's :class:`~wildpress.safety.confine.Confinement`
(inside the current folder or the file named on the command line, a regular
file, at most :data:`MAX_TABLE_BYTES`). Rows carry the number a person sees:
the spreadsheet row (the header is row 1) or the JSON record (counted from 1).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import WildpressError
from ..safety.confine import Confinement

MAX_TABLE_BYTES = 32 * 1024 * 1024
MAX_ROWS = 20000


class TableError(WildpressError):
    """The table cannot be read at all (format, encoding, shape)."""


@dataclass
class Table:
    name: str  # file name, e.g. msleep.csv
    columns: list[str]
    rows: list[tuple[str, dict]]  # ('row 5' or 'record 3', {column: cell})


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(f"{path}: not UTF-8 or Windows-1252 text; save the table as CSV UTF-8")


def _from_csv(data: bytes, path: Path) -> tuple[list[str], list[tuple[str, dict]]]:
    text = _decode(data, path)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise TableError(f"{path}: the table is empty") from None
    rows = []
    for values in reader:
        number = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            extra = [v for v in values[len(header):] if v.strip()]
            if extra:
                rows.append((f"row {number}", {"": f"{len(values)} cells but {len(header)} column names"}))
                continue
        rows.append((f"row {number}", {h: _cell(v) for h, v in zip(header, values)}))
    return [h.strip() for h in header], [(n, {k.strip(): v for k, v in r.items()}) for n, r in rows]


def _from_xlsx(data: bytes, path: Path, sheet: str | None) -> tuple[list[str], list[tuple[str, dict]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile/XML errors: a damaged or mislabelled file
        raise TableError(f"{path}: not a readable .xlsx workbook ({exc.__class__.__name__})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise TableError(f"{path}: no sheet {sheet!r}; the sheets are {', '.join(book.sheetnames)}")
        ws = book[sheet] if sheet else book.worksheets[0]
        values = ws.iter_rows(values_only=True)
        header = [(_cell(h) or "") for h in next(values, ())]
        if not any(header):
            raise TableError(f"{path}: the first row of the sheet must name the columns")
        rows = []
        for number, row in enumerate(values, start=2):
            cells = {h: _cell(v) for h, v in zip(header, row) if h}
            if any(cells.values()):
                rows.append((f"row {number}", cells))
            if len(rows) > MAX_ROWS:
                break
        return header, rows
    finally:
        book.close()


def _from_json(data: bytes, path: Path, key: str | None) -> tuple[list[str], list[tuple[str, dict]]]:
    try:
        doc = json.loads(_decode(data, path))
    except json.JSONDecodeError as exc:
        raise TableError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    if key:
        for part in key.split("."):
            if not isinstance(doc, dict) or part not in doc:
                raise TableError(f"{path}: no key {key!r} holding the records")
            doc = doc[part]
    if not isinstance(doc, list):
        found = [k for k, v in doc.items() if isinstance(v, list)] if isinstance(doc, dict) else []
        hint = f"; try --key {found[0]}" if found else ""
        raise TableError(f"{path}: expected an array of objects{hint}")
    columns: list[str] = []
    rows = []
    for number, record in enumerate(doc, start=1):
        if not isinstance(record, dict):
            rows.append((f"record {number}", {"": "not an object"}))
            continue
        cells = {}
        for k, v in record.items():
            k = str(k).strip()
            if k not in columns:
                columns.append(k)
            cells[k] = "|".join(s for s in (_cell(x) for x in v) if s) or None if isinstance(v, list) else _cell(v)
        rows.append((f"record {number}", cells))
    return columns, rows


def read_table(path: Path | str, confinement: Confinement | None = None, key: str | None = None,
               sheet: str | None = None) -> Table:
    """The header and rows of a .csv/.tsv, .xlsx or .json table."""
    path = Path(path)
    confinement = confinement or Confinement.for_project(Path.cwd(), [path])
    data = confinement.read_bytes(path, max_bytes=MAX_TABLE_BYTES)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        columns, rows = _from_csv(data, path)
    elif suffix in (".xlsx", ".xlsm"):
        columns, rows = _from_xlsx(data, path, sheet)
    elif suffix == ".json":
        columns, rows = _from_json(data, path, key)
    elif suffix == ".xls":
        raise TableError(f"{path}: old .xls workbooks are not read; save it as .xlsx or CSV")
    else:
        raise TableError(f"{path}: unknown table type {suffix or '(no extension)'}; use .csv, .xlsx or .json")
    if len(rows) > MAX_ROWS:
        raise TableError(f"{path}: {len(rows)} rows; at most {MAX_ROWS} are imported at once")
    return Table(path.name, [c for c in columns if c], rows)
