"""The 'document' layout kind (fact sheets, posters): one species, fitted by its layout's ladder."""

from __future__ import annotations

from typing import Any

from ..errors import FitError, Problem
from ..printing import production
from ..printing.production import Production
from ..printing.sizes import MM
from . import grow, ladder, measure, pagefill
from .context import job_words, template_context
from .fit import PX


EMPTY_PAGE = 0.35  # a page ending emptier than this is pulled back onto the one before, or reported


def render_document(renderer, job, settings) -> tuple[bytes, int]:
    """Render a 'document' layout (fact sheet, poster), giving ground until it fits.

    The layout's concession ladder (:mod:`wildpress.layout.ladder`) is walked one rung
    at a time, measuring after each (:func:`wildpress.layout.measure.misfit`): page
    limit, text inside the trim, balanced columns. Content a rung leaves out
    is reported as a warning on the job. A short last page is pulled back when
    steps that leave out nothing more can do it; then the layout's ``grow`` steps
    use the room left (:mod:`wildpress.layout.grow`), and elements marked
    ``data-fill`` grow to use the spare page height (one more layout pass).
    A page that still ends more than ``EMPTY_PAGE`` empty is a warning.

    ``job.fit_start`` (the rung that fitted last time, from the manifest; anything out of range
    means the top) is where the walk starts, for the same rung in fewer passes; the rung found
    is left in ``job.fit_rung`` for the manifest.
    """
    from ..layout.preflight import preflight

    prod = Production.from_settings(settings)
    words = job_words(job, settings)
    preflight(job, settings, [words])
    context = template_context(job, settings, renderer.confinement, words)
    limit = job.layout.manifest.get("max_pages")
    rungs = ladder.layout_rungs(job.layout)
    last: dict[str, Any] = {}

    def lay_out(html: str, extra_css: str = ""):
        return renderer.render(html, job.layout, job.size, roots=[job.species.file.parent],
                               extra_css=extra_css, **prod.render_options())

    def measured() -> dict[str, float]:
        # What the previous pass measured, for placing what does not change the flow (a title
        # clear of the photo's subject, set over the photo); nothing on the first pass.
        return dict(grow.measured_heights(last["document"])) if "document" in last else {}

    def attempt(rung: ladder.Rung):
        slots = context["photos"].fresh()  # photo warnings of this pass only
        html = renderer.html(job.layout, {**context, "fit": rung, "photos": slots, "measured": measured()}, words)
        last.update(html=html, document=lay_out(html), slots=slots)
        return measure.misfit(last["document"], limit)

    index, problem = ladder.walk(rungs, attempt, job.fit_start, keep=lambda: dict(last),
                                 restore=lambda kept: (last.clear(), last.update(kept)))
    job.fit_rung = index if index >= 0 else None
    if index < 0:
        by = f" by {problem.overflow_mm:.0f} mm of text" if problem.overflow_mm >= 0.5 else ""
        given = f" after giving ground ({rungs[-1].label})" if len(rungs) > 1 else ""
        raise FitError(f"{job.label}: the content does not fit{given}: {problem.reason}{by}. "
                       f"The field that takes most room is {measure.blame(last['document'], job.species.file, settings.brand.source)}. "
                       "Shorten it or choose a larger size.")
    index = _pull_back(rungs, index, last, attempt, job.species.data)
    fitted = grow.grow(rungs[index], grow.layout_grow_steps(job.layout), job.species.data, last, attempt)
    lost = ladder.losses(fitted, job.species.data)
    if lost:
        job.notes.append(Problem(job.species.file, None, None, "",
                                 f"{job.label}: to fit, left out {'; '.join(lost)}", "warning"))

    def refill(css: str):
        # The template learns the grown heights (in mm) so a photo is cut for its final box.
        grown = {name: px * PX / MM for name, px in pagefill.fill_heights(last["document"]).items()}
        slots = context["photos"].fresh()
        html = renderer.html(job.layout, {**context, "fit": fitted, "filled": grown, "photos": slots,
                                          "measured": measured()}, words)
        document = lay_out(html, css)
        if len(document.pages) == 1:
            last["slots"] = slots
        return document

    blank = pagefill.blank_fill_height(last["document"]) / last["document"].pages[-1].height
    document = pagefill.fill(last["document"], refill)
    _warn_empty_pages(job, document, blank)
    job.notes += last["slots"].notes
    pagefill.check_within_page(document, job.label)
    production.attach_output_intent(document)
    data = renderer.write_pdf(document, **prod.write_options())
    return production.finish(data, prod), len(document.pages)


def _pull_back(rungs: list[ladder.Rung], index: int, last: dict, attempt, data: dict) -> int:
    """The rung to use: a short last page reads as a mistake, so when later rungs that leave
    out nothing more of this record make the document one page shorter, the first such rung.

    Rungs are cumulative, so the last of them that loses nothing saves the most: it is tried
    first, and when even it cannot pull the page back, no other pass is spent on looser ones."""
    pages = len(last["document"].pages)
    if pages < 2 or pagefill.empty_shares(last["document"])[-1] <= EMPTY_PAGE:
        return index
    lost = ladder.losses(rungs[index], data)
    same = []
    for later in range(index + 1, len(rungs)):
        if ladder.losses(rungs[later], data) != lost:
            break
        same.append(later)

    def shorter(rung: ladder.Rung) -> bool:
        return attempt(rung) is None and len(last["document"].pages) < pages

    kept = dict(last)
    if not same or not shorter(rungs[same[-1]]):
        last.clear()
        last.update(kept)
        return index
    tightest = dict(last)
    for later in same[:-1]:
        if shorter(rungs[later]):
            return later
    last.clear()
    last.update(tightest)
    return same[-1]


def _warn_empty_pages(job, document, blank: float = 0.0) -> None:
    """A warning naming the output for every page that ends more than EMPTY_PAGE empty (a
    sparse record: the layout has nothing left to grow); ``blank`` is the share of the last
    page a spacer fills with nothing (white space between the text and a band at the foot)."""
    shares = pagefill.empty_shares(document)
    shares[-1] = max(shares[-1], blank)
    for number, share in enumerate(shares, 1):
        if share <= EMPTY_PAGE:
            continue
        if len(shares) == 1:
            why = ("the page ends {:.0%} empty: the record has little to show at this size (add a "
                   "description, figures or quick facts, or choose a layout with less room)")
        else:
            why = (f"page {number} of {len(shares)} ends {{:.0%}} empty: what runs over from the page before "
                   "does not fill it (shorten the record to fit one page fewer, or add to it)")
        job.notes.append(Problem(job.species.file, None, None, "", f"{job.label}: {why.format(share)}", "warning"))
