"""What a template may use: the species, its photos, maps and QR codes, the page, the brand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import GENERATOR
from ..safety.confine import Confinement
from . import ladder
from .geometry import TEMPLATE_GEOMETRY

DEFAULT_ACCENT = "#1f5c3a"  # forest green, when neither an option, the brand nor the species sets one


def project_root(settings) -> Path:
    """The project folder: its ``locale/`` and ``fonts/`` are searched before wildpress's own."""
    return Path(settings.project_dir) if getattr(settings, "project_dir", None) else Path.cwd()


def job_words(job, settings, lang: str | None = None):
    """The :class:`~wildpress.i18n.words.Words` of a job: its language's catalogue (bundled, the
    layout chain's, the project's), the build's units and the species' own language."""
    from ..i18n.catalogue import catalogue
    from ..i18n.words import Words

    lang = lang or settings.lang
    cat = catalogue(lang, job.layout.folders, project_root(settings))
    default = job.species.data.get("lang") or "en"
    return Words(lang, cat, settings.units, default)


def template_context(job, settings, confinement: Confinement | None = None, words=None) -> dict[str, Any]:
    """Everything a template may use.

    ``photos.slot(photo, width_mm, height_mm)`` prepares a photo for one
    placement (see :mod:`wildpress.pictures.photos`); it reads the original
    through ``confinement`` (default: the project folder and the species' own).
    """
    from ..pictures.photos import PhotoSlots
    from ..pictures.qr import QRCodes
    from ..pictures.rangemap import RangeMaps
    from ..resources import cache_dir

    sp = job.species
    # -O accent wins, then the brand's colour (one look across a print set), then the species' own.
    accent = job.options.get("accent") or settings.brand.accent or sp.data.get("accent") or DEFAULT_ACCENT
    confinement = confinement or Confinement.for_project(Path.cwd(), [s.file.parent for s in job.species_list])
    cache = Path(settings.cache_dir) if settings.cache_dir else cache_dir()
    slots = PhotoSlots(job.species_list, confinement, cache, job.label, settings.photo_ppi, accent,
                       _sharp_ppi(job, settings))
    return {
        "species": sp.data,
        "photo": sp.data["photo"],
        "gallery": sp.data.get("gallery") or [],
        "photos": slots,
        "qr": QRCodes(job.label),
        "maps": RangeMaps(),
        "geometry": TEMPLATE_GEOMETRY,  # sizes computed in Python (wildpress.layout.geometry)
        "page": {"name": job.size.name, "label": job.size.label, "width_mm": job.size.width_mm,
                 "height_mm": job.size.height_mm, "orientation": job.size.orientation,
                 "bleed_mm": float(settings.bleed_mm or 0.0)},
        "options": job.options,
        "lang": words.lang if words else settings.lang,
        "dir": "rtl" if (words and words.rtl) else "ltr",
        "fit": ladder.Rung(),
        "filled": {},  # data-fill name -> height in mm after the fill pass (see pagefill)
        "measured": {},  # data-measure name -> height in mm in the job's previous layout pass (see grow)
        "accent": accent,
        "scientific_only": scientific_only(sp.data, words or settings.lang),
        "brand": settings.brand.context(),
        "meta": {"generator": GENERATOR, "organisation": settings.org_name,
                 "created": settings.creation_time(),
                 "layout": job.layout.name},
    }


def scientific_only(data: dict, lang) -> bool:
    """True when the record has no common name of its own (an import gave it the scientific name):
    layouts then set the scientific name as the title, in italics, and never print it twice."""
    from .formatting import localise

    common = str(localise(data["name"]["common"], lang))
    return " ".join(common.split()).casefold() == " ".join(str(data["name"]["scientific"]).split()).casefold()


def _sharp_ppi(job, settings) -> float:
    """The photo resolution that looks sharp in this job's output: print's, or a PNG's own ppi when
    only PNGs for screens are the point (``--format png`` at a screen size or a lower --ppi)."""
    from ..pictures.photos import WARN_PPI
    from ..printing.raster import png_ppi

    return WARN_PPI if settings.output_format != "png" else min(WARN_PPI, png_ppi(settings.ppi, job.size))

