"""The booklet layout: cover, contents with true page numbers, one fact sheet per species, credits.

Checked from the PDF: the contents' numbers are the pages where each sheet
starts (the species' name is on that page), bookmarks point at the same pages,
every page shows its booklet page number, the credits list every photo credit
and source, the brand prints only when given, and the page count adds up.
"""

from __future__ import annotations

import re
import shutil

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image

from conftest import SAMPLES
from pdfcheck import text_geometry
from wildpress import build
from wildpress.data.species import find_species_files, load_species
from wildpress.errors import FitError, UsageError
from wildpress.jobs import Brand, Settings
from wildpress.layout.formatting import licence, localise
from wildpress.safety.limits import Limits
from wildpress.safety.outputs import is_ours

GALLERY = ("gallery:\n"
           "  - {file: photos/red-fox.jpg, credit: Gallery Person One, licence: CC-BY-SA-4.0, alt: A fox}\n"
           "  - {file: photos/amur-leopard.jpg, credit: Gallery Person Two, licence: CC0-1.0, alt: A leopard}\n")
BRAND = dict(name="Leopard Trust", website="https://www.leopardtrust.example.org/", contact="hello@example.org",
             footer="Registered charity 1234567")


def pages_text(path) -> list[str]:
    """Each page's text, whitespace (and letter-spacing gaps in small capitals) collapsed."""
    pdf = pdfium.PdfDocument(str(path))
    texts = [re.sub(r"\s+", " ", page.get_textpage().get_text_range().replace("\xa0", " ")).strip() for page in pdf]
    pdf.close()
    return texts


def headlines(path) -> list[str]:
    """Each page's text set at 16.5 pt or more (a sheet's name, a panel's initials), spaces removed."""
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(str(path))
    found = []
    for page in pdf:
        textpage = page.get_textpage()
        chars = [(chr(raw.FPDFText_GetUnicode(textpage, i)), raw.FPDFText_GetFontSize(textpage, i))
                 for i in range(textpage.count_chars())]
        found.append("".join(c for c, size in chars if c.strip() and size * 0.75 >= 16.5))
    pdf.close()
    return found


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def outline(path) -> list[tuple[str, int]]:
    """(title, 1-based page) of each top-level bookmark."""
    with pikepdf.open(path) as pdf, pdf.open_outline() as tree:
        return [(item.title, pdf.pages.index(pikepdf.Page(item.destination[0])) + 1) for item in tree.root]


def contents_numbers(texts: list[str], names: list[str]) -> dict[str, int]:
    """Common name -> the page number the contents gives it (leader dots and all)."""
    contents = " ".join(t for t in texts[1:4] if "Contents" in t)
    found = {}
    for name in names + ["Photo credits and sources"]:
        match = re.search(re.escape(name) + r"[^0-9]*?(?:\. ?)+\s*(\d+)", contents)
        assert match, f"{name!r} is not in the contents: {contents[:400]}"
        found[name] = int(match.group(1))
    return found


@pytest.fixture(scope="module")
def branded(tmp_path_factory):
    """The samples (one given a two-photo gallery) as an A4 booklet for a brand with a logo."""
    project = tmp_path_factory.mktemp("booklet-project")
    species = project / "data" / "species"
    shutil.copytree(SAMPLES, species)
    fox = species / "red-fox.yaml"
    fox.write_text(fox.read_text() + GALLERY)
    Image.new("RGB", (300, 120), "#7a3b12").save(project / "logo.png")
    settings = Settings(brand=Brand(logo=(project / "logo.png").resolve(), **BRAND))
    result = build(None, ["booklet"], ["A4"], project / "out", project_dir=project, settings=settings)
    [output] = result.outputs
    loaded, _ = load_species(find_species_files([species]))
    return output, loaded, pages_text(output.path)


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """Two species without photos, no brand, Letter, by name, a multiple of four pages, with bleed and marks."""
    out = tmp_path_factory.mktemp("booklet-plain")
    files = [SAMPLES / "axolotl.yaml", SAMPLES / "atlantic-puffin.yaml"]
    settings = Settings(bleed_mm=3, marks=("crop",))
    result = build(files, ["booklet"], ["letter"], out, settings=settings, options={"order": "name", "pad": "four"})
    [output] = result.outputs
    return output, pages_text(output.path)


def test_contents_numbers_are_the_pages_where_each_sheet_starts(branded):
    output, species, texts = branded
    names = [localise(sp.data["name"]["common"]) for sp in species]
    numbers = contents_numbers(texts, names)
    starts = [numbers[name] for name in names]
    assert starts == sorted(starts) and starts[0] == 3  # cover, contents, then the sheets in file order
    big = headlines(output.path)
    for name, page in numbers.items():
        assert squeeze(name) in big[page - 1], f"{name} does not open page {page}: {texts[page - 1][:120]!r}"
    assert not any(squeeze(name) in big[page] for name, page in numbers.items() if page < len(big))  # nor the next
    # Sheets run back to back: each is 1 or 2 pages, the credits follow the last.
    spans = [b - a for a, b in zip(starts, starts[1:] + [numbers["Photo credits and sources"]])]
    assert all(span in (1, 2) for span in spans), spans


def test_bookmarks_point_at_the_contents_pages(branded):
    output, species, texts = branded
    names = [localise(sp.data["name"]["common"]) for sp in species]
    numbers = contents_numbers(texts, names)
    marks = outline(output.path)
    assert [title for title, _ in marks] == ["Contents"] + names + ["Credits and sources"]
    assert marks[0][1] == 2
    for title, page in marks[1:-1]:
        assert page == numbers[title]
    assert marks[-1][1] == numbers["Photo credits and sources"]
    with pikepdf.open(output.path) as pdf, pdf.open_outline() as tree:
        assert [c.title for c in tree.root[1].children][:1] == ["About"]  # the sheet's sections under its name
        # The contents' entries are links to the sheets.
        targets = {pdf.pages.index(pikepdf.Page(a.Dest[0])) + 1 for a in pdf.pages[1].obj.Annots if "/Dest" in a}
    assert targets == set(numbers.values())


def test_every_page_shows_its_booklet_page_number_and_stays_legible(branded):
    output, species, texts = branded
    for number, page in enumerate(text_geometry(output.path), 1):
        if not page["text"].strip():
            continue  # a blank page for an even page count
        assert not page["outside"], f"page {number}: text outside the trim: {page['outside'][:60]!r}"
        assert page["smallest_pt"] >= 7.0 - 0.05, f"page {number}: {page['smallest_pt']:.2f} pt text"
    assert not re.search(r"\b\d+ / \d+\b", " ".join(texts))  # no per-sheet "1 / 2"
    for number, text in enumerate(texts[1:], 2):
        if text:  # blank pages carry no number
            assert text.endswith(f" {number}"), f"page {number} ends {text[-40:]!r}"
    assert not texts[0].rstrip().endswith(" 1")  # the cover carries none


def test_credits_hold_every_photo_credit_licence_and_source(branded):
    output, species, texts = branded
    start = dict(outline(output.path))["Credits and sources"]
    credits = " ".join(texts[start - 1:])
    assert "Photo credits and sources" in credits[:200]
    for sp in species:
        data = sp.data
        assert localise(data["name"]["common"]) in credits
        for photo in [data.get("photo")] + (data.get("gallery") or []):
            if photo:
                assert squeeze(f"{photo['credit']} ({licence(photo['licence'])})") in squeeze(credits), photo
        for source in data["sources"]:
            assert squeeze(source["title"]) in squeeze(credits), source["title"]
    assert "Gallery Person Two (CC0 1.0)" in credits


def test_brand_on_the_cover_and_page_count_adds_up(branded):
    output, species, texts = branded
    cover = texts[0]
    assert "Species fact sheets" in cover and f"{len(species)} species" in cover
    assert "LEOPARDTRUST" in squeeze(cover)
    assert "leopardtrust.example.org" in cover and "Registered charity 1234567" in cover
    with pikepdf.open(output.path) as pdf:
        assert len(pdf.pages[0].get_images()) == 4 + 1  # four cover photos and the logo
        assert str(pdf.docinfo["/Title"]).endswith("booklet")
        assert str(pdf.docinfo["/Creator"]).startswith("wildpress")
        total = len(pdf.pages)
    assert is_ours(output.path)
    marks = dict(outline(output.path))
    sheets = marks["Credits and sources"] - marks["Contents"] - 1
    credits = len([t for t in texts[marks["Credits and sources"] - 1:] if t])
    blanks = len([t for t in texts if not t])
    assert total == output.pages == 1 + 1 + sheets + credits + blanks
    assert total % 2 == 0 and blanks == (1 + 1 + sheets + credits) % 2


def test_without_a_brand_nothing_brand_related_prints(plain, sample_build):
    output, texts = plain
    cover = texts[0]
    assert "Leopard Trust" not in cover and "Photo credits" not in cover  # no photos: no cover credit line
    rest = squeeze(cover)
    for piece in ["Speciesfactsheets", "2species", re.search(r"\d{4}", cover)[0], "Atlanticpuffin", "Axolotl",
                  "2", "SPECIES"]:
        assert piece in rest, (piece, cover)
        rest = rest.replace(piece, "", 1)
    assert set(rest) <= {"·"}, rest  # nothing else: no organisation, contact or empty credit line
    with pikepdf.open(output.path) as pdf:
        assert not pdf.pages[0].get_images()
        total = len(pdf.pages)
        bleed = {tuple(round(float(v) - float(t), 2) for v, t in zip(p.obj.BleedBox, p.obj.TrimBox))
                 for p in pdf.pages}
    assert bleed == {(-8.5, -8.5, 8.5, 8.5)}  # 3 mm on every page, whichever part it came from
    # By common name; each sheet as long as the same fact sheet built alone.
    marks = outline(output.path)
    assert [t for t, _ in marks] == ["Contents", "Atlantic puffin", "Axolotl", "Credits and sources"]
    alone = [sample_build[(sp, "letter")].pages for sp in ("atlantic-puffin", "axolotl")]
    assert marks[2][1] - marks[1][1] == alone[0] and marks[3][1] - marks[2][1] == alone[1]
    assert total % 4 == 0 and total - (marks[3][1] + 1) < 4


def test_tagged_booklets_are_refused(tmp_path):
    with pytest.raises(UsageError, match="--tagged is not supported for booklets"):
        build([SAMPLES / "axolotl.yaml"], ["booklet"], ["A4"], tmp_path, settings=Settings(tagged=True))


def test_a_title_too_long_for_the_cover_fails_naming_the_option(tmp_path):
    with pytest.raises(FitError, match=r"cover's title .* shorten the title \(-O title=\.\.\.\)"):
        build([SAMPLES / "axolotl.yaml"], ["booklet"], ["A4"], tmp_path, options={"title": "Species " * 60})


@pytest.mark.slow
def test_the_corpus_as_a_booklet(tmp_path):
    """The 16 extreme records in one booklet: every sheet fits, nothing clipped or under 7 pt, numbers right."""
    from test_corpus_layouts import PLACEHOLDERS, RECORDS

    settings = Settings(organisation="Friends of the Sea", deck_name="corpus", limits=Limits(time_s=600))
    [output] = build(RECORDS, ["booklet"], ["letter"], tmp_path, settings=settings).outputs
    marks = outline(output.path)
    assert len(marks) == len(RECORDS) + 2
    for number, page in enumerate(text_geometry(output.path), 1):
        if not page["text"].strip():
            continue
        assert not page["outside"], f"page {number}: text outside the trim: {page['outside'][:60]!r}"
        assert page["smallest_pt"] >= 7.0 - 0.05, f"page {number}: {page['smallest_pt']:.2f} pt text"
        assert not PLACEHOLDERS.search(page["text"]), f"page {number}: {PLACEHOLDERS.search(page['text'])[0]!r}"
        if number > 1:
            assert page["text"].strip().endswith(str(number)), f"page {number}"
