"""The schema reference stays current; bundled fonts cover Latin, Cyrillic and Greek."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from conftest import REPO
from pdfcheck import fonts, reader, text
from wildpress import build
from wildpress.cli import main
from wildpress.errors import RenderError
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
    for lang, expected in (("ru", "Дальневосточный леопард"), ("el", "Λεοπάρδαλη του Αμούρ"), ("en", "Amur leopard")):
        from wildpress.build import Settings

        result = build([path], ["factsheet"], ["A4"], tmp_path / lang, project_dir=tmp_path,
                       settings=Settings(lang=lang))
        pdf = reader(result.outputs[0].path)
        assert expected in text(pdf)
        assert all("Wildpress" in name for name in fonts(pdf)), fonts(pdf)


def test_a_glyph_only_a_system_font_has_fails_the_build(tmp_path):
    path = _species(tmp_path, "Snow leopard", "quick_facts: ['Lives ≥ 3000 m up']\n")
    with pytest.raises(RenderError) as err:
        build([path], ["factsheet"], ["A4"], tmp_path / "out", project_dir=tmp_path)
    assert str(err.value).startswith("multi / factsheet / A4: the bundled fonts have no glyph for '≥' (U+2265)")
    assert not (tmp_path / "out").exists()


def test_a_glyph_no_font_has_fails_the_build(tmp_path, weasyprint_must_not_warn):
    path = _species(tmp_path, "Snow leopard", "quick_facts: ['Called 雪豹']\n")
    with pytest.raises(RenderError, match=r"unsupported by fonts: \"雪\" \(U\+96EA\)"):
        build([path], ["factsheet"], ["A4"], tmp_path / "out", project_dir=tmp_path)
    assert not (tmp_path / "out").exists()
    weasyprint_must_not_warn.records.clear()  # the tofu warning is what this test provokes
