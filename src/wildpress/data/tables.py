"""Tables people keep species in: CSV, XLSX and JSON exports -> header + rows.

Every table is read through the project's :class:`~wildpress.safety.confine.Confinement`
(inside the current folder or the file named on the command line, a regular
file). Rows carry the number a person sees: the spreadsheet row (the header is
row 1) or the JSON record (counted from 1).

Caps, each checked *while* the table is read (never after holding it), so a
hostile table costs little memory and time; going over one is a
:class:`TableTooLarge` naming the file, the row/column (or line) and the cap:

* :data:`MAX_TABLE_BYTES` -- the file itself (checked before reading).
* :data:`MAX_ROWS` -- non-empty data rows (JSON: records).
* :data:`MAX_COLUMNS` -- named columns (CSV/XLSX header cells, JSON keys).
* :data:`MAX_CELL_CHARS` -- one cell (CSV: the csv module's ``field_size_limit``).
* :data:`MAX_ROW_CHARS` -- one CSV row, quoted line breaks included.
* :data:`MAX_TABLE_CHARS` -- all cell text kept, summed.
* :data:`MAX_COLUMN_NAME_CHARS` -- one column name.
* :data:`MAX_NUMBER_DIGITS` -- a run of digits in a cell or a JSON number.
* :data:`MAX_JSON_DEPTH` / :data:`MAX_JSON_VALUES` -- JSON nesting and values (scanned before parsing).
* XLSX parts (unpacked size, members, shared strings, XML entities): see
  :mod:`wildpress.data.tables_xlsx`; declared sheet dimensions are ignored.

Messages quote at most :data:`QUOTE_CHARS` characters of a cell (:func:`quote_cell`).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import WildpressError
from ..safety.confine import Confinement

MAX_TABLE_BYTES = 32 * 1024 * 1024  # the file on disk: 32 MiB (a 20000-row species table is a few MiB)
MAX_ROWS = 20000  # non-empty data rows / JSON records imported at once
MAX_COLUMNS = 500  # named columns; species tables have a few dozen
MAX_CELL_CHARS = 64 * 1024  # one cell: 64 Ki characters (descriptions are a few thousand at most)
MAX_ROW_CHARS = 1024 * 1024  # one CSV row, quoted line breaks included: 1 Mi characters
MAX_TABLE_CHARS = 16 * 1024 * 1024  # all cell text kept: 16 Mi characters (~800 per row at MAX_ROWS)
MAX_COLUMN_NAME_CHARS = 200  # a column name is quoted in notes and messages
MAX_NUMBER_DIGITS = 100  # a run of digits: no count, year or measurement needs more
MAX_JSON_DEPTH = 32  # nested arrays/objects; an export with records nests 3-6 deep
MAX_JSON_VALUES = 2_000_000  # JSON values (keys, items, members) before parsing
QUOTE_CHARS = 200  # characters of a cell quoted in a message or the report

_DIGIT_RUN = re.compile(r"\d{%d}" % (MAX_NUMBER_DIGITS + 1))


class TableError(WildpressError):
    """The table cannot be read at all (format, encoding, shape)."""


class TableTooLarge(TableError):
    """The table goes over one of the caps above; names the place and the cap."""


@dataclass
class Table:
    name: str  # file name, e.g. msleep.csv
    columns: list[str]
    rows: list[tuple[str, dict]]  # ('row 5' or 'record 3', {column: cell}); empty cells left out


def quote_cell(value, limit: int = QUOTE_CHARS) -> str:
    """``repr`` of a cell for a message: at most ``limit`` characters, then ``…`` and the full length."""
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text)} characters)"


class Budget:
    """Counts rows and kept cell text while a table is read; raises at the caps."""

    def __init__(self, path: Path):
        self.path, self.rows, self.chars = path, 0, 0

    def add_row(self, where: str) -> None:
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise TableTooLarge(f"{self.path}: {where}: more than {MAX_ROWS} rows; at most {MAX_ROWS} are "
                                "imported at once (split the table)")

    def cell(self, value, where: str, column: str):
        """The cleaned text of one cell (None if empty), checked against the cell caps."""
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = value if isinstance(value, str) else _number_text(value, self.path, where, column)
        if len(text) > MAX_CELL_CHARS:
            raise TableTooLarge(f"{self.path}: {where}, column {quote_cell(column, 60)}: a cell of {len(text)} "
                                f"characters; at most {MAX_CELL_CHARS}")
        text = text.strip()
        if not text:
            return None
        if _DIGIT_RUN.search(text):
            raise TableTooLarge(f"{self.path}: {where}, column {quote_cell(column, 60)}: a number of more than "
                                f"{MAX_NUMBER_DIGITS} digits; at most {MAX_NUMBER_DIGITS}")
        self.chars += len(text)
        if self.chars > MAX_TABLE_CHARS:
            raise TableTooLarge(f"{self.path}: {where}: more than {MAX_TABLE_CHARS} characters of cell text in "
                                f"all; at most {MAX_TABLE_CHARS} are imported at once (split the table)")
        return text


def _number_text(value, path: Path, where: str, column: str) -> str:
    try:
        return str(value)
    except ValueError:  # an int past Python's digit limit
        raise TableTooLarge(f"{path}: {where}, column {quote_cell(column, 60)}: a number of more than "
                            f"{MAX_NUMBER_DIGITS} digits; at most {MAX_NUMBER_DIGITS}") from None


def check_header(names: list[str], path: Path) -> None:
    """The header's named columns against :data:`MAX_COLUMNS` and :data:`MAX_COLUMN_NAME_CHARS`."""
    named = [n for n in names if n]
    if len(named) > MAX_COLUMNS:
        raise TableTooLarge(f"{path}: row 1: {len(named)} named columns; at most {MAX_COLUMNS}")
    seen: dict[str, int] = {}
    for number, name in enumerate(names, start=1):
        if len(name) > MAX_COLUMN_NAME_CHARS:
            raise TableTooLarge(f"{path}: row 1, column {number}: a column name of {len(name)} characters "
                                f"({quote_cell(name, 60)}); at most {MAX_COLUMN_NAME_CHARS}")
        key = name.strip().casefold()
        if key and key in seen:  # the second would silently replace the first in every row
            raise TableError(f"{path}: row 1: columns {seen[key]} and {number} are both named {quote_cell(name, 60)}; "
                             "rename one (or delete it) and import again")
        seen[key] = number


class _CappedLines:
    """Lines of a text stream for :mod:`csv`; a row (lines since :meth:`next_row`) over the cap raises."""

    def __init__(self, stream, path: Path):
        self.stream, self.path, self.row_chars, self.line = stream, path, 0, 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.stream.readline(MAX_ROW_CHARS + 1)
        if not line:
            raise StopIteration
        self.line += 1
        self.row_chars += len(line)
        if self.row_chars > MAX_ROW_CHARS:
            raise TableTooLarge(f"{self.path}:{self.line}: a row of more than {MAX_ROW_CHARS} characters; "
                                f"at most {MAX_ROW_CHARS}")
        return line


def _csv_rows(data: bytes, path: Path, encoding: str):
    """Header and rows of CSV ``data`` decoded as it is read; UnicodeDecodeError for the wrong encoding."""
    sample = data[:8192].decode(encoding, "ignore")
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines = _CappedLines(io.TextIOWrapper(io.BytesIO(data), encoding, errors="strict", newline=""), path)
    reader = csv.reader(lines, dialect)
    budget = Budget(path)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise TableError(f"{path}: the table is empty") from None
    except csv.Error as exc:
        raise _csv_problem(exc, path, lines.line) from None
    check_header(header, path)
    rows = []
    while True:
        lines.row_chars = 0
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _csv_problem(exc, path, lines.line) from None
        where = f"row {reader.line_num}"
        if not any(v.strip() for v in values):
            continue
        budget.add_row(where)
        extra = [v for v in values[len(header):] if v.strip()]
        if extra:
            rows.append((where, {"": f"{len(values)} cells but {len(header)} column names"}))
            continue
        cells = {h: text for h, v in zip(header, values) if h and (text := budget.cell(v, where, h)) is not None}
        rows.append((where, cells))
    return header, rows


def _csv_problem(exc: csv.Error, path: Path, line: int) -> TableError:
    if "field limit" in str(exc):
        return TableTooLarge(f"{path}:{line}: a cell of more than {MAX_CELL_CHARS} characters; "
                             f"at most {MAX_CELL_CHARS}")
    return TableError(f"{path}:{line}: not readable CSV ({exc}); save it again as CSV UTF-8")


def _from_csv(data: bytes, path: Path) -> tuple[list[str], list[tuple[str, dict]]]:
    previous = csv.field_size_limit(MAX_CELL_CHARS)
    try:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return _csv_rows(data, path, encoding)
            except UnicodeDecodeError:
                _refuse_mixed(data, path)
                continue
        raise TableError(f"{path}: not UTF-8 or Windows-1252 text; save the table as CSV UTF-8")
    finally:
        csv.field_size_limit(previous)


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _refuse_mixed(data: bytes, path: Path) -> None:
    """Text that is not UTF-8 but holds UTF-8 sequences mixes encodings: decoding it all as Windows-1252
    would garble the UTF-8 rows ('RÃ©d fox') without a word, so it is refused, naming the first bad line."""
    if not _UTF8_SEQUENCE.search(data):
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise TableError(f"{path}: line {line} is not UTF-8 though other lines are (the table mixes encodings); "
                         "save the table as CSV UTF-8 and import again") from None


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _refuse_mixed(data, path)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    raise TableError(f"{path}: not UTF-8 or Windows-1252 text; save the table as CSV UTF-8")


def read_table(path: Path | str, confinement: Confinement | None = None, key: str | None = None,
               sheet: str | None = None) -> Table:
    """The header and rows of a .csv/.tsv, .xlsx or .json table, within the caps above."""
    from .tables_json import from_json
    from .tables_xlsx import from_xlsx

    path = Path(path)
    confinement = confinement or Confinement.for_project(Path.cwd(), [path])
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise TableError(f"{path}: old .xls workbooks are not read; save it as .xlsx or CSV")
    if suffix not in (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".json"):
        raise TableError(f"{path}: unknown table type {suffix or '(no extension)'}; use .csv, .xlsx or .json")
    data = confinement.read_bytes(path, max_bytes=MAX_TABLE_BYTES)
    if suffix in (".csv", ".tsv", ".txt"):
        columns, rows = _from_csv(data, path)
    elif suffix in (".xlsx", ".xlsm"):
        columns, rows = from_xlsx(data, path, sheet)
    else:
        columns, rows = from_json(_decode(data, path), path, key)
    del data
    if not rows:
        raise TableError(f"{path}: the table has a header ({', '.join(quote_cell(c, 40) for c in columns[:6] if c)}"
                         f"{', …' if len(columns) > 6 else ''}) but no rows of data")
    return Table(path.name, [c for c in columns if c], rows)

