"""The 'cards' layout kind: a flashcard deck, fitted, then imposed on sheets.

Every card side is one page of one WeasyPrint document at card size plus
bleed. The whole deck is laid out once; sides whose text overflowed are
laid out again, alone, one fit level tighter (:mod:`wildpress.fit`); the
final pages are then placed on sheets by :mod:`wildpress.imposition`.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from . import build as _build
from .fit import PX, Level, check_pages, fit_items, ladder, split_pages
from .formatting import country, key_stats, localise, quantity
from .imposition import impose
from .sizes import MM, PaperSize

SAFE_MM = 3.5  # text stays this far inside the trim: trimmers wander by 1-2 mm
MIN_PT = 7.0  # legibility floor for any text on a card
FOOTER_PT = 7.0  # the credit line
MAX_FACTS, MIN_FACTS = 6, 4

THREATENED = {"CR": "critically endangered", "EN": "endangered", "VU": "vulnerable",
              "EW": "extinct-in-the-wild"}
GENUS_NOUN = {"Panthera": "big cat", "Acinonyx": "big cat", "Puma": "big cat"}
FAMILY_NOUN = {"Felidae": "wild cat", "Canidae": "member of the dog family", "Ursidae": "bear",
               "Balaenopteridae": "whale", "Balaenidae": "whale", "Delphinidae": "dolphin",
               "Accipitridae": "bird of prey", "Falconidae": "bird of prey", "Strigidae": "owl",
               "Alcidae": "seabird", "Cheloniidae": "sea turtle", "Pinaceae": "conifer",
               "Cupressaceae": "conifer", "Hominidae": "great ape", "Elephantidae": "elephant"}
CLUES = (("weight", "weighs {}"), ("length", "measures {}"), ("wingspan", "has a wingspan of {}"),
         ("height", "stands {} tall"), ("diameter", "has a trunk {} across"))


def base_pt(size: PaperSize) -> float:
    """Body size for a card: 9.3 pt on A7, growing gently (by the square root) with the card."""
    short_mm = min(size.width_mm, size.height_mm)
    return round(min(12.5, max(8.5, 9.3 * math.sqrt(short_mm / 74))), 2)


def type_sizes(size: PaperSize, scale: float) -> dict[str, float]:
    """Point sizes of every text role at ``scale``; none goes below the legibility floor."""
    body = base_pt(size) * scale
    roles = {"body": 1.0, "title": 1.75, "sci": 1.12, "label": 0.8, "value": 1.1, "big": 2.2}
    return {role: round(max(MIN_PT, body * factor), 2) for role, factor in roles.items()}


# English country names that take "the" in a sentence ("lives in the United States").
_THE = ("United ", "Czech ", "Dominican ", "Central African ", "Netherlands", "Philippines", "Bahamas",
        "Gambia", "Maldives", "Faroe Islands", "Marshall Islands", "Solomon Islands", "Falkland Islands")


def _places(codes: list[str], lang: str) -> str:
    from babel.lists import format_list

    names = [country(c, lang) for c in codes]
    if lang.split("-")[0] == "en":
        names = [f"the {n}" if n.startswith(_THE) else n for n in names]
    return format_list(names, locale=lang.replace("-", "_"))


def _phrase(q: dict, lang: str) -> str:
    text = quantity(q, lang)
    return text[0].lower() + text[1:] if text[:1].isupper() else text


def question(species: dict, lang: str = "en") -> str | None:
    """A quiz question built only from the data: status, kind of animal, range, a size.

    'Which critically endangered big cat lives in Russia and China and weighs
    25–48 kg?' Returns None if the data offers no clue that does not give the
    answer away.
    """
    taxon = species.get("taxon") or {}
    genus = species["name"]["scientific"].split()[0]
    noun = GENUS_NOUN.get(genus) or FAMILY_NOUN.get(taxon.get("family", "")) or taxon.get("group")
    if not noun:
        return None
    noun = {"plant": "plant", "fungus": "fungus"}.get(noun, noun)
    adjective = THREATENED.get(species["status"]["category"])
    subject = f"Which {adjective + ' ' if adjective else ''}{noun}"
    clues = []
    codes = (species.get("range") or {}).get("countries") or []
    if 1 <= len(codes) <= 3:
        verb = "grows" if taxon.get("group") in ("plant", "fungus") else "lives"
        clues.append(f"{verb} in {_places(codes, lang)}")
    measurements = species.get("measurements") or {}
    for key, template in CLUES:
        if key in measurements and len(clues) < 2:
            clues.append(template.format(_phrase(measurements[key], lang)))
    if not clues:
        return None
    return f"{subject} {' and '.join(clues)}?"


def facts(species: dict, lang: str) -> list[dict]:
    """Candidate facts for a card back, in the author's order: quick facts, then data-derived ones."""
    found = [{"field": f"quick_facts[{i}]", "text": localise(f, lang)}
             for i, f in enumerate(species.get("quick_facts") or [])]
    if len(found) < MIN_FACTS and species.get("diet"):
        found.append({"field": "diet", "text": "Eats " + ", ".join(localise(d, lang) for d in species["diet"]) + "."})
    rng = species.get("range") or {}
    if len(found) < MIN_FACTS and rng.get("region"):
        found.append({"field": "range.region", "text": localise(rng["region"], lang)})
    return found[:MAX_FACTS]


def side_context(job, settings, index: int, side: str, level: Level) -> dict:
    """Template data for one side of card ``index`` at fit ``level``."""
    sp = job.species_list[index]
    data, lang = sp.data, settings.lang
    photo = {**data["photo"], "src": sp.photo_path.as_uri()} if data["photo"] else None
    variant = job.options.get("front", "name")
    candidates = facts(data, lang)
    return {
        "id": f"card-{index}-{side}", "side": side, "variant": variant, "species": data, "photo": photo,
        "common": localise(data["name"]["common"], lang),
        "question": question(data, lang) if variant == "question" else None,
        "facts": candidates[:level.items] if level.items else candidates,
        # narrow cards (poker) have room for two figure tiles, not three
        "stats": key_stats(data, lang, 3 if job.size.width_mm >= 70 else 2),
        "fs": type_sizes(job.size, level.scale),
    }


def page_css(size: PaperSize, bleed_mm: float) -> str:
    """Page = trim + bleed on every side; the side box is padded to the safe area."""
    b, s = bleed_mm * MM, SAFE_MM * MM
    w, h = size.width + 2 * b, size.height + 2 * b
    footer = FOOTER_PT * 1.25 * 2  # room for a two-line credit
    return (f"@page {{ size: {w:.4f}pt {h:.4f}pt; margin: 0; bleed: 0; }}\n"
            f".side {{ width: {w:.4f}pt; height: {h:.4f}pt; padding: {b + s:.4f}pt; }}\n"
            f".side.back {{ padding-bottom: {b + s + footer:.4f}pt; }}\n"
            f".inset {{ left: {b + s:.4f}pt; right: {b + s:.4f}pt; }}\n"
            f".inset-bottom {{ bottom: {b + s:.4f}pt; }} .inset-top {{ top: {b + s:.4f}pt; }}\n"
            f".pad {{ padding-left: {b + s:.4f}pt; padding-right: {b + s:.4f}pt; }}\n"
            f".pad-bottom {{ padding-bottom: {b + s:.4f}pt; }}\n")


def zones(size: PaperSize, bleed_mm: float) -> dict:
    """Where text may go, in CSS px: the safe area; back text above the credit zone."""
    b, s = bleed_mm * MM / PX, SAFE_MM * MM / PX
    w, h = size.width / PX + 2 * b, size.height / PX + 2 * b
    footer = FOOTER_PT * 1.25 * 2 / PX
    safe = (b + s, b + s, w - b - s, h - b - s)
    return {"safe": safe, "flow": (safe[0], safe[1], safe[2], safe[3] - footer),
            "footer": (safe[0], safe[3] - footer, safe[2], safe[3])}


def render_cards(renderer, job, settings) -> tuple[bytes, int]:
    """Render a deck: fit every side, then impose the fitted pages on sheets."""
    import pikepdf

    imp = settings.cards
    imp.check()
    sides = [(i, side) for i in range(len(job.species_list)) for side in ("front", "back")]
    base = base_pt(job.size)
    ladders = {}
    for i, side in sides:
        available = len(facts(job.species_list[i].data, settings.lang)) if side == "back" else 0
        top = min(MAX_FACTS, available) or None
        ladders[(i, side)] = ladder(base, MIN_PT, top, min(MIN_FACTS, top) if top else None)
    roots = sorted({sp.file.parent.resolve() for sp in job.species_list})
    area, extra_css = zones(job.size, imp.bleed_mm), page_css(job.size, imp.bleed_mm)
    passes: list[bytes] = []
    chosen: dict = {}  # (card, side) -> (pass number, page number)

    def attempt(levels: dict) -> dict:
        # One document per pass: the first holds the whole deck, later ones only the misfits.
        contexts = [side_context(job, settings, i, side, level) for (i, side), level in levels.items()]
        context = {**_build.template_context(job, settings), "sides": contexts,
                   "deck": {"name": job.name, "count": len(job.species_list)}}
        html = renderer.html(job.layout, context, settings.lang)
        document = renderer.render(html, job.layout, job.size, roots=roots, extra_css=extra_css)
        groups = split_pages(document.pages, [c["id"] for c in contexts])
        index = {id(page): n for n, page in enumerate(document.pages)}
        results = {}
        for key in levels:
            pages = groups.get(f"card-{key[0]}-{key[1]}", [])
            results[key] = check_pages(pages, area)
            if results[key] is None:
                chosen[key] = (len(passes), index[id(pages[0])])
        if any(r is None for r in results.values()):
            passes.append(renderer.write_pdf(document))
        else:
            passes.append(b"")  # nothing on this pass is used: skip serialising it
        return results

    def describe(key, level: Level, overflow) -> str:
        sp = job.species_list[key[0]]
        where = "on another page" if overflow.extra_pages else "outside the card's safe area"
        words = f" ({overflow.chars} characters)" if overflow.chars else ""
        facts_note = f" with {level.items} facts" if level.items else ""
        return (f"{sp.id}: the {key[1]} of its card does not fit, even at {MIN_PT:g} pt{facts_note}: "
                f"{overflow.field}{words} is too long (text would land {where}). "
                f"Shorten {overflow.field} in {Path(sp.file).name} or choose a larger card size.")

    fit_items(ladders, attempt, describe)
    opened = [pikepdf.open(io.BytesIO(data)) if data else None for data in passes]
    pages = {key: opened[p].pages[n] for key, (p, n) in chosen.items()}
    cards = [(pages[(i, "front")], pages[(i, "back")]) for i in range(len(job.species_list))]
    docinfo = _docinfo(opened[0] if opened[0] is not None else next(p for p in opened if p), job)
    return impose(cards, job.size.width, job.size.height, imp, docinfo)


def _docinfo(source, job) -> dict:
    """The rendered document's metadata (Creator marks the file as ours), titled for the deck."""
    info = {str(k): v for k, v in source.docinfo.items()}
    info["/Title"] = f"Flashcards: {job.name} ({len(job.species_list)} species, {job.size.label})"
    return info


def _register() -> None:
    _build.KIND_RENDERERS["cards"] = render_cards
    _build.DECK_KINDS.add("cards")


_register()
