"""The fact sheet, checked as a PDF: pages, MediaBox, text, fonts."""

from __future__ import annotations

import re

import pytest

from pdfcheck import A4, LETTER, box, fonts, reader, text

SEED_FACTS = [
    "Amur leopard", "Panthera pardus orientalis", "Critically Endangered", "CR",
    "Less than 60", "1–1.36 m", "60–74 cm", "25–48 kg", "Russia", "China", "Primorsky Krai",
    "50–57", "7–12", "~5,000 km²", "30–130 km²", "Tumen River", "Temperate forest",
    # diet
    "Roe & sika deer", "Musk deer", "Moose", "Wild pig", "Badgers", "Hares", "Fowls", "Mice",
    # threats
    "Poaching", "Encroachment", "Forest fires", "Inbreeding", "Diseases", "Tigers",
    "20% of the habitat burns", "ALTA", "Amur Leopard and Tiger Alliance",
    "Four anti-poaching teams", "snow track counts", "60 km/h", "Breeding occurs in spring",
    "20–25 mm", "70 mm",
]


@pytest.mark.parametrize("size, dims", [("a4", A4), ("letter", LETTER)])
def test_amur_leopard_sheet_structure(sample_build, size, dims):
    output = sample_build[("amur-leopard", size)]
    assert output.path.name == f"amur-leopard-factsheet-{size}.pdf"
    pdf = reader(output.path)
    assert 1 <= len(pdf.pages) <= 2
    for page in pdf.pages:
        assert box(page) == dims
    content = text(pdf)
    missing = [fact for fact in SEED_FACTS if fact not in content]
    assert not missing, f"seed facts missing from the PDF text: {missing}"


def test_every_font_is_embedded_and_bundled(sample_build):
    for output in sample_build.values():
        found = fonts(reader(output.path))
        assert found, output.path
        for name, embedded in found.items():
            assert embedded, f"{output.path.name}: {name} is not embedded"
            # Subset prefix ABCDEF+ then our family name: a system fallback font would show here.
            assert name.split("+", 1)[-1].startswith("/Wildpress") or "+Wildpress" in name, \
                f"{output.path.name}: font {name} is not one of the bundled fonts"


def test_every_sample_builds_at_both_sizes_within_two_pages(sample_build):
    species = {sid for sid, _ in sample_build}
    assert len(species) >= 6
    for (sid, size), output in sample_build.items():
        pdf = reader(output.path)
        assert 1 <= len(pdf.pages) <= 2, output.path
        assert box(pdf.pages[0]) == (A4 if size == "a4" else LETTER)


def test_metadata(sample_build):
    meta = reader(sample_build[("amur-leopard", "a4")].path).metadata
    assert meta.title.startswith("Amur leopard (Panthera pardus orientalis)")
    assert meta.author is None  # no organisation given: no author, and no product name on the page
    assert "Critically Endangered" in meta.subject
    assert "IUCN CR" in meta["/Keywords"]
    assert meta["/Creator"].startswith("wildpress ")
    assert meta.creation_date is not None


def test_no_photo_draws_the_designed_panel_and_no_placeholder_words(sample_build):
    content = text(reader(sample_build[("snow-leopard", "a4")].path))  # no openly licensed photo yet
    assert "No photograph" not in content
    assert "WILDPRESS" not in content.upper()
    assert "SL" in content and "MAMMAL" in content  # the monogram and the taxon group on the panel
    assert len(re.findall(r"Snow leopard ?Panthera uncia", content)) == 1  # the panel repeats no title


def test_organisation_is_printed_in_kicker_and_footer_and_recorded_as_author(tmp_path):
    from conftest import SAMPLES, without_photo
    from wildpress import build
    from wildpress.build import Settings

    result = build([SAMPLES / "amur-leopard.yaml"], ["factsheet"], ["a4"], tmp_path,
                   settings=Settings(organisation="Friends of the Leopard"))
    pdf = reader(result.outputs[0].path)
    assert pdf.metadata.author == "Friends of the Leopard"
    assert text(pdf).upper().count("FRIENDS OF THE LEOPARD") >= 1 + len(pdf.pages)  # kicker, every footer


def test_minimal_species_builds_one_clean_page(scenario, tmp_path):
    from wildpress import build

    result = build([scenario("valid-minimal.yaml")], ["factsheet"], ["A4"], tmp_path)
    pdf = reader(result.outputs[0].path)
    assert len(pdf.pages) == 1
    assert "Test cat" in text(pdf) and "Felis testus" in text(pdf)


def test_content_beyond_the_ladder_fails_naming_the_field_that_takes_most_room(tmp_path):
    from conftest import SAMPLES, without_photo
    from wildpress import build
    from wildpress.errors import FitError

    source = without_photo((SAMPLES / "amur-leopard.yaml").read_text())
    sentence = "Leopards roam widely across the snowy forest and keep the deer in balance. "
    bloated = tmp_path / "bloated.yaml"
    bloated.write_text(source
                       .replace("ecology:\n  en: >-\n", f"ecology:\n  en: >-\n    {sentence * 60}\n    ", 1)
                       .replace("habitat:\n  en: >-\n", f"habitat:\n  en: >-\n    {sentence * 45}\n    ", 1)
                       .replace("description:\n  en: >-\n", f"description:\n  en: >-\n    {sentence * 40}\n    ", 1))
    with pytest.raises(FitError) as caught:
        build([bloated], ["factsheet"], ["A4"], tmp_path / "out")
    message = str(caught.value)
    assert message.startswith("bloated / factsheet / A4: the content does not fit after giving ground "
                              "(balanced columns, tighter spacing")
    assert "the content needs 3 pages; the layout allows 2 by " in message
    line = 1 + next(n for n, row in enumerate(bloated.read_text().splitlines(), 1) if row.startswith("ecology:"))
    assert f"The field that takes most room is ecology (" in message
    assert f"of the text) at {bloated}:{line}. Shorten it or choose a larger size." in message
    assert not (tmp_path / "out").exists()


def test_a_long_record_gives_ground_and_says_what_it_left_out(tmp_path):
    from conftest import SAMPLES, without_photo
    from wildpress import build

    source = without_photo((SAMPLES / "amur-leopard.yaml").read_text())
    long_facts = "".join(f"  - {'Leopards roam widely across the snowy forest. ' * 5}\n" for _ in range(30))
    long = tmp_path / "long.yaml"
    long.write_text(source.replace("quick_facts:\n", "quick_facts:\n" + long_facts))
    result = build([long], ["factsheet"], ["A4"], tmp_path / "out")
    assert len(reader(result.outputs[0].path).pages) == 2
    warnings = [str(w) for w in result.warnings]
    assert any(w.startswith(f"{long}: warning: long / factsheet / A4: to fit, left out ") and "quick facts" in w
               for w in warnings), warnings
    assert "+ " in text(reader(result.outputs[0].path))  # '+ N more' says there is more
