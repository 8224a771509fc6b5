"""benchmarks/serve_reload.py runs at a tiny size, so it cannot rot (as tests/test_benchmarks.py
does for the others): it drives the real browser against `wildpress serve` and prints its figures."""

from __future__ import annotations

import re

import pytest

from test_benchmarks import run_benchmark
from servecheck import CHROMIUM


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_the_serve_benchmark_prints_save_to_reload_and_every_card(tmp_path):
    out = run_benchmark(tmp_path, "serve_reload.py", "--species", "2", "--edits", "2", "--no-photos")
    assert "4 outputs (2 species x A4 and US Letter, no photos)" in out, out
    for figure in ("save -> reloaded page, shown preview new:", "of which the build of the shown output:",
                   "save -> every card updated:"):
        assert re.search(re.escape(figure) + r"\s+\d+\.\d+ s \(", out), out
    assert re.search(r"load average \(1, 5, 15 min\) at the end:\s+[\d.]+, [\d.]+, [\d.]+", out), out
