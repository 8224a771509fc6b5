"""Fact-sheet throughput: a wildpress build vs one `weasyprint` process per document.

Not a test: a script that prints figures (see benchmarks/common.py for the rules).
A generated project of --docs species (the samples repeated, with their photos),
one A4 fact sheet each. Each run, interleaved: the wildpress build in a fresh
process into a fresh folder, then a shell-style loop running WeasyPrint's command
once per document on the same final HTML and CSS. Usage:

    python benchmarks/factsheets.py --docs 20 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import build, expect_built, fresh, make_project, naive_loop, spread  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ours, naive, per_doc = [], [], []
    with tempfile.TemporaryDirectory(prefix="wp-bench-sheets-") as tmp:
        tmp = Path(tmp)
        project = make_project(fresh(tmp, "project"), args.docs)
        for _ in range(args.repeat):
            result = expect_built(build(project, fresh(tmp, "out"), sizes=["A4"]), args.docs, "the wildpress build")
            ours.append(result["wall_s"])
            per_doc += sorted(o["seconds"] for o in result["built"])[1:]  # without the slowest (warm-up)
            naive.append(naive_loop(project, fresh(tmp, "naive"))[0])
    print(f"{args.docs} A4 fact sheets with photos; medians (min-max) of {args.repeat} interleaved runs")
    print(f"  wildpress build (fresh process):    {spread(ours)}  ({statistics.median(ours) / args.docs:.3f} s a sheet "
          "with start-up)")
    print(f"  worker time per sheet:              {spread(per_doc, 's', 3)}")
    print(f"  one weasyprint process per sheet:   {spread(naive)}")
    print(f"  speed-up:                           {spread((n / o for o, n in zip(ours, naive)), 'x', 1)}")


if __name__ == "__main__":
    main()
