"""`wildpress serve` rebuilds what is on screen first (issue 19): the steps of a round are narrowed
copies of the one build request, and together they make exactly what the whole request makes."""

from __future__ import annotations

import pytest

from servecheck import restyled_project
from wildpress.build import build
from wildpress.request import assemble
from wildpress.runner.manifest import Manifest
from wildpress.site import rounds


@pytest.fixture
def restyled(tmp_path, monkeypatch):
    """Two species without photos, a layout of the project's own at A4 and US Letter: 4 outputs."""
    restyled_project(tmp_path, sizes="A4, letter")
    monkeypatch.chdir(tmp_path)
    request = assemble(jobs=2)
    assert len(build(request).outputs) == 4
    return tmp_path, request


def test_the_steps_build_the_shown_output_first_then_the_rest_and_the_whole_request_nothing(restyled, monkeypatch):
    root, request = restyled
    monkeypatch.setattr(rounds, "STEP_OUTPUTS_PER_WORKER", 1)  # a step a species, to see their order
    (root / "layouts" / "mine" / "mine.css").write_text(".species-name { letter-spacing: 0.02em; }\n", "utf-8")
    recorded = Manifest(root / "out").outputs
    first = rounds.first_step(request, recorded, ("nothing.pdf", "red-fox-mine-letter.pdf", "red-fox-mine-a4.pdf"))
    assert first.only == ("red-fox",) and first.outputs[0].sizes == ("letter",)
    shown = build(first)
    assert [o.path.name for o in shown.outputs] == ["red-fox-mine-letter.pdf"] and not shown.up_to_date
    total = shown
    species_file = str(root / "data" / "species" / "red-fox.yaml")
    steps = rounds.species_steps(request, recorded, {species_file}, root, jobs=1)
    assert [s.only for s in steps] == [("red-fox",), ("amur-leopard",)]  # the edited species first
    for step in steps:
        total = rounds.merged(total, build(step))
    assert sorted(o.path.name for o in total.outputs) == sorted(recorded)  # each built once
    assert total.up_to_date == [] and total.failures == []
    assert build(request).outputs == []  # the whole request finds everything up to date
    assert sorted(recorded) == sorted(Manifest(root / "out").outputs)  # no step forgot another's outputs


def test_nothing_viewed_or_a_narrowed_request_has_no_first_step(restyled):
    root, request = restyled
    recorded = Manifest(root / "out").outputs
    assert rounds.first_step(request, recorded, ()) is None
    assert rounds.first_step(request, recorded, ("../wildpress.yaml",)) is None
    assert rounds.first_step(request.replace(only=("red-fox",)), recorded, ("red-fox-mine-a4.pdf",)) is None
    assert rounds.species_steps(request.replace(only=("red-fox",)), recorded, set(), root, 2) == []
    steps = rounds.species_steps(request, recorded, set(), root, jobs=2)  # 2 outputs a species: both in a step
    assert rounds.STEP_OUTPUTS_PER_WORKER * 2 > 2 and [s.only for s in steps] == [("amur-leopard", "red-fox")]


def test_a_failure_in_two_steps_is_listed_once(restyled):
    root, request = restyled
    (root / "layouts" / "mine" / "mine.css").write_text(".species-name { font-sise: 3pt; }\n", "utf-8")
    recorded = Manifest(root / "out").outputs
    first = build(rounds.first_step(request, recorded, ("red-fox-mine-a4.pdf",)), raise_errors=False)
    rest = build(request.replace(only=("red-fox",)), raise_errors=False)
    total = rounds.merged(first, rest)
    assert sorted(f.label for f in total.failures) == ["red-fox / mine / A4", "red-fox / mine / US Letter"]
    assert all("mine/mine.css:1:" in f.message for f in total.failures)


def test_an_edit_during_a_round_stops_it_between_steps_and_the_next_round_finishes(restyled, monkeypatch):
    import queue
    from types import SimpleNamespace

    from wildpress.site import serve
    from wildpress.site.serve_http import Live

    root, request = restyled
    monkeypatch.setattr(rounds, "STEP_OUTPUTS_PER_WORKER", 1)  # a step a species
    (root / "layouts" / "mine" / "mine.css").write_text(".species-name { letter-spacing: 0.05em; }\n", "utf-8")
    live = Live(root / "out")
    live.viewing = ("red-fox-mine-a4.pdf",)
    pending = queue.Queue()
    pending.put({("modified", str(root / "layouts" / "mine" / "mine.css"))})  # the designer saved again
    said = []
    done = serve._edit_round(lambda: request, live, SimpleNamespace(changes=pending), set(), root, said.append,
                             None, {})
    assert done is None and live.version == 1 and live.building  # stopped after the shown output's step
    assert said == ["shown first: red-fox-mine-a4.pdf" + said[0].split(".pdf", 1)[1]]
    pending.get_nowait()
    done = serve._edit_round(lambda: request, live, SimpleNamespace(changes=pending), set(), root, said.append,
                             None, {})
    assert done is not None and done.error is None and not done.result.failures
    assert build(request).outputs == []  # everything made by the two rounds
    assert "queued" not in (root / "out" / "index.html").read_text("utf-8").split("<main>", 1)[1]
