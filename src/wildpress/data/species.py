"""Loading and validating species files.

Validation checks the whole file against :data:`wildpress.data.schema.SPECIES_SCHEMA`
plus the rules a schema cannot express (real country codes, min <= max, photo
files that exist inside the project), and reports every problem at once with
file, line and column.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pycountry
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from ..errors import DataError, Problem
from .schema import MEASUREMENT_KEYS
from ..safety.confine import Confinement, Refused
from . import countries
from .schema import ID_PATTERN, IUCN_CATEGORIES, MAX_GALLERY, MAX_ID, SPECIES_SCHEMA, UNITS
from .printable import same_species, unprintable
from .yamlsafe import Located, YAMLProblem, format_path, load_file
from .messages import (
    _schema_at, _yaml_type, _TYPE_WORDS, _describe, _known_keys, _OWN_ANYOF, _limit_message, _text_message, _COUNTRY_PATTERN, _unit_hint, _enum_hint, _country_hint, _field_hint,
)

_VALIDATOR = Draft202012Validator(SPECIES_SCHEMA)

# Optional top-level sections get a neutral default so templates can test
# `{% if species.photo %}` under StrictUndefined instead of guarding every access.
_LIST_DEFAULTS = ("diet", "quick_facts", "threats", "sources", "gallery")
_NONE_DEFAULTS = ("status", "taxon", "population", "measurements", "range", "description", "habitat",
                  "ecology", "conservation", "photo", "links", "accent")


@dataclass
class Species:
    """A validated species: its data (with defaults filled) and where it came from."""

    id: str
    file: Path
    data: dict
    warnings: list[Problem] = field(default_factory=list)

    @property
    def photo_path(self) -> Path | None:
        """Absolute path of the photo, or None when the species has none."""
        photo = self.data.get("photo")
        return (self.file.parent / photo["file"]).resolve() if photo else None


def _set_in(data: Any, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _coerce_plain_scalars(doc: Located) -> None:
    """Where a string is expected but YAML read a number or boolean, keep the author's text.

    `version: 1.10` must stay "1.10", not become 1.1; quoting is not something
    volunteers should have to know about.
    """
    for _ in range(50):  # each pass fixes every currently visible case
        fixed = False
        for error in _VALIDATOR.iter_errors(doc.data):
            for err in [error, *error.context]:
                path = tuple(err.absolute_path)
                expects_string = err.validator == "type" and "string" in (
                    err.validator_value if isinstance(err.validator_value, list) else [err.validator_value])
                if expects_string and path in doc.raw:
                    _set_in(doc.data, path, doc.raw.pop(path))
                    fixed = True
        if not fixed:
            return


def _schema_problems(doc: Located, validator: Draft202012Validator = _VALIDATOR) -> list[Problem]:
    """Every schema error of ``doc`` as a located, human sentence (unknown keys are warnings)."""
    problems = []
    for error in sorted(validator.iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))):
        if error.validator == "anyOf" and error.context and error.schema.get("title") not in _OWN_ANYOF:
            deeper = [e for e in error.context if len(e.absolute_path) > len(error.absolute_path)]
            # the branch that came closest (it got inside the value), in its own words
            error = max(deeper, key=lambda e: len(e.absolute_path)) if deeper else best_match(error.context)
        path = tuple(error.absolute_path)
        kind, schema, value = error.validator, error.schema, error.instance
        line, col = doc.where(path)
        fpath = format_path(path)
        if kind == "anyOf" and schema.get("title") == "text":
            sub, msg = _text_message(error)
            line, col = doc.where(path + sub)
            problems.append(Problem(doc.file, line, col, format_path(path + sub), msg))
            continue
        if kind == "additionalProperties":
            known = _known_keys(schema)
            for key in sorted(set(value) - set(known)):
                if any(re.match(p, key) for p in schema.get("patternProperties", {})):
                    continue
                kl, kc = doc.where(path + (key,), key=True)
                hint = _field_hint(key, known, schema, validator.schema, path)
                msg = f"unknown field (did you mean '{hint}'?)" if hint else \
                    f"unknown field (expected one of {', '.join(known)})" if known else "unknown field"
                problems.append(Problem(doc.file, kl, kc, format_path(path + (key,)), msg, "warning"))
            continue
        if kind == "required":
            missing = [k for k in error.validator_value if k not in value]
            for key in missing:
                problems.append(Problem(doc.file, line, col, format_path(path + (key,)), "required field is missing"))
            continue
        if kind == "enum" and path and path[-1] == "unit" and list(error.validator_value) == sorted(UNITS):
            msg = _unit_hint(value, path)
        elif kind == "enum":
            title = schema.get("title")
            options = ", ".join(map(str, error.validator_value))
            what = f"is not {title}" if title else "is not allowed"
            names = IUCN_CATEGORIES if set(error.validator_value) == set(IUCN_CATEGORIES) else None
            hint = _enum_hint(value, list(error.validator_value), names)
            msg = f"{_describe(value)} {what}: did you mean {hint}?" if hint else \
                f"{_describe(value)} {what} (expected one of {options})"
        elif kind == "type":
            expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
            msg = f"expected {' or '.join(_TYPE_WORDS.get(t, t) for t in expected)}, got {_describe(value)}"
        elif _limit_message(kind, error.validator_value, value):
            msg = _limit_message(kind, error.validator_value, value)
        elif kind == "anyOf" and schema.get("title") in ("quantity", "measurement"):
            msg = "needs a 'value', or a 'min' and/or 'max'"
        elif kind == "pattern" and error.validator_value == _COUNTRY_PATTERN:
            msg = _country_hint(value, path)
        elif kind == "pattern":
            title = schema.get("title", f"text matching {error.validator_value}")
            msg = f"{_describe(value)} is not a valid {title}"
        elif kind == "const":
            msg = f"expected {error.validator_value!r}, got {_describe(value)}"
        else:
            msg = error.message
        problems.append(Problem(doc.file, line, col, fpath, msg))
    return list(dict.fromkeys(problems))  # 'required' reports every missing key once per error


OVERSIZED = 250  # a list or mapping longer than this is over every cap: report it without the schema pass


def _oversized(doc: Located) -> list[Problem]:
    """Lists and mappings far over their caps, found by a quick walk (the schema would take minutes)."""
    problems, stack = [], [((), doc.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, (list, dict)) and len(value) > OVERSIZED:
            schema = _schema_at(path)
            cap = schema.get("maxItems") or schema.get("maxProperties") or OVERSIZED
            line, col = doc.where(path)
            what = "items" if isinstance(value, list) else "entries"
            problems.append(Problem(doc.file, line, col, format_path(path), f"has {len(value)} {what}; "
                                    f"the limit is {cap}"))
        elif isinstance(value, list):
            stack += [(path + (i,), v) for i, v in enumerate(value)]
        elif isinstance(value, dict):
            stack += [(path + (k,), v) for k, v in value.items()]
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _iter_quantities(data: Any, path: tuple = ()) -> Iterable[tuple[tuple, dict]]:
    if isinstance(data, dict):
        if "min" in data and "max" in data:
            yield path, data
        for key, value in data.items():
            yield from _iter_quantities(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _iter_quantities(value, path + (i,))


def _photo_problem(doc: Located, name: str, confinement: Confinement) -> str | None:
    """Why the photo ``name`` (relative to the species file) cannot be printed, or None.

    The same confinement decides here and when WeasyPrint fetches the photo,
    so ``validate`` and ``build`` agree on what is inside the project.
    """
    from ..safety.images import image_problem

    target = doc.file.parent / name
    try:
        real = confinement.check(target)
    except Refused as exc:
        if "not found" in exc.reason:
            return f"photo file not found: {os.path.abspath(target)}"
        if exc.reason.startswith("refused"):
            return f"photo must be inside the project folder: {exc.reason}"
        return f"photo {name!r}: {exc.reason}"
    try:
        data = confinement.read_bytes(real)
    except Refused as exc:
        return f"photo {name!r}: {exc.reason.replace(str(real), 'it')}"
    return image_problem(data, Path(name).name)


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list:
    return value if isinstance(value, list) else []


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _semantic_problems(doc: Located, confinement: Confinement) -> list[Problem]:
    """Rules JSON Schema cannot say. They run on every document, valid or not (every problem in one
    pass), and skip any value of the wrong shape: the schema has already reported it."""
    data, problems = doc.data, []

    def add(path: tuple, message: str) -> None:
        line, col = doc.where(path)
        problems.append(Problem(doc.file, line, col, format_path(path), message))

    country_lists = [(("range", key), value) for key, value in _mapping(data.get("range")).items()
                     if isinstance(key, str) and key.endswith("countries")]  # countries, uncertain_countries
    for i, sub in enumerate(_items(_mapping(data.get("population")).get("subpopulations"))):
        country_lists.append((("population", "subpopulations", i, "countries"), _mapping(sub).get("countries")))
    for path, codes in country_lists:
        for i, code in enumerate(_items(codes)):
            # codes of the wrong form ('Colombia', 'co') are the schema's to report, with a suggestion
            if isinstance(code, str) and re.match(_COUNTRY_PATTERN, code) and \
                    pycountry.countries.get(alpha_2=code) is None:
                match = countries.lookup(code)
                hint = match.code if match.code and match.code != code and \
                    pycountry.countries.get(alpha_2=match.code) else None
                add(path + (i,), f"'{code}' is not an ISO 3166-1 country code" +
                    (f": did you mean {hint} ({countries.name(hint)})?" if hint else ""))
    for path, q in _iter_quantities(data):
        if _number(q.get("min")) and _number(q.get("max")) and q["min"] > q["max"]:
            add(path + ("min",), f"min ({q['min']}) is greater than max ({q['max']})")
    for key, value in _mapping(data.get("measurements")).items():
        # Any key is allowed, but a near-miss of a known one without a label is almost surely a typo.
        if not isinstance(key, str):
            continue
        hint = difflib.get_close_matches(key, list(MEASUREMENT_KEYS), n=1, cutoff=0.75)
        if key not in MEASUREMENT_KEYS and "label" not in _mapping(value) and hint:
            line, col = doc.where(("measurements", key), key=True)
            problems.append(Problem(doc.file, line, col, f"measurements.{key}",
                                    f"unknown measurement (did you mean '{hint[0]}'? or give it a label)",
                                    "warning"))
    photos = ([(("photo",), data["photo"])] if data.get("photo") else []) + [
        (("gallery", n), item) for n, item in enumerate(_items(data.get("gallery"))[:MAX_GALLERY])]
    for path, photo in photos:
        photo = _mapping(photo)
        if isinstance(photo.get("file"), str) and photo["file"]:
            problem = _photo_problem(doc, photo["file"], confinement)
            if problem:
                add(path + ("file",), problem)
        crop = _mapping(photo.get("crop"))
        if all(_number(crop.get(k)) for k in ("x", "y", "width", "height")) and \
                (crop["x"] + crop["width"] > 1.0001 or crop["y"] + crop["height"] > 1.0001):
            add(path + ("crop",), "the crop runs off the photo: x + width and y + height must be at most 1")
    from ..pictures.licences import normalise as normalise_licence  # SPDX ids or short names (issue 9)

    gallery = _items(data.get("gallery"))[:MAX_GALLERY]
    for path, item in [(("photo",), data.get("photo"))] + [(("gallery", n), g) for n, g in enumerate(gallery)]:
        if isinstance(item, dict) and isinstance(item.get("licence"), str):
            try:
                normalise_licence(item["licence"])
            except ValueError as exc:
                add(path + ("licence",), str(exc))
    if "id" not in data:
        stem = doc.file.name.rsplit(".", 1)[0]
        if len(stem) > MAX_ID or not re.match(ID_PATTERN, stem):
            problems.append(Problem(doc.file, None, None, "id", f"the file name {_describe(stem)} cannot be the id "
                                    f"(lower-case letters and digits joined by single hyphens, at most {MAX_ID} "
                                    "characters): rename the file or give the species an `id:`"))
    return problems


def check_file(file: Path | str, allowed_roots: list[Path] | None = None,
               confinement: Confinement | None = None) -> tuple[Species | None, list[Problem]]:
    """Validate one species file; returns the species (None if invalid) and all problems.

    Files and photos are read through ``confinement`` (default: the current folder
    and the file's own folder, plus ``allowed_roots``, and wildpress's own files).
    """
    species, problems, _ = _check(Path(file), allowed_roots, confinement)
    return species, problems


def _id_of(file: Path, data: Any) -> str | None:
    """The id a file would have (valid or not), for spotting duplicates in the same pass."""
    given = data.get("id") if isinstance(data, dict) else None
    species_id = given if "id" in (data if isinstance(data, dict) else {}) else file.name.rsplit(".", 1)[0]
    return species_id if isinstance(species_id, str) and re.match(ID_PATTERN, species_id) else None


def _check(file: Path, allowed_roots: list[Path] | None,
           confinement: Confinement | None) -> tuple[Species | None, list[Problem], str | None]:
    if confinement is None:
        confinement = Confinement.for_project(Path.cwd(), [file, *(allowed_roots or [])])
    try:
        doc = load_file(file, confinement)
    except YAMLProblem as exc:
        return None, [exc.problem], None
    if not isinstance(doc.data, dict):
        return None, [Problem(file, 1, 1, "", f"expected a mapping of fields, got {_yaml_type(doc.data)}")], None
    problems = _oversized(doc)  # before the schema: checking 100,000 list items would take minutes
    if problems:
        return None, problems, _id_of(file, doc.data)
    _coerce_plain_scalars(doc)
    problems = _schema_problems(doc) + unprintable(doc)
    problems += _semantic_problems(doc, confinement)  # always: every problem of the file in one pass
    problems = list(dict.fromkeys(problems))
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    species_id = _id_of(file, doc.data)
    if any(p.severity == "error" for p in problems):
        return None, problems, species_id
    data = dict(doc.data)
    for key in _LIST_DEFAULTS:
        data.setdefault(key, [])
    for key in _NONE_DEFAULTS:
        data.setdefault(key, None)
    if isinstance(data.get("status"), dict):  # status is optional in a later schema
        data["status"] = {**data["status"], "name": IUCN_CATEGORIES[data["status"]["category"]]}
    species_id = data.get("id") or file.name.rsplit(".", 1)[0]
    data["id"] = species_id
    return Species(species_id, file, data, [p for p in problems if p.severity == "warning"]), problems, species_id


def load_species(files: Iterable[Path], strict: bool = False, allowed_roots: list[Path] | None = None,
                 confinement: Confinement | None = None, keep_going: bool = False,
                 cache=None) -> tuple[list[Species], list[Problem]]:
    """Validate every file before anything renders; raise DataError listing all problems.

    Warnings (unknown keys) become errors under ``strict``. Returns the species
    and the warnings that did not stop the build. With ``keep_going`` nothing
    is raised: species whose file has an error are left out and every problem
    (errors included) is returned. Duplicate ids are found among invalid files
    too, so fixing one problem never reveals another. ``cache`` (see
    :class:`wildpress.runner.manifest.SpeciesCache`) returns the result for a
    valid file whose content and pictures have not changed since it was checked.
    """
    species, problems, ids = [], [], []
    for file in files:
        hit = cache.get(Path(file)) if cache is not None else None
        if hit is not None:
            sp, found, species_id = hit, list(hit.warnings), hit.id
        else:
            sp, found, species_id = _check(Path(file), allowed_roots, confinement)
            if sp is not None and cache is not None:
                cache.put(Path(file), sp)
        problems += found
        if sp:
            species.append(sp)
        if species_id and (sp or not keep_going):  # keep-going builds the valid ones: only they can collide
            ids.append((species_id, Path(file)))
    seen: dict[str, Path] = {}
    for species_id, file in ids:
        if species_id.casefold() in seen:
            problems.append(Problem(file, None, None, "id",
                                    f"species id '{species_id}' is also used by {seen[species_id.casefold()]}"))
        seen.setdefault(species_id.casefold(), file)
    problems += same_species(species)
    if strict:  # --strict: every warning is an error, and is reported as one
        problems = [dataclasses.replace(p, severity="error") for p in problems]
    if keep_going:
        bad = {str(p.file) for p in problems if p.severity == "error"}
        return [sp for sp in species if str(sp.file) not in bad], problems
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    return species, problems


def find_species_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to the ``*.yaml``/``*.yml`` files inside them, sorted.

    Links to folders are not followed (no loops, no escaping the folder); links,
    FIFOs and devices named ``*.yaml`` are listed, and the confined reader
    refuses those it may not read, with a message.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = []
            for folder, dirs, names in os.walk(path):
                dirs.sort()
                for name in names:
                    candidate = Path(folder) / name
                    if candidate.suffix in (".yaml", ".yml"):  # FIFOs and devices too: reported, never opened
                        found.append(candidate)
            files += sorted(found)
        else:
            files.append(path)
    return files
