"""`wildpress validate` as a function: every problem of every file, in three formats.

``text`` is for people: every problem (file:line:column: field: message) sorted by
file and line, then -- when there are many -- a summary grouping them by kind
("status.category not an IUCN category: 83 in 83 files (mammals-1.yaml, ...)"),
so the last screen of a long run says what to fix first. ``json`` is for tools
(with the same summary),
and ``github`` prints GitHub workflow annotations
(``::error file=...,line=...,col=...::message``) so a data repository's CI
marks each problem on the pull request's changed line. Files are read by the
same confinement as ``build``: inside the project (current) folder or a
folder the user named.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataError, Problem
from .safety.confine import Confinement
from .terminal import for_terminal, github_data, github_line, github_property
from .data.species import find_species_files, load_species


@dataclass
class ValidationReport:
    """What ``validate`` found."""

    files: list[Path]
    valid: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def ok(self) -> bool:
        """True when no problem is an error."""
        return self.errors == 0

    def summary(self) -> str:
        """The last line of the text format."""
        warnings = len(self.problems) - self.errors
        if self.ok:
            return f"{self.valid} species file(s) valid" + (f", {warnings} warning(s)" if warnings else "")
        bad = len({str(p.file) for p in self.problems if p.severity == "error"})
        return f"{self.errors} error(s), {warnings} warning(s)" + (
            f" in {bad} of {len(self.files)} files" if len(self.files) > 1 else "")

    def sort(self) -> None:
        """Problems by file (the project file first, then in natural order: mammals-2 before
        mammals-10), then line and column; problems without a line lead their file."""
        first = {str(f): i for i, f in enumerate(self.files[-1:]) if f.name == "wildpress.yaml"}
        self.problems.sort(key=lambda p: (str(p.file) not in first, _natural(str(p.file)), p.line or 0,
                                          p.column or 0))

    def groups(self) -> list[dict]:
        """Problems by kind, commonest first: kind, severity, count, files and the first few files."""
        counts: Counter = Counter()
        files: dict[tuple, dict[str, None]] = {}
        for p in self.problems:
            key = (problem_kind(p), p.severity)
            counts[key] += 1
            names = files.setdefault(key, {})  # a dict keeps the files in order, each once
            names[str(p.file)] = None
        order = sorted(counts, key=lambda k: (k[1] != "error", -counts[k], k[0]))
        return [{"kind": k, "severity": sev, "count": counts[(k, sev)], "files": len(files[(k, sev)]),
                 "first_files": [Path(f).name for f in list(files[(k, sev)])[:3]]} for k, sev in order]

    def grouped_summary(self, shown: int = 12) -> list[str]:
        """The summary lines of the text format, or none when grouping would only repeat the list."""
        groups = self.groups()
        if len(self.problems) < 2 or (len(groups) == len(self.problems) and len(self.problems) <= 5):
            return []
        lines = ["", "Summary:"]
        for g in groups[:shown]:
            where = ", ".join(g["first_files"]) + (", …" if g["files"] > len(g["first_files"]) else "")
            tag = "warning: " if g["severity"] == "warning" else ""
            lines.append(f"  {tag}{g['kind']}: {g['count']} in {g['files']} file{'s' * (g['files'] != 1)}"
                         f" ({where})")
        if len(groups) > shown:
            lines.append(f"  … and {len(groups) - shown} other kinds ({sum(g['count'] for g in groups[shown:])} "
                         "problems)")
        return lines

    def as_text(self) -> list[str]:
        """Every problem, then the grouped summary (when useful), each escaped for a terminal
        (:func:`wildpress.terminal.for_terminal`: a file name cannot forge a line); the caller
        prints the last line."""
        return [for_terminal(line) for line in [str(p) for p in self.problems] + self.grouped_summary()]

    def as_json(self) -> str:
        """Machine-readable report."""
        return json.dumps({
            "ok": self.ok, "files": len(self.files), "valid": self.valid, "errors": self.errors,
            "warnings": len(self.problems) - self.errors,
            "summary": self.groups(),
            "problems": [{"file": str(p.file), "line": p.line, "column": p.column, "field": p.path,
                          "message": p.message, "severity": p.severity} for p in self.problems],
        }, indent=2, ensure_ascii=False)

    def as_github(self) -> str:
        """GitHub workflow commands, one per problem, then the summary. Every text from input is
        escaped for the log and for GitHub (:mod:`wildpress.terminal`), so no file name or value
        can end an annotation or start a command of its own (``::stop-commands::``)."""
        lines = []
        for p in self.problems:
            props = [f"file={github_property(_relative(p.file))}"]
            if p.line is not None:
                props.append(f"line={p.line}")
                if p.column is not None:
                    props.append(f"col={p.column}")
            props.append(f"title={github_property('wildpress ' + (p.path or 'file'))}")
            text = f"{p.path}: {p.message}" if p.path else p.message
            kind = "warning" if p.severity == "warning" else "error"
            lines.append(f"::{kind} {','.join(props)}::{github_data(text)}")
        lines += [github_line(line) for line in self.grouped_summary() if line]
        lines.append(github_line(self.summary()))
        return "\n".join(lines)


def _natural(text: str) -> list:
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text)]


_KINDS = [  # message -> kind, where the generic rule below would say too little or too much
    (r"country (code|name)|^expected a country code", "not a country code"),
    (r"is not a unit", "not a unit"),
    (r"is greater than max", "min greater than max"),
    (r"^photo file not found", "photo file not found"),
    (r"^the file name .* cannot be the id", "file name cannot be the id"),
    (r"^species id .* is also used by", "id used by another file"),
    (r"has a glyph for", "characters no font has"),
    (r"^no \S+ text \(it is given in", "not translated"),
]


def problem_kind(p: Problem) -> str:
    """What kind of problem ``p`` is, without its particulars: 'status.category not an IUCN category',
    'range.countries[] not a country code', 'invalid YAML'. Used to group a long report."""
    field = re.sub(r"\[\d+\]", "[]", p.path)
    field = re.sub(r"^measurements\.[^.]+(?=\.)", "measurements.*", field)  # any key: weight, tail, ...
    message = p.message
    if message.startswith("invalid YAML") or message.startswith("duplicate key") or "aliases" in message:
        return "invalid YAML"
    if message.startswith("unknown field") or message.startswith("unknown key"):
        return f"{field} unknown field" if field else "unknown field"
    for pattern, kind in _KINDS:
        if re.search(pattern, message):
            return f"{field} {kind}".strip()
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "", message)  # the author's values
    text = re.sub(r"\s*\([^()]*\)", "", text)  # particulars in brackets
    text = re.split(r": |, got |; ", text, maxsplit=1)[0].strip()
    text = re.sub(r"^(is|a|an)\s+", "", text)
    text = re.sub(r"\s+", " ", text)
    if text.startswith("required field is missing"):
        text = "missing"
    return f"{field} {text}".strip() if field else (text or message)


def _relative(file: Path | str) -> str:
    path = os.path.abspath(file)
    cwd = os.getcwd()
    return os.path.relpath(path, cwd) if path.startswith(cwd + os.sep) else path


def _species_despite(project_file: Path, project: Path) -> list[Path]:
    """The species paths a broken project file names, as far as they can be read (else the default)."""
    from .build import default_species_paths
    from .data.yamlsafe import YAMLProblem, load_file

    try:
        data = load_file(project_file).data
    except YAMLProblem:
        return default_species_paths(project)
    named = data.get("species", ["data/species"]) if isinstance(data, dict) else None
    named = [named] if isinstance(named, str) else named
    if not isinstance(named, list):
        return default_species_paths(project)
    root, found = project_file.parent, []
    for item in named:
        if not isinstance(item, str) or os.path.isabs(item) or ".." in Path(item).parts:
            continue
        matches = sorted(root.glob(item)) if any(c in item for c in "*?[") else [root / item]
        found += [m for m in matches if m.exists() and m not in found]
    return found or default_species_paths(project)


def validate_paths(paths: list[Path], project: Path, strict: bool = False,
                   langs: list[str] | None = None) -> ValidationReport:
    """Validate the species files in ``paths`` (default: the project's, else the bundled samples).

    Without ``paths`` in a folder holding a project file (``wildpress.yaml``), the project
    file is checked too and its ``species`` are validated; its problems come first. For each
    language of ``langs``, every valid file's texts that lack it and every character no
    bundled or project font has are problems too (what `build --lang` would refuse).
    """
    from .build import default_species_paths
    from .project.config import find_project, load_project
    from .resources import sample_species_dir

    named = [Path(p) for p in paths]
    found = None if named else find_project(project)
    file_problems: list[Problem] = []
    search = named or default_species_paths(project)
    if found:
        try:
            search = load_project(found).species_paths()
        except DataError as exc:  # still check the species it names: every problem in one run
            file_problems = list(exc.problems)
            search = _species_despite(found, project)
    files = find_species_files(search)
    report = ValidationReport(files + ([found] if found else []))
    report.problems = list(file_problems)
    if not files:
        report.sort()
        return report
    confinement = Confinement.for_project(project, named or [p for p in search if p == sample_species_dir()])
    try:
        species, problems = load_species(files, strict=strict, confinement=confinement)
        report.valid = len(species)
    except DataError as exc:
        problems = exc.problems
        species = load_species(files, strict=strict, confinement=confinement, keep_going=True)[0] if langs else []
    if langs:
        from .layout.preflight import language_problems

        problems += language_problems(species, langs, project)
        report.valid = len({str(sp.file) for sp in species} - {str(p.file) for p in problems if p.severity == "error"})
    report.problems += problems
    report.sort()
    return report
