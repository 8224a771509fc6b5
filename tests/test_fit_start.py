"""A rebuild's fit ladder starts from the rung that fitted last time (issue 19), and finds what a
walk from the top finds: the same rung, the same pages, in fewer passes."""

from __future__ import annotations

import json

import pytest

from conftest import SAMPLES
from wildpress import build
from wildpress.layout import ladder
from wildpress.runner.manifest import MANIFEST, Manifest


def fitting_from(first_fit: int, rungs: int = 6):
    """A ladder of ``rungs`` where every rung from ``first_fit`` on fits; the rungs tried, in order."""
    tried = []

    def attempt(rung):
        index = ladder_rungs.index(rung)
        tried.append(index)
        return None if index >= first_fit else "too long"

    ladder_rungs = ladder.rungs(ladder.Step(f"step {n}", f"s{n}") for n in range(rungs - 1))
    return ladder_rungs, attempt, tried


@pytest.mark.parametrize("first_fit", range(6))
@pytest.mark.parametrize("start", range(-1, 8))
def test_any_start_finds_the_rung_a_walk_from_the_top_finds(first_fit, start):
    rungs, attempt, tried = fitting_from(first_fit)
    assert ladder.walk(rungs, attempt, start) == (first_fit, None)
    if start == first_fit and start > 0:
        assert tried == [start - 1, start]  # the rung before still does not fit: two passes
    if start <= 0 or start >= len(rungs):
        assert tried == list(range(first_fit + 1))  # no usable start: from the top, as before


def test_a_start_below_the_rung_that_fits_now_climbs_back_and_restores_the_fitting_pass():
    rungs, attempt, tried = fitting_from(2)
    restored = []
    assert ladder.walk(rungs, attempt, 5, keep=lambda: tried[-1], restore=restored.append) == (2, None)
    assert tried == [4, 3, 2, 1] and restored == [2]  # rung 1 did not fit: rung 2's pass is brought back


def test_no_rung_fits_from_any_start():
    rungs, attempt, _ = fitting_from(9)
    assert ladder.walk(rungs, attempt, 3) == (-1, "too long")


@pytest.mark.parametrize("recorded", [True, 1.0, -1, 3.5, "2", [2], None, 10 ** 9])
def test_a_recorded_rung_that_is_not_a_small_whole_number_means_the_top(tmp_path, recorded):
    entry = {"key": "a" * 64, "sha256": "b" * 64, "size": 1, "job": "x", "sources": [], "warnings": [],
             "fit": recorded}
    (tmp_path / MANIFEST).write_text(json.dumps({"format": 1, "outputs": {"x-factsheet-a4.pdf": entry}}))
    manifest = Manifest(tmp_path)
    assert "x-factsheet-a4.pdf" in manifest.outputs and manifest.fit_rung("x-factsheet-a4.pdf") == 0
    assert manifest.fit_rung("never-built.pdf") == 0


def page_images(data: bytes) -> list[bytes]:
    """Every page of a PDF drawn at 50 dpi, as raw RGB bytes (for a pixel comparison)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return [doc[n].render(scale=50 / 72).to_pil().convert("RGB").tobytes() for n in range(len(doc))]
    finally:
        doc.close()


def edited_record(tmp_path, extra: str) -> object:
    """The Amur leopard with ``extra`` appended to its description, loaded (photos beside it)."""
    from wildpress.data.species import load_species
    from wildpress.data.yamlsafe import load_file
    import yaml

    data = load_file(SAMPLES / "amur-leopard.yaml").data
    data["description"] = {k: v + extra for k, v in data["description"].items()} \
        if isinstance(data["description"], dict) else data["description"] + extra
    folder = tmp_path / "species"
    folder.mkdir(exist_ok=True)
    if not (folder / "photos").exists():
        (folder / "photos").symlink_to(SAMPLES / "photos")
    (folder / "amur-leopard.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    (species,), problems = load_species([folder / "amur-leopard.yaml"])
    assert not [p for p in problems if p.severity == "error"]
    return species


def fitted(renderer, species, tmp_path, start: int, counts: dict) -> tuple[list[bytes], int]:
    """The A4 poster of ``species`` rendered in this process with its ladder starting at ``start``:
    (its pages drawn, the rung that fitted); ``counts["passes"]`` counts the layout passes."""
    from wildpress.jobs import Job, Settings
    from wildpress.layout.document import render_document
    from wildpress.layout.layouts import load_layout
    from wildpress.printing.sizes import get_size
    from wildpress.safety.confine import Confinement

    layout, cache = load_layout("poster"), tmp_path / "cache"
    settings = Settings(cache_dir=str(cache))
    job = Job([species], layout, get_size("a4"), layout.resolve_options({}), species.id, settings=settings,
              fit_start=start)
    confinement = Confinement.for_project(tmp_path, [species.file.parent, SAMPLES / "photos"]).with_root(cache)
    with renderer.confined(confinement, 100):
        data, _pages = render_document(renderer, job, settings)
    return page_images(data), job.fit_rung


@pytest.fixture
def passes(monkeypatch):
    from wildpress.layout.render import Renderer

    counts, render = {"passes": 0}, Renderer.render

    def counting(self, *args, **kwargs):
        counts["passes"] += 1
        return render(self, *args, **kwargs)

    monkeypatch.setattr(Renderer, "render", counting)
    return counts


def test_a_poster_refitted_from_its_last_rung_after_an_edit_equals_a_fresh_fit_in_fewer_passes(tmp_path, passes):
    from wildpress.layout.render import Renderer

    renderer = Renderer()
    before = edited_record(tmp_path, "")
    _pages, recorded = fitted(renderer, before, tmp_path, 0, passes)
    assert recorded >= 2  # the poster gives ground a few rungs down: a start there saves passes

    after = edited_record(tmp_path, " Camera traps found two more cubs in the last survey.")
    passes["passes"] = 0
    fresh, fresh_rung = fitted(renderer, after, tmp_path, 0, passes)
    fresh_passes, passes["passes"] = passes["passes"], 0
    again, again_rung = fitted(renderer, after, tmp_path, recorded, passes)
    assert again_rung == fresh_rung and again == fresh
    assert passes["passes"] < fresh_passes


@pytest.mark.parametrize("start", [1, 5, 99])
def test_a_start_too_high_or_too_low_still_finds_the_fresh_fit(tmp_path, passes, start):
    from wildpress.layout.render import Renderer

    renderer = Renderer()
    species = edited_record(tmp_path, "")
    fresh, fresh_rung = fitted(renderer, species, tmp_path, 0, passes)
    again, again_rung = fitted(renderer, species, tmp_path, start, passes)
    assert again_rung == fresh_rung and again == fresh


def test_the_manifest_keeps_the_rung_and_a_rebuild_after_an_edit_matches_a_fresh_build(tmp_path):
    species = edited_record(tmp_path, "")
    name = "amur-leopard-poster-a4.pdf"
    build([species.file], ["poster"], ["a4"], tmp_path / "kept", jobs=1)
    recorded = Manifest(tmp_path / "kept").fit_rung(name)
    assert recorded >= 2 and json.loads((tmp_path / "kept" / MANIFEST).read_text())["outputs"][name]["fit"] == recorded
    edited_record(tmp_path, " Camera traps found two more cubs in the last survey.")
    rebuilt = build([species.file], ["poster"], ["a4"], tmp_path / "kept", jobs=1)
    build([species.file], ["poster"], ["a4"], tmp_path / "fresh", jobs=1)
    assert [o.path.name for o in rebuilt.outputs] == [name]  # rebuilt, not kept: the record changed
    assert Manifest(tmp_path / "kept").fit_rung(name) == Manifest(tmp_path / "fresh").fit_rung(name)
    assert page_images((tmp_path / "kept" / name).read_bytes()) == page_images((tmp_path / "fresh" / name).read_bytes())
