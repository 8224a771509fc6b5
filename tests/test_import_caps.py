"""Issue 18: hostile tables are refused while they are read, with one line naming the place and the cap.

Every hostile file is built here in ``tmp_path`` (nothing big is committed). The last test runs them
through the real command under a 400 MB address-space limit.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from wildpress.data import tables, tables_xlsx
from wildpress.data.importer import import_table
from wildpress.data.tables import TableError, TableTooLarge, quote_cell, read_table

openpyxl = pytest.importorskip("openpyxl")
HEADER = b"name,scientific_name,conservation\n"


def _xlsx(path: Path, rows=(("name", "scientific_name"), ("Red fox", "Vulpes vulpes")), patch=None) -> Path:
    """A workbook from openpyxl, then its parts rewritten by ``patch(name, xml) -> xml`` (or added)."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            out.writestr(info.filename, patch(info.filename, data) if patch else data)
    return path


def _sheet_patch(old: bytes, new: bytes):
    def patch(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            assert old in data, data[:400]
            return data.replace(old, new, 1)
        return data
    return patch


def _refused(path: Path, cls=TableTooLarge, **kw) -> str:
    with pytest.raises(cls) as caught:
        read_table(path, **kw)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and len(message) < 400, message
    return message


def test_six_million_row_csv_stops_at_the_row_cap(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as out:
        out.write(b"name,scientific_name\n")
        line = b"x,y\n" * 10000  # 6 million rows in 24 MB
        for _ in range(600):
            out.write(line)
    assert path.stat().st_size < tables.MAX_TABLE_BYTES
    message = _refused(path)
    assert f"row {tables.MAX_ROWS + 2}: more than {tables.MAX_ROWS} rows" in message


def test_csv_cells_rows_columns_and_digits(tmp_path):
    cell = tmp_path / "cell.csv"
    cell.write_bytes(HEADER + b"Fox," + b"x" * 200_000 + b",LC\n")
    assert f"cell.csv:2: a cell of more than {tables.MAX_CELL_CHARS} characters" in _refused(cell)
    row = tmp_path / "row.csv"
    row.write_bytes(HEADER + b"," * (tables.MAX_ROW_CHARS + 10) + b"\n")
    assert f"a row of more than {tables.MAX_ROW_CHARS} characters" in _refused(row)
    wide = tmp_path / "wide.csv"
    wide.write_bytes(b",".join(b"c%d" % i for i in range(tables.MAX_COLUMNS + 1)) + b"\n")
    assert f"row 1: {tables.MAX_COLUMNS + 1} named columns; at most {tables.MAX_COLUMNS}" in _refused(wide)
    digits = tmp_path / "digits.csv"
    digits.write_bytes(b"name,scientific_name,sleep_total_h\nFox,Vulpes vulpes," + b"7" * 5000 + b"\n")
    assert "row 2, column 'sleep_total_h': a number of more than 100 digits" in _refused(digits)
    long_name = tmp_path / "name.csv"
    long_name.write_bytes(b"name," + b"n" * 300 + b"\nFox,x\n")
    assert "row 1, column 2: a column name of 300 characters" in _refused(long_name)


def test_all_cell_text_is_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_TABLE_CHARS", 1000)
    path = tmp_path / "t.csv"
    path.write_bytes(HEADER + b"Fox,Vulpes vulpes,LC\n" * 100)
    assert "more than 1000 characters of cell text in all" in _refused(path)


def test_xlsx_declared_dimensions_are_ignored(tmp_path):
    path = _xlsx(tmp_path / "dim.xlsx", patch=_sheet_patch(b'<dimension ref="A1:B2"/>',
                                                           b'<dimension ref="A1:XFD1048576"/>'))
    table = read_table(path)
    assert table.columns == ["name", "scientific_name"]
    assert table.rows == [("row 2", {"name": "Red fox", "scientific_name": "Vulpes vulpes"})]


def test_xlsx_sparse_rows_are_numbered_and_a_row_past_excel_is_refused(tmp_path):
    far = b'<row r="900000"><c r="A900000" t="inlineStr"><is><t>Wolf</t></is></c>' \
          b'<c r="B900000" t="inlineStr"><is><t>Canis lupus</t></is></c></row></sheetData>'
    table = read_table(_xlsx(tmp_path / "far.xlsx", patch=_sheet_patch(b"</sheetData>", far)))
    assert [label for label, _ in table.rows] == ["row 2", "row 900000"]
    past = far.replace(b"900000", b"99999999")
    assert "a row numbered past 1048576" in _refused(_xlsx(tmp_path / "past.xlsx",
                                                           patch=_sheet_patch(b"</sheetData>", past)))


def test_xlsx_shared_strings_are_counted_before_openpyxl_loads_them(tmp_path, monkeypatch):
    strings = b"<sst xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>" + \
        b"<si><t>a</t></si>" * 2000 + b"</sst>"
    book = openpyxl.Workbook()
    book.active.append(["name"])
    book.active.append(["Fox"])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "strings.xlsx"
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, source.read(info))
        out.writestr("xl/sharedStrings.xml", strings)
    monkeypatch.setattr(tables_xlsx, "MAX_SHARED_STRINGS", 1000)
    assert "part xl/sharedStrings.xml (near entry 2000): more than 1000 shared strings" in _refused(path)


def test_xlsx_sixty_million_shared_strings_are_refused_by_their_unpacked_size(tmp_path):
    path = tmp_path / "sixty.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b"<sst>")
            block = b"<si><t>a</t></si>" * 100_000
            for _ in range(70):  # 119 MB unpacked, 0.3 MB in the zip
                member.write(block)
            member.write(b"</sst>")
    assert f"bytes unpacked; at most {tables_xlsx.MAX_XLSX_UNPACKED_BYTES}" in _refused(path)


def test_xlsx_huge_cells(tmp_path):
    huge = b'<c r="C2" t="inlineStr"><is><t>' + b"x" * 2_000_000 + b"</t></is></c></row>"
    path = _xlsx(tmp_path / "huge.xlsx", patch=_sheet_patch(b"</row></sheetData>", huge + b"</sheetData>"))
    assert "near row 2): a tag or text of more than 524288 bytes" in _refused(path)
    big = b'<c r="B2" t="inlineStr"><is><t>' + b"x" * 100_000 + b"</t></is></c>"
    rows = (("name", "description"), ("Fox",))
    path = _xlsx(tmp_path / "big.xlsx", rows, patch=_sheet_patch(b"</row></sheetData>", big + b"</row></sheetData>"))
    assert "row 2, column 'description': a cell of 100000 characters; at most 65536" in _refused(path)
    digits = b'<c r="B2"><v>' + b"9" * 5000 + b"</v></c>"
    path = _xlsx(tmp_path / "n.xlsx", rows, patch=_sheet_patch(b"</row></sheetData>", digits + b"</row></sheetData>"))
    assert "a number of more than 100 digits" in _refused(path)


def test_xlsx_row_of_a_million_cells(tmp_path):
    cells = b"<c/>" * (tables_xlsx.MAX_ELEMENTS_PER_RECORD + 1)
    path = _xlsx(tmp_path / "cells.xlsx", patch=_sheet_patch(b"</row></sheetData>", cells + b"</row></sheetData>"))
    assert f"more than {tables_xlsx.MAX_ELEMENTS_PER_RECORD} XML elements in one record" in _refused(path)


@pytest.mark.parametrize("doctype", [
    b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
])
def test_xlsx_entities_are_named_as_such(tmp_path, doctype):
    def patch(name, data):
        if name == "xl/workbook.xml":
            return doctype + data if b"?>" not in data else data.replace(b"?>", b"?>" + doctype, 1)
        return data
    message = _refused(_xlsx(tmp_path / "xxe.xlsx", patch=patch), cls=TableError)
    assert "part xl/workbook.xml declares XML entities (DOCTYPE/ENTITY); wildpress refuses them" in message


def test_xlsx_utf16_parts_and_zip_directories(tmp_path):
    def patch(name, data):
        return data.decode().encode("utf-16") if name == "xl/workbook.xml" else data
    assert "is not UTF-8 XML" in _refused(_xlsx(tmp_path / "u.xlsx", patch=patch), cls=TableError)
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as out:
        for number in range(tables_xlsx.MAX_XLSX_MEMBERS + 1):
            out.writestr(f"{number}", b"")
    assert f"a zip of {tables_xlsx.MAX_XLSX_MEMBERS + 1} files" in _refused(path)


def test_json_depth_values_and_numbers(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert f"deep.json:1:{tables.MAX_JSON_DEPTH + 1}: arrays and objects nested more than 32 deep" in _refused(deep)
    number = tmp_path / "number.json"
    number.write_text('[{"name": "Fox",\n "sleep": ' + "5" * 5000 + "}]")
    assert "number.json:2:11: a number of more than 100 digits" in _refused(number)
    values = tmp_path / "values.json"
    values.write_text("[" + "0," * tables.MAX_JSON_VALUES + "0]")
    assert f"more than {tables.MAX_JSON_VALUES} JSON values" in _refused(values)
    broken = tmp_path / "broken.json"
    broken.write_text('[{"name": "Fox"' + "[" * 5)  # unbalanced, not deep: the parser says where
    assert "not valid JSON" in _refused(broken, cls=TableError)
    quoted = tmp_path / "quoted.json"  # brackets inside strings are not nesting
    quoted.write_text('[{"name": "' + "[" * 100 + '", "scientific_name": "Vulpes vulpes"}]')
    assert read_table(quoted).rows[0][1]["name"] == "[" * 100
    keys = tmp_path / "keys.json"
    keys.write_text("[{" + ",".join(f'"k{i}": 1' for i in range(tables.MAX_COLUMNS + 1)) + "}]")
    assert "record 1: more than 500 different keys" in _refused(keys)


def test_json_rows_are_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 10)
    path = tmp_path / "rows.json"
    path.write_text("[" + ",".join(['{"name": "Fox"}'] * 11) + "]")
    assert "record 11: more than 10 rows" in _refused(path)


def test_quote_cell():
    assert quote_cell("Fox") == "'Fox'"
    assert quote_cell("x" * 5000) == "'" + "x" * 200 + "'… (5000 characters)"


def test_report_and_messages_quote_at_most_two_hundred_characters(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status = "Q" * 60_000
    (tmp_path / "t.csv").write_text(f"name,scientific_name,conservation\nFox,Vulpes vulpes,{status}\n"
                                    f"Wolf,{'Canis lupus ' * 400},LC\n")
    result = import_table("t.csv", "data/species")
    report = (tmp_path / "data" / "species" / "import-report.txt").read_text()
    assert len(report) < 4000, report[:1000]
    assert "'" + "Q" * 200 + "'… (60000 characters) is not an IUCN Red List category" in report
    problems = result.errors + result.dropped  # the bad status is left out of row 2; row 3's name refuses it
    assert all(len(str(e)) < 800 for e in problems) and len(problems) == 2


_MEASURED_IMPORT = """
import runpy, sys
sys.argv = ["wildpress", "import", sys.argv[1], "--out", "species"]
try:
    runpy.run_module("wildpress", run_name="__main__")
finally:
    # VmHWM: this program's own peak (ru_maxrss would count the pytest process it was forked from)
    status = open("/proc/self/status").read()
    peak = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")][0]
    print(f"peak-rss-kib {peak}", file=sys.stderr)
"""


def _import_under_a_memory_cap(name, cwd, limit):
    """``wildpress import name`` in a process whose address space is capped at ``limit`` bytes;
    returns the run, its output without the peak line and its peak resident memory in MB."""
    resource = pytest.importorskip("resource", reason="no resource module (RLIMIT_AS) on this system")
    if not os.path.exists("/proc/self/status"):
        pytest.skip("no /proc/self/status (VmHWM) to measure a process's own peak memory on this system")

    def cap_memory():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    run = subprocess.run([sys.executable, "-c", _MEASURED_IMPORT, name], cwd=cwd, capture_output=True, text=True,
                         timeout=60, preexec_fn=cap_memory, env=dict(os.environ, PYTHONWARNINGS="ignore"))
    lines = (run.stdout + run.stderr).splitlines()
    peaks = [int(line.split()[1]) for line in lines if line.startswith("peak-rss-kib ")]
    assert len(peaks) == 1, run.stdout + run.stderr
    output = "\n".join(line for line in lines if not line.startswith("peak-rss-kib "))
    return run, output, peaks[0] / 1024


def test_capped_tables_in_a_real_process_under_400_mb(tmp_path):
    """Each capped input stops with one line under a 400 MB address-space limit, and its measured
    peak resident memory stays under the ~200 MB the caps are documented to hold."""
    files = {"rows.csv": HEADER + b"Fox,Vulpes vulpes,LC\n" * 1_200_000,
             "cell.csv": HEADER + b"Fox," + b"x" * 20_000_000 + b",LC\n",
             "deep.json": b"[" * 1_000_000 + b"]" * 1_000_000,
             "number.json": b'[{"name": 1' + b"1" * 5000 + b"}]",
             "values.json": b"[" + b"{}," * 3_000_000 + b"{}]"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    huge = b'<c r="C2" t="inlineStr"><is><t>' + b"x" * 20_000_000 + b"</t></is></c></row>"
    _xlsx(tmp_path / "cell.xlsx", patch=_sheet_patch(b"</row></sheetData>", huge + b"</sheetData>"))
    _xlsx(tmp_path / "dim.xlsx", patch=_sheet_patch(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>'))
    limit = 400 * 1024 * 1024
    for name in [*files, "cell.xlsx"]:
        run, output, peak_mb = _import_under_a_memory_cap(name, tmp_path, limit)
        assert run.returncode == 1 and "Traceback" not in output and "a bug in wildpress" not in output, output
        lines = [line for line in output.splitlines() if line.strip()]
        assert len(lines) == 1 and name in lines[0] and "at most" in lines[0], output
        assert peak_mb < 200, f"{name}: peak {peak_mb:.0f} MB"
    run, output, peak_mb = _import_under_a_memory_cap("dim.xlsx", tmp_path, limit)
    assert run.returncode == 0 and "wrote 1 species files" in output, output
    assert peak_mb < 200, f"dim.xlsx: peak {peak_mb:.0f} MB"


@pytest.mark.parametrize("content,message", [
    (b"common name,common name,scientific name\nA,B,Vulpes vulpes\n",
     "row 1: columns 1 and 2 are both named 'common name'; rename one"),
    (b"common name,scientific name\n", "the table has a header ('common name', 'scientific name') but no rows"),
    (b"common name,scientific name\nR\xc3\xa9d fox,Vulpes lagopus\nR\xe9d fox,Vulpes vulpes\n",
     "line 3 is not UTF-8 though other lines are (the table mixes encodings)"),
])
def test_tables_that_would_lose_or_garble_cells_are_refused_with_the_place(tmp_path, monkeypatch, content, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.csv").write_bytes(content)
    with pytest.raises(TableError, match=re.escape(message)):
        import_table("t.csv", "data/species")
    assert not (tmp_path / "data" / "species").exists() or not any((tmp_path / "data" / "species").glob("*.yaml"))


def test_control_characters_in_cells_never_reach_a_species_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.csv").write_text("common name,scientific name\n\"Red\x1b[31m fox\x07\",Vulpes vulpes\n")
    result = import_table("t.csv", "data/species")
    text = (tmp_path / "data" / "species" / "red-fox.yaml").read_text()
    assert "\x1b" not in text and "\x07" not in text and "common: Red fox" in text
    assert any("control characters removed" in s.why for s in result.substitutions)


def test_formula_cells_are_left_out_never_imported_as_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.csv").write_text('common name,scientific name,source\nFox,Vulpes vulpes,"=HYPERLINK(""http://e/""'
                                    ';""x"")"\nWolf,Canis lupus,=cmd|\'/c calc\'!A0\n')
    result = import_table("t.csv", "data/species")
    assert [d.row for d in result.dropped] == ["row 2", "row 3"]
    assert all("is a spreadsheet formula, not its value" in d.reason for d in result.dropped)
    for name in ("red-fox", "grey-wolf", "fox", "wolf"):
        path = tmp_path / "data" / "species" / f"{name}.yaml"
        assert not path.exists() or "=" not in path.read_text().split("sources:")[1]
