"""Print production: bleed, printer's marks, PDF/X and PDF/A variants, tagging.

WeasyPrint does most of the work natively: ``@page { bleed }`` makes the
page's background and anything pushed past the trim (negative margins) paint
into the bleed, it writes a TrimBox, and it knows the PDF/X, PDF/A and PDF/UA
variants. Three things it does not do the way a print shop expects, so
:func:`finish` post-processes its output with pikepdf:

* its BleedBox is capped at 10 pt past the trim whatever the bleed, so a
  5 mm bleed would be misreported; we set it to exactly trim + bleed;
* its ``marks: crop cross`` are drawn *inside* the bleed, where bleeding
  artwork paints over them and where they print onto the sheet if the cut
  drifts; we draw our own in a slug outside the BleedBox instead and clip the
  artwork to the BleedBox so nothing but the marks lives in the slug;
* its PDF/X OutputIntent names no registry; we add the ICC registry entry.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from ..errors import UsageError
from .sizes import MM

MARKS = ("crop", "cross")
MAX_BLEED_MM = 25.0  # more than any press asks for; larger is a typo

# Crop marks follow the usual prepress convention: hairlines in registration
# colour that stop short of the bleed, so a slightly-off cut never shows them.
MARK_GAP = 2 * MM  # between the bleed edge and the start of a mark
MARK_LENGTH = 6 * MM
MARK_WEIGHT = 0.25  # pt
TARGET_RADIUS = 2.5 * MM


def pdf_variants() -> list[str]:
    """Every PDF variant this WeasyPrint can write (pdf/a-*, pdf/ua-*, pdf/x-*)."""
    from weasyprint.pdf import VARIANTS

    return sorted(name for name in VARIANTS if name.startswith("pdf/"))


@dataclass(frozen=True)
class Production:
    """What the print shop asked for, checked and in points."""

    bleed: float = 0.0  # pt, each side
    marks: tuple[str, ...] = ()
    variant: str | None = None
    tagged: bool = False

    @classmethod
    def from_settings(cls, settings) -> "Production":
        """Validate the production fields of a build :class:`~wildpress.build.Settings`."""
        bleed_mm = float(getattr(settings, "bleed_mm", 0.0) or 0.0)
        if not 0 <= bleed_mm <= MAX_BLEED_MM:
            raise UsageError(f"bleed {bleed_mm:g} mm: must be between 0 and {MAX_BLEED_MM:g} mm")
        marks = tuple(dict.fromkeys(m.lower() for m in (getattr(settings, "marks", ()) or ())))
        for mark in marks:
            if mark not in MARKS:
                raise UsageError(f"marks {mark!r}: expected crop or cross")
        variant = (getattr(settings, "pdf_variant", None) or "").lower() or None
        if variant and variant not in pdf_variants():
            import difflib

            close = difflib.get_close_matches(variant, pdf_variants(), n=3, cutoff=0.5)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise UsageError(f"unknown PDF variant {variant!r}{hint}; choose from {', '.join(pdf_variants())}")
        if variant == "pdf/x-1a":
            # X-1a allows only CMYK and spot colour; our layouts are sRGB, so a file
            # claiming X-1a would be rejected by any preflight. Say so instead.
            raise UsageError("pdf/x-1a allows CMYK colour only and wildpress layouts are sRGB; "
                             "use pdf/x-4 (or pdf/x-3), which print shops accept with an RGB output intent")
        tagged = bool(getattr(settings, "tagged", False))
        if getattr(settings, "colour", "rgb") == "cmyk" and (tagged or variant):
            # Ghostscript's pdfwrite (printing/cmyk.py) drops the structure tree and the XMP
            # metadata that tagged PDFs and PDF/X, /A and /UA files are made of: refuse rather
            # than write a file that no longer is what it was asked to be.
            asked = " and ".join(filter(None, ["--tagged" if tagged else "", variant and f"--pdf-variant {variant}"]))
            raise UsageError(f"--colour cmyk cannot be combined with {asked}: the CMYK conversion drops the tags "
                             "and metadata those need; build it in sRGB (pdf/x-4 takes an RGB output intent, "
                             "which print shops accept) or in CMYK without them")
        return cls(bleed_mm * MM, marks, variant, tagged)

    @property
    def slug(self) -> float:
        """Room outside the BleedBox for marks (0 without marks)."""
        return MARK_GAP + MARK_LENGTH + 1 * MM if self.marks else 0.0

    def render_options(self) -> dict:
        """Options for WeasyPrint's ``render()`` (images load then, see field notes)."""
        return {"bleed_pt": self.bleed, **self.write_options()}

    def write_options(self) -> dict:
        """Options for ``Document.write_pdf()``."""
        options: dict = {}
        variant = self.variant
        if self.tagged and not variant:
            variant = "pdf/ua-1"  # tagged output is meant to be PDF/UA; say so in the XMP
        if variant:
            options["pdf_variant"] = variant
            # WeasyPrint's PDF/X default intent is a DeviceCMYK profile we do not ship;
            # our colours are sRGB, so sRGB is the honest characterised condition. We attach
            # the profile ourselves (attach_output_intent): WeasyPrint's own 'srgb' leaks a file.
            options["output_intent"] = OUTPUT_INTENT
        if self.tagged:
            options["pdf_tags"] = True
        return options

    @property
    def needs_finishing(self) -> bool:
        """True when :func:`finish` has anything to change."""
        return bool(self.bleed or self.marks or self.variant or self.tagged)


OUTPUT_INTENT = "wildpress-srgb"


@lru_cache(maxsize=1)
def _srgb_profile() -> bytes:
    from importlib.resources import files

    return (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()


def attach_output_intent(document) -> None:
    """Give a rendered WeasyPrint document the sRGB profile its output intent names."""
    if document.output_intent != OUTPUT_INTENT:
        return
    from weasyprint.css import ColorProfile

    document.color_profiles[OUTPUT_INTENT] = ColorProfile(
        io.BytesIO(_srgb_profile()), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"]))


def finish(data: bytes, production: Production) -> bytes:
    """Fix page boxes, draw marks and complete the output intent; returns new PDF bytes."""
    if not production.needs_finishing:
        return data
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            _set_boxes(pdf, page, production)
        for intent in pdf.Root.get("/OutputIntents", []):
            if intent.get("/S") == "/GTS_PDFX":
                # The ICC registry is where RIPs look the condition up.
                intent.RegistryName = pikepdf.String("http://www.color.org")
                intent.OutputCondition = pikepdf.String("sRGB IEC61966-2.1")
        if production.tagged:
            # DisplayDocTitle makes viewers (and screen readers) show the title, not the file name.
            pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
        out = io.BytesIO()
        # Keep WeasyPrint's /ID: PDF/X and PDF/A require one and it identifies the document.
        pdf.save(out, static_id=True, fix_metadata_version=False)
    return out.getvalue()


def _set_boxes(pdf, page, production: Production) -> None:
    import pikepdf

    trim = [float(v) for v in page.obj.get("/TrimBox", page.obj.MediaBox)]
    b, s = production.bleed, production.slug
    bleed = [trim[0] - b, trim[1] - b, trim[2] + b, trim[3] + b]
    media = [bleed[0] - s, bleed[1] - s, bleed[2] + s, bleed[3] + s]
    page.obj.TrimBox = pikepdf.Array(trim)
    page.obj.BleedBox = pikepdf.Array(bleed)
    page.obj.MediaBox = pikepdf.Array(media)
    if not production.marks:
        return
    # Artwork stays inside the BleedBox; only the marks live in the slug.
    x0, y0, x1, y1 = bleed
    page.contents_add(pdf.make_stream(f"q {x0:.4f} {y0:.4f} {x1 - x0:.4f} {y1 - y0:.4f} re W n\n".encode()),
                      prepend=True)
    # Registration colour: /All prints on every separation, so marks register every plate.
    registration = pdf.make_indirect(pikepdf.Array([
        pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceGray,
        pdf.make_stream(b"{1 exch sub}", FunctionType=4, Domain=[0, 1], Range=[0, 1])]))
    page.add_resource(registration, pikepdf.Name.ColorSpace, pikepdf.Name.WPRegistration)
    page.contents_add(pdf.make_stream(b"Q\n" + marks_stream(trim, production)))


def marks_stream(trim: list[float], production: Production) -> bytes:
    """PDF operators drawing crop marks and/or registration targets around ``trim``."""
    x0, y0, x1, y1 = trim
    off = production.bleed + MARK_GAP  # marks start past the bleed
    end = off + MARK_LENGTH
    ops = ["/Artifact BMC q", "/WPRegistration CS 1 SCN", f"{MARK_WEIGHT} w 0 J"]
    if "crop" in production.marks:
        for x, y, sx, sy in ((x0, y0, -1, -1), (x1, y0, 1, -1), (x0, y1, -1, 1), (x1, y1, 1, 1)):
            ops.append(f"{x + sx * off:.4f} {y:.4f} m {x + sx * end:.4f} {y:.4f} l S")
            ops.append(f"{x:.4f} {y + sy * off:.4f} m {x:.4f} {y + sy * end:.4f} l S")
    if "cross" in production.marks:
        mid = off + MARK_LENGTH / 2
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        for x, y in ((cx, y1 + mid), (cx, y0 - mid), (x0 - mid, cy), (x1 + mid, cy)):
            ops.append(_target(x, y, min(TARGET_RADIUS, MARK_LENGTH / 2)))
    ops.append("Q EMC")
    return "\n".join(ops).encode() + b"\n"


def _target(x: float, y: float, r: float) -> str:
    """A registration target: circle with a cross through it (Bezier circle, k = 0.5523)."""
    k = 0.5523 * r
    circle = (f"{x + r:.4f} {y:.4f} m "
              f"{x + r:.4f} {y + k:.4f} {x + k:.4f} {y + r:.4f} {x:.4f} {y + r:.4f} c "
              f"{x - k:.4f} {y + r:.4f} {x - r:.4f} {y + k:.4f} {x - r:.4f} {y:.4f} c "
              f"{x - r:.4f} {y - k:.4f} {x - k:.4f} {y - r:.4f} {x:.4f} {y - r:.4f} c "
              f"{x + k:.4f} {y - r:.4f} {x + r:.4f} {y - k:.4f} {x + r:.4f} {y:.4f} c S")
    r2 = r * 1.35
    cross = f"{x - r2:.4f} {y:.4f} m {x + r2:.4f} {y:.4f} l {x:.4f} {y - r2:.4f} m {x:.4f} {y + r2:.4f} l S"
    return circle + "\n" + cross
