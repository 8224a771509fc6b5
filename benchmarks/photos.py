"""A 100-card deck from 6000x4000 photos: PDF size and build time with and without downsampling.

Prints medians (min-max) over --repeat runs, each in a fresh process into a fresh folder (see
benchmarks/common.py). Not a test; run by hand:
    python benchmarks/photos.py --cards 100 --repeat 3

Three ways, measured in the same run:
- cold: photos downsampled to 300 ppi at the card's size, empty photo cache;
- cached: the same build again, prepared photos taken from the cache;
- originals: --photo-ppi 0, the 6000x4000 originals embedded as they are.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, BenchmarkError, spread  # noqa: E402


def make_deck(folder: Path, cards: int, photos: int) -> None:
    """``cards`` species sharing ``photos`` different 6000x4000 JPEGs (camera originals are big)."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True)
    for n in range(photos):
        image = Image.new("RGB", (6000, 4000))
        draw = ImageDraw.Draw(image)
        for y in range(0, 4000, 8):  # a gradient with noise-free texture: JPEG size close to a real photo's
            draw.line([(0, y), (6000, y)], fill=(40 + (y * 7 + n * 31) % 150, 90 + (y // 40) % 60, 60 + n * 13 % 90))
        for x in range(0, 6000, 97):
            draw.line([(x, 0), (x + 900, 4000)], fill=(200, 180 - n * 7 % 100, 120), width=9)
        image.save(folder / f"photo-{n}.jpg", quality=90)
    minimal = (REPO / "tests" / "scenarios" / "valid-minimal.yaml").read_text()
    for n in range(cards):
        text = minimal.replace("id: test-cat", f"id: cat-{n:03d}") if "id: test-cat" in minimal else minimal
        (folder / f"cat-{n:03d}.yaml").write_text(
            text + f"photo:\n  file: photo-{n % photos}.jpg\n  credit: Test Photographer\n  licence: CC0-1.0\n"
                   "  alt: A test picture\n  focal_point: {x: 0.4, y: 0.45}\n")


def run(deck: Path, out: Path, cache: Path, ppi: float) -> tuple[float, int]:
    """Wall time of one `wildpress build` process and the deck's PDF size in bytes."""
    env = {**os.environ, "WILDPRESS_CACHE": str(cache)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "wildpress", "build", str(deck), "-l", "flashcards", "-s", "a7",
                           "--front", "photo", "--photo-ppi", str(ppi), "-o", str(out), "--force"],
                          capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    pdfs = list(out.glob("*.pdf"))
    if done.returncode or len(pdfs) != 1:
        raise BenchmarkError(f"the deck build exited {done.returncode} with {len(pdfs)} PDFs:\n{done.stderr[-3000:]}")
    return wall, pdfs[0].stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=100)
    parser.add_argument("--photos", type=int, default=10, help="different originals among the cards")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        make_deck(tmp / "deck", args.cards, args.photos)
        times: dict[str, list[float]] = {"cold": [], "cached": [], "originals": []}
        sizes: dict[str, int] = {}
        for i in range(args.repeat):
            cache = tmp / f"cache{i}"
            for way, ppi in (("cold", 300), ("cached", 300), ("originals", 0)):
                wall, size = run(tmp / "deck", tmp / f"out-{way}-{i}", cache, ppi)
                times[way].append(wall)
                sizes[way] = size
    print(f"{args.cards}-card A7 deck (photo fronts), {args.photos} different 6000x4000 JPEGs, "
          f"median of {args.repeat} runs")
    for way in times:
        print(f"  {way:10s} {spread(times[way])}   PDF {sizes[way] / 1e6:7.2f} MB")
    print(f"  downsampling makes the PDF {sizes['originals'] / sizes['cold']:.0f}x smaller; "
          f"the cache saves {1 - statistics.median(times['cached']) / statistics.median(times['cold']):.0%} "
          "of the cold build time")


if __name__ == "__main__":
    main()
