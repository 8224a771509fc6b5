"""The guide's child layout (docs/guide.md, "A designer"), taken from the guide's own code blocks
into a `wildpress new` project and built as the guide says: what a reader copies must work."""

from __future__ import annotations

import re

from click.testing import CliRunner

from conftest import REPO
from pdfcheck import reader, text
from wildpress.cli import main

GUIDE = REPO / "docs" / "guide.md"
# A code block whose first line names the file it is: "# layouts/..." (YAML), "{# layouts/...: ..." (Jinja),
# "/* layouts/...: ..." (CSS).
BLOCK = re.compile(r"```(?:yaml|jinja|css)\n(?:#|\{#|/\*) (layouts/event-poster/[\w.-]+)[^\n]*\n(.*?)```", re.S)


def test_the_guides_event_poster_builds_with_its_two_blocks_replaced(tmp_path, monkeypatch):
    files = dict(BLOCK.findall(GUIDE.read_text("utf-8")))
    assert sorted(files) == ["layouts/event-poster/event-poster.css", "layouts/event-poster/event-poster.html.j2",
                             "layouts/event-poster/layout.yaml"]
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    made = runner.invoke(main, ["new", "riverbend"], catch_exceptions=False)
    assert made.exit_code == 0, made.output
    project = tmp_path / "riverbend"
    for name, body in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(body, "utf-8")
    monkeypatch.chdir(project)
    species = sorted((project / "data" / "species").glob("*.yaml"))[0]
    built = runner.invoke(main, ["build", str(species), "-l", "event-poster", "-s", "A3", "-o", "out"],
                          catch_exceptions=False)
    assert built.exit_code == 0, built.output
    pdf = reader(next((project / "out").glob("*-event-poster-a3.pdf")))
    assert len(pdf.pages) == 1
    assert "Open day 14 June" in pdf.metadata.title
    said = " ".join(text(pdf).split())
    assert "on 14 June" in said and "Open day at the Riverbend visitor centre" in said
    assert "WHY IT MATTERS" in said.upper() and "THREATS" in said.upper()  # the rest is the poster's own
