"""Options and helpers shared by wildpress's commands: errors as messages, option groups, settings."""

from __future__ import annotations

import os
import sys
from functools import wraps
from pathlib import Path

import click

from .errors import DataError, WildpressError



def apply_flags(flags: list, func):
    """Apply option decorators so they show in --help in the order listed."""
    for flag in reversed(flags):
        func = flag(func)
    return func


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
            from .syslibs import is_missing_library, missing_libraries_message

            if is_missing_library(exc):  # WeasyPrint imported in this process (e.g. `variants`)
                click.echo(f"error: {missing_libraries_message(exc)}", err=True)
                sys.exit(1)
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
                     metavar="SECONDS",
                     help="Longest one document may take to render, in seconds, before it is stopped (decks: per 25 "
                          "cards)."),
        click.option("--memory-limit", type=click.IntRange(min=256), default=d.memory_mb, show_default=True,
                     metavar="MB", help="Most memory one render process may use, in MB, before it is stopped."),
        click.option("--max-pages", type=click.IntRange(min=1), default=d.max_pages, show_default=True,
                     metavar="PAGES",
                     help="Most pages one document may have before it is stopped (decks: at least 4 per card)."),
    ]
    return apply_flags(flags, func)


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
                     help="What each card's front shows: name (photo and name), photo (photo only, for a quiz) or "
                          "question (the answer is on the back). Default: name (same as -O front=...)."),
        click.option("--sheet", default="a4", show_default=True, metavar="SIZE",
                     help="Paper the cards are imposed on: several cards arranged on one sheet, fronts on one side and"
                          " backs on the other so they line up after two-sided printing."),
        click.option("--duplex", type=click.Choice(["long", "short", "none"]), default="long", show_default=True,
                     help="How the printer turns the paper for the second side: long (flipped on the long edge, like a "
                          "book; most printers' default), short (flipped on the short edge, like a notepad) or none "
                          "(backs on their own sheets, for one-sided printers)."),
        click.option("--fold", is_flag=True,
                     help="Front and back side by side on one page, to cut out and fold in half: no two-sided "
                          "printing."),
        click.option("--cut-lines", "card_marks", flag_value="cut", default=True,
                     show_default=False,
                     help="Lines along every card edge across the sheet margins, for a cutter or a ruler (the "
                          "default)."),
        click.option("--crop-marks", "card_marks", flag_value="crop",
                     help="Only short marks at the card corners instead of cut lines."),
        click.option("--no-cut-marks", "card_marks", flag_value="none", help="No cut lines or marks at all."),
        click.option("--gutter", type=float, default=4.0, show_default=True, metavar="MM",
                     help="Space between neighbouring cards on the sheet, in mm."),
        click.option("--back-offset", default="0,0", show_default=True, metavar="X,Y",
                     help="Move every back page X mm right and Y mm down (negative: left, up) so backs line up with "
                          "fronts on your printer; print `wildpress calibrate` once and read the numbers off it."),
        click.option("--imposition", type=click.Choice(["sheet", "none"]), default="sheet", show_default=True,
                     help="sheet: several cards per sheet, for printing at home or school; none: one card side per "
                          "page at card size plus bleed, as online print services want."),
        click.option("--deck-name", default="deck", show_default=True,
                     help="File name of a deck (every species in one PDF): DECK-flashcards-SIZE.pdf."),
    ]
    return apply_flags(flags, func)


def _print_options(func):
    """Print-production flags (see production.py and tiling.py)."""
    flags = [
        click.option("--bleed", default="0mm", show_default=True, metavar="LENGTH",
                     help="Bleed: background printed this far past each edge (e.g. 3mm or 0.125in) so the print shop's"
                          " cut leaves no white rim. The PDF's TrimBox (the finished, cut size) stays the size asked "
                          "for."),
        click.option("--marks", "print_marks", multiple=True, type=click.Choice(["crop", "cross"]),
                     help="Printer's marks outside the bleed: crop (where to cut), cross (targets for lining up the "
                          "colours); repeat for both: --marks crop --marks cross."),
        click.option("--pdf-variant", default=None, metavar="VARIANT",
                     help="Write a standard PDF: pdf/x-4 or pdf/x-3 (PDF/X, the standard print shops ask for: fonts "
                          "embedded, colours and page boxes declared), pdf/a-2b (for archives), pdf/ua-1 (accessible) "
                          "... `wildpress variants` lists them. Default: a plain PDF."),
        click.option("--tagged", is_flag=True,
                     help="Accessible PDF (PDF/UA) for screen readers: tagged structure, language, title and photo "
                          "descriptions (alt text)."),
        click.option("--tile", default=None, metavar="SHEET",
                     help="Also write each document split across SHEET-size pages (e.g. A4), to print a poster on a "
                          "small printer and glue it together."),
        click.option("--overlap", default="10mm", show_default=True, metavar="LENGTH",
                     help="With --tile: how far neighbouring sheets overlap, for gluing."),
    ]
    return apply_flags(flags, func)


def _print_settings(bleed, print_marks, pdf_variant, tagged, tile, overlap, **_) -> dict:
    from .printing.sizes import MM, parse_length

    return {"bleed_mm": parse_length(bleed, "--bleed") / MM, "marks": tuple(print_marks),
            "pdf_variant": pdf_variant, "tagged": tagged, "tile": tile,
            "tile_overlap_mm": parse_length(overlap, "--overlap") / MM}


def _card_settings(card_marks, sheet, duplex, fold, gutter, back_offset, imposition, **_):
    from .printing.imposition import ImpositionSettings, parse_offset

    return ImpositionSettings(sheet=sheet, duplex=duplex, fold=fold, marks=card_marks or "cut",
                              back_offset=parse_offset(back_offset), mode=imposition, gutter_mm=gutter)


PROJECT_OPTION = click.option(
    "--project", "project_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="The project file (wildpress.yaml) to build. Default: ./wildpress.yaml when the current "
         "folder has one (see `wildpress new`).")


def _batch_options(func):
    """How a build runs: workers, incremental rebuilds, filters, shards, reports."""
    flags = [
        click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
                     help="How many documents render at the same time (default: one per processor core; 1 uses the "
                          "least memory)."),
        click.option("-k", "--keep-going", is_flag=True,
                     help="Build every species whose file is valid even when others have errors; list every failure "
                          "at the end. (A document that fails to render never stops the others.)"),
        click.option("--only", multiple=True, metavar="SPECIES",
                     help="Build only this species' outputs, by id (its file name without .yaml, e.g. amur-leopard); "
                          "repeatable. Decks holding it are rebuilt too."),
        click.option("--shard", metavar="K/N", default=None,
                     help="Build only share K of N, e.g. 2/4: run 1/4, 2/4, 3/4 and 4/4 on four machines and each "
                          "builds a different quarter, without talking to the others."),
        click.option("--clean", is_flag=True,
                     help="Remove outputs of earlier builds whose species or layout is gone (only files "
                          "the manifest says wildpress made)."),
        click.option("--json", "json_report", type=click.Path(path_type=Path), default=None, metavar="FILE",
                     help="Also write a report of the build (built, up to date, failed, stale) as JSON to FILE, for "
                          "scripts (- prints it)."),
        PROJECT_OPTION,
    ]
    return apply_flags(flags, func)


_PRINT_FLAGS = {"bleed": "bleed", "print_marks": "marks", "pdf_variant": "variant", "tagged": "tagged",
                "tile": "tile", "overlap": "tile_overlap", "sheet": "sheet", "duplex": "duplex", "fold": "fold",
                "card_marks": "cut_marks", "gutter": "gutter", "back_offset": "back_offset",
                "imposition": "imposition"}


def _given(ctx: click.Context, name: str) -> bool:
    """True when the option was given on the command line (or by an environment variable)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT")
