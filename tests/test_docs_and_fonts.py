"""The schema reference stays current; bundled fonts cover Latin, Cyrillic and Greek."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from conftest import REPO
from pdfcheck import fonts, reader, text
from wildpress import build
from wildpress.cli import main
from wildpress.errors import DataError, RenderError
from wildpress.data.schema import SPECIES_SCHEMA


def test_schema_doc_is_generated_from_the_schema():
    current = CliRunner().invoke(main, ["schema", "--markdown"]).output
    on_disk = (REPO / "docs" / "species-schema.md").read_text()
    assert on_disk == current, "run: wildpress schema --markdown > docs/species-schema.md"


def test_every_field_is_documented():
    doc = (REPO / "docs" / "species-schema.md").read_text()
    for name in SPECIES_SCHEMA["properties"]:
        assert f"| `{name}` |" in doc


def test_printed_schema_is_a_valid_json_schema():
    Draft202012Validator.check_schema(SPECIES_SCHEMA)


def _species(tmp_path, common: str, extra: str = ""):
    path = tmp_path / "data" / "species" / "multi.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("schema: 1\nname:\n  common: " + common + "\n  scientific: Panthera pardus orientalis\n"
                    "status: {category: CR}\nsources: [{title: T}]\n" + extra, encoding="utf-8")
    return path


def test_cyrillic_and_greek_render_with_bundled_fonts(tmp_path):
    path = _species(tmp_path, "{en: Amur leopard, ru: Дальневосточный леопард, el: Λεοπάρδαλη του Αμούρ}",
                    "quick_facts: [{en: Spots, ru: Пятнистый мех, el: Στίγματα}]\n")
    # wildpress ships no Greek catalogue: a project adds one (here a single word) to print in Greek
    (tmp_path / "locale").mkdir()
    (tmp_path / "locale" / "el.po").write_text('msgid ""\nmsgstr ""\n"Language: el\\n"\n\n'
                                               'msgid "Quick facts"\nmsgstr "Γρήγορα στοιχεία"\n')
    for lang, expected in (("ru", "Дальневосточный леопард"), ("el", "Λεοπάρδαλη του Αμούρ"), ("en", "Amur leopard")):
        from wildpress.build import Settings

        result = build([path], ["factsheet"], ["A4"], tmp_path / lang, project_dir=tmp_path,
                       settings=Settings(lang=lang))
        pdf = reader(result.outputs[0].path)
        assert expected in text(pdf)
        assert lang != "el" or "ΓΡΗΓΟΡΑ ΣΤΟΙΧΕΙΑ" in text(pdf)  # the project's word, set in capitals
        assert all("Wildpress" in name for name in fonts(pdf)), fonts(pdf)


def test_a_glyph_in_a_template_no_bundled_font_has_fails_the_build(tmp_path, weasyprint_must_not_warn):
    """The last line of defence: a character the data check cannot see (a layout's own text)."""
    path = _species(tmp_path, "Snow leopard")
    layout = tmp_path / "layouts" / "tibetan"
    layout.mkdir(parents=True)
    (layout / "layout.yaml").write_text("name: tibetan\ndescription: A fact sheet with a Tibetan word.\n"
                                        "kind: document\nextends: factsheet\ntemplate: t.html.j2\n")
    (layout / "t.html.j2").write_text("{% extends 'factsheet.html.j2' %}{% block body %}<p>\u0f56\u0f7c\u0f51</p>"
                                      "{{ super() }}{% endblock %}")
    with pytest.raises(RenderError, match=r"(system font|unsupported by fonts).*U\+0F56|U\+0F56.*system font"):
        build([path], ["tibetan"], ["A4"], tmp_path / "out", project_dir=tmp_path)
    assert not (tmp_path / "out").exists()
    weasyprint_must_not_warn.records.clear()  # the tofu warning is what this test provokes


def test_a_glyph_no_font_has_fails_before_rendering_naming_file_and_line(tmp_path):
    path = _species(tmp_path, "Snow leopard", "quick_facts: ['Called \U0001f9ad by children']\n")
    with pytest.raises(DataError) as err:  # raised in the render worker, it arrives as itself
        build([path], ["factsheet"], ["A4"], tmp_path / "out", project_dir=tmp_path)
    assert [p.path for p in err.value.problems] == ["quick_facts[0]"]
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if "quick_facts" in row)
    assert f"multi.yaml:{line}:" in str(err.value) and "quick_facts[0]" in str(err.value)
    assert "U+1F9AD SEAL" in str(err.value)
    assert not (tmp_path / "out").exists()
