"""The poster at every registered size, both ways round: boxes, one page, all text, fit failures."""

from __future__ import annotations

import pytest

from conftest import REPO, SAMPLES, without_photo
from pdfcheck import reader, text

SPECIES = SAMPLES / "blue-whale.yaml"
POSTER_TEXT = [
    "Blue whale", "Balaenoptera musculus", "Endangered", "Why it matters", "Threats", "Ship strikes",
    "Entanglement", "Legacy of whaling", "Help protect the Blue whale", "Population",
    "en.wikipedia.org/wiki/Blue_whale", "International Whaling Commission", "Sources: IUCN",
    "Great whales such as the blue whale",
]


@pytest.fixture(scope="session")
def posters(tmp_path_factory):
    """One blue-whale poster per registered size and orientation, rendered once (~0.25 s each)."""
    from wildpress import build
    from wildpress.printing.sizes import list_sizes

    out = tmp_path_factory.mktemp("posters")
    found = {}
    for orientation in ("portrait", "landscape"):
        result = build([SPECIES], ["poster"], [s.name for s in list_sizes() if _big_enough(s)], out,
                       orientation=orientation, project_dir=REPO)
        for output in result.outputs:
            found[(output.job.size.name.removesuffix(f"-{orientation}").removesuffix("-portrait"), orientation)] = output
    return found


MIN_SHORT_SIDE_MM = 208  # layouts/poster/layout.yaml: below it, text would fall under 7 pt


def _big_enough(size) -> bool:
    return min(size.width_mm, size.height_mm) >= MIN_SHORT_SIDE_MM


def _registered(big=True):
    from wildpress.printing.sizes import list_sizes

    return [(s.name, o) for s in list_sizes() if _big_enough(s) == big
            for o in ("portrait", "landscape") if not (o == "landscape" and s.width_mm == s.height_mm)]  # a square has one way round


@pytest.mark.parametrize("name, orientation", _registered(big=False))
def test_sizes_too_small_for_the_type_floor_are_refused_up_front(tmp_path, name, orientation):
    from wildpress import build
    from wildpress.errors import UsageError
    from wildpress.printing.sizes import get_size

    with pytest.raises(UsageError, match=rf"^{get_size(name, orientation).label} is too small for layout 'poster'.*"
                                         r"the smallest size that works is US Letter \(215.9 × 279.4 mm\)$"):
        build([SPECIES], ["poster"], [name], tmp_path, orientation=orientation, project_dir=REPO)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name, orientation", _registered())
def test_poster_boxes_one_page_all_text(posters, name, orientation):
    from wildpress.printing.sizes import get_size

    size = get_size(name, orientation)
    output = posters[(name, orientation)]
    pdf = reader(output.path)
    assert len(pdf.pages) == 1
    page = pdf.pages[0]
    expected = (round(size.width, 2), round(size.height, 2))
    for box_name in ("mediabox", "trimbox", "bleedbox"):
        b = getattr(page, box_name)
        assert (round(float(b.width), 2), round(float(b.height), 2)) == expected, box_name
        assert (round(float(b.left), 2), round(float(b.bottom), 2)) == (0, 0), box_name
    content = text(pdf)
    # Labels are upper-cased by CSS and long web addresses wrap, so compare without case or spaces.
    squashed = content.lower().replace(" ", "")
    missing = [t for t in POSTER_TEXT if t.lower().replace(" ", "") not in squashed]
    assert not missing, f"{output.path.name}: missing {missing}"


def test_every_sample_fits_the_common_poster_sizes(tmp_path):
    from wildpress import build

    for orientation in ("portrait", "landscape"):
        result = build([SAMPLES], ["poster"], ["a4", "letter", "a1", "24x36in"], tmp_path,
                       orientation=orientation, project_dir=REPO)
        assert len(result.outputs) == 7 * 4
        assert all(o.pages == 1 for o in result.outputs)


def _document(species_file, size, orientation=None, **settings):
    """The laid-out WeasyPrint document of a poster (what render_document writes)."""
    from wildpress.layout import pagefill
    from wildpress.build import Job, Settings, template_context
    from wildpress.layout.layouts import load_layout
    from wildpress.layout.render import Renderer
    from wildpress.printing.sizes import get_size
    from wildpress.data.species import load_species

    species, _ = load_species([species_file])
    layout = load_layout("poster", REPO)
    job = Job(species, layout, get_size(size, orientation), layout.resolve_options({}), species[0].id)
    renderer = Renderer()
    html = renderer.html(layout, template_context(job, Settings(**settings)))
    lay_out = lambda css="": renderer.render(html, layout, job.size, roots=[species_file.parent],  # noqa: E731
                                             extra_css=css)
    return pagefill.fill(lay_out(), lay_out)


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_smallest_text_at_a4_is_at_least_8pt(orientation):
    from wildpress.layout.pagefill import smallest_text_pt

    for species in ("amur-leopard", "snow-leopard"):
        assert smallest_text_pt(_document(SAMPLES / f"{species}.yaml", "a4", orientation)) >= 8.0


def test_type_grows_with_the_page_but_slower_so_big_paper_carries_more():
    """Type grows by (short side / 210 mm) ** 0.65: A1 type is 1.97 times A4's, not 2.83 times,
    read from further away, and the room that leaves holds more of the record."""
    from wildpress.layout.pagefill import smallest_text_pt

    a4 = smallest_text_pt(_document(SPECIES, "a4"))
    a1 = smallest_text_pt(_document(SPECIES, "a1"))
    assert a1 / a4 == pytest.approx((594 / 210) ** 0.65, rel=0.01)


def test_photo_fills_at_least_two_fifths_of_a_portrait_page():
    document = _document(SPECIES, "a3")
    hero = next(box for box in document.pages[0]._page_box.descendants()
                if getattr(box, "element", None) is not None and box.element.get("data-fill") == "hero")
    assert hero.margin_height() >= 0.42 * document.pages[0].height - 1


def test_content_that_cannot_fit_fails_naming_species_layout_and_size(tmp_path):
    from wildpress import build
    from wildpress.errors import FitError

    source = without_photo((SAMPLES / "amur-leopard.yaml").read_text(encoding="utf-8"))
    long_text = " ".join(["Amur leopards keep the forest in balance."] * 115)
    wordy = tmp_path / "wordy-leopard.yaml"
    wordy.write_text(source.replace("ecology:\n  en: >-", f"ecology: {long_text}\nold_ecology:\n  en: >-"), encoding="utf-8")
    with pytest.raises(FitError) as caught:
        build([wordy], ["poster"], ["a3"], tmp_path / "out", project_dir=REPO)
    assert "wordy-leopard / poster / A3" in str(caught.value)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_word_too_long_for_the_page_is_a_fit_error_not_clipped(tmp_path):
    from wildpress import build
    from wildpress.errors import FitError

    source = without_photo((SAMPLES / "red-fox.yaml").read_text(encoding="utf-8"))
    threat = "- name: " + "Overdevelopmentandfragmentation" * 4
    wide = tmp_path / "wide-fox.yaml"
    wide.write_text(source.replace("threats:\n", f"threats:\n  {threat}\n", 1), encoding="utf-8")
    with pytest.raises(FitError, match="^wide-fox / poster / A4: the content does not fit after giving ground "
                                       r"\(.*\): 'Overdevelopment.*' on page 1 runs past the page edge by \d+ mm"):
        build([wide], ["poster"], ["a4"], tmp_path / "out", project_dir=REPO)


def test_poster_metadata(posters):
    meta = reader(posters[("a3", "portrait")].path).metadata
    assert meta.title == "Blue whale (Balaenoptera musculus) – poster"
    assert meta.author is None  # no organisation given
    assert "Endangered" in meta.subject and "Poster" in meta.subject
    assert "IUCN EN" in meta["/Keywords"]
    assert meta.creation_date is not None


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_with_a_photo_and_bleed_the_credit_and_all_text_stay_inside_the_trim(tmp_path, orientation):
    from conftest import write_test_photo
    from pdfcheck import text_geometry
    from wildpress import build
    from wildpress.build import Settings

    folder = tmp_path / "species"
    folder.mkdir()
    write_test_photo(folder / "whale.jpg")
    source = without_photo(SPECIES.read_text(encoding="utf-8"))
    (folder / "blue-whale.yaml").write_text(
        source + "photo:\n  file: whale.jpg\n  credit: Jane Doe / Ocean Trust\n  licence: CC BY 4.0\n"
                 "  alt: A blue whale at the surface\n", encoding="utf-8")
    result = build([folder / "blue-whale.yaml"], ["poster"], ["a3"], tmp_path / "out", orientation=orientation,
                   settings=Settings(bleed_mm=3))
    [page] = text_geometry(result.outputs[0].path)
    assert "Jane Doe" in page["text"].replace("\r\n", " ")
    assert not page["outside"], page["outside"]
