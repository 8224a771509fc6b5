"""What render workers do: the tasks the runner hands to :class:`~wildpress.safety.worker.Worker`.

The worker is only a sandbox (a child process under limits); the rendering it
runs lives here. :func:`new_renderer` builds each child's warm
:class:`~.render.Renderer` (fonts registered, stylesheets parsed) once, and
every task gets it first. Importing this module makes it the default context
of workers created without one (:func:`~wildpress.safety.worker.set_default_context`),
so :func:`shared_worker` and the runner's pool render.
"""

from __future__ import annotations

from ..safety.worker import Worker, set_default_context
from ..safety.worker import shared_worker as _shared_worker


def new_renderer():
    """In the worker: the renderer every task of this child gets (imports WeasyPrint: may raise the
    OSError of a missing Pango, which the worker reports as one sentence)."""
    from . import kinds  # noqa: F401 - the layout kinds' registry
    from .render import Renderer

    return Renderer()


def render_job(renderer, job, settings, confinement, limits) -> tuple[bytes, int, list]:
    """In the worker: render one build job with its layout kind's renderer, confined and page-limited.

    Returns the PDF bytes, the page count, the notes (warnings) the job collected and the ladder
    rung that fitted (None for kinds that fit otherwise), which the manifest keeps for next time.
    """
    from .kinds import get_kind

    with renderer.confined(confinement, limits.pages_for(len(job.species_list))):
        data, pages = get_kind(job.layout.kind).render_function()(renderer, job, settings)
    return data, pages, list(getattr(job, "notes", [])), getattr(job, "fit_rung", None)


def render_chunk(renderer, job, settings, confinement, limits, geometry) -> tuple[bytes, int, list]:
    """In the worker: fit the card sides of one chunk of a deck (see :mod:`wildpress.layout.cards`).

    Returns a PDF of the chunk's fitted sides (front, back, ...), its page count and the notes.
    """
    from .cards import render_sides

    with renderer.confined(confinement, limits.pages_for(len(job.species_list))):
        data, notes = render_sides(renderer, job, settings, geometry)
    return data, 2 * len(job.species_list), list(notes)


def shared_worker() -> Worker:
    """The process-wide worker (:func:`wildpress.safety.worker.shared_worker`), rendering: its
    calls get the renderer first (e.g. ``printing.calibrate.calibration_pdf``)."""
    return _shared_worker()


set_default_context(new_renderer)
