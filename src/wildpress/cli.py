"""Command-line interface: thin click commands over the core API.

Exit codes: 0 ok, 1 data/validation/render failure, 2 usage error; stopped: 130 by Ctrl-C,
143 by SIGTERM, 129 by SIGHUP. Every line printed from input is escaped (wildpress.terminal).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .cli_help import SectionedCommand, SectionedGroup
from .errors import DataError
from .terminal import json_for_terminal, say, say_message


from .cli_options import (PROJECT_OPTION, apply_flags, _batch_options, _given, _parse_options, _reports_errors,
                          setting_options)


@click.group(cls=SectionedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wildpress")
@click.pass_context
def main(ctx) -> None:
    """Merge species data (YAML) with print layouts into print-ready PDFs."""
    from .oscompat import stop_on_signals

    # SIGTERM and SIGHUP stop a command like Ctrl-C: workers stopped, .part files removed, one line
    # said and exit 143 / 129 (cli_options._reports_errors); the old handlers are back afterwards.
    ctx.call_on_close(stop_on_signals())


BUILD_SETTINGS = ("orientation", "lang", "back_lang", "units", "fallback", "organisation", "force", "photo_ppi",
                  "front", "sheet", "duplex", "fold", "cut_marks", "gutter", "back_offset", "imposition", "deck_name",
                  "bleed", "marks", "pdf_variant", "tagged", "tile", "tile_overlap", "output_format", "ppi",
                  "colour",
                  "time_limit", "memory_limit", "max_pages")


def _what_options(func):
    """SPECIES, -l, -s, -o, -O: what a build makes and where (shared by build, preview and serve)."""
    flags = [
        click.argument("species", nargs=-1, type=click.Path(path_type=Path)),
        click.option("-l", "--layout", "layouts", multiple=True, metavar="LAYOUT",
                     help="What to make: factsheet (the default), poster, flashcards, booklet, or a layout of your "
                          "own in ./layouts; repeatable. `wildpress layouts` lists them all. In a project: the "
                          "project's outputs of these layouts (a layout it does not list is added)."),
        click.option("-s", "--size", "sizes", multiple=True, metavar="SIZE",
                     help="Paper or card size: A4, letter, A2, A1, a7, poker ..., or your own as WIDTHxHEIGHT with a "
                          "unit (18x24in, 50x70cm); repeatable. `wildpress sizes` lists them all. Default: the "
                          "layout's usual sizes (fact sheet: A4 and letter), in a project the project's."),
        click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None,
                     help="Folder the files are written to (default: the project's `out:`, else ./out). Named "
                          "here it may lie anywhere, but never behind a link."),
        click.option("-O", "--option", "option_pairs", multiple=True, metavar="NAME=VALUE",
                     help="A layout's own setting, e.g. -O accent=#7a3b12 (repeatable); `wildpress layouts` lists "
                          "each layout's options."),
    ]
    return apply_flags(flags, func)


def assemble_request(ctx, species, layouts, sizes, out_dir, option_pairs, project_file, settings: dict, **run):
    """The command line as a BuildRequest: settings given on it (not their defaults) over the project's."""
    from .request import assemble

    given = {name: value for name, value in settings.items() if _given(ctx, name)}
    if "marks" in given:
        given["marks"] = tuple(given["marks"])
    return assemble(species=species, layouts=layouts, sizes=sizes, options=_parse_options(option_pairs),
                    given=given, out_dir=out_dir if _given(ctx, "out_dir") else None, project_file=project_file,
                    **run)


@main.command(cls=SectionedCommand)
@_what_options
@click.option("--strict", is_flag=True,
              help="Stop on warnings too (e.g. a field name wildpress does not know, often a typo).")
@setting_options(*BUILD_SETTINGS)
@_batch_options
@_reports_errors
@click.pass_context
def build(ctx, species, layouts, sizes, out_dir, option_pairs, strict, jobs, keep_going, only, shard, clean,
          dry_run, json_report, project_file, **settings):
    """Render SPECIES files or folders to PDFs; in a project folder, build the project.

    Without SPECIES, `wildpress build` builds ./wildpress.yaml when there is one (see `wildpress new`),
    else ./data/species, else the bundled samples. Inside a project, SPECIES, -l, -s and print options
    choose or add outputs, which keep the project's brand, language and output folder. Outputs whose
    inputs have not changed are kept.
    """
    from .build import build as run_build
    from .runner import progress as _progress

    request = assemble_request(ctx, species, layouts, sizes, out_dir, option_pairs, project_file, settings,
                               strict=strict, jobs=jobs, keep_going=keep_going, only=only, shard=shard, clean=clean,
                               dry_run=dry_run)
    report = _progress.for_stream(sys.stderr)
    try:
        result = run_build(request, progress=report, on_output=report.output, raise_errors=False)
    finally:
        report.close()
    _report(result, request, json_report)


def _report(result, request, json_report) -> None:
    """What a build says at its end (notes, warnings, removals, failures, the summary), and its exit code."""
    from .runner import progress as _progress

    out_dir = request.out_dir
    for notice in result.notices:
        say(f"note: {notice}")
    for warning in result.warnings:
        say(str(warning))
    for path in result.removed:
        say(f"removed {path} (its species or layout is gone)")
    for path in result.would_remove:
        say(f"would remove {path} (its species or layout is gone)")
    if result.stale:
        say(f"{len(result.stale)} output(s) in {out_dir} come from species or layouts that are gone "
            f"(`--clean` removes them): " + ", ".join(p.name for p in result.stale[:5])
            + (", ..." if len(result.stale) > 5 else ""))
    missing = next((f.error for f in result.failures if getattr(f.error, "reason", "") == "libraries"), None)
    if missing is not None:  # Pango & co. are not installed: one sentence, not one per document
        say(f"error: {getattr(missing, 'sentence', missing)}")
        sys.exit(1)
    for failure in result.failures:
        error = failure.error
        if isinstance(error, DataError):
            for problem in error.problems:
                say(problem)
        say_message(f"error: {failure.message}")
    if json_report:
        _progress.write_report(result, Path(out_dir), json_report)
    if request.dry_run:
        say(f"dry run: {len(result.would_remove)} file(s) would be removed from {out_dir}; nothing built")
        return
    say(_progress.summary(result) + f"; PDFs in {out_dir}", err=bool(result.failures))
    if result.failures:
        sys.exit(1)


def _preview_options(func):
    """What preview and serve build: like `build`, the project in a project folder."""
    flags = [
        _what_options,
        click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
                     help="How many documents render at the same time (default: one per processor core; 1 uses the "
                          "least memory)."),
        PROJECT_OPTION,
    ]
    return apply_flags(flags, func)


def _preparer(ctx, species, layouts, sizes, out_dir, option_pairs, project_file, **run):
    """A function giving the BuildRequest, assembled afresh each time it is called (serve rebuilds)."""
    return lambda: assemble_request(ctx, species, layouts, sizes, out_dir, option_pairs, project_file, {}, **run)


@main.command(cls=SectionedCommand)
@_preview_options
@click.option("-k", "--keep-going", is_flag=True, help="Build every valid species even when other files are invalid.")
@_reports_errors
@click.pass_context
def preview(ctx, species, layouts, sizes, out_dir, option_pairs, jobs, project_file, keep_going):
    """Build, then write a PNG of every page and a contact sheet, OUT/index.html, to look at before printing.

    Each output gets a card with its pages, size, page count, file size and warnings (also of
    outputs that were up to date); failures head the sheet. Only changed PDFs are rendered again.
    """
    from .runner import progress as _progress
    from .site.preview import build_and_preview

    report = _progress.for_stream(sys.stderr)
    try:
        done = build_and_preview(_preparer(ctx, species, layouts, sizes, out_dir, option_pairs, project_file,
                                           jobs=jobs, keep_going=keep_going), out_dir or Path("out"),
                                 progress=report, on_output=report.output)
    finally:
        report.close()
    result = done.result
    for warning in result.warnings if result else []:
        say(warning)
    for failure in result.failures if result else []:
        say_message(f"error: {failure.message}")
    if result:
        say(_progress.summary(result))
    say(f"contact sheet: {os.path.abspath(done.sheet)}", err=False)  # absolute: a browser opens it as is
    if done.error is not None:
        raise done.error  # reported (and its exit code given) like build's
    if result and result.failures:
        sys.exit(1)


@main.command(cls=SectionedCommand)
@_preview_options
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="Port to serve on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADDRESS",
              help="Address to serve on and the only host name answered: 127.0.0.1, ::1 or localhost "
                   "(this machine only), or an address or name of this machine to show the pages to "
                   "others on your network.")
@click.option("--open", "open_browser", is_flag=True, help="Open the contact sheet in the default browser once "
                                                          "the first build is done.")
@_reports_errors
@click.pass_context
def serve(ctx, species, layouts, sizes, out_dir, option_pairs, jobs, project_file, port, host, open_browser):
    """Build, serve the contact sheet on http://127.0.0.1:PORT/ and rebuild on every edit.

    Watches the species data, layouts, fonts and the project file; only what changed is rebuilt,
    and the page reloads by itself. Errors show on the page with their file and line. Ctrl-C stops.
    """
    from .runner import progress as _progress
    from .site.serve import serve as run_serve
    from .site.serve_http import check_host

    if not check_host(host):
        say(f"warning: serving on {host}: anyone on your network who can reach this machine can see "
            "the previews and PDFs (use 127.0.0.1 to keep them to this machine)")
    run_serve(_preparer(ctx, species, layouts, sizes, out_dir, option_pairs, project_file, jobs=jobs,
                        keep_going=True), out_dir or Path("out"), port,
              echo=say, progress=lambda: _progress.for_stream(sys.stderr), host=host, open_browser=open_browser)


@main.command(cls=SectionedCommand)
@click.argument("target", type=click.Path(path_type=Path))
@click.argument("name", required=False)
@click.option("--force", is_flag=True, help="Write into a folder that is not empty (never overwriting a file); "
                                            "with `species`, replace an existing species file.")
@click.option("--out", "species_out", type=click.Path(path_type=Path), default=Path("data/species"),
              help="With `species`: the folder to write the species file into.")
@_reports_errors
def new(target, name, force, species_out):
    """Start a project in TARGET, or write a species template: wildpress new species "Snow leopard".

    A project: wildpress.yaml with a brand, two example species, a layout of your own; then
    cd TARGET && wildpress build. A species: a commented file that validates once its REQUIRED
    values (scientific name, a source) are filled in.
    """
    if name is not None:
        if str(target) != "species":
            raise click.UsageError(f"`wildpress new {target} {name}`: write `wildpress new PROJECT` "
                                   f"or `wildpress new species \"Common name\"`")
        from .data.template import new_species

        path = new_species(name, species_out, force=force)
        say(f"wrote {path}: fill in name.scientific and sources, then: wildpress validate {path}", err=False)
        return
    from .project.scaffold import scaffold

    written = scaffold(target, force=force)
    say(f"created {target} ({len(written)} files). Next: cd {target} && wildpress build", err=False)


@main.command("import", cls=SectionedCommand)
@click.argument("table", type=click.Path(path_type=Path))
@click.option("--map", "overrides", multiple=True, metavar="COLUMN=FIELD",
              help="Map a column to a field (name.common, status.category, measurements.sleep:h, ignore); "
                   "overrides the mapping file.")
@click.option("--mapping", type=click.Path(path_type=Path),
              help="YAML mapping file: columns, separators, missing, defaults, source.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("data/species"),
              help="Folder the species files are written to.")
@click.option("--separator", "separators", multiple=True, help="List separator (default | and ;); repeatable.")
@click.option("--missing", "missing", multiple=True, help="Another marker of a missing value; repeatable.")
@click.option("--key", help="JSON: the key holding the array of records, e.g. records (or data.items).")
@click.option("--sheet", help="XLSX: the sheet to read (default: the first).")
@click.option("--force", is_flag=True, help="Replace existing species files and report.")
@click.option("--report", type=click.Path(path_type=Path), help="Report file (default: OUT/import-report.txt).")
@click.option("--prefer", type=click.Choice(["first", "last", "most-threatened", "least-threatened"]),
              help="Which category a cell naming several keeps (default: none; the cell is reported).")
@click.option("--photos", type=click.Path(path_type=Path),
              help="Folder of photos matched to rows by scientific or common name (panthera-leo.jpg, lion.png).")
@click.option("--allow-partial", is_flag=True,
              help="Exit 0 even when rows were refused, cells left out or columns not imported.")
@_reports_errors
def import_(table, overrides, mapping, out_dir, separators, missing, key, sheet, force, report, prefer, photos,
            allow_partial):
    """Rows of a CSV, XLSX or JSON TABLE -> species files; one decision per column, problems grouped.

    A species' identity is its scientific name: importing again updates the file that holds it.
    """
    from .data.import_report import counts_line, screen_lines
    from .data.importer import import_table

    result = import_table(table, out_dir, mapping=mapping, overrides=list(overrides), separators=list(separators),
                          missing=list(missing), key=key, sheet=sheet, force=force, report=report, prefer=prefer,
                          photos=photos)
    for line in screen_lines(result):
        say(f"{table}: {line}")
    say(f"{counts_line(result, out_dir)}; report: {result.report}", err=False)
    if result.partial and not allow_partial:
        say(f"{table}: not all of the table was imported (see above); fix it and import again, or accept "
            "it with --allow-partial")
        sys.exit(1)


@main.command(cls=SectionedCommand)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True,
              help="Fail on warnings too (e.g. a field name wildpress does not know, often a typo).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="text: for people; json: for other programs; github: notes on the pull request's changed lines "
                   "(in GitHub Actions).")
@click.option("--lang", "langs", multiple=True, metavar="LANG",
              help="Also check each file can print in LANG (repeatable, or comma-separated: --lang ru,zh): every "
                   "text that lacks it, and every character no font has, with file and line.")
@_reports_errors
def validate(paths, strict, fmt, langs):
    """Check species files or folders; print every problem; exit 1 if any.

    Files are read by the same rule as `build`: inside the current folder or a folder named here.
    """
    from .validate import validate_paths

    from .layout.formatting import check_language

    langs = [code.strip() for given in langs for code in given.split(",") if code.strip()]
    for code in langs:
        check_language(code)
    report = validate_paths(list(paths), Path.cwd(), strict=strict, langs=langs)
    if not report.files:
        raise click.UsageError("no species files found")
    if fmt == "json":
        click.echo(json_for_terminal(report.as_json()))  # the same JSON, nothing a terminal acts on
    elif fmt == "github":
        click.echo(report.as_github())
    else:
        for line in report.as_text():  # escaped for the terminal by as_text
            click.echo(line, err=True)
        click.echo(report.summary(), err=not report.ok)
    sys.exit(0 if report.ok else 1)


from . import cli_tools  # noqa: E402 - the smaller commands, added to the group here

for _command in cli_tools.COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
