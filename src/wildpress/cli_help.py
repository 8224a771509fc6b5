"""Readable ``--help``: options grouped under headings, summaries shown in full.

:class:`SectionedCommand` prints a command's options under the headings of
:data:`SECTIONS`, looked up by option in :data:`OPTION_SECTIONS` (a flag name such
as ``--bleed``, or ``"command --flag"`` where one flag means different things in two
commands). An option that is not mapped lands under "Other options";
``tests/test_cli_help.py`` fails when any option of any command is unmapped or has no
help text, so a new flag cannot slip in unexplained. Defaults are shown for every
option that has one.

:class:`SectionedGroup` lists the commands with their whole summary line instead of
cutting it at the terminal's width minus the longest command name.
"""

from __future__ import annotations

import click

INPUT = "Input"
OUTPUT = "Output"
LAYOUT = "Layout"
LANGUAGE = "Language and units"
PRINT = "Print production"
CARDS = "Flashcards"
BATCH = "Batch (jobs, filters, shards)"
LIMITS = "Limits"
OTHER = "Other options"

#: Headings in the order they are printed.
SECTIONS = (INPUT, OUTPUT, LAYOUT, LANGUAGE, PRINT, CARDS, BATCH, LIMITS, OTHER)

#: Option (its longest flag, optionally prefixed by a command name) -> heading.
OPTION_SECTIONS: dict[str, str] = {
    # build
    "--project": INPUT,
    "--strict": INPUT,
    "--lang": LANGUAGE,
    "validate --lang": LANGUAGE,
    "--back-lang": LANGUAGE,
    "--units": LANGUAGE,
    "--fallback": LANGUAGE,
    "--out": OUTPUT,
    "--force": OUTPUT,
    "--photo-ppi": OUTPUT,
    "--format": OUTPUT,
    "--ppi": OUTPUT,
    "--colour": PRINT,
    "--layout": LAYOUT,
    "--size": LAYOUT,
    "--orientation": LAYOUT,
    "--option": LAYOUT,
    "--organisation": LAYOUT,
    "--bleed": PRINT,
    "--marks": PRINT,
    "--pdf-variant": PRINT,
    "--tagged": PRINT,
    "--tile": PRINT,
    "--overlap": PRINT,
    "--front": CARDS,
    "--sheet": CARDS,
    "--duplex": CARDS,
    "--fold": CARDS,
    "--cut-lines": CARDS,
    "--crop-marks": CARDS,
    "--no-cut-marks": CARDS,
    "--gutter": CARDS,
    "--back-offset": CARDS,
    "--imposition": CARDS,
    "--deck-name": CARDS,
    "--jobs": BATCH,
    "--keep-going": BATCH,
    "--only": BATCH,
    "--shard": BATCH,
    "--clean": BATCH,
    "--dry-run": BATCH,
    "--json": BATCH,
    "--time-limit": LIMITS,
    "--memory-limit": LIMITS,
    "--max-pages": LIMITS,
    # validate, schema
    "validate --format": OUTPUT,
    "schema --markdown": OUTPUT,
    # calibrate
    "calibrate --sheet": PRINT,
    "calibrate --duplex": PRINT,
    "calibrate --back-offset": PRINT,
    # import (and `new species --out`)
    "import --map": INPUT,
    "import --mapping": INPUT,
    "import --separator": INPUT,
    "import --missing": INPUT,
    "import --key": INPUT,
    "import --sheet": INPUT,
    "import --report": OUTPUT,
    "import --prefer": INPUT,
    "import --photos": INPUT,
    "import --allow-partial": OUTPUT,
    # serve
    "serve --port": OUTPUT,
    "serve --host": OUTPUT,
    "serve --open": OUTPUT,
    # tile
    "tile --sheet": PRINT,
    "tile --margin": PRINT,
    # everywhere
    "--help": OTHER,
    "--version": OTHER,
}


def option_key(param: click.Parameter) -> str:
    """The flag an option is known by: its longest name (``--layout`` for ``-l/--layout``)."""
    return max(param.opts, key=len)


def section_of(command_name: str | None, param: click.Parameter) -> str | None:
    """The heading of ``param`` in ``command_name``, or None when it is not mapped."""
    key = option_key(param)
    return OPTION_SECTIONS.get(f"{command_name} {key}") or OPTION_SECTIONS.get(key)


class SectionedCommand(click.Command):
    """A click command whose ``--help`` groups options under :data:`SECTIONS` and shows defaults."""

    def __init__(self, *args, **kwargs) -> None:
        settings = dict(kwargs.pop("context_settings", None) or {})
        settings.setdefault("show_default", True)
        settings.setdefault("max_content_width", 100)
        super().__init__(*args, context_settings=settings, **kwargs)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        groups: dict[str, list[tuple[str, str]]] = {name: [] for name in SECTIONS}
        for param in self.get_params(ctx):
            if not isinstance(param, click.Option):  # arguments are in the usage line (click 8.5 lists them too)
                continue
            record = param.get_help_record(ctx)
            if record is None:
                continue
            section = section_of(self.name, param)
            groups[section or OTHER].append(record)
        for name in SECTIONS:
            if groups[name]:
                with formatter.section(name):
                    formatter.write_dl(groups[name])


class SectionedGroup(click.Group):
    """A click group that prints each command's summary line in full (wrapped, never cut)."""

    def __init__(self, *args, **kwargs) -> None:
        settings = dict(kwargs.pop("context_settings", None) or {})
        settings.setdefault("max_content_width", 100)
        super().__init__(*args, context_settings=settings, **kwargs)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
