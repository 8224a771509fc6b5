"""`wildpress import` (CSV, XLSX, JSON -> species files) and `wildpress new species`; records without status."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from wildpress.cli import main
from wildpress.data.importer import import_table

TABLES = Path(__file__).resolve().parent / "tables"


@pytest.fixture
def project(tmp_path, monkeypatch):
    shutil.copytree(TABLES, tmp_path / "tables")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def _msleep(**kw):
    return import_table("tables/msleep.csv", "data/species", mapping=Path("tables/msleep-mapping.yaml"), **kw)


SOURCE = {"title": "Savage & West (2007), quantitative theory of sleep in mammals (msleep data)",
          "publisher": "PNAS", "year": 2007}


def test_csv_rows_become_species_files(project):
    result = _msleep()
    out = project / "data" / "species"
    assert len(result.written) == 21  # row 22 too: its two bad cells are left out, not the whole row
    assert _load(out / "cheetah.yaml") == {
        "schema": 1, "taxon": {"group": "mammal", "order": "Carnivora"},
        "name": {"common": "Cheetah", "scientific": "Acinonyx jubatus"}, "status": {"category": "VU"},
        "measurements": {"sleep": {"value": 12.1, "unit": "h", "label": "Sleep a day"},
                         "weight": {"value": 50, "unit": "kg"}, "gestation": {"value": 93, "unit": "days"}},
        "range": {"countries": ["KE", "TZ"]}, "diet": ["Gazelles", "Impala"], "sources": [SOURCE], "position": 1}
    cow = _load(out / "cow.yaml")  # domesticated: no status at all
    assert "status" not in cow and "range" not in cow
    assert cow["measurements"]["brain_weight"] == {"value": 0.423, "unit": "kg"}
    assert _load(out / "vole.yaml")["name"] == {"common": "Vole", "scientific": "Microtus sp."}
    # the second "Vole" of another species is named by its scientific name
    assert _load(out / "microtus-oeconomus.yaml")["name"]["scientific"] == "Microtus oeconomus"
    assert _load(out / "microtus-oeconomus.yaml")["range"]["countries"] == ["NO", "FI", "RU"]
    assert _load(out / "vesper-mouse.yaml")["name"]["scientific"] == "Calomys"
    assert _load(out / "northern-fur-seal.yaml")["name"]["scientific"] == "Callorhinus ursinus"
    assert _load(out / "giraffe.yaml")["status"] == {"category": "NT"}
    assert _load(out / "lesser-mouse-lemur.yaml")["status"] == {"category": "LC"}
    assert _load(out / "sumatran-orangutan.yaml")["status"] == {"category": "CR"}
    assert _load(out / "black-shouldered-opossum.yaml")["status"] == {"category": "LC",
                                                                       "scope": "Caluromysiops irrupta"}
    assert _load(out / "tree-hyrax.yaml")["measurements"]["sleep"]["value"] == 5.3
    assert "status" not in _load(out / "three-toed-sloth.yaml")  # '-'
    jaguar = _load(out / "jaguar.yaml")
    assert "status" not in jaguar and jaguar["range"]["countries"] == ["BR"]

    assert not result.errors
    assert [(e.row, e.column) for e in result.dropped] == [("row 22", "conservation"), ("row 22", "countries")]
    assert "'Narnia' is not a country" in str(result.dropped[1])
    report = (out / "import-report.txt").read_text()
    for line in ("row 18, column 'conservation': 'cd' -> 'NT': cd (Lower Risk/conservation dependent) is Near "
                 "Threatened", "rows 5, 11, 13, 17 (4 rows), column 'conservation': 'lc' -> 'LC'",
                 "row 6, column 'conservation': 'domesticated' -> '(no status)'",
                 "row 17, column 'id': 'vole' -> 'microtus-oeconomus'", "row 13, column 'sleep_total': '5,3' -> '5.3'",
                 "row 8, column 'scientific_name': 'Callorhinus_ursinus' -> 'Callorhinus ursinus'",
                 "row 21, column 'conservation': 'LR/lc' -> 'LC'",
                 "row 22, column 'conservation': 'maybe' is not an IUCN Red List category"):
        assert line in report, line


def test_csv_never_overwrites_without_force(project):
    _msleep()
    cheetah = project / "data" / "species" / "cheetah.yaml"
    cheetah.write_text("# my edits\n")
    again = _msleep()
    assert not again.written and cheetah.read_text() == "# my edits\n"
    assert any("exists and is not a species file this import can read; not overwriting it (use --force)"
               in e.reason for e in again.errors)
    assert len(again.unchanged) == 20  # importing again changes nothing else: the files are the same species
    forced = _msleep(force=True)
    assert [p.name for p in forced.written] == ["cheetah.yaml"] and "Cheetah" in cheetah.read_text()


def test_json_export_at_a_key(project):
    result = import_table("tables/ngo-export.json", "data/species", key="records")
    out = project / "data" / "species"
    assert sorted(p.name for p in result.written) == ["bairds-tapir.yaml", "dragon.yaml", "eurasian-otter.yaml",
                                                      "kinkajou.yaml", "mouse-opossums.yaml"]
    tapir = _load(out / "bairds-tapir.yaml")
    assert tapir["range"] == {"countries": ["MX", "GT", "BZ", "CO"], "uncertain_countries": ["HN"]}
    assert tapir["population"] == {"trend": "decreasing"}
    assert tapir["sources"] == [{"title": "Imported from ngo-export.json"}]
    otter = _load(out / "eurasian-otter.yaml")
    assert otter["range"]["countries"] == ["GB", "FR", "ES"] and otter["status"] == {"category": "NT"}
    opossums = _load(out / "mouse-opossums.yaml")
    assert "status" not in opossums and opossums["name"]["scientific"] == "Marmosa spp."
    assert not result.errors and [(e.row, e.column) for e in result.dropped] == [("record 5", "countries")]
    assert "range" not in _load(out / "dragon.yaml")  # 'Narnia' is left out, the record kept
    report = (out / "import-report.txt").read_text()
    assert "record 1, column 'countries': 'UK' -> 'GB'" in report
    assert "record 2, column 'countries': 'Honduras?' -> 'HN'" in report and "uncertain" in report


def test_xlsx_with_map_overrides(project):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Common Name", "Scientific_Name", "Red List", "Where", "Sleep (hours)", "Notes"])
    sheet.append(["Red fox", "Vulpes vulpes", "Least Concern", "GB; France", 9.8, "Everywhere"])
    sheet.append(["Lowland tapir", "Tapirus terrestris", "lr/cd", "Brazil|Peru", None, None])
    sheet.append(["Unknown", "", "LC", "GB", 3, None])
    book.save(project / "tables" / "field.xlsx")
    result = import_table("tables/field.xlsx", "data/species",
                          overrides=["Red List=status.category", "Where=range.countries", "Notes=ignore"])
    out = project / "data" / "species"
    fox = _load(out / "red-fox.yaml")
    assert fox["status"] == {"category": "LC"} and fox["range"]["countries"] == ["GB", "FR"]
    assert fox["measurements"] == {"sleep": {"value": 9.8, "unit": "h"}}  # a numeric column, unit from its name
    assert _load(out / "lowland-tapir.yaml")["status"] == {"category": "NT"}
    assert [(e.row, e.column) for e in result.errors] == [("row 4", "Scientific_Name")]
    assert "row 3, column 'Red List': 'lr/cd' -> 'NT'" in (out / "import-report.txt").read_text()


def test_cli_import_validate_build_round_trip(project):
    runner = CliRunner()
    result = runner.invoke(main, ["import", "tables/ngo-export.json", "--key", "records", "--out", "data/species",
                                  "--report", "json-report.txt"])
    assert result.exit_code == 1, result.output  # record 5 could not be imported
    assert "record 5, column 'countries'" in result.output and (project / "json-report.txt").exists()
    result = runner.invoke(main, ["validate", "data/species"])
    assert result.exit_code == 0, result.output
    from wildpress import build

    built = build(["data/species/bairds-tapir.yaml"], layouts=["factsheet"], sizes=["A4"], out_dir="out", jobs=1)
    text = "".join(page.extract_text() for page in PdfReader(built.outputs[0].path).pages)
    assert "Possibly also in Honduras" in text and "Endangered" in text


def test_species_without_status_prints_no_status(project):
    _msleep()
    from wildpress import build

    files = ["data/species/cow.yaml", "data/species/cheetah.yaml"]
    outputs = (build(files[:1], layouts=["factsheet"], sizes=["A4"], out_dir="out", jobs=1).outputs
               + build(files[:1], layouts=["poster"], sizes=["A3"], out_dir="out", jobs=1).outputs
               + build(files, layouts=["flashcards"], sizes=["a7"], out_dir="out", jobs=1).outputs)
    texts = {Path(o.path).name: "".join(p.extract_text() for p in PdfReader(o.path).pages) for o in outputs}
    cow = texts["cow-factsheet-a4.pdf"]
    assert "Cow" in cow and "Sleep a day" in cow
    for word in ("IUCN", "Red List", "Least", "Not Evaluated", "Vulnerable"):
        assert word not in cow and word not in texts["cow-poster-a3.pdf"]
    deck = texts["deck-flashcards-a7.pdf"]
    assert deck.count("Vulnerable") >= 1 and "Not Evaluated" not in deck  # only the cheetah has a status


def test_new_species_template_and_project(project):
    runner = CliRunner()
    result = runner.invoke(main, ["new", "species", "Snow leopard", "--out", "data/species"])
    assert result.exit_code == 0, result.output
    path = project / "data" / "species" / "snow-leopard.yaml"
    text = path.read_text()
    assert "REQUIRED" in text and "common: Snow leopard" in text
    invalid = runner.invoke(main, ["validate", str(path)])
    assert invalid.exit_code == 1 and "name.scientific" in invalid.output  # never builds with blanks
    filled = text.replace('scientific: ""', "scientific: Panthera uncia").replace(
        "sources: []", "sources: [{title: IUCN Red List}]")
    path.write_text(filled)
    assert runner.invoke(main, ["validate", str(path)]).exit_code == 0
    assert runner.invoke(main, ["new", "species", "Snow leopard", "--out", "data/species"]).exit_code == 1
    made = runner.invoke(main, ["new", "my-project"])
    assert made.exit_code == 0 and (project / "my-project" / "wildpress.yaml").exists()


def test_mapping_mistakes_are_usage_errors(project):
    runner = CliRunner()
    result = runner.invoke(main, ["import", "tables/msleep.csv", "--map", "conservation=status.categroy"])
    assert result.exit_code == 2 and "unknown field 'status.categroy'" in result.output
    result = runner.invoke(main, ["import", "tables/msleep.csv", "--map", "nosuch=name.common"])
    assert result.exit_code == 2 and "columns the table does not have" in result.output


@pytest.mark.parametrize("written,expected", [
    ("lc", {"category": "LC"}), ("Critically endangered", {"category": "CR"}), ("LEAST CONCERN", {"category": "LC"}),
    ("LR/cd", {"category": "NT"}), ("LR/nt", {"category": "NT"}), ("lr/lc", {"category": "LC"}),
    ("Endangered (EN)", {"category": "EN"}), ("CR (Possibly Extinct)", {"category": "CR"}),
    ("LC (as Caluromysiops irrupta)", {"category": "LC", "scope": "Caluromysiops irrupta"}),
    ("DOM", None), ("Not Evaluated", None), ("NE", None),
])
def test_status_spellings(written, expected):
    from wildpress.data.cleaning import ImportResult, Options
    from wildpress.data.row import Row as _Row

    row = _Row("row 2", Options(), ImportResult("t"))
    row.status("iucn", written)
    assert row.data.get("status") == expected and not row.errors


def test_country_cells_as_people_write_them():
    from wildpress.data.cleaning import ImportResult, Options
    from wildpress.data.row import Row as _Row

    row = _Row("row 2", Options(), ImportResult("t"))
    row.countries("where", "Kenya, Tanzania; Korea, Republic of|Bolivia (Plurinational State of)|UK|Honduras?")
    assert row.data["range"] == {"countries": ["KE", "TZ", "KR", "BO", "GB"], "uncertain_countries": ["HN"]}


def test_a_genus_column_gives_genus_level_names_when_no_species_column_exists(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.csv").write_text("name,genus,conservation\nCheetah,Acinonyx,lc\nCow,Bos,domesticated\n")
    result = import_table(tmp_path / "t.csv", tmp_path / "data" / "species")
    assert not result.errors
    assert "scientific: Acinonyx" in (tmp_path / "data" / "species" / "cheetah.yaml").read_text()
    assert any("genus-level" in note for note in result.notes)
