"""Text fit: long text shrinks until it fits; text that cannot fit fails, naming the field."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from cardcheck import MM, make_deck
from conftest import REPO
from wildpress import build
from wildpress.build import Settings
from wildpress.layout.cards import MIN_PT, base_pt
from wildpress.errors import FitError
from wildpress.layout.fit import Overflow, fit_items
from wildpress.layout.ladder import Step
from wildpress.layout.ladder import rungs as ladder_rungs
from wildpress.printing.imposition import ImpositionSettings
from wildpress.printing.sizes import get_size

LONG_FACT = ("Young animals learn the routes, resting places and hunting trails of their mother's "
             "territory over their first two years, and many keep using the same paths as adults")


def test_fit_items_only_lays_out_again_what_overflowed():
    calls = []
    need = {"a": 0, "b": 2, "c": 1}  # rung at which each item fits

    def attempt(levels):
        calls.append(sorted(levels))
        return {k: None if rungs[k].index(lvl) >= need[k] else Overflow("f", 10, 1, False)
                for k, lvl in levels.items()}

    steps = [Step("smaller", scale=0.9), Step("smallest", scale=0.8)]
    rungs = {k: ladder_rungs(steps) for k in need}
    assert fit_items(rungs, attempt, lambda *a: "no") == need
    assert calls == [["a", "b", "c"], ["b", "c"], ["b"]]


def test_fit_items_fails_at_the_last_rung_with_the_described_field():
    def attempt(levels):
        return {k: Overflow("quick_facts[0]", 4000, 3, True) for k in levels}

    with pytest.raises(FitError, match=r"x: quick_facts\[0\]"):
        fit_items({"x": ladder_rungs([Step("smaller", scale=0.9)])}, attempt, lambda k, lvl, o: f"{k}: {o.field}")


def test_a_600_word_quick_fact_fails_naming_species_side_and_field(tmp_path):
    def edit(n, data):
        data["quick_facts"] = [" ".join(["word"] * 600)] + data["quick_facts"][1:]

    deck = make_deck(tmp_path / "deck", 2, edit)
    with pytest.raises(FitError) as caught:
        build([deck], ["flashcards"], ["a7"], tmp_path / "out", project_dir=REPO)
    message = str(caught.value)
    assert "amur-leopard-000" in message
    assert "the back of its card" in message
    assert re.search(r"quick_facts\[0\] \(\d+ characters\) takes the most room", message), message
    assert "amur-leopard-000.yaml:" in message  # the line of the fact to shorten
    assert not list((tmp_path / "out").glob("*.pdf")), "a failed fit must not write a PDF"


def _text_runs(page):
    """(x, y, font size) of every text run on a page, in page coordinates."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((x, y, size * tm[0] * cm[0] if cm[0] else size * abs(tm[3])))

    page.extract_text(visitor_text=visit)
    return runs


@pytest.fixture(scope="module")
def long_but_fittable(tmp_path_factory):
    """Two cards whose facts are long: they must shrink (or drop facts) but fit."""
    def edit(n, data):
        data["quick_facts"] = [LONG_FACT + f" ({i + 1})." for i in range(6)]

    root = tmp_path_factory.mktemp("fit")
    deck = make_deck(root / "deck", 2, edit)
    result = build([deck], ["flashcards"], ["a7"], root / "out", project_dir=REPO,
                   settings=Settings(cards=ImpositionSettings(mode="none")))
    return result.outputs[0]


def test_long_text_is_shrunk_and_stays_inside_the_card(long_but_fittable):
    pdf = PdfReader(io.BytesIO(long_but_fittable.path.read_bytes()))
    assert long_but_fittable.pages == len(pdf.pages) == 4  # two cards, one page per side, no spill
    card, bleed, safe = get_size("a7"), 3 * MM, 3.5 * MM
    for page in pdf.pages:
        runs = _text_runs(page)
        assert runs
        for x, y, size in runs:
            # every run starts inside the safe area (glyph baselines sit above its bottom edge)
            assert bleed + safe - 0.5 <= x <= bleed + card.width - safe, (x, y)
            assert bleed + safe - 0.5 <= y <= bleed + card.height - safe, (x, y)
    back_sizes = [round(size, 2) for _, _, size in _text_runs(pdf.pages[1])]
    body = sorted(back_sizes)[len(back_sizes) // 2]  # the facts are most of the runs
    assert MIN_PT - 0.01 <= body < base_pt(card), "the back should have been set smaller than the base size"
    text = pdf.pages[1].extract_text()
    assert text.count("(1).") == 1 and "(6)." not in text  # fewer facts were chosen to make room
