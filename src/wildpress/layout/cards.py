"""The 'cards' layout kind: a flashcard deck, fitted, then imposed on sheets.

Every card side is one page of one WeasyPrint document at card size plus
bleed. The whole deck is laid out once; sides whose text overflowed are
laid out again, alone, one fit level tighter (:mod:`wildpress.layout.fit`); the
final pages are then placed on sheets by :mod:`wildpress.printing.imposition`.
"""

from __future__ import annotations

import re

import io
from pathlib import Path

from . import ladder as _ladder
from ..errors import Problem
from .context import job_words, template_context
from .geometry import one_line_size
from .fit import check_pages, fit_items, split_pages
from .context import scientific_only
from .formatting import key_stats, quantity, typeset
from ..i18n.catalogue import N_
from ..i18n.words import Words, as_words
from ..printing.sizes import MM, PaperSize
from .card_zones import SAFE_MM, brand_line, credit_lines, page_css, zones

MIN_PT = 7.0  # legibility floor for any text on a card
MAX_FACTS, MIN_FACTS = 6, 4
FACT_CHARS = 180  # a description or habitat taken as a card fact: its first sentences up to this
# Languages in Arabic script: Noto Sans Arabic's letters need 2.1 em, against 1.36 em for Noto Sans, so
# their backs' footer lines are TALL_LINE high (the same value as `:lang(ar) .back .credit` in the CSS).
ARABIC_SCRIPT, TALL_LINE = ("ar", "fa", "ur", "ps", "sd", "ug", "ckb"), 1.7

# Quiz words: each a whole phrase in the catalogue, so translators can word it their own way.
THREATENED = {"CR": N_("critically endangered"), "EN": N_("endangered"), "VU": N_("vulnerable"),
              "EW": N_("extinct-in-the-wild")}
GENUS_NOUN = {"Panthera": N_("big cat"), "Acinonyx": N_("big cat"), "Puma": N_("big cat")}
FAMILY_NOUN = {"Felidae": N_("wild cat"), "Canidae": N_("member of the dog family"), "Ursidae": N_("bear"),
               "Balaenopteridae": N_("whale"), "Balaenidae": N_("whale"), "Delphinidae": N_("dolphin"),
               "Accipitridae": N_("bird of prey"), "Falconidae": N_("bird of prey"), "Strigidae": N_("owl"),
               "Alcidae": N_("seabird"), "Cheloniidae": N_("sea turtle"), "Pinaceae": N_("conifer"),
               "Cupressaceae": N_("conifer"), "Hominidae": N_("great ape"), "Elephantidae": N_("elephant")}
GROUP_NOUN = {"mammal": N_("mammal"), "bird": N_("bird"), "reptile": N_("reptile"), "amphibian": N_("amphibian"),
              "fish": N_("fish"), "insect": N_("insect"), "invertebrate": N_("invertebrate"),
              "plant": N_("plant"), "fungus": N_("fungus")}
CLUES = (("weight", N_("weighs %(amount)s")), ("length", N_("measures %(amount)s")),
         ("wingspan", N_("has a wingspan of %(amount)s")), ("height", N_("stands %(amount)s tall")),
         ("diameter", N_("has a trunk %(amount)s across")))
def base_pt(size: PaperSize) -> float:
    """Body size for a card: 9.3 pt on A7, in proportion to the card's short side.

    An A5 card is an A7 card scaled by two, so its type is twice as large and
    its back is as full; the floor keeps poker cards legible, the ceiling
    keeps A4 "cards" from turning into posters.
    """
    short_mm = min(size.width_mm, size.height_mm)
    return round(min(22.0, max(8.0, 9.3 * short_mm / 74)), 2)


def type_sizes(size: PaperSize, scale: float) -> dict[str, float]:
    """Point sizes of every text role at ``scale``; none goes below the legibility floor."""
    body = base_pt(size) * scale
    roles = {"body": 1.0, "title": 1.75, "sci": 1.12, "label": 0.8, "value": 1.1, "big": 2.2, "monogram": 6.0}
    return {role: round(max(MIN_PT, body * factor), 2) for role, factor in roles.items()}


# English country names that take "the" in a sentence ("lives in the United States").
_THE = ("United ", "Czech ", "Dominican ", "Central African ", "Netherlands", "Philippines", "Bahamas",
        "Gambia", "Maldives", "Faroe Islands", "Marshall Islands", "Solomon Islands", "Falkland Islands")


# German country names that take an article, in the dative after "in" ("lebt in der Mongolei").
_DE_DATIVE = {"US": "den Vereinigten Staaten", "GB": "dem Vereinigten Königreich", "CH": "der Schweiz",
              "TR": "der Türkei", "IR": "dem Iran", "IQ": "dem Irak", "MN": "der Mongolei", "NL": "den Niederlanden",
              "PH": "den Philippinen", "SK": "der Slowakei", "UA": "der Ukraine", "SD": "dem Sudan",
              "SS": "dem Südsudan", "TD": "dem Tschad", "LB": "dem Libanon", "YE": "dem Jemen", "NE": "dem Niger",
              "CD": "der Demokratischen Republik Kongo", "CG": "der Republik Kongo", "CI": "der Elfenbeinküste",
              "CF": "der Zentralafrikanischen Republik", "DO": "der Dominikanischen Republik",
              "AE": "den Vereinigten Arabischen Emiraten", "MV": "den Malediven", "BS": "den Bahamas",
              "GM": "Gambia", "CZ": "Tschechien", "VA": "dem Vatikan", "KP": "Nordkorea", "KR": "Südkorea"}


def _places(codes: list[str], w: Words) -> str:
    names = [w.country(c) for c in codes]
    if w.locale.language == "en":
        names = [f"the {n}" if n.startswith(_THE) else n for n in names]
    elif w.locale.language == "de":
        names = [_DE_DATIVE.get(code, name) for code, name in zip(codes, names)]
    return w.join(names)


def _phrase(q: dict, w: Words) -> str:
    text = quantity(q, w)
    return text[0].lower() + text[1:] if text[:1].isupper() else text


def question(species: dict, lang: "str | Words" = "en") -> str | None:
    """A quiz question built only from the data: status, kind of animal, range, a size.

    'Which critically endangered big cat lives in Russia and China and weighs
    25–48 kg?' Every phrase comes from the catalogue. Returns None if the data
    offers no clue that does not give the answer away.
    """
    w = as_words(lang)
    taxon = species.get("taxon") or {}
    genus = species["name"]["scientific"].split()[0]
    noun = GENUS_NOUN.get(genus) or FAMILY_NOUN.get(taxon.get("family", "")) or GROUP_NOUN.get(taxon.get("group"))
    if not noun:
        return None
    adjective = THREATENED.get((species.get("status") or {}).get("category"))
    clues = []
    codes = (species.get("range") or {}).get("countries") or []
    if 1 <= len(codes) <= 3:
        where = N_("grows in %(places)s") if taxon.get("group") in ("plant", "fungus") else N_("lives in %(places)s")
        clues.append(w._(where, places=_places(codes, w)))
    measurements = species.get("measurements") or {}
    for key, template in CLUES:
        if key in measurements and len(clues) < 2:
            clues.append(w._(template, amount=_phrase(measurements[key], w)))
    if not clues:
        return None
    clue = clues[0] if len(clues) == 1 else w._("%(first)s and %(second)s", first=clues[0], second=clues[1])
    if adjective:
        return w._("Which %(status)s %(noun)s %(clues)s?", status=w._(adjective), noun=w._(noun), clues=clue)
    return w._("Which %(noun)s %(clues)s?", noun=w._(noun), clues=clue)


def facts(species: dict, lang: "str | Words") -> list[dict]:
    """Candidate facts for a card back, in the author's order: quick facts, then data-derived ones."""
    w = as_words(lang)
    found = [{"field": f"quick_facts[{i}]", "text": typeset(w.text(f))}
             for i, f in enumerate(species.get("quick_facts") or [])]
    if len(found) < MIN_FACTS and species.get("diet"):
        found.append({"field": "diet", "text": w._("Eats %(foods)s.", foods=w.join([w.text(d) for d in species["diet"]]))})
    rng = species.get("range") or {}
    if len(found) < MIN_FACTS and rng.get("region"):
        found.append({"field": "range.region", "text": typeset(w.text(rng["region"]))})
    for key in ("description", "habitat"):  # a sparse record: what its texts say, a sentence or two each
        if len(found) < MIN_FACTS and species.get(key):
            found.append({"field": key, "text": typeset(_opening(w.text(species[key])))})
    return found[:MAX_FACTS]


def _opening(text: str, limit: int = FACT_CHARS) -> str:
    """The sentences of ``text`` that fit in ``limit`` characters (at least the first, cut at a word)."""
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    kept = ""
    for sentence in sentences:
        if len(kept) + len(sentence) + 1 > limit:
            break
        kept = f"{kept} {sentence}".strip()
    if not kept:
        kept = sentences[0][:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return kept


def side_context(job, settings, index: int, side: str, level: _ladder.Rung, slots=None, words=None) -> dict:
    """Template data for one side of card ``index`` at ladder rung ``level``.

    A photo front uses the photo full-bleed, cut around its focal point for
    the card plus bleed (``slots``: the document's :class:`PhotoSlots`); the
    name band moves to the top when the focal point sits low.
    """
    from .context import DEFAULT_ACCENT

    sp = job.species_list[index]
    data, w = sp.data, words or as_words(settings.lang)
    photo = data["photo"] or None
    variant = job.options.get("front", "name")
    slot = None
    if photo and side == "front" and variant != "question" and slots is not None:
        bleed = settings.cards.bleed_mm
        slot = slots.slot(photo, job.size.width_mm + 2 * bleed, job.size.height_mm + 2 * bleed, species_id=sp.id)
    candidates = facts(data, w)
    return {
        "id": f"card-{index}-{side}", "side": side, "variant": variant, "species": data, "photo": photo,
        "slot": slot, "band_top": bool(slot and slot["focal_y"] > 0.6),
        "common": w.text(data["name"]["common"]),
        "sci_only": scientific_only(data, w),  # no common name of its own: the scientific name, once
        "lang": w.lang, "dir": "rtl" if w.rtl else "ltr",
        "question": question(data, w) if variant == "question" else None,
        "facts": candidates[:level.limit("facts", MAX_FACTS)],
        "fit": level,
        # narrow cards (poker) have room for two figure tiles, not three
        "stats": tile_values(key_stats(data, w, 3 if job.size.width_mm >= 70 else 2, trend=False),
                             job.size.width_mm, type_sizes(job.size, level.scale)["value"]),
        "fs": type_sizes(job.size, level.scale),
        "trend": (data.get("population") or {}).get("trend"),
        # -O accent, then the brand's colour (one look across the deck), then the species' own
        "accent": job.options.get("accent") or settings.brand.accent or data.get("accent") or DEFAULT_ACCENT,
        "brand": brand_line(settings.brand, job.size.width_mm) if side == "back" else None,
    }


def tile_values(stats: list[dict], card_width_mm: float, value_pt: float) -> list[dict]:
    """Figure tiles set at one point size for the band, at which every value fits its tile on one line.

    Values never wrap ("~10,000–25,000" must not break after the dash), so a
    long one sets the whole band smaller (tiles side by side read as one row of
    figures: one size), down to the 7 pt floor; if even that is too wide, the
    last tile goes and the others get its room.
    """
    stats = list(stats)
    while stats:
        tile_pt = ((card_width_mm - 2 * SAFE_MM) / len(stats) - 2.8) * MM
        # Words (country names) wrap at 85% of the figure size; figures shrink to fit one line.
        sized = [{**stat, "pt": round(value_pt * 0.85 if stat.get("words")
                                      else min(value_pt, one_line_size(tile_pt, max(len(stat["value"]), 1), 0.6)), 2)}
                 for stat in stats]
        band_pt = max(MIN_PT, min(stat["pt"] for stat in sized))
        if all(stat["pt"] >= MIN_PT for stat in sized) or len(stats) == 1:
            return [{**stat, "pt": band_pt} for stat in sized]
        stats.pop()
    return []


def render_cards(renderer, job, settings) -> tuple[bytes, int]:
    """Render a deck in one call: fit every side, then impose the fitted pages on sheets.

    Batch builds split a big deck instead (:func:`deck_geometry` once, then
    :func:`render_sides` per chunk of cards in the workers, then
    :func:`impose_deck`), so memory stays bounded and every core helps.
    """
    from .deck_sheets import impose_deck

    sides, _ = render_sides(renderer, job, settings, deck_geometry(job, settings))
    return impose_deck([sides], job, settings)


def deck_geometry(job, settings) -> dict:
    """What every card of the deck shares, whichever chunk renders it: the QR code's size and the
    credit zone's lines (backs must have identical zones so they line up after duplex printing).

    Also checks, before anything renders, that every card's code is large enough to scan.
    """
    from ..pictures.qr import QRCodes, check_printable, qr_links
    from .measure import field_line

    settings.cards.check()
    if settings.cards.mode != "none":
        from ..printing.imposition import check_fits

        check_fits(job.size.width, job.size.height, settings.cards)  # before any card renders
    codes = QRCodes(job.label)
    qr_urls = {i: (qr_links(sp.data.get("links")) or [(None, None)])[0][1]
               for i, sp in enumerate(job.species_list)} if job.options.get("qr") else {}
    qr_mm = max((codes.size(u, 14, 22) for u in qr_urls.values() if u), default=0.0)
    for i, url in qr_urls.items():  # a code too small to scan names its species and line, before rendering
        if url:
            sp = job.species_list[i]
            kind = qr_links(sp.data.get("links"))[0][0]
            check_printable(url, qr_mm, f"{job.label}: {sp.id} ({field_line(Path(sp.file), 'links.' + kind)})")
    _warn_photo_fronts(job)
    lines = credit_lines(job, qr_mm, settings.brand)
    back = (getattr(settings, "back_lang", None) or settings.lang).replace("_", "-").split("-")[0]
    if back in ARABIC_SCRIPT:  # its letters stand taller: the credit is set at TALL_LINE (flashcards.css)
        lines = (max(2, lines) + 1) * TALL_LINE / 1.25  # and a line more: bidi runs wrap less evenly
    return {"qr_mm": qr_mm, "lines": lines, "count": len(job.species_list)}


def _warn_photo_fronts(job) -> None:
    """With ``front=photo``, one warning (before anything renders) naming the species without a photo:
    their fronts ask the same quiz with a clue (group and status) instead."""
    if job.options.get("front") != "photo":
        return
    missing = [sp for sp in job.species_list if not sp.data.get("photo")]
    if not missing:
        return
    names = ", ".join(sp.id for sp in missing[:12]) + (f" and {len(missing) - 12} more" if len(missing) > 12 else "")
    job.notes.append(Problem(missing[0].file, None, None, "photo",
                             f"{job.label}: front=photo, but {len(missing)} of {len(job.species_list)} species have "
                             f"no photo ({names}): their fronts show a clue (group and status) instead; add a "
                             "photo: block to each species file", "warning"))


def render_sides(renderer, job, settings, geometry: dict) -> tuple[bytes, list]:
    """Fit every side of ``job``'s cards; a PDF of the chosen pages (front, back, front, back, ...)
    and the notes met. ``geometry`` comes from :func:`deck_geometry` of the whole deck."""
    imp = settings.cards
    imp.check()
    sides = [(i, side) for i in range(len(job.species_list)) for side in ("front", "back")]
    # Every side walks the layout's ladder (layout.yaml) on its own: fewer facts, then smaller type.
    rungs = _ladder.layout_rungs(job.layout)
    ladders = {key: rungs for key in sides}
    roots = sorted({sp.file.parent.resolve() for sp in job.species_list})
    # With -O qr=true every back carries a code for its first link; the footer zone grows to hold it.
    from ..pictures.qr import qr_links

    qr_mm, lines = geometry["qr_mm"], geometry["lines"]
    qr_urls = {i: (qr_links(sp.data.get("links")) or [(None, None)])[0][1]
               for i, sp in enumerate(job.species_list)} if job.options.get("qr") and qr_mm else {}
    area, extra_css = zones(job.size, imp.bleed_mm, qr_mm, lines), page_css(job.size, imp.bleed_mm, qr_mm, lines)
    passes: list[bytes] = []
    chosen: dict = {}  # (card, side) -> (pass number, page number)
    words = deck_words(job, settings)  # [front, back]: the same Words twice unless --back-lang differs
    from ..layout.preflight import preflight

    preflight(job, settings, words)
    photo_notes: dict = {}  # photos printing under the warning resolution, once each

    def attempt(levels: dict) -> dict:
        # One document per pass and language: the first holds the whole deck, later ones only
        # the misfits; a bilingual deck (--back-lang) sets its fronts and backs in their own languages.
        results = {}
        for side_words, group in _by_language(levels, words).items():
            base = template_context(job, settings, renderer.confinement, side_words)
            contexts = [{**side_context(job, settings, i, side, level, base["photos"], side_words),
                         "qr_url": qr_urls.get(i) if side == "back" else None, "qr_mm": qr_mm}
                        for (i, side), level in group.items()]
            photo_notes.update({str(n): n for n in base["photos"].notes})
            context = {**base, "sides": contexts,
                       "deck": {"name": job.name, "count": geometry["count"]}}
            html = renderer.html(job.layout, context, side_words)
            document = renderer.render(html, job.layout, job.size, roots=roots, extra_css=extra_css)
            groups = split_pages(document.pages, [c["id"] for c in contexts])
            index = {id(page): n for n, page in enumerate(document.pages)}
            for key in group:
                pages = groups.get(f"card-{key[0]}-{key[1]}", [])
                results[key] = check_pages(pages, area)
                if results[key] is None:
                    chosen[key] = (len(passes), index[id(pages[0])])
            if any(results[key] is None for key in group):
                passes.append(renderer.write_pdf(document))
            else:
                passes.append(b"")  # nothing on this pass is used: skip serialising it
        return results

    used = fit_items(ladders, attempt, lambda key, level, overflow: _misfit(job, settings, words, key, level,
                                                                           overflow))
    job.notes += photo_notes.values()
    _note_losses(job, used, rungs, words)
    return _chosen_pages(job, passes, chosen), list(job.notes)


def _misfit(job, settings, words: list[Words], key, level: _ladder.Rung, overflow) -> str:
    """The error for a card side that fits at no rung of the ladder: which field, where to shorten it."""
    from .measure import field_line

    sp = job.species_list[key[0]]
    where = "on another page" if overflow.extra_pages else "outside the card's safe area"
    size = f" ({overflow.chars} characters)" if overflow.chars else ""
    shown = len(facts(sp.data, words[-1])[:level.limit("facts", MAX_FACTS)]) if key[1] == "back" else 0
    facts_note = f" with {shown} facts" if shown else ""
    # the organisation's brand lives in the project file, not the species file
    at = (settings.brand.source or "the brand settings") if overflow.field == "brand" \
        else field_line(Path(sp.file), overflow.field)
    return (f"{job.label}: {sp.id}: the {key[1]} of its card does not fit, even at "
            f"{type_sizes(job.size, level.scale)['body']:g} pt{facts_note} ({level.label}): "
            f"{overflow.field}{size} takes the most room (text would land {where}). "
            f"Shorten {overflow.field} at {at} or choose a larger card size.")


def _note_losses(job, used: dict, rungs: list, words: list[Words]) -> None:
    """A warning for each side that left something out to fit (the rung it ended on)."""
    for (i, side), index in used.items():
        sp = job.species_list[i]
        capped = min(MAX_FACTS, len(facts(sp.data, words[-1])))
        lost = _ladder.losses(rungs[index], sp.data,
                              counts=lambda part: capped if part == "facts" else _ladder.count(sp.data, part))
        if lost:
            job.notes.append(Problem(sp.file, None, None, "", f"{job.label}: the {side} of {sp.id}'s card "
                                     f"left out {'; '.join(lost)} to fit", "warning"))


def _chosen_pages(job, passes: list[bytes], chosen: dict) -> bytes:
    """One PDF of the fitted sides, in deck order (front, back, front, back, ...)."""
    import pikepdf

    opened = [pikepdf.open(io.BytesIO(data)) if data else None for data in passes]
    out = pikepdf.Pdf.new()
    source = next(pdf for pdf in opened if pdf is not None)
    for key, value in source.docinfo.items():  # Creator marks the file as ours; kept for the imposed deck
        out.docinfo[key] = value
    for i in range(len(job.species_list)):
        for side in ("front", "back"):
            p, n = chosen[(i, side)]
            out.pages.append(opened[p].pages[n])
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def deck_words(job, settings) -> list[Words]:
    """The languages of a deck's fronts and backs (``--lang``, ``--back-lang``)."""
    front = job_words(job, settings)
    back_lang = getattr(settings, "back_lang", None)
    back = job_words(job, settings, back_lang) if back_lang and back_lang != front.lang else front
    return [front, back]


def _by_language(levels: dict, words: list[Words]) -> dict:
    """The sides of ``levels`` grouped by the language they are set in (front, back)."""
    groups: dict = {}
    for key, level in levels.items():
        groups.setdefault(words[0] if key[1] == "front" else words[-1], {})[key] = level
    return groups
