"""The core build: species files x layouts x sizes -> PDF files.

:func:`build` is the one function the CLI calls and the API a Python user
imports. It validates every input before rendering anything, dispatches each
job to the renderer for its layout's kind, and writes each PDF atomically.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import time
from pathlib import Path
from dataclasses import dataclass
from typing import Callable, Iterable

from .errors import DataError, RenderError, UsageError, WildpressError
from .layout.formatting import check_language
from .i18n.catalogue import check_catalogues
from .layout.layouts import Layout, load_layout
from .printing.production import Production
from .jobs import CACHE_FOLDER, DEFAULT_PATTERN, BuildResult, Failure, Job, Output, Settings  # noqa: F401
from .layout.context import template_context  # noqa: F401 - for tests and benchmarks
from .layout.kinds import gathers
from .resources import fonts_dir, sample_species_dir
from .safety.confine import Confinement
from .safety.outputs import OutputFolder, check_collisions, safe_name, write_atomically  # noqa: F401
from .data.schema import ID_PATTERN
from .printing.sizes import get_size
from .data.species import Species, find_species_files, load_species
from .request import BuildRequest, OutputRequest, default_species_paths, parse_shard  # noqa: F401 - re-exported

def deck_order(species: list[Species], order: str | None) -> list[Species]:
    """``table``: imported species in their table's order (``position``), the rest after in the order given;
    ``name``: by common name. Layouts without the option keep the order given."""
    if order == "table":
        return sorted(species, key=lambda sp: (sp.data.get("position") is None, sp.data.get("position") or 0))
    if order == "name":
        from .layout.formatting import localise

        return sorted(species, key=lambda sp: str(localise(sp.data["name"]["common"], "en")).casefold())
    return list(species)


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
                jobs.append(Job(deck_order(species, resolved.get("order")), layout, size, resolved, deck_name))
            else:
                jobs += [Job([sp], layout, size, resolved, sp.id) for sp in species]
    return jobs


def build(request: BuildRequest | None = None, *args, progress=None, on_output: Callable[[Output], None] | None = None,
          raise_errors: bool = True, **arguments) -> BuildResult:
    """Validate all inputs, then render every output of ``request`` that needs it.

    ``request`` comes from :func:`wildpress.request.assemble` (the command line, preview and serve
    make theirs the same way) and is never changed. Called the older way, with species, layouts,
    sizes, out_dir and keywords instead, the request is assembled from those (see
    :func:`legacy_request`). Outputs whose inputs have not changed since the last build into the
    output folder are kept. Invalid data stops the build before anything renders, unless
    ``keep_going``. A document that fails is listed in ``result.failures`` while the rest is
    built; with ``raise_errors`` (the default) the first failure is then raised.
    """
    if not isinstance(request, BuildRequest):
        request = legacy_request(request, *args, **arguments)
    elif args or arguments:
        raise TypeError("build(request) takes no other arguments than progress, on_output and raise_errors")
    started = time.perf_counter()
    result = BuildResult()
    planned_build = _plan_build(request, result)
    _run_planned(request, planned_build, result, progress, on_output)
    result.seconds = time.perf_counter() - started
    if raise_errors and result.failures:
        error = result.failures[0].error
        raise error if isinstance(error, WildpressError) else RenderError(result.failures[0].message)
    return result


def legacy_request(species=None, layouts=None, sizes=None, out_dir="out", *, options=None, strict=False,
                   project_dir=None, orientation=None, settings: Settings | None = None, jobs=None,
                   keep_going=False, only=(), shard=None, clean=False, dry_run=False) -> BuildRequest:
    """The request the older ``build(species, layouts, sizes, out_dir, ...)`` call means: an
    implicit project at ``project_dir`` (its project file is not read; use
    :func:`wildpress.request.assemble` to build a project)."""
    from .request import assemble

    return assemble(species=[Path(p) for p in species or []], layouts=list(layouts or []),
                    sizes=list(sizes or []), options=options, out_dir=Path(out_dir), root=project_dir,
                    use_project=False, base=settings,
                    given={"orientation": orientation} if orientation else {}, strict=strict, jobs=jobs,
                    keep_going=keep_going, only=tuple(only), shard=shard, clean=clean, dry_run=dry_run)


@dataclass
class _Planned:
    """What the first half of a build found: the checked species, the jobs, and where they go."""

    selected: list
    names: dict
    planned: list
    folder: OutputFolder
    manifest: object
    confinement: Confinement
    jobs: int
    project: Path


def _checked_outputs(request: BuildRequest) -> list:
    """Each output's settings, checked, with the project folder set (nothing is changed in place)."""
    outputs = []
    for output in request.outputs:
        settings = output.settings
        check_language(settings.lang)
        if settings.back_lang:
            check_language(settings.back_lang)
        settings.limits.check()
        if settings.project_dir is None:
            settings = dataclasses.replace(settings, project_dir=str(request.root))
        check_catalogues(settings)
        outputs.append(dataclasses.replace(output, settings=settings))
    return outputs


def _plan_build(request: BuildRequest, result: BuildResult) -> _Planned:
    """Read and check everything, plan every job, and check where each output goes."""
    from .runner import pool
    from .runner.manifest import MANIFEST, Manifest, SpeciesCache

    outputs = _checked_outputs(request)
    jobs = request.jobs or pool.default_jobs()
    project = Path(request.root).resolve()
    files = find_species_files(list(request.species))
    if not files:
        raise UsageError("no species files found in " + ", ".join(map(str, request.species)))
    for file in files:
        if not os.path.lexists(file):
            raise UsageError(f"species file not found: {file}")
    folder = OutputFolder(request.out_dir, project, request.out_explicit).check()
    if not os.path.lexists(folder.path / MANIFEST) and not request.clean:
        pool.start(jobs)  # a first build: the workers import WeasyPrint while this process validates
    readable = list(request.named) or [p for p in request.species if Path(p) == sample_species_dir()]
    confinement = Confinement.for_project(project, readable)  # one for validation and rendering alike
    manifest = Manifest(folder.path, confinement, project, folder)
    result.notices += manifest.notes
    loaded, result.warnings = load_species(files, strict=request.strict, confinement=confinement,
                                           keep_going=request.keep_going, cache=SpeciesCache(manifest, confinement))
    _invalid_files(result)
    planned_jobs = _plan_jobs(request, outputs, loaded, project)
    selected = select(planned_jobs, request.only, (), (), request.shard, loaded)
    names = {id(job): job.filename() for job in selected}
    planned = [(names[id(job)], _source(job)) for job in selected]
    for job in selected:
        if job.settings.tile:
            planned.append((safe_name(f"{names[id(job)][:-4]}-tiled-{get_size(job.settings.tile).name}"),
                            _source(job)))
    check_collisions(planned)  # before anything renders
    folder.prepare()
    return _Planned(selected, names, planned, folder, manifest, confinement, jobs, project)


def _plan_jobs(request: BuildRequest, outputs: list, loaded: list, project: Path) -> list[Job]:
    """Every job of every output, each with its own settings (copies: the request is not changed)."""
    dirs = list(request.layout_dirs) if request.layout_dirs is not None else None
    loaded_layouts = [load_layout(o.layout, project, dirs=dirs) for o in outputs]
    extra = dict(request.extra_options)
    unknown = {k: v for k, v in extra.items() if not any(k in lay.options for lay in loaded_layouts)}
    if unknown and loaded_layouts:
        loaded_layouts[0].resolve_options(unknown)  # raises, naming the option and the layout's options
    created = request.settings.created or _creation_time()
    planned_jobs: list[Job] = []
    for output, layout in zip(outputs, loaded_layouts):
        declared = {k: v for k, v in extra.items() if k in layout.options}
        settings = dataclasses.replace(output.settings, created=output.settings.created or created)
        found = plan(loaded, [layout], list(output.sizes), output.orientation, {**output.options, **declared},
                     settings.deck_name)
        Production.from_settings(settings)  # bad bleed/marks/variant fail before rendering
        if settings.colour == "cmyk":
            from .printing.cmyk import ghostscript

            ghostscript()  # missing: said before anything renders
        for job in found:
            job.settings, job.pattern = settings, request.pattern
        planned_jobs += found
    return planned_jobs


def _creation_time():
    import datetime as _dt

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch and epoch.isdigit()
            else _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0))


def _run_planned(request: BuildRequest, found: _Planned, result: BuildResult, progress, on_output) -> None:
    """Keep what is up to date, report (and with --clean remove) what is stale, render the rest."""
    from .runner import execute
    from .runner.manifest import job_key

    folder, manifest, project = found.folder, found.manifest, found.project
    cache = os.path.abspath(request.settings.cache_dir or os.environ.get("WILDPRESS_CACHE")
                            or (folder.path / CACHE_FOLDER))
    confinement = found.confinement.with_root(Path(cache))
    manifest.confinement = confinement
    dirs = list(request.layout_dirs) if request.layout_dirs is not None else None
    # The project's own fonts and catalogues (locale/) change outputs like the bundled ones.
    fonts = [fonts_dir()] + [project / name for name in ("fonts", "locale") if (project / name).is_dir()]
    todo = []
    for job in found.selected:
        job.settings = dataclasses.replace(job.settings, cache_dir=job.settings.cache_dir or cache)
        name = found.names[id(job)]
        folders = layout_folders(job.layout, project, dirs)
        key = job_key(job, job.settings, manifest, folders, fonts)
        path = folder.path / name
        current = not job.settings.force and manifest.up_to_date(name, key, path)
        if current and job.settings.tile:
            tiled = safe_name(f"{name[:-4]}-tiled-{get_size(job.settings.tile).name}")
            current = manifest.up_to_date(tiled, key, folder.path / tiled)
        if current and job.settings.output_format == "png":
            from .runner.extras import pngs_current

            current = pngs_current(manifest, name, key, folder)
        if current:
            result.up_to_date.append(path)
        else:
            todo.append(execute.Planned(job, name, key, key_inputs=(manifest, folders, fonts)))
    from .runner.stale import sweep

    sweep(result, manifest, folder, {n for n, _ in found.planned}, project, dirs, request.clean, request.dry_run)
    if request.dry_run:  # --clean --dry-run: say what would go, make and remove nothing
        return
    if todo and not harfbuzz_subset():
        result.notices.append(HARFBUZZ_NOTE)
    if todo:  # a limit this system cannot enforce is said once, never skipped silently
        from .oscompat import limit_notes_once

        result.notices += limit_notes_once(max(j.job.settings.limits.memory_mb for j in todo))
    try:
        execute.run(todo, folder, manifest, confinement, found.jobs, result, progress, on_output)
    finally:
        manifest.save()


HARFBUZZ_NOTE = ("libharfbuzz-subset0 is not installed, so fonts are subset in Python and builds are about "
                 "4.5x slower; install it with: sudo apt-get install libharfbuzz-subset0 (Debian/Ubuntu), "
                 "dnf install harfbuzz (Fedora), brew install harfbuzz (macOS)")


def harfbuzz_subset() -> bool:
    """True when HarfBuzz's subsetter library is present (WeasyPrint then subsets fonts in C)."""
    import ctypes
    import ctypes.util

    for name in ("libharfbuzz-subset.so.0", ctypes.util.find_library("harfbuzz-subset") or ""):
        if name:
            try:
                ctypes.CDLL(name)
                return True
            except OSError:
                continue
    return False


def layout_folders(layout: Layout, project: Path, dirs: list[Path] | None = None) -> list[Path]:
    """Every folder an output of ``layout`` depends on: its own and its parents', and those of any
    layout its manifest ``uses`` (a booklet's fact sheets)."""
    folders = list(layout.folders)
    for name in layout.manifest.get("uses") or []:
        folders += [f for f in load_layout(name, project, dirs=dirs).folders if f not in folders]
    return folders


def select(jobs: list[Job], only: Iterable[str], layout_filter: Iterable[str], size_filter: Iterable[str],
           shard: str | None, species: list[Species]) -> list[Job]:
    """The jobs the filters keep (``--only``, ``--layout``, ``--size``), then this shard's share.

    A deck or booklet is kept whole when it holds a species ``--only`` names.
    ``shard`` "K/N" keeps every N-th job of the list sorted by output name,
    starting at the K-th: N machines each take their share with no coordination.
    """
    only, layout_filter = set(only), set(layout_filter)
    ids = {sp.id for sp in species}
    for sid in sorted(only - ids):
        close = difflib.get_close_matches(sid, sorted(ids), 1)
        raise UsageError(f"--only {sid}: no such species" + (f"; did you mean {close[0]}?" if close else ""))
    built = {job.layout.name for job in jobs}
    for name in sorted(layout_filter - built):
        raise UsageError(f"--layout {name}: this build makes no output with that layout "
                         f"(it makes {', '.join(sorted(built))})")
    sizes = {get_size(s).name for s in size_filter}
    kept = [job for job in jobs
            if (not only or only & {sp.id for sp in job.species_list})
            and (not layout_filter or job.layout.name in layout_filter)
            and (not sizes or job.size.name in sizes or job.size.name.split("-")[0] in sizes)]
    if shard is not None:
        index, count = parse_shard(shard)
        kept = sorted(kept, key=lambda job: job.filename())[index - 1::count]
    return kept


def _invalid_files(result: BuildResult) -> None:
    """Under --keep-going, every species file with errors becomes one failure (its problems listed)."""
    by_file: dict[str, list] = {}
    for problem in result.warnings:
        if problem.severity == "error":
            by_file.setdefault(str(problem.file), []).append(problem)
    for file, problems in by_file.items():
        result.failures.append(Failure(file, f"{file}: not built: {len(problems)} problem(s) in the data",
                                       DataError(problems)))
    result.warnings = [p for p in result.warnings if p.severity != "error"]


def _source(job: Job) -> str:
    """How a collision message names a job: its label and the species file(s) it comes from."""
    files = ", ".join(str(sp.file) for sp in job.species_list[:3]) + (", ..." if len(job.species_list) > 3 else "")
    return f"{job.label} ({files})"


