"""What a build writes besides the PDF itself: its CMYK conversion (``--colour cmyk``) and its
pages (or a deck's card sides) as PNG images (``--format png``).

PNGs are named after their PDF (``amur-leopard-poster-a3.png``; several pages: ``-p1.png``,
``-p2.png``; a deck: ``-001-front.png``, ``-001-back.png``) and recorded in the manifest with the
PDF's key and its name (``of``), so a rebuild keeps them when the PDF is up to date, replaces them
with it, and removes (through the checked writer) the PNGs of pages the PDF no longer has.
"""

from __future__ import annotations

import time

from ..jobs import Output
from ..safety.outputs import OutputFolder, safe_name
from .manifest import Manifest


def colour_converted(data: bytes, item, out: OutputFolder) -> bytes:
    """``data`` as the job's ``--colour`` asks: unchanged (rgb), or converted to CMYK."""
    if item.job.settings.colour != "cmyk":
        return data
    from ..printing.cmyk import to_cmyk

    return to_cmyk(data, item.job.label, out)


def png_names(stem: str, pages: int, sides: bool) -> list[str]:
    """The PNG file names of a PDF named ``stem``: one per page, or two per card of a deck."""
    if sides:
        width = max(3, len(str(pages // 2)))
        return [safe_name(f"{stem}-{n // 2 + 1:0{width}d}-{'back' if n % 2 else 'front'}", ".png")
                for n in range(pages)]
    if pages == 1:
        return [safe_name(stem, ".png")]
    return [safe_name(f"{stem}-p{n + 1}", ".png") for n in range(pages)]


def pngs_current(manifest: Manifest, pdf_name: str, key: str, folder) -> bool:
    """True when the manifest holds this PDF's PNGs, made with ``key``, untouched on disk."""
    mine = [name for name, entry in manifest.outputs.items() if entry.get("of") == pdf_name]
    return bool(mine) and all(manifest.up_to_date(name, key, folder.path / name) for name in mine)


def write_pngs(item, data: bytes, out: OutputFolder, manifest: Manifest, sources: list[str],
               sides: list[bytes] | None = None) -> list[Output]:
    """Rasterise the written PDF ``data`` (a deck: its unimposed card ``sides``), write and record
    each PNG, and remove the PNGs an earlier build made of pages that are gone."""
    from ..printing.raster import pdf_to_pngs, png_ppi
    from .execute import output_lang

    job, started = item.job, time.perf_counter()
    ppi = png_ppi(job.settings.ppi, job.size)
    from ..printing.sizes import MM

    rasters = []
    for part in sides if sides is not None else [data]:  # card sides carry their bleed, cut off here
        rasters += pdf_to_pngs(part, ppi, item.name, job.settings.cards.bleed_mm * MM if sides else 0.0)
    stem = item.name[:-4]
    names = png_names(stem, len(rasters), sides is not None)
    outputs = []
    for name, raster in zip(names, rasters):
        path = out.target(name)
        out.write(name, raster.png, job.settings.force or manifest.made_it(name, path))
        manifest.record(name, item.key, raster.png, path, f"{job.label} ({name[len(stem):-4].lstrip('-') or 'png'})",
                        sources, job.notes, output_lang(job), job.layout.name, of=item.name)
        outputs.append(Output(path, job, 1, (time.perf_counter() - started) / max(1, len(rasters))))
    for name, entry in list(manifest.outputs.items()):
        if entry.get("of") == item.name and name not in names:
            if manifest.made_it(name, out.target(name)):
                out.remove(name)
            manifest.forget(name)
    return outputs
