"""What a build is made of: settings, the brand, jobs (one document each), outputs and failures.

These plain dataclasses travel to the render workers (pickled), so they hold
data only; the functions that use them live in :mod:`wildpress.build` (planning
and running), :mod:`wildpress.layout.kinds` (rendering each layout kind) and
:mod:`wildpress.project` (project files, the worker pool, the manifest).
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import GENERATOR, __version__  # noqa: F401 - re-exported
from .errors import Problem
from .printing.imposition import ImpositionSettings
from .safety.limits import Limits
from .safety.outputs import safe_name

if TYPE_CHECKING:
    from .data.species import Species
    from .layout.layouts import Layout
    from .printing.sizes import PaperSize


DEFAULT_PATTERN = "{species}-{layout}-{size}"  # output file names (a project file may set its own)


@dataclass(frozen=True)
class Brand:
    """The organisation printing the material: every built-in layout prints what is given, nothing else.

    ``logo`` is the real path of an SVG or PNG file inside the project (checked
    when the project file is loaded); ``accent`` and ``secondary`` are CSS hex
    colours. An empty Brand prints nothing.
    """

    name: str = ""
    logo: Path | None = None
    website: str = ""
    contact: str = ""
    footer: str = ""
    accent: str = ""
    secondary: str = ""
    source: str = field(default="", compare=False)  # 'wildpress.yaml:24', where fit errors point

    def __bool__(self) -> bool:
        return any((self.name, self.logo, self.website, self.contact, self.footer))

    def context(self) -> dict:
        """What templates see as ``brand``: every key always present ("" / None when not given)."""
        site = self.website
        label = site.split("://", 1)[-1].rstrip("/") if site else ""
        if label.startswith("www."):
            label = label[4:]
        logo = self.logo
        return {"name": self.name, "logo": logo.as_uri() if logo else None,
                "logo_svg": bool(logo and logo.suffix.lower() == ".svg"),
                "website": site, "website_label": label, "contact": self.contact, "footer": self.footer,
                "accent": self.accent, "secondary": self.secondary, "given": bool(self)}


CACHE_FOLDER = ".wildpress-cache"  # inside the output folder: prepared photos, reused by the next build


@dataclass
class Job:
    """One document to make: one species (or a deck of several) in a layout at a size."""

    species_list: list["Species"]
    layout: "Layout"
    size: "PaperSize"
    options: dict
    name: str  # species id, or the deck name for layouts that gather all species
    notes: list[Problem] = field(default_factory=list)  # warnings met while rendering (content left out)
    settings: "Settings | None" = None  # this output's settings (a project's outputs each have their own)
    pattern: str = DEFAULT_PATTERN  # the output's file name (see :meth:`filename`)
    fit_start: int = 0  # the ladder rung that fitted this output last time (the manifest's word; checked)
    fit_rung: int | None = None  # the rung that fitted this time (documents), for the manifest

    @property
    def species(self) -> "Species":
        """The species of a one-species document."""
        return self.species_list[0]

    @property
    def label(self) -> str:
        """How errors name this job: 'amur-leopard / factsheet / A4'."""
        return f"{self.name} / {self.layout.name} / {self.size.label}"

    def filename(self) -> str:
        """Predictable output name, by default ``{species}-{layout}-{size}.pdf`` (decks: ``{deck}-...``;
        in another language than English ``...-{lang}.pdf``, a bilingual deck ``...-en-ru.pdf``),
        sanitised and length-capped (:func:`wildpress.safety.outputs.safe_name`)."""
        lang = self.settings.lang if self.settings else "en"
        back = self.settings.back_lang if self.settings else None
        if back and back != lang and self.layout.kind == "cards":
            lang = f"{lang}-{back}"
        pattern = self.pattern
        if pattern == DEFAULT_PATTERN and lang != "en":  # other languages never overwrite the English files
            pattern += "-{lang}"
        return safe_name(pattern.format(species=self.name, layout=self.layout.name, size=self.size.name,
                                        orientation=self.size.orientation, lang=lang))


@dataclass
class Output:
    """A PDF that was written."""

    path: Path
    job: Job
    pages: int
    seconds: float
    cards_rendered: int | None = None  # decks: cards fitted by this build (the rest came from the card cache)


@dataclass
class Failure:
    """A document (or a species file) that could not be made; the rest of the build went on."""

    label: str  # 'amur-leopard / factsheet / A4', or the species file for invalid data
    message: str
    error: Exception | None = None  # the WildpressError behind it (re-raised by the Python API)


@dataclass
class BuildResult:
    """What a build produced, what was already up to date, what failed, and the warnings met."""

    outputs: list[Output] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    up_to_date: list[Path] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)  # outputs of an earlier build whose source is gone
    removed: list[Path] = field(default_factory=list)  # files --clean removed
    would_remove: list[Path] = field(default_factory=list)  # files --clean --dry-run lists
    notices: list[str] = field(default_factory=list)  # said once per build (e.g. a missing system library)
    seconds: float = 0.0


@dataclass
class Settings:
    """Build-wide settings that are not layout options."""

    lang: str = "en"
    back_lang: str | None = None  # flashcards: the backs in another language (--back-lang)
    units: str = "source"  # source | metric | imperial | both (--units)
    fallback: bool = False  # fields not given in `lang` print in the species' own language (--fallback)
    project_dir: str | None = None  # its locale/ and fonts/ folders are searched first; None: the current folder
    organisation: str = ""  # printed in kickers and footers and recorded as author; nothing if empty
    brand: Brand = field(default_factory=Brand)  # the project's brand block (its name wins over organisation)
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
    output_format: str = "pdf"  # pdf | png: PNGs of every page (or card side) beside the PDF (printing/raster.py)
    ppi: float | None = None  # PNG resolution; None: the size's own screen ppi, else raster.DEFAULT_PPI
    colour: str = "rgb"  # rgb | cmyk: the PDF converted to CMYK by Ghostscript (printing/cmyk.py)
    # Prepared photos: $WILDPRESS_CACHE if set, else a hidden folder in the output folder, so a
    # build writes nothing outside it and the next build into the same folder reuses them.
    cache_dir: str | None = None
    limits: Limits = field(default_factory=Limits)  # time, memory and pages per document (safety/limits.py)

    @property
    def org_name(self) -> str:
        """The organisation's name as printed: the brand's, else ``organisation``."""
        return self.brand.name or self.organisation

    def creation_time(self) -> str:
        """ISO timestamp recorded as the PDF creation date."""
        if self.created is None:
            epoch = os.environ.get("SOURCE_DATE_EPOCH")
            self.created = (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch
                            else _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0))
        return self.created.isoformat()
