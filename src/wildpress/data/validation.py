"""`wildpress validate` as a function: every problem of every file, in three formats.

``text`` is for people (file:line:column: field: message), ``json`` for tools,
and ``github`` prints GitHub workflow annotations
(``::error file=...,line=...,col=...::message``) so a data repository's CI
marks each problem on the pull request's changed line. Files are read by the
same confinement as ``build``: inside the project (current) folder or a
folder the user named.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError, Problem
from ..safety.confine import Confinement
from .species import find_species_files, load_species


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
        return f"{self.errors} error(s), {warnings} warning(s)"

    def as_json(self) -> str:
        """Machine-readable report."""
        return json.dumps({
            "ok": self.ok, "files": len(self.files), "valid": self.valid, "errors": self.errors,
            "warnings": len(self.problems) - self.errors,
            "problems": [{"file": str(p.file), "line": p.line, "column": p.column, "field": p.path,
                          "message": p.message, "severity": p.severity} for p in self.problems],
        }, indent=2, ensure_ascii=False)

    def as_github(self) -> str:
        """GitHub workflow commands, one per problem, then the summary."""
        lines = []
        for p in self.problems:
            props = [f"file={_prop(_relative(p.file))}"]
            if p.line is not None:
                props.append(f"line={p.line}")
                if p.column is not None:
                    props.append(f"col={p.column}")
            props.append(f"title={_prop('wildpress ' + (p.path or 'file'))}")
            text = f"{p.path}: {p.message}" if p.path else p.message
            lines.append(f"::{'warning' if p.severity == 'warning' else 'error'} {','.join(props)}::{_data(text)}")
        lines.append(self.summary())
        return "\n".join(lines)


def _relative(file: Path | str) -> str:
    path = os.path.abspath(file)
    cwd = os.getcwd()
    return os.path.relpath(path, cwd) if path.startswith(cwd + os.sep) else path


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def validate_paths(paths: list[Path], project: Path, strict: bool = False) -> ValidationReport:
    """Validate the species files in ``paths`` (default: the project's, else the bundled samples).

    Without ``paths`` in a folder holding a project file (``wildpress.yaml``), the project
    file is checked too and its ``species`` are validated; its problems come first.
    """
    from ..build import default_species_paths
    from ..project.config import find_project, load_project
    from ..resources import sample_species_dir

    named = [Path(p) for p in paths]
    found = None if named else find_project(project)
    file_problems: list[Problem] = []
    search = named or default_species_paths(project)
    if found:
        try:
            search = load_project(found).species_paths()
        except DataError as exc:
            file_problems = list(exc.problems)
            search = []
    files = find_species_files(search)
    report = ValidationReport(files + ([found] if found else []))
    report.problems = list(file_problems)
    if not files:
        return report
    confinement = Confinement.for_project(project, named or [p for p in search if p == sample_species_dir()])
    try:
        species, problems = load_species(files, strict=strict, confinement=confinement)
        report.valid = len(species)
    except DataError as exc:
        problems = exc.problems
    report.problems += problems
    return report
