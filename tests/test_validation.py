"""Validation: one scenario per kind of error, each with its exact message and exit code."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from wildpress.cli import main
from wildpress.data.species import check_file

CASES = [
    ("bad-yaml-syntax.yaml", 1, ":3:11: invalid YAML: a [...] list starting here is not closed "
                                "(expected ',' or ']', but got ':' at line 4, column 13)"),
    ("unknown-status.yaml", 1, ":6:13: status.category: 'Critcally Endangered' is not an IUCN category: "
                               "did you mean CR (Critically Endangered)?"),
    ("missing-required-field.yaml", 1, ":3:3: name.scientific: required field is missing"),
    ("wrong-type.yaml", 1, ":7:7: diet: expected a list, got 'Mice'"),
    ("unknown-key.yaml", 0, ":7:1: warning: habitet: unknown field (did you mean 'habitat'?)"),
    ("duplicate-key.yaml", 1, ":7:1: duplicate key 'status' (first defined on line 5)"),
    ("empty-file.yaml", 1, ":1:1: file is empty (expected a YAML mapping)"),
    ("alias.yaml", 1, ":7:10: aliases (*name) are not allowed in wildpress files"),
]


@pytest.mark.parametrize("name, code, message", CASES, ids=[c[0] for c in CASES])
def test_each_error_kind_reports_file_line_column(scenario, name, code, message):
    path = scenario(name)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == code, result.output
    assert f"{path}{message}\n" in result.stderr


def test_unknown_key_is_an_error_under_strict(scenario):
    path = scenario("unknown-key.yaml")
    result = CliRunner().invoke(main, ["validate", "--strict", str(path)])
    assert result.exit_code == 1
    assert f"{path}:7:1: habitet: unknown field (did you mean 'habitat'?)\n1 error(s), 0 warning(s)" in result.stderr


def test_all_problems_of_all_files_are_reported_at_once(scenario):
    files = [scenario(n) for n in ("unknown-status.yaml", "wrong-type.yaml", "valid-minimal.yaml")]
    result = CliRunner().invoke(main, ["validate", *map(str, files)])
    assert result.exit_code == 1
    assert "unknown-status.yaml:6:13:" in result.stderr
    assert "wrong-type.yaml:7:7:" in result.stderr
    assert "2 error(s)" in result.stderr


def test_build_validates_before_rendering_anything(scenario, tmp_path):
    files = [scenario("valid-minimal.yaml"), scenario("unknown-status.yaml")]
    result = CliRunner().invoke(main, ["build", *map(str, files), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()


def test_plain_scalars_keep_what_the_author_wrote(scenario):
    species, problems = check_file(scenario("plain-scalars-stay-text.yaml"))
    assert problems == []
    assert species.data["habitat"] == "NO"  # not False
    assert species.data["id"] == "01234"  # not 668


def test_several_problems_in_one_file_all_reported(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: 2\nname:\n  common: X\n  scientific: panthera LEO\nstatus: {category: XX}\n"
                   "sources: []\nmeasurements:\n  weight: {min: 48, max: 25, unit: stone}\n")
    _, problems = check_file(bad)
    messages = [str(p) for p in problems]
    assert f"{bad}:1:9: schema: expected 1, got a number" in messages
    assert any(":4:15: name.scientific: 'panthera LEO' is not a valid scientific name" in m for m in messages)
    assert any(":5:20: status.category: 'XX' is not an IUCN category" in m for m in messages)
    assert any(":6:10: sources: [] should be non-empty" in m for m in messages)
    assert any(":8:36: measurements.weight.unit: 'stone' is not a unit (a weight is in g, kg, t, lb or oz)" in m for m in messages)


def test_semantic_rules(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: 1\nname: {common: X, scientific: Felis catus}\nstatus: {category: LC}\n"
                   "sources: [{title: T}]\nrange: {countries: [RU, XX]}\n"
                   "measurements:\n  weight: {min: 48, max: 25, unit: kg}\n"
                   "photo: {file: ../../etc/passwd, credit: c, licence: CC0, alt: a}\n")
    _, problems = check_file(bad)
    messages = "\n".join(map(str, problems))
    assert "range.countries[1]: 'XX' is not an ISO 3166-1 country code" in messages
    assert ":7:17: measurements.weight.min: min (48) is greater than max (25)" in messages
    assert "photo.file: photo must be inside the project folder" in messages


def test_all_bundled_samples_are_valid_without_warnings(tmp_path):
    result = CliRunner().invoke(main, ["validate", "--strict"])
    assert result.exit_code == 0, result.output
    assert "species file(s) valid" in result.output


@pytest.mark.parametrize("damage, message", [
    (lambda data: data[: len(data) * 2 // 3], "photo.jpg is damaged or incomplete (image file is truncated"),
    (lambda data: b"<html>not a photo</html>", "photo.jpg is not an image format wildpress can print"),
])
def test_damaged_photos_are_data_errors_not_grey_boxes(tmp_path, damage, message):
    import weasyprint  # noqa: F401 - it makes Pillow accept truncated files process-wide; we must not

    from conftest import write_test_photo

    photo = write_test_photo(tmp_path / "photo.jpg")
    photo.write_bytes(damage(photo.read_bytes()))
    species = tmp_path / "cat.yaml"
    species.write_text("schema: 1\nname: {common: Cat, scientific: Felis catus}\nstatus: {category: LC}\n"
                       "sources: [{title: T}]\nphoto: {file: photo.jpg, credit: Me, licence: CC0, alt: A cat}\n")
    result = CliRunner().invoke(main, ["validate", str(species)])
    assert result.exit_code == 1
    assert f"{species}:5:15: photo.file: {message}" in result.stderr


def test_near_miss_measurement_keys_warn(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("schema: 1\nname: {common: Cat, scientific: Felis catus}\nstatus: {category: LC}\n"
                    "sources: [{title: T}]\nmeasurements:\n  weigth: {value: 4, unit: kg}\n"
                    "  whisker_span: {value: 10, unit: cm}\n")
    _, problems = check_file(path)
    assert [str(p) for p in problems] == [
        f"{path}:6:3: warning: measurements.weigth: unknown measurement (did you mean 'weight'? or give it a label)"]
