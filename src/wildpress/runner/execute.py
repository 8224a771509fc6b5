"""Running a build's jobs on the worker pool and writing what comes back.

Every document is one pool task; a deck is split into chunks of cards
(:mod:`.deck_cache`) that render on any worker and are imposed in this
process once all have come back, so a 2,000-card deck never sits in one
WeasyPrint document and uses every core. A chunk fitted by an earlier build
comes back from the card cache, so an edit re-renders only the chunks it changed. Each PDF is written atomically and
recorded in the manifest as it arrives; a job that fails is listed as a
:class:`~wildpress.jobs.Failure` and the others go on.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Callable

from ..errors import OutputError, RenderError, WildpressError  # noqa: F401
from ..jobs import BuildResult, Failure, Job, Output
from ..layout.kinds import gathers, get_kind
from ..safety.outputs import OutputFolder, safe_name
from . import deck_cache, pool
from .manifest import Manifest

REST_BEFORE_CARDS = 400  # a deck this large is imposed after the idle workers stopped (their memory back)
MANIFEST_EVERY_S = 1.0  # the manifest is rewritten at most this often while outputs arrive (and at the end)


@dataclass
class Planned:
    """A job to render: where it goes and the key of its inputs."""

    job: Job
    name: str  # output file name
    key: str
    chunks: list = field(default_factory=list)  # decks: fitted sides per chunk, in order
    geometry: dict | None = None
    key_inputs: tuple = ()  # decks: (manifest, layout folders, fonts) the card keys are made of
    chunk_keys: list = field(default_factory=list)  # decks: the card cache's key of each chunk
    cache: "deck_cache.ChunkCache | None" = None  # decks: the card cache (None: not kept between builds)
    rendered: int | None = None  # decks: cards fitted by this build (the others came from the cache)
    started: float = 0.0
    seconds: float = 0.0  # worker time summed over its tasks
    failed: bool = False

    @property
    def units(self) -> int:
        return max(1, len(self.chunks))


def _chunk_job(job: Job, span: range) -> Job:
    return Job(job.species_list[span.start:span.stop], job.layout, job.size, job.options, job.name,
               settings=job.settings, pattern=job.pattern)


def tasks_for(item: Planned, confinement, jobs: int) -> list[pool.Task]:
    """The pool tasks that make ``item``: one for a document, one per chunk of a deck not in the cache."""
    from ..layout.tasks import render_job

    job, settings = item.job, item.job.settings
    limits = settings.limits
    if job.layout.kind == "cards":
        return _deck_tasks(item, confinement, jobs)
    cards = len(job.species_list) if gathers(job.layout.kind) else 1
    per = get_kind(job.layout.kind).per_time_limit
    return [pool.Task(render_job, (job, settings, confinement, limits), limits.time_for(cards, per), limits.memory_mb,
                      key=(item, None), cost=cards * (4 if job.size.width_mm * job.size.height_mm > 2e5 else 1))]


def _deck_tasks(item: Planned, confinement, jobs: int) -> list[pool.Task]:
    """A deck's chunks: those the card cache holds are filled in now, the others become tasks."""
    from ..layout.cards import deck_geometry
    from ..layout.tasks import render_chunk

    job, settings = item.job, item.job.settings
    item.geometry = deck_geometry(job, settings)  # shared by every chunk: backs line up
    keys = deck_cache.card_keys(job, *item.key_inputs, item.geometry) if item.key_inputs \
        else [f"{n:064x}" for n in range(len(job.species_list))]
    spans = deck_cache.chunk_ranges(keys, jobs)
    item.chunk_keys = [deck_cache.chunk_key(keys, span) for span in spans]
    cache = item.cache = deck_cache.ChunkCache(settings.cache_dir) if settings.cache_dir and item.key_inputs \
        else None
    item.chunks, tasks, item.rendered = [None] * len(spans), [], 0
    for n, span in enumerate(spans):
        notes = cache.get(item.chunk_keys[n]) if cache and not settings.force else None
        if notes is not None:
            item.chunks[n] = cache.stored(item.chunk_keys[n])  # its PDF is read when imposed, not held meanwhile
            job.notes += notes
            continue
        item.rendered += len(span)
        tasks.append(pool.Task(render_chunk, (_chunk_job(job, span), settings, confinement, settings.limits,
                                              item.geometry),
                               settings.limits.time_for(len(span)), settings.limits.memory_mb, key=(item, n),
                               cost=len(span)))
    return tasks


def run(items: list[Planned], out: OutputFolder, manifest: Manifest, confinement, jobs: int, result: BuildResult,
        progress=None, on_output: Callable[[Output], None] | None = None) -> None:
    """Render ``items`` on ``jobs`` workers, writing each PDF into ``out`` as it is finished."""
    for item in items:  # where each document's fit ladder starts: the rung that fitted last time
        item.job.fit_start = manifest.fit_rung(item.name)
    planned = [(item, tasks_for(item, confinement, jobs)) for item in items]
    tasks = [task for _, item_tasks in planned for task in item_tasks]
    report = progress or _Silent()
    report.start(len(tasks) + sum(1 for _, item_tasks in planned if not item_tasks))
    finish = _Finisher(out, manifest, result, report, on_output)
    for item, item_tasks in planned:
        if not item_tasks:  # a deck whose every chunk came from the card cache
            finish.deck(item)
    remaining = len(tasks)
    for task, answer, error in pool.run(tasks, jobs):
        item, chunk = task.key
        remaining -= 1
        item.seconds += task.seconds
        if item.failed:  # another chunk of this deck failed already
            report.step(item.job.label, "skipped")
            continue
        if error is not None:
            _fail(result, item, error, report)
            continue
        data, pages, notes, *fitted = answer  # documents say which ladder rung fitted
        item.job.notes += notes
        item.job.fit_rung = fitted[0] if fitted else None
        if chunk is None:
            finish.write(item, data, pages)
            continue
        item.chunks[chunk] = _keep(item, chunk, data, notes)
        if any(c is None for c in item.chunks):
            report.step(f"{item.job.label} (cards {chunk + 1}/{len(item.chunks)})", "rendered")
            continue
        if not remaining and len(item.job.species_list) >= REST_BEFORE_CARDS:
            pool.rest()
        finish.deck(item)
    for item, _ in planned:
        if item.cache is not None:  # one cache folder per build: pruned once
            item.cache.prune()
            break


def _keep(item: Planned, chunk: int, data: bytes, notes: list):
    """A fitted chunk until imposition: in the card cache (read back then) where it could be kept there,
    else its bytes."""
    key = item.chunk_keys[chunk]
    return item.cache.stored(key) if item.cache is not None and item.cache.put(key, data, notes) else data


class _Finisher:
    """Writes what the workers made: a document as it arrives, a deck once its chunks are all in."""

    def __init__(self, out: OutputFolder, manifest: Manifest, result: BuildResult, report, on_output) -> None:
        self.out, self.manifest, self.result, self.report, self.on_output = out, manifest, result, report, on_output
        self.last_save = time.monotonic()

    def deck(self, item: Planned) -> None:
        """Impose ``item``'s fitted chunks on sheets and write the deck."""
        from ..layout.deck_sheets import impose_deck

        from ..layout.deck_sheets import chunk_bytes

        sides = None
        try:
            if item.job.settings.output_format == "png":  # one PNG per card side: the sides before imposition
                sides = [chunk_bytes(chunk) for chunk in item.chunks]
            data, pages = impose_deck(item.chunks, item.job, item.job.settings)
        except (OutputError, WildpressError) as exc:
            _fail(self.result, item, exc, self.report)
            return
        finally:
            item.chunks = [b""] * len(item.chunks)  # free the parts
        self.write(item, data, pages, sides)

    def write(self, item: Planned, data: bytes, pages: int, sides: list[bytes] | None = None) -> None:
        try:
            written = _write(item, data, pages, self.out, self.manifest, sides)
        except (OutputError, WildpressError) as exc:
            _fail(self.result, item, exc, self.report)
            return
        for output in written:
            self.result.outputs.append(output)
            if self.on_output:
                self.on_output(output)
        self.result.warnings += item.job.notes
        self.report.step(item.job.label, "wrote")
        if time.monotonic() - self.last_save > MANIFEST_EVERY_S:
            self.manifest.save()
            self.last_save = time.monotonic()


class _Silent:
    """Progress for callers that want none (the Python API)."""

    def start(self, total: int) -> None:
        pass

    def step(self, label: str, status: str) -> None:
        pass


def _fail(result: BuildResult, item: Planned, error: Exception, report) -> None:
    """``item`` could not be made: list it (the rest of the build goes on)."""
    item.failed = True
    report.step(item.job.label, "failed")
    message = str(error)
    # Render failures name their document; layout and data errors already name their file and line.
    if isinstance(error, RenderError) and not message.startswith(item.job.label):
        message = f"{item.job.label}: {message}"
        if isinstance(error, WildpressError):
            rebuilt = type(error).__new__(type(error))
            rebuilt.__dict__.update(error.__dict__)  # keeps a WorkerFailure's reason
            rebuilt.args, error = (message,), rebuilt
    result.failures.append(Failure(item.job.label, message, error))


def _write(item: Planned, data: bytes, pages: int, out: OutputFolder, manifest: Manifest,
           sides: list[bytes] | None = None) -> list[Output]:
    """Write the PDF (in CMYK with --colour cmyk; with its tiled copy and its PNGs where asked)
    through the checked writer, record each in the manifest."""
    from .extras import colour_converted, write_pngs

    job, settings = item.job, item.job.settings
    rgb, data = data, colour_converted(data, item, out)  # PNGs are drawn from the sRGB original
    path = out.target(item.name)
    sources = sorted({os.path.abspath(sp.file) for sp in job.species_list})
    out.write(item.name, data, settings.force or manifest.made_it(item.name, path))
    manifest.record(item.name, item.key, data, path, job.label, sources, job.notes, output_lang(job), job.layout.name,
                    fit=job.fit_rung)
    outputs = [Output(path, job, pages, item.seconds, item.rendered)]
    if settings.tile:
        from ..printing.sizes import get_size
        from ..layout.tiling import tile_pdf

        started = time.perf_counter()
        sheet = get_size(settings.tile)
        tiled, sheets = tile_pdf(data, sheet, overlap_mm=settings.tile_overlap_mm, source=item.name)
        name = safe_name(f"{path.stem}-tiled-{sheet.name}")
        tiled_path = out.target(name)
        out.write(name, tiled, settings.force or manifest.made_it(name, tiled_path))
        manifest.record(name, item.key, tiled, tiled_path, job.label + " (tiled)", sources, job.notes,
                        output_lang(job), job.layout.name)
        outputs.append(Output(tiled_path, job, sheets + 1, time.perf_counter() - started))
    if settings.output_format == "png":
        outputs += write_pngs(item, rgb, out, manifest, sources, sides)
    return outputs


def output_lang(job) -> str:
    """The language(s) an output is printed in, as the manifest records it: 'ru', 'en-ru' for a bilingual deck."""
    settings = job.settings
    if settings is None:
        return "en"
    back = settings.back_lang if job.layout.kind == "cards" else None
    return f"{settings.lang}-{back}" if back and back != settings.lang else settings.lang
