"""Text from input reaches a terminal, a CI log or a GitHub annotation escaped (issue 18)."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from wildpress.cli import main
from wildpress.errors import Problem
from wildpress.runner.progress import Bar, Progress
from wildpress.terminal import for_terminal, github_data, github_line, github_property
from wildpress.validate import ValidationReport

FORGED = "all 1 species files are valid"
# A file name that sets the window title, rings the bell, erases the line, forges a line of its
# own and a GitHub command that would switch annotations off.
HOSTILE_NAME = f"cat\x1b]0;pwned\x07\x1b[2K\r\n{FORGED}\n::stop-commands::tok\n.yaml"
SPECIES = "schema: 1\nname: {common: Test cat, scientific: Felis testus}\nstatus: {category: LC}\n" \
          "sources: [{title: A field guide}]\n"


@pytest.mark.parametrize("raw, shown", [
    ("\x1b[2J", "\\x1b[2J"),
    ("a\rb", "a\\rb"),
    ("one\ntwo", "one\\ntwo"),
    ("bell\x07", "bell\\x07"),
    ("tab\there", "tab\\there"),
    ("c1 \x9b31m csi, \x85 next line", "c1 \\x9b31m csi, \\x85 next line"),
    ("del\x7f", "del\\x7f"),
    ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
    ("isolate\u2066x\u2069", "isolate\\u2066x\\u2069"),
    ("line\u2028sep", "line\\u2028sep"),
    ("undecodable \udcff byte", "undecodable \\udcff byte"),
])
def test_controls_are_shown_as_escapes(raw, shown):
    assert for_terminal(raw) == shown


def test_printable_unicode_is_kept_as_it_is():
    text = "Renard roux é ß Лиса 狐狸 ثعلب 🦊 a\u00a0b data/species/my $cat.yaml C:\\out\\x.pdf"
    assert for_terminal(text) == text


def test_anything_is_shown_by_its_str():
    assert for_terminal(Path("a\nb.yaml")) == "a\\nb.yaml"


def test_github_escapes_the_log_and_the_annotation():
    assert github_data("100% done\nnext") == "100%25 done\\nnext"
    assert github_property("data/a:b,c.yaml") == "data/a%3Ab%2Cc.yaml"
    assert github_line("  ::stop-commands::tok") == "\\  ::stop-commands::tok"
    assert github_line("1 error(s), 0 warning(s)") == "1 error(s), 0 warning(s)"


def _hostile_project(tmp_path: Path) -> Path:
    (tmp_path / "data" / "species").mkdir(parents=True)
    (tmp_path / "data" / "species" / HOSTILE_NAME).write_text(SPECIES)
    return tmp_path


def _assert_safe(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output and "\r" not in output, repr(output)
    lines = output.splitlines()
    assert FORGED not in lines and not any(line.lstrip().startswith("::stop-commands") for line in lines), output


@pytest.mark.parametrize("run", [["validate", "data/species"], ["build", "data/species"]])
def test_a_hostile_file_name_is_printed_escaped(tmp_path, monkeypatch, run):
    monkeypatch.chdir(_hostile_project(tmp_path))
    result = CliRunner().invoke(main, run)
    assert result.exit_code == 1, result.output
    _assert_safe(result.output)
    assert ("data/species/cat\\x1b]0;pwned\\x07\\x1b[2K\\r\\nall 1 species files are valid\\n::stop-commands::tok"
            "\\n.yaml: id: the file name") in result.output


def test_a_hostile_file_name_in_github_annotations(tmp_path, monkeypatch):
    monkeypatch.chdir(_hostile_project(tmp_path))
    result = CliRunner().invoke(main, ["validate", "--format", "github", "data/species"])
    assert result.exit_code == 1, result.output
    _assert_safe(result.output)
    first = result.output.splitlines()[0]
    assert first.startswith("::error file=data/species/cat\\x1b]0;pwned\\x07\\x1b[2K\\r\\nall 1 species files are "
                            "valid\\n%3A%3Astop-commands%3A%3Atok\\n.yaml,title=wildpress id::id: the file name ")
    assert result.output.splitlines()[-1] == "1 error(s), 0 warning(s)"


def test_the_github_summary_cannot_start_a_command():
    # A field named like a command, in six files: the grouped summary names it at the start of a line.
    problems = [Problem(f"s{i}.yaml", 3, 1, "::stop-commands::tok", "unknown field") for i in range(6)]
    problems += [Problem(f"s{i}.yaml\n::stop-commands::x", 4, 1, "status", "is required") for i in range(2)]
    report = ValidationReport([Path(f"s{i}.yaml") for i in range(6)], problems=problems)
    lines = report.as_github().splitlines()
    assert not [line for line in lines if line.lstrip().startswith("::") and not line.startswith("::error ")]
    assert any(line.startswith("\\  ::stop-commands::tok unknown field: 6 in 6 files") for line in lines), lines
    assert all("\n" not in line and "\x1b" not in line for line in lines)
    text = report.as_text()
    assert "s0.yaml\\n::stop-commands::x:4:1: status: is required" in text


def test_the_json_format_keeps_the_name_exact(tmp_path, monkeypatch):
    import json

    monkeypatch.chdir(_hostile_project(tmp_path))
    result = CliRunner().invoke(main, ["validate", "--format", "json", "data/species"])
    assert json.loads(result.stdout)["problems"][0]["file"] == "data/species/" + HOSTILE_NAME


@pytest.mark.parametrize("kind", [Progress, Bar])
def test_progress_lines_and_the_bar_label_are_escaped(kind):
    stream = io.StringIO()
    progress = kind(stream)
    progress.start(2)
    progress.step(f"deck\r\n{FORGED}\x1b]0;t\x07", "rendered")
    progress.log(f"wrote out/x.pdf\n{FORGED}")
    progress.close()
    shown = stream.getvalue()
    if kind is Bar:  # the bar's own control sequences are the only ESCs left
        shown = shown.replace("\r\x1b[2K", "")
    assert "\x1b" not in shown and "\x07" not in shown and "\r" not in shown, repr(shown)
    assert FORGED not in shown.splitlines()
    assert f"wrote out/x.pdf\\n{FORGED}" in shown


def test_an_error_message_over_several_lines_keeps_each_line_indented(capsys):
    from wildpress.terminal import say_message

    say_message(f"error: two jobs clash:\n  out/a.pdf\n{FORGED}\x1b[2K")
    assert capsys.readouterr().err.splitlines() == ["error: two jobs clash:", "  out/a.pdf",
                                                    f"  {FORGED}\\x1b[2K"]


def test_a_real_process_prints_no_control_character(tmp_path):
    import subprocess
    import sys

    project = _hostile_project(tmp_path)
    for run in (["validate", "data/species"], ["validate", "--format", "github", "data/species"],
                ["build", "data/species"]):
        done = subprocess.run([sys.executable, "-m", "wildpress", *run], cwd=project, capture_output=True,
                              timeout=300)
        output = (done.stdout + done.stderr).decode("utf-8")
        assert done.returncode == 1, output
        assert "Traceback" not in output
        _assert_safe(output)
        assert "\\x1b]0;pwned\\x07" in output


def test_json_printed_escapes_what_json_leaves_raw_and_decodes_the_same():
    import json

    from wildpress.terminal import json_for_terminal

    data = {"file": "a\x9b31m\u202e\u2028\x7f b\\\x85 é 狐 🦊 \udcff", "lines": "x\ny"}
    text = json_for_terminal(json.dumps(data, indent=2, ensure_ascii=False))
    assert json.loads(text) == data
    assert not [char for char in text if char != "\n" and not char.isprintable()], repr(text)
    assert "é 狐 🦊" in text and text.count("\n") == 3


def test_validate_json_on_a_terminal_carries_no_raw_control(tmp_path, monkeypatch):
    import json

    (tmp_path / "data" / "species").mkdir(parents=True)
    (tmp_path / "data" / "species" / "cat\u202e\x9b2Jx.yaml").write_text(SPECIES)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--format", "json", "data/species"])
    assert "\u202e" not in result.stdout and "\x9b" not in result.stdout
    assert json.loads(result.stdout)["problems"][0]["file"] == "data/species/cat\u202e\x9b2Jx.yaml"


@pytest.mark.skipif(os.name == "nt" or sys.platform == "darwin",
                    reason="only POSIX file systems other than APFS take file names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_builds_and_reports_exactly(tmp_path, monkeypatch):
    """A species file named with a byte that is not UTF-8 (b'fox\\xff.yaml'): the build, its
    manifest and its JSON report work, and the report gives the name back exactly."""
    import json

    folder = tmp_path / "data" / "species"
    folder.mkdir(parents=True)
    name = os.fsdecode(b"fox\xff.yaml")
    (folder / name).write_text("id: bad-fox\n" + SPECIES.replace("schema: 1\n", "schema: 1\ncolour_notes: x\n", 1))
    monkeypatch.chdir(tmp_path)
    for run in (1, 2):  # the second build reads the manifest the first one wrote
        result = CliRunner().invoke(main, ["build", "data/species", "-l", "factsheet", "-s", "a4",
                                           "--json", "report.json"])
        assert result.exit_code == 0, result.output
        report = json.loads((tmp_path / "report.json").read_bytes().decode("utf-8"))  # valid UTF-8 JSON
        assert any(w.startswith(f"data/species/{name}:") for w in report["warnings"]), report["warnings"]
        assert len(report["built" if run == 1 else "up_to_date"]) == 1
    assert "fox\\udcff.yaml" in result.output  # the terminal shows the stray byte as an escape
