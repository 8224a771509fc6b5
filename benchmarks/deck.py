"""Benchmark: a deck of A7 flashcards (4-up on A4, long-edge duplex) as one document.

Not a test: a script that prints figures (see benchmarks/common.py for the rules).
Each run builds a generated project of ``cards`` species (the samples repeated, with
their photos unless --no-photos) into a fresh output folder, in a fresh process, and
records its wall time and the peak memory of the whole process tree (the build and
its render workers). With --edit, each run then edits one species and rebuilds: the
deck's cards come from the card cache except the edited card's chunk, and the
figure printed is that rebuild's time and how many cards it rendered.

Usage: python benchmarks/deck.py [cards] [runs] [--no-photos] [--edit] [--jobs N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BenchmarkError, build, edit_species, expect_built, fresh, make_project, spread  # noqa: E402


def one_run(tmp: Path, cards: int, photos: bool, edit: bool, jobs: int | None) -> dict:
    """Build a fresh deck project (and, with ``edit``, rebuild it after one species changed)."""
    project = make_project(fresh(tmp, "deck"), cards, photos)
    request = {"layouts": ["flashcards"], "sizes": ["a7"], "jobs": jobs}
    full = expect_built(build(project, **request), 1, f"{cards}-card deck")
    output = full["built"][0]
    run = {"seconds": full["wall_s"], "peak_mib": full["peak_mib"], "sheets": output["pages"],
           "mb": (project / output["path"]).stat().st_size / 1e6, "rendered": output.get("cards_rendered")}
    if run["rendered"] != cards:
        raise BenchmarkError(f"the full build rendered {run['rendered']} of {cards} cards")
    if edit:
        edit_species(project)
        again = expect_built(build(project, **request), 1, "the deck after one species was edited")
        run.update(edit_seconds=again["wall_s"], edit_peak_mib=again["peak_mib"],
                   edit_rendered=again["built"][0].get("cards_rendered"))
        if not run["edit_rendered"]:
            raise BenchmarkError("the rebuild after an edit rendered no card")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cards", nargs="?", type=int, default=200)
    parser.add_argument("runs", nargs="?", type=int, default=3)
    parser.add_argument("--no-photos", action="store_true", help="cards without photos")
    parser.add_argument("--edit", action="store_true", help="also time a rebuild after one species is edited")
    parser.add_argument("--jobs", type=int, default=None, help="render workers (default: one per core)")
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory(prefix="wp-bench-deck-") as tmp:
        for n in range(args.runs):
            run = one_run(Path(tmp), args.cards, not args.no_photos, args.edit, args.jobs)
            runs.append(run)
            line = (f"run {n + 1}: {run['seconds']:.1f} s, tree peak {run['peak_mib']:.0f} MiB, "
                    f"{run['sheets']} sheets, {run['mb']:.1f} MB")
            if args.edit:
                line += (f"; after one edit: {run['edit_seconds']:.1f} s, {run['edit_rendered']} of "
                         f"{args.cards} cards rendered, tree peak {run['edit_peak_mib']:.0f} MiB")
            print(line, flush=True)
    photos = "without photos" if args.no_photos else "with photos"
    print(f"{args.cards} A7 cards {photos}: build {spread(r['seconds'] for r in runs)}, "
          f"process-tree peak {spread((r['peak_mib'] for r in runs), 'MiB', 0)}, "
          f"PDF {spread((r['mb'] for r in runs), 'MB', 1)}")
    if args.edit:
        print(f"one species edited: rebuild {spread(r['edit_seconds'] for r in runs)}, "
              f"cards rendered {spread((r['edit_rendered'] for r in runs), 'cards', 0)} of {args.cards}")


if __name__ == "__main__":
    main()
