"""Languages end to end: the Amur leopard in en, ru, zh and ar in every layout; translations that are
missing, fallbacks, project catalogues, scripts no font covers, bilingual decks and units."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from pdfcheck import fonts, reader, text
from wildpress.cli import main
from wildpress.i18n.catalogue import LANGUAGES, bundled_folder

REPO = Path(__file__).resolve().parent.parent
LEOPARD = REPO / "data" / "species" / "amur-leopard.yaml"

# What each language must print: the name, the status and section titles, from the data and the catalogue.
EXPECTED = {
    "en": ["Amur leopard", "Critically Endangered", "Threats"],
    "ru": ["Дальневосточный леопард", "На грани полного исчезновения", "Угрозы"],
    "zh": ["远东豹", "极危", "威胁"],
    "ar": ["نمر آمور", "مهدد بالانقراض بشدة", "التهديدات"],
}
# English fixed words of the layouts that must not be left standing in another language.
ENGLISH_WORDS = ["Critically Endangered", "Population", "Threats", "Quick facts", "Why it matters", "Habitat",
                 "Measurements", "Least concern", "Extinct", "Length", "Weight", "Height", "Diet", "Range",
                 "Sources", "Photo", "individuals", "fact sheet", "Help protect", "IUCN Red List", "Answer",
                 "Give", "Learn more", "Who am I", "Species", "Contents", "Territory", "Conservation", "About"]
OWN_ENGLISH = ["Amur Leopard and Tiger Alliance", "Amur Leopard (species page; wildpress seed text)", "Colin Hines",
               "Panthera pardus orientalis", "CC BY 2.5", "Natural Earth", "ALTA"]


def _messages(lang: str):
    with (bundled_folder() / f"{lang}.po").open("rb") as fh:
        return read_po(fh, locale=lang)


_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_catalogue_is_complete_with_the_same_placeholders(lang):
    with (bundled_folder() / "wildpress.pot").open("rb") as fh:
        template = {m.id for m in read_po(fh) if m.id}
    catalog = _messages(lang)
    ids = {m.id for m in catalog if m.id}
    assert ids >= template, f"{lang}.po lacks {sorted(map(str, template - ids))[:5]}: run docs/gen_catalogue.py"
    for m in catalog:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(strings) and not m.fuzzy, f"{lang}.po: {m.id!r} is untranslated or fuzzy"
        ids_ = m.id if isinstance(m.id, tuple) else (m.id,)
        wanted = set(_PLACEHOLDER.findall(ids_[-1]))
        for s in strings:
            assert set(_PLACEHOLDER.findall(s)) == wanted, f"{lang}.po: {m.id!r} -> {s!r}: placeholders differ"


def test_catalogue_template_is_current():
    done = subprocess.run([sys.executable, str(REPO / "docs" / "gen_catalogue.py"), "--check"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr


def test_iucn_official_names_in_french_and_spanish():
    fr, es = _messages("fr"), _messages("es")
    assert fr["Critically Endangered"].string == "En danger critique"
    assert fr["Least Concern"].string == "Préoccupation mineure"
    assert es["Critically Endangered"].string == "En peligro crítico"
    assert es["Near Threatened"].string == "Casi amenazado"


def _build(tmp_path: Path, *args: str) -> tuple[int, str, list[Path]]:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", *args, "-o", str(out)])
    return result.exit_code, result.stderr + result.stdout, sorted(out.glob("*.pdf"))


@pytest.mark.parametrize("layout, size", [("factsheet", "a4"), ("poster", "a3"), ("flashcards", "a7")])
@pytest.mark.parametrize("lang", ["en", "ru", "zh", "ar"])
def test_amur_leopard_prints_whole_in_its_language(tmp_path, lang, layout, size):
    code, output, pdfs = _build(tmp_path, str(LEOPARD), "-l", layout, "-s", size, "--lang", lang)
    assert code == 0, output
    assert len(pdfs) == 1 and (lang == "en") != pdfs[0].stem.endswith(f"-{lang}")
    pdf = reader(pdfs[0])
    found = re.sub(r"\s+", " ", text(pdf))
    wanted = EXPECTED[lang][:2] if layout == "flashcards" else EXPECTED[lang]  # cards print no section titles
    for phrase in wanted:  # section titles may be set in capitals
        assert phrase.casefold() in found.casefold(), f"{phrase!r} missing from the {lang} {layout}"
    if lang != "en":
        rest = found
        for own in OWN_ENGLISH:
            rest = rest.replace(own, "")
        left = [w for w in ENGLISH_WORDS if re.search(rf"\b{re.escape(w)}\b", rest, re.IGNORECASE)]
        assert not left, f"English fixed words in the {lang} {layout}: {left}"
    assert all(fonts(pdf).values()), f"a font is not embedded: {fonts(pdf)}"


def test_untranslated_fields_fail_with_file_and_line_unless_fallback(tmp_path):
    species = tmp_path / "data" / "red-fox.yaml"
    species.parent.mkdir()
    species.write_text(_without_photo("red-fox"))
    code, output, pdfs = _build(tmp_path, str(species), "-s", "a4", "--lang", "ru")
    assert code == 1 and not pdfs
    assert re.search(r"red-fox\.yaml:\d+:\d+: name\.common: no ru text \(it is given in en\)", output), output
    assert "--fallback" in output
    code, output, pdfs = _build(tmp_path, str(species), "-s", "a4", "--lang", "ru", "--fallback")
    assert code == 0, output
    assert re.search(r"red-fox\.yaml:\d+:\d+: warning: description: no ru text: printed in en", output)
    found = text(reader(pdfs[0])).casefold()
    assert "угрозы" in found and "численность" in found  # the layout's words in Russian


def _without_photo(name: str) -> str:
    from conftest import without_photo

    return without_photo((REPO / "data" / "species" / f"{name}.yaml").read_text())


def test_validate_lang_lists_missing_translations(tmp_path, monkeypatch):
    species = tmp_path / "red-fox.yaml"
    species.write_text(_without_photo("red-fox"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(species), "--lang", "ru,zh"])
    assert result.exit_code == 1
    assert re.search(r"red-fox\.yaml:\d+:\d+: name\.common: no ru text", result.stderr)
    assert re.search(r"red-fox\.yaml:\d+:\d+: name\.common: no zh text", result.stderr)
    leopard = CliRunner().invoke(main, ["validate", str(LEOPARD), "--lang", "ru", "--lang", "zh", "--lang", "ar"])
    assert leopard.exit_code == 0, leopard.stderr


TIBETAN = "བོད་ཀྱི་གཟིག"


def _tibetan_species(folder: Path) -> Path:
    text_ = _without_photo("snow-leopard")
    text_ = re.sub(r"(?m)^  common: .*$", f"  common: {{en: Snow leopard, bo: {TIBETAN}}}", text_, count=1)
    file = folder / "snow-leopard.yaml"
    file.write_text(text_)
    return file


def test_a_script_no_font_covers_fails_in_validate_and_build(tmp_path, monkeypatch):
    file = _tibetan_species(tmp_path)
    monkeypatch.chdir(tmp_path)
    line = next(i for i, row in enumerate(file.read_text().splitlines(), 1) if TIBETAN in row)
    check = CliRunner().invoke(main, ["validate", str(file), "--lang", "bo"])
    assert check.exit_code == 1
    assert f"snow-leopard.yaml:{line}:" in check.stderr and "U+0F56" in check.stderr, check.stderr
    code, output, pdfs = _build(tmp_path, str(file), "-s", "a4", "--lang", "bo", "--fallback")
    # no catalogue for Tibetan: refused before anything renders, naming the file to add
    assert code == 2 and "locale/bo.po" in output and not pdfs
    (tmp_path / "locale").mkdir()
    (tmp_path / "locale" / "bo.po").write_text('msgid ""\nmsgstr ""\n"Language: bo\\n"\n"Plural-Forms: nplurals=1; '
                                               'plural=0;\\n"\n\nmsgid "Threats"\nmsgstr "ཉེན་ཁ"\n')
    code, output, pdfs = _build(tmp_path, str(file), "-s", "a4", "--lang", "bo", "--fallback")
    assert code == 1 and not pdfs
    assert f"snow-leopard.yaml:{line}:" in output and "name.common.bo" in output, output
    assert "'བ' (U+0F56 TIBETAN LETTER BA)" in output


def test_project_catalogue_overrides_a_word_and_bad_placeholders_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "locale").mkdir()
    po = tmp_path / "locale" / "ru.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: ru\\n"\n\nmsgid "Threats"\nmsgstr "Опасности"\n')
    code, output, pdfs = _build(tmp_path, str(LEOPARD), "-s", "a4", "--lang", "ru")
    assert code == 0, output
    assert "опасности" in text(reader(pdfs[0])).casefold() and "угрозы" not in text(reader(pdfs[0])).casefold()
    po.write_text('msgid ""\nmsgstr ""\n"Language: ru\\n"\n\nmsgid "Help protect the %(name)s"\n'
                  'msgstr "Защитим %(species)s"\n')
    code, output, _ = _build(tmp_path, str(LEOPARD), "-l", "poster", "-s", "a3", "--lang", "ru", "--force")
    assert code != 0 and re.search(r"locale/ru\.po:\d+: the translation uses %\(species\)s", output), output


def test_bilingual_deck_fronts_in_one_language_backs_in_another(tmp_path):
    code, output, pdfs = _build(tmp_path, str(LEOPARD), "-l", "flashcards", "--lang", "en", "--back-lang", "ru",
                                "--imposition", "none", "-O", "front=question")
    assert code == 0, output
    assert pdfs[0].name.endswith("-en-ru.pdf")
    pdf = reader(pdfs[0])
    front, back = (re.sub(r"\s+", " ", page.extract_text()) for page in pdf.pages[:2])
    assert "WHO AM I?" in front.upper() and "Which critically endangered big cat" in front
    assert "Дальневосточный леопард" in back and "Amur leopard" not in back


@pytest.mark.parametrize("units, wanted", [
    ("imperial", ["3.3–4.5 ft", "55–106 lb"]),
    ("both", ["1–1.36 m", "3.3–4.5 ft", "25–48 kg", "55–106 lb"]),
    ("metric", ["1–1.36 m", "25–48 kg"]),
])
def test_units_convert_on_the_page(tmp_path, units, wanted):
    code, output, pdfs = _build(tmp_path, str(LEOPARD), "-s", "a4", "--units", units)
    assert code == 0, output
    found = text(reader(pdfs[0])).replace("\u2060", "").replace("\u00a0", " ")
    for phrase in wanted:
        assert phrase in found, f"{phrase!r} not in the {units} fact sheet"


def test_each_language_has_its_own_file_and_none_is_stale(tmp_path):
    for lang in ("en", "ru"):
        code, output, pdfs = _build(tmp_path, str(LEOPARD), "-s", "a4", "--lang", lang)
        assert code == 0, output
        assert "no longer built" not in output
    assert [p.name for p in pdfs] == ["amur-leopard-factsheet-a4-ru.pdf", "amur-leopard-factsheet-a4.pdf"]


def test_country_lists_sort_as_a_reader_expects_not_by_code_point():
    from wildpress.i18n.words import as_words

    names = as_words("en").country_names(["SD", "ST", "SN", "CI", "CU", "CO"])
    assert names == ["Colombia", "Côte d’Ivoire", "Cuba", "São Tomé & Príncipe", "Senegal", "Sudan"]
    assert as_words("ru").country_names(["RU", "EG"]) == ["Египет", "Россия"]
