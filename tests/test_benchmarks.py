"""Every benchmark runs, at a tiny size, so none can rot (issue 21): each script is started as a user
would (a fresh process, from the repository) and must print its figures and exit 0. And a run that
did not measure what it claims stops the benchmark instead of printing a figure."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
FIGURE = re.compile(r"\d+(\.\d+)? (s|ms|MiB|MB|x|%|cards)\b")


def run_benchmark(tmp_path, *args: str) -> str:
    done = subprocess.run([sys.executable, str(BENCHMARKS / args[0]), *args[1:]], capture_output=True, text=True,
                          cwd=tmp_path, timeout=600, env=_env(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


def _env(tmp_path) -> dict:
    import os

    return {**os.environ, "WILDPRESS_CACHE": str(tmp_path / "cache"), "TMPDIR": str(tmp_path)}


@pytest.mark.slow
def test_the_batch_benchmark_prints_every_figure(tmp_path):
    out = run_benchmark(tmp_path, "batch.py", "--sizes", "2", "--runs", "1", "--runs-large", "1", "--decks", "9")
    for figure in ("1. --jobs 1:", "2. default build:", "3. full build", "4. per fact sheet", "layout passes per sheet",
                   "5. 9 cards:"):
        assert figure in out, out
    assert re.search(r"process-tree peak \d+ MiB", out) and re.search(r"one species edited: .*rendered", out), out


@pytest.mark.slow
def test_the_deck_benchmark_counts_the_process_tree_and_the_cards_an_edit_renders(tmp_path):
    out = run_benchmark(tmp_path, "deck.py", "9", "1", "--edit")
    assert re.search(r"tree peak (\d+) MiB", out), out
    peak = int(re.search(r"tree peak (\d+) MiB", out).group(1))
    assert peak > 100  # the workers are counted: one alone holds more than WeasyPrint's import
    rendered = re.search(r"after one edit: [\d.]+ s, (\d+) of 9 cards rendered", out)
    assert rendered and 0 < int(rendered.group(1)) <= 9, out


@pytest.mark.slow
def test_the_factsheet_benchmark_runs(tmp_path):
    out = run_benchmark(tmp_path, "factsheets.py", "--docs", "2", "--repeat", "1")
    assert "speed-up" in out and FIGURE.search(out), out


@pytest.mark.slow
def test_the_languages_benchmark_runs(tmp_path):
    out = run_benchmark(tmp_path, "languages.py", "--repeat", "1")
    for lang in ("en", "ru", "zh", "ar"):
        assert re.search(rf"^\s+{lang}\s+\d+ ms", out, re.M), out


@pytest.mark.slow
def test_the_photos_benchmark_runs(tmp_path):
    out = run_benchmark(tmp_path, "photos.py", "--cards", "4", "--photos", "1", "--repeat", "1")
    assert "smaller" in out and "cold" in out and FIGURE.search(out), out


@pytest.mark.slow
def test_the_sheet_parts_benchmark_prints_the_map_and_qr_cost(tmp_path):
    out = run_benchmark(tmp_path, "sheet_parts.py", "--docs", "1", "--repeat", "1", "--cold-pictures")
    assert re.search(r"the range map costs -?\d+\.\d %", out) and re.search(r"the QR code costs -?\d+\.\d %", out), out
    assert "parsed pictures forgotten" in out, out


@pytest.mark.slow
def test_the_typst_benchmark_prints_the_ratio(tmp_path):
    pytest.importorskip("typst", reason="Typst is not installed (pip install .[bench])")
    out = run_benchmark(tmp_path, "typst_factsheets.py", "--docs", "2", "--repeat", "1")
    assert re.search(r"wildpress / Typst: .*\d x", out) and "no-op rebuild" in out, out


def test_a_run_that_measured_nothing_stops_the_benchmark():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from common import BenchmarkError, expect_built, spread
    finally:
        sys.path.remove(str(BENCHMARKS))
    noop = {"built": [], "up_to_date": ["a.pdf", "b.pdf"], "failed": []}
    with pytest.raises(BenchmarkError, match="expected 2 outputs built, got 0"):
        expect_built(noop, 2, "a full build")
    with pytest.raises(BenchmarkError, match="no runs"):
        spread([])
    assert spread([3.0, 1.0, 2.0]) == "2.00 s (1.00-3.00, 3 runs)"


def test_a_failed_build_stops_the_benchmark(tmp_path):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from common import BenchmarkError, build
    finally:
        sys.path.remove(str(BENCHMARKS))
    (tmp_path / "data" / "species").mkdir(parents=True)
    (tmp_path / "data" / "species" / "broken.yaml").write_text("schema: 1\nid: [\n")
    with pytest.raises(BenchmarkError, match="exited|failed"):
        build(tmp_path, sizes=["A4"])
