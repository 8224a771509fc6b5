"""The flashcards layout: fronts, backs, sizes, questions, the CLI and the calibration sheet."""

from __future__ import annotations

import io
import shutil

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from cardcheck import make_deck
from conftest import REPO, SAMPLES, without_photo, write_test_photo
from pdfcheck import text
from test_fit import _text_runs
from wildpress import build
from wildpress.build import Settings
from wildpress.layout.cards import facts, question
from wildpress.cli import main
from wildpress.printing.imposition import ImpositionSettings
from wildpress.data.species import find_species_files, load_species
from wildpress.printing.sizes import get_size

ONE_PER_PAGE = Settings(cards=ImpositionSettings(mode="none"))


@pytest.fixture(scope="module")
def samples():
    species, _ = load_species(find_species_files([SAMPLES]))
    return {sp.id: sp.data for sp in species}


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """The samples as one-card-per-page decks, per front variant, built once."""
    out = tmp_path_factory.mktemp("variants")
    built = {}
    for front in ("name", "photo", "question"):
        result = build([SAMPLES], ["flashcards"], ["a7"], out / front, project_dir=REPO,
                       options={"front": front}, settings=ONE_PER_PAGE)
        built[front] = PdfReader(io.BytesIO(result.outputs[0].path.read_bytes()))
    return built


def side_text(pdf, card, side):
    return text_of(pdf.pages[2 * card + (side == "back")])


def text_of(page):
    return " ".join((page.extract_text() or "").replace("\u00ad", "").split())


def test_name_front_and_back_carry_the_facts(decks):
    pdf = decks["name"]
    assert len(pdf.pages) == 14  # 7 samples, front + back each
    front, back = side_text(pdf, 0, "front"), side_text(pdf, 0, "back")
    assert "Amur leopard" in front and "Panthera pardus orientalis" in front
    assert "Critically Endangered" in back and "Panthera pardus orientalis" in back
    assert "Long limbs well adapted" in back
    assert "Mostly solitary." in back


def test_question_front_asks_from_the_data_and_the_back_answers(decks):
    pdf = decks["question"]
    front, back = side_text(pdf, 0, "front"), side_text(pdf, 0, "back")
    assert "Which critically endangered big cat lives in Russia and China" in front
    assert "Amur leopard" not in front and "Panthera" not in front
    assert "answer" in back.lower() and "Amur leopard" in back


def test_photo_front_gives_nothing_away(decks):
    pdf = decks["photo"]
    for card in range(7):
        front = side_text(pdf, card, "front")
        assert "leopard" not in front.lower() and "puffin" not in front.lower()


def test_a_photo_front_without_a_photo_is_a_designed_quiz_and_the_build_says_which(tmp_path):
    species = tmp_path / "species"
    species.mkdir()
    for name in ("amur-leopard", "axolotl", "atlantic-puffin"):
        text = (SAMPLES / f"{name}.yaml").read_text()
        (species / f"{name}.yaml").write_text(without_photo(text) if name != "amur-leopard" else text)
    shutil.copytree(SAMPLES / "photos", species / "photos")
    result = build([species], ["flashcards"], ["a7"], tmp_path / "out", project_dir=tmp_path,
                   options={"front": "photo"}, settings=ONE_PER_PAGE)
    said = [str(w) for w in result.warnings if "front=photo" in str(w)]
    assert len(said) == 1 and "2 of 3 species have no photo" in said[0], result.warnings
    assert "atlantic-puffin" in said[0] and "axolotl" in said[0] and "amur-leopard" not in said[0]
    pdf = PdfReader(io.BytesIO(result.outputs[0].path.read_bytes()))
    fronts = [side_text(pdf, card, "front") for card in range(3)]
    for front in fronts:
        assert "No photograph" not in front and "axolotl" not in front.lower() and "puffin" not in front.lower()
    clued = [f for f in fronts if "who am i?" in f.lower()]
    assert len(clued) == 2 and all("Answer on the back" in f for f in clued)
    assert any("Bird" in f for f in clued) and any("Critically Endangered" in f for f in clued)


def test_no_text_below_seven_points(decks):
    for pdf in decks.values():
        for page in pdf.pages:
            sizes = [size for _, _, size in _text_runs(page)]
            assert not sizes or min(sizes) >= 7.0 - 0.01  # a photo-only quiz front has no text at all


def test_questions_use_only_the_data(samples):
    leopard = samples["amur-leopard"]
    plain = lambda q: q.replace("\u00a0", " ").replace("\u2060", "")  # noqa: E731 - no-break joins in figures
    assert plain(question(leopard)) == "Which critically endangered big cat lives in Russia and China and weighs 25–48 kg?"
    sequoia = plain(question(samples["giant-sequoia"]))
    assert sequoia.startswith("Which endangered conifer grows in the United States and stands 50–85 m tall")
    whale = question(samples["blue-whale"])  # no country list: a size clue only
    assert whale and "lives in" not in whale and whale.startswith("Which endangered whale")
    bare = {"name": {"common": "X", "scientific": "Genus species"}, "status": {"category": "LC"}}
    assert question(bare) is None


def test_facts_keep_the_authors_order_and_fill_from_the_data(samples):
    chosen = facts(samples["amur-leopard"], "en")
    assert [f["field"] for f in chosen] == [f"quick_facts[{i}]" for i in range(6)]
    sparse = {**samples["amur-leopard"], "quick_facts": ["One fact."]}
    assert [f["field"] for f in facts(sparse, "en")] == ["quick_facts[0]", "diet", "range.region", "description"]
    bare = {"name": {"common": "X", "scientific": "Genus species"}, "description": "Biggest fish. " + "Long. " * 60,
            "habitat": "Warm seas."}
    texts = [f["text"] for f in facts(bare, "en")]  # a sparse record's card back: its texts, a sentence or two
    assert texts[0].startswith("Biggest fish.") and len(texts[0]) <= 180 and texts[1] == "Warm seas."


@pytest.mark.parametrize("size", ["a6", "index-3x5", "index-4x6", "poker", "70x100mm"])
def test_every_card_size_builds(tmp_path, size):
    result = build([SAMPLES / "amur-leopard.yaml", SAMPLES / "blue-whale.yaml"], ["flashcards"], [size],
                   tmp_path, project_dir=REPO, settings=ONE_PER_PAGE)
    pdf = PdfReader(result.outputs[0].path)
    card = get_size(size)
    assert len(pdf.pages) == 4
    trim = [float(v) for v in pdf.pages[0]["/TrimBox"]]
    assert trim[2] - trim[0] == pytest.approx(card.width, abs=0.01)
    assert trim[3] - trim[1] == pytest.approx(card.height, abs=0.01)


def test_photo_card_shows_the_photo_and_credits_it(tmp_path):
    deck = make_deck(tmp_path / "deck", 1)
    write_test_photo(deck / "ocelot.jpg")
    file = next(deck.glob("*.yaml"))
    file.write_text(file.read_text() + "photo:\n  file: ocelot.jpg\n  credit: Test Photographer\n"
                    "  licence: CC BY 4.0\n  alt: A spotted cat\n", encoding="utf-8")
    result = build([deck], ["flashcards"], ["a7"], tmp_path / "out", project_dir=REPO, settings=ONE_PER_PAGE)
    pdf = PdfReader(result.outputs[0].path)
    assert "/XObject" in pdf.pages[0]["/Resources"]
    assert "Photo: Test Photographer (CC BY 4.0)" in text_of(pdf.pages[1])


def test_cli_builds_a_deck_and_a_calibration_sheet(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(SAMPLES), "-l", "flashcards", "--front", "question",
                                  "--sheet", "letter", "--duplex", "short", "--crop-marks",
                                  "--back-offset", "0.5,0.5", "--deck-name", "quiz", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    pdf = PdfReader(tmp_path / "quiz-flashcards-a7.pdf")
    assert len(pdf.pages) == 4 and round(float(pdf.pages[0].mediabox.width)) == 612
    assert pdf.metadata["/Creator"].startswith("wildpress")
    result = runner.invoke(main, ["calibrate", "--sheet", "A4", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    cal = PdfReader(tmp_path / "calibrate-a4-long.pdf")
    assert len(cal.pages) == 2
    assert "--back-offset X,Y" in text(cal) and "100 mm" in text(cal)
    bad = runner.invoke(main, ["build", str(SAMPLES), "-l", "flashcards", "--back-offset", "1;2", "-o", str(tmp_path)])
    assert bad.exit_code == 2 and "back offset" in bad.output


def test_card_larger_than_the_sheet_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["build", str(SAMPLES / "axolotl.yaml"), "-l", "flashcards", "-s", "a4",
                                       "--sheet", "a6", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "does not fit on A6" in result.output


def test_figure_tiles_in_a_band_share_one_type_size():
    from wildpress.layout.cards import tile_values

    stats = [{"value": "~10,000–25,000", "label": "Population"}, {"value": "30 m", "label": "Length"},
             {"value": "up to 90 years", "label": "Lifespan"}]
    tiles = tile_values(stats, 74, 11)
    assert len({tile["pt"] for tile in tiles}) == 1 and tiles[0]["pt"] < 11  # the long one sets the band
    assert len({tile["pt"] for tile in tile_values(stats[1:2], 74, 11)}) == 1
