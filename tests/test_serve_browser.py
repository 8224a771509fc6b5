"""`wildpress serve` in a real headless browser: the contact sheet lists every output, and an
edit to a species file shows on the page by itself (rebuild, then reload) — bad edits too (issue 12).

Debian's chromium, driven by Playwright (never `playwright install`: the browser is the system's).
"""

from __future__ import annotations

import re
import signal
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from servecheck import CHROMIUM, browser_page, serving, two_species

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")


@pytest.fixture
def project(tmp_path):
    """Two species without photos, the fact sheet at A4 only: quick to build."""
    two_species(tmp_path)
    (tmp_path / "wildpress.yaml").write_text(
        "species: [data/species]\nout: out\noutputs:\n  - {layout: factsheet, sizes: [A4]}\n", "utf-8")
    return tmp_path


@pytest.fixture
def server(project):
    """`wildpress serve` on a free port in a subprocess; stopped with Ctrl-C (SIGINT) afterwards."""
    with serving(project) as (port, proc):
        yield port, proc, project / "serve.log"


def test_serve_shows_every_output_and_follows_edits(project, server, tmp_path):
    from playwright.sync_api import expect

    port, proc, log = server
    fox = project / "data" / "species" / "red-fox.yaml"
    (project / "out" / "escape").symlink_to(project / "wildpress.yaml")
    for path in ("/../wildpress.yaml", "/%2e%2e/wildpress.yaml", "/escape", "/.wildpress-preview/", "/nothing.pdf"):
        with pytest.raises(urllib.error.HTTPError) as refused:  # only the output folder's own files
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)
        assert refused.value.code == 404, path
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/red-fox-factsheet-a4.pdf", timeout=5) as answer:
        assert answer.read(5) == b"%PDF-"
    original = fox.read_text("utf-8")
    with browser_page(1280, 900) as page:
        blocked = []  # what the page's Content-Security-Policy refused: nothing the sheet needs
        page.on("console", lambda message: blocked.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(f"http://127.0.0.1:{port}/")
        for name in ("amur-leopard-factsheet-a4.pdf", "red-fox-factsheet-a4.pdf"):
            card = page.locator(f'article[data-output="{name}"]')
            expect(card).to_be_visible()
            expect(card.locator("img").first).to_be_visible()
            assert card.locator("img").count() == 2, name  # both pages of the fact sheet
        expect(page.locator("h2", has_text="Red fox")).to_be_visible()
        expect(page.locator("h2", has_text="Amur leopard")).to_be_visible()
        assert page.evaluate("document.querySelector('article img').naturalWidth") > 100  # a real PNG

        # An edit: the page rebuilds and reloads by itself.
        fox.write_text(original.replace("common: Red fox", "common: Riverbank fox"), "utf-8")
        expect(page.locator("h2", has_text="Riverbank fox")).to_be_visible(timeout=90_000)
        expect(page.locator("h2", has_text="Red fox")).to_have_count(0)
        page.screenshot(path=str(tmp_path / "contact-sheet.png"), full_page=True)

        # A bad edit: the error shows with its file and line; the server keeps watching.
        fox.write_text(original.replace("common: Red fox", "common: [Red fox"), "utf-8")
        failure = page.locator("#failures")
        expect(failure).to_contain_text("data/species/red-fox.yaml:", timeout=90_000)
        assert proc.poll() is None
        fox.write_text(original, "utf-8")
        expect(page.locator("h2", has_text="Red fox")).to_be_visible(timeout=90_000)
        expect(page.locator("#failures")).to_have_count(0)
        assert blocked == [], blocked
    proc.send_signal(signal.SIGINT)  # Ctrl-C stops it cleanly
    assert proc.wait(timeout=30) == 0, log.read_text()
    assert "stopped" in log.read_text()


def test_the_import_page_from_upload_to_written_files(project, server, tmp_path):
    """Issue 20: pick a table, see one row per column with the decision and a field chooser, fix one,
    preview the cards, write the species files and the mapping file; local, token-bound, same-origin."""
    from playwright.sync_api import expect

    port, proc, log = server
    table = tmp_path / "zoo.csv"
    table.write_text((Path(__file__).parent / "tables" / "zoo-species-plan.csv").read_text("utf-8"), "utf-8")
    for headers, path in (({}, "/__import/guess"), ({"Origin": "http://evil.example"}, None)):
        token = "wrong" if path else re.search(r"token=([A-Za-z0-9_-]+)", urllib.request.urlopen(
            f"http://127.0.0.1:{port}/", timeout=5).read().decode()).group(1)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/__import/guess?token={token}", data=b"{}",
                                         headers={"Content-Type": "application/json", **headers}, method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 403
    with browser_page(1280, 900) as page:
        errors = []  # every request the page makes is answered (the browser's own favicon.ico aside)
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
        page.goto(f"http://127.0.0.1:{port}/")
        page.click("#wp-import")
        expect(page.locator("h1")).to_have_text("Import a table")
        page.set_input_files("#file", str(table))
        taxon = page.locator('select[data-column="taxon"]')
        expect(taxon).to_have_value("taxon.group", timeout=30_000)
        expect(page.locator('select[data-column="scientific_name"]')).to_have_value("name.scientific")
        row = page.locator("tr", has=page.locator('select[data-column="scientific_name"]'))
        expect(row.locator("td.why")).to_contain_text("6 of 6 cells are binomials")
        expect(row.locator("td.cells")).to_contain_text("Panthera tigris altaica")
        page.select_option('select[data-column="programme"]', "ignore")  # the user fixes one column
        expect(page.locator("#status")).to_contain_text("wrote 6 species files", timeout=30_000)
        page.click("#preview")
        expect(page.locator("#images img").first).to_be_visible(timeout=120_000)
        assert page.evaluate("document.querySelector('#images img').naturalWidth") > 100
        page.click("#write")
        expect(page.locator("#status")).to_contain_text("Written:", timeout=60_000)
        page.screenshot(path=str(tmp_path / "import-page.png"), full_page=True)
        assert errors == [], errors
    species = project / "data" / "species"
    tiger = species / "amur-tiger.yaml"
    assert tiger.exists() and "scientific: Panthera tigris altaica" in tiger.read_text("utf-8")
    saved = (project / "data" / "import-mapping.yaml").read_text("utf-8")
    assert "programme: ignore" in saved and "taxon: taxon.group" in saved
    assert proc.poll() is None
