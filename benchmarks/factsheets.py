"""Fact-sheet throughput: wildpress in one process vs one `weasyprint` process per document.

Prints medians over --repeat runs. Not a test; run by hand:
    python benchmarks/factsheets.py --docs 20 --repeat 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from wildpress.build import Job, Settings, template_context  # noqa: E402
from wildpress.layout.layouts import load_layout  # noqa: E402
from wildpress.layout.render import Renderer, font_face_css, page_css  # noqa: E402
from wildpress.printing.sizes import get_size  # noqa: E402
from wildpress.data.species import load_species  # noqa: E402


def make_species(folder: Path, count: int) -> list[Path]:
    """``count`` species files: the bundled samples repeated under new ids."""
    samples = sorted((REPO / "data" / "species").glob("*.yaml"))
    files = []
    for i in range(count):
        src = samples[i % len(samples)]
        dst = folder / f"{src.stem}-{i:03d}.yaml"
        shutil.copy(src, dst)
        files.append(dst)
    return files


def wildpress_run(files: list[Path], out: Path) -> tuple[float, list[float]]:
    """Wall time of one build() call (including WeasyPrint import) and per-document times."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c",
         "import sys, time; t=time.perf_counter(); from wildpress import build; "
         "r = build(sys.argv[2:], ['factsheet'], ['a4'], sys.argv[1]); "
         "print(' '.join(f'{o.seconds:.4f}' for o in r.outputs))", str(out), *map(str, files)],
        check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    return wall, [float(x) for x in result.stdout.split()]


def naive_run(files: list[Path], work: Path) -> float:
    """One `weasyprint` CLI process per document on the same HTML and CSS."""
    species, _ = load_species(files)
    layout = load_layout("factsheet")
    renderer = Renderer()
    size = get_size("a4")
    css = [work / "fonts.css"] + layout.style_files() + [work / "page.css"]
    (work / "fonts.css").write_text(font_face_css())
    (work / "page.css").write_text(page_css(size))
    pages = []
    for sp in species:
        job = Job([sp], layout, size, layout.resolve_options({}), sp.id)
        page = work / f"{sp.id}.html"
        page.write_text(renderer.html(layout, template_context(job, Settings())))
        pages.append(page)
    started = time.perf_counter()
    for page in pages:
        cmd = ["weasyprint", "-q", "-u", str(layout.folders[0]) + "/"]
        for sheet in css:
            cmd += ["-s", str(sheet)]
        subprocess.run(cmd + [str(page), str(page.with_suffix(".pdf"))], check=True)
    return time.perf_counter() - started


def main() -> None:
    """Run both ways --repeat times and print medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "species").mkdir()
        files = make_species(tmp / "species", args.docs)
        ours, per_doc, naive = [], [], []
        for i in range(args.repeat):
            out = tmp / f"out{i}"
            wall, docs = wildpress_run(files, out)
            ours.append(wall)
            per_doc += docs[1:]  # the first document pays for warming up
            work = tmp / f"naive{i}"
            work.mkdir()
            naive.append(naive_run(files, work))
    o, n = statistics.median(ours), statistics.median(naive)
    print(f"{args.docs} A4 fact sheets, median of {args.repeat} runs")
    print(f"  wildpress, one process:            {o:6.2f} s  ({o / args.docs:.3f} s/sheet incl. start-up)")
    print(f"  warm render+write per sheet:       {statistics.median(per_doc):6.3f} s (median)")
    print(f"  one weasyprint process per sheet:  {n:6.2f} s")
    print(f"  speed-up:                          {n / o:6.1f}x")


if __name__ == "__main__":
    main()
