"""Sparse records still look designed (issue 20): a row with a name, a status and a few words,
imported and built at A4 (fact sheet), A7 (cards) and A3 (poster), looked at as pages.

No page more than half empty; nothing printed twice: a record without a common name is titled
by its scientific name once, in italics, never "Help protect the Rhincodon typus"; a trend
once; a sparse card back set in the middle, not huddled at its top."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from pdfcheck import blank_shares
from wildpress import build
from wildpress.data.importer import import_table

TABLE = ("scientific name,common name,status,trend,notes,class,order,family\n"
         "Rhincodon typus,,EN,Decreasing,Largest living fish.,CHONDRICHTHYES,ORECTOLOBIFORMES,RHINCODONTIDAE\n"
         "Panthera tigris altaica,Amur tiger,EN,,,,,\n"
         "Lynx pardinus,Iberian lynx,,Increasing,,MAMMALIA,CARNIVORA,FELIDAE\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sparse")
    (folder / "sparse.csv").write_text(TABLE)
    result = import_table(folder / "sparse.csv", folder / "species", mapping=None, overrides=["notes=description"],
                          cwd=folder)
    assert len(result.written) == 3 and not result.errors, result.errors
    files = sorted(result.written)
    outputs = {}
    for layout, size in (("factsheet", "a4"), ("poster", "a3"), ("flashcards", "a7")):
        done = build(files, [layout], [size], folder / "out", project_dir=folder, jobs=1)
        outputs[layout] = done.outputs
    return outputs


def _text(path) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages]


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["factsheet", "poster"])
def test_no_sparse_page_is_more_than_half_empty(built, layout):
    for output in built[layout]:
        shares = blank_shares(output.path)
        assert max(shares) <= 0.5, (output.path.name, shares)


@pytest.mark.slow
def test_nothing_is_printed_twice(built):
    by_name = {o.path.name: o.path for layout in ("factsheet", "poster") for o in built[layout]}
    for name, path in by_name.items():
        text = " ".join(_text(path)).replace("\n", " ")
        if "rhincodon" in name:
            body = text.split("Sources")[0]
            assert body.count("Rhincodon typus") == 1, (name, text)
            assert body.count("Decreasing") == 1, (name, text)
            assert "Help protect the" not in text
            assert "Chondrichthyes · Orectolobiformes · Rhincodontidae" in text or "Rhincodontidae" in text
        if "poster" in name and "rhincodon" in name:
            assert "Help protect Rhincodon typus" in text
    sheet = " ".join(_text(next(p for n, p in by_name.items() if "iberian-lynx-factsheet" in n)))
    assert sheet.count("Increasing") == 1, sheet


@pytest.mark.slow
def test_cards_follow_the_table_and_name_a_sparse_record_once(built):
    (deck,) = built["flashcards"]
    pages = _text(deck.path)
    joined = " ".join(pages)
    assert joined.index("Rhincodon typus") < joined.index("Amur tiger") < joined.index("Iberian lynx")
    backs = [p for p in pages if "Largest living fish" in p]
    assert backs and backs[0].count("Rhincodon typus") == 1, backs
