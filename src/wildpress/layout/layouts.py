"""Layouts: self-describing folders found on a search path.

A layout folder holds ``layout.yaml`` (name, description, kind, sizes,
options, optional ``extends``), Jinja2 templates and CSS. A project's own
``layouts/`` folder (or the folders its ``wildpress.yaml`` lists) is searched
before the built-in one, so a user can override or extend any bundled layout by name.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from ..errors import LayoutError, UsageError
from . import kinds as _kinds
from .grow import GROW_SCHEMA
from .ladder import STEP_SCHEMA
from ..resources import layouts_dir
from ..printing.sizes import PaperSize, get_size
from ..data.yamlsafe import YAMLProblem, format_path, load_file

KINDS = ("abstract", *_kinds.KINDS)  # abstract: a parent only, never built

_OPTION_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"enum": ["bool", "text", "choice", "colour", "number"]},
        "default": {},
        "choices": {"type": "array", "items": {"type": "string"}},
        "min": {"type": "number"}, "max": {"type": "number"},
        "help": {"type": "string"},
    },
    "required": ["type", "default", "help"],
    "additionalProperties": False,
}

_MANIFEST = Draft202012Validator({
    "type": "object",
    "properties": {
        "name": {"type": "string", "pattern": r"^[a-z][a-z0-9-]*$"},
        "description": {"type": "string"},
        "kind": {"enum": list(KINDS)},
        "extends": {"type": "string"},
        "template": {"type": "string"},
        "styles": {"type": "array", "items": {"type": "string"}},
        "sizes": {"anyOf": [{"const": "any"}, {"type": "array", "items": {"type": "string"}}]},
        "default_sizes": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "max_pages": {"type": "integer", "minimum": 1},
        "min_short_side_mm": {"type": "number", "minimum": 0},
        "ladder": {"type": "array", "items": STEP_SCHEMA},
        "grow": {"type": "array", "items": GROW_SCHEMA},
        "options": {"type": "object", "additionalProperties": _OPTION_SCHEMA},
        # Font chains per role (sans, display, ...; fallback: tried after each role's own), as
        # CSS var(--font-<role>); a child's roles replace its parent's (see layout/fonts.py).
        "fonts": {"type": "object", "propertyNames": {"pattern": r"^[a-z][a-z0-9-]*$"},
                  "additionalProperties": {"type": "array", "items": {"type": "string", "minLength": 1},
                                           "maxItems": 32}},
    },
    "required": ["name", "description", "kind"],
    "additionalProperties": False,
})

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Option:
    """A layout option that validates the values users give it."""

    name: str
    type: str
    default: Any
    help: str
    choices: tuple = ()
    min: float | None = None
    max: float | None = None

    def parse(self, raw: Any) -> Any:
        """Turn a command-line string (or a Python value) into a checked value."""
        where = f"option {self.name!r}"
        if self.type == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise UsageError(f"{where}: expected true or false, got {raw!r}")
        if self.type == "choice":
            if raw not in self.choices:
                raise UsageError(f"{where}: expected one of {', '.join(self.choices)}, got {raw!r}")
            return raw
        if self.type == "colour":
            if raw == "":
                return raw  # not set: the layout falls back to its own choice
            if not isinstance(raw, str) or not _COLOUR.match(raw):
                raise UsageError(f"{where}: expected a colour like #1f5c3a, got {raw!r}")
            return raw
        if self.type == "number":
            try:
                value = float(raw)
            except (TypeError, ValueError):
                raise UsageError(f"{where}: expected a number, got {raw!r}") from None
            if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
                raise UsageError(f"{where}: {value:g} is outside {self.min:g}..{self.max:g}")
            return value
        return str(raw)


@dataclass
class Layout:
    """A resolved layout: its folder chain (own first) and merged manifest."""

    name: str
    folders: list[Path]
    manifest: dict
    options: dict[str, Option] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """What the layout produces: 'document' or 'cards' ('abstract' cannot build)."""
        return self.manifest["kind"]

    @property
    def template(self) -> str:
        """Entry template name, looked up along the folder chain."""
        return self.manifest["template"]

    def style_files(self) -> list[Path]:
        """CSS files, base layout's first so children override them."""
        files = []
        for folder, manifest in reversed(self._chain):
            files += [folder / name for name in manifest.get("styles", [])]
        return files

    def default_sizes(self) -> list[str]:
        """Sizes built when the user names none."""
        return self.manifest.get("default_sizes", ["a4"])

    def check_size(self, size: PaperSize) -> None:
        """Raise UsageError if this layout is not designed for ``size`` (or it is too small)."""
        self.check_min_size(size)
        supported = self.manifest.get("sizes", "any")
        if supported == "any":
            return
        names = [get_size(s).name for s in supported]
        base = size.name.removesuffix("-portrait").removesuffix("-landscape")
        if base not in names:
            raise UsageError(f"layout '{self.name}' is designed for {', '.join(supported)}, not {size.label}")

    def check_min_size(self, size: PaperSize) -> None:
        """Refuse sizes too small for the design's type floor, naming the smallest that works."""
        floor = self.manifest.get("min_short_side_mm")
        if not floor or min(size.width_mm, size.height_mm) >= floor - 0.01:
            return
        from ..printing.sizes import SIZES

        fits = sorted((s for s in SIZES.values() if min(s.width_mm, s.height_mm) >= floor - 0.01),
                      key=lambda s: s.width_mm * s.height_mm)
        smallest = (f"; the smallest size that works is {fits[0].label} "
                    f"({fits[0].width_mm:g} × {fits[0].height_mm:g} mm)") if fits else ""
        raise UsageError(f"{size.label} is too small for layout '{self.name}': its type would fall under "
                         f"7 pt below a short side of {floor:g} mm{smallest}")

    def resolve_options(self, given: dict[str, Any] | None) -> dict[str, Any]:
        """Defaults overlaid with ``given``; unknown names are a usage error."""
        values = {name: opt.default for name, opt in self.options.items()}
        for name, raw in (given or {}).items():
            if name not in self.options:
                close = difflib.get_close_matches(name, list(self.options), n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                known = ", ".join(self.options) or "none"
                raise UsageError(f"layout '{self.name}' has no option {name!r}{hint}; its options: {known}")
            values[name] = self.options[name].parse(raw)
        return values

    _chain: list = field(default_factory=list, repr=False)


def project_layout_dirs(project_dir: Path | None, dirs: list[Path]) -> list[Path]:
    """Real paths of the project's layout folders ``dirs`` (relative to the project, default the
    current folder), in order. Missing folders are skipped; one whose real path (after ``..`` and
    links) is outside the project is refused with a :class:`LayoutError`."""
    project = Path(project_dir) if project_dir is not None else Path.cwd()
    real_project = Path(os.path.realpath(project))
    found: list[Path] = []
    for folder in (project / d for d in dirs):
        real = Path(os.path.realpath(folder))
        if not real.is_relative_to(real_project):
            link = f" (a link to {real})" if Path(os.path.abspath(folder)) != real else ""
            raise LayoutError(f"refused layouts folder {folder}{link}: it is outside the project folder {project}")
        if folder.is_dir() and real not in found:
            found.append(real)
    return found


def search_path(project_dir: Path | None = None, dirs: list[Path] | None = None) -> list[Path]:
    """Folders searched for layouts: the project's own first (``dirs`` in order, checked by
    :func:`project_layout_dirs`; without them its ``layouts/``), then the built-ins."""
    if dirs is not None:
        paths = project_layout_dirs(project_dir, dirs)
    elif project_dir is not None and (Path(project_dir) / "layouts").is_dir():
        paths = [(Path(project_dir) / "layouts").resolve()]  # a link outside is refused when read
    else:
        paths = []
    builtin = layouts_dir().resolve()
    if builtin not in paths:
        paths.append(builtin)
    return paths


def _read_manifest(folder: Path, project_dir: Path | None = None) -> dict:
    """A layout's checked ``layout.yaml``, read confined to the project and wildpress's own files;
    every problem is a sentence at its file:line:column."""
    from ..safety.confine import Confinement
    from ..data.species import _schema_problems

    file = folder / "layout.yaml"
    try:
        doc = load_file(file, Confinement.for_project(project_dir))
    except YAMLProblem as exc:
        raise LayoutError(str(exc.problem)) from None
    if not isinstance(doc.data, dict):
        raise LayoutError(f"{file}:1:1: expected a mapping of keys like name, description, kind")
    problems = [str(p).replace("warning: ", "").replace("unknown field", "unknown key")
                .replace("required field", "required key")
                .replace("is not a valid text matching ^[a-z][a-z0-9-]*$",
                         "is not a valid layout name (lower-case letters, digits and hyphens)")
                for p in _schema_problems(doc, _MANIFEST)]
    for key in ("template", "styles"):
        names = doc.data.get(key)
        for i, name in enumerate(names if isinstance(names, list) else [names]):
            if isinstance(name, str) and (Path(name).is_absolute() or ".." in Path(name).parts or "\\" in name):
                path = (key, i) if isinstance(names, list) else (key,)
                line, col = doc.where(path)
                problems.append(f"{file}:{line}:{col}: {format_path(path)}: '{name}' must be a file name inside "
                                f"the layout's folder (no '..', no absolute path)")
    if problems:
        raise LayoutError("\n".join(problems))
    if doc.data["name"] != folder.name:
        line, col = doc.where(("name",))
        raise LayoutError(f"{file}:{line}:{col}: name: '{doc.data['name']}' does not match its folder "
                          f"'{folder.name}'")
    return doc.data


def available(project_dir: Path | None = None, dirs: list[Path] | None = None) -> dict[str, Path]:
    """Layout name -> folder, earlier search-path entries winning (see :func:`search_path`)."""
    found: dict[str, Path] = {}
    for root in search_path(project_dir, dirs):
        for folder in sorted(root.iterdir()):
            if (folder / "layout.yaml").is_file():
                found.setdefault(folder.name, folder)
    return found


def load_layout(name: str, project_dir: Path | None = None, dirs: list[Path] | None = None) -> Layout:
    """Resolve a layout by name, following ``extends`` (cycles are an error); ``dirs`` are the
    project's layout folders (see :func:`search_path`)."""
    folders = available(project_dir, dirs)
    if name not in folders:
        close = difflib.get_close_matches(name, list(folders), n=2)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UsageError(f"unknown layout {name!r}{hint}; available: {', '.join(sorted(folders))}")
    chain, seen, current = [], set(), name
    while current:
        if current in seen:
            raise LayoutError(f"layout '{name}': 'extends' loops through '{current}'")
        seen.add(current)
        if current not in folders:
            raise LayoutError(f"layout '{chain[-1][1]['name']}' extends unknown layout '{current}'")
        manifest = _read_manifest(folders[current], project_dir)
        chain.append((folders[current], manifest))
        current = manifest.get("extends")
    merged: dict = {}
    options: dict = {}
    fonts: dict = {}
    for _folder, manifest in reversed(chain):
        merged.update({k: v for k, v in manifest.items() if k not in ("options", "fonts")})
        options.update(manifest.get("options", {}))
        fonts.update(manifest.get("fonts", {}))  # role by role: a child may change only 'display'
    merged["fonts"] = fonts
    merged["kind"] = chain[0][1]["kind"]  # kind is never inherited: a child of 'abstract' must say what it is
    if merged["kind"] == "abstract":
        raise UsageError(f"layout '{name}' is a base for other layouts and cannot be built")
    if "template" not in merged:
        raise LayoutError(f"layout '{name}' names no template in its layout.yaml")
    opts = {}
    for opt_name, spec in options.items():
        opt = Option(opt_name, spec["type"], spec["default"], spec["help"], tuple(spec.get("choices", ())),
                     spec.get("min"), spec.get("max"))
        try:
            opts[opt_name] = Option(**{**opt.__dict__, "default": opt.parse(spec["default"])})
        except UsageError as exc:
            raise LayoutError(f"{chain[0][0] / 'layout.yaml'}: default of {exc}") from None
    layout = Layout(name, [f for f, _ in chain], merged, opts)
    layout._chain = chain
    return layout
