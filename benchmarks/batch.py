"""Batch-build benchmark (issue 10). Not a test: a script that prints figures.

Generated projects of 28 and 112 species (the bundled samples repeated under
new ids, with their photos), one A4 fact sheet each. Every build runs in a
fresh process into a fresh output folder (benchmarks/common.py); figures are
medians (min-max) of interleaved runs, and a run that did not build what it
was timed for stops the benchmark instead of printing a figure:

1. ``--jobs 2`` vs ``--jobs 1``;
2. the default build vs the naive loop: one ``weasyprint`` process per document,
   on the same HTML and CSS;
3. a no-op rebuild vs the full build, and one species edited (only its output
   is rebuilt);
4. wildpress vs WeasyPrint's own render and write time for the same documents,
   both warm in one process (what wildpress adds: templates, fitting, photos),
   and how many layout passes each sheet took (counted, not assumed);
5. decks of 500 and 2,000 A7 cards with photos: time, the peak memory of the
   whole process tree (the build and its workers, psutil, sampled every 20 ms),
   and the rebuild after one species is edited (cards re-rendered).

Usage: python benchmarks/batch.py [--sizes 28,112] [--runs 3] [--decks 500,2000] [--skip naive,decks]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (REPO, BenchmarkError, build, edit_species, expect_built, fresh, make_project, naive_loop,  # noqa: E402
                    spread)
from deck import one_run as deck_run  # noqa: E402


def full_build(project: Path, tmp: Path, count: int, jobs: int | None) -> float:
    """A full build of ``project`` into a fresh folder; its wall time (every output must be built)."""
    result = build(project, fresh(tmp, "out"), sizes=["A4"], jobs=jobs)
    return expect_built(result, count, f"a full build of {count} sheets")["wall_s"]


OVERHEAD = r"""
import json, statistics, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from wildpress.data.species import find_species_files, load_species
from wildpress.jobs import Job, Settings
from wildpress.layout.context import template_context
from wildpress.layout.document import render_document
from wildpress.layout.layouts import load_layout
from wildpress.layout.render import Renderer
from wildpress.printing.sizes import get_size
from wildpress.safety.confine import Confinement
from wildpress.safety.limits import Limits

project = Path(sys.argv[1])
species, _ = load_species(find_species_files([project / "data" / "species"]))
layout, size, renderer = load_layout("factsheet"), get_size("a4"), Renderer()
cache = project / "cache"
settings = Settings(cache_dir=str(cache))
ours, theirs, inside, passes = [], [], [], []
spent, calls = [0.0], [0]
render, write = renderer.render, renderer.write_pdf

def timed(func):
    def wrapper(*args, **kwargs):
        calls[0] += func is render
        t = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t
    return wrapper

for sp in species:
    job = Job([sp], layout, size, layout.resolve_options({}), sp.id, settings=settings)
    confinement = Confinement.for_project(project, [sp.file.parent]).with_root(cache)
    with renderer.confined(confinement, 100):
        renderer.render, renderer.write_pdf, spent[0], calls[0] = timed(render), timed(write), 0.0, 0
        t = time.perf_counter(); render_document(renderer, job, settings); ours.append(time.perf_counter() - t)
        inside.append(spent[0])
        passes.append(calls[0])
        renderer.render, renderer.write_pdf = render, write
        # WeasyPrint alone: the final HTML of the same document, laid out and written once.
        html = renderer.html(layout, template_context(job, settings, confinement))
        t = time.perf_counter()
        renderer.write_pdf(renderer.render(html, layout, size, roots=[sp.file.parent]))
        theirs.append(time.perf_counter() - t)
print(json.dumps({"ours": statistics.median(ours[1:]), "theirs": statistics.median(theirs[1:]),
                  "inside": statistics.median(inside[1:]),
                  "outside_share": statistics.median((o - i) / i for o, i in zip(ours[1:], inside[1:])),
                  "passes": passes}))
"""


def overhead(project: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", OVERHEAD, str(project), str(REPO / "src")], capture_output=True,
                          text=True)
    if done.returncode:
        raise BenchmarkError(f"the per-sheet overhead run exited {done.returncode}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def jobs_figure(project: Path, tmp: Path, count: int, runs: int) -> None:
    one, two = [], []
    for _ in range(runs):  # interleaved
        one.append(full_build(project, tmp, count, 1))
        two.append(full_build(project, tmp, count, 2))
    print(f"1. --jobs 1: {spread(one)}   --jobs 2: {spread(two)}   "
          f"speed-up {spread((a / b for a, b in zip(one, two)), 'x')}", flush=True)


def naive_figure(project: Path, tmp: Path, count: int, runs: int) -> None:
    ours, naive = [], []
    for _ in range(runs):
        ours.append(full_build(project, tmp, count, None))
        naive.append(naive_loop(project, fresh(tmp, "naive"))[0])
    print(f"2. default build: {spread(ours)}   naive loop (a weasyprint process per document): {spread(naive)}   "
          f"speed-up {spread((n / o for o, n in zip(ours, naive)), 'x', 1)}", flush=True)


def noop_figure(project: Path, tmp: Path, count: int, runs: int) -> None:
    full, noop, edit = [], [], []
    for _ in range(runs):
        out = fresh(tmp, "out")
        full.append(expect_built(build(project, out, sizes=["A4"]), count, "the full build")["wall_s"])
        again = build(project, out, sizes=["A4"])
        if len(again["up_to_date"]) != count:
            raise BenchmarkError(f"the rebuild found {len(again['up_to_date'])} of {count} sheets up to date")
        noop.append(expect_built(again, 0, "a rebuild with nothing changed")["wall_s"])
        edit_species(project)
        edit.append(expect_built(build(project, out, sizes=["A4"]), 1, "a rebuild after one edit")["wall_s"])
    print(f"3. full build {spread(full)}   no-op rebuild {spread(noop, 's', 3)} "
          f"({spread((100 * n / f for n, f in zip(noop, full)), '%', 1)} of the full build)   "
          f"one species edited: {spread(edit)}, 1 rebuilt, {count - 1} up to date", flush=True)


def overhead_figure(project: Path, runs: int) -> None:
    figures = [overhead(project) for _ in range(runs)]
    passes = [n for f in figures for n in f["passes"]]
    print(f"4. per fact sheet, warm, one process: wildpress {spread((1000 * f['ours'] for f in figures), 'ms', 0)}, "
          f"of which WeasyPrint's own layout and write calls {spread((1000 * f['inside'] for f in figures), 'ms', 0)}"
          f": overhead {spread((100 * f['outside_share'] for f in figures), '%', 1)}")
    print(f"   one WeasyPrint layout+write of the final HTML alone: "
          f"{spread((1000 * f['theirs'] for f in figures), 'ms', 0)}; layout passes per sheet: "
          f"{min(passes)}-{max(passes)} (median {statistics.median(passes):g}, {len(passes)} sheets)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="28,112")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--runs-large", type=int, default=2, help="runs of each figure at more than 28 species")
    parser.add_argument("--decks", default="500,2000")
    parser.add_argument("--skip", default="", help="comma-separated: jobs,naive,noop,overhead,decks")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    print(f"cores: {os.cpu_count()}; runs per figure: {args.runs} ({args.runs_large} above 28 species); "
          f"medians (min-max)")
    with tempfile.TemporaryDirectory(prefix="wp-bench-batch-") as tmp:
        tmp = Path(tmp)
        for count in map(int, filter(None, args.sizes.split(","))):
            project = make_project(fresh(tmp, f"p{count}"), count)
            runs = args.runs if count <= 28 else args.runs_large
            print(f"\n== {count} species, one A4 fact sheet each ==", flush=True)
            if "jobs" not in skip:
                jobs_figure(project, tmp, count, runs)
            if "naive" not in skip:
                naive_figure(project, tmp, count, args.runs if count <= 28 else 1)
            if "noop" not in skip:
                noop_figure(project, tmp, count, runs)
            if "overhead" not in skip and count <= 28:
                overhead_figure(project, args.runs)
        if "decks" not in skip:
            print("\n== decks of A7 cards with photos, 4-up on A4, long-edge duplex ==", flush=True)
            for cards in map(int, filter(None, args.decks.split(","))):
                runs = [deck_run(tmp, cards, True, True, None) for _ in range(args.runs_large if cards <= 500 else 1)]
                print(f"5. {cards} cards: {spread(r['seconds'] for r in runs)}, process-tree peak "
                      f"{spread((r['peak_mib'] for r in runs), 'MiB', 0)}, PDF {spread((r['mb'] for r in runs), 'MB', 1)}; "
                      f"one species edited: {spread(r['edit_seconds'] for r in runs)}, "
                      f"{spread((r['edit_rendered'] for r in runs), 'cards', 0)} rendered", flush=True)


if __name__ == "__main__":
    main()
