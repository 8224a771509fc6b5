"""Batch builds (issue 10): incremental rebuilds, shards, the worker pool, --keep-going, decks in
chunks, interrupted builds, reports."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SAMPLES, without_photo
from pdfcheck import reader
from wildpress import build
from wildpress.cli import main
from wildpress.jobs import Brand, Settings

THREE = ("amur-leopard", "red-fox", "axolotl")


@pytest.fixture
def small_project(tmp_path):
    """A project folder with three species (no photos), a child layout and a grandchild layout."""
    project = tmp_path / "proj"
    species = project / "data" / "species"
    species.mkdir(parents=True)
    for sid in THREE:
        (species / f"{sid}.yaml").write_text(without_photo((SAMPLES / f"{sid}.yaml").read_text()))
    parent = project / "layouts" / "mysheet"
    parent.mkdir(parents=True)
    (parent / "layout.yaml").write_text("name: mysheet\ndescription: Our sheet.\nkind: document\n"
                                        "extends: factsheet\nstyles: [mine.css]\n")
    (parent / "mine.css").write_text("h1 { color: #224466; }\n")
    child = project / "layouts" / "kidsheet"
    child.mkdir()
    (child / "layout.yaml").write_text("name: kidsheet\ndescription: Our sheet for children.\nkind: document\n"
                                       "extends: mysheet\n")
    return project


def _build(project: Path, layouts=("factsheet",), sizes=("A4",), **kwargs):
    return build(None, list(layouts), list(sizes), project / "out", project_dir=project, **kwargs)


def _built(result) -> set[str]:
    return {o.path.name for o in result.outputs}


def test_second_build_renders_nothing_and_editing_one_species_rebuilds_only_its_outputs(small_project):
    first = _build(small_project, ("factsheet", "poster"))
    assert len(first.outputs) == 6 and not first.up_to_date
    again = _build(small_project, ("factsheet", "poster"))
    assert not again.outputs and len(again.up_to_date) == 6

    fox = small_project / "data" / "species" / "red-fox.yaml"
    fox.write_text(fox.read_text().replace("Red fox", "Red fox (edited)", 1))
    edited = _build(small_project, ("factsheet", "poster"))
    assert _built(edited) == {"red-fox-factsheet-a4.pdf", "red-fox-poster-a4.pdf"}
    assert len(edited.up_to_date) == 4


def test_editing_a_layouts_css_rebuilds_that_layout_and_its_children_only(small_project):
    layouts = ("factsheet", "mysheet", "kidsheet")
    assert len(_build(small_project, layouts).outputs) == 9
    css = small_project / "layouts" / "mysheet" / "mine.css"
    css.write_text(css.read_text() + "h2 { color: #663322; }\n")
    result = _build(small_project, layouts)
    assert {n.split("-", 2)[-1] for n in _built(result)} == {"mysheet-a4.pdf", "kidsheet-a4.pdf"} or \
        {o.job.layout.name for o in result.outputs} == {"mysheet", "kidsheet"}
    assert len(result.outputs) == 6 and len(result.up_to_date) == 3


def test_changing_the_brand_rebuilds_everything(small_project):
    _build(small_project, ("factsheet", "poster"))
    branded = _build(small_project, ("factsheet", "poster"), settings=Settings(brand=Brand(name="Leopard Trust")))
    assert len(branded.outputs) == 6 and not branded.up_to_date


def test_force_rebuilds_everything_and_a_touched_output_is_rebuilt(small_project):
    _build(small_project)
    forced = _build(small_project, settings=Settings(force=True))
    assert len(forced.outputs) == 3
    pdf = small_project / "out" / "axolotl-factsheet-a4.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n%edited\n")
    result = _build(small_project)
    assert _built(result) == {"axolotl-factsheet-a4.pdf"}


def test_a_no_op_build_does_not_import_weasyprint(small_project):
    _build(small_project)
    code = ("import sys; from wildpress import build; "
            f"r = build(None, ['factsheet'], ['A4'], {str(small_project / 'out')!r}, "
            f"project_dir={str(small_project)!r}); "
            "print(len(r.up_to_date), len(r.outputs), 'weasyprint' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=small_project,
                         timeout=120)
    assert run.stdout.split() == ["3", "0", "False"], run.stdout + run.stderr


def test_removed_species_is_reported_stale_and_clean_removes_only_files_wildpress_made(small_project):
    _build(small_project)
    (small_project / "data" / "species" / "axolotl.yaml").unlink()
    mine = small_project / "out" / "notes.pdf"
    mine.write_bytes(b"%PDF-1.4 the user's own file")
    result = _build(small_project)
    assert [p.name for p in result.stale] == ["axolotl-factsheet-a4.pdf"]
    cleaned = _build(small_project, clean=True)
    assert [p.name for p in cleaned.removed] == ["axolotl-factsheet-a4.pdf"]
    assert not (small_project / "out" / "axolotl-factsheet-a4.pdf").exists() and mine.exists()


def test_shards_partition_the_jobs_exactly_once():
    from wildpress.build import plan, select
    from wildpress.data.species import find_species_files, load_species
    from wildpress.layout.layouts import load_layout

    species, _ = load_species(find_species_files([SAMPLES]))
    jobs = plan(species, [load_layout("factsheet"), load_layout("poster"), load_layout("flashcards")],
                ["A4", "letter"], None, {})
    every = sorted(job.filename() for job in jobs)
    for count in (1, 2, 3, 5, len(jobs) + 2):
        shares = [[job.filename() for job in select(jobs, (), (), (), f"{k}/{count}", species)]
                  for k in range(1, count + 1)]
        assert sorted(name for share in shares for name in share) == every
        assert max(map(len, shares)) - min(map(len, shares)) <= 1  # balanced
    assert [j.filename() for j in select(jobs, (), (), (), "2/3", species)] == \
        [j.filename() for j in select(list(reversed(jobs)), (), (), (), "2/3", species)]  # order-independent


def test_two_shards_build_disjoint_halves_of_the_project(small_project):
    one = _build(small_project, ("factsheet", "poster"), shard="1/2")
    two = _build(small_project, ("factsheet", "poster"), shard="2/2")
    assert len(one.outputs) + len(two.outputs) == 6 and not (_built(one) & _built(two))


@pytest.mark.parametrize("bad", ["0/2", "3/2", "1-2", ""])
def test_bad_shard_is_a_usage_error(bad, small_project):
    result = CliRunner().invoke(main, ["build", str(small_project / "data" / "species"), "--shard", bad,
                                       "-o", str(small_project / "out")])
    assert result.exit_code == 2 and "--shard" in result.output


def test_only_picks_species_within_the_layouts_and_sizes_asked_for(small_project):
    result = _build(small_project, ("poster",), ("letter",), only=["red-fox"])
    assert _built(result) == {"red-fox-poster-letter.pdf"}
    with pytest.raises(Exception, match="did you mean red-fox"):
        _build(small_project, only=["red-fx"])


def test_a_worker_that_dies_fails_only_its_task():
    from wildpress.runner import pool

    from wildpress.safety.worker import apply

    tasks = [pool.Task(apply, (os._exit, 9) if n == 2 else (abs, n), 30, 1024, key=n) for n in range(4)]
    answers = {task.key: (result, error) for task, result, error in pool.run(tasks, 2)}
    assert {k for k, (r, e) in answers.items() if e is None} == {0, 1, 3}
    assert "stopped unexpectedly" in str(answers[2][1])
    assert [answers[k][0] for k in (0, 1, 3)] == [0, 1, 3]


def test_a_document_over_its_time_limit_fails_alone_and_the_rest_is_built(small_project):
    evil = small_project / "layouts" / "slow"
    evil.mkdir()
    (evil / "layout.yaml").write_text("name: slow\ndescription: Slow for one species.\nkind: document\n"
                                      "extends: factsheet\ntemplate: slow.html.j2\n")
    (evil / "slow.html.j2").write_text(
        "{% extends 'factsheet.html.j2' %}{% block body %}"
        "{% if species.id == 'red-fox' %}{% for a in 'x' * 100000 %}{% for b in 'x' * 100000 %}"
        "{% endfor %}{% endfor %}{% endif %}{{ super() }}{% endblock %}\n")
    limited = Settings(limits=Settings().limits.__class__(time_s=6))  # a loaded machine lays a sheet out in 2-4 s
    result = _build(small_project, ("slow",), settings=limited, raise_errors=False)
    assert _built(result) == {"amur-leopard-slow-a4.pdf", "axolotl-slow-a4.pdf"}, result.failures
    assert [f.label for f in result.failures] == ["red-fox / slow / A4"]
    assert "took longer than 6 s" in result.failures[0].message


def test_keep_going_builds_the_valid_species_and_lists_the_invalid_one(small_project, monkeypatch):
    bad = small_project / "data" / "species" / "broken.yaml"
    bad.write_text("schema: 1\nname: {common: Broken, scientific: Brokus brokus}\nstatus: {category: XX}\n")
    monkeypatch.chdir(small_project)
    stopped = CliRunner().invoke(main, ["build", "-s", "A4"])
    assert stopped.exit_code == 1 and not list((small_project / "out").glob("*.pdf"))
    going = CliRunner().invoke(main, ["build", "-s", "A4", "--keep-going", "--json", "report.json"])
    assert going.exit_code == 1
    assert "broken.yaml:3" in going.output and "3 built, 0 up to date, 1 failed" in going.output
    assert len(list((small_project / "out").glob("*.pdf"))) == 3
    report = json.loads((small_project / "report.json").read_text())
    assert len(report["built"]) == 3 and report["failed"][0]["job"].endswith("broken.yaml") and not report["ok"]


def test_a_deck_in_chunks_matches_the_deck_in_one_piece(tmp_path, monkeypatch):
    from pdfcheck import text
    from wildpress.runner import deck_cache

    whole = build(None, ["flashcards"], ["a7"], tmp_path / "whole", project_dir=tmp_path,
                  settings=Settings(created=None))
    monkeypatch.setattr(deck_cache, "MIN_CHUNK", 1)
    monkeypatch.setattr(deck_cache, "CARDS_PER_CHUNK", 3)
    assert len(deck_cache.chunk_ranges([f"{n:064x}" for n in range(7)], 2)) >= 2
    parts = build(None, ["flashcards"], ["a7"], tmp_path / "parts", project_dir=tmp_path)
    a, b = whole.outputs[0].path, parts.outputs[0].path
    assert len(reader(a).pages) == len(reader(b).pages)
    assert text(reader(a)) == text(reader(b))


def test_chunk_ranges_cover_the_deck_and_use_every_worker():
    import hashlib

    from wildpress.runner.deck_cache import CARDS_PER_CHUNK, chunk_ranges

    for cards in (1, 7, 9, 50, 500, 2001):
        keys = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(cards)]
        spans = chunk_ranges(keys, 2)
        assert [i for span in spans for i in span] == list(range(cards))
        assert max(len(s) for s in spans) <= CARDS_PER_CHUNK * 3 // 2
    assert len(chunk_ranges([hashlib.sha256(str(n).encode()).hexdigest() for n in range(20)], 2)) >= 2


def test_missing_harfbuzz_subset_is_said_once(small_project, monkeypatch):
    monkeypatch.setattr(sys.modules["wildpress.build"], "harfbuzz_subset", lambda: False)
    monkeypatch.chdir(small_project)
    result = CliRunner().invoke(main, ["build", "-s", "A4"])
    assert result.exit_code == 0, result.output
    assert result.output.count("4.5x slower") == 1 and "apt-get install libharfbuzz-subset0" in result.output
    again = CliRunner().invoke(main, ["build", "-s", "A4"])
    assert "4.5x" not in again.output  # nothing to render, nothing to say


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_build_leaves_no_partial_pdf_and_the_next_build_finishes(sig, tmp_path):
    project = tmp_path / "proj"
    shutil.copytree(SAMPLES, project / "data" / "species")
    out = project / "out"
    command = [sys.executable, "-m", "wildpress", "build", "-l", "poster", "-s", "A3", "-s", "A2", "-j", "2"]
    proc = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(out.glob("*.pdf")):
        time.sleep(0.05)
    assert list(out.glob("*.pdf")), "nothing was built"
    workers = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert workers, "no render workers"
    proc.send_signal(sig)
    output = proc.communicate(timeout=60)[0]
    assert "Traceback" not in output, output
    assert proc.returncode == (130 if sig == signal.SIGINT else -9), output
    time.sleep(0.5)
    for pdf in out.glob("*.pdf"):  # whatever is there is whole
        assert len(reader(pdf).pages) >= 1
    if sig == signal.SIGINT:
        assert not list(out.glob("*.part")) and "interrupted" in output
    for pid in workers:  # no render worker outlives the build, even one killed by SIGKILL
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    finished = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    assert len(list(out.glob("*.pdf"))) == 14 and not list(out.glob("*.part"))
    assert "up to date" in finished.stdout


def test_new_project_builds_with_its_brand_then_is_up_to_date_and_command_line_overrides_apply(tmp_path,
                                                                                                 monkeypatch):
    from pdfcheck import text

    monkeypatch.chdir(tmp_path)
    made = CliRunner().invoke(main, ["new", "my-project"])
    assert made.exit_code == 0, made.output
    monkeypatch.chdir(tmp_path / "my-project")
    first = CliRunner().invoke(main, ["build", "--json", "-"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout[first.stdout.index("{"):first.stdout.rindex("}") + 1])
    names = sorted(Path(b["path"]).name for b in report["built"])
    assert names == ["amur-leopard-poster-a3.pdf", "amur-leopard-trail-sheet-a4.pdf",
                     "amur-leopard-trail-sheet-letter.pdf", "red-fox-poster-a3.pdf", "red-fox-trail-sheet-a4.pdf",
                     "red-fox-trail-sheet-letter.pdf", "riverbend-deck-flashcards-a7.pdf"]
    poster = reader(tmp_path / "my-project" / "out" / "amur-leopard-poster-a3.pdf")
    assert "Riverbend Wildlife Trust" in text(poster) and "riverbend-wildlife.example.org" in text(poster)
    again = CliRunner().invoke(main, ["build"])
    assert again.exit_code == 0 and "0 built, 7 up to date" in again.output, again.output
    # Given on the command line, --bleed overrides the file for the outputs -l keeps; the rest is untouched.
    bled = CliRunner().invoke(main, ["build", "-l", "poster", "--bleed", "3mm"])
    assert bled.exit_code == 0 and "2 built, 0 up to date" in bled.output, bled.output
    page = reader(tmp_path / "my-project" / "out" / "amur-leopard-poster-a3.pdf").pages[0]
    assert float(page.mediabox.width) - float(page.trimbox.width) == pytest.approx(2 * 3 / 25.4 * 72, abs=0.01)


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_elsewhere(tmp_path):
    import io

    from wildpress.runner import progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    tty, pipe = Terminal(), io.StringIO()
    bar, plain = progress.for_stream(tty), progress.for_stream(pipe)
    assert isinstance(bar, progress.Bar) and not isinstance(plain, progress.Bar)
    for report in (bar, plain):
        report.start(3)
        report.step("deck / flashcards / A7 (cards 1/3)", "rendered")
        report.log("wrote out/deck-flashcards-a7.pdf  (8 pages, 1.00 s)")
        report.step("deck / flashcards / A7", "wrote")
        report.close()
    assert "[########" in tty.getvalue() and "1/3" in tty.getvalue() and "\r" in tty.getvalue()
    assert pipe.getvalue() == "wrote out/deck-flashcards-a7.pdf  (8 pages, 1.00 s)\n"  # no bar in a log


def test_unchanged_species_files_are_not_checked_again_and_a_changed_picture_is(small_project, monkeypatch):
    from conftest import write_test_photo
    from wildpress.data import species as species_module

    fox = small_project / "data" / "species" / "red-fox.yaml"
    photos = small_project / "data" / "species" / "photos"
    photos.mkdir()
    write_test_photo(photos / "fox.jpg")
    fox.write_text(fox.read_text() + "photo: {file: photos/fox.jpg, credit: A. Test, licence: CC-BY-4.0, alt: A fox}\n")
    _build(small_project)
    checked = []
    real_check = species_module._check
    monkeypatch.setattr(species_module, "_check", lambda file, *a: checked.append(file.name) or real_check(file, *a))
    again = _build(small_project)
    assert checked == [] and len(again.up_to_date) == 3
    write_test_photo(photos / "fox.jpg", (1000, 700))  # a new picture: its file is checked again
    edited = _build(small_project)
    assert checked == ["red-fox.yaml"] and _built(edited) == {"red-fox-factsheet-a4.pdf"}
    fox.write_text(fox.read_text().replace("category: LC", "category: XX"))  # an error is never cached
    with pytest.raises(Exception, match="XX"):
        _build(small_project)
