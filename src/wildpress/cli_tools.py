"""The smaller commands: calibrate, schema, tile, variants, sizes, layouts (registered in cli.py)."""

from __future__ import annotations

import re

import json
from pathlib import Path

import click

from .cli_help import SectionedCommand

from .cli_options import _reports_errors
from .terminal import say


@click.command(cls=SectionedCommand)
@click.option("--sheet", default="a4", show_default=True, metavar="SIZE",
              help="Paper of the test sheet: the one you print cards on.")
@click.option("--duplex", type=click.Choice(["long", "short"]), default="long", show_default=True,
              help="How you print cards two-sided: long or short edge (see `build --duplex`).")
@click.option("--back-offset", default="0,0", show_default=True, metavar="X,Y",
              help="A correction you already use (X,Y in mm, see `build --back-offset`), to check it.")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Folder the test sheet is written to.")
@click.option("--force", is_flag=True, help="Overwrite an existing file not made by wildpress.")
@_reports_errors
def calibrate(sheet, duplex, back_offset, out_dir, force):
    """Write a two-sided test sheet for reading the printer's back-side shift."""
    from .printing.calibrate import calibration_pdf
    from .safety.outputs import OutputFolder
    from .printing.imposition import ImpositionSettings, parse_offset
    from .layout.layouts import load_layout
    from .safety.limits import Limits
    from .layout.tasks import shared_worker  # the worker whose calls get the renderer
    from .printing.sizes import get_size

    settings = ImpositionSettings(sheet=sheet, duplex=duplex, back_offset=parse_offset(back_offset))
    layout = load_layout("flashcards", Path.cwd())  # a project may replace it: render it in the worker
    data = shared_worker().call(calibration_pdf, layout, sheet, settings, time_s=Limits().time_s,
                                memory_mb=Limits().memory_mb)
    path = OutputFolder(out_dir, Path.cwd(), explicit=_given_out()).write(
        f"calibrate-{get_size(sheet).name}-{duplex}.pdf", data, force)
    say(f"wrote {path}: print it two-sided ({duplex} edge) and follow the steps on it", err=False)


def _given_out() -> bool:
    """True when -o/--out was given on the command line (then it may lie outside the current folder)."""
    ctx = click.get_current_context()
    source = ctx.get_parameter_source("out_dir")
    return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT")


@click.command(cls=SectionedCommand)
@click.option("--markdown", is_flag=True,
              help="Print the field reference as Markdown (docs/species-schema.md) instead of the JSON Schema.")
def schema(markdown):
    """Print the JSON Schema of a species file (for editor autocompletion)."""
    from .data.schema import SPECIES_SCHEMA
    from .data.schemadoc import schema_markdown

    click.echo(schema_markdown() if markdown else json.dumps(SPECIES_SCHEMA, indent=2, ensure_ascii=False))


@click.command(cls=SectionedCommand)
@click.argument("poster", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--sheet", default="a4", show_default=True, metavar="SIZE",
              help="Paper your printer takes, e.g. A4 or letter.")
@click.option("--overlap", default="10mm", show_default=True, metavar="LENGTH",
              help="How far neighbouring sheets overlap, for gluing.")
@click.option("--margin", default="10mm", show_default=True, metavar="LENGTH",
              help="Unprinted border of each sheet (printers cannot print to the edge); it holds the labels and "
                   "cut and glue marks.")
@click.option("-o", "--out", "out_path", type=click.Path(path_type=Path), default=None,
              help="File to write. Default: POSTER-tiled-SHEET.pdf beside the poster.")
@click.option("--force", is_flag=True, help="Overwrite an existing file not made by wildpress.")
@_reports_errors
def tile(poster, sheet, overlap, margin, out_path, force):
    """Split POSTER (a PDF) across small sheets, with an assembly map first."""
    from .errors import UsageError, WildpressError
    from .safety.outputs import OutputFolder
    from .printing.sizes import MM, parse_length
    from .printing.sizes import get_size
    from .layout.tiling import tile_pdf

    from .safety.confine import Refused, read_regular

    size = get_size(sheet)
    try:
        source = read_regular(poster, 512 * 1024 * 1024)  # never a FIFO or a device
    except Refused as exc:
        raise UsageError(str(exc)) from None
    try:
        data, count = tile_pdf(source, size, parse_length(overlap, "--overlap") / MM,
                               parse_length(margin, "--margin") / MM, source=str(poster))
    except UsageError:
        raise
    except OSError as exc:
        from .syslibs import is_missing_library

        if is_missing_library(exc):  # WeasyPrint draws the assembly map: reported as missing Pango
            raise
        raise UsageError(f"{poster}: cannot read it as a PDF ({exc})") from None
    except Exception as exc:  # pikepdf: not a PDF, encrypted, damaged
        reason = re.sub(r"^(?:stream )?<[^>]*>:\s*", "", str(exc)).strip() or type(exc).__name__
        raise WildpressError(f"{poster}: cannot read it as a PDF ({reason}); tile a PDF that wildpress or another "
                        "program wrote whole") from None
    path = Path(out_path or poster.with_name(f"{poster.stem}-tiled-{size.name}.pdf"))
    path = OutputFolder(path.parent, explicit=True).write(path.name, data, force)
    say(f"wrote {path}: assembly map + {count} sheet(s) of {size.label}", err=False)


@click.command(cls=SectionedCommand)
@_reports_errors
def variants():
    """List the PDF variants --pdf-variant accepts."""
    from .printing.production import pdf_variants

    for name in pdf_variants():
        if name != "pdf/x-1a":
            click.echo(name)


@click.command(cls=SectionedCommand)
def sizes():
    """List the registered paper sizes."""
    from .printing.sizes import list_sizes

    for size in list_sizes():
        click.echo(f"{size.name:<15} {size.label:<29} {size.describe()}")
    click.echo("Custom sizes: WxH with a unit, e.g. 594x841mm, 50x70cm, 18x24in.")


@click.command(cls=SectionedCommand)
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
        # A project's own layouts are input: their names, descriptions and options are escaped.
        say(f"{name}: {layout.manifest['description']}", err=False)
        supported = layout.manifest.get("sizes", "any")
        say(f"  sizes: {supported if supported == 'any' else ', '.join(supported)}", err=False)
        for opt in layout.options.values():
            say(f"  -O {opt.name}=…  {opt.help} (default: {opt.default})", err=False)


COMMANDS = [calibrate, schema, tile, variants, sizes, layouts]
