"""`--help` is readable: every option of every command under a heading, with help; missing Pango is one sentence."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from wildpress.cli import main
from wildpress.cli_help import OTHER, SECTIONS, SectionedCommand, section_of


def _commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))


ALL = list(_commands(main))


@pytest.mark.parametrize("path,command", ALL, ids=[" ".join(p) for p, _ in ALL])
def test_every_option_has_a_section_and_help(path, command):
    if isinstance(command, click.Group):
        return
    assert isinstance(command, SectionedCommand), f"`{' '.join(path)}`: use @...command(cls=SectionedCommand)"
    assert command.help, f"`{' '.join(path)}` has no docstring"
    for param in command.params:
        if not isinstance(param, click.Option):
            continue
        flag = max(param.opts, key=len)
        assert section_of(command.name, param), f"`{' '.join(path)} {flag}`: add it to cli_help.OPTION_SECTIONS"
        assert param.help and len(param.help) > 15, f"`{' '.join(path)} {flag}` needs a help text"


def test_build_help_groups_options_under_headings():
    out = " ".join(CliRunner().invoke(main, ["build", "--help"], terminal_width=100).output.split(" "))
    flat = " ".join(out.split())
    headings = [s for s in SECTIONS if f"\n{s}:\n" in out]
    assert headings == list(SECTIONS)  # all of them, in this order
    layout = out.index("\nLayout:\n")
    assert layout < out.index("--bleed") and out.index("--bleed") < out.index("--duplex") < out.index("--shard")
    assert "TrimBox (the finished, cut size)" in flat and "PDF/X" in flat and "long edge" in flat
    assert "`wildpress layouts`" in flat and "`wildpress sizes`" in flat and "[default: 0mm]" in flat
    assert out.index(f"\n{OTHER}:\n") > out.index("--max-pages")


def test_top_level_help_shows_whole_summaries():
    out = CliRunner().invoke(main, ["--help"], terminal_width=80).output
    text = " ".join(out.split())
    for name, command in main.commands.items():
        summary = command.get_short_help_str(limit=10_000)
        assert "..." not in summary
        assert " ".join(summary.split()) in text, name


def test_missing_pango_message_names_the_install_command():
    from wildpress.syslibs import is_missing_library, missing_libraries_message

    exc = OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0.so: cannot open shared object file")
    assert is_missing_library(exc) and not is_missing_library(OSError("disk full"))
    linux = missing_libraries_message(exc, platform="linux")
    assert "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0" in linux and "brew install pango" in linux
    assert linux.count(". ") == 0 and linux.endswith(".") and "\n" not in linux  # one sentence
    assert "`brew install pango`" in missing_libraries_message(exc, platform="darwin")


def test_worker_reports_missing_pango_cleanly(monkeypatch):
    from wildpress.errors import WorkerFailure
    from wildpress.safety.worker import Worker, ping
    from wildpress.syslibs import SIMULATE_ENV

    monkeypatch.setenv(SIMULATE_ENV, "1")
    worker = Worker().start()
    try:
        for _ in range(2):  # every call, and the worker stays up to say it again
            with pytest.raises(WorkerFailure) as info:
                worker.call(ping, time_s=20, memory_mb=1024)
            assert info.value.reason == "libraries"
            assert "sudo apt-get install libpango-1.0-0" in str(info.value)
    finally:
        worker.stop()


def test_build_without_pango_is_one_sentence_and_exit_1(tmp_path, monkeypatch):
    from conftest import SAMPLES
    from wildpress.syslibs import SIMULATE_ENV

    from wildpress.runner import pool

    pool.stop_all()  # workers started by earlier tests have Pango: this build must start its own
    monkeypatch.setenv(SIMULATE_ENV, "1")
    monkeypatch.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["build", str(SAMPLES / "amur-leopard.yaml"),
                                           str(SAMPLES / "red-fox.yaml"), "--jobs", "1"])
    finally:
        pool.stop_all()  # and later tests must not inherit workers without it
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert lines[0].startswith("error: WeasyPrint cannot load the Pango") and "apt-get install" in lines[0]


def test_cli_reports_missing_pango_in_this_process(monkeypatch, tmp_path):
    """Commands that import WeasyPrint themselves (tile draws its map, variants) say the same sentence."""
    import wildpress.printing.production as production

    def broken():
        raise OSError("cannot load library 'libgobject-2.0-0': cannot open shared object file")

    monkeypatch.setattr(production, "pdf_variants", broken)
    result = CliRunner().invoke(main, ["variants"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: WeasyPrint cannot load the Pango") and "Traceback" not in result.output
