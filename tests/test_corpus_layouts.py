"""Every record of the extreme-but-realistic corpus builds in every layout at its extreme sizes.

The corpus (tests/corpus/, see its README) holds records nobody tuned a layout
for: 86 range countries, 12 threats with long details, a 400-character fact, a
sparse spreadsheet row, the longest names, a photo with its subject low in the
frame. Each build is checked from the PDF: page count within the layout's
limit, every character inside the TrimBox, nothing under 7 pt, no placeholder
or product name on the page; and the page is used: nothing left out while a
blank part of the page (the largest white rectangle a reader sees) is 15% of it
or more, and no page more than 35% blank unless the build said so in a warning
naming the output (a sparse record with nothing left to grow).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pdfcheck import blank_shares, text_geometry
from wildpress import build
from wildpress.build import Settings
from wildpress.errors import UsageError
from wildpress.printing.imposition import ImpositionSettings

CORPUS = Path(__file__).resolve().parent / "corpus"
RECORDS = sorted(CORPUS.glob("*.yaml"))
PLACEHOLDERS = re.compile(r"QR code|No photograph|wildpress|placeholder|lorem|TODO|\{\{|\}\}", re.IGNORECASE)

# (layout, size, orientation, page limit): each layout at its extremes.
CASES = [
    ("factsheet", "a4", None, 2),
    ("factsheet", "letter", None, 2),
    ("poster", "a4", "portrait", 1),  # the smallest size the poster accepts
    ("poster", "a4", "landscape", 1),
    ("poster", "letter", "portrait", 1),
    ("poster", "a3", "portrait", 1),
    ("poster", "a1", "portrait", 1),
    ("poster", "a0", "portrait", 1),  # the largest
    ("poster", "a0", "landscape", 1),
    ("poster", "arch-d", "portrait", 1),  # 24 x 36 in
    ("poster", "arch-d", "landscape", 1),  # 36 x 24 in
    ("flashcards", "poker", None, 2),  # the smallest card: one page per card side
    ("flashcards", "a5", None, 2),  # the largest card size in use
]


def test_corpus_is_big_and_separate():
    assert len(RECORDS) >= 12
    assert not {p.name for p in RECORDS} & {p.name for p in (CORPUS.parent.parent / "data" / "species").glob("*")}


@pytest.mark.slow
@pytest.mark.parametrize("layout,size,orientation,limit", CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2] or 'default'}" for c in CASES])
def test_every_corpus_record_builds_and_stays_legible(tmp_path, layout, size, orientation, limit):
    settings = Settings(organisation="Friends of the Sea", deck_name="corpus",
                        cards=ImpositionSettings(mode="none"))
    result = build(RECORDS, [layout], [size], tmp_path, orientation=orientation, settings=settings)
    expected = 1 if layout == "flashcards" else len(RECORDS)
    assert len(result.outputs) == expected
    for output in result.outputs:
        pages = text_geometry(output.path)
        if layout == "flashcards":
            assert len(pages) == 2 * len(RECORDS)  # one front and one back per card, no spill
        else:
            assert 1 <= len(pages) <= limit, output.path.name
        for number, page in enumerate(pages, 1):
            where = f"{output.path.name} page {number}"
            assert not page["outside"], f"{where}: text outside the trim: {page['outside'][:60]!r}"
            assert page["smallest_pt"] >= 7.0 - 0.05, f"{where}: {page['smallest_pt']:.2f} pt text"
            assert not PLACEHOLDERS.search(page["text"]), f"{where}: {PLACEHOLDERS.search(page['text'])[0]!r}"
        if layout != "flashcards":
            _check_page_use(output.path, result.warnings)


# A blank rectangle includes the page margins a layout keeps white (about 5% of a fact sheet),
# which the build's own measure (the height left under the content) does not count.
MARGINS = 0.05


def _check_page_use(path: Path, warnings) -> None:
    label = path.stem
    said = [str(w) for w in warnings if f"{label.split('-' + _layout_of(path))[0]} / " in str(w)]
    blank = blank_shares(path)
    left_out = [m for m in said if "to fit, left out" in m]
    if left_out:
        assert max(blank) < 0.15, f"{path.name}: {left_out[0]!r} while {max(blank):.0%} of a page is blank"
    for number, share in enumerate(blank, 1):
        if share > 0.35 + MARGINS:
            assert any(" empty: " in m for m in said), f"{path.name} page {number}: {share:.0%} blank, no warning"
            assert number == len(blank), f"{path.name} page {number}: {share:.0%} blank before the last page"


def _layout_of(path: Path) -> str:
    return next(name for name in ("factsheet", "poster", "flashcards") if f"-{name}-" in path.name)


def test_content_left_out_is_reported(tmp_path):
    turtle = CORPUS / "leatherback-sea-turtle.yaml"
    result = build([turtle], ["factsheet"], ["letter"], tmp_path)
    messages = [str(w) for w in result.warnings]
    assert any("leatherback-sea-turtle / factsheet / US Letter: to fit, left out" in m for m in messages), messages


def test_sizes_too_small_for_the_poster_are_refused_naming_the_smallest_that_works(tmp_path):
    with pytest.raises(UsageError) as caught:
        build([RECORDS[0]], ["poster"], ["a5"], tmp_path)
    assert str(caught.value) == (
        "A5 is too small for layout 'poster': its type would fall under 7 pt below a short side of "
        "208 mm; the smallest size that works is US Letter (215.9 × 279.4 mm)")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("size", ["a4", "letter"])
def test_fact_sheet_columns_balance_no_column_idles_while_text_moves_on(tmp_path, size):
    """The long turtle record: on every page but the last, both columns run to the foot of the
    page; on the last, both columns hold text (neither idles while the other spills over)."""
    import pypdfium2 as pdfium

    result = build([CORPUS / "leatherback-sea-turtle.yaml"], ["factsheet"], [size], tmp_path)
    pdf = pdfium.PdfDocument(str(result.outputs[0].path))
    pages = []
    for page in pdf:
        width, height = page.get_size()
        textpage = page.get_textpage()
        lowest = {"left": height, "right": height}  # lowest text (PDF y grows upwards) per column
        for i in range(textpage.count_chars()):
            x0, y0, x1, y1 = textpage.get_charbox(i)
            if y0 < 50 or x1 <= x0:  # the running footer, or an empty box
                continue
            side = "left" if (x0 + x1) / 2 < width / 2 else "right"
            lowest[side] = min(lowest[side], y0)
        pages.append((height, lowest))
    pdf.close()
    assert len(pages) == 2
    for height, lowest in pages[:-1]:
        assert all(y < 0.25 * height for y in lowest.values()), lowest  # both columns reach the foot
    assert all(y < pages[-1][0] - 100 for y in pages[-1][1].values()), pages[-1][1]  # both hold text
