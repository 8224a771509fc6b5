"""The core build: species files x layouts x sizes -> PDF files.

:func:`build` is the one function the CLI calls and the API a Python user
imports. It validates every input before rendering anything, dispatches each
job to the renderer for its layout's kind, and writes each PDF atomically.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from .errors import OutputError, RenderError, UsageError
from .layout.formatting import check_language
from .printing.imposition import ImpositionSettings
from .layout.layouts import Layout, load_layout
from .printing.production import Production
from .layout.render import Renderer
from .jobs import CACHE_FOLDER, BuildResult, Job, Output, Settings  # noqa: F401 - the API's types
from .layout.context import template_context  # noqa: F401 - for tests and benchmarks
from .layout.kinds import gathers
from .resources import sample_species_dir
from .safety.confine import Confinement
from .safety.limits import Limits
from .safety.outputs import check_collisions, inside, is_ours, prepare_out_dir, safe_name, write_atomically
from .data.schema import ID_PATTERN
from .printing.sizes import get_size
from .data.species import Species, find_species_files, load_species

def plan(species: list[Species], layouts: list[Layout], sizes: list[str] | None,
         orientation: str | None, options: dict | None, deck_name: str = "deck") -> list[Job]:
    """Every (species, layout, size) job, with sizes and options checked up front."""
    jobs = []
    options = options or {}
    if any(gathers(lay.kind) for lay in layouts) and (len(deck_name) > 64 or not re.match(ID_PATTERN, deck_name)):
        raise UsageError(f"--deck-name {deck_name!r} must be lower-case letters and digits joined by single "
                         "hyphens, at most 64 characters (it becomes a file name)")
    # Several layouts in one build share the -O options: each takes those it declares,
    # and a name none of them declares is still an error (reported by the first layout).
    unknown = {k: v for k, v in options.items() if not any(k in lay.options for lay in layouts)}
    if unknown and layouts:
        layouts[0].resolve_options(unknown)
    for layout in layouts:
        resolved = layout.resolve_options({k: v for k, v in options.items() if k in layout.options})
        layout_sizes = [get_size(s, orientation) for s in (sizes or layout.default_sizes())]
        for size in layout_sizes:
            layout.check_size(size)
        for size in layout_sizes:
            if gathers(layout.kind):
                jobs.append(Job(species, layout, size, resolved, deck_name))
            else:
                jobs += [Job([sp], layout, size, resolved, sp.id) for sp in species]
    return jobs


def default_species_paths(project: Path) -> list[Path]:
    """The project's ``data/species`` if it has one, else the bundled samples."""
    local = project / "data" / "species"
    return [local if local.is_dir() else sample_species_dir()]


def build(species: Iterable[str | Path] | None = None, layouts: Iterable[str] | None = None,
          sizes: Iterable[str] | None = None, out_dir: str | Path = "out", *,
          options: dict | None = None, strict: bool = False, project_dir: str | Path | None = None,
          orientation: str | None = None, settings: Settings | None = None,
          on_output: Callable[[Output], None] | None = None) -> BuildResult:
    """Validate all inputs, then render every species in every layout and size.

    ``species`` are files or folders (default: the project's ``data/species``,
    else the bundled samples); ``layouts`` default to ``factsheet``; ``sizes``
    default to each layout's own defaults. Raises a WildpressError subclass on
    the first failure, after validation has reported every data problem.
    """
    settings = settings or Settings()
    check_language(settings.lang)
    settings.limits.check()
    project = Path(project_dir or Path.cwd()).resolve()
    named = [Path(p) for p in species or []]
    paths = named or default_species_paths(project)
    files = find_species_files(paths)
    if not files:
        raise UsageError("no species files found in " + ", ".join(map(str, paths)))
    for file in files:
        if not os.path.lexists(file):
            raise UsageError(f"species file not found: {file}")
    from .safety.worker import WorkerFailure, render_job, shared_worker

    shared_worker().start()  # the render process imports WeasyPrint while the parent validates
    # One confinement for everything this build reads, in validation and in rendering alike.
    confinement = Confinement.for_project(project, named or [p for p in paths if p == sample_species_dir()])
    loaded, warnings = load_species(files, strict=strict, confinement=confinement)
    layout_objs = [load_layout(name, project) for name in (list(layouts or []) or ["factsheet"])]
    jobs = plan(loaded, layout_objs, list(sizes or []), orientation, options, settings.deck_name)

    Production.from_settings(settings)  # bad --bleed/--marks/--pdf-variant fail before any rendering
    tile_sheet = get_size(settings.tile) if settings.tile else None
    out = Path(out_dir)
    names = {id(job): job.filename() for job in jobs}
    planned = [(names[id(job)], _source(job)) for job in jobs]
    if tile_sheet is not None:
        planned += [(safe_name(f"{names[id(job)][:-4]}-tiled-{tile_sheet.name}"), _source(job)) for job in jobs]
    check_collisions(planned)  # before anything renders
    prepare_out_dir(out, project)
    if not settings.cache_dir:
        settings.cache_dir = os.path.abspath(os.environ.get("WILDPRESS_CACHE") or (out / CACHE_FOLDER))
    confinement = confinement.with_root(Path(settings.cache_dir))
    settings.creation_time()  # fixed here: every document of the build gets the same date

    worker = shared_worker()
    result = BuildResult(warnings=warnings)
    for job in jobs:
        started = time.perf_counter()
        cards = len(job.species_list) if gathers(job.layout.kind) else 1
        try:
            data, pages, notes = worker.call(render_job, job, settings, confinement, settings.limits,
                                             time_s=settings.limits.time_for(cards),
                                             memory_mb=settings.limits.memory_mb)
        except (RenderError, WorkerFailure) as exc:
            if str(exc).startswith(job.label):
                raise
            raise type(exc)(f"{job.label}: {exc}") from None
        job.notes = list(notes)
        result.warnings += notes
        path = out / names[id(job)]
        if not inside(out, path):
            raise OutputError(f"{path} is not inside the output folder {out}; not writing it")
        write_atomically(path, data, settings.force)
        output = Output(path, job, pages, time.perf_counter() - started)
        result.outputs.append(output)
        if on_output:
            on_output(output)
        if tile_sheet is not None:
            from .printing.tiling import tile_pdf

            started = time.perf_counter()
            tiled, sheets = tile_pdf(data, tile_sheet, overlap_mm=settings.tile_overlap_mm)
            tiled_path = out / safe_name(f"{path.stem}-tiled-{tile_sheet.name}")
            write_atomically(tiled_path, tiled, settings.force)
            tiled_output = Output(tiled_path, job, sheets + 1, time.perf_counter() - started)
            result.outputs.append(tiled_output)
            if on_output:
                on_output(tiled_output)
    return result


def _source(job: Job) -> str:
    """How a collision message names a job: its label and the species file(s) it comes from."""
    files = ", ".join(str(sp.file) for sp in job.species_list[:3]) + (", ..." if len(job.species_list) > 3 else "")
    return f"{job.label} ({files})"


