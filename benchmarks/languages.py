"""What a language costs: the Amur leopard fact sheet rendered warm in en, ru, zh and ar.

For each language: the median render+write time of the whole document (ladder and
fill passes included), the part of it spent in the pre-render checks (every text in the
language, every character against the fonts' cmaps) and the PDF's size. Ratios are
against English in the same run. Not a test; run by hand:

    python benchmarks/languages.py --repeat 7
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from wildpress.build import Job, Settings  # noqa: E402
from wildpress.data.species import load_species  # noqa: E402
from wildpress.layout.preflight import preflight  # noqa: E402
from wildpress.layout.context import job_words  # noqa: E402
from wildpress.layout.document import render_document  # noqa: E402
from wildpress.layout.layouts import load_layout  # noqa: E402
from wildpress.layout.render import Renderer  # noqa: E402
from wildpress.printing.sizes import get_size  # noqa: E402
from wildpress.safety.confine import Confinement  # noqa: E402

LANGS = ("en", "ru", "zh", "ar")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    (species,), _ = load_species([REPO / "data" / "species" / "amur-leopard.yaml"])
    layout = load_layout("factsheet", REPO)
    renderer = Renderer()
    results = {}
    cache = tempfile.mkdtemp(prefix="wp-bench-")
    for lang in LANGS:
        settings = Settings(lang=lang, project_dir=str(REPO), cache_dir=cache)
        job = Job([species], layout, get_size("a4"), layout.resolve_options({}), species.id, settings=settings)
        confined = renderer.confined(Confinement.for_project(REPO).with_root(cache), 100)
        confined.__enter__()
        render_document(renderer, job, settings)  # warm: fonts, cmaps, photo cache
        renders, checks, size = [], [], 0
        for _ in range(args.repeat):
            job.notes.clear()
            started = time.perf_counter()
            data, _pages = render_document(renderer, job, settings)
            renders.append(time.perf_counter() - started)
            size = len(data)
            started = time.perf_counter()
            preflight(job, settings, [job_words(job, settings)])
            checks.append(time.perf_counter() - started)
        confined.__exit__(None, None, None)
        results[lang] = (statistics.median(renders), statistics.median(checks), size)
    base = results["en"][0]
    print(f"Amur leopard fact sheet, A4, warm renderer, median of {args.repeat}")
    print(f"  {'lang':4}  {'render+write':>12}  {'vs en':>6}  {'checks':>8}  {'share':>6}  {'PDF':>9}")
    for lang, (render, check, size) in results.items():
        print(f"  {lang:4}  {render * 1000:9.0f} ms  {render / base:5.2f}x  {check * 1000:5.1f} ms  "
              f"{check / render:6.1%}  {size / 1024:6.0f} KiB")


if __name__ == "__main__":
    main()
