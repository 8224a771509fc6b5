"""What an import says: one decision per column, and problems grouped by kind instead of one line per row.

A table of 800 rows with one bad column gives one line ("column 'countries':
'Narnia' is not a country ... -- 743 rows: row 2, row 3, ...") on screen and in
the report, never 743. Identical substitutions are grouped the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cleaning import REPORT_HEADER, ImportResult, RowError, Substitution

ROWS_IN_REPORT = 30  # row numbers listed for one group in the report file
ROWS_ON_SCREEN = 3  # ... and on the terminal
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


@dataclass
class Group:
    column: str
    example: str  # the first row's message
    rows: list[str]

    def line(self, limit: int) -> str:
        where = f", column {self.column!r}" if self.column else ""
        if len(self.rows) == 1:
            return f"{self.rows[0]}{where}: {self.example}"
        return f"{rows_text(self.rows, limit)}{where}: {self.example} (as in {self.rows[0]}; the others alike)"


def rows_text(labels: list[str], limit: int) -> str:
    """'row 22', or 'rows 2, 3, 4 and 740 more (743 rows)'."""
    if len(labels) == 1:
        return labels[0]
    word, _, _ = labels[0].partition(" ")
    numbers = [label.partition(" ")[2] or label for label in labels[:limit]]
    more = f" and {len(labels) - limit} more" if len(labels) > limit else ""
    return f"{word}s {', '.join(numbers)}{more} ({len(labels)} {word}s)"


def group_errors(errors: list[RowError]) -> list[Group]:
    """Errors of the same kind in the same column, in the order first met (quoted values do not count)."""
    groups: dict[tuple[str, str], Group] = {}
    for error in errors:
        key = (error.column, _QUOTED.sub("'…'", error.reason))
        if key in groups:
            if error.row not in groups[key].rows:
                groups[key].rows.append(error.row)
        else:
            groups[key] = Group(error.column, error.reason, [error.row])
    return list(groups.values())


def group_substitutions(subs: list[Substitution]) -> list[tuple[Substitution, list[str]]]:
    groups: dict[tuple, tuple[Substitution, list[str]]] = {}
    for sub in subs:
        key = (sub.column, sub.before, sub.after, sub.why)
        groups.setdefault(key, (sub, []))[1].append(sub.row)
    return list(groups.values())


def counts_line(result: ImportResult, out_dir=None) -> str:
    where = f" to {out_dir}" if out_dir is not None else ""
    parts = [f"wrote {len(result.written)} species files{where}", f"{len({e.row for e in result.errors})} rows not "
             f"imported", f"{len(result.dropped)} cells left out", f"{len(result.updated)} files updated",
             f"{len(result.unchanged)} unchanged", f"{len(result.substitutions)} substitutions"]
    return "; ".join(parts)


def report_text(result: ImportResult) -> str:
    """The whole report file."""
    lines = [f"{REPORT_HEADER}: {result.table}", counts_line(result), ""]
    if result.decisions:
        lines += ["Columns:"] + [f"  {d}" for d in result.decisions] + [""]
    lines += [f"note: {n}" for n in result.notes]
    lines += [f"duplicate: {d}" for d in result.duplicates]
    if result.errors:
        lines += ["", "Rows not imported (fix the cell and import again):"]
        lines += [f"  {g.line(ROWS_IN_REPORT)}" for g in group_errors(result.errors)]
    if result.dropped:
        lines += ["", "Cells left out (their rows were imported without them):"]
        lines += [f"  {g.line(ROWS_IN_REPORT)}" for g in group_errors(result.dropped)]
    if result.substitutions:
        lines += ["", "Substitutions made:"]
        for sub, rows in group_substitutions(result.substitutions):
            lines.append(f"  {rows_text(rows, ROWS_IN_REPORT)}, column {sub.column!r}: {sub.before!r} -> "
                         f"{sub.after!r}: {sub.why}")
    if result.written:
        lines += ["", "Written:"] + [f"  {p}" + (" (updated)" if p in result.updated else "")
                                     for p in result.written]
    return "\n".join(lines) + "\n"


def screen_lines(result: ImportResult) -> list[str]:
    """What the terminal shows: the decisions, notes, and each group of problems once."""
    lines = [f"column {d}" for d in result.decisions]
    lines += [f"note: {n}" for n in result.notes]
    lines += [f"duplicate: {d}" for d in result.duplicates]
    lines += [f"not imported: {g.line(ROWS_ON_SCREEN)}" for g in group_errors(result.errors)]
    lines += [f"left out: {g.line(ROWS_ON_SCREEN)}" for g in group_errors(result.dropped)]
    return lines
