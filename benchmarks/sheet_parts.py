"""What the range map and the QR code cost per A4 fact sheet (issue 19). Not a test: a script that prints figures.

The same records (the bundled samples, with their photos) are built as A4 fact sheets three
ways, interleaved sheet by sheet in one warm process: as they are; with the map replaced by
an empty ``<svg>`` of the same size (so the page flows the same and only the drawing is
missing); and with the QR code replaced likewise. Each figure is the CPU time of the whole
sheet (templates, every fit pass, the PDF write), median over the sheets and runs; the cost
of a part is the full sheet's median minus the median without it, as a share of the full one.

Maps and QR codes are parsed by WeasyPrint once per process (wildpress.pictures.store), so a
species built again in the same process parses none; ``--cold-pictures`` forgets the parsed
pictures before every sheet, as for the first sheet of each species in a build.

Usage: python benchmarks/sheet_parts.py [--docs 14] [--repeat 3] [--cold-pictures]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, BenchmarkError, fresh, make_project, spread  # noqa: E402

sys.path.insert(0, str(REPO / "src"))
VARIANTS = ("full", "no map", "no QR")


def _blank(width_mm: float, height_mm: float):
    """An empty ``<svg>`` box of the same size: the page flows as with the picture, nothing is drawn."""
    from markupsafe import Markup

    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_mm:g}mm" height="{height_mm:g}mm"></svg>')


def _patched(variant: str):
    """Context: RangeMaps.svg or QRCodes.svg drawing an empty box instead, for ``variant``."""
    from contextlib import ExitStack
    from unittest import mock

    from wildpress.pictures.qr import QRCodes
    from wildpress.pictures.rangemap import RangeMaps

    stack = ExitStack()
    if variant == "no map":
        stack.enter_context(mock.patch.object(RangeMaps, "svg", lambda self, codes, w, h, *a, **k: _blank(w, h)))
    elif variant == "no QR":
        stack.enter_context(mock.patch.object(QRCodes, "svg", lambda self, url, size, *a, **k: _blank(size, size)))
    return stack


def _forget_parsed_pictures() -> None:
    try:
        from wildpress.pictures.store import forget_parsed
    except ImportError:  # a wildpress from before the store: nothing is kept between sheets
        return
    forget_parsed()


def measure(project: Path, repeat: int, cold: bool = False) -> dict[str, list[float]]:
    """CPU seconds per sheet and variant, the variants interleaved sheet by sheet (``cold``:
    WeasyPrint's parsed maps and codes forgotten before each sheet)."""
    from wildpress.data.species import find_species_files, load_species
    from wildpress.jobs import Job, Settings
    from wildpress.layout.document import render_document
    from wildpress.layout.layouts import load_layout
    from wildpress.layout.render import Renderer
    from wildpress.printing.sizes import get_size
    from wildpress.safety.confine import Confinement

    species, problems = load_species(find_species_files([project / "data" / "species"]))
    if not species or any(p.severity == "error" for p in problems):
        raise BenchmarkError(f"the species of {project} do not load: {problems[:1]}")
    layout, size, renderer = load_layout("factsheet"), get_size("a4"), Renderer()
    settings = Settings(cache_dir=str(project / "cache"))
    times: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for run in range(repeat + 1):  # run 0 warms the process (imports, fonts, CSS, photo cache)
        for sp in species:
            for variant in VARIANTS:
                job = Job([sp], layout, size, layout.resolve_options({}), sp.id, settings=settings)
                confinement = Confinement.for_project(project, [sp.file.parent]).with_root(project / "cache")
                if cold:
                    _forget_parsed_pictures()
                with renderer.confined(confinement, 100), _patched(variant):
                    started = time.process_time()
                    data, _pages = render_document(renderer, job, settings)
                    spent = time.process_time() - started
                if not data.startswith(b"%PDF"):
                    raise BenchmarkError(f"{sp.id} ({variant}) did not render a PDF")
                if run:
                    times[variant].append(spent)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cold-pictures", action="store_true",
                        help="forget WeasyPrint's parsed maps and QR codes before every sheet")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wp-bench-parts-") as tmp:
        times = measure(make_project(fresh(Path(tmp), "project"), args.docs), args.repeat, args.cold_pictures)
    full = statistics.median(times["full"])
    cold = ", parsed pictures forgotten before each sheet" if args.cold_pictures else ""
    print(f"{args.docs} A4 fact sheets, CPU time per sheet, medians (min-max) of {args.repeat} interleaved runs{cold}")
    for variant in VARIANTS:
        print(f"  {variant + ':':8} {spread((t * 1000 for t in times[variant]), 'ms', 1)}")
    for part, variant in (("range map", "no map"), ("QR code", "no QR")):
        share = (full - statistics.median(times[variant])) / full * 100
        print(f"  the {part} costs {share:.1f} % of a sheet")


if __name__ == "__main__":
    main()
