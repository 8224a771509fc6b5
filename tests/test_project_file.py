"""The project file wildpress.yaml: one test per validation scenario, the Project it loads into,
and the build request a project frames (settings, overrides, fingerprint)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import SAMPLES, without_photo, write_test_photo
from wildpress.errors import DataError, LayoutError
from wildpress.jobs import Brand, Settings
from wildpress.layout.layouts import available, load_layout, search_path
from wildpress.printing.imposition import ImpositionSettings
from wildpress.project.config import PROJECT_FILE, OutputSpec, find_project, load_project
from wildpress.runner.manifest import settings_fingerprint

LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" '
        'fill="#2f6b4f"/></svg>')


def _project(root: Path, text: str, logo: bool = True) -> Path:
    (root / "data" / "species").mkdir(parents=True, exist_ok=True)
    if logo:
        (root / "logo.svg").write_text(LOGO)
    (root / PROJECT_FILE).write_text(text)
    return root / PROJECT_FILE


def _problems(file: Path) -> list[str]:
    with pytest.raises(DataError) as err:
        load_project(file)
    return [str(p) for p in err.value.problems]


def test_unknown_key_with_did_you_mean(tmp_path):
    file = _project(tmp_path, "lang: en\nouptuts:\n  - layout: factsheet\nbrand:\n  nmae: Trust\n")
    assert _problems(file) == [
        f"{file}:2:1: ouptuts: unknown key (did you mean 'outputs'?)",
        f"{file}:5:3: brand.nmae: unknown key (did you mean 'name'?)",
    ]


def test_several_problems_at_once_in_one_data_error_with_their_lines(tmp_path):
    file = _project(tmp_path, "\n".join([
        "species: [data/species]",       # 1
        "photo_ppi: lots",               # 2
        "brand:",                        # 3
        "  website: ftp://trust.org",    # 4
        "outputs:",                      # 5
        "  - layout: posterr",           # 6
        "  - layout: poster",            # 7
        "    sizes: [A2, A9000]",        # 8
        "    duplex: sideways",          # 9
        "    tagged: maybe",             # 10
        "  - sizes: [A4]",               # 11
    ]) + "\n")
    problems = _problems(file)
    assert [p.split(": ")[0] for p in problems] == [f"{file}:{n}" for n in
                                                    ("2:12", "4:12", "6:13", "8:17", "9:13", "10:13", "11:5")]
    assert "photo_ppi: expected a number, got 'lots'" in problems[0]
    assert "brand.website: 'ftp://trust.org' is not a web address" in problems[1]
    assert "outputs[0].layout: unknown layout 'posterr' (did you mean 'poster'?)" in problems[2]
    assert "outputs[1].sizes[1]: unknown paper size 'A9000'" in problems[3]
    assert "outputs[1].duplex: 'sideways' is not allowed (expected one of long, short, none)" in problems[4]
    assert "outputs[1].tagged: expected true or false, got 'maybe'" in problems[5]
    assert "outputs[2].layout: required key is missing" in problems[6]


def test_bad_colour(tmp_path):
    file = _project(tmp_path, 'brand:\n  colours:\n    accent: "#12345"\n    secondary: #00ff00\n')
    assert _problems(file) == [
        f'{file}:3:13: brand.colours.accent: \'#12345\' is not a colour: give it as "#rrggbb", e.g. "#1f5c3a"',
        f'{file}:4:5: brand.colours.secondary: no colour given: an unquoted # starts a YAML comment, so write '
        f'secondary: "#1f5c3a" with quotes',
    ]


def test_logo_missing(tmp_path):
    file = _project(tmp_path, "brand:\n  name: Trust\n  logo: brand/logo.svg\n")
    assert _problems(file) == [f"{file}:3:9: brand.logo: logo file not found: {tmp_path / 'brand' / 'logo.svg'}"]


def test_logo_not_an_image(tmp_path):
    file = _project(tmp_path, "brand:\n  logo: notes.txt\n")
    (tmp_path / "notes.txt").write_text("not a picture")
    assert _problems(file) == [f"{file}:2:9: brand.logo: logo 'notes.txt' is not an image: use an SVG or PNG file"]


def test_logo_jpeg_is_not_svg_or_png(tmp_path):
    file = _project(tmp_path, "brand:\n  logo: logo.jpg\n")
    write_test_photo(tmp_path / "logo.jpg", (40, 40))
    assert _problems(file) == [f"{file}:2:9: brand.logo: logo 'logo.jpg' is a JPEG image: use an SVG or PNG file"]


def test_logo_unsafe_svg(tmp_path):
    file = _project(tmp_path, "brand:\n  logo: evil.svg\n")
    (tmp_path / "evil.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink='
                                       '"http://www.w3.org/1999/xlink"><image xlink:href="/etc/x.png"/></svg>')
    assert "brand.logo: logo: evil.svg: SVG refers to /etc/x.png" in _problems(file)[0]


def test_logo_outside_project(tmp_path):
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    (outside / "logo.svg").write_text(LOGO)
    os.symlink(outside / "logo.svg", project / "linked.svg")
    file = _project(project, "brand:\n  logo: ../outside/logo.svg\nlang: en\n")
    [problem] = _problems(file)
    assert problem.startswith(f"{file}:2:9: brand.logo: logo must be inside the project folder: refused ")
    assert "it is outside the project folder" in problem
    file.write_text("brand:\n  logo: linked.svg\n")
    [problem] = _problems(file)
    assert f"(a link to {outside / 'logo.svg'}): it is outside the project folder" in problem


def test_unknown_layout(tmp_path):
    file = _project(tmp_path, "outputs:\n  - layout: flashcard\n  - layout: base\n")
    problems = _problems(file)
    assert problems[0].startswith(f"{file}:2:13: outputs[0].layout: unknown layout 'flashcard' "
                                  "(did you mean 'flashcards'?); available: ")
    assert problems[1].startswith(f"{file}:3:13: outputs[1].layout: layout 'base' cannot be built: ")


def test_unknown_size(tmp_path):
    file = _project(tmp_path, "outputs:\n  - layout: factsheet\n    sizes: [A4, leter]\n"
                              "  - layout: poster\n    sizes: A5\n")
    problems = _problems(file)
    assert problems[0].startswith(f"{file}:3:17: outputs[0].sizes[1]: unknown paper size 'leter' "
                                  "(did you mean letter")
    assert problems[1].startswith(f"{file}:5:12: outputs[1].sizes[0]: A5 is too small for layout 'poster'")


def test_unknown_layout_option(tmp_path):
    file = _project(tmp_path, "outputs:\n  - layout: factsheet\n    options:\n      show_source: false\n")
    assert _problems(file) == [f"{file}:4:7: outputs[0].options.show_source: layout 'factsheet' has no option "
                               "'show_source' (did you mean show_sources?); its options: accent, show_sources"]


def test_bad_bleed_variant_and_offset(tmp_path):
    file = _project(tmp_path, "outputs:\n  - layout: poster\n    bleed: 3 furlongs\n    variant: pdf/x4\n"
                              "  - layout: flashcards\n    back_offset: 1.5\n    gutter: 45\n    tile_overlap: 900mm\n")
    assert _problems(file) == [
        f"{file}:3:12: outputs[0].bleed: bleed '3 furlongs': give a length such as 3mm, 0.125in or 9pt",
        f"{file}:4:14: outputs[0].variant: unknown PDF variant 'pdf/x4' (did you mean pdf/x-4?); "
        "`wildpress variants` lists them",
        f"{file}:6:18: outputs[1].back_offset: back offset must be X,Y in millimetres such as 1.5,-0.8, not '1.5'",
        f"{file}:7:13: outputs[1].gutter: gutter 45 mm: must be between 0 and 30 mm",
        f"{file}:8:19: outputs[1].tile_overlap: tile overlap 900 mm: must be between 0 and 200 mm",
    ]


def test_bad_filename_placeholder(tmp_path):
    file = _project(tmp_path, 'filename: "{species}-{layuot}-{size}"\n')
    assert _problems(file) == [f"{file}:1:11: filename: unknown placeholder {{layuot}} (did you mean {{layout}}?); "
                               "the placeholders are {species}, {layout}, {size}, {orientation}, {lang}"]


@pytest.mark.parametrize("pattern, words", [
    ("prints/{species}", "must be a file name: no '/'"), ("..{species}", "must be a file name"),
    ("{species", "unmatched brace"), ("{size:>8}", "takes no format"), ("{species}.pdf", "leave out '.pdf'"),
])
def test_bad_filename_pattern(tmp_path, pattern, words):
    file = _project(tmp_path, f'filename: "{pattern}"\n')
    [problem] = _problems(file)
    assert problem.startswith(f"{file}:1:11: filename: ") and words in problem


def test_glob_matching_nothing(tmp_path):
    file = _project(tmp_path, "species:\n  - data/species\n  - extra/*.yaml\n  - missing.yaml\n")
    assert _problems(file) == [
        f"{file}:3:5: species[1]: 'extra/*.yaml' matches no species files or folders",
        f"{file}:4:5: species[2]: not found: {tmp_path / 'missing.yaml'}",
    ]
    file.write_text("species:\n  - data/species\n  - 'data/*'\n")
    project = load_project(file)
    (tmp_path / "data" / "species").rmdir()  # gone after loading: species_paths says so at its line
    with pytest.raises(DataError) as err:
        project.species_paths()
    assert [str(p) for p in err.value.problems] == [
        f"{file}:2:5: species[0]: not found: {tmp_path / 'data' / 'species'}",
        f"{file}:3:5: species[1]: 'data/*' matches no species files or folders"]


def test_species_globs_expand_sorted_files_and_folders(tmp_path):
    file = _project(tmp_path, "species: ['more/*.yaml', 'groups/*', data/species, 'more/b.yaml']\n")
    for rel in ("more/b.yaml", "more/a.yaml", "more/notes.md", "groups/cats/x.yaml", "groups/readme.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert load_project(file).species_paths() == [
        tmp_path / "more/a.yaml", tmp_path / "more/b.yaml", tmp_path / "groups/cats", tmp_path / "data/species"]


def test_species_path_outside_project(tmp_path):
    file = _project(tmp_path, "species: [../elsewhere, /etc]\n")
    problems = _problems(file)
    assert [p.split(": ")[1] for p in problems] == ["species[0]", "species[1]"]
    assert "must be a path or glob inside the project" in problems[0]


def test_layouts_dir_outside_project(tmp_path):
    project, outside = tmp_path / "project", tmp_path / "outside"
    (outside / "mine").mkdir(parents=True)
    project.mkdir()
    os.symlink(outside, project / "linked")
    file = _project(project, "layouts:\n  - ../outside\n  - linked\n  - nothere\n")
    assert _problems(file) == [
        f"{file}:2:5: layouts[0]: refused layouts folder {project / '../outside'}: it is outside the project "
        f"folder {project}",
        f"{file}:3:5: layouts[1]: refused layouts folder {project / 'linked'} (a link to {outside}): it is outside "
        f"the project folder {project}",
        f"{file}:4:5: layouts[2]: layouts folder not found: {project / 'nothere'}",
    ]
    with pytest.raises(LayoutError, match="outside the project folder"):
        search_path(project, [Path("linked")])


def test_project_layout_dirs_are_searched_in_order_before_builtins(tmp_path):
    for folder, description in (("first", "from first"), ("second", "from second")):
        for name in ("mysheet", "factsheet"):
            layout = tmp_path / folder / name
            layout.mkdir(parents=True)
            (layout / "layout.yaml").write_text(f"name: {name}\ndescription: {description}\nkind: document\n"
                                                "extends: factsheet\n" if name == "mysheet" else
                                                f"name: {name}\ndescription: {description}\nkind: document\n"
                                                "extends: base\ntemplate: factsheet.html.j2\n")
    (tmp_path / "second" / "only").mkdir()
    (tmp_path / "second" / "only" / "layout.yaml").write_text("name: only\ndescription: x\nkind: document\n"
                                                                "extends: poster\n")
    dirs = [Path("second"), Path("first")]
    assert search_path(tmp_path, dirs)[:2] == [(tmp_path / "second").resolve(), (tmp_path / "first").resolve()]
    assert available(tmp_path, dirs)["only"] == (tmp_path / "second" / "only").resolve()
    assert load_layout("mysheet", tmp_path, dirs).manifest["description"] == "from second"
    assert load_layout("mysheet", tmp_path, dirs[::-1]).manifest["description"] == "from first"
    assert "mysheet" not in available(tmp_path)  # without dirs: the project's layouts/ only, as before
    file = _project(tmp_path, "layouts: [second, first]\noutputs:\n  - layout: only\n    sizes: [A2]\n")
    assert load_project(file).layout_dirs == [tmp_path / "second", tmp_path / "first"]


def test_syntax_error_and_not_a_mapping(tmp_path):
    file = _project(tmp_path, "brand: {name: Trust\n")
    assert _problems(file)[0].startswith(f"{file}:1:8: invalid YAML: a {{...}} mapping starting here is not closed")
    file.write_text("- layout: factsheet\n")
    assert _problems(file) == [f"{file}:1:1: expected a mapping of keys like species, outputs, brand"]


def test_minimal_file_takes_the_defaults(tmp_path):
    file = _project(tmp_path, "lang: en\n")
    project = load_project(tmp_path)  # the folder or the file itself
    assert (project.root, project.file) == (tmp_path, file)
    assert project.species == ["data/species"] and project.species_paths() == [tmp_path / "data" / "species"]
    assert project.out_dir == tmp_path / "out" and project.filename == "{species}-{layout}-{size}"
    assert [(o.layout, o.sizes) for o in project.outputs] == [("factsheet", [])]
    assert project.brand == Brand() and project.values == {"lang": "en"} and project.lang == "en"


FULL = """\
species: [data/species]
layouts: [layouts]
out: prints
filename: "{species}-{layout}-{size}-{lang}"
lang: ru
photo_ppi: 200
deck_name: trust-deck
brand:
  name: Riverbend Wildlife Trust
  logo: logo.svg
  website: https://riverbend.example.org
  contact: hello@riverbend.example.org
  footer: Printed on recycled paper.
  colours: {accent: "#2F6B4F", secondary: "#c8842b"}
outputs:
  - layout: factsheet
    sizes: [A4, letter]
    options: {show_sources: false}
  - layout: poster
    sizes: [A2, 24x36in]
    orientation: landscape
    bleed: 0.125in
    marks: [crop, cross]
    variant: PDF/X-4
    tagged: true
    tile: A4
    tile_overlap: 8mm
  - layout: flashcards
    sizes: poker
    sheet: letter
    duplex: short
    fold: true
    cut_marks: crop
    gutter: 2.5
    back_offset: "1.5,-0.8"
    imposition: none
"""


def test_valid_full_file_round_trips_into_project(tmp_path):
    file = _project(tmp_path, FULL)
    (tmp_path / "layouts").mkdir()
    project = load_project(file)
    assert project.layout_dirs == [tmp_path / "layouts"] and project.out_dir == tmp_path / "prints"
    assert (project.lang, project.values["photo_ppi"], project.values["deck_name"]) == ("ru", 200.0, "trust-deck")
    assert project.brand == Brand("Riverbend Wildlife Trust", (tmp_path / "logo.svg").resolve(),
                                  "https://riverbend.example.org", "hello@riverbend.example.org",
                                  "Printed on recycled paper.", "#2f6b4f", "#c8842b")
    factsheet, poster, cards = project.outputs
    assert factsheet == OutputSpec("factsheet", ["A4", "letter"], {"show_sources": False}, 16, {})
    assert (poster.sizes, poster.orientation, poster.line) == (["A2", "24x36in"], "landscape", 19)
    assert poster.values == {"orientation": "landscape", "bleed": pytest.approx(3.175), "marks": ("crop", "cross"),
                             "pdf_variant": "pdf/x-4", "tagged": True, "tile": "A4",
                             "tile_overlap": pytest.approx(8.0)}
    assert cards.sizes == ["poker"] and set(cards.values) == {"sheet", "duplex", "fold", "cut_marks", "gutter",
                                                              "back_offset", "imposition"}


def test_the_request_carries_the_project_settings_and_the_logo_into_the_fingerprint(tmp_path):
    from wildpress.request import assemble

    file = _project(tmp_path, FULL)
    (tmp_path / "layouts").mkdir()
    request = assemble(root=tmp_path, base=Settings(force=True))
    settings = request.settings
    assert (settings.brand, settings.lang, settings.photo_ppi, settings.deck_name, settings.force) == \
        (load_project(file).brand, "ru", 200.0, "trust-deck", True)
    fingerprint = json.dumps(settings_fingerprint(settings))
    assert "Riverbend" in fingerprint and "logo.svg" in fingerprint


def test_a_changed_logo_rebuilds_the_projects_outputs(tmp_path):
    from wildpress import build
    from wildpress.request import assemble

    _project(tmp_path, "brand: {name: Trust, logo: logo.svg}\noutputs:\n  - layout: factsheet\n    sizes: [A4]\n")
    (tmp_path / "data" / "species" / "amur-leopard.yaml").write_text(
        without_photo((SAMPLES / "amur-leopard.yaml").read_text()))
    first = build(assemble(root=tmp_path))
    assert len(first.outputs) == 1 and not build(assemble(root=tmp_path)).outputs
    (tmp_path / "logo.svg").write_text(LOGO.replace("#2f6b4f", "#000000"))
    assert len(build(assemble(root=tmp_path)).outputs) == 1


def test_each_output_applies_its_settings_over_the_build_and_the_base_is_never_changed(tmp_path):
    from wildpress.request import assemble

    _project(tmp_path, FULL)
    (tmp_path / "layouts").mkdir()
    base = Settings(bleed_mm=1.0, marks=("crop",), tile_overlap_mm=12.0,
                    cards=ImpositionSettings(sheet="a3", gutter_mm=6.0, margin_mm=7.0))
    factsheet, poster, cards = (o.settings for o in assemble(root=tmp_path, base=base).outputs)
    assert (factsheet.bleed_mm, factsheet.marks, factsheet.cards) == (1.0, ("crop",), base.cards)
    assert (poster.bleed_mm, poster.marks, poster.pdf_variant, poster.tagged, poster.tile,
            poster.tile_overlap_mm) == (pytest.approx(3.175), ("crop", "cross"), "pdf/x-4", True, "A4",
                                        pytest.approx(8.0))
    assert poster.cards == base.cards
    assert cards.cards == ImpositionSettings(sheet="letter", duplex="short", fold=True, marks="crop",
                                             back_offset=(1.5, -0.8), mode="none", gutter_mm=2.5, margin_mm=7.0)
    assert (cards.bleed_mm, cards.marks, cards.tile_overlap_mm) == (1.0, ("crop",), 12.0)
    assert base.cards.sheet == "a3" and base.bleed_mm == 1.0  # base is never changed


def test_find_project(tmp_path):
    assert find_project(tmp_path) is None
    file = _project(tmp_path, "lang: en\n")
    assert find_project(tmp_path) == file
    (tmp_path / "sub").mkdir()
    assert find_project(tmp_path / "sub") is None  # parents are not searched


def test_project_file_fifo_is_refused(tmp_path):
    os.mkfifo(tmp_path / PROJECT_FILE)
    assert find_project(tmp_path) == tmp_path / PROJECT_FILE
    [problem] = _problems(tmp_path / PROJECT_FILE)
    assert "a FIFO (named pipe), not a regular file" in problem


def test_sample_species_build_inputs_are_the_project_s(tmp_path):
    """species entries are relative to the project root, not the current folder."""
    file = _project(tmp_path, "species: ['data/species/*.yaml']\n")
    (tmp_path / "data" / "species" / "amur-leopard.yaml").write_bytes((SAMPLES / "amur-leopard.yaml").read_bytes())
    cwd = os.getcwd()
    try:
        os.chdir("/")
        assert load_project(file).species_paths() == [tmp_path / "data" / "species" / "amur-leopard.yaml"]
    finally:
        os.chdir(cwd)


def test_validate_in_a_project_folder_checks_the_project_file_and_its_species(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from wildpress.cli import main

    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["new", "proj"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "proj")
    ok = CliRunner().invoke(main, ["validate"])
    assert ok.exit_code == 0 and "2 species file(s) valid" in ok.output, ok.output
    project_file = tmp_path / "proj" / "wildpress.yaml"
    project_file.write_text(project_file.read_text().replace("  website:", "  webiste:"))
    species = tmp_path / "proj" / "data" / "species" / "red-fox.yaml"
    species.write_text(species.read_text().replace("category: LC", "category: XX"))
    bad = CliRunner().invoke(main, ["validate"])
    assert bad.exit_code == 1
    assert "wildpress.yaml:" in bad.output and "did you mean 'website'?" in bad.output
