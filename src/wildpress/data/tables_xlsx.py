"""XLSX workbooks -> header + rows, the zip and its XML checked before openpyxl reads them.

openpyxl (read-only mode) streams a worksheet, but loads the shared strings,
styles and workbook parts whole, and pads rows to the sheet's *declared*
dimensions. So before it opens the file, every XML part is streamed once from
the zip and checked against these caps (a part over one is refused with its name):

* :data:`MAX_XLSX_MEMBERS` -- files in the zip.
* :data:`MAX_XLSX_UNPACKED_BYTES` -- all parts unpacked, as the zip declares them (zipfile enforces it).
* :data:`MAX_XML_RUN_BYTES` -- a tag or text between two ``<`` (one cell's text, escaped).
* :data:`MAX_SHARED_STRINGS` -- ``<si>`` entries in the shared strings.
* :data:`MAX_SHEET_CELLS` -- ``<c>`` cells in one worksheet part, empty ones included.
* :data:`MAX_ELEMENTS_PER_RECORD` -- XML elements in one row / shared string, or in a part loaded whole.
* XML entity declarations (``<!DOCTYPE``/``<!ENTITY``: XXE and "billion laughs") are refused, and so
  is XML that is not UTF-8.

Then the declared dimensions are dropped (``reset_dimensions``), rows are read
at most :data:`~wildpress.data.tables.MAX_COLUMNS` + 1 wide, non-empty rows
count against :data:`~wildpress.data.tables.MAX_ROWS` and every row number
against :data:`MAX_SHEET_ROWS`.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

from .tables import MAX_COLUMNS, MAX_NUMBER_DIGITS, Budget, TableError, TableTooLarge, check_header

MAX_XLSX_MEMBERS = 10_000  # files in the zip; Excel writes a dozen or two
MAX_XLSX_UNPACKED_BYTES = 96 * 1024 * 1024  # all parts unpacked: 96 MiB (a 20000 x 50 sheet is ~40 MiB)
MAX_XML_RUN_BYTES = 512 * 1024  # a tag or text node: a 64 Ki-character cell, UTF-8 and escaped, fits
MAX_SHARED_STRINGS = 1_000_000  # distinct strings of the workbook
MAX_SHEET_CELLS = 2_000_000  # <c> elements in one worksheet (20000 rows x 100 columns)
MAX_ELEMENTS_PER_RECORD = 100_000  # elements in one <row>/<si>, or in a part openpyxl loads whole
MAX_SHEET_ROWS = 1_048_576  # Excel's last row number; rows past it are never real
_CHUNK = 1024 * 1024

_ANCHOR = {"worksheets/": re.compile(rb"<(?:\w+:)?row[\s/>]"), "sharedstrings": re.compile(rb"<(?:\w+:)?si[\s/>]")}
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_LONG_NUMBER = re.compile(rb"\d{%d}" % (MAX_NUMBER_DIGITS + 1))
_UTF16 = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")


def _entities(path: Path, part: str) -> TableError:
    return TableError(f"{path}: part {part} declares XML entities (DOCTYPE/ENTITY); wildpress refuses them "
                      "(save the workbook again from a spreadsheet program)")


def _check_zip_directory(data: bytes, path: Path) -> None:
    """The member count from the end-of-central-directory record, before zipfile builds one object each."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if end >= 0 and len(data) >= end + 12:
        (members,) = struct.unpack("<H", data[end + 10:end + 12])
        if members > MAX_XLSX_MEMBERS:  # 0xFFFF: a zip64 directory, never an Excel workbook
            raise TableTooLarge(f"{path}: a zip of {members} files; an .xlsx workbook has at most "
                                f"{MAX_XLSX_MEMBERS}")


class _PartScan:
    """Streaming counts over one XML part of the zip."""

    def __init__(self, path: Path, part: str):
        self.path, self.part = path, part
        lowered = part.lower()
        self.anchor = next((rx for key, rx in _ANCHOR.items() if key in lowered), None)
        self.records = self.cells = self.elements = 0

    def too_big(self, what: str, cap: int) -> TableTooLarge:
        near = f" (near {'row' if self.anchor is _ANCHOR['worksheets/'] else 'entry'} {self.records})" \
            if self.anchor else ""
        return TableTooLarge(f"{self.path}: part {self.part}{near}: {what}; at most {cap}")

    def block(self, block: bytes) -> None:
        """A block that starts at a ``<`` and ends just before one."""
        if b"\x00" in block:
            raise TableError(f"{self.path}: part {self.part} is not UTF-8 XML; save the workbook again")
        if b"<!DOCTYPE" in block or b"<!ENTITY" in block:
            raise _entities(self.path, self.part)
        if _LONG_NUMBER.search(block):
            raise self.too_big(f"a number of more than {MAX_NUMBER_DIGITS} digits", MAX_NUMBER_DIGITS)
        self.cells += len(_CELL.findall(block))
        if self.cells > MAX_SHEET_CELLS:
            raise self.too_big(f"more than {MAX_SHEET_CELLS} cells", MAX_SHEET_CELLS)
        starts = [m.start() for m in self.anchor.finditer(block)] if self.anchor else []
        edges = [0, *starts, len(block)]
        for index, (start, stop) in enumerate(zip(edges, edges[1:])):
            if index > 0:
                self.records, self.elements = self.records + 1, 0
            self.elements += block.count(b"<", start, stop)
            if self.elements > MAX_ELEMENTS_PER_RECORD:
                raise self.too_big(f"more than {MAX_ELEMENTS_PER_RECORD} XML elements in one "
                                   f"{'record' if self.anchor else 'part'}", MAX_ELEMENTS_PER_RECORD)
        if self.anchor is _ANCHOR["sharedstrings"] and self.records > MAX_SHARED_STRINGS:
            raise self.too_big(f"more than {MAX_SHARED_STRINGS} shared strings", MAX_SHARED_STRINGS)


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> None:
    scan = _PartScan(path, info.filename)
    carry = b""
    with archive.open(info) as stream:
        first = stream.read(_CHUNK)
        head = first[3:] if first.startswith(b"\xef\xbb\xbf") else first
        if head.startswith(_UTF16):
            raise TableError(f"{path}: part {info.filename} is not UTF-8 XML; save the workbook again")
        if not head.lstrip().startswith(b"<"):
            return  # not XML (a picture, a binary part): openpyxl never parses it
        chunk = first
        while chunk:
            data = carry + chunk
            cut = data.rfind(b"<")
            block, carry = (data[:cut], data[cut:]) if cut > 0 else (b"", data)
            scan.block(block)
            if len(carry) > MAX_XML_RUN_BYTES or max(map(len, block.split(b"<")), default=0) > MAX_XML_RUN_BYTES:
                raise scan.too_big(f"a tag or text of more than {MAX_XML_RUN_BYTES} bytes (a cell that big?)",
                                   MAX_XML_RUN_BYTES)
            chunk = stream.read(_CHUNK)
        scan.block(carry)


def check_workbook(data: bytes, path: Path) -> None:
    """Refuse a workbook whose zip or XML goes over the caps above, before openpyxl loads any of it."""
    _check_zip_directory(data, path)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_XLSX_MEMBERS:
                raise TableTooLarge(f"{path}: a zip of {len(members)} files; at most {MAX_XLSX_MEMBERS}")
            unpacked = sum(info.file_size for info in members)
            if unpacked > MAX_XLSX_UNPACKED_BYTES:
                raise TableTooLarge(f"{path}: {unpacked} bytes unpacked; at most {MAX_XLSX_UNPACKED_BYTES} "
                                    "(save a smaller workbook, or the sheet as CSV)")
            for info in members:
                if not info.is_dir():
                    _scan_part(archive, info, path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise TableError(f"{path}: not a readable .xlsx workbook ({exc.__class__.__name__}: "
                         f"{str(exc)[:120]})") from None


def _open_workbook(data: bytes, path: Path):
    import openpyxl
    from defusedxml import DefusedXmlException

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DefusedXmlException:
        raise _entities(path, "(one of its XML parts)") from None
    except Exception as exc:  # zipfile/XML errors: a damaged or mislabelled file
        raise TableError(f"{path}: not a readable .xlsx workbook ({exc.__class__.__name__})") from None


def _sheet_rows(ws, path: Path):
    """(row number, values) of the sheet, at most MAX_COLUMNS + 1 wide, declared dimensions ignored."""
    from defusedxml import DefusedXmlException

    ws.reset_dimensions()
    try:
        for number, values in enumerate(ws.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1):
            if number > MAX_SHEET_ROWS:
                raise TableTooLarge(f"{path}: a row numbered past {MAX_SHEET_ROWS}; at most {MAX_SHEET_ROWS}")
            yield number, values
    except DefusedXmlException:
        raise _entities(path, "(a worksheet)") from None
    except (ValueError, KeyError, IndexError, TypeError, SyntaxError) as exc:  # damaged sheet XML
        raise TableError(f"{path}: not a readable .xlsx worksheet ({exc.__class__.__name__})") from None


def from_xlsx(data: bytes, path: Path, sheet: str | None) -> tuple[list[str], list[tuple[str, dict]]]:
    check_workbook(data, path)
    book = _open_workbook(data, path)
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise TableError(f"{path}: no sheet {sheet[:100]!r}; the sheets are {', '.join(book.sheetnames)}")
        ws = book[sheet] if sheet else book.worksheets[0]
        rows_in = _sheet_rows(ws, path)
        budget = Budget(path)
        _, first = next(rows_in, (1, ()))
        header = [(budget.cell(h, "row 1", "") or "") for h in first]
        check_header(header, path)
        if not any(header):
            raise TableError(f"{path}: the first row of the sheet must name the columns")
        rows = []
        for number, values in rows_in:
            if values.count(None) == len(values):  # an empty row, or a gap between row numbers
                continue
            where = f"row {number}"
            cells = {h: text for h, v in zip(header, values) if h and (text := budget.cell(v, where, h)) is not None}
            if cells:
                budget.add_row(where)
                rows.append((where, cells))
        return header, rows
    finally:
        book.close()
