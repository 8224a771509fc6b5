"""Images are checked before WeasyPrint sees them: real format, pixel cap, damage, safe SVG.

The format is taken from the file's first bytes, not its name. Raster images
above :data:`MAX_PIXELS` are refused with a clear message (Pillow's own limit
is raised to the same value, so nothing below it prints a raw
``DecompressionBombWarning``). SVG is parsed with :mod:`defusedxml`: a DTD,
entities and references to anything but the document itself, ``data:`` URLs
and files next to it (fetched through the confined fetcher) are refused.
"""

from __future__ import annotations

import io
import warnings
from urllib.parse import urlsplit

from PIL import Image

MAX_PIXELS = 150_000_000  # A0 at 300 dpi is 139 megapixels
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow warns above its own default of 89 MP; we refuse above ours

RASTER_MAGIC = ((b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"))
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".tif", ".tiff", ".bmp", ".avif", ".heic")
_XLINK = "{http://www.w3.org/1999/xlink}href"
MAX_SVG_USES = 1_000  # <use> elements in one SVG
MAX_SVG_USE_COPIES = 10_000  # elements drawn through <use>, nested references multiplied out


def sniff(data: bytes) -> str | None:
    """'JPEG', 'PNG', 'GIF', 'WEBP' or 'SVG' from the first bytes; None for anything else."""
    for magic, name in RASTER_MAGIC:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in head:
        return "SVG"
    return None


def image_problem(data: bytes, name: str) -> str | None:
    """Why ``data`` (the file ``name``) is not a printable image, or None."""
    kind = sniff(data)
    if kind is None:
        return f"{name} is not an image format wildpress can print (use JPEG, PNG, WebP or SVG)"
    if kind == "SVG":
        return svg_problem(data, name)
    return _raster_problem(data, name, kind)


def _raster_problem(data: bytes, name: str, kind: str) -> str | None:
    from PIL import ImageFile, UnidentifiedImageError

    # WeasyPrint switches Pillow to accepting truncated files, process-wide; not for this check.
    tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None  # we compare the size ourselves
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                Image.MAX_IMAGE_PIXELS = limit
                if image.format != kind:
                    return f"{name} starts like a {kind} file but is not one"
                pixels = image.width * image.height
                if pixels > MAX_PIXELS:
                    return (f"{name} is {image.width} x {image.height} pixels ({pixels / 1e6:.0f} megapixels); "
                            f"the limit is {MAX_PIXELS // 1_000_000} megapixels: scale it down")
                # WeasyPrint embeds a JPEG without decoding it, so a truncated download would print
                # as a grey band; decoding at 1/8 scale reads every byte but stays fast.
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
    except UnidentifiedImageError:
        return f"{name} is not an image format wildpress can print (use JPEG, PNG, WebP or SVG)"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, MemoryError) as exc:
        return f"{name} is damaged or incomplete ({exc})"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
        Image.MAX_IMAGE_PIXELS = limit
    return None


def svg_problem(data: bytes, name: str) -> str | None:
    """Why ``data`` is not a safe SVG: XML errors with their line, DTDs, entities, outside references."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        return f"{name}: SVG with a DTD or entities is not allowed (they can read other files)"
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        reason = str(exc).split(":")[0]
        return f"{name}: not valid SVG: {reason} at line {line}, column {column}"
    if not str(root.tag).endswith("svg"):
        return f"{name}: not an SVG image (its root element is <{root.tag}>)"
    for element in root.iter():
        for attr in ("href", _XLINK):
            ref = (element.get(attr) or "").strip()
            if ref and not ref.startswith(("#", "data:")) and (urlsplit(ref).scheme or ref.startswith("/")):
                return f"{name}: SVG refers to {ref[:80]}; only parts of the same file and files beside it may be used"
    return _use_problem(root, name)


def _href(element) -> str:
    return (element.get("href") or element.get(_XLINK) or "").strip()


def _use_problem(root, name: str) -> str | None:
    """Why the SVG's <use> references are unsafe: a cycle, too many, or too many copies multiplied out."""
    uses = [element for element in root.iter() if str(element.tag).rsplit("}", 1)[-1] == "use"]
    if len(uses) > MAX_SVG_USES:
        return f"{name}: SVG has {len(uses)} <use> elements; the limit is {MAX_SVG_USES}: simplify the drawing"
    use_keys = {id(element) for element in uses}
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    copies: dict[int, int] = {}  # id(element) -> <use> copies drawn when the element is drawn
    visiting: set[int] = set()

    def count(element) -> int:
        key = id(element)
        if key in copies:
            return copies[key]
        if key in visiting:
            raise _UseCycle(element.get("id") or "?")
        visiting.add(key)
        total = 0
        for inner in element.iter():
            if id(inner) in use_keys:
                target = by_id.get(_href(inner)[1:]) if _href(inner).startswith("#") else None
                total += 1 + (count(target) if target is not None else 0)
                if total > MAX_SVG_USE_COPIES:
                    break
        visiting.discard(key)
        copies[key] = total
        return total

    try:
        total = count(root)
    except _UseCycle as cycle:
        return (f"{name}: SVG <use> refers back to '#{cycle.args[0]}', which contains it, "
                "so it would repeat without end: point the <use> at another element")
    if total > MAX_SVG_USE_COPIES:
        return (f"{name}: SVG <use> references multiply out to more than {MAX_SVG_USE_COPIES} copies: "
                "simplify the drawing")
    return None


class _UseCycle(Exception):
    """A <use> element that (through its references) contains itself."""
