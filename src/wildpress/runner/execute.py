"""Running a build's jobs on the worker pool and writing what comes back.

Every document is one pool task; a deck is split into chunks of cards
(:data:`CARDS_PER_CHUNK`) that render on any worker and are imposed in this
process once all have come back, so a 2,000-card deck never sits in one
WeasyPrint document and uses every core. Each PDF is written atomically and
recorded in the manifest as it arrives; a job that fails is listed as a
:class:`~wildpress.jobs.Failure` and the others go on.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import OutputError, RenderError, WildpressError  # noqa: F401
from ..jobs import BuildResult, Failure, Job, Output
from ..layout.kinds import gathers, get_kind
from ..safety.outputs import OutputFolder, safe_name
from . import pool
from .manifest import Manifest

CARDS_PER_CHUNK = 24  # cards per deck chunk: small enough to bound memory, large enough to amortise a pass
MIN_CHUNK = 8  # a deck is split across the workers only into chunks of at least this many cards
MANIFEST_EVERY_S = 1.0  # the manifest is rewritten at most this often while outputs arrive (and at the end)


@dataclass
class Planned:
    """A job to render: where it goes and the key of its inputs."""

    job: Job
    name: str  # output file name
    key: str
    chunks: list = field(default_factory=list)  # decks: fitted sides per chunk, in order
    geometry: dict | None = None
    started: float = 0.0
    seconds: float = 0.0  # worker time summed over its tasks
    failed: bool = False

    @property
    def units(self) -> int:
        return max(1, len(self.chunks))


def chunk_ranges(cards: int, jobs: int) -> list[range]:
    """Split ``cards`` into runs of at most CARDS_PER_CHUNK, spread so every worker gets work."""
    if cards <= MIN_CHUNK:
        return [range(cards)]
    count = max(math.ceil(cards / CARDS_PER_CHUNK), min(jobs, cards // MIN_CHUNK))
    size = math.ceil(cards / count)
    return [range(start, min(cards, start + size)) for start in range(0, cards, size)]


def _chunk_job(job: Job, span: range) -> Job:
    return Job(job.species_list[span.start:span.stop], job.layout, job.size, job.options, job.name,
               settings=job.settings, pattern=job.pattern)


def tasks_for(item: Planned, confinement, jobs: int) -> list[pool.Task]:
    """The pool tasks that make ``item``: one for a document, one per chunk for a deck."""
    from ..layout.cards import deck_geometry
    from ..layout.tasks import render_chunk, render_job

    job, settings = item.job, item.job.settings
    limits = settings.limits
    if job.layout.kind == "cards":
        item.geometry = deck_geometry(job, settings)  # shared by every chunk: backs line up
        spans = chunk_ranges(len(job.species_list), jobs)
        item.chunks = [None] * len(spans)
        return [pool.Task(render_chunk, (_chunk_job(job, span), settings, confinement, limits, item.geometry),
                          limits.time_for(len(span)), limits.memory_mb, key=(item, n), cost=len(span))
                for n, span in enumerate(spans)]
    cards = len(job.species_list) if gathers(job.layout.kind) else 1
    per = get_kind(job.layout.kind).per_time_limit
    return [pool.Task(render_job, (job, settings, confinement, limits), limits.time_for(cards, per), limits.memory_mb,
                      key=(item, None), cost=cards * (4 if job.size.width_mm * job.size.height_mm > 2e5 else 1))]


def run(items: list[Planned], out: OutputFolder, manifest: Manifest, confinement, jobs: int, result: BuildResult,
        progress=None, on_output: Callable[[Output], None] | None = None) -> None:
    """Render ``items`` on ``jobs`` workers, writing each PDF into ``out`` as it is finished."""
    tasks = [task for item in items for task in tasks_for(item, confinement, jobs)]
    report = progress or _Silent()
    report.start(len(tasks))
    last_save = time.monotonic()
    for task, answer, error in pool.run(tasks, jobs):
        item, chunk = task.key
        item.seconds += task.seconds
        if item.failed:  # another chunk of this deck failed already
            report.step(item.job.label, "skipped")
            continue
        if error is not None:
            _fail(result, item, error, report)
            continue
        data, pages, notes = answer
        item.job.notes += notes
        try:
            if chunk is not None:
                item.chunks[chunk] = data
                if any(c is None for c in item.chunks):
                    report.step(f"{item.job.label} (cards {chunk + 1}/{len(item.chunks)})", "rendered")
                    continue
                from ..layout.cards import impose_deck

                data, pages = impose_deck(item.chunks, item.job, item.job.settings)
                item.chunks = [b""] * len(item.chunks)  # free the parts
            written = _write(item, data, pages, out, manifest)
        except (OutputError, WildpressError) as exc:
            _fail(result, item, exc, report)
            continue
        for output in written:
            result.outputs.append(output)
            if on_output:
                on_output(output)
        result.warnings += item.job.notes
        report.step(item.job.label, "wrote")
        if time.monotonic() - last_save > MANIFEST_EVERY_S:
            manifest.save()
            last_save = time.monotonic()


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


def _write(item: Planned, data: bytes, pages: int, out: OutputFolder, manifest: Manifest) -> list[Output]:
    """Write the PDF (and its tiled copy) through the checked writer, record both in the manifest."""
    job, settings = item.job, item.job.settings
    path = out.target(item.name)
    sources = sorted({os.path.abspath(sp.file) for sp in job.species_list})
    out.write(item.name, data, settings.force or manifest.made_it(item.name, path))
    manifest.record(item.name, item.key, data, path, job.label, sources, job.notes, output_lang(job), job.layout.name)
    outputs = [Output(path, job, pages, item.seconds)]
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
    return outputs


def output_lang(job) -> str:
    """The language(s) an output is printed in, as the manifest records it: 'ru', 'en-ru' for a bilingual deck."""
    settings = job.settings
    if settings is None:
        return "en"
    back = settings.back_lang if job.layout.kind == "cards" else None
    return f"{settings.lang}-{back}" if back and back != settings.lang else settings.lang
