"""`wildpress new`: the scaffolded project is complete, valid and buildable, and nothing is overwritten."""

from __future__ import annotations

import os

import pytest

from pdfcheck import reader
from wildpress import build
from wildpress.data.species import find_species_files, load_species
from wildpress.errors import UsageError
from wildpress.layout.layouts import load_layout
from wildpress.project.config import load_project
from wildpress.project.scaffold import scaffold
from wildpress.safety.confine import Confinement

EXPECTED = ["README.md", "brand/logo.svg", "data/species/amur-leopard.yaml", "data/species/photos/LICENCES.md",
            "data/species/photos/amur-leopard.jpg", "data/species/photos/red-fox.jpg", "data/species/red-fox.yaml",
            "layouts/trail-sheet/layout.yaml", "layouts/trail-sheet/trail-sheet.css",
            "layouts/trail-sheet/trail-sheet.html.j2", "wildpress.yaml"]


def test_scaffold_writes_the_project_files(tmp_path):
    target = tmp_path / "my-project"
    written = scaffold(target)
    assert sorted(str(p.relative_to(target)) for p in written) == EXPECTED
    assert all(p.is_file() for p in written)
    licences = (target / "data/species/photos/LICENCES.md").read_text()
    assert "| amur-leopard.jpg | Colin Hines |" in licences and "| red-fox.jpg |" in licences
    assert "blue-whale" not in licences and "giant-sequoia" not in licences


def test_scaffold_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="is not empty") as err:
        scaffold(tmp_path)
    assert err.value.exit_code == 2
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]
    scaffold(tmp_path, force=True)  # force adds the project beside what is there
    assert (tmp_path / "notes.txt").read_text() == "mine" and (tmp_path / "wildpress.yaml").is_file()


def test_scaffold_never_overwrites_a_file_even_with_force(tmp_path):
    (tmp_path / "README.md").write_text("my own readme")
    with pytest.raises(UsageError, match="never replaces a file"):
        scaffold(tmp_path, force=True)
    assert os.listdir(tmp_path) == ["README.md"] and (tmp_path / "README.md").read_text() == "my own readme"


def test_scaffold_refuses_a_file_as_target(tmp_path):
    (tmp_path / "taken").write_text("x")
    with pytest.raises(UsageError, match="is not a folder"):
        scaffold(tmp_path / "taken")


def test_scaffold_does_not_write_through_a_link_out_of_the_folder(tmp_path):
    target, outside = tmp_path / "project", tmp_path / "outside"
    target.mkdir()
    outside.mkdir()
    os.symlink(outside, target / "data")
    with pytest.raises(UsageError, match="links outside"):
        scaffold(target, force=True)
    assert os.listdir(outside) == [] and os.listdir(target) == ["data"]


def test_scaffolded_project_file_loads_without_problems(tmp_path):
    scaffold(tmp_path / "p")
    project = load_project(tmp_path / "p" / "wildpress.yaml")
    assert [o.layout for o in project.outputs] == ["trail-sheet", "poster", "flashcards"]
    assert project.brand.name and project.brand.logo == (tmp_path / "p" / "brand" / "logo.svg").resolve()
    assert project.brand.accent and project.brand.website.startswith("https://")
    assert project.species_paths() == [tmp_path / "p" / "data" / "species"]


def test_scaffolded_layout_and_species_load(tmp_path):
    root = tmp_path / "p"
    scaffold(root)
    project = load_project(root)
    layout = load_layout("trail-sheet", root, dirs=project.layout_dirs)
    assert [f.name for f in layout.folders] == ["trail-sheet", "factsheet", "base"]
    assert layout.template == "trail-sheet.html.j2" and layout.style_files()[-1].name == "trail-sheet.css"
    files = find_species_files(project.species_paths())
    species, warnings = load_species(files, strict=True, confinement=Confinement.for_project(root))
    assert sorted(s.id for s in species) == ["amur-leopard", "red-fox"] and warnings == []


def test_scaffolded_trail_sheet_builds(tmp_path):
    root = tmp_path / "p"
    scaffold(root)
    result = build([root / "data/species/red-fox.yaml"], ["trail-sheet"], ["A4"], root / "out", project_dir=root)
    pdf = reader(result.outputs[0].path)
    assert pdf.metadata.title.endswith("– trail fact sheet")
