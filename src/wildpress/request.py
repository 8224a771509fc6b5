"""One build request, assembled once from defaults, the project file and the command line.

Every command (``build``, ``preview``, ``serve``) and the Python API make a :class:`BuildRequest`
with :func:`assemble` and hand it to :func:`wildpress.build.build`, which never changes it.

The project always frames a build. Inside a project (``./wildpress.yaml`` or ``--project``),
species named on the command line replace the project's species list, ``-l`` picks the
project's outputs of those layouts (a layout the project does not list is added with its
usual sizes), ``-s`` sets the sizes of the outputs picked, and print options given on the
command line go on top of every output's own; every output keeps the project's brand,
language, fonts, layouts and output folder. Outside a project the bundled defaults form an
implicit project rooted at the current folder.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .errors import UsageError
from .jobs import DEFAULT_PATTERN, Settings
from .settings import BY_NAME, settings_from


@dataclass(frozen=True)
class OutputRequest:
    """One group of outputs: a layout at sizes, with its options and settings."""

    layout: str
    sizes: tuple[str, ...] = ()  # empty: the layout's usual sizes
    orientation: str | None = None
    options: dict = field(default_factory=dict)  # the layout's options (a project output's ``options:``)
    settings: Settings = field(default_factory=Settings)


@dataclass(frozen=True)
class BuildRequest:
    """Everything one build needs; frozen, so every command builds exactly what it assembled."""

    root: Path  # the project folder (the current folder for an implicit project)
    species: tuple[Path, ...]  # files or folders
    outputs: tuple[OutputRequest, ...]
    out_dir: Path
    settings: Settings = field(default_factory=Settings)  # build-wide (every output's start from these)
    named: tuple[Path, ...] = ()  # species named on the command line: readable where they are
    extra_options: dict = field(default_factory=dict)  # -O: each layout takes the options it declares
    layout_dirs: tuple[Path, ...] | None = None  # the project's layout folders (None: ./layouts)
    pattern: str = DEFAULT_PATTERN
    out_explicit: bool = False  # given on the command line (else the project's own, inside it)
    project: object = None  # the Project, when there is a project file
    strict: bool = False
    jobs: int | None = None
    keep_going: bool = False
    only: tuple[str, ...] = ()
    shard: str | None = None
    clean: bool = False
    dry_run: bool = False  # with clean: list what would be removed, remove nothing

    def replace(self, **changes) -> "BuildRequest":
        return dataclasses.replace(self, **changes)


def read_given(given: dict | None) -> dict:
    """Command-line values (by setting name) checked by the settings table; unknown names are an error."""
    values = {}
    for name, value in (given or {}).items():
        setting = BY_NAME.get(name)
        if setting is None:
            raise UsageError(f"unknown setting {name!r}; the settings are {', '.join(sorted(BY_NAME))}")
        values[name] = setting.read(value, setting.flag or name)
    return values


def _scoped(values: dict, *scopes: str) -> dict:
    return {k: v for k, v in values.items() if BY_NAME[k].scope in scopes}


def assemble(*, species: Iterable = (), layouts: Iterable[str] = (), sizes: Iterable[str] = (),
             options: dict | None = None, given: dict | None = None, out_dir=None, project_file=None,
             root=None, use_project: bool = True, base: Settings | None = None, **run) -> BuildRequest:
    """The request for a build: the project (``project_file``, else ``root/wildpress.yaml``) or the
    implicit one, with what the command line gave on top.

    ``given`` holds settings by name as given (``{"bleed": "3mm", "lang": "ru"}``), checked by
    :mod:`wildpress.settings`; ``out_dir`` given here is explicit (it may lie outside the project);
    ``run`` are the run fields of :class:`BuildRequest` (jobs, keep_going, only, shard, clean ...).
    """
    from .project.config import find_project, load_project

    values = read_given(given)
    extra = dict(options or {})
    if values.get("front"):
        extra["front"] = values.pop("front")
    values.pop("front", None)
    folder = Path(os.path.abspath(root or Path.cwd()))
    path = project_file or (find_project(folder) if use_project else None)
    project = load_project(path) if path else None
    named = tuple(Path(p) for p in species)
    layouts, sizes = list(dict.fromkeys(layouts)), list(dict.fromkeys(sizes))
    if project is None:
        return _implicit(folder, named, layouts, sizes, extra, values, out_dir, base, run)
    return _framed(project, named, layouts, sizes, extra, values, out_dir, base, run)


def default_species_paths(root: Path) -> list[Path]:
    """What a folder without a project file builds: its ``data/species`` if it has one, else the bundled samples."""
    from .resources import sample_species_dir

    local = Path(root) / "data" / "species"
    return [local if local.is_dir() else sample_species_dir()]


def _implicit(root: Path, named, layouts, sizes, extra, values, out_dir, base, run) -> BuildRequest:
    settings = settings_from(_scoped(values, "build", "run"), base, project_dir=str(root))
    layouts = layouts or ["factsheet"]
    _check_names(root, None, layouts, sizes)
    output_settings = settings_from(_scoped(values, "output"), settings)
    outputs = tuple(OutputRequest(name, tuple(sizes), values.get("orientation"), {}, output_settings)
                    for name in layouts)
    species = named or tuple(default_species_paths(root))
    out = Path(out_dir) if out_dir is not None else _shown(root / "out")
    return BuildRequest(root, tuple(species), outputs, out, settings, named, extra, None, DEFAULT_PATTERN,
                        out_dir is not None, None, **_run(run))


def _framed(project, named, layouts, sizes, extra, values, out_dir, base, run) -> BuildRequest:
    from .project.config import OutputSpec

    build_values = {**project.values, **_scoped(values, "build", "run")}
    settings = settings_from(build_values, base, brand=project.brand, project_dir=str(project.root))
    dirs = tuple(project.layout_dirs)
    _check_names(project.root, list(dirs), layouts, sizes)
    specs = list(project.outputs)
    if layouts:
        specs = [s for s in specs if s.layout in layouts] + [
            OutputSpec(name, [], {}, 0, {}) for name in layouts if not any(s.layout == name for s in specs)]
    outputs = []
    for spec in specs:
        output_values = {**spec.values, **_scoped(values, "output")}
        outputs.append(OutputRequest(spec.layout, tuple(sizes or spec.sizes), output_values.get("orientation"),
                                     dict(spec.options), settings_from(output_values, settings)))
    species = named or tuple(project.species_paths())
    out = Path(out_dir) if out_dir is not None else _shown(project.out_dir)
    return BuildRequest(project.root, tuple(species), tuple(outputs), out, settings, named, extra, dirs,
                        project.filename, out_dir is not None, project, **_run(run))


def _shown(path: Path) -> Path:
    """``path`` relative to the current folder when it lies inside it (as messages show it)."""
    try:
        return Path(os.path.relpath(path)) if Path(os.path.abspath(path)).is_relative_to(Path.cwd()) else path
    except ValueError:  # another drive (Windows)
        return path


_RUN_FIELDS = ("strict", "jobs", "keep_going", "only", "shard", "clean", "dry_run")


def _run(run: dict) -> dict:
    unknown = set(run) - set(_RUN_FIELDS)
    if unknown:
        raise TypeError(f"unknown build arguments: {', '.join(sorted(unknown))}")
    fields = {k: v for k, v in run.items() if v is not None}
    if "only" in fields:
        fields["only"] = tuple(fields["only"])
    if run.get("jobs") is not None and run["jobs"] < 1:
        raise UsageError(f"--jobs must be at least 1, got {run['jobs']}")
    if run.get("shard") is not None:
        parse_shard(run["shard"])
    if run.get("dry_run") and not run.get("clean"):
        raise UsageError("--dry-run goes with --clean: it lists what --clean would remove")
    return fields


def parse_shard(text: str) -> tuple[int, int]:
    """"K/N" -> (K, N) with 1 <= K <= N."""
    import re

    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise UsageError(f"--shard {text!r}: expected K/N with 1 <= K <= N, e.g. 2/4")
    return int(match.group(1)), int(match.group(2))


def _check_names(root: Path, dirs, layouts: list[str], sizes: list[str]) -> None:
    """Layouts and sizes named on the command line exist (exit 2 naming what does)."""
    from .layout.layouts import available
    from .printing.sizes import get_size

    names = available(root, dirs)
    for name in layouts:
        if name not in names:
            close = difflib.get_close_matches(name, list(names), n=1)
            mean = f" (did you mean {close[0]}?)" if close else ""
            raise UsageError(f"--layout {name}: unknown layout {name!r}{mean}; available: {', '.join(sorted(names))} "
                             "(`wildpress layouts` describes them)")
    for size in sizes:
        get_size(size)
