"""Batch-build benchmark (issue 10). Not a test: a script that prints figures.

Generated projects of 28 and 112 species (the bundled samples repeated under
new ids, with their photos), one A4 fact sheet each. Every figure is a ratio
of two timings taken in the same run, alternated, and quoted as a median:

1. ``--jobs 2`` vs ``--jobs 1`` (a fresh output folder each time);
2. the default build vs the naive loop: one ``weasyprint`` process per document,
   on the same HTML and CSS;
3. a no-op rebuild vs the full build, and one species edited (only its output
   is rebuilt);
4. wildpress vs WeasyPrint's own render and write time for the same documents,
   both warm in one process (what wildpress adds: templates, fitting, photos,
   the worker's round trip);
5. decks of 500 and 2,000 A7 cards: time, and the peak memory of the whole
   process tree (the build and its workers, sampled every 50 ms).

Usage: python benchmarks/batch.py [--sizes 28,112] [--runs 3] [--decks 500,2000] [--skip naive,decks]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "data" / "species"


def make_project(folder: Path, count: int) -> Path:
    """A project with ``count`` species: the samples repeated under new ids, photos alongside."""
    import yaml

    sys.path.insert(0, str(REPO / "src"))
    from wildpress.data.yamlsafe import load_file

    species = folder / "data" / "species"
    species.mkdir(parents=True)
    shutil.copytree(SAMPLES / "photos", species / "photos")
    samples = sorted(SAMPLES.glob("*.yaml"))
    for n in range(count):
        data = load_file(samples[n % len(samples)]).data
        data["id"] = f"{samples[n % len(samples)].stem}-{n:03d}"
        (species / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                    encoding="utf-8")
    return folder


BUILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
from wildpress import assemble, build
from wildpress.runner.progress import report
jobs = int(sys.argv[3]) or None
request = assemble(root=sys.argv[2], sizes=["A4"], jobs=jobs)  # the project frames it, as the CLI does
print(json.dumps(report(build(request), request.out_dir)))
"""


def wildpress(project: Path, jobs: int | None = None) -> tuple[float, dict]:
    """Wall time of one fresh process building ``project`` through the Python API (the request the
    CLI's `wildpress build -s A4` makes) and its JSON report."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", BUILD, str(REPO / "src"), str(project), str(jobs or 0)],
                          cwd=project, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    return wall, json.loads(done.stdout.strip().splitlines()[-1])


def fresh_build(project: Path, jobs: int | None) -> float:
    shutil.rmtree(project / "out", ignore_errors=True)
    return wildpress(project, jobs)[0]


def naive_loop(project: Path, work: Path) -> float:
    """One `weasyprint` process per document, on the HTML and CSS wildpress would lay out."""
    sys.path.insert(0, str(REPO / "src"))
    from wildpress.data.species import find_species_files, load_species
    from wildpress.jobs import Job, Settings
    from wildpress.layout.context import template_context
    from wildpress.layout.layouts import load_layout
    from wildpress.layout.render import Renderer, font_face_css, page_css
    from wildpress.printing.sizes import get_size
    from wildpress.safety.confine import Confinement

    work.mkdir(parents=True, exist_ok=True)
    species, _ = load_species(find_species_files([project / "data" / "species"]))
    layout, size, renderer = load_layout("factsheet"), get_size("a4"), Renderer()
    (work / "fonts.css").write_text(font_face_css())
    (work / "page.css").write_text(page_css(size))
    css = [work / "fonts.css", *layout.style_files(), work / "page.css"]
    settings = Settings(cache_dir=str(work / "cache"))
    pages = []
    for sp in species:
        job = Job([sp], layout, size, layout.resolve_options({}), sp.id)
        confinement = Confinement.for_project(project, [sp.file.parent]).with_root(work / "cache")
        page = work / f"{sp.id}.html"
        page.write_text(renderer.html(layout, template_context(job, settings, confinement)))
        pages.append(page)
    started = time.perf_counter()
    for page in pages:
        cmd = ["weasyprint", "-q", "-u", layout.folders[0].as_uri() + "/"]
        for sheet in css:
            cmd += ["-s", str(sheet)]
        subprocess.run(cmd + [str(page), str(page.with_suffix(".pdf"))], check=True)
    return time.perf_counter() - started


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
ours, theirs, inside = [], [], []
spent = [0.0]
render, write = renderer.render, renderer.write_pdf

def timed(func):
    def wrapper(*args, **kwargs):
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
        renderer.render, renderer.write_pdf, spent[0] = timed(render), timed(write), 0.0
        t = time.perf_counter(); render_document(renderer, job, settings); ours.append(time.perf_counter() - t)
        inside.append(spent[0])
        renderer.render, renderer.write_pdf = render, write
        # WeasyPrint alone: the final HTML of the same document, laid out and written once.
        html = renderer.html(layout, template_context(job, settings, confinement))
        t = time.perf_counter()
        renderer.write_pdf(renderer.render(html, layout, size, roots=[sp.file.parent]))
        theirs.append(time.perf_counter() - t)
print(json.dumps({"ours": statistics.median(ours[1:]), "theirs": statistics.median(theirs[1:]),
                  "inside": statistics.median(inside[1:]),
                  "outside_share": statistics.median((o - i) / i for o, i in zip(ours[1:], inside[1:]))}))
"""


def overhead(project: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", OVERHEAD, str(project), str(REPO / "src")], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def tree_rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants (MiB)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{current}/task/{current}/children") as handle:
                todo += [int(c) for c in handle.read().split()]
        except OSError:
            continue
    return total / 1024


def deck(cards: int, tmp: Path) -> dict:
    """Build a deck of ``cards`` A7 cards (no photos); time and peak memory of the process tree."""
    sys.path.insert(0, str(REPO / "tests"))
    from cardcheck import make_deck

    folder = make_deck(tmp / f"deck{cards}", cards)
    out = tmp / f"deck-out{cards}"
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "wildpress", "build", str(folder), "-l", "flashcards", "-s",
                             "a7", "-o", str(out)], cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0.0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_mib(proc.pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=sample)
    watcher.start()
    err = proc.communicate()[1]
    watcher.join()
    if proc.returncode:
        raise SystemExit(err.decode())
    pdf = next(out.glob("*.pdf"))
    return {"seconds": time.perf_counter() - started, "peak_mib": peak[0], "mb": pdf.stat().st_size / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="28,112")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--runs-large", type=int, default=2, help="runs of each figure at more than 28 species")
    parser.add_argument("--decks", default="500,2000")
    parser.add_argument("--skip", default="", help="comma-separated: jobs,naive,noop,overhead,decks")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    med = statistics.median
    print(f"cores: {len(os.sched_getaffinity(0))}; runs per figure: {args.runs} (medians)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for count in map(int, args.sizes.split(",")):
            project = make_project(tmp / f"p{count}", count)
            print(f"\n== {count} species, one A4 fact sheet each ==")
            if "jobs" not in skip:
                one, two = [], []
                for _ in range(args.runs if count <= 28 else args.runs_large):
                    one.append(fresh_build(project, 1))
                    two.append(fresh_build(project, 2))
                print(f"1. --jobs 1: {med(one):.2f} s   --jobs 2: {med(two):.2f} s   "
                      f"speed-up {med(r1 / r2 for r1, r2 in zip(one, two)):.2f}x")
            if "naive" not in skip:
                ours, naive = [], []
                for run in range(args.runs if count <= 28 else 1):
                    ours.append(fresh_build(project, None))
                    naive.append(naive_loop(project, tmp / f"naive{count}-{run}"))
                print(f"2. default build: {med(ours):.2f} s   naive loop (a weasyprint process per document): "
                      f"{med(naive):.2f} s   speed-up {med(n / o for o, n in zip(ours, naive)):.1f}x")
            if "noop" not in skip:
                full, noop, edit = [], [], []
                for run in range(args.runs if count <= 28 else args.runs_large):
                    full.append(fresh_build(project, None))
                    noop.append(wildpress(project)[0])
                    victim = sorted((project / "data" / "species").glob("*.yaml"))[1]
                    victim.write_text(victim.read_text() + f"\n# edit {run}\n")
                    seconds, report = wildpress(project)
                    edit.append((seconds, len(report["built"]), len(report["up_to_date"])))
                ratios = [n / f for n, f in zip(noop, full)]
                print(f"3. full build {med(full):.2f} s   no-op rebuild {med(noop):.3f} s "
                      f"({100 * med(ratios):.1f}% of the full build)   one species edited: "
                      f"{med(e[0] for e in edit):.2f} s, {edit[-1][1]} rebuilt, {edit[-1][2]} up to date")
            if "overhead" not in skip and count <= 28:
                figures = [overhead(project) for _ in range(args.runs)]
                ours = med(f["ours"] for f in figures)
                theirs = med(f["theirs"] for f in figures)
                inside = med(f["inside"] for f in figures)
                print(f"4. per fact sheet, warm, one process: wildpress {1000 * ours:.0f} ms, of which WeasyPrint's "
                      f"own layout and write calls {1000 * inside:.0f} ms: overhead "
                      f"{100 * med(f['outside_share'] for f in figures):+.1f}%")
                print(f"   (one WeasyPrint layout+write of the final HTML alone: {1000 * theirs:.0f} ms; wildpress "
                      f"lays a sheet out more than once to fit and fill it: "
                      f"{100 * med(f['ours'] / f['theirs'] - 1 for f in figures):+.0f}%)")
        if "decks" not in skip:
            print("\n== decks of A7 cards, 4-up on A4, long-edge duplex ==")
            for cards in map(int, args.decks.split(",")):
                runs = [deck(cards, tmp) for _ in range(args.runs_large if cards <= 500 else 1)]
                print(f"5. {cards} cards: {med(r['seconds'] for r in runs):.1f} s, peak memory of the process "
                      f"tree {med(r['peak_mib'] for r in runs):.0f} MiB, PDF {runs[-1]['mb']:.1f} MB")


if __name__ == "__main__":
    main()
