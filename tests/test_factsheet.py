"""The fact sheet, checked as a PDF: pages, MediaBox, text, fonts."""

from __future__ import annotations

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
    assert meta.author == "wildpress"
    assert "Critically Endangered" in meta.subject
    assert "IUCN CR" in meta["/Keywords"]
    assert meta["/Creator"].startswith("wildpress ")
    assert meta.creation_date is not None


def test_no_photo_draws_the_fallback_panel(sample_build):
    # No sample has a photo yet: the sheet must say so in words, not show an empty frame.
    content = text(reader(sample_build[("amur-leopard", "a4")].path))
    assert "No photograph available for this species" in content


def test_minimal_species_builds_one_clean_page(scenario, tmp_path):
    from wildpress import build

    result = build([scenario("valid-minimal.yaml")], ["factsheet"], ["A4"], tmp_path)
    pdf = reader(result.outputs[0].path)
    assert len(pdf.pages) == 1
    assert "Test cat" in text(pdf) and "Felis testus" in text(pdf)


def test_content_beyond_two_pages_fails_naming_species_layout_and_size(tmp_path):
    from conftest import SAMPLES
    from wildpress import build
    from wildpress.errors import FitError

    source = (SAMPLES / "amur-leopard.yaml").read_text()
    long_facts = "".join(f"  - {'Leopards roam widely across the snowy forest. ' * 6}\n" for _ in range(40))
    bloated = tmp_path / "bloated.yaml"
    bloated.write_text(source.replace("quick_facts:\n", "quick_facts:\n" + long_facts))
    with pytest.raises(FitError, match=r"^bloated / factsheet / A4: the content needs \d+ pages; the layout allows 2"):
        build([bloated], ["factsheet"], ["A4"], tmp_path / "out")
    assert not (tmp_path / "out").exists()
