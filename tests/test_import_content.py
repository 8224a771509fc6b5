"""Import by content (issue 20): tables in the shape of published ones nobody here tuned for.

zoo-species-plan.csv: a `taxon` column of groups beside the real `scientific_name`, an `assessment`
column of codes, names written head first. gbif-occurrences.tsv: names with authorities beside
`canonicalName`, GBIF column names, class names. iucn-export.csv: an IUCN Red List download (capital
ranks, scopes, "Unknown" trends). teacher-sheet.csv: a teacher's own sheet with photos, HTML, a
duplicate row, several statuses in a cell, comma country names and a cut list.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from PIL import Image

from wildpress.cli import main
from wildpress.data.importer import import_table

TABLES = Path(__file__).resolve().parent / "tables"


@pytest.fixture
def project(tmp_path, monkeypatch):
    for name in ("zoo-species-plan.csv", "gbif-occurrences.tsv", "iucn-export.csv", "teacher-sheet.csv"):
        shutil.copy(TABLES / name, tmp_path / name)
    (tmp_path / "photos").mkdir()
    for name, colour in (("lion.jpg", (150, 110, 50)), ("koala.jpg", (110, 110, 110))):
        Image.new("RGB", (900, 600), colour).save(tmp_path / "photos" / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def _decisions(result) -> dict:
    return {d.column: (d.target.field if d.target else None) for d in result.decisions}


def test_a_column_of_binomials_beats_a_taxon_column_of_groups(project):
    result = import_table("zoo-species-plan.csv", "sp", force=False)
    decided = _decisions(result)
    assert decided["scientific_name"] == "name.scientific" and decided["taxon"] == "taxon.group"
    assert decided["assessment"] == "status.category" and decided["programme"] is None
    why = {d.column: d.why for d in result.decisions}
    assert "6 of 6 cells are binomials" in why["scientific_name"] and "taxon groups" in why["taxon"]
    tiger = _load(project / "sp" / "amur-tiger.yaml")  # 'Tiger, Amur' turned around, with a note
    assert tiger["name"] == {"common": "Amur Tiger", "scientific": "Panthera tigris altaica"}
    assert tiger["taxon"] == {"group": "mammal"} and tiger["status"] == {"category": "EN"}
    assert any("head first" in n for n in result.notes)
    assert result.partial  # 'programme' was not imported: the CLI exits 1 unless --allow-partial


def test_gbif_names_with_authorities_and_class_names(project):
    result = import_table("gbif-occurrences.tsv", "sp")
    assert result.ok and len(result.written) == 3
    decided = _decisions(result)
    assert decided["canonicalName"] == "name.scientific" and decided["scientificName"] == "name.authority"
    assert decided["countryCode"] == "range.countries" and decided["threatStatus"] == "status.category"
    kinkajou = _load(project / "sp" / "potos-flavus.yaml")
    assert kinkajou["name"]["scientific"] == "Potos flavus" and kinkajou["name"]["authority"] == "(Schreber, 1774)"
    assert kinkajou["taxon"] == {"class": "Mammalia", "group": "mammal", "order": "Carnivora",
                                 "family": "Procyonidae"}
    assert kinkajou["status"] == {"category": "LC"} and kinkajou["range"]["countries"] == ["BR", "CO", "PE"]
    daisy = _load(project / "sp" / "bellis-perennis.yaml")
    assert daisy["taxon"]["group"] == "plant" and daisy["name"]["authority"] == "L." and "status" not in daisy
    assert not result.columns_dropped  # kingdom, phylum, taxonKey: known, deliberately not printed


def test_an_iucn_download_keeps_scopes_unknown_trends_and_fish(project):
    result = import_table("iucn-export.csv", "sp")
    assert result.ok and not result.partial, result.dropped
    bear = _load(project / "sp" / "ursus-arctos.yaml")
    assert bear["status"] == {"category": "LC", "year": 2018, "region": "Europe"}
    assert bear["taxon"]["family"] == "Ursidae" and bear["name"]["authority"] == "Linnaeus, 1758"
    shark = _load(project / "sp" / "carcharodon-carcharias.yaml")
    assert shark["taxon"]["group"] == "fish" and shark["population"] == {"trend": "unknown"}
    lynx = _load(project / "sp" / "lynx-pardinus.yaml")
    assert "region" not in lynx["status"]  # 'Global' is the global Red List: no region printed


def test_a_teachers_sheet_one_cell_never_costs_the_row(project):
    result = import_table("teacher-sheet.csv", "sp")
    out = project / "sp"
    lion = _load(out / "lion.yaml")
    assert lion["range"]["countries"] == ["TZ", "KE"]  # 'Tanzania, United Republic of' is one country
    assert lion["description"] == "The king of the savanna."  # HTML stripped to its text
    assert lion["photo"] == {"file": "../photos/lion.jpg", "credit": "A. Person", "licence": "CC BY-SA 4.0",
                             "alt": "Photo of Lion"}
    shark = _load(out / "whale-shark.yaml")  # two statuses: reported, row kept without one
    assert "status" not in shark and shark["range"]["countries"] == ["FR"]
    koala = _load(out / "koala.yaml")
    assert "photo" not in koala and koala["range"]["countries"] == ["TW"]  # 'Chinese Taipei'
    reasons = {(d.row, d.column): d.reason for d in result.dropped}
    assert "names 2 categories (LC, VU)" in reasons[("row 3", "Status")]
    assert "cut short (27 more countries" in reasons[("row 3", "Where")]
    assert "did you mean CC-BY-SA-4.0?" in reasons[("row 5", "Photo")]
    assert [(e.row, e.reason[:40]) for e in result.errors] == [("row 4", "the same species (Panthera leo) as row 2")]
    assert any(n.startswith("2 rows have no photo: rows 3, 5") for n in result.notes)


def test_prefer_chooses_one_of_several_categories(project):
    result = import_table("teacher-sheet.csv", "sp", prefer="most-threatened")
    assert _load(project / "sp" / "whale-shark.yaml")["status"] == {"category": "VU"}
    assert not any(d.column == "Status" for d in result.dropped)


def test_reimport_updates_the_same_file_and_keeps_hand_edits(project):
    import_table("iucn-export.csv", "sp")
    bear = project / "sp" / "ursus-arctos.yaml"
    data = _load(bear)
    data["habitat"] = "Forests and mountains."  # a hand edit outside the mapped fields
    data["status"]["category"] = "VU"  # and one inside: the table wins there
    bear.write_text(yaml.safe_dump(data))
    table = project / "iucn-export.csv"
    table.write_text(table.read_text().replace("Ursus arctos,Least Concern", "Ursus arctos,Near Threatened"))
    again = import_table("iucn-export.csv", "sp")
    assert [p.name for p in again.updated] == ["ursus-arctos.yaml"] and len(again.unchanged) == 2
    updated = _load(bear)
    assert updated["habitat"] == "Forests and mountains." and updated["status"]["category"] == "NT"
    assert sorted(p.name for p in (project / "sp").glob("*.yaml")) == [
        "carcharodon-carcharias.yaml", "lynx-pardinus.yaml", "ursus-arctos.yaml"]


def test_reimport_never_loses_comments_silently(project):
    import_table("teacher-sheet.csv", "sp")
    lion = project / "sp" / "lion.yaml"
    lion.write_text(lion.read_text() + "# checked with the ranger, 2026\n")
    table = project / "teacher-sheet.csv"
    table.write_text(table.read_text().replace("Lion,Panthera leo,VU", "Lion,Panthera leo,EN", 1))
    again = import_table("teacher-sheet.csv", "sp")
    refusal = next(e.reason for e in again.errors if e.row == "row 2")
    assert "has comments of its own" in refusal and "-  category: VU" in refusal and "+  category: EN" in refusal
    assert "# checked with the ranger" in lion.read_text() and "category: VU" in lion.read_text()


def test_duplicates_across_files_are_reported_by_validate(project):
    import_table("teacher-sheet.csv", "sp")
    shutil.copy(project / "sp" / "lion.yaml", project / "sp" / "african-lion.yaml")
    result = CliRunner().invoke(main, ["validate", "sp"])
    assert "the same species (Panthera leo) as sp/african-lion.yaml" in result.output, result.output


def test_photos_folder_matched_by_name_with_defaults_from_the_mapping(project):
    (project / "photos" / "panthera-leo.jpg").write_bytes((project / "photos" / "lion.jpg").read_bytes())
    (project / "map.yaml").write_text("columns: {Photo: ignore, Photo credit: ignore, Photo licence: ignore}\n"
                                      "defaults: {photo.credit: Class 4B, photo.licence: cc-by 4.0}\n")
    result = import_table("teacher-sheet.csv", "sp", mapping=Path("map.yaml"), photos=Path("photos"))
    lion = _load(project / "sp" / "lion.yaml")
    # the scientific name first: lion.jpg is there too, panthera-leo.jpg wins
    assert lion["photo"]["file"] == "../photos/panthera-leo.jpg" and lion["photo"]["credit"] == "Class 4B"
    assert lion["photo"]["licence"] == "CC BY 4.0"
    assert _load(project / "sp" / "koala.yaml")["photo"]["file"] == "../photos/koala.jpg"
    assert "photo" not in _load(project / "sp" / "whale-shark.yaml")
    assert any(n.startswith("1 rows have no photo: row 3") for n in result.notes)


def test_cli_groups_problems_and_exits_1_unless_allow_partial(project):
    runner = CliRunner()
    result = runner.invoke(main, ["import", "zoo-species-plan.csv", "--out", "sp"])
    assert result.exit_code == 1 and "column 'scientific_name' -> name.scientific" in result.output
    assert "not all of the table was imported" in result.output
    result = runner.invoke(main, ["import", "zoo-species-plan.csv", "--out", "sp2", "--allow-partial"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["validate", "sp2"])
    assert result.exit_code == 0, result.output


def test_many_rows_with_one_problem_are_one_line(project):
    rows = "".join(f"Fox {n},Vulpes vulpes{'' if n == 0 else ' x' + 'abcdefghij'[n % 10] * (n // 10 + 2)},"
                   f"Narnia\n" for n in range(40))
    (project / "many.csv").write_text("common name,scientific name,countries\n" + rows)
    result = CliRunner().invoke(main, ["import", "many.csv", "--out", "sp"])
    lines = [line for line in result.output.splitlines() if "Narnia" in line]
    assert len(lines) == 1 and "(40 rows)" in lines[0], result.output


def test_a_deck_follows_the_tables_order_unless_order_name(project):
    from wildpress.build import deck_order
    from wildpress.data.species import find_species_files, load_species

    import_table("zoo-species-plan.csv", "sp")
    species, _ = load_species(find_species_files([project / "sp"]))
    assert [sp.id for sp in species][:2] == ["amur-tiger", "asiatic-lion"]  # files: by name
    assert [sp.id for sp in deck_order(species, "table")] == [
        "amur-tiger", "red-panda", "northern-bald-ibis", "lemur-leaf-frog", "radiated-tortoise", "asiatic-lion"]
    assert [sp.id for sp in deck_order(species, "name")][:2] == ["amur-tiger", "asiatic-lion"]


def test_a_regional_assessment_prints_its_region(project):
    from pypdf import PdfReader

    from wildpress import build

    import_table("iucn-export.csv", "sp")
    done = build([project / "sp" / "ursus-arctos.yaml"], ["factsheet"], ["a4"], project / "out", project_dir=project)
    text = "".join(page.extract_text() for page in PdfReader(done.outputs[0].path).pages)
    assert "IUCN Red List (Europe): Least Concern" in text.replace("\n", " "), text
    assert "Linnaeus, 1758" in text and "Ursidae" in text  # no photo: the ranks are in the panel


def test_genus_epithet_and_subspecies_columns_make_the_name(project):
    (project / "parts.csv").write_text("genus,specificEpithet,infraspecificEpithet,vernacularName,gallery\n"
                                       "Panthera,pardus,orientalis,Amur leopard,photos/lion.jpg|photos/koala.jpg\n"
                                       "Lynx,lynx,,Eurasian lynx,\n")
    (project / "map.yaml").write_text("defaults: {photo.credit: Zoo, photo.licence: public domain}\n")
    result = import_table("parts.csv", "sp", mapping=Path("map.yaml"))
    leopard = _load(project / "sp" / "amur-leopard.yaml")
    assert leopard["name"]["scientific"] == "Panthera pardus orientalis"
    assert [g["file"] for g in leopard["gallery"]] == ["../photos/lion.jpg", "../photos/koala.jpg"]
    assert leopard["gallery"][0]["licence"] == "Public domain"
    assert _load(project / "sp" / "eurasian-lynx.yaml")["name"]["scientific"] == "Lynx lynx"
    assert any("trinomial" in s.why for s in result.substitutions)
