"""The command line: defaults, exit codes, listings, and never losing a user's file."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from pdfcheck import reader
from wildpress import __version__
from wildpress.cli import main


def test_build_without_arguments_renders_bundled_samples(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no data/ here: falls back to the bundled samples
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    pdfs = sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))
    assert "amur-leopard-factsheet-a4.pdf" in pdfs and "amur-leopard-factsheet-letter.pdf" in pdfs
    assert len(pdfs) >= 12
    for pdf in (tmp_path / "out").glob("*.pdf"):
        assert len(reader(pdf).pages) >= 1
    assert sorted(p.name for p in (tmp_path / "out").glob(".*")) == [".wildpress-manifest.json"]  # no temp files


def test_build_named_file_layout_sizes_and_out(tmp_path):
    from conftest import SAMPLES

    result = CliRunner().invoke(main, ["build", str(SAMPLES / "amur-leopard.yaml"), "--layout", "factsheet",
                                       "--size", "A4", "--size", "letter", "--out", str(tmp_path / "prints")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "prints").iterdir()) == [
        ".wildpress-manifest.json", "amur-leopard-factsheet-a4.pdf", "amur-leopard-factsheet-letter.pdf"]


def test_usage_errors_exit_2(tmp_path):
    from conftest import SAMPLES

    sample = str(SAMPLES / "amur-leopard.yaml")
    runner = CliRunner()
    bad_size = runner.invoke(main, ["build", sample, "--size", "A44", "--out", str(tmp_path)])
    assert bad_size.exit_code == 2
    assert "unknown paper size 'A44' (did you mean a4" in bad_size.stderr
    bad_layout = runner.invoke(main, ["build", sample, "--layout", "factshet", "--out", str(tmp_path)])
    assert bad_layout.exit_code == 2
    assert "unknown layout 'factshet' (did you mean factsheet?)" in bad_layout.stderr
    bad_option = runner.invoke(main, ["build", sample, "-O", "show_source=no", "--out", str(tmp_path)])
    assert bad_option.exit_code == 2
    assert "did you mean show_sources?" in bad_option.stderr
    unsupported = runner.invoke(main, ["build", sample, "--size", "A3", "--out", str(tmp_path)])
    assert unsupported.exit_code == 2
    assert "layout 'factsheet' is designed for a4, letter, not A3" in unsupported.stderr
    assert runner.invoke(main, ["build", "--no-such-flag"]).exit_code == 2
    bad_lang = runner.invoke(main, ["build", sample, "--lang", "zz", "--out", str(tmp_path)])
    assert bad_lang.exit_code == 2
    assert "unknown language 'zz'" in bad_lang.stderr
    assert list(tmp_path.iterdir()) == []


def test_version_help_schema_sizes_layouts():
    runner = CliRunner()
    assert runner.invoke(main, ["--version"]).output.strip() == f"wildpress, version {__version__}"
    assert "build" in runner.invoke(main, ["--help"]).output
    schema = json.loads(runner.invoke(main, ["schema"]).output)
    assert schema["properties"]["status"]["properties"]["category"]["enum"][:3] == ["EX", "EW", "CR"]
    sizes = runner.invoke(main, ["sizes"]).output
    assert re.search(r"^a4 +A4 +210 × 297 mm", sizes, re.M)
    assert "letter" in sizes and "arch-d" in sizes
    layouts = runner.invoke(main, ["layouts"]).output
    assert "factsheet:" in layouts and "base:" not in layouts


def test_never_overwrites_a_file_wildpress_did_not_write(tmp_path):
    from conftest import SAMPLES

    sample = str(SAMPLES / "amur-leopard.yaml")
    precious = tmp_path / "amur-leopard-factsheet-a4.pdf"
    precious.write_bytes(b"%PDF-1.4 the user's own work")
    result = CliRunner().invoke(main, ["build", sample, "-s", "A4", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "exists and was not made by wildpress" in result.stderr
    assert precious.read_bytes() == b"%PDF-1.4 the user's own work"
    # Rebuilding over wildpress's own output is fine; --force overrides the guard.
    assert CliRunner().invoke(main, ["build", sample, "-s", "A4", "--out", str(tmp_path), "--force"]).exit_code == 0
    assert CliRunner().invoke(main, ["build", sample, "-s", "A4", "--out", str(tmp_path)]).exit_code == 0
