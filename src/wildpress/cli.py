"""Command-line interface: thin click commands over the core API.

Exit codes: 0 ok, 1 data/validation/render failure, 2 usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .cli_help import SectionedCommand, SectionedGroup
from .errors import DataError


from .cli_options import (PROJECT_OPTION, apply_flags, _PRINT_FLAGS, _batch_options, _card_options, _card_settings, _given, _limit_options,
                          _parse_options, _print_options, _print_settings, _reports_errors)


@click.group(cls=SectionedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wildpress")
def main() -> None:
    """Merge species data (YAML) with print layouts into print-ready PDFs."""


@main.command(cls=SectionedCommand)
@click.argument("species", nargs=-1, type=click.Path(path_type=Path))
@click.option("-l", "--layout", "layouts", multiple=True, metavar="LAYOUT",
              help="What to make: factsheet (the default), poster, flashcards, booklet, or a layout of your own "
                   "in ./layouts; repeatable. `wildpress layouts` lists them all. In a project: build only these.")
@click.option("-s", "--size", "sizes", multiple=True, metavar="SIZE",
              help="Paper or card size: A4, letter, A2, A1, a7, poker ..., or your own as WIDTHxHEIGHT with a "
                   "unit (18x24in, 50x70cm); repeatable. `wildpress sizes` lists them all. Default: the "
                   "layout's usual sizes (fact sheet: A4 and letter). In a project: build only these.")
@click.option("--orientation", type=click.Choice(["portrait", "landscape"]), default=None,
              help="Turn every size upright (portrait) or sideways (landscape). Default: each size as registered, "
                   "mostly portrait.")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"),
              show_default=True, help="Folder the PDFs are written to.")
@click.option("-O", "--option", "option_pairs", multiple=True, metavar="NAME=VALUE",
              help="A layout's own setting, e.g. -O accent=#7a3b12 (repeatable); `wildpress layouts` lists each "
                   "layout's options.")
@click.option("--lang", default="en", show_default=True,
              help="Language to print, as a code (en, es, fr, de, pt, ru, zh, ar, or pt-BR...): the layouts' words, "
                   "numbers, country names and the species' texts. A text the species lacks in it is an error "
                   "(see --fallback).")
@click.option("--back-lang", default=None, metavar="LANG",
              help="Flashcards: print the backs in this language, the fronts in --lang (for language classes).")
@click.option("--units", type=click.Choice(["source", "metric", "imperial", "both"]), default="source",
              show_default=True,
              help="Measurements as written (source), converted to metric or imperial, or both (1–1.36 m (3.3–4.5 "
                   "ft)); converted figures keep the source's precision.")
@click.option("--fallback", is_flag=True,
              help="Print texts the species lacks in --lang in its own language instead of failing; the build "
                   "lists each field it used.")
@click.option("--organisation", default="", help="Your organisation: printed in kickers and footers and "
              "recorded as the PDF's author. Nothing is printed without it (a project's brand sets it too).",
              show_default=False)
@click.option("--strict", is_flag=True,
              help="Stop on warnings too (e.g. a field name wildpress does not know, often a typo).")
@click.option("--force", is_flag=True,
              help="Rebuild everything even when nothing changed, and overwrite files wildpress did not make.")
@click.option("--photo-ppi", type=click.FloatRange(min=0), default=300, show_default=True,
              metavar="PPI",
              help="Photo detail in pixels per inch at the printed size: bigger photos are scaled down to it to keep "
                   "PDFs small (0: keep the originals).")
@_batch_options
@_card_options
@_print_options
@_limit_options
@_reports_errors
@click.pass_context
def build(ctx, species, layouts, sizes, orientation, out_dir, option_pairs, lang, back_lang, units, fallback,
          organisation, strict, force,
          photo_ppi, time_limit, memory_limit, max_pages, jobs, keep_going, only, shard, clean, json_report,
          project_file, **card_flags):
    """Render SPECIES files or folders to PDFs; in a project folder, build the project.

    Without SPECIES, `wildpress build` builds ./wildpress.yaml when there is one (see `wildpress new`),
    else ./data/species, else the bundled samples. Outputs whose inputs have not changed are kept.
    """
    from .build import Settings, build as run_build
    from .runner import progress as _progress
    from .safety.limits import Limits

    options = _parse_options(option_pairs)
    if card_flags["front"]:
        options["front"] = card_flags["front"]
    base = Settings(lang=lang, back_lang=back_lang, units=units, fallback=fallback, organisation=organisation,
                    force=force, deck_name=card_flags["deck_name"],
                    cards=_card_settings(**card_flags), limits=Limits(time_limit, memory_limit, max_pages),
                    photo_ppi=photo_ppi, **_print_settings(**card_flags))
    _, arguments = _build_arguments(ctx, species, layouts, sizes, out_dir, project_file, base, options, orientation,
                                    card_flags)
    out_dir = arguments["out_dir"]
    report = _progress.for_stream(sys.stderr)
    try:
        result = run_build(strict=strict, jobs=jobs, keep_going=keep_going, only=only, shard=shard, clean=clean,
                           progress=report, on_output=report.output, raise_errors=False, **arguments)
    finally:
        report.close()
    for notice in result.notices:
        click.echo(f"note: {notice}", err=True)
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    for path in result.removed:
        click.echo(f"removed {path} (its source is gone)", err=True)
    if result.stale:
        click.echo(f"{len(result.stale)} output(s) in {out_dir} come from species or layouts no longer built "
                   f"(`--clean` removes them): " + ", ".join(p.name for p in result.stale[:5])
                   + (", ..." if len(result.stale) > 5 else ""), err=True)
    missing = next((f.error for f in result.failures if getattr(f.error, "reason", "") == "libraries"), None)
    if missing is not None:  # Pango & co. are not installed: one sentence, not one per document
        click.echo(f"error: {getattr(missing, 'sentence', missing)}", err=True)
        sys.exit(1)
    for failure in result.failures:
        error = failure.error
        if isinstance(error, DataError):
            for problem in error.problems:
                click.echo(str(problem), err=True)
        click.echo(f"error: {failure.message}", err=True)
    if json_report:
        _progress.write_report(result, Path(out_dir), json_report)
    click.echo(_progress.summary(result) + f"; PDFs in {out_dir}", err=bool(result.failures))
    if result.failures:
        sys.exit(1)


def _build_arguments(ctx, species, layouts, sizes, out_dir, project_file, base, options, orientation,
                     card_flags) -> tuple:
    """(project or None, build() arguments): the command line's SPECIES, layouts and sizes or, in a
    project folder, the project's outputs (-l/-s then filter them) with the command line's options
    on top. Shared by build, preview and serve (serve calls it again for every rebuild)."""
    arguments: dict = {"options": options, "orientation": orientation, "settings": base}
    project = _project(project_file, species)
    if project is not None:
        arguments = _project_build(ctx, project, base, options, orientation, card_flags)
        species, out_dir = project.species_paths(), (out_dir if _given(ctx, "out_dir") else project.out_dir)
        arguments.update(layout_filter=layouts, size_filter=sizes, project_dir=project.root)
        layouts = sizes = None
    arguments.update(species=species, layouts=layouts, sizes=sizes, out_dir=out_dir)
    return project, arguments


def _project(project_file, species):
    """The project to build: --project FILE, else ./wildpress.yaml when no SPECIES are named."""
    from .project.config import find_project, load_project

    if project_file is None and species:
        return None
    path = project_file or find_project(Path.cwd())
    return load_project(path) if path else None


def _project_build(ctx, project, base, options, orientation, card_flags) -> dict:
    """build() arguments for a project: its outputs as targets, the command line's options on top
    (only those actually given)."""
    import dataclasses

    from .build import Target

    settings = project.settings(base)
    for name in ("lang", "back_lang", "units", "fallback"):
        if _given(ctx, name):
            settings = dataclasses.replace(settings, **{name: getattr(base, name)})
    if _given(ctx, "organisation"):
        settings = dataclasses.replace(settings, organisation=base.organisation)
    if _given(ctx, "photo_ppi"):
        settings = dataclasses.replace(settings, photo_ppi=base.photo_ppi)
    if _given(ctx, "deck_name"):
        settings = dataclasses.replace(settings, deck_name=base.deck_name)
    overrides = {}
    for flag, key in _PRINT_FLAGS.items():
        if _given(ctx, flag):
            overrides[key] = card_flags[flag] if flag != "print_marks" else list(card_flags[flag])
    from .project.config import OutputSpec

    command_line = OutputSpec("", [], None, {}, 0, overrides)
    targets = []
    for spec in project.outputs:
        targets.append(Target([spec.layout], list(spec.sizes), orientation or spec.orientation, dict(spec.options),
                              command_line.apply(spec.apply(settings)), extra_options=options))
    return {"targets": targets, "layout_dirs": project.layout_dirs, "pattern": project.filename,
            "settings": settings}


def _preview_options(func):
    """What preview and serve build: like `build`, the project in a project folder."""
    flags = [
        click.argument("species", nargs=-1, type=click.Path(path_type=Path)),
        click.option("-l", "--layout", "layouts", multiple=True,
                     help="What to make: factsheet (the default), poster, flashcards, booklet or a layout of "
                          "your own in ./layouts; repeatable (`wildpress layouts` lists them). In a project: "
                          "only these."),
        click.option("-s", "--size", "sizes", multiple=True,
                     help="Paper or card size: A4, letter, A2, a7 ... or WIDTHxHEIGHT with a unit (18x24in); "
                          "repeatable (`wildpress sizes` lists them). In a project: only these."),
        click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"),
                     show_default=True, help="Output folder (the contact sheet is OUT/index.html)."),
        click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
                     help="How many documents render at the same time (default: one per processor core; 1 uses the "
                          "least memory)."),
        PROJECT_OPTION,
    ]
    return apply_flags(flags, func)


def _preparer(ctx, species, layouts, sizes, out_dir, project_file):
    """A function giving build()'s arguments, read afresh each time it is called (serve rebuilds)."""
    from .build import Settings

    return lambda: _build_arguments(ctx, species, layouts, sizes, out_dir, project_file, Settings(), {}, None, {})


@main.command(cls=SectionedCommand)
@_preview_options
@click.option("-k", "--keep-going", is_flag=True, help="Build every valid species even when other files are invalid.")
@_reports_errors
@click.pass_context
def preview(ctx, species, layouts, sizes, out_dir, jobs, project_file, keep_going):
    """Build, then write a PNG of every page and a contact sheet, OUT/index.html, to look at before printing.

    Each output gets a card with its pages, size, page count, file size and warnings (also of
    outputs that were up to date); failures head the sheet. Only changed PDFs are rendered again.
    """
    from .runner import progress as _progress
    from .site.preview import build_and_preview

    report = _progress.for_stream(sys.stderr)
    try:
        done = build_and_preview(_preparer(ctx, species, layouts, sizes, out_dir, project_file), out_dir,
                                 jobs=jobs, keep_going=keep_going, progress=report, on_output=report.output)
    finally:
        report.close()
    result = done.result
    for warning in result.warnings if result else []:
        click.echo(str(warning), err=True)
    for failure in result.failures if result else []:
        click.echo(f"error: {failure.message}", err=True)
    if result:
        click.echo(_progress.summary(result), err=True)
    click.echo(f"contact sheet: {done.sheet}")
    if done.error is not None:
        raise done.error  # reported (and its exit code given) like build's
    if result and result.failures:
        sys.exit(1)


@main.command(cls=SectionedCommand)
@_preview_options
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@_reports_errors
@click.pass_context
def serve(ctx, species, layouts, sizes, out_dir, jobs, project_file, port):
    """Build, serve the contact sheet on http://127.0.0.1:PORT/ and rebuild on every edit.

    Watches the species data, layouts, fonts and the project file; only what changed is rebuilt,
    and the page reloads by itself. Errors show on the page with their file and line. Ctrl-C stops.
    """
    from .runner import progress as _progress
    from .site.serve import serve as run_serve

    run_serve(_preparer(ctx, species, layouts, sizes, out_dir, project_file), out_dir, port,
              echo=lambda line: click.echo(line, err=True), progress=lambda: _progress.for_stream(sys.stderr),
              jobs=jobs, keep_going=True)


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
        click.echo(f"wrote {path}: fill in name.scientific and sources, then: wildpress validate {path}")
        return
    from .project.scaffold import scaffold

    written = scaffold(target, force=force)
    click.echo(f"created {target} ({len(written)} files). Next: cd {target} && wildpress build")


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
@_reports_errors
def import_(table, overrides, mapping, out_dir, separators, missing, key, sheet, force, report):
    """Rows of a CSV, XLSX or JSON TABLE -> species files; every substitution and bad row in the report."""
    from .data.importer import import_table

    result = import_table(table, out_dir, mapping=mapping, overrides=list(overrides), separators=list(separators),
                          missing=list(missing), key=key, sheet=sheet, force=force, report=report)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for error in result.errors:
        click.echo(f"{table}: {error}", err=True)
    click.echo(f"wrote {len(result.written)} species files to {out_dir}; "
               f"{len({e.row for e in result.errors})} rows not imported; "
               f"{len(result.substitutions)} substitutions; report: {result.report}")
    sys.exit(0 if result.ok else 1)


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
        click.echo(report.as_json())
    elif fmt == "github":
        click.echo(report.as_github())
    else:
        for line in report.as_text():
            click.echo(line, err=True)
        click.echo(report.summary(), err=not report.ok)
    sys.exit(0 if report.ok else 1)


from . import cli_tools  # noqa: E402 - the smaller commands, added to the group here

for _command in cli_tools.COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
