"""Benchmark: a 200-card flashcard deck as one document (A7 cards, 4-up on A4, long-edge duplex).

Not a test. Each run is a fresh process (so import and first-document costs
count, as they do for a user); prints wall time and peak RSS per run and the
medians. Usage: python3 benchmarks/deck.py [cards] [runs]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

ONE_RUN = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
from cardcheck import make_deck
from pathlib import Path
deck = make_deck(Path(sys.argv[1]) / "deck", int(sys.argv[2]))
started = time.perf_counter()
from wildpress import build
result = build([deck], ["flashcards"], ["a7"], Path(sys.argv[1]) / "out", project_dir=sys.argv[4])
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out = result.outputs[0]
print(json.dumps({"seconds": seconds, "peak_mib": peak, "pages": out.pages, "bytes": out.path.stat().st_size}))
"""


def main() -> None:
    """Run the deck build a few times and print the medians."""
    cards = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    results = []
    for n in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            line = subprocess.run([sys.executable, "-c", ONE_RUN, tmp, str(cards), str(REPO / "tests"), str(REPO)],
                                  check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        result = json.loads(line)
        results.append(result)
        print(f"run {n + 1}: {result['seconds']:.2f} s, peak {result['peak_mib']:.0f} MiB, "
              f"{result['pages']} sheets, {result['bytes'] / 1e6:.2f} MB")
    print(f"{cards} cards, median of {runs}: {statistics.median(r['seconds'] for r in results):.2f} s, "
          f"peak RSS {statistics.median(r['peak_mib'] for r in results):.0f} MiB")


if __name__ == "__main__":
    main()
