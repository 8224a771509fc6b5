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
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from jsonschema import Draft202012Validator

from ..data.schema import ID_PATTERN, MAX_ID
from ..data.species import _schema_problems as _species_sentences, _set_in
from ..data.yamlsafe import Located, YAMLProblem, format_path, load_file
from ..errors import DataError, LayoutError, Problem, UsageError
from ..jobs import Brand, Settings
from ..printing.sizes import MM, get_size, parse_length
from ..safety.confine import Confinement
from .brand import BRAND_SCHEMA, check_brand

PROJECT_FILE = "wildpress.yaml"
PLACEHOLDERS = ("species", "layout", "size", "orientation", "lang")
DEFAULTS = {"species": ["data/species"], "layouts": ["layouts"], "out": "out",
            "filename": "{species}-{layout}-{size}", "lang": "en"}
CARD_KEYS = ("sheet", "duplex", "fold", "cut_marks", "gutter", "back_offset", "imposition")
PRINT_KEYS = ("bleed", "marks", "variant", "tagged", "tile", "tile_overlap", *CARD_KEYS)

_TEXT_LIST = {"type": "array", "items": {"type": "string"}, "maxItems": 200}
_LENGTH = {"type": ["string", "number"]}
_OUTPUT = {
    "type": "object",
    "properties": {
        "layout": {"type": "string"}, "sizes": _TEXT_LIST, "orientation": {"enum": ["portrait", "landscape"]},
        "options": {"type": "object"}, "bleed": _LENGTH, "marks": {"type": "array", "items": {"enum": ["crop", "cross"]}},
        "variant": {"type": "string"}, "tagged": {"type": "boolean"},
        "tile": {"type": "string"}, "tile_overlap": _LENGTH,
        "sheet": {"type": "string"}, "duplex": {"enum": ["long", "short", "none"]}, "fold": {"type": "boolean"},
        "cut_marks": {"enum": ["cut", "crop", "none"]}, "gutter": {"type": "number"},
        "back_offset": {"type": "string"}, "imposition": {"enum": ["sheet", "none"]},
    },
    "required": ["layout"], "additionalProperties": False,
}
PROJECT_SCHEMA = {
    "type": "object", "additionalProperties": False, "properties": {
        "species": _TEXT_LIST, "layouts": _TEXT_LIST, "out": {"type": "string"}, "filename": {"type": "string"},
        "lang": {"type": "string"}, "photo_ppi": {"type": "number"}, "deck_name": {"type": "string"},
        "back_lang": {"type": "string"}, "units": {"enum": ["source", "metric", "imperial", "both"]},
        "fallback": {"type": "boolean"},
        "brand": BRAND_SCHEMA, "outputs": {"type": "array", "items": _OUTPUT, "maxItems": 200},
    },
}
_VALIDATOR = Draft202012Validator(PROJECT_SCHEMA)


@dataclass
class OutputSpec:
    """One entry of ``outputs:``: a layout at its sizes, with options and print settings."""

    layout: str
    sizes: list[str]  # empty: the layout's default sizes
    orientation: str | None
    options: dict  # the layout's -O options, as written
    line: int
    print: dict = field(default_factory=dict)  # the checked print settings given (keys of PRINT_KEYS)

    def apply(self, base: Settings) -> Settings:
        """A copy of ``base`` with this output's print settings; keys not given keep base's values."""
        from ..printing.imposition import parse_offset

        given = self.print
        changes = {key: given[key] for key in ("tagged", "tile") if key in given}
        if "marks" in given:
            changes["marks"] = tuple(given["marks"])
        if "variant" in given:
            changes["pdf_variant"] = given["variant"].lower()
        for key, field_name in (("bleed", "bleed_mm"), ("tile_overlap", "tile_overlap_mm")):
            if key in given:
                changes[field_name] = parse_length(given[key], key) / MM
        names = {"sheet": "sheet", "duplex": "duplex", "fold": "fold", "cut_marks": "marks", "imposition": "mode"}
        cards = {names[k]: given[k] for k in names if k in given}
        if "gutter" in given:
            cards["gutter_mm"] = float(given["gutter"])
        if "back_offset" in given:
            cards["back_offset"] = parse_offset(given["back_offset"])
        return dataclasses.replace(base, **changes, cards=dataclasses.replace(base.cards, **cards))


@dataclass
class Project:
    """A checked project file: what to build, from which layouts, where to, and under whose brand."""

    root: Path  # absolute
    file: Path
    species: list[str]  # paths or globs relative to root, as written
    layout_dirs: list[Path]  # absolute, searched in order before the built-in layouts
    out_dir: Path
    filename: str  # pattern with {species} {layout} {size} {orientation} {lang}
    outputs: list[OutputSpec]
    brand: Brand
    lang: str
    photo_ppi: float | None
    deck_name: str | None
    language: dict = field(default_factory=dict)  # back_lang, units, fallback as given
    _species_lines: list = field(default_factory=list, repr=False, compare=False)  # (line, column) per entry
    _logo_sha256: str | None = field(default=None, repr=False, compare=False)

    def species_paths(self) -> list[Path]:
        """Files and folders named by ``species`` (globs expanded, each sorted, in order, no repeats);
        a path that does not exist or a glob matching nothing raises DataError at its line."""
        found, problems = _expand_species(self.root, self.file, self.species, self._species_lines)
        if problems:
            raise DataError(problems)
        return found

    def settings(self, base: Settings | None = None) -> Settings:
        """``base`` (default: new Settings) with the project's brand, language, photo resolution and
        deck name; each output's print settings then go on top (:meth:`OutputSpec.apply`)."""
        base = base or Settings()
        changes: dict = {"brand": self.brand, "lang": self.lang, "project_dir": str(self.root), **self.language}
        if self.photo_ppi is not None:
            changes["photo_ppi"] = self.photo_ppi
        if self.deck_name is not None:
            changes["deck_name"] = self.deck_name
        return dataclasses.replace(base, **changes)

    def hash_inputs(self) -> dict:
        """What the outputs depend on from the project file, as JSON-able data (the logo by content)."""
        brand = dataclasses.asdict(self.brand)
        brand["logo"] = os.path.relpath(self.brand.logo, os.path.realpath(self.root)) if self.brand.logo else None
        brand["logo_sha256"] = self._logo_sha256
        return {"brand": brand, "filename": self.filename, "lang": self.lang, "photo_ppi": self.photo_ppi,
                **self.language,
                "deck_name": self.deck_name,
                "layouts": [os.path.relpath(d, self.root) for d in self.layout_dirs],
                "outputs": [{"layout": o.layout, "sizes": list(o.sizes), "orientation": o.orientation,
                             "options": dict(o.options), "print": dict(o.print)} for o in self.outputs]}


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
    from ..printing.imposition import parse_offset
    from ..printing.production import MAX_BLEED_MM, pdf_variants

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
    orientation = item.get("orientation") if isinstance(item.get("orientation"), str) else None
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
    checks = {
        "bleed": lambda v: _range(parse_length(v, "bleed") / MM, 0, MAX_BLEED_MM, "bleed"),
        "tile_overlap": lambda v: _range(parse_length(v, "tile_overlap") / MM, 0, 200, "tile overlap"),
        "tile": get_size, "sheet": get_size,
        "variant": lambda v: _variant(v, pdf_variants()),
        "gutter": lambda v: _range(v, 0, 30, "gutter"),
        "back_offset": lambda v: _range(max(map(abs, parse_offset(v))), 0, 20, "back offset", "each of X and Y "
                                        "must be within ±20 mm; re-check the calibration reading"),
    }
    for key, check in checks.items():
        value = item.get(key)
        types = (int, float) if key == "gutter" else (str, int, float) if key in ("bleed", "tile_overlap") else str
        if isinstance(value, bool) or not isinstance(value, types):  # the schema reports the wrong type
            continue
        try:
            check(value)
        except UsageError as exc:
            add(at + (key,), str(exc))


def _range(value: float, low: float, high: float, what: str, rule: str = "") -> None:
    if not low <= value <= high:
        raise UsageError(f"{what} {value:g} mm: {rule or f'must be between {low:g} and {high:g} mm'}")


def _variant(value: str, variants: list[str]) -> None:
    if value.lower() == "pdf/x-1a":
        raise UsageError("pdf/x-1a allows CMYK colour only and wildpress layouts are sRGB; use pdf/x-4")
    if value.lower() not in variants:
        hint = difflib.get_close_matches(value.lower(), variants, n=1, cutoff=0.5)
        mean = f" (did you mean {hint[0]}?)" if hint else ""
        raise UsageError(f"unknown PDF variant {value!r}{mean}; `wildpress variants` lists them")


def _check_settings(doc: Located, add) -> None:
    """Build-wide values: species entries, out, filename, lang, photo_ppi, deck_name."""
    from ..layout.formatting import check_language

    data = doc.data
    for i, entry in enumerate(data.get("species") if isinstance(data.get("species"), list) else []):
        if isinstance(entry, str) and (not entry.strip() or os.path.isabs(entry) or ".." in Path(entry).parts):
            add(("species", i), f"{entry!r} must be a path or glob inside the project, relative to its folder "
                                "(no '..', not absolute)")
    if isinstance(data.get("out"), str) and not data["out"].strip():
        add(("out",), "is empty: give the output folder, e.g. out")
    if isinstance(data.get("filename"), str):
        problem = _filename_problem(data["filename"])
        if problem:
            add(("filename",), problem)
    for key in ("lang", "back_lang"):
        if isinstance(data.get(key), str):
            try:
                check_language(data[key])
            except UsageError as exc:
                add((key,), str(exc))
    ppi = data.get("photo_ppi")
    if isinstance(ppi, (int, float)) and not isinstance(ppi, bool) and not 0 <= ppi <= 2400:
        add(("photo_ppi",), f"{ppi:g} is outside 0..2400 (0 embeds the original photos)")
    deck = data.get("deck_name")
    if isinstance(deck, str) and (len(deck) > MAX_ID or not re.match(ID_PATTERN, deck)):
        add(("deck_name",), f"{deck!r} must be lower-case letters and digits joined by single hyphens, "
                            f"at most {MAX_ID} characters (it becomes a file name)")
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
        line, col = doc.where(where, key=key)
        problems.append(Problem(file, line, col, format_path(where), message))

    _check_settings(doc, add)
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
        specs.append(OutputSpec(item.get("layout"), list(item.get("sizes") or []), item.get("orientation"),
                                dict(item.get("options") or {}), line,
                                {k: item[k] for k in PRINT_KEYS if k in item}))
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
        root=root, file=root / file.name, species=species, layout_dirs=dirs,
        out_dir=root / data["out"], filename=data["filename"], outputs=specs, brand=brand, lang=data["lang"],
        photo_ppi=float(data["photo_ppi"]) if data.get("photo_ppi") is not None else None,
        deck_name=data.get("deck_name"),
        language={k: data[k] for k in ("back_lang", "units", "fallback") if k in data},
        _species_lines=lines,
        _logo_sha256=logo_sha)
