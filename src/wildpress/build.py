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
from dataclasses import dataclass, field
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
from .safety.outputs import check_collisions, prepare_out_dir, safe_name, write_atomically  # noqa: F401
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


@dataclass
class Target:
    """One group of outputs: layouts at sizes with their options and settings (a project file's
    ``outputs`` entry; a command line is one Target)."""

    layouts: list[str]
    sizes: list[str] = field(default_factory=list)  # empty: each layout's default sizes
    orientation: str | None = None
    options: dict = field(default_factory=dict)
    settings: Settings | None = None  # None: the build's settings
    extra_options: dict = field(default_factory=dict)  # -O given over a project: each layout takes its own


def build(species: Iterable[str | Path] | None = None, layouts: Iterable[str] | None = None,
          sizes: Iterable[str] | None = None, out_dir: str | Path = "out", *,
          options: dict | None = None, strict: bool = False, project_dir: str | Path | None = None,
          orientation: str | None = None, settings: Settings | None = None,
          on_output: Callable[[Output], None] | None = None, targets: list[Target] | None = None,
          layout_dirs: list[Path] | None = None, pattern: str = DEFAULT_PATTERN, jobs: int | None = None,
          keep_going: bool = False, only: Iterable[str] = (), layout_filter: Iterable[str] = (),
          size_filter: Iterable[str] = (), shard: str | None = None, clean: bool = False,
          progress=None, raise_errors: bool = True) -> BuildResult:
    """Validate all inputs, then render every species in every layout and size that needs it.

    ``species`` are files or folders (default: the project's ``data/species``,
    else the bundled samples); ``layouts`` default to ``factsheet``; ``sizes``
    default to each layout's own defaults (``targets`` replaces these three and
    ``options`` with several groups, each with its own settings). Outputs whose
    inputs have not changed since the last build into ``out_dir`` are kept
    (``settings.force`` rebuilds everything). Documents render on ``jobs``
    worker processes (default: every core). Invalid data stops the build before
    anything renders, unless ``keep_going``. A document that fails is listed in
    ``result.failures`` while the rest is built; with ``raise_errors`` (the
    default) the first failure is then raised.
    """
    from .runner import execute, pool
    from .runner.manifest import MANIFEST, Manifest, SpeciesCache, job_key

    started = time.perf_counter()
    settings = settings or Settings()
    targets = targets or [Target(list(layouts or []) or ["factsheet"], list(sizes or []), orientation,
                                 dict(options or {}))]
    for target in targets:
        target.settings = target.settings or settings
        check_language(target.settings.lang)
        if target.settings.back_lang:
            check_language(target.settings.back_lang)
        target.settings.limits.check()
    if shard is not None:
        parse_shard(shard)  # a bad --shard fails before anything is read
    jobs = jobs or pool.default_jobs()
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    project = Path(project_dir or Path.cwd()).resolve()
    for target in targets:  # its locale/ and fonts/ are searched before wildpress's own
        if target.settings.project_dir is None:
            target.settings = dataclasses.replace(target.settings, project_dir=str(project))
        check_catalogues(target.settings)
    named = [Path(p) for p in species or []]
    paths = named or default_species_paths(project)
    files = find_species_files(paths)
    if not files:
        raise UsageError("no species files found in " + ", ".join(map(str, paths)))
    for file in files:
        if not os.path.lexists(file):
            raise UsageError(f"species file not found: {file}")
    out = Path(out_dir)
    if not os.path.lexists(out / MANIFEST) and not clean:
        pool.start(jobs)  # a first build: the workers import WeasyPrint while this process validates
    # One confinement for everything this build reads, in validation and in rendering alike.
    confinement = Confinement.for_project(project, named or [p for p in paths if p == sample_species_dir()])
    result = BuildResult()
    manifest = Manifest(out, confinement)  # also remembers valid species files, so unchanged ones are not re-checked
    loaded, result.warnings = load_species(files, strict=strict, confinement=confinement, keep_going=keep_going,
                                           cache=SpeciesCache(manifest, confinement))
    _invalid_files(result)
    planned_jobs: list[Job] = []
    loaded_layouts = [[load_layout(name, project, dirs=layout_dirs) for name in t.layouts] for t in targets]
    extra = {k: v for t in targets for k, v in t.extra_options.items()}
    every = [lay for group in loaded_layouts for lay in group]
    unknown = {k: v for k, v in extra.items() if not any(k in lay.options for lay in every)}
    if unknown and every:
        every[0].resolve_options(unknown)  # raises, naming the option and the layout's options
    for target, layout_objs in zip(targets, loaded_layouts):
        declared = {k: v for k, v in extra.items() if any(k in lay.options for lay in layout_objs)}
        found = plan(loaded, layout_objs, target.sizes, target.orientation, {**target.options, **declared},
                     target.settings.deck_name)
        Production.from_settings(target.settings)  # bad --bleed/--marks/--pdf-variant fail before rendering
        for job in found:
            job.settings, job.pattern = target.settings, pattern
        planned_jobs += found
    selected = select(planned_jobs, only, layout_filter, size_filter, shard, loaded)
    names = {id(job): job.filename() for job in selected}
    planned = [(names[id(job)], _source(job)) for job in selected]
    for job in selected:
        if job.settings.tile:
            planned.append((safe_name(f"{names[id(job)][:-4]}-tiled-{get_size(job.settings.tile).name}"),
                            _source(job)))
    check_collisions(planned)  # before anything renders
    prepare_out_dir(out, project)
    cache = os.path.abspath(settings.cache_dir or os.environ.get("WILDPRESS_CACHE") or (out / CACHE_FOLDER))
    confinement = confinement.with_root(Path(cache))
    created = settings.creation_time()  # every document of the build gets the same date
    for target in targets:
        target.settings.cache_dir = target.settings.cache_dir or cache
        target.settings.created = target.settings.created or settings.created

    manifest.confinement = confinement
    # The project's own fonts and catalogues (locale/) change outputs like the bundled ones.
    fonts = [fonts_dir()] + [project / name for name in ("fonts", "locale") if (project / name).is_dir()]
    todo = []
    for job in selected:
        name = names[id(job)]
        key = job_key(job, job.settings, manifest, layout_folders(job.layout, project, layout_dirs), fonts)
        path = out / name
        current = not job.settings.force and manifest.up_to_date(name, key, path)
        if current and job.settings.tile:
            tiled = safe_name(f"{name[:-4]}-tiled-{get_size(job.settings.tile).name}")
            current = manifest.up_to_date(tiled, key, out / tiled)
        if current:
            result.up_to_date.append(path)
        else:
            todo.append(execute.Planned(job, name, key))
    if not (only or layout_filter or size_filter or shard is not None):
        _stale(result, manifest, out, {n for n, _ in planned}, clean,
               {execute.output_lang(job) for job in selected})
    if todo and not harfbuzz_subset():
        result.notices.append(HARFBUZZ_NOTE)
    try:
        execute.run(todo, out, manifest, confinement, jobs, result, progress, on_output)
    finally:
        manifest.save()
    del created
    result.seconds = time.perf_counter() - started
    if raise_errors and result.failures:
        error = result.failures[0].error
        raise error if isinstance(error, WildpressError) else RenderError(result.failures[0].message)
    return result


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


def parse_shard(text: str) -> tuple[int, int]:
    """"K/N" -> (K, N) with 1 <= K <= N."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise UsageError(f"--shard {text!r}: expected K/N with 1 <= K <= N, e.g. 2/4")
    return int(match.group(1)), int(match.group(2))


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


def _stale(result: BuildResult, manifest, out: Path, planned: set[str], clean: bool, langs: set[str]) -> None:
    """Outputs an earlier build made whose source is gone: reported, and removed with ``clean``.
    Outputs in another language than this build's are another build's, never stale."""
    for name in sorted(set(manifest.outputs) - planned):
        if manifest.outputs[name].get("lang", "en") not in langs:
            continue
        path = out / name
        if not os.path.lexists(path):
            manifest.forget(name)
            continue
        if clean and manifest.made_it(name, path):
            path.unlink()
            manifest.forget(name)
            result.removed.append(path)
        else:
            result.stale.append(path)


def _source(job: Job) -> str:
    """How a collision message names a job: its label and the species file(s) it comes from."""
    files = ", ".join(str(sp.file) for sp in job.species_list[:3]) + (", ..." if len(job.species_list) > 3 else "")
    return f"{job.label} ({files})"


