"""Photos prepared for their place on the page: upright, in colour, cropped, downsampled, cached.

A species photo is a camera original: EXIF-rotated, CMYK or greyscale, with
transparency or a burned-in camera-trap info bar, and often 6000 pixels wide.
:func:`prepare` turns it into exactly what one placement (a *slot*: its size
in millimetres) needs:

1. the optional ``crop`` rectangle (fractions of width and height) cuts off
   info bars and borders before anything else;
2. EXIF orientation is applied; CMYK (through its ICC profile when it has
   one) and greyscale become sRGB; transparent areas are composited over the
   panel colour, never left as a grey or white slab;
3. the largest window of the slot's aspect ratio is cut so that the
   ``focal_point`` stays inside it, as near as possible to where it is in the
   photo and never closer than :data:`FOCAL_MARGIN` to an edge;
4. the window is downsampled to the slot's size at ``ppi`` (never enlarged)
   and stored as a JPEG in the asset cache, keyed on the source's content and
   every setting, so a second build reuses it.

The effective resolution at the printed size is reported, so a build can
warn when a photo prints under :data:`WARN_PPI`.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

MM_PER_INCH = 25.4
DEFAULT_PPI = 300
WARN_PPI = 150
FOCAL_MARGIN = 0.2  # the focal point keeps at least this share of the window from each edge
JPEG_QUALITY = 88
CACHE_VERSION = "1"  # bump when the processing changes, so stale cache entries are not reused


@dataclass(frozen=True)
class Prepared:
    """A photo ready for one slot."""

    path: Path  # the processed JPEG, in the asset cache
    width: int  # its pixels
    height: int
    focal: tuple[float, float]  # the focal point in the prepared image, as fractions
    ppi: float  # effective resolution at the printed size (before downsampling)
    cached: bool  # True if it came from the cache


def focal_window(size: tuple[int, int], aspect: float, focal: tuple[float, float],
                 margin: float = FOCAL_MARGIN) -> tuple[int, int, int, int]:
    """The largest (left, top, right, bottom) window of ``aspect`` (width/height) in an image of ``size``.

    The window is placed so the focal point sits where it sits in the photo
    (same fraction across and down); where that leaves it nearer than
    ``margin`` to an edge of the window, the window moves towards it, as far
    as the photo allows.
    """
    width, height = size
    if width / height > aspect:  # too wide: cut the sides
        win_w, win_h = max(1, round(height * aspect)), height
    else:  # too tall: cut top and bottom
        win_w, win_h = width, max(1, round(width / aspect))

    def place(extent: int, window: int, f: float) -> int:
        point = f * extent
        start = point - f * window  # the point keeps its relative place
        lo, hi = point - (1 - margin) * window, point - margin * window  # the point at least margin inside
        start = min(max(start, lo), hi)
        return int(round(min(max(start, 0), extent - window)))

    left, top = place(width, win_w, focal[0]), place(height, win_h, focal[1])
    return left, top, left + win_w, top + win_h


def _upright_rgb(image, background: str):
    """EXIF orientation applied; CMYK, greyscale and palette images in sRGB; alpha over ``background``."""
    from PIL import Image, ImageCms, ImageOps

    image = ImageOps.exif_transpose(image)
    if image.mode == "CMYK":
        profile = image.info.get("icc_profile")
        if profile:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        return image.convert("RGB")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if has_alpha:
        rgba = image.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, background)
        flat.alpha_composite(rgba)
        return flat.convert("RGB")
    if image.mode != "RGB":
        return image.convert("RGB")
    return image


def cache_key(data: bytes, *parts) -> str:
    """Content hash of the source plus every setting that changes the result."""
    digest = hashlib.sha256(data)
    digest.update(repr((CACHE_VERSION, parts)).encode())
    return digest.hexdigest()[:32]


def prepare(data: bytes, slot_mm: tuple[float, float], cache: Path, *, crop: dict | None = None,
            focal: tuple[float, float] = (0.5, 0.5), ppi: float = DEFAULT_PPI,
            background: str = "#1f5c3a") -> Prepared:
    """The photo ``data`` cut and sized for a slot of ``slot_mm`` (width, height), cached in ``cache``."""
    from PIL import Image

    slot_w, slot_h = slot_mm
    aspect = slot_w / slot_h
    crop_box = tuple(round(crop[k], 6) for k in ("x", "y", "width", "height")) if crop else None
    key = cache_key(data, round(slot_w, 2), round(slot_h, 2), crop_box, tuple(round(f, 4) for f in focal),
                    ppi, background)
    target = cache / "photos" / f"{key}.jpg"
    meta = target.with_suffix(".txt")
    if target.is_file() and meta.is_file():
        from ..safety.confine import read_regular  # our own cache, still read as any file: regular, capped

        w, h, fx, fy, eff = read_regular(meta, 256).decode().split()
        return Prepared(target, int(w), int(h), (float(fx), float(fy)), float(eff), True)

    image = Image.open(io.BytesIO(data))
    original_width = max(image.size)
    # A large JPEG decodes at a fraction of its size when that still covers the slot (much
    # faster); the request is square because EXIF may turn the picture and the crop may cut it.
    need = (slot_w / MM_PER_INCH * ppi, slot_h / MM_PER_INCH * ppi)
    if image.format == "JPEG":
        side = int(max(need) * 1.15 / (min(crop_box[2], crop_box[3]) if crop_box else 1.0))
        image.draft(image.mode, (side, side))
    drafted = original_width / max(image.size)  # source pixels per decoded pixel
    image = _upright_rgb(image, background)
    if crop_box:
        x, y, w, h = crop_box
        W, H = image.size
        image = image.crop((round(x * W), round(y * H), round((x + w) * W), round((y + h) * H)))
    left, top, right, bottom = focal_window(image.size, aspect, focal)
    window = image.crop((left, top, right, bottom))
    focal_in = (round((focal[0] * image.width - left) / window.width, 4),
                round((focal[1] * image.height - top) / window.height, 4))
    effective = window.width * drafted / (slot_w / MM_PER_INCH)
    scale = min(1.0, need[0] / window.width)
    if scale < 1.0:
        window = window.resize((max(1, round(window.width * scale)), max(1, round(window.height * scale))),
                               Image.LANCZOS, reducing_gap=3.0)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".photo-", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            window.save(handle, "JPEG", quality=JPEG_QUALITY, optimize=True)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    meta.write_text(f"{window.width} {window.height} {focal_in[0]} {focal_in[1]} {effective:.1f}")
    return Prepared(target, window.width, window.height, focal_in, round(effective, 1), False)


class PhotoSlots:
    """What templates call to place a photo: ``photos.slot(photo, width_mm, height_mm)``.

    One per document. Each slot prepares (or reuses from the cache) the photo
    for that placement and returns what the template needs: the file to embed
    and where the focal point lands, so text can keep away from it. Photos
    that print under :data:`WARN_PPI` are noted as warnings naming the species
    file, the output and the resolution.
    """

    def __init__(self, species_list, confinement, cache: Path, label: str, ppi: float = DEFAULT_PPI,
                 background: str = "#1f5c3a", warn_ppi: float = WARN_PPI):
        self._args = (species_list, confinement, cache, label, ppi, background, warn_ppi)
        self._warn_ppi = warn_ppi  # a PNG for screens needs no more than its own ppi
        self._files = {sp.id: sp for sp in species_list}
        self._confinement = confinement
        self._cache = cache
        self._label = label
        self._ppi = ppi
        self._background = background
        self._notes: dict = {}  # one per placement (file and width): a later layout pass replaces it

    def fresh(self) -> "PhotoSlots":
        """A new, empty set of slots for another layout pass (its warnings are that pass's only)."""
        return PhotoSlots(*self._args)

    @property
    def notes(self) -> list:
        """Warnings about photos too small for their placement, as of the last layout pass."""
        return list(self._notes.values())

    def slot(self, photo: dict, width_mm: float, height_mm: float, tallest_mm: float | None = None,
             species_id: str | None = None) -> dict:
        """The photo prepared for a box of ``width_mm`` x ``height_mm``.

        ``tallest_mm``: the box may grow to this height after layout (a poster's
        picture band takes the page's spare height); the photo is cut for the
        tallest box and CSS ``object-position`` at the focal point keeps that
        point inside any shorter one. Returns ``src``, ``position`` (for
        ``object-position``) and ``focal_y`` (0 top to 1 bottom of the box).
        """
        from ..errors import Problem

        species = self._files.get(species_id) if species_id else next(iter(self._files.values()))
        source = (species.file.parent / photo["file"])
        focal = photo.get("focal_point") or {"x": 0.5, "y": 0.5}
        vector = source.suffix.lower() == ".svg"  # drawn at any size: never rasterised here (the fetcher checks it)
        if self._ppi <= 0 or vector:  # --photo-ppi 0: embed the original as it is (for comparison; large files)
            real = self._confinement.check(source, asker=species.file)
            return {"src": real.absolute().as_uri(), "position": f"{focal['x'] * 100:.1f}% {focal['y'] * 100:.1f}%",
                    "focal_x": focal["x"], "focal_y": focal["y"], "ppi": 0.0}
        data = self._confinement.read_bytes(source, asker=species.file)
        tall = max(height_mm, tallest_mm or height_mm)
        prepared = prepare(data, (width_mm, tall), self._cache, crop=photo.get("crop"),
                           focal=(focal["x"], focal["y"]), ppi=self._ppi, background=self._background)
        self._notes.pop((photo["file"], round(width_mm)), None)
        if prepared.ppi < self._warn_ppi:
            self._notes[(photo["file"], round(width_mm))] = (Problem(species.file, None, None, "photo",
                                      f"{self._label}: {photo['file']} prints at {prepared.ppi:.0f} ppi "
                                      f"({width_mm:.0f} × {tall:.0f} mm); {self._warn_ppi:g} ppi or more looks sharp. "
                                      "Use a larger original or a smaller size.", "warning"))
        fx, fy = prepared.focal
        return {"src": prepared.path.absolute().as_uri(), "position": f"{fx * 100:.1f}% {fy * 100:.1f}%",
                "focal_x": fx, "focal_y": fy, "ppi": prepared.ppi}
