"""The project file ``wildpress.yaml``: loaded, checked and turned into a :class:`Project`.

A project file says which species to build (paths or globs), where the
project's layouts live, the output folder and file-name pattern, build-wide
settings, the brand, and a list of outputs (a layout, its sizes, options and
print settings). It is read by the strict loader species files use, and
every problem is reported at once, each at its file, line and column, in a
sentence: unknown keys with "did you mean", wrong types, unknown layouts and
sizes, bad lengths, colours, addresses and logos (see :mod:`.brand`).
"""

from __future__ import annotations

import dataclasses
import difflib
import glob
import os
import string
from dataclasses import dataclass, field
from pathlib import Path

from jsonschema import Draft202012Validator

from ..data.species import _schema_problems as _species_sentences, _set_in
from ..data.yamlsafe import Located, YAMLProblem, format_path, load_file
from ..errors import DataError, LayoutError, Problem, UsageError
from ..jobs import Brand
from ..printing.sizes import get_size
from ..settings import parse, project_properties
from ..safety.confine import Confinement
from .brand import BRAND_SCHEMA, check_brand

PROJECT_FILE = "wildpress.yaml"
PLACEHOLDERS = ("species", "layout", "size", "orientation", "lang")
DEFAULTS = {"species": ["data/species"], "layouts": ["layouts"], "out": "out", "filename": "{species}-{layout}-{size}"}
_TEXT_LIST = {"type": "array", "items": {"type": "string"}, "maxItems": 200}
_OUTPUT = {
    "type": "object",
    "properties": {"layout": {"type": "string"}, "sizes": _TEXT_LIST, "options": {"type": "object"},
                   **project_properties("output")},
    "required": ["layout"], "additionalProperties": False,
}
PROJECT_SCHEMA = {
    "type": "object", "additionalProperties": False, "properties": {
        "species": _TEXT_LIST, "layouts": _TEXT_LIST, "out": {"type": "string"}, "filename": {"type": "string"},
        **project_properties("build"),
        "brand": BRAND_SCHEMA, "outputs": {"type": "array", "items": _OUTPUT, "maxItems": 200},
    },
}
_VALIDATOR = Draft202012Validator(PROJECT_SCHEMA)


@dataclass
class OutputSpec:
    """One entry of ``outputs:``: a layout at its sizes, with options and print settings."""

    layout: str
    sizes: list[str]  # empty: the layout's default sizes
    options: dict  # the layout's -O options, as written
    line: int
    values: dict = field(default_factory=dict)  # checked output-scope settings given (by setting name)

    @property
    def orientation(self) -> str | None:
        return self.values.get("orientation")


@dataclass
class Project:
    """A checked project file: what to build, from which layouts, where to, and under whose brand."""

    root: Path  # absolute
    file: Path
    species: list[str]  # paths or globs relative to root, as written
    layout_dirs: list[Path]  # absolute, searched in order before the built-in layouts
    out_dir: Path  # inside root (checked)
    filename: str  # pattern with {species} {layout} {size} {orientation} {lang}
    outputs: list[OutputSpec]
    brand: Brand
    values: dict = field(default_factory=dict)  # checked build-scope settings given (by setting name)
    _species_lines: list = field(default_factory=list, repr=False, compare=False)  # (line, column) per entry
    _logo_sha256: str | None = field(default=None, repr=False, compare=False)

    @property
    def lang(self) -> str:
        return self.values.get("lang", "en")

    def species_paths(self) -> list[Path]:
        """Files and folders named by ``species`` (globs expanded, each sorted, in order, no repeats);
        a path that does not exist or a glob matching nothing raises DataError at its line."""
        found, problems = _expand_species(self.root, self.file, self.species, self._species_lines)
        if problems:
            raise DataError(problems)
        return found


def _expand_species(root: Path, file: Path, entries: list[str], lines: list) -> tuple[list[Path], list[Problem]]:
    found, problems = [], []
    for i, entry in enumerate(entries):
        line, col = lines[i] if i < len(lines) else (None, None)
        if glob.has_magic(entry):
            matches = [root / m for m in sorted(glob.glob(entry, root_dir=root, recursive=True))]
            matches = [m for m in matches if m.is_dir() or m.suffix in (".yaml", ".yml")]
            if not matches:
                problems.append(Problem(file, line, col, f"species[{i}]",
                                        f"{entry!r} matches no species files or folders"))
        else:
            matches = [root / entry]
            if not os.path.lexists(matches[0]):
                problems.append(Problem(file, line, col, f"species[{i}]", f"not found: {matches[0]}"))
                continue
        found += [m for m in matches if m not in found]
    return found, problems


def find_project(start: Path) -> Path | None:
    """The ``wildpress.yaml`` in the folder ``start`` (parents are not searched), or None."""
    return Path(start) / PROJECT_FILE if os.path.lexists(Path(start) / PROJECT_FILE) else None


def _coerce_plain_scalars(doc: Located) -> None:
    """Where text is expected but YAML read a number (``deck_name: 2024``), keep the author's text."""
    for _ in range(20):  # each pass fixes every case now visible
        fixed = False
        for error in _VALIDATOR.iter_errors(doc.data):
            path = tuple(error.absolute_path)
            if error.validator == "type" and "string" in error.validator_value and path in doc.raw:
                _set_in(doc.data, path, doc.raw.pop(path))
                fixed = True
        if not fixed:
            return


def _one_to_list(doc: Located) -> None:
    """``species: data/x.yaml`` and ``sizes: A4`` mean a list of one."""
    targets = [(("species",), doc.data), (("layouts",), doc.data)]
    outputs = doc.data.get("outputs")
    for i, item in enumerate(outputs if isinstance(outputs, list) else []):
        if isinstance(item, dict):
            targets += [(("outputs", i, "sizes"), item), (("outputs", i, "marks"), item)]
    for path, parent in targets:
        if isinstance(parent.get(path[-1]), str):
            parent[path[-1]] = [parent[path[-1]]]
            doc.positions[path + (0,)] = doc.positions.get(path, (None, None))


def _schema_problems(doc: Located) -> list[Problem]:
    """Schema errors as sentences; an unknown key is an error here (it would be ignored silently)."""
    return [dataclasses.replace(p, severity="error", message=p.message.replace("unknown field", "unknown key")
                                .replace("required field", "required key"))
            for p in _species_sentences(doc, _VALIDATOR)]


def _filename_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot name output files, or None."""
    if not pattern.strip():
        return "is empty: give a pattern such as {species}-{layout}-{size}"
    if "/" in pattern or "\\" in pattern or ".." in pattern:
        return f"{pattern!r} must be a file name: no '/', '\\' or '..' (files go into the `out` folder)"
    if pattern.lower().endswith(".pdf"):
        return f"{pattern!r}: leave out '.pdf', wildpress adds it"
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(pattern) if name is not None]
    except ValueError:
        return f"{pattern!r} has an unmatched brace: placeholders are written {{species}}, {{size}}, ..."
    known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    for name, spec, conv in fields:
        if name not in PLACEHOLDERS:
            hint = difflib.get_close_matches(name, PLACEHOLDERS, n=1)
            mean = f" (did you mean {{{hint[0]}}}?)" if hint else ""
            return f"unknown placeholder {{{name}}}{mean}; the placeholders are {known}"
        if spec or conv:
            return f"placeholder {{{name}}} takes no format or conversion: write {{{name}}}"
    return None


def _layout_dirs(doc: Located, root: Path, add) -> list[Path]:
    """The project's layout folders that exist inside it; the rest are problems at their lines."""
    from ..layout.layouts import project_layout_dirs

    given = doc.data.get("layouts", DEFAULTS["layouts"])
    dirs = []
    for i, name in enumerate(given if isinstance(given, list) else []):
        if not isinstance(name, str):
            continue
        path = ("layouts", i) if "layouts" in doc.data else ()
        folder = root / name
        try:
            project_layout_dirs(root, [Path(name)])
            if "layouts" in doc.data and not folder.is_dir():  # the default layouts/ may be missing
                raise LayoutError(f"layouts folder not found: {folder}" if not folder.exists()
                                  else f"{folder} is not a folder")
        except LayoutError as exc:
            add(path, str(exc))
            continue
        dirs.append(folder)
    return dirs


def _check_output(doc: Located, i: int, item: dict, root: Path, dirs: list[Path], add) -> None:
    """Layout, sizes, options and print settings of ``outputs[i]`` (already of the right types)."""
    from ..layout.layouts import available, load_layout
    at, layout = ("outputs", i), None
    if isinstance(item.get("layout"), str):
        name = item["layout"]
        names = available(root, dirs)
        if name not in names:
            hint = difflib.get_close_matches(name, list(names), n=1)
            mean = f" (did you mean '{hint[0]}'?)" if hint else ""
            add(at + ("layout",), f"unknown layout {name!r}{mean}; available: {', '.join(sorted(names))}")
        else:
            try:
                layout = load_layout(name, root, dirs)
            except (LayoutError, UsageError) as exc:
                add(at + ("layout",), f"layout {name!r} cannot be built: {exc}")
    orientation = item.get("orientation") if item.get("orientation") in ("portrait", "landscape") else None
    for n, spec in enumerate(item.get("sizes") or []):
        if not isinstance(spec, str):
            continue
        try:
            size = get_size(spec, orientation)
            if layout is not None:
                layout.check_size(size)
        except UsageError as exc:
            add(at + ("sizes", n), str(exc))
    if layout is not None and isinstance(item.get("options"), dict):
        for key, value in item["options"].items():
            try:
                layout.resolve_options({key: value})
            except UsageError as exc:
                add(at + ("options", key), str(exc), key=True)
    parse("output", item, lambda key, message: add(at + (key,), message))


def _check_settings(doc: Located, root: Path, add) -> None:
    """Build-wide values: species entries, out, filename (the settings of the table: :func:`parse`)."""
    data = doc.data
    for i, entry in enumerate(data.get("species") if isinstance(data.get("species"), list) else []):
        if isinstance(entry, str) and (not entry.strip() or os.path.isabs(entry) or ".." in Path(entry).parts):
            add(("species", i), f"{entry!r} must be a path or glob inside the project, relative to its folder "
                                "(no '..', not absolute)")
    if isinstance(data.get("out"), str):
        problem = _out_problem(data["out"], root)
        if problem:
            add(("out",), problem)
    if isinstance(data.get("filename"), str):
        problem = _filename_problem(data["filename"])
        if problem:
            add(("filename",), problem)
    if isinstance(data.get("outputs"), list) and not data["outputs"]:
        add(("outputs",), "lists no outputs: give at least one, e.g. - {layout: factsheet}")


def load_project(path: Path) -> Project:
    """Read and check a project file (or the ``wildpress.yaml`` in the folder ``path``); raise
    :class:`DataError` with every problem found."""
    path = Path(path)
    file = path / PROJECT_FILE if path.is_dir() else path
    root = Path(os.path.abspath(file.parent))
    try:
        doc = load_file(file, Confinement.for_project(root))
    except YAMLProblem as exc:
        raise DataError([exc.problem]) from None
    if not isinstance(doc.data, dict):
        raise DataError([Problem(file, 1, 1, "", "expected a mapping of keys like species, outputs, brand")])
    _one_to_list(doc)
    _coerce_plain_scalars(doc)
    problems = _schema_problems(doc)

    def add(where: tuple, message: str, key: bool = False) -> None:
        if any(p.path == format_path(where) for p in problems):
            return  # one sentence per value: the schema already said what is wrong with it
        line, col = doc.where(where, key=key)
        problems.append(Problem(file, line, col, format_path(where), message))

    _check_settings(doc, root, add)
    values = parse("build", doc.data, lambda key, message: add((key,), message))
    dirs = _layout_dirs(doc, root, add)
    brand, logo_sha, brand_problems = check_brand(doc, root)
    problems += brand_problems
    outputs = doc.data.get("outputs", [{"layout": "factsheet"}])
    specs = []
    for i, item in enumerate(outputs if isinstance(outputs, list) else []):
        if not isinstance(item, dict):
            continue
        _check_output(doc, i, item, root, dirs, add)
        line = doc.where(("outputs", i))[0] if "outputs" in doc.data else 1
        specs.append(OutputSpec(item.get("layout"), list(item.get("sizes") or []), dict(item.get("options") or {}),
                                line, parse("output", item, lambda key, message: None)))
    species = doc.data.get("species")
    lines = [doc.where(("species", i)) for i in range(len(species))] if isinstance(species, list) else []
    if lines and all(isinstance(e, str) for e in species) and not any(p.path.startswith("species") for p in problems):
        problems += _expand_species(root, file, species, lines)[1]  # given explicitly: each must find something
    problems = list(dict.fromkeys(problems))
    if any(p.severity == "error" for p in problems):
        raise DataError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    data = {**DEFAULTS, **doc.data}
    species = list(data["species"])
    lines = lines or [(None, None)] * len(species)
    return Project(
        root=root, file=root / file.name, species=species, layout_dirs=dirs, out_dir=root / data["out"],
        filename=data["filename"], outputs=specs, brand=brand, values=values, _species_lines=lines,
        _logo_sha256=logo_sha)


def _out_problem(out: str, root: Path) -> str | None:
    """Why ``out`` cannot be the project's output folder, or None: it must lie inside the project."""
    if not out.strip():
        return "is empty: give the output folder, e.g. out"
    if os.path.isabs(out) or ".." in Path(out).parts or Path(out).drive or "\\" in out:
        return (f"{out!r} must be a folder inside the project, relative to its folder (no '..', not absolute); "
                "to write elsewhere, give --out on the command line")
    lexical = root / out
    real = Path(os.path.realpath(lexical))
    if not real.is_relative_to(os.path.realpath(root)) or real == Path(os.path.realpath(root)):
        return f"{out!r} leads to {real}, outside the project folder (a link?); name a real folder inside it"
    return None
