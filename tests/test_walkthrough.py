"""The walk-through layout of docs/walkthrough.md, as a user would make it: its folder copied into a
new project's layouts/, built for samples and for records nobody designed it for."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from conftest import REPO, SAMPLES
from pdfcheck import fonts, reader, text
from wildpress.cli import main

LEAFLET = REPO / "docs" / "walkthrough" / "leaflet"
CORPUS = REPO / "tests" / "corpus"
RECORDS = [SAMPLES / "amur-leopard.yaml", CORPUS / "dalmatian-pelican.yaml",  # a long record
           CORPUS / "dicopomorpha-echmepterygis.yaml",  # no photo, a long name
           CORPUS / "welwitschia.yaml"]  # a plant: no population figure of animals


@pytest.fixture(scope="module")
def leaflets(tmp_path_factory):
    project = tmp_path_factory.mktemp("walkthrough")
    shutil.copytree(LEAFLET, project / "layouts" / "leaflet")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)  # a project's own layouts/ folder is found from where wildpress runs
        result = CliRunner().invoke(main, ["build", *map(str, RECORDS), "-l", "leaflet", "-o", "out",
                                           "--organisation", "Leopard Trust"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return project / "out", result.output


def test_the_walkthrough_leaflet_builds_one_a5_page_per_record(leaflets):
    out, said = leaflets
    for record in RECORDS:
        pdf = reader(out / f"{record.stem}-leaflet-a5.pdf")
        assert len(pdf.pages) == 1
        width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (148, 210)
        assert all(fonts(pdf).values()), "every font embedded"
    assert "to fit, left out" in said  # the long record gave ground, and said so


def test_the_leaflet_prints_the_record_not_a_placeholder(leaflets):
    out, _ = leaflets
    words = text(reader(out / "amur-leopard-leaflet-a5.pdf"))
    for expected in ("Amur leopard", "Panthera pardus orientalis", "Quick facts", "Threats", "Poaching",
                     "Help protect the Amur leopard", "Leopard Trust"):
        assert expected.lower() in words.lower(), expected
    assert not re.search(r"\{\{|\{%|undefined|None\b", words)
    fairyfly = text(reader(out / "dicopomorpha-echmepterygis-leaflet-a5.pdf"))
    assert "Insecta" in fairyfly  # no photo: the panel shows the ranks


def test_the_walkthrough_shows_the_files_it_builds():
    guide = (REPO / "docs" / "walkthrough.md").read_text(encoding="utf-8")
    manifest = (LEAFLET / "layout.yaml").read_text(encoding="utf-8")
    template = (LEAFLET / "leaflet.html.j2").read_text(encoding="utf-8")
    for line in ("extends: base", "template: leaflet.html.j2", "max_pages: 1",
                 "{name: type 90%, scale: 0.9}", "{name: the description, restore: description}"):
        assert line in guide and line in manifest, line
    for line in ('{% extends "base.html.j2" %}', '{% import "macros.html.j2" as m %}',
                 "{{ '%.2f' | format(9.5 * fit.scale) }}pt"):
        assert line in guide and line in template, line
