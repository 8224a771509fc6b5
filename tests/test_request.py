"""One build request: the project frames every build, the output folder is owned, the manifest is
never trusted (issue 17). Each test is a reproduction from the issue, run as a user would."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from wildpress.cli import main

BRAND = "Riverbend Wildlife Trust"
PROJECT_FILE = f"""species: [data/species]
out: out
brand:
  name: {BRAND}
outputs:
  - layout: factsheet
    sizes: [A4]
"""


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project with one species (with its photo), a brand and one fact-sheet output; the current folder."""
    root = tmp_path / "proj"
    (root / "data" / "species" / "photos").mkdir(parents=True)
    shutil.copy(SAMPLES / "amur-leopard.yaml", root / "data" / "species")
    shutil.copy(SAMPLES / "photos" / "amur-leopard.jpg", root / "data" / "species" / "photos")
    (root / "wildpress.yaml").write_text(PROJECT_FILE)
    monkeypatch.chdir(root)
    return root


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def author(pdf: Path) -> str:
    return str(pypdf.PdfReader(pdf).metadata.get("/Author", ""))


def test_named_species_inside_a_project_keeps_the_brand(project):
    done = run("build", "data/species/amur-leopard.yaml", "-l", "factsheet", "-s", "letter", "--bleed", "3mm",
               "--marks", "crop")
    assert done.exit_code == 0, done.output
    pdf = project / "out" / "amur-leopard-factsheet-letter.pdf"
    assert author(pdf) == BRAND
    assert "no longer built" not in done.output and "are gone" not in done.output
    page = pypdf.PdfReader(pdf).pages[0]
    assert float(page.mediabox.width) - float(page.trimbox.width) > 2 * 3 * 72 / 25.4  # bleed and marks applied


def test_layout_and_size_inside_a_project_choose_or_add_outputs_and_clean_keeps_them(project):
    done = run("build", "-l", "factsheet", "-s", "letter")
    assert done.exit_code == 0, done.output
    assert "1 built" in done.output
    letter = project / "out" / "amur-leopard-factsheet-letter.pdf"
    assert author(letter) == BRAND
    assert run("build").exit_code == 0  # the project's own A4 output
    dry = run("build", "--clean", "--dry-run")
    assert dry.exit_code == 0 and "0 file(s) would be removed" in dry.output
    cleaned = run("build", "--clean")
    assert cleaned.exit_code == 0 and "removed" not in cleaned.output
    assert letter.exists() and (project / "out" / "amur-leopard-factsheet-a4.pdf").exists()


def test_clean_removes_only_outputs_whose_species_is_gone_and_dry_run_lists_them(project):
    shutil.copy(SAMPLES / "red-fox.yaml", project / "data" / "species")
    shutil.copy(SAMPLES / "photos" / "red-fox.jpg", project / "data" / "species" / "photos")
    assert run("build").exit_code == 0
    fox = project / "out" / "red-fox-factsheet-a4.pdf"
    assert fox.exists()
    (project / "data" / "species" / "red-fox.yaml").unlink()
    dry = run("build", "--clean", "--dry-run")
    assert dry.exit_code == 0 and "would remove out/red-fox-factsheet-a4.pdf" in dry.output and fox.exists()
    done = run("build", "--clean")
    assert done.exit_code == 0 and "removed out/red-fox-factsheet-a4.pdf" in done.output
    assert not fox.exists() and (project / "out" / "amur-leopard-factsheet-a4.pdf").exists()


def test_project_flag_with_named_species_builds_only_those(project):
    shutil.copy(SAMPLES / "red-fox.yaml", project / "data" / "species")
    shutil.copy(SAMPLES / "photos" / "red-fox.jpg", project / "data" / "species" / "photos")
    done = run("build", "data/species/amur-leopard.yaml", "--project", "wildpress.yaml")
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (project / "out").glob("*.pdf")) == ["amur-leopard-factsheet-a4.pdf"]


@pytest.mark.parametrize("args", [["-l", "postr"], ["-s", "A44"], ["-l", "factsheet", "-s", "poker"]])
def test_a_request_naming_what_does_not_exist_exits_2(project, args):
    done = run("build", *args)
    assert done.exit_code == 2, done.output
    assert "error:" in done.output and "Traceback" not in done.output


def test_out_outside_the_project_is_refused_at_its_line(project):
    (project / "wildpress.yaml").write_text(PROJECT_FILE.replace("out: out", "out: ../victim"))
    done = run("build")
    assert done.exit_code == 1
    assert "wildpress.yaml:2:" in done.output and "inside the project" in done.output
    assert not (project.parent / "victim").exists()


def test_out_linked_outside_the_project_is_refused_at_its_line(project, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (project / "linked").symlink_to(tmp_path / "elsewhere")
    (project / "wildpress.yaml").write_text(PROJECT_FILE.replace("out: out", "out: linked"))
    done = run("build")
    assert done.exit_code == 1 and "wildpress.yaml:2:" in done.output
    assert not list((tmp_path / "elsewhere").iterdir())


def test_a_linked_out_folder_is_refused_by_every_writing_command(project, tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (project / "out").symlink_to(victim)
    for args in (["build"], ["preview"], ["calibrate"], ["build", "-o", "out"]):
        done = run(*args)
        assert done.exit_code != 0, (args, done.output)
        assert "link" in done.output, (args, done.output)
    (project / "data" / "species-linked").symlink_to(victim)
    table = project / "table.csv"
    table.write_text("common name,scientific name,status\nSnow leopard,Panthera uncia,VU\n")
    done = run("import", str(table), "--out", "data/species-linked")
    assert done.exit_code != 0 and "link" in done.output
    assert not list(victim.iterdir())


def _ship_manifest(project: Path, outputs: dict, extra: dict | None = None) -> None:
    (project / "out").mkdir(exist_ok=True)
    doc = {"format": 1, "generator": "wildpress 0.1.0", "outputs": outputs, "files": {}, "species": {},
           **(extra or {})}
    (project / "out" / ".wildpress-manifest.json").write_text(json.dumps(doc))


def test_a_shipped_manifest_deletes_and_reads_nothing_outside_out(project, tmp_path):
    bashrc = tmp_path / "dot-bashrc"
    bashrc.write_text("precious")
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "chapter.txt").write_text("years of work")
    digest = "0" * 64
    entry = {"key": "1" * 64, "sha256": digest, "size": 8, "job": "x / factsheet / A4",
             "sources": [str(project / "gone.yaml")], "layout": "factsheet"}
    _ship_manifest(project, {
        "../../dot-bashrc": entry,
        "../../../thesis": {**entry, "sha256": "./../../../thesis"},
        "ok-name.pdf": {**entry, "sha256": "not hex"},
        "typed.pdf": {**entry, "size": "8"},
        "list.pdf": ["not", "a", "mapping"],
    })
    done = run("build", "--clean")
    assert done.exit_code == 0, done.output
    assert "malformed" in done.output and "removed" not in done.output
    preview = run("preview")
    assert preview.exit_code == 0, preview.output
    assert bashrc.read_text() == "precious" and (thesis / "chapter.txt").read_text() == "years of work"
    sheet = (project / "out" / "index.html").read_text()
    assert "thesis" not in sheet and "bashrc" not in sheet


def test_a_manifest_of_another_project_never_deletes(project):
    assert run("build").exit_code == 0
    manifest = project / "out" / ".wildpress-manifest.json"
    doc = json.loads(manifest.read_text())
    doc["project"] = "/somewhere/else"
    name = "amur-leopard-factsheet-a4.pdf"
    doc["outputs"][name]["sources"] = [str(project / "data" / "species" / "gone.yaml")]
    manifest.write_text(json.dumps(doc))
    done = run("build", "--clean", "-s", "letter")
    assert done.exit_code == 0, done.output
    assert (project / "out" / name).exists()


def test_shipped_species_data_is_not_trusted_without_this_users_seal(project):
    assert run("build").exit_code == 0
    manifest = project / "out" / ".wildpress-manifest.json"
    doc = json.loads(manifest.read_text())
    assert doc["species"] and all("mac" in e for e in doc["species"].values())
    for entry in doc["species"].values():
        entry["data"]["name"]["scientific"] = "forged"  # what a shipped manifest would slip past validation
    manifest.write_text(json.dumps(doc))
    (project / "data" / "species" / "amur-leopard.yaml").touch()
    assert run("build", "--force").exit_code == 0
    text = pypdf.PdfReader(project / "out" / "amur-leopard-factsheet-a4.pdf").pages[0].extract_text()
    assert "forged" not in text and "Panthera pardus orientalis" in text


def test_the_python_api_builds_a_project_and_never_changes_the_request(project):
    from wildpress import assemble, build

    request = assemble(root=project, sizes=["letter"])
    before = dataclasses.replace(request)
    snapshot = repr(request)
    result = build(request)
    assert [p.name for p in (o.path for o in result.outputs)] == ["amur-leopard-factsheet-letter.pdf"]
    assert author(result.outputs[0].path) == BRAND
    assert repr(request) == snapshot and request == before


def test_settings_are_declared_once():
    from wildpress.jobs import Settings
    from wildpress.project.config import PROJECT_SCHEMA
    from wildpress.settings import TABLE, settings_from

    defaults = settings_from({s.name: s.default for s in TABLE})
    assert defaults == Settings()  # the table's defaults are the Settings' own
    help_text = run("build", "--help").output
    for setting in TABLE:
        for flag in [setting.flag] + [v[0] for v in setting.variants]:
            if flag:
                assert flag in help_text, flag
        if setting.key and setting.scope == "build":
            assert setting.key in PROJECT_SCHEMA["properties"]
        if setting.key and setting.scope == "output":
            assert setting.key in PROJECT_SCHEMA["properties"]["outputs"]["items"]["properties"]
