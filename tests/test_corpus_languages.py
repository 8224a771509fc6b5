"""The layout corpus in Russian, Simplified Chinese and Arabic.

Three corpus records are complete in en, ru, zh and ar (see tests/corpus/README.md): they
build in each of those languages without --fallback, with the translated text at full
length. The whole corpus builds in each language with --fallback (the layout words come
from the catalogues, untranslated fields print in the record's own language). Every
build is checked from the PDF as tests/test_corpus_layouts.py checks the English one:
page count within the layout's limit, every character inside the TrimBox, nothing
under 7 pt, no placeholder or product name on the page.
"""

from __future__ import annotations

import functools

import re

import pytest
from pdfcheck import text_geometry
from test_corpus_layouts import CORPUS, PLACEHOLDERS, RECORDS

from wildpress import build
from wildpress.build import Settings
from wildpress.printing.imposition import ImpositionSettings

MULTILINGUAL = [CORPUS / f"{name}.yaml" for name in
                ("african-savanna-elephant", "attenboroughs-long-beaked-echidna", "saiga-antelope")]
LANGS = ["ru", "zh", "ar"]

# (layout, size, orientation, page limit): the smallest size of each kind of document.
CASES = [
    ("factsheet", "a4", None, 2),
    ("poster", "a4", "landscape", 1),
    ("flashcards", "poker", None, 2),  # one page per card side
]
PARAMS = [pytest.param(lang, *case, id=f"{lang}-{case[0]}-{case[1]}-{case[2] or 'default'}")
          for lang in LANGS for case in CASES]

# Each record's common name in the language, as it must appear on its pages when built
# without --fallback (so a build that quietly printed English would fail). Not checked for
# Arabic: the text PDFium extracts from shaped Arabic loses some letters (e.g. أ at a word's
# start), so an Arabic page is only required to carry Arabic script.
NAMES = {
    "ru": ["Африканский саванный слон", "Длинноклювая ехидна Аттенборо", "Сайгак"],
    "zh": ["非洲草原象", "阿氏长吻针鼹", "高鼻羚羊"],
}
SCRIPT = {"ru": re.compile("[\u0400-\u04ff]"), "zh": re.compile("[\u4e00-\u9fff]"),
          "ar": re.compile("[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")}


def settings(lang: str, fallback: bool) -> Settings:
    return Settings(lang=lang, fallback=fallback, organisation="Friends of the Sea", deck_name="corpus",
                    cards=ImpositionSettings(mode="none"))


def _photo_front_in_fallback(text: str, records) -> bool:
    """A card's photo front holds only the photo, the common and the scientific name: for a record
    with a photo and no name in the build's language, nothing on it is in that language."""
    return text.split() in _photo_front_words(tuple(records))


@functools.lru_cache(maxsize=8)
def _photo_front_words(records: tuple) -> list[list[str]]:
    from wildpress.data.yamlsafe import load_file

    fronts = []
    for record in records:
        data = load_file(record).data
        if data.get("photo") and isinstance(data["name"]["common"], str):
            fronts.append(f"{data['name']['common']} {data['name']['scientific']}".split())
    return fronts


def build_and_check(records, tmp_path, lang, fallback, layout, size, orientation, limit):
    """Build ``records`` in ``lang`` and check every page; returns (result, page texts)."""
    result = build(records, [layout], [size], tmp_path, orientation=orientation,
                   settings=settings(lang, fallback), raise_errors=False)
    assert not result.failures, "\n".join(f"{f.label}: {f.message}" for f in result.failures)
    assert len(result.outputs) == (1 if layout == "flashcards" else len(records))
    texts = []
    for output in result.outputs:
        pages = text_geometry(output.path)
        if layout == "flashcards":
            assert len(pages) == 2 * len(records), output.path.name  # one front, one back per card
        else:
            assert 1 <= len(pages) <= limit, f"{output.path.name}: {len(pages)} pages"
        for number, page in enumerate(pages, 1):
            where = f"{output.path.name} page {number}"
            assert not page["outside"], f"{where}: text outside the trim: {page['outside'][:60]!r}"
            assert page["smallest_pt"] >= 7.0 - 0.05, f"{where}: {page['smallest_pt']:.2f} pt text"
            assert not PLACEHOLDERS.search(page["text"]), f"{where}: {PLACEHOLDERS.search(page['text'])[0]!r}"
            if not _photo_front_in_fallback(page["text"], records):
                assert SCRIPT[lang].search(page["text"]), f"{where}: no {lang} text on the page"
        texts.append("".join(page["text"] for page in pages))
    return result, texts


def test_the_multilingual_records_are_complete_in_every_test_language():
    from click.testing import CliRunner

    from wildpress.cli import main

    assert all(record in RECORDS for record in MULTILINGUAL)
    run = CliRunner().invoke(main, ["validate", *map(str, MULTILINGUAL), "--lang", ",".join(LANGS)])
    assert run.exit_code == 0, run.output


@pytest.mark.slow
@pytest.mark.parametrize("lang,layout,size,orientation,limit", PARAMS)
def test_multilingual_records_build_in_the_language_without_fallback(tmp_path, lang, layout, size,
                                                                      orientation, limit):
    result, texts = build_and_check(MULTILINGUAL, tmp_path, lang, False, layout, size, orientation, limit)
    untranslated = [str(w) for w in result.warnings if f"no {lang} text" in str(w)]
    assert not untranslated, untranslated
    if lang in NAMES:
        printed = re.sub(r"\s+", " ", "".join(texts))
        for name in NAMES[lang]:
            assert name in printed, f"{name!r} is not printed"


@pytest.mark.slow
@pytest.mark.parametrize("lang,layout,size,orientation,limit", PARAMS)
def test_whole_corpus_builds_in_the_language_with_fallback(tmp_path, lang, layout, size, orientation, limit):
    build_and_check(RECORDS, tmp_path, lang, True, layout, size, orientation, limit)


@pytest.mark.slow
def test_the_largest_landscape_poster_holds_english_fallback_titles_in_arabic(tmp_path):
    """A0 landscape in Arabic: an English fallback name ('African savanna elephant') once ran 119 mm past
    the page edge (its last two words are one unbreakable piece; the title was sized by single words)."""
    build_and_check(RECORDS, tmp_path, "ar", True, "poster", "a0", "landscape", 1)
