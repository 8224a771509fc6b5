"""JSON exports -> header + records, with nesting, values and numbers checked *before* parsing.

:func:`json.loads` builds every value at once and recurses once per nesting
level, so a 32 MiB file of ``[]`` pairs or a 100,000-deep array would cost
gigabytes or a RecursionError. A scan at C speed (regular expressions over the
text with strings taken out) counts the values (:data:`~wildpress.data.tables.MAX_JSON_VALUES`),
measures the nesting (:data:`~wildpress.data.tables.MAX_JSON_DEPTH`) and finds
over-long numbers (:data:`~wildpress.data.tables.MAX_NUMBER_DIGITS`) first;
only then is the text parsed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .tables import (MAX_COLUMN_NAME_CHARS, MAX_COLUMNS, MAX_JSON_DEPTH, MAX_JSON_VALUES, MAX_NUMBER_DIGITS,
                     Budget, TableError, TableTooLarge, quote_cell)

# A string, or an unterminated one up to the end (so no start is retried: linear on any text).
_STRING = re.compile(r'"[^"\\]*(?:\\[\s\S]?[^"\\]*)*(?:"|\Z)')
_NOT_STRUCTURE = re.compile(r"[^\[\]{},:]+")
_INNERMOST = re.compile(r"\[\]|\{\}")
_LONG_NUMBER = re.compile(r"\d{%d}" % (MAX_NUMBER_DIGITS + 1))
_TOKEN = re.compile(r'"[^"\\]*(?:\\[\s\S]?[^"\\]*)*(?:"|\Z)|[\[\]{}]|\d{%d}' % (MAX_NUMBER_DIGITS + 1))


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - text.rfind(chr(10), 0, offset)}"


def _locate(text: str, path: Path, numbers: bool) -> None:
    """Raise at the first place nested deeper than the cap (or, with ``numbers``, the first long number)."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise TableTooLarge(f"{path}:{_where(text, match.start())}: arrays and objects nested more than "
                                    f"{MAX_JSON_DEPTH} deep; at most {MAX_JSON_DEPTH}")
        elif token in "]}":
            depth -= 1
        elif token[0] != '"' and numbers:
            raise TableTooLarge(f"{path}:{_where(text, match.start())}: a number of more than "
                                f"{MAX_NUMBER_DIGITS} digits; at most {MAX_NUMBER_DIGITS}")


def scan_json(text: str, path: Path) -> None:
    """Check values, nesting and numbers of JSON ``text`` against the caps without parsing it."""
    bare = _STRING.sub("", text)
    if _LONG_NUMBER.search(bare):
        _locate(text, path, numbers=True)
    structure = _NOT_STRUCTURE.sub("", bare)
    del bare
    values = structure.count(",") + structure.count(":") + structure.count("[") + structure.count("{")
    if values > MAX_JSON_VALUES:
        raise TableTooLarge(f"{path}: more than {MAX_JSON_VALUES} JSON values (about {values}); at most "
                            f"{MAX_JSON_VALUES} (split the export)")
    brackets = structure.replace(",", "").replace(":", "")
    del structure
    for _ in range(MAX_JSON_DEPTH):
        if not brackets:
            return
        brackets = _INNERMOST.sub("", brackets)
    if brackets:  # too deep, or unbalanced (then json.loads below names the place)
        _locate(text, path, numbers=False)


def _records(doc, path: Path, key: str | None) -> list:
    if key:
        for part in key.split("."):
            if not isinstance(doc, dict) or part not in doc:
                raise TableError(f"{path}: no key {key!r} holding the records")
            doc = doc[part]
    if not isinstance(doc, list):
        found = [k for k, v in doc.items() if isinstance(v, list)] if isinstance(doc, dict) else []
        hint = f"; try --key {found[0][:60]}" if found else ""
        raise TableError(f"{path}: expected an array of objects{hint}")
    return doc


def _item_text(item) -> str:
    if isinstance(item, float) and item.is_integer():
        item = int(item)
    return "" if item is None else str(item).strip()


def from_json(text: str, path: Path, key: str | None) -> tuple[list[str], list[tuple[str, dict]]]:
    scan_json(text, path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TableError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except (RecursionError, ValueError) as exc:  # only past the scan's caps, kept as a second guard
        raise TableTooLarge(f"{path}: JSON past wildpress's limits ({exc.__class__.__name__}); at most "
                            f"{MAX_JSON_DEPTH} levels and {MAX_NUMBER_DIGITS}-digit numbers") from None
    del text
    budget = Budget(path)
    columns: dict[str, None] = {}
    rows = []
    for number, record in enumerate(_records(doc, path, key), start=1):
        where = f"record {number}"
        budget.add_row(where)
        if not isinstance(record, dict):
            rows.append((where, {"": "not an object"}))
            continue
        cells = {}
        for name, value in record.items():
            name = str(name).strip()
            if name not in columns:
                columns[name] = None
                if len(columns) > MAX_COLUMNS:
                    raise TableTooLarge(f"{path}: {where}: more than {MAX_COLUMNS} different keys; "
                                        f"at most {MAX_COLUMNS} columns")
                if len(name) > MAX_COLUMN_NAME_CHARS:
                    raise TableTooLarge(f"{path}: {where}: a key of {len(name)} characters "
                                        f"({quote_cell(name, 60)}); at most {MAX_COLUMN_NAME_CHARS}")
            if isinstance(value, list):
                value = "|".join(p for p in (_item_text(item) for item in value) if p) or None
            text_value = budget.cell(value, where, name)
            if text_value is not None:
                cells[name] = text_value
        rows.append((where, cells))
    return list(columns), rows
