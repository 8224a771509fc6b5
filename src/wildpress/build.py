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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from . import __version__, ladder, measure, pagefill, production
from .errors import FitError, OutputError, Problem, RenderError, UsageError
from .fit import PX
from .formatting import check_language
from .imposition import ImpositionSettings
from .layouts import Layout, load_layout
from .production import Production
from .render import Renderer
from .resources import sample_species_dir
from .safety.confine import Confinement
from .safety.limits import Limits
from .safety.outputs import check_collisions, inside, is_ours, prepare_out_dir, safe_name, write_atomically
from .schema import ID_PATTERN
from .sizes import MM, PaperSize, get_size
from .species import Species, find_species_files, load_species

GENERATOR = f"wildpress {__version__}"
CACHE_FOLDER = ".wildpress-cache"  # inside the output folder: prepared photos, reused by the next build


@dataclass
class Job:
    """One document to make: one species (or a deck of several) in a layout at a size."""

    species_list: list[Species]
    layout: Layout
    size: PaperSize
    options: dict
    name: str  # species id, or the deck name for layouts that gather all species
    notes: list[Problem] = field(default_factory=list)  # warnings met while rendering (content left out)

    @property
    def species(self) -> Species:
        """The species of a one-species document."""
        return self.species_list[0]

    @property
    def label(self) -> str:
        """How errors name this job: 'amur-leopard / factsheet / A4'."""
        return f"{self.name} / {self.layout.name} / {self.size.label}"

    def filename(self) -> str:
        """Predictable output name: ``{species}-{layout}-{size}.pdf`` (decks: ``{deck}-...``),
        sanitised and length-capped (:func:`wildpress.safety.outputs.safe_name`)."""
        return safe_name(f"{self.name}-{self.layout.name}-{self.size.name}")


@dataclass
class Output:
    """A PDF that was written."""

    path: Path
    job: Job
    pages: int
    seconds: float


@dataclass
class BuildResult:
    """What a build produced and the warnings it met on the way."""

    outputs: list[Output] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class Settings:
    """Build-wide settings that are not layout options."""

    lang: str = "en"
    organisation: str = ""  # printed in kickers and footers and recorded as author; nothing if empty
    force: bool = False
    deck_name: str = "deck"  # file-name stem for layouts that put every species in one document
    cards: ImpositionSettings = field(default_factory=ImpositionSettings)  # sheets, duplex, marks for decks
    created: _dt.datetime | None = None  # None: $SOURCE_DATE_EPOCH if set (reproducible builds), else now
    # Print production (see production.py): bleed each side, printer's marks, PDF variant, PDF/UA tags.
    bleed_mm: float = 0.0
    marks: tuple[str, ...] = ()
    pdf_variant: str | None = None
    tagged: bool = False
    tile: str | None = None  # sheet size: also write the document tiled for small printers (tiling.py)
    tile_overlap_mm: float = 10.0
    photo_ppi: float = 300.0  # photos are downsampled to this resolution at their printed size
    # Prepared photos: $WILDPRESS_CACHE if set, else a hidden folder in the output folder, so a
    # build writes nothing outside it and the next build into the same folder reuses them.
    cache_dir: str | None = None
    limits: Limits = field(default_factory=Limits)  # time, memory and pages per document (safety/limits.py)

    def creation_time(self) -> str:
        """ISO timestamp recorded as the PDF creation date."""
        if self.created is None:
            epoch = os.environ.get("SOURCE_DATE_EPOCH")
            self.created = (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch
                            else _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0))
        return self.created.isoformat()


SHORT_LAST_PAGE = 0.2  # a last page with text on less than a fifth of its height is worth saving


def render_document(renderer: Renderer, job: Job, settings: Settings) -> tuple[bytes, int]:
    """Render a 'document' layout (fact sheet, poster), giving ground until it fits.

    The layout's concession ladder (:mod:`wildpress.ladder`) is walked one rung
    at a time, measuring after each (:func:`wildpress.measure.misfit`): page
    limit, text inside the trim, balanced columns. Content a rung leaves out
    is reported as a warning on the job. Elements marked ``data-fill`` then
    grow to use the spare page height (one more layout pass).
    """
    prod = Production.from_settings(settings)
    context = template_context(job, settings, renderer.confinement)
    limit = job.layout.manifest.get("max_pages")
    rungs = ladder.layout_rungs(job.layout)
    last: dict[str, Any] = {}

    def lay_out(html: str, extra_css: str = ""):
        return renderer.render(html, job.layout, job.size, roots=[job.species.file.parent],
                               extra_css=extra_css, **prod.render_options())

    def attempt(rung: ladder.Rung):
        slots = context["photos"].fresh()  # photo warnings of this pass only
        html = renderer.html(job.layout, {**context, "fit": rung, "photos": slots}, settings.lang)
        last.update(html=html, document=lay_out(html), slots=slots)
        return measure.misfit(last["document"], limit)

    index, problem = ladder.walk(rungs, attempt)
    if index < 0:
        by = f" by {problem.overflow_mm:.0f} mm of text" if problem.overflow_mm >= 0.5 else ""
        given = f" after giving ground ({rungs[-1].label})" if len(rungs) > 1 else ""
        raise FitError(f"{job.label}: the content does not fit{given}: {problem.reason}{by}. "
                       f"The field that takes most room is {measure.blame(last['document'], job.species.file)}. "
                       "Shorten it or choose a larger size.")
    # A last page holding a line or two reads as a mistake: when the steps that remove
    # nothing can pull it back, the document is one page shorter.
    pages = len(last["document"].pages)
    if pages > 1 and measure.last_page_share(last["document"]) < SHORT_LAST_PAGE:
        for rung in rungs[index + 1:]:
            if (rung.limits, rung.dropped) != (rungs[index].limits, rungs[index].dropped):
                break
            kept = dict(last)
            if attempt(rung) is None and len(last["document"].pages) < pages:
                index = rungs.index(rung)
                break
            last.update(kept)
    lost = ladder.losses(rungs[index], job.species.data)
    if lost:
        job.notes.append(Problem(job.species.file, None, None, "",
                                 f"{job.label}: to fit, left out {'; '.join(lost)}", "warning"))

    def refill(css: str):
        # The template learns the grown heights (in mm) so a photo is cut for its final box.
        grown = {name: px * PX / MM for name, px in pagefill.fill_heights(last["document"]).items()}
        slots = context["photos"].fresh()
        html = renderer.html(job.layout, {**context, "fit": rungs[index], "filled": grown, "photos": slots},
                             settings.lang)
        document = lay_out(html, css)
        if len(document.pages) == 1:
            last["slots"] = slots
        return document

    document = pagefill.fill(last["document"], refill)
    job.notes += last["slots"].notes
    pagefill.check_within_page(document, job.label)
    production.attach_output_intent(document)
    data = renderer.write_pdf(document, **prod.write_options())
    return production.finish(data, prod), len(document.pages)


# Layout kinds and the function that renders each; later kinds (cards) register here.
KIND_RENDERERS: dict[str, Callable[[Renderer, Job, Settings], tuple[bytes, int]]] = {
    "document": render_document,
}
# Kinds whose documents gather every species (a deck) instead of one document per species.
DECK_KINDS: set[str] = set()


def template_context(job: Job, settings: Settings, confinement: Confinement | None = None) -> dict[str, Any]:
    """Everything a template may use.

    ``photos.slot(photo, width_mm, height_mm)`` prepares a photo for one
    placement (see :mod:`wildpress.pictures.photos`); it reads the original
    through ``confinement`` (default: the project folder and the species' own).
    """
    from .pictures.photos import PhotoSlots
    from .pictures.qr import QRCodes
    from .pictures.rangemap import RangeMaps
    from .resources import cache_dir

    sp = job.species
    accent = job.options.get("accent") or sp.data.get("accent") or "#1f5c3a"
    confinement = confinement or Confinement.for_project(Path.cwd(), [s.file.parent for s in job.species_list])
    cache = Path(settings.cache_dir) if settings.cache_dir else cache_dir()
    slots = PhotoSlots(job.species_list, confinement, cache, job.label, settings.photo_ppi, accent)
    return {
        "species": sp.data,
        "photo": sp.data["photo"],
        "gallery": sp.data.get("gallery") or [],
        "photos": slots,
        "qr": QRCodes(job.label),
        "maps": RangeMaps(),
        "page": {"name": job.size.name, "label": job.size.label, "width_mm": job.size.width_mm,
                 "height_mm": job.size.height_mm, "orientation": job.size.orientation,
                 "bleed_mm": float(settings.bleed_mm or 0.0)},
        "options": job.options,
        "lang": settings.lang,
        "fit": ladder.Rung(),
        "filled": {},  # data-fill name -> height in mm after the fill pass (see pagefill)
        "meta": {"generator": GENERATOR, "organisation": settings.organisation,
                 "created": settings.creation_time(),
                 "layout": job.layout.name},
    }


def plan(species: list[Species], layouts: list[Layout], sizes: list[str] | None,
         orientation: str | None, options: dict | None, deck_name: str = "deck") -> list[Job]:
    """Every (species, layout, size) job, with sizes and options checked up front."""
    jobs = []
    options = options or {}
    if any(lay.kind in DECK_KINDS for lay in layouts) and (len(deck_name) > 64 or not re.match(ID_PATTERN, deck_name)):
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
            if layout.kind in DECK_KINDS:
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
        cards = len(job.species_list) if job.layout.kind in DECK_KINDS else 1
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
            from .tiling import tile_pdf

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


from . import cards as _cards  # noqa: E402,F401 - registers the 'cards' kind (imports this module)
