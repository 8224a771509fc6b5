"""`wildpress preview`: a PNG of every page and a contact sheet that shows every output (issue 12)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SAMPLES, without_photo
from wildpress.cli import main

HOSTILE_NAME = 'Fox <img src=x onerror=alert(1)> & "q"'


class Sheet(HTMLParser):
    """What the contact sheet references: thumbnails, links, headings and their text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.images: list[dict] = []
        self.links: list[str] = []
        self.headings: list[str] = []
        self.text: list[str] = []
        self._in_h2 = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "h2":
            self._in_h2 = True
            self.headings.append("")

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_h2:
            self.headings[-1] += data


def make_project(root: Path) -> Path:
    """Two species without photos (one with a hostile common name), a fact sheet at A4 and a deck."""
    species = root / "data" / "species"
    species.mkdir(parents=True)
    for name in ("red-fox", "amur-leopard"):
        text = without_photo((SAMPLES / f"{name}.yaml").read_text("utf-8"))
        if name == "red-fox":
            text = text.replace("common: Red fox", f"common: '{HOSTILE_NAME}'")
        (species / f"{name}.yaml").write_text(text, "utf-8")
    (root / "wildpress.yaml").write_text(
        "species: [data/species]\nout: out\noutputs:\n"
        "  - {layout: factsheet, sizes: [A4]}\n"
        "  - {layout: flashcards, sizes: [a7], sheet: A4}\n", "utf-8")
    return root


def preview(project: Path, monkeypatch) -> tuple[Path, str]:
    monkeypatch.chdir(project)
    run = CliRunner().invoke(main, ["preview", "--jobs", "2"], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    sheet = project / "out" / "index.html"
    assert f"contact sheet: {sheet}" in run.output
    return sheet, run.output


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("preview"))


def test_one_png_per_page_and_a_sheet_that_references_them(project, monkeypatch):
    import pypdfium2 as pdfium

    sheet_path, _ = preview(project, monkeypatch)
    out = project / "out"
    sheet = Sheet(sheet_path.read_text("utf-8"))
    pdfs = sorted(out.glob("*.pdf"))
    assert [p.name for p in pdfs] == ["amur-leopard-factsheet-a4.pdf", "deck-flashcards-a7.pdf",
                                      "red-fox-factsheet-a4.pdf"]
    manifest = json.loads((out / ".wildpress-manifest.json").read_text("utf-8"))["outputs"]
    shown = [img["src"] for img in sheet.images]
    for pdf in pdfs:
        pages = len(pdfium.PdfDocument(str(pdf)))
        folder = out / ".wildpress-preview" / manifest[pdf.name]["sha256"]  # named by the PDF's hash
        pngs = sorted(folder.glob("*.png"))
        assert len(pngs) == pages, pdf.name
        for png in pngs:
            assert png.read_bytes().startswith(b"\x89PNG")
            assert png.relative_to(out).as_posix() in shown  # the sheet shows every page ...
        assert pdf.name in sheet.links  # ... and links to the PDF
    assert len(shown) == sum(len(pdfium.PdfDocument(str(p))) for p in pdfs)
    assert all((out / src).is_file() for src in shown)
    text = " ".join(sheet.text)
    assert "Amur leopard" in sheet.headings[0] or any("Amur leopard" in h for h in sheet.headings)
    assert "A4" in text and "A7" in text and "kB" in text and "2 pages" in text


def test_thumbnails_are_reused_and_warnings_of_up_to_date_outputs_still_show(project, monkeypatch):
    out = project / "out"
    first = json.loads((out / ".wildpress-manifest.json").read_text("utf-8"))["outputs"]
    warned = {name: entry["warnings"] for name, entry in first.items() if entry.get("warnings")}
    # The fit leaves a fact out of the fox's card (without a photo the back is busier): the deck warns.
    assert warned.get("deck-flashcards-a7.pdf"), first
    thumbs = {p: p.stat().st_mtime_ns for p in (out / ".wildpress-preview").rglob("*.png")}
    sheet_path, output = preview(project, monkeypatch)
    assert "0 built, 3 up to date" in output
    assert {p: p.stat().st_mtime_ns for p in (out / ".wildpress-preview").rglob("*.png")} == thumbs  # not redone
    text = sheet_path.read_text("utf-8")
    sheet = Sheet(text)
    joined = " ".join(sheet.text)
    for warning in warned["deck-flashcards-a7.pdf"]:
        assert "left out" in warning
        assert warning.replace(str(project) + "/", "") in joined
    assert "up to date" in joined


def test_an_untrusted_species_name_is_escaped(project, monkeypatch):
    sheet_path, _ = preview(project, monkeypatch)
    text = sheet_path.read_text("utf-8")
    sheet = Sheet(text)
    assert "<img src=x" not in text and "onerror=alert(1)>" not in text
    assert all(img["src"] != "x" and "onerror" not in img for img in sheet.images)
    assert "Fox &lt;img src=x onerror=alert(1)&gt; &amp; &#34;q&#34;" in text
    assert any(h.startswith(HOSTILE_NAME) for h in sheet.headings)  # shown as the text it is


def test_failures_show_on_the_sheet_with_file_and_line(tmp_path, monkeypatch):
    project = make_project(tmp_path)
    bad = project / "data" / "species" / "amur-leopard.yaml"
    bad.write_text(bad.read_text("utf-8").replace("category: CR", "category: XX"), "utf-8")
    monkeypatch.chdir(project)
    run = CliRunner().invoke(main, ["preview", "--keep-going", "-l", "factsheet"], catch_exceptions=False)
    assert run.exit_code == 1, run.output
    text = (project / "out" / "index.html").read_text("utf-8")
    sheet = Sheet(text)
    joined = " ".join(sheet.text)
    assert "failed" in joined
    assert any(t.startswith("data/species/amur-leopard.yaml:") and t.rstrip(":").split(":")[1].isdigit()
               for t in sheet.text), joined
    assert "red-fox-factsheet-a4.pdf" in sheet.links  # the valid species was built and is shown
