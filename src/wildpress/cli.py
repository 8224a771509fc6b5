"""Command-line interface: thin click commands over the core API.

Exit codes: 0 ok, 1 data/validation/render failure, 2 usage error.
"""

from __future__ import annotations

import json
import os
import sys
from functools import wraps
from pathlib import Path

import click

from . import __version__
from .errors import DataError, WildpressError


def _reports_errors(func):
    """Print WildpressErrors as clean messages with their exit code; never a traceback.

    An OSError is reported with the file it concerns; anything else is a bug, reported in
    one line (``WILDPRESS_DEBUG=1`` shows the traceback).
    """

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DataError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            errors = sum(p.severity == "error" for p in exc.problems)
            click.echo(f"{errors} error(s), {len(exc.problems) - errors} warning(s)", err=True)
            sys.exit(exc.exit_code)
        except WildpressError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            # The workers are stopped and half-written files removed (project/pool.py,
            # safety/outputs.py); every PDF already written is complete and in the manifest.
            click.echo("interrupted: stopped; the PDFs written so far are complete", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except OSError as exc:
            if os.environ.get("WILDPRESS_DEBUG"):
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{(exc.strerror or str(exc)).lower()}", err=True)
            sys.exit(1)
        except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
            if os.environ.get("WILDPRESS_DEBUG"):
                raise
            click.echo(f"error: unexpected {type(exc).__name__}: {exc} (a bug in wildpress: please report it; "
                       "WILDPRESS_DEBUG=1 shows where)", err=True)
            sys.exit(1)

    return wrapper


def _limit_options(func):
    """Per-document limits (see safety/limits.py)."""
    from .safety.limits import Limits

    d = Limits()
    flags = [
        click.option("--time-limit", type=click.FloatRange(min=0.1), default=d.time_s, show_default=True,
                     metavar="SECONDS", help="Longest one document may take to render (decks: per 25 cards)."),
        click.option("--memory-limit", type=click.IntRange(min=256), default=d.memory_mb, show_default=True,
                     metavar="MB", help="Memory the render process may use."),
        click.option("--max-pages", type=click.IntRange(min=1), default=d.max_pages, show_default=True,
                     help="Most pages one document may lay out (decks: at least 4 per card)."),
    ]
    for flag in reversed(flags):
        func = flag(func)
    return func


def _parse_options(pairs: tuple[str, ...]) -> dict:
    options = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--option")
        name, value = pair.split("=", 1)
        options[name.strip()] = value.strip()
    return options


def _card_options(func):
    """Flashcard imposition flags; they only affect 'cards' layouts (see imposition.py)."""
    flags = [
        click.option("--front", type=click.Choice(["name", "photo", "question"]), default=None,
                     help="Flashcard fronts: name, photo (quiz) or question (same as -O front=...)."),
        click.option("--sheet", default="a4", show_default=True, help="Sheet the cards are imposed on."),
        click.option("--duplex", type=click.Choice(["long", "short", "none"]), default="long", show_default=True,
                     help="How the printer turns the sheet; backs are placed to land behind fronts."),
        click.option("--fold", is_flag=True, help="Front and back side by side, for fold-over cards."),
        click.option("--cut-lines", "card_marks", flag_value="cut", default=True,
                     help="Full-length cut lines in the sheet margins (default)."),
        click.option("--crop-marks", "card_marks", flag_value="crop", help="Short crop marks only."),
        click.option("--no-cut-marks", "card_marks", flag_value="none", help="No cut lines or marks."),
        click.option("--gutter", type=float, default=4.0, show_default=True, help="Space between cards (mm)."),
        click.option("--back-offset", default="0,0", show_default=True, metavar="X,Y",
                     help="Shift every back page by X,Y mm (read off `wildpress calibrate`)."),
        click.option("--imposition", type=click.Choice(["sheet", "none"]), default="sheet", show_default=True,
                     help="none: one card side per page at card size + bleed, for online printers."),
        click.option("--deck-name", default="deck", show_default=True, help="File-name stem of card decks."),
    ]
    for flag in reversed(flags):
        func = flag(func)
    return func


def _print_options(func):
    """Print-production flags (see production.py and tiling.py)."""
    flags = [
        click.option("--bleed", default="0mm", show_default=True, metavar="LENGTH",
                     help="Bleed on each side, e.g. 3mm or 0.125in; the TrimBox stays the finished size."),
        click.option("--marks", "print_marks", multiple=True, type=click.Choice(["crop", "cross"]),
                     help="Printer's marks outside the bleed (repeatable: --marks crop --marks cross)."),
        click.option("--pdf-variant", default=None, metavar="VARIANT",
                     help="pdf/x-4, pdf/x-3, pdf/a-2b, pdf/a-3u, pdf/ua-1 ... (`wildpress variants` lists them)."),
        click.option("--tagged", is_flag=True, help="Tagged, accessible PDF (PDF/UA) with language, title, alt text."),
        click.option("--tile", default=None, metavar="SHEET",
                     help="Also write each document tiled on SHEET-size paper (e.g. A4) for small printers."),
        click.option("--overlap", default="10mm", show_default=True, metavar="LENGTH",
                     help="Overlap between tiles (with --tile)."),
    ]
    for flag in reversed(flags):
        func = flag(func)
    return func


def _print_settings(bleed, print_marks, pdf_variant, tagged, tile, overlap, **_) -> dict:
    from .printing.sizes import MM, parse_length

    return {"bleed_mm": parse_length(bleed, "--bleed") / MM, "marks": tuple(print_marks),
            "pdf_variant": pdf_variant, "tagged": tagged, "tile": tile,
            "tile_overlap_mm": parse_length(overlap, "--overlap") / MM}


def _card_settings(card_marks, sheet, duplex, fold, gutter, back_offset, imposition, **_):
    from .printing.imposition import ImpositionSettings, parse_offset

    return ImpositionSettings(sheet=sheet, duplex=duplex, fold=fold, marks=card_marks or "cut",
                              back_offset=parse_offset(back_offset), mode=imposition, gutter_mm=gutter)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wildpress")
def main() -> None:
    """Merge species data (YAML) with print layouts into print-ready PDFs."""


def _batch_options(func):
    """How a build runs: workers, incremental rebuilds, filters, shards, reports."""
    flags = [
        click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
                     help="Documents rendered side by side (default: one per core)."),
        click.option("-k", "--keep-going", is_flag=True,
                     help="Build every valid species even when other files are invalid; list every failure "
                          "at the end. (A document that fails to render never stops the others.)"),
        click.option("--only", multiple=True, metavar="SPECIES",
                     help="Build only the outputs of this species id (repeatable); decks holding it are rebuilt."),
        click.option("--shard", metavar="K/N", default=None,
                     help="Build only share K of N (e.g. 2/4): N machines each take a share, no coordination."),
        click.option("--clean", is_flag=True,
                     help="Remove outputs of earlier builds whose species or layout is gone (only files "
                          "the manifest says wildpress made)."),
        click.option("--json", "json_report", type=click.Path(path_type=Path), default=None, metavar="FILE",
                     help="Also write a machine-readable report of the build to FILE (- for standard output)."),
        click.option("--project", "project_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
                     help="Project file to build (default: ./wildpress.yaml when there is one)."),
    ]
    for flag in reversed(flags):
        func = flag(func)
    return func


_PRINT_FLAGS = {"bleed": "bleed", "print_marks": "marks", "pdf_variant": "variant", "tagged": "tagged",
                "tile": "tile", "overlap": "tile_overlap", "sheet": "sheet", "duplex": "duplex", "fold": "fold",
                "card_marks": "cut_marks", "gutter": "gutter", "back_offset": "back_offset",
                "imposition": "imposition"}


def _given(ctx: click.Context, name: str) -> bool:
    """True when the option was given on the command line (or by an environment variable)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT")


@main.command()
@click.argument("species", nargs=-1, type=click.Path(path_type=Path))
@click.option("-l", "--layout", "layouts", multiple=True,
              help="Layout name (repeatable). Default: factsheet; in a project: build only these layouts.")
@click.option("-s", "--size", "sizes", multiple=True,
              help="Paper size name or WxH with unit, e.g. A4, letter, 18x24in (repeatable); in a project: "
                   "build only these sizes.")
@click.option("--orientation", type=click.Choice(["portrait", "landscape"]), default=None,
              help="Turn every size to this orientation (default: each size as registered, mostly portrait).")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"),
              show_default=True, help="Output folder.")
@click.option("-O", "--option", "option_pairs", multiple=True, metavar="NAME=VALUE",
              help="Layout option (repeatable); `wildpress layouts` lists them.")
@click.option("--lang", default="en", show_default=True, help="Language of the output.")
@click.option("--organisation", default="", help="Your organisation: printed in kickers and footers and "
              "recorded as the PDF's author. Nothing is printed without it (a project's brand sets it too).")
@click.option("--strict", is_flag=True, help="Treat data warnings (unknown fields) as errors.")
@click.option("--force", is_flag=True, help="Rebuild everything, and overwrite existing files not made by wildpress.")
@click.option("--photo-ppi", type=click.FloatRange(min=0), default=300, show_default=True,
              help="Resolution photos are downsampled to at their printed size (0: embed the originals).")
@_batch_options
@_card_options
@_print_options
@_limit_options
@_reports_errors
@click.pass_context
def build(ctx, species, layouts, sizes, orientation, out_dir, option_pairs, lang, organisation, strict, force,
          photo_ppi, time_limit, memory_limit, max_pages, jobs, keep_going, only, shard, clean, json_report,
          project_file, **card_flags):
    """Render SPECIES files or folders to PDFs; in a project folder, build the project.

    Without SPECIES, `wildpress build` builds ./wildpress.yaml when there is one (see `wildpress new`),
    else ./data/species, else the bundled samples. Outputs whose inputs have not changed are kept.
    """
    from .build import Settings, build as run_build
    from .project import progress as _progress
    from .safety.limits import Limits

    options = _parse_options(option_pairs)
    if card_flags["front"]:
        options["front"] = card_flags["front"]
    base = Settings(lang=lang, organisation=organisation, force=force, deck_name=card_flags["deck_name"],
                    cards=_card_settings(**card_flags), limits=Limits(time_limit, memory_limit, max_pages),
                    photo_ppi=photo_ppi, **_print_settings(**card_flags))
    kwargs: dict = {"options": options, "orientation": orientation, "settings": base}
    project = _project(project_file, species)
    if project is not None:
        kwargs = _project_build(ctx, project, base, options, orientation, card_flags)
        species, out_dir = project.species_paths(), (out_dir if _given(ctx, "out_dir") else project.out_dir)
        filters = {"layout_filter": layouts, "size_filter": sizes}
        layouts = sizes = None
    else:
        filters = {}
    report = _progress.for_stream(sys.stderr)
    try:
        result = run_build(species, layouts, sizes, out_dir, strict=strict, jobs=jobs, keep_going=keep_going,
                           only=only, shard=shard, clean=clean, progress=report, on_output=report.output,
                           raise_errors=False, project_dir=project.root if project else None, **filters, **kwargs)
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
    if _given(ctx, "lang"):
        settings = dataclasses.replace(settings, lang=base.lang)
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


@main.command()
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty (never overwriting a file).")
@_reports_errors
def new(target, force):
    """Start a project in TARGET: wildpress.yaml with a brand, two example species, a layout of your own.

    Then: cd TARGET && wildpress build
    """
    from .project.scaffold import scaffold

    written = scaffold(target, force=force)
    click.echo(f"created {target} ({len(written)} files). Next: cd {target} && wildpress build")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings (unknown fields) as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="text for people; json for tools; github for workflow annotations on pull requests.")
@_reports_errors
def validate(paths, strict, fmt):
    """Check species files or folders; print every problem; exit 1 if any.

    Files are read by the same rule as `build`: inside the current folder or a folder named here.
    """
    from .data.validation import validate_paths

    report = validate_paths(list(paths), Path.cwd(), strict=strict)
    if not report.files:
        raise click.UsageError("no species files found")
    if fmt == "json":
        click.echo(report.as_json())
    elif fmt == "github":
        click.echo(report.as_github())
    else:
        for problem in report.problems:
            click.echo(str(problem), err=True)
        click.echo(report.summary(), err=not report.ok)
    sys.exit(0 if report.ok else 1)


@main.command()
@click.option("--sheet", default="a4", show_default=True, help="Sheet size to calibrate.")
@click.option("--duplex", type=click.Choice(["long", "short"]), default="long", show_default=True,
              help="The flip you print cards with.")
@click.option("--back-offset", default="0,0", show_default=True, metavar="X,Y",
              help="Offset already in use (mm), to check a correction.")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True)
@click.option("--force", is_flag=True, help="Overwrite an existing file not made by wildpress.")
@_reports_errors
def calibrate(sheet, duplex, back_offset, out_dir, force):
    """Write a two-sided test sheet for reading the printer's back-side shift."""
    from .build import write_atomically
    from .printing.calibrate import calibration_pdf
    from .printing.imposition import ImpositionSettings, parse_offset
    from .layout.layouts import load_layout
    from .safety.limits import Limits
    from .safety.worker import shared_worker
    from .printing.sizes import get_size

    settings = ImpositionSettings(sheet=sheet, duplex=duplex, back_offset=parse_offset(back_offset))
    layout = load_layout("flashcards", Path.cwd())  # a project may replace it: render it in the worker
    data = shared_worker().call(calibration_pdf, layout, sheet, settings, time_s=Limits().time_s,
                                memory_mb=Limits().memory_mb)
    path = out_dir / f"calibrate-{get_size(sheet).name}-{duplex}.pdf"
    write_atomically(path, data, force)
    click.echo(f"wrote {path}: print it two-sided ({duplex} edge) and follow the steps on it")


@main.command()
@click.option("--markdown", is_flag=True, help="Print the field reference as Markdown instead.")
def schema(markdown):
    """Print the JSON Schema of a species file (for editor autocompletion)."""
    from .data.schema import SPECIES_SCHEMA
    from .data.schemadoc import schema_markdown

    click.echo(schema_markdown() if markdown else json.dumps(SPECIES_SCHEMA, indent=2, ensure_ascii=False))


@main.command()
@click.argument("poster", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--sheet", default="a4", show_default=True, help="Sheet size the printer takes.")
@click.option("--overlap", default="10mm", show_default=True, metavar="LENGTH", help="Overlap strip between sheets.")
@click.option("--margin", default="10mm", show_default=True, metavar="LENGTH",
              help="Unprinted sheet margin, holding the labels and cut/glue marks.")
@click.option("-o", "--out", "out_path", type=click.Path(path_type=Path), default=None,
              help="Output file (default: POSTER-tiled-SHEET.pdf beside it).")
@click.option("--force", is_flag=True, help="Overwrite an existing file not made by wildpress.")
@_reports_errors
def tile(poster, sheet, overlap, margin, out_path, force):
    """Split POSTER (a PDF) across small sheets, with an assembly map first."""
    from .build import write_atomically
    from .errors import UsageError
    from .printing.sizes import MM, parse_length
    from .printing.sizes import get_size
    from .printing.tiling import tile_pdf

    from .safety.confine import Refused, read_regular

    size = get_size(sheet)
    try:
        source = read_regular(poster, 512 * 1024 * 1024)  # never a FIFO or a device
    except Refused as exc:
        raise UsageError(str(exc)) from None
    try:
        data, count = tile_pdf(source, size, parse_length(overlap, "--overlap") / MM,
                               parse_length(margin, "--margin") / MM)
    except UsageError:
        raise
    except Exception as exc:  # pikepdf: not a PDF, encrypted, damaged
        raise UsageError(f"{poster}: cannot read it as a PDF ({exc})") from None
    path = out_path or poster.with_name(f"{poster.stem}-tiled-{size.name}.pdf")
    write_atomically(path, data, force)
    click.echo(f"wrote {path}: assembly map + {count} sheet(s) of {size.label}")


@main.command()
def variants():
    """List the PDF variants --pdf-variant accepts."""
    from .printing.production import pdf_variants

    for name in pdf_variants():
        if name != "pdf/x-1a":
            click.echo(name)


@main.command()
def sizes():
    """List the registered paper sizes."""
    from .printing.sizes import list_sizes

    for size in list_sizes():
        click.echo(f"{size.name:<11} {size.label:<22} {size.describe()}")
    click.echo("Custom sizes: WxH with a unit, e.g. 594x841mm, 50x70cm, 18x24in.")


@main.command()
@_reports_errors
def layouts():
    """List available layouts, their sizes and options."""
    from .errors import UsageError
    from .layout.layouts import available, load_layout

    for name in available(Path.cwd()):
        try:
            layout = load_layout(name, Path.cwd())
        except UsageError:  # abstract base layouts cannot be built, so are not listed
            continue
        click.echo(f"{name}: {layout.manifest['description']}")
        supported = layout.manifest.get("sizes", "any")
        click.echo(f"  sizes: {supported if supported == 'any' else ', '.join(supported)}")
        for opt in layout.options.values():
            click.echo(f"  -O {opt.name}=…  {opt.help} (default: {opt.default})")


if __name__ == "__main__":  # pragma: no cover
    main()
