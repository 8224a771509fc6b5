"""Options and helpers shared by wildpress's commands: errors as messages, option groups, settings."""

from __future__ import annotations

import os
import sys
from functools import wraps
from pathlib import Path

import click

from .errors import DataError, WildpressError
from .oscompat import StopSignal
from .terminal import say, say_message



def apply_flags(flags: list, func):
    """Apply option decorators so they show in --help in the order listed."""
    for flag in reversed(flags):
        func = flag(func)
    return func


def _reports_errors(func):
    """Print WildpressErrors as clean messages with their exit code; never a traceback.

    Every line is escaped for the terminal (:func:`wildpress.terminal.say`): a file name or
    value in a message cannot move the cursor, retitle the window or forge a line of its own.
    SIGTERM and SIGHUP (:class:`~wildpress.oscompat.StopSignal`) stop a command like Ctrl-C
    and exit with 128 + the signal's number.

    An OSError is reported with the file it concerns; anything else is a bug, reported in
    one line (``WILDPRESS_DEBUG=1`` shows the traceback).
    """

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DataError as exc:
            for problem in exc.problems:
                say(problem)
            errors = sum(p.severity == "error" for p in exc.problems)
            click.echo(f"{errors} error(s), {len(exc.problems) - errors} warning(s)", err=True)
            sys.exit(exc.exit_code)
        except WildpressError as exc:
            say_message(f"error: {exc}")
            sys.exit(exc.exit_code)
        except StopSignal as exc:  # SIGTERM, SIGHUP: stopped like Ctrl-C (see below), its own exit code
            say(f"stopped by {exc.name}; the PDFs already written are whole")
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
                say(f"error: {missing_libraries_message(exc)}")
                sys.exit(1)
            where = f"{exc.filename}: " if exc.filename else ""
            say(f"error: {where}{(exc.strerror or str(exc)).lower()}")
            sys.exit(1)
        except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
            if os.environ.get("WILDPRESS_DEBUG"):
                raise
            say(f"error: unexpected {type(exc).__name__}: {exc} (a bug in wildpress: please report it; "
                "WILDPRESS_DEBUG=1 shows where)")
            sys.exit(1)

    return wrapper


def setting_options(*names: str):
    """The click options of these settings, from the one table (:mod:`wildpress.settings`)."""
    from .settings import click_options

    return lambda func: apply_flags(click_options(*names), func)


def _parse_options(pairs: tuple[str, ...]) -> dict:
    options = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--option")
        name, value = pair.split("=", 1)
        options[name.strip()] = value.strip()
    return options


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
                     help="Remove outputs of earlier builds whose species file or layout is gone (only files "
                          "this project's manifest says wildpress made)."),
        click.option("--dry-run", is_flag=True, help="With --clean: list what it would remove; remove and build "
                                                     "nothing."),
        click.option("--json", "json_report", type=click.Path(path_type=Path), default=None, metavar="FILE",
                     help="Also write a report of the build (built, up to date, failed, stale) as JSON to FILE, for "
                          "scripts (- prints it)."),
        PROJECT_OPTION,
    ]
    return apply_flags(flags, func)


def _given(ctx: click.Context, name: str) -> bool:
    """True when the option was given on the command line (or by an environment variable)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT")
