"""The organisation's brand in every built-in layout (issue 10), checked from the PDFs.

Each layout is built once per brand (an SVG logo, a PNG logo, no brand) in a
module-scoped fixture at its smallest size. The text comes from PDFium; the
logo is found on the page it belongs to: an SVG logo is drawn as vector paths
in its own colour, a PNG logo is one more image XObject drawn on the page.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pikepdf
import pytest

from conftest import SAMPLES
from pdfcheck import text_geometry
from wildpress import build
from wildpress.jobs import Brand, Settings
from wildpress.printing.imposition import ImpositionSettings

LEOPARD = SAMPLES / "amur-leopard.yaml"
LOGO_RGB = ("0.039216", "0.482353", "0.513725")  # #0a7b83, a colour no layout uses
SVG_LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80" viewBox="0 0 240 80">'
            '<rect x="2" y="2" width="76" height="76" rx="14" fill="#0a7b83"/>'
            '<rect x="92" y="18" width="140" height="16" rx="3" fill="#0a7b83"/></svg>')
NAME, SITE, SITE_LABEL = "Amur Leopard Trust", "https://www.amur-leopard.org/support", "amur-leopard.org/support"
CONTACT, FOOTER = "info@amur-leopard.org · +7 423 000 00 00", "Printed on recycled paper. Registered charity 1234567."
STRINGS = (NAME, SITE_LABEL, CONTACT, FOOTER)
# (layout, size): the smallest size each layout is built at.
LAYOUTS = {"factsheet": "a4", "poster": "a4", "flashcards": "a7"}


def brand(logo: Path | None) -> Brand:
    return Brand(name=NAME, logo=logo, website=SITE, contact=CONTACT, footer=FOOTER,
                 accent="#7a3b12", secondary="#d9a441")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project folder holding the logos (every file is read through the project's confinement)."""
    from PIL import Image, ImageDraw

    root = tmp_path_factory.mktemp("brand-project")
    (root / "logo.svg").write_text(SVG_LOGO)
    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    ImageDraw.Draw(image).rounded_rectangle((4, 4, 296, 116), 20, fill=(10, 123, 131, 255))
    image.save(root / "logo.png")
    return root


def _build(project: Path, layout: str, size: str, b: Brand, out: Path) -> Path:
    settings = Settings(brand=b, cards=ImpositionSettings(mode="none"))  # cards: one side per page
    result = build([LEOPARD], [layout], [size], out, settings=settings, project_dir=project)
    assert not result.failures, result.failures
    (output,) = result.outputs
    return output.path


@pytest.fixture(scope="module")
def built(project, tmp_path_factory) -> dict:
    """(layout, 'svg' | 'png' | 'none') -> PDF path, each built once."""
    logos = {"svg": project / "logo.svg", "png": project / "logo.png"}
    paths = {}
    for layout, size in LAYOUTS.items():
        for kind in ("svg", "png", "none"):
            b = brand(logos[kind].resolve()) if kind in logos else Brand()
            paths[(layout, kind)] = _build(project, layout, size, b, tmp_path_factory.mktemp(f"{layout}-{kind}"))
    return paths


def page_texts(path: Path) -> list[str]:
    """Each page's text, whitespace collapsed, word joiners and soft hyphens dropped, hyphens at line ends kept."""
    texts = []
    for page in text_geometry(path):
        text = page["text"].replace("\u2060", "").replace("\u00ad", "").replace("\u00a0", " ")
        text = re.sub(r"\ufffe\s*", "-", text)  # PDFium's mark for a hyphen that ends a line
        texts.append(re.sub(r"\s+", " ", text))
    return texts


def _drawn(page) -> tuple[list, set]:
    """(image XObjects drawn, fill colours used) on one page, through the forms it draws."""
    images, colours, seen = [], set(), set()

    def walk(content, resources):
        xobjects = resources.get("/XObject") if resources is not None else None
        for operands, op in pikepdf.parse_content_stream(content):
            if str(op) == "rg":
                colours.add(tuple(str(x) for x in operands))
            elif str(op) == "Do" and xobjects is not None:
                xobject = xobjects.get(operands[0])
                if xobject is None or xobject.objgen in seen:
                    continue
                seen.add(xobject.objgen)
                if xobject.get("/Subtype") == "/Image":
                    images.append(xobject.objgen)
                elif xobject.get("/Subtype") == "/Form":
                    walk(xobject, xobject.get("/Resources"))

    walk(page, page.obj.get("/Resources"))
    return images, colours


def drawn(path: Path) -> list[tuple[int, bool]]:
    """Per page: (images drawn, whether the SVG logo's colour is drawn)."""
    with pikepdf.open(path) as pdf:
        return [(len(images), LOGO_RGB in colours) for images, colours in map(_drawn, pdf.pages)]


def test_fact_sheet_prints_logo_and_name_in_the_header_and_the_address_in_the_footer(built):
    for kind in ("svg", "png"):
        texts = page_texts(built[("factsheet", kind)])
        first, last = texts[0], texts[-1]
        # the kicker, in letter-spaced capitals (PDFium reads the spacing as spaces)
        assert f"{NAME.upper()}·SPECIESFACTSHEET".replace(" ", "") in first.replace(" ", "")
        assert first.count(NAME) == 1  # the running foot; never twice in the header
        assert f"{SITE_LABEL} · {CONTACT}" in last and FOOTER in last
        assert SITE not in last and "www." not in last  # the address as people type it
    plain, svg, png = (drawn(built[("factsheet", k)]) for k in ("none", "svg", "png"))
    assert svg[0][1] and not any(logo for _, logo in svg[1:])  # the SVG logo on page 1 only
    assert [n for n, _ in svg] == [n for n, _ in plain]
    assert png[0][0] == plain[0][0] + 1 and [n for n, _ in png[1:]] == [n for n, _ in plain[1:]]


def test_poster_prints_the_brand_in_the_call_to_action_and_the_footer_text_in_the_colophon(built):
    for kind in ("svg", "png"):
        (text,) = page_texts(built[("poster", kind)])
        cta = text[text.index("Help protect"):]
        assert NAME in cta and SITE_LABEL in cta and CONTACT in cta
        assert cta.index(CONTACT) < cta.index("IUCN Red List: CR") < cta.index(FOOTER)  # colophon, last
        assert cta.count(NAME) == 1  # not repeated in the colophon
    (plain,), (svg,), (png,) = (drawn(built[("poster", k)]) for k in ("none", "svg", "png"))
    assert svg[1] and not plain[1] and svg[0] == plain[0]
    assert png[0] == plain[0] + 1


def test_card_backs_print_the_logo_and_web_address_inside_the_footer(built):
    for kind in ("svg", "png"):
        front, back = page_texts(built[("flashcards", kind)])
        assert SITE_LABEL in back and SITE_LABEL not in front
        assert back.index("Photo:") < back.index(SITE_LABEL)  # under the photo credit
        assert NAME not in back  # the logo carries the name on a card this small
    plain, svg, png = (drawn(built[("flashcards", k)]) for k in ("none", "svg", "png"))
    assert [logo for _, logo in svg] == [False, True]
    assert [n for n, _ in png] == [plain[0][0], plain[1][0] + 1]


def test_card_backs_with_a_qr_code_hold_the_logo_and_address_beside_it(project, tmp_path):
    deck = [SAMPLES / "atlantic-puffin.yaml", SAMPLES / "blue-whale.yaml"]  # both have links
    settings = Settings(brand=brand((project / "logo.svg").resolve()), cards=ImpositionSettings(mode="none"))
    result = build(deck, ["flashcards"], ["poker"], tmp_path, options={"qr": True}, settings=settings,
                   project_dir=project)
    assert not result.failures, result.failures
    pages = text_geometry(result.outputs[0].path)
    assert all(not page["outside"] for page in pages)
    backs = page_texts(result.outputs[0].path)[1::2]
    assert all(SITE_LABEL in back for back in backs)
    assert [logo for _, logo in drawn(result.outputs[0].path)] == [False, True, False, True]


def test_card_back_without_a_logo_prints_the_name_and_web_address(project, tmp_path):
    b = Brand(name=NAME, website=SITE)
    _, back = page_texts(_build(project, "flashcards", "a7", b, tmp_path))
    assert f"{NAME} · {SITE_LABEL}" in back


def test_without_a_brand_nothing_of_it_prints_and_no_image_is_added(built):
    for layout in LAYOUTS:
        text = " ".join(page_texts(built[(layout, "none")])).casefold()
        for s in STRINGS + ("amur-leopard.org",):
            assert s.casefold() not in text, (layout, s)
        assert not any(logo for _, logo in drawn(built[(layout, "none")]))
    # the only images are the photo, once per document (fact sheet and poster) or per front (cards)
    assert [n for n, _ in drawn(built[("poster", "none")])] == [1]
    assert [n for n, _ in drawn(built[("flashcards", "none")])] == [1, 0]


def test_the_brand_sets_the_accent_and_the_option_still_wins(built, project, tmp_path):
    with pikepdf.open(built[("factsheet", "svg")]) as pdf:
        _, colours = _drawn(pdf.pages[0])
    assert ("0.478431", "0.231373", "0.070588") in colours  # #7a3b12, the brand's accent
    settings = Settings(brand=brand(None))
    result = build([LEOPARD], ["factsheet"], ["a4"], tmp_path, options={"accent": "#123456"},
                   settings=settings, project_dir=project)
    with pikepdf.open(result.outputs[0].path) as pdf:
        _, colours = _drawn(pdf.pages[0])
    assert ("0.070588", "0.203922", "0.337255") in colours and ("0.478431", "0.231373", "0.070588") not in colours


LONG = Brand(
    name="The International Society for the Conservation & Study of <Far Eastern> Leopards, Tigers and Their Forests"[:120],
    website="https://www.amur-leopard-conservation-alliance.example.org/get-involved/support-our-work/"
            "monthly-giving?campaign=print2026&source=factsheet",
    contact="Conservation Office, 14 Svetlanskaya Street, Vladivostok 690091, Russia · "
            "info@amur-leopard-conservation-alliance.example.org · +7 423 000 00 00",
    footer=("Printed on 100% recycled paper with vegetable-based inks. Registered charity no. 1234567 in England "
            "and Wales; company limited by guarantee no. 7654321. All photographs used with permission. ")[:200],
    accent="#7a3b12", secondary="#d9a441")


PELICAN = Path(__file__).resolve().parent / "corpus" / "dalmatian-pelican.yaml"  # a long record with a QR code


@pytest.mark.parametrize("record, layout, size, orientation", [
    (LEOPARD, "factsheet", "a4", None), (LEOPARD, "factsheet", "letter", None),
    (LEOPARD, "poster", "a4", "portrait"), (LEOPARD, "poster", "a4", "landscape"),
    (PELICAN, "poster", "letter", "portrait"),  # the tightest: it takes the poster's last step
    (LEOPARD, "flashcards", "poker", None)])
def test_a_long_brand_wraps_inside_the_page(project, tmp_path, record, layout, size, orientation):
    b = dataclasses.replace(LONG, logo=(project / "logo.png").resolve())
    settings = Settings(brand=b, cards=ImpositionSettings(mode="none"))
    result = build([record], [layout], [size], tmp_path, orientation=orientation, settings=settings,
                   project_dir=project)
    assert not result.failures, result.failures
    pages = text_geometry(result.outputs[0].path)
    for page in pages:
        assert not page["outside"], page["outside"][:60]
        assert page["smallest_pt"] >= 7.0 - 0.05
    text = " ".join(page_texts(result.outputs[0].path))
    if layout != "flashcards":
        assert "Conservation & Study of <Far Eastern> Leopards" in text  # escaped, printed as written
        assert "+7 423 000 00 00" in text
    assert "amur-leopard-conservation-alliance.example.org" in text
