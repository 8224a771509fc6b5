"""The 'booklet' layout kind: every species in one PDF, with a cover, contents and credits.

Each species' fact sheet goes through :func:`wildpress.layout.document.render_document`
with the booklet layout's ``sheet.html.j2`` (which extends the fact sheet's
template), so every sheet gets the fact sheet's concession ladder, page limit,
fitting checks and warnings. The cover and contents (one document, "front") and
the credits are rendered from the booklet's own template, ``booklet.html.j2``.

Page numbers run through the whole booklet: the cover is page 1, and every
sheet starts its page counter where the one before ended, so the contents, the
credits and the footers all give the same numbers. The sheets are rendered
first; the contents is rendered last, from the page counts they actually took.
The parts are joined with pikepdf, which also writes the bookmarks (Contents,
one per species with its sections under it, Credits) and points the contents'
links at the sheets.

Print production: every part is rendered and finished (bleed, marks, PDF
variant) on its own, exactly as a fact sheet is, so the joined pages keep their
boxes and marks; the joined file keeps the front's metadata and output intent.
``--tagged`` is refused: the parts' structure trees do not survive joining.
"""

from __future__ import annotations

import dataclasses
import io

from ..errors import FitError, RenderError, UsageError
from ..pictures.licences import normalise
from ..printing import production
from ..printing.production import Production
from ..printing.sizes import MM
from .context import DEFAULT_ACCENT, template_context
from .document import render_document
from .formatting import localise
from ..i18n.catalogue import N_
from .fit import PX
from .pagefill import _walk, check_within_page

SHEET_TEMPLATE = "sheet.html.j2"  # in the booklet layout's folder chain; extends the fact sheet's
COVER_ART_SHARE = 0.55  # of the page height, photo mosaic or designed panel
COVER_PHOTOS = 4
COVER_NAMES = 24  # the cover lists the species' names up to this many
GAP_MM = 1.2  # between the cover's photos
PAD = {"none": 1, "even": 2, "four": 4}


def render_booklet(renderer, job, settings) -> tuple[bytes, int]:
    """Render the booklet: sheets first, then credits, then cover and contents; join them."""
    if settings.tagged:
        raise UsageError(f"{job.label}: --tagged is not supported for booklets (the fact sheets' tags "
                         "do not survive joining them into one file); build the fact sheets with --tagged")
    from ..layout.preflight import preflight
    from .context import job_words

    prod = Production.from_settings(settings)
    words = job_words(job, settings)
    preflight(job, settings, [words])
    species = ordered(job.species_list, job.options.get("order", "file"), words)
    sheet_layout = dataclasses.replace(job.layout, manifest={**job.layout.manifest, "kind": "document",
                                                             "template": SHEET_TEMPLATE})
    front_pages = len(_render(renderer, job, settings, prod, "front", species, [0] * len(species), 0, 0)[0].pages)
    for _ in range(3):  # the front's length never depends on its numbers; checked, not assumed
        starts, sheets, page = [], [], front_pages + 1
        for sp in species:
            sheet = dataclasses.replace(job, species_list=[sp], layout=sheet_layout, name=sp.id, notes=[],
                                        options={**job.options, "booklet_start": page})
            data, count = render_document(renderer, sheet, settings)
            job.notes += sheet.notes
            starts.append(page)
            sheets.append(data)
            page += count
        credits_doc, _ = _render(renderer, job, settings, prod, "credits", species, starts, page, page)
        total = page - 1 + len(credits_doc.pages)
        front_doc, cover_notes = _render(renderer, job, settings, prod, "front", species, starts, page, total)
        if len(front_doc.pages) == front_pages:
            break
        front_pages = len(front_doc.pages)
    else:
        raise RenderError(f"{job.label}: the contents does not settle on a page count")
    job.notes += cover_notes  # cover photos printing under the warning resolution
    multiple = PAD[job.options.get("pad", "even")]
    blanks = -total % multiple
    parts = [_finish(renderer, front_doc, prod), *sheets, _finish(renderer, credits_doc, prod)]
    if blanks:
        blank, _ = _render(renderer, job, settings, prod, "blank", species, starts, page, total, blanks)
        parts.append(_finish(renderer, blank, prod))
    return join(parts, species, starts, page, words), total + blanks


def ordered(species_list: list, order: str, lang) -> list:
    """The species as given (the build passes them sorted by file), or by common name."""
    if order == "name":
        return sorted(species_list, key=lambda sp: str(localise(sp.data["name"]["common"], lang)).casefold())
    return list(species_list)


def mosaic(count: int, x: float, y: float, w: float, h: float, gap: float = GAP_MM) -> list[tuple]:
    """Rectangles (x, y, w, h in mm) for ``count`` cover photos (1 to 4) filling the box.

    One photo fills it; two share it; three or four put a large one on the left
    and stack the others on the right.
    """
    if count <= 1:
        return [(x, y, w, h)]
    if count == 2:
        half = (w - gap) / 2
        return [(x, y, half, h), (x + half + gap, y, half, h)]
    left = (w - gap) * 0.6
    right = w - gap - left
    rows = count - 1
    each = (h - gap * (rows - 1)) / rows
    return [(x, y, left, h)] + [(x + left + gap, y + i * (each + gap), right, each) for i in range(rows)]


def _render(renderer, job, settings, prod, part, species, starts, credits_page, total, blanks=0):
    """Lay out one of the booklet's own parts (front, credits, blank pages), checked within the page;
    returns the document and the warnings about its photos.

    The cover's words and its foot are placed on the page, not in a flow that could
    push one off it: when they would meet, the cover goes without its list of names,
    and if the title alone is too long the build fails saying so.
    """
    from .context import job_words

    words = job_words(job, settings)
    for names in (True, False):
        context = template_context(job, settings, renderer.confinement, words)
        context["booklet"] = booklet_context(job, settings, context, part, species, starts, credits_page, total,
                                             blanks, names, words)
        html = renderer.html(job.layout, context, words)
        document = renderer.render(html, job.layout, job.size, roots=sorted({sp.file.parent for sp in species}),
                                   **prod.render_options())
        if part != "front" or not cover_clash(document):
            break
        if not context["booklet"]["names"]:  # nothing left to take away
            raise FitError(f"{job.label}: the cover's title and organisation do not fit above its foot; "
                           "shorten the title (-O title=...)")
    check_within_page(document, job.label)
    return document, context["photos"].notes


def cover_clash(document) -> bool:
    """True if the cover's words come nearer than 4 mm to its foot (or to the bottom margin)."""
    found = {}
    for box, _parent in _walk(document.pages[0]._page_box):
        element = getattr(box, "element", None)
        classes = (element.get("class") or "").split() if element is not None else []
        for name in ("cover-text", "cover-foot"):
            if name in classes:
                found.setdefault(name, box)  # the outer box comes first (an absolute one's placeholder)
    text, foot = found.get("cover-text"), found.get("cover-foot")
    if text is None:
        return False
    bottom = text.position_y + text.margin_height()
    limit = foot.position_y if foot is not None else document.pages[0].height - 12 * MM / PX
    return bottom > limit - 4 * MM / PX


def _finish(renderer, document, prod) -> bytes:
    production.attach_output_intent(document)
    return production.finish(renderer.write_pdf(document, **prod.write_options()), prod)


def booklet_context(job, settings, context, part, species, starts, credits_page, total, blanks=0,
                    names=True, words=None) -> dict:
    """What ``booklet.html.j2`` sees as ``booklet``: the part to set and everything it lists."""
    from ..i18n.words import as_words

    lang = words = words or as_words(settings.lang)
    accent = job.options.get("accent") or settings.brand.accent or DEFAULT_ACCENT
    title = (job.options.get("title") or "").strip() or words._("Species fact sheets")
    page = context["page"]
    width, height, bleed = page["width_mm"], page["height_mm"], page["bleed_mm"]
    with_photo = [sp for sp in species if sp.data.get("photo")][:COVER_PHOTOS]
    art = (-bleed, -bleed, width + 2 * bleed, height * COVER_ART_SHARE + bleed)
    tiles = [{"photo": sp.data["photo"], "id": sp.id, "x": x, "y": y, "w": w, "h": h}
             for sp, (x, y, w, h) in zip(with_photo, mosaic(len(with_photo), *art))]
    entries = [{"species": sp.data, "id": sp.id, "page": start, "anchor": f"toc-{i}"}
               for i, (sp, start) in enumerate(zip(species, starts))]
    categories = {sp.data["status"]["category"]: words.status_name(sp.data["status"]["category"])
                  for sp in species if sp.data.get("status")}
    order = ["EX", "EW", "CR", "EN", "VU", "NT", "LC", "DD", "NE"]
    return {
        "part": part, "title": title, "accent": accent, "count": len(species),
        "year": context["meta"]["created"][:4], "organisation": settings.org_name,
        "doc_title": words._("%(title)s – booklet", title=title),
        "art": dict(zip("xywh", art)), "tiles": tiles,
        "cover_names": [localise(sp.data["name"]["common"], lang) for sp in with_photo],
        "names": [e["species"]["name"]["common"] for e in entries] if names and len(entries) <= COVER_NAMES else [],
        "entries": entries, "credits_page": credits_page, "total": total, "blanks": blanks,
        "legend": [(code, categories[code]) for code in order if code in categories],
        "groups": [credit_group(e, i, words) for i, e in enumerate(entries)],
        "maps": any((sp.data.get("range") or {}).get("countries") for sp in species),
        "start": credits_page if part == "credits" else 1,
    }


def credit_group(entry: dict, index: int, words=None) -> dict:
    """One species' photo credits (photo, then gallery) and sources, for the credits page."""
    from ..i18n.words import as_words

    w = as_words(words or "en")
    data = entry["species"]
    photos = []
    gallery = data.get("gallery") or []
    for role, photo in [(w._(N_("Photo")), data.get("photo"))] + [
            (w._("Gallery %(number)s", number=n) if len(gallery) > 1 else w._("Gallery"), g)
            for n, g in enumerate(gallery, 1)]:
        if photo:
            try:
                licence = normalise(photo["licence"])
                short, url = licence.short, licence.url
            except ValueError:  # validation vouched for it; print it as written
                short, url = photo["licence"], None
            photos.append({"role": role, "credit": photo["credit"], "licence": short, "url": url})
    return {**entry, "anchor": f"credit-{index}", "photos": photos, "sources": data.get("sources") or []}


def join(parts: list[bytes], species: list, starts: list[int], credits_page: int, lang: str) -> bytes:
    """One PDF of ``parts`` (front, sheets, credits, blanks) with bookmarks and working contents links."""
    import pikepdf

    opened = [pikepdf.open(io.BytesIO(data)) for data in parts]
    pdf = opened[0]
    front = len(pdf.pages)
    outlines = [_sections(part) for part in opened[1:1 + len(species)]]
    for part in opened[1:]:
        pdf.add_pages_from(part, outlines="ignore")
    # The front's and credits' self-links (toc-N, credit-N, to-credits) become links to the sheets.
    targets = {f"toc-{i}": start - 1 for i, start in enumerate(starts)}
    targets.update({f"credit-{i}": start - 1 for i, start in enumerate(starts)})
    targets["to-credits"] = targets["to-credits-toc"] = credits_page - 1
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            name = annot.get("/Dest")
            if name is None and "/A" in annot and annot.A.get("/S") == "/GoTo":
                name = annot.A.get("/D")
            if isinstance(name, pikepdf.String) and str(name) in targets:
                target = pdf.pages[targets[str(name)]].obj
                annot.Dest = pikepdf.Array([target, pikepdf.Name.Fit])
                if "/A" in annot:
                    del annot["/A"]
    names = pdf.Root.get("/Names")
    if names is not None and "/Dests" in names:
        del names["/Dests"]  # only the self-links' names lived there
        if not names.keys():
            del pdf.Root["/Names"]
    with pdf.open_outline() as outline:
        outline.root.clear()
        outline.root.append(pikepdf.OutlineItem("Contents", 1 if front > 1 else 0))
        for sp, start, sections in zip(species, starts, outlines):
            item = pikepdf.OutlineItem(str(localise(sp.data["name"]["common"], lang)), start - 1)
            item.children += [pikepdf.OutlineItem(title, start - 1 + index, "XYZ", top=top)
                              for title, index, top in sections]
            outline.root.append(item)
        outline.root.append(pikepdf.OutlineItem("Credits and sources", credits_page - 1))
    pdf.Root.PageMode = pikepdf.Name.UseOutlines
    out = io.BytesIO()
    pdf.save(out, static_id=True, fix_metadata_version=False)
    for part in opened:
        part.close()
    return out.getvalue()


def _sections(part) -> list[tuple[str, int, float | None]]:
    """(title, page index, top) of a sheet's section bookmarks (the h2s under its name)."""
    import pikepdf

    found = []
    with part.open_outline() as outline:
        for item in outline.root:
            for child in item.children:
                dest = child.destination
                if not isinstance(dest, pikepdf.Array) or len(dest) < 4:
                    continue
                try:
                    index = part.pages.index(pikepdf.Page(dest[0]))
                except (ValueError, TypeError):
                    continue
                top = float(dest[3]) if dest[1] == pikepdf.Name.XYZ and dest[3] is not None else None
                found.append((child.title, index, top))
    return found
