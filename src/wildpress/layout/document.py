"""The 'document' layout kind (fact sheets, posters): one species, fitted by its layout's ladder."""

from __future__ import annotations

from typing import Any

from ..errors import FitError, Problem
from ..printing import production
from ..printing.production import Production
from ..printing.sizes import MM
from . import ladder, measure, pagefill
from .context import job_words, template_context
from .fit import PX


SHORT_LAST_PAGE = 0.2  # a last page with text on less than a fifth of its height is worth saving


def render_document(renderer, job, settings) -> tuple[bytes, int]:
    """Render a 'document' layout (fact sheet, poster), giving ground until it fits.

    The layout's concession ladder (:mod:`wildpress.layout.ladder`) is walked one rung
    at a time, measuring after each (:func:`wildpress.layout.measure.misfit`): page
    limit, text inside the trim, balanced columns. Content a rung leaves out
    is reported as a warning on the job. Elements marked ``data-fill`` then
    grow to use the spare page height (one more layout pass).
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

    def attempt(rung: ladder.Rung):
        slots = context["photos"].fresh()  # photo warnings of this pass only
        html = renderer.html(job.layout, {**context, "fit": rung, "photos": slots}, words)
        last.update(html=html, document=lay_out(html), slots=slots)
        return measure.misfit(last["document"], limit)

    index, problem = ladder.walk(rungs, attempt)
    if index < 0:
        by = f" by {problem.overflow_mm:.0f} mm of text" if problem.overflow_mm >= 0.5 else ""
        given = f" after giving ground ({rungs[-1].label})" if len(rungs) > 1 else ""
        raise FitError(f"{job.label}: the content does not fit{given}: {problem.reason}{by}. "
                       f"The field that takes most room is {measure.blame(last['document'], job.species.file, settings.brand.source)}. "
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
                             words)
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
