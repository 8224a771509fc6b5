"""Layouts that use the page: growing into spare room (wildpress.layout.grow), short last pages
pulled back, empty pages reported, a map under the shorter column, a title clear of the
photo's subject, fallback text in its own direction. Records from the extreme corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdfcheck import reader, text
from pdfcheck import blank_shares
from wildpress import build
from wildpress.build import Settings
from wildpress.layout import grow, ladder

CORPUS = Path(__file__).resolve().parent / "corpus"


def _rung(**fields) -> ladder.Rung:
    import dataclasses

    return dataclasses.replace(ladder.Rung(), **fields)


DATA = {"range": {"countries": ["FR"]}, "quick_facts": [f"fact {i}" for i in range(15)], "description": "d"}


def test_a_dropped_part_is_restored_and_a_shortened_list_lengthened_fully_then_halfway():
    dropped = _rung(dropped=frozenset({"map"}))
    assert grow.candidates(dropped, grow.GrowStep("map", "map", False), DATA) == [_rung()]
    limited = _rung(limits=(("quick_facts", 8),))
    tried = grow.candidates(limited, grow.GrowStep("facts", "quick_facts", False), DATA)
    assert [r.limit("quick_facts") for r in tried] == [None, 11]
    assert grow.candidates(_rung(), grow.GrowStep("map", "map", False), DATA) == []  # nothing to bring back


def test_an_extra_is_added_at_its_limit_then_half_and_never_reported_as_left_out():
    tried = grow.candidates(_rung(), grow.GrowStep("facts", "quick_facts", True, limit=6), DATA)
    assert [(r.extras, r.limit("quick_facts")) for r in tried] == [({"quick_facts"}, 6), ({"quick_facts"}, 3)]
    assert ladder.losses(tried[0], DATA) == []
    assert grow.candidates(_rung(), grow.GrowStep("x", "habitat", True), DATA) == []  # the record has none


def test_type_and_class_steps_only_where_the_ladder_gave_nothing_up():
    larger = grow.GrowStep("type 115%", "", False, scale=1.15)
    assert [r.scale for r in grow.candidates(_rung(), larger, DATA)] == [1.15]
    assert grow.candidates(_rung(scale=0.92), larger, DATA) == []
    roomy = grow.GrowStep("roomier", "", False, css_class="grow-roomy")
    assert grow.candidates(_rung(), roomy, DATA)[0].css_classes == ("grow-roomy",)
    assert grow.candidates(_rung(dropped=frozenset({"map"})), roomy, DATA) == []


def test_a_step_is_kept_only_if_the_document_still_fits_its_pages():
    class Page:
        height = 1000.0

    class Doc:
        def __init__(self, pages):
            self.pages = [Page()] * pages

    last = {"document": Doc(1)}
    tried = []

    def attempt(rung):
        tried.append(rung)
        last["document"] = Doc(2 if "quick_facts" in rung.extras else 1)  # the facts push a page over
        return None

    steps = [grow.GrowStep("facts", "quick_facts", True, limit=6), grow.GrowStep("about", "description", True)]
    from unittest import mock

    with mock.patch.object(grow.pagefill, "free_height", return_value=500.0), \
            mock.patch.object(grow, "measured_heights", return_value=()):
        fitted = grow.grow(_rung(), steps, DATA, last, attempt)
    assert fitted.extras == {"description"}  # both sizes of quick facts tried and undone
    assert [len(r.extras) for r in tried] == [1, 1, 1]
    assert len(last["document"].pages) == 1


@pytest.mark.slow
@pytest.mark.parametrize("size", ["a4", "letter"])
def test_what_the_ladder_left_out_comes_back_while_the_page_has_room(tmp_path, size):
    """The turtle needs ladder steps that leave things out; the last step may take more than it
    had to, and the room it leaves is used to bring things back: nothing is reported left out
    while 15% of a page is blank."""
    from pdfcheck import blank_shares

    result = build([CORPUS / "leatherback-sea-turtle.yaml"], ["factsheet"], [size], tmp_path)
    said = [str(w) for w in result.warnings if "left out" in str(w)]
    if said:
        assert max(blank_shares(result.outputs[0].path)) < 0.15, said


@pytest.mark.slow
def test_bigger_paper_carries_more_of_the_record(tmp_path):
    tern = CORPUS / "arctic-tern.yaml"
    small = build([tern], ["poster"], ["a4"], tmp_path / "a4").outputs[0].path
    large = build([tern], ["poster"], ["a0"], tmp_path / "a0").outputs[0].path
    on_a4, on_a0 = text(reader(small)), text(reader(large))
    for heading in ("DID YOU KNOW?", "ABOUT"):
        assert heading in on_a0.upper() and heading not in on_a4.upper(), heading
    assert "Why it matters".upper() in on_a4.upper()  # nothing A4 carries is missing on A0


def test_a_source_list_spilling_onto_page_two_is_pulled_back_and_a_sparse_page_is_reported(tmp_path):
    hedgehog = build([CORPUS / "hedgehog-great-britain.yaml"], ["factsheet"], ["a4"], tmp_path / "h")
    assert hedgehog.outputs[0].pages == 1  # was two pages, the second holding only the sources
    # a sparse record without a photo: its panel takes the spare height (the page reads as designed)
    hippo = build([CORPUS / "pygmy-hippopotamus.yaml"], ["factsheet"], ["a4"], tmp_path / "p")
    assert not any("empty" in str(w) for w in hippo.warnings), [str(w) for w in hippo.warnings]
    assert max(blank_shares(hippo.outputs[0].path)) < 0.35
    # with a photo there is no panel to grow: the page that stays empty is reported
    folder = tmp_path / "photo"
    folder.mkdir()
    (folder / "whale.jpg").write_bytes((CORPUS / "photos" / "humpback-whale.jpg").read_bytes())
    (folder / "whale.yaml").write_text("schema: 1\nname: {common: Whale, scientific: Megaptera novaeangliae}\n"
                                       "photo: {file: whale.jpg, credit: NOAA, licence: public domain, alt: A whale}\n"
                                       "sources: [{title: A guide}]\n")
    whale = build([folder / "whale.yaml"], ["factsheet"], ["a4"], tmp_path / "w")
    assert any("whale / factsheet / A4: the page ends" in str(w) and "% empty" in str(w)
               for w in whale.warnings), [str(w) for w in whale.warnings]


@pytest.mark.slow
def test_the_range_map_goes_under_the_shorter_column_instead_of_being_left_out(tmp_path):
    import pypdfium2 as pdfium

    result = build([CORPUS / "leatherback-sea-turtle.yaml"], ["poster"], ["a4"], tmp_path)
    assert not any("range map" in str(w) for w in result.warnings)
    pdf = pdfium.PdfDocument(str(result.outputs[0].path))
    page = pdf[0]
    textpage = page.get_textpage()
    found = textpage.search("Map: Natural Earth").get_next()
    x0 = textpage.get_charbox(found[0])[0]
    width = page.get_size()[0]
    pdf.close()
    assert x0 < width / 2  # the caption (and its map) sit under "Why it matters", the short column


def _fitted(record: Path, layout: str, size: str, orientation: str | None = None):
    """(the final laid-out WeasyPrint document, the photo slots handed out for the record's main
    photo), rendered in-process the way a worker renders it."""
    from unittest import mock

    from wildpress.build import plan
    from wildpress.data.species import load_species
    from wildpress.layout import document as document_kind
    from wildpress.layout.layouts import load_layout
    from wildpress.layout.render import Renderer
    from wildpress.pictures.photos import PhotoSlots

    species, _ = load_species([record], allowed_roots=[record.parent])
    job = plan(species, [load_layout(layout)], [size], orientation, {})[0]
    job.notes = []
    renderer, written, slots = Renderer(), [], []
    real_slot, real_write = PhotoSlots.slot, renderer.write_pdf

    def slot(self, photo, width_mm, height_mm, *args, **kwargs):
        found = real_slot(self, photo, width_mm, height_mm, *args, **kwargs)
        if photo is species[0].data.get("photo"):
            slots.append(found)
        return found

    def keep(document, **options):
        written.append(document)
        return real_write(document, **options)

    renderer.write_pdf = keep
    with mock.patch.object(PhotoSlots, "slot", slot):
        document_kind.render_document(renderer, job, Settings())
    return written[0], slots


def _boxes(document):
    from wildpress.layout.pagefill import _walk

    for page in document.pages:
        for box, _parent in _walk(page._page_box):
            if getattr(box, "element_tag", None) and getattr(box, "element", None) is not None:
                yield box


def _text_x(box) -> list[tuple[float, float]]:
    from wildpress.layout.pagefill import _walk

    return [(b.position_x, b.position_x + b.width) for b, _ in _walk(box)
            if type(b).__name__ == "TextBox" and b.text.strip()]


def _hero_geometry(size: str, orientation: str | None):
    """(focal point, title line boxes) in px of the humpback poster."""
    document, slots = _fitted(CORPUS / "humpback-whale.yaml", "poster", size, orientation)
    boxes = {}
    for box in _boxes(document):
        classes = box.element.get("class") or ""
        if box.element_tag == "img" and "img" not in boxes:
            boxes["img"] = box
        elif classes in ("title display", "sci-line"):
            boxes.setdefault(classes, box)
    image, focal = boxes["img"], slots[-1]
    point = (image.position_x + focal["focal_x"] * image.width, image.position_y + focal["focal_y"] * image.height)
    titles = [boxes[k] for k in ("title display", "sci-line")]
    return point, [(b.position_x, b.position_y, b.position_x + b.width, b.position_y + b.height) for b in titles]


@pytest.mark.slow
def test_no_measurement_label_touches_its_value_in_any_corpus_fact_sheet():
    """Every label/value row of every corpus record on A4 (the narrower column of the two sizes):
    a gap of at least 1.5 mm between the end of the label's text and the start of the value's,
    on every line of both."""
    millimetre, size, checked = 96 / 25.4, "a4", 0
    for record in sorted(CORPUS.glob("*.yaml")):
        document, _slots = _fitted(record, "factsheet", size)
        rows = [box for box in _boxes(document) if box.element_tag == "li"
                and any(child.get("class") == "label" for child in box.element)]
        for row in rows:
            label = next(b for b in _boxes_in(row) if (b.element.get("class") or "") == "label")
            value = next(b for b in _boxes_in(row) if (b.element.get("class") or "") == "value")
            label_end = max(x1 for _x0, x1 in _text_x(label))
            value_start = min(x0 for x0, _x1 in _text_x(value))
            assert value_start - label_end >= 1.5 * millimetre, f"{record.name} {size}: {''.join(row.element.itertext())!r}"
            checked += 1
    assert checked >= 40  # the corpus has rows of every kind: measurements, range area, links


def _boxes_in(box):
    from wildpress.layout.pagefill import _walk

    return [b for b, _ in _walk(box) if getattr(b, "element_tag", None) and getattr(b, "element", None) is not None]


@pytest.mark.slow
@pytest.mark.parametrize("size,orientation", [("a4", "portrait"), ("a3", "portrait"), ("a1", "portrait"),
                                              ("a0", "portrait"), ("arch-d", "portrait"), ("arch-d", "landscape")])
def test_the_title_never_covers_the_photos_focal_point(size, orientation):
    (x, y), titles = _hero_geometry(size, orientation)
    for x0, y0, x1, y1 in titles:
        assert not (x0 <= x <= x1 and y0 <= y <= y1), f"{size}: focal point {x:.0f},{y:.0f} under the title"


def test_fallback_text_in_a_right_to_left_page_is_set_left_to_right():
    from wildpress.i18n import direction
    from wildpress.i18n.words import Words

    arabic = Words("ar")
    marked = arabic.directed({"en": "Australia, Fiji and Samoa."})
    assert direction.resolve(f"<p>{marked}</p>") == '<p><bdi dir="ltr" lang="en">Australia, Fiji and Samoa.</bdi></p>'
    assert arabic.directed({"en": "x", "ar": "نص"}) == "نص"  # in the page's own language: as is
    assert Words("en").directed("Australia.") == "Australia."  # a left-to-right page: as is
    # The same text in an attribute, a title or cut to its first word: no element, no marks.
    html = f'<title>{marked}</title><img alt="{marked}"><p>{marked.split()[0]}</p>'
    assert direction.resolve(html) == '<title>Australia, Fiji and Samoa.</title><img alt="Australia, Fiji and Samoa."><p>Australia,</p>'


@pytest.mark.slow
def test_an_arabic_poster_with_english_fallback_sets_the_english_left_to_right(tmp_path):
    result = build([CORPUS / "sihek.yaml"], ["poster"], ["a4"], tmp_path,
                   settings=Settings(lang="ar", fallback=True))
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(result.outputs[0].path))
    content = pdf[0].get_textpage().get_text_range()
    pdf.close()
    lines = [line.strip() for line in content.splitlines()]
    assert "Native limestone and ravine forest on Guam." in lines  # its full stop at its end, not ".Native"
