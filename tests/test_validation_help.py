"""Validation that helps (issue 12): one pass, suggestions, a grouped summary, YAML errors where they start."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from wildpress.cli import main
from wildpress.data.species import check_file
from wildpress.data.yamlsafe import YAMLProblem, load_text

HEAD = "schema: 1\nname: {common: Cat, scientific: Felis catus}\n"
TAIL = "sources: [{title: T}]\n"


def _species(tmp_path, name: str, body: str):
    path = tmp_path / name
    path.write_text(body)
    return path


def _messages(path) -> list[str]:
    _, problems = check_file(path)
    return [str(p) for p in problems]


def test_independent_problems_of_one_file_arrive_in_one_run(tmp_path):
    """Schema errors used to hide the semantic checks (countries, min <= max, photos) until fixed."""
    path = _species(tmp_path, "cat.yaml", HEAD + "status: {category: XX}\n" + TAIL +
                    "range: {countries: [RU, XX]}\n"
                    "measurements:\n  weight: {min: 48, max: 25, unit: kg}\n  length: {value: 1, unit: furlong}\n"
                    "photo: {file: missing.jpg, credit: c, licence: CC0, alt: a}\n"
                    "habitet: forest\n")
    messages = _messages(path)
    expected = [
        f"{path}:3:20: status.category: 'XX' is not an IUCN category (expected one of EX, EW, CR, EN, VU, NT, "
        "LC, DD, NE)",
        f"{path}:5:25: range.countries[1]: 'XX' is not an ISO 3166-1 country code",
        f"{path}:7:17: measurements.weight.min: min (48) is greater than max (25)",
        f"{path}:8:28: measurements.length.unit: 'furlong' is not a unit (a length is in mm, cm, m, km, in, ft or mi)",
        f"{path}:9:15: photo.file: photo file not found: {tmp_path / 'missing.jpg'}",
        f"{path}:10:1: warning: habitet: unknown field (did you mean 'habitat'?)",
    ]
    assert messages == expected
    # and the CLI prints them all, sorted, in one run
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if line.startswith(str(path))] == expected


def test_wrong_shapes_do_not_crash_the_semantic_checks_or_repeat_a_message(tmp_path):
    path = _species(tmp_path, "odd.yaml", HEAD + "status: LC\n" + TAIL +
                    "range: {countries: Colombia}\nmeasurements: {weight: 5}\nphoto: cat.jpg\n"
                    "gallery: [3, {file: 4, crop: {x: a}}]\npopulation: {subpopulations: [1, {countries: [co]}]}\n")
    messages = _messages(path)
    assert len(messages) == len(set(messages))
    assert any("range.countries: expected a list, got 'Colombia'" in m for m in messages)
    assert any("population.subpopulations[1].countries[0]: 'co' is not a country code: did you mean CO?" in m
               for m in messages)


def test_duplicate_ids_are_found_even_in_files_with_other_errors(tmp_path):
    a = _species(tmp_path, "a.yaml", "id: cat\n" + HEAD + "status: {category: lc}\n" + TAIL)
    b = _species(tmp_path, "b.yaml", "id: cat\n" + HEAD + "status: {category: LC}\n" + TAIL)
    result = CliRunner().invoke(main, ["validate", str(a), str(b)])
    assert f"{a}:4:20: status.category: 'lc' is not an IUCN category: did you mean LC?" in result.stderr
    assert f"{b}: id: species id 'cat' is also used by {a}" in result.stderr


@pytest.mark.parametrize("status, message", [
    ("lc", "'lc' is not an IUCN category: did you mean LC?"),
    ("Critically endangered", "'Critically endangered' is not an IUCN category: did you mean CR (Critically Endangered)?"),
    ("least concern", "'least concern' is not an IUCN category: did you mean LC (Least Concern)?"),
    ("Vulnerabel", "'Vulnerabel' is not an IUCN category: did you mean VU (Vulnerable)?"),
    ("EN - Endangered", "'EN - Endangered' is not an IUCN category: did you mean EN (Endangered)?"),
])
def test_iucn_suggestions(tmp_path, status, message):
    path = _species(tmp_path, "cat.yaml", HEAD + f"status: {{category: {status}}}\n" + TAIL)
    assert _messages(path) == [f"{path}:3:20: status.category: {message}"]


@pytest.mark.parametrize("written, message", [
    ("Colombia", "'Colombia' is a country name, not a code: did you mean CO (Colombia)?"),
    ("co", "'co' is not a country code: did you mean CO?"),
    ("COL", "'COL' is a three-letter code; wildpress uses two letters: did you mean CO (Colombia)?"),
    ("Columbia", "'Columbia' is not a country code: did you mean CO (Colombia)?"),
    ("UK", "'UK' is not an ISO 3166-1 country code: did you mean GB (United Kingdom)?"),
    ("Honduras?", "'Honduras?' is a country name, not a code: did you mean HN (Honduras)? (an uncertain presence: "),
    ("Atlantis", "'Atlantis' is not an ISO 3166-1 country code (two capital letters, e.g. CO for Colombia, "
                 "GB for the United Kingdom)"),
])
def test_country_suggestions(tmp_path, written, message):
    path = _species(tmp_path, "cat.yaml", HEAD + "status: {category: LC}\n" + TAIL +
                    f"range:\n  countries:\n    - {written}\n")
    messages = _messages(path)
    assert len(messages) == 1 and messages[0].startswith(f"{path}:7:7: range.countries[0]: {message}"), messages


@pytest.mark.parametrize("key, unit, message", [
    ("weight", "kgs", "'kgs' is not a unit: did you mean kg?"),
    ("weight", "KG", "'KG' is not a unit: did you mean kg?"),
    ("length", "metres", "'metres' is not a unit: did you mean m?"),
    ("lifespan", "yrs", "'yrs' is not a unit: did you mean years?"),
    ("weight", "stone", "'stone' is not a unit (a weight is in g, kg, t, lb or oz)"),
])
def test_unit_suggestions(tmp_path, key, unit, message):
    path = _species(tmp_path, "cat.yaml", HEAD + "status: {category: LC}\n" + TAIL +
                    f"measurements:\n  {key}: {{value: 3, unit: {unit}}}\n")
    messages = _messages(path)
    assert len(messages) == 1 and messages[0].endswith(f"measurements.{key}.unit: {message}"), messages


@pytest.mark.parametrize("body, message", [
    ("Habitat: forest\n", ":5:1: warning: Habitat: unknown field (did you mean 'habitat'?)"),
    ("category: LC\n", ":5:1: warning: category: unknown field (did you mean 'status.category'?)"),
    ("measurements:\n  Body Length: {value: 1, unit: m}\n",
     ":6:3: warning: measurements.Body Length: unknown field (did you mean 'body_length'?)"),
    ("name2: x\n", ":5:1: warning: name2: unknown field (did you mean 'name'?)"),
])
def test_field_name_suggestions(tmp_path, body, message):
    path = _species(tmp_path, "cat.yaml", HEAD + "status: {category: LC}\n" + TAIL + body)
    assert f"{path}{message}" in _messages(path)


def _many(tmp_path, n: int = 60):
    folder = tmp_path / "species"
    folder.mkdir()
    for i in range(1, n + 1):
        category = "lc" if i % 2 else "Endangerd"
        countries = "[Colombia]" if i % 3 == 0 else "[CO]"
        (folder / f"mammals-{i}.yaml").write_text(HEAD + f"status: {{category: {category}}}\n" + TAIL +
                                                  f"range: {{countries: {countries}}}\n")
    (folder / "ok.yaml").write_text(HEAD + "status: {category: LC}\n" + TAIL)
    return folder


def test_many_files_are_sorted_and_summarised_by_kind(tmp_path):
    folder = _many(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    details = [line for line in lines if line.startswith(str(folder))]
    assert len(details) == 80  # 60 categories and 20 country names
    files = [int(line.split("mammals-")[1].split(".")[0]) for line in details]
    assert files == sorted(files)  # mammals-2 before mammals-10
    summary = lines[lines.index("Summary:") + 1:]
    assert summary[:-1] == [
        "  status.category not an IUCN category: 60 in 60 files (mammals-1.yaml, mammals-2.yaml, mammals-3.yaml, …)",
        "  range.countries[] not a country code: 20 in 20 files (mammals-3.yaml, mammals-6.yaml, mammals-9.yaml, …)",
    ]
    assert summary[-1] == "80 error(s), 0 warning(s) in 60 of 61 files"


def test_json_and_github_formats_carry_the_summary(tmp_path):
    folder = _many(tmp_path, 6)
    data = json.loads(CliRunner().invoke(main, ["validate", "--format", "json", str(folder)]).output)
    assert data["summary"][0] == {"kind": "status.category not an IUCN category", "severity": "error", "count": 6,
                                  "files": 6, "first_files": ["mammals-1.yaml", "mammals-2.yaml", "mammals-3.yaml"]}
    assert [p["file"].rsplit("/", 1)[1] for p in data["problems"]][:3] == ["mammals-1.yaml"] * 1 + [
        "mammals-2.yaml", "mammals-3.yaml"]
    github = CliRunner().invoke(main, ["validate", "--format", "github", str(folder)]).output.splitlines()
    assert all(line.startswith("::error ") for line in github[:8])
    assert "  status.category not an IUCN category: 6 in 6 files (mammals-1.yaml, mammals-2.yaml, mammals-3.yaml, …)" \
        in github


def test_one_problem_gets_no_summary_block(tmp_path):
    path = _species(tmp_path, "cat.yaml", HEAD + "status: {category: lc}\n" + TAIL)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.stderr == f"{path}:3:20: status.category: 'lc' is not an IUCN category: did you mean LC?\n" \
                            "1 error(s), 0 warning(s)\n"


FILLER = "".join(f"k{i}: v\n" for i in range(115))


@pytest.mark.parametrize("text, message", [
    ("a: 1\nb: 2\nc: 'open\n" + FILLER,
     "t.yaml:3:4: invalid YAML: quoted text starting here is not closed (the file ended at line 119, column 1)"),
    ('a: 1\nb: 2\nc: "open\n' + FILLER,
     "t.yaml:3:4: invalid YAML: quoted text starting here is not closed (the file ended at line 119, column 1)"),
    ("a: 1\nb: [x, y\n" + FILLER,
     "t.yaml:2:4: invalid YAML: a [...] list starting here is not closed (expected ',' or ']', but got ':' at "
     "line 3, column 3)"),
    ("a: 1\nb: [x, y\n", "t.yaml:2:4: invalid YAML: a [...] list starting here is not closed (expected ',' or ']', "
                         "but got '<stream end>' at line 3, column 1)"),
    ("a: 1\nb: {x: 1, y: 2\n" + FILLER,
     "t.yaml:2:4: invalid YAML: a {...} mapping starting here is not closed (expected ',' or '}', but got ':' at "
     "line 3, column 3)"),
    # an unclosed quote that a later apostrophe closes: reported where it opened
    ("a: 1\nb: 'Cat\nc: 2\nd: It's big\ne: 3\n",
     "t.yaml:2:4: invalid YAML: quoted text starting here is not closed on its line: it runs on to the ' at "
     "line 4, column 6, and the parser gave up right after it (close the quote on line 2)"),
    ("a: 'It's a cat'\n", "t.yaml:1:8: invalid YAML: text after the closing ' (the quoted text started at "
                          "column 4): write a ' inside '...' twice (It''s), or quote the whole value with the "
                          "other quote"),
    ("a:\n  b: 1\n c: 2\n", "t.yaml:3:2: invalid YAML: this line is indented to column 2, which lines up with "
                            "nothing above it (the mapping that started at line 1 has its keys at column 1, "
                            "line 2 starts at column 3)"),
    ("a:\n  b: 1\n    c: 2\n", "t.yaml:3:5: invalid YAML: this line is indented deeper than line 2, so YAML reads "
                               "it as more of that line's value; start it at column 3 like the key on line 2, or "
                               "quote the value if the ': ' belongs in it"),
    ("sources:\n  - title: A\n     publisher: B\n",
     "t.yaml:3:6: invalid YAML: this line is indented deeper than line 2, so YAML reads it as more of that line's "
     "value; start it at column 5 like the key on line 2"),
    ("a: |\n    text\n  more\nb: 1\n", "t.yaml:3:3: invalid YAML: this line is indented to column 3, which lines "
                                       "up with nothing above it (the mapping that started at line 1 has its keys "
                                       "at column 1, line 2 starts at column 5)"),
    ("a: 1\n- b\n", "t.yaml:2:1: invalid YAML: a list item ('- ') where the mapping that started at line 1 "
                    "expects 'key: value': indent the list under a key"),
    ("a:\n\tb: 1\n", "t.yaml:2:1: invalid YAML: a tab character: YAML indents with spaces only"),
    ("a: b: c\n", "t.yaml:1:5: invalid YAML: ': ' inside a value that is not quoted: put the whole value in quotes"),
])
def test_yaml_errors_name_where_the_construct_started(text, message):
    with pytest.raises(YAMLProblem) as err:
        load_text(text, "t.yaml")
    assert message in str(err.value)


def test_yaml_error_in_a_real_species_file_through_the_cli(tmp_path):
    path = _species(tmp_path, "cat.yaml", "schema: 1\nname:\n  common: 'Amur leopard\n  scientific: Panthera pardus\n"
                    "status: {category: CR}\n" + TAIL + "description: >\n  " + "Long text. " * 20 + "\n" * 100)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:3:11: invalid YAML: quoted text starting here is not closed")


def test_a_broken_project_file_does_not_hide_its_species_problems(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["new", "proj"]).exit_code == 0
    project = tmp_path / "proj"
    monkeypatch.chdir(project)
    (project / "wildpress.yaml").write_text((project / "wildpress.yaml").read_text().replace("  website:", "  webiste:"))
    fox = project / "data" / "species" / "red-fox.yaml"
    fox.write_text(fox.read_text().replace("category: LC", "category: lc"))
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "brand.webiste: unknown key (did you mean 'website'?)" in lines[0]  # the project file first
    assert any(line.endswith("status.category: 'lc' is not an IUCN category: did you mean LC?") for line in lines)
