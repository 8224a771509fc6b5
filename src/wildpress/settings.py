"""Every build setting, declared once: its flag, its project-file key, its parser and check, where it
lands in :class:`~wildpress.jobs.Settings`, and whether outputs depend on it.

The command line's options (:func:`click_options`), the project file's schema and checks
(:func:`project_properties`, :func:`parse`), the override logic (:func:`resolve`) and the
manifest's fingerprint (:func:`fingerprint`) all come from :data:`TABLE`. A setting's scope says
where a project file may give it: ``build`` (a top-level key, for every output), ``output`` (a
key of one ``outputs:`` entry; the command line sets it for every output) or ``run`` (how the
build runs: the command line and the Python API only).
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import UsageError

UNITS = ("source", "metric", "imperial", "both")


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise UsageError(f"{name}: expected text, got {value!r}")
    return value


def _length_mm(low: float, high: float, what: str) -> Callable[[Any, str], float]:
    def parse(value: Any, name: str) -> float:
        from .printing.sizes import MM, parse_length

        if isinstance(value, bool):
            raise UsageError(f"{name}: expected a length such as 3mm, got {value!r}")
        mm = parse_length(value, name) / MM
        if not low <= mm <= high:
            raise UsageError(f"{what} {mm:g} mm: must be between {low:g} and {high:g} mm")
        return mm
    return parse


def _number(low: float, high: float, rule: str, unit: str = "") -> Callable[[Any, str], float]:
    def parse(value: Any, name: str) -> float:
        try:
            number = float(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None or number != number:
            raise UsageError(f"{name}: expected a number, got {value!r}")
        if not low <= number <= high:
            raise UsageError(f"{name} {number:g}{' ' + unit if unit else ''}: {rule}")
        return number
    return parse


def _choice(*allowed: str) -> Callable[[Any, str], str]:
    def parse(value: Any, name: str) -> str:
        if value not in allowed:
            hint = difflib.get_close_matches(str(value), allowed, n=1)
            mean = f" (did you mean {hint[0]}?)" if hint else ""
            raise UsageError(f"{name} {value!r}{mean}: expected one of {', '.join(allowed)}")
        return value
    parse.choices = allowed
    return parse


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise UsageError(f"{name}: expected true or false, got {value!r}")
    return value


def _language(value: Any, name: str) -> str:
    from .i18n.words import check_language

    check_language(_text(value, name))
    return value


def _optional_language(value: Any, name: str) -> str | None:
    return None if value in (None, "") else _language(value, name)


def _deck_name(value: Any, name: str) -> str:
    from .data.schema import ID_PATTERN, MAX_ID

    text = _text(value, name)
    if len(text) > MAX_ID or not re.match(ID_PATTERN, text):
        raise UsageError(f"{name} {text!r} must be lower-case letters and digits joined by single hyphens, at most "
                         f"{MAX_ID} characters (it becomes a file name)")
    return text


def _marks(value: Any, name: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value or ())
    for item in items:
        _choice("crop", "cross")(item, name)
    return tuple(dict.fromkeys(items))


def _variant(value: Any, name: str) -> str | None:
    from .printing.production import pdf_variants

    if value in (None, ""):
        return None
    text = _text(value, name).lower()
    if text == "pdf/x-1a":
        raise UsageError("pdf/x-1a allows CMYK colour only and wildpress layouts are sRGB; use pdf/x-4 (or pdf/x-3), "
                         "which print shops accept with an RGB output intent")
    variants = pdf_variants()
    if text not in variants:
        hint = difflib.get_close_matches(text, variants, n=1, cutoff=0.5)
        mean = f" (did you mean {hint[0]}?)" if hint else ""
        raise UsageError(f"unknown PDF variant {value!r}{mean}; `wildpress variants` lists them")
    return text


def _size_name(value: Any, name: str) -> str | None:
    from .printing.sizes import get_size

    if value in (None, ""):
        return None
    get_size(_text(value, name))
    return value


def _offset(value: Any, name: str) -> tuple[float, float]:
    from .printing.imposition import parse_offset

    x, y = parse_offset(_text(value, name)) if not isinstance(value, tuple) else value
    if max(abs(x), abs(y)) > 20:
        raise UsageError(f"{name} {x:g},{y:g} mm: each of X and Y must be within ±20 mm; re-check the calibration "
                         "reading")
    return (x, y)


def _organisation(value: Any, name: str) -> str:
    return _text(value, name).strip()[:200]


@dataclass(frozen=True)
class Setting:
    """One setting: where it is given, how it is read and checked, where it goes."""

    name: str
    scope: str  # build | output | run
    default: Any
    help: str
    parse: Callable[[Any, str], Any] | None = None  # raw value, its name for messages -> checked value
    flag: str | None = None  # the command line's option, e.g. "--bleed"
    key: str | None = None  # the project file's key (None: the command line only)
    target: str | None = None  # where it lands in Settings: "bleed_mm", "cards.gutter_mm" (None: not in Settings)
    fingerprint: bool = False  # outputs depend on it: part of each output's manifest key
    schema: dict = field(default_factory=dict)  # JSON schema of the project key's value
    click: dict = field(default_factory=dict)  # more click.option arguments (type, is_flag, metavar ...)
    variants: tuple = ()  # several flags setting one value: (flag, value, help) each

    def read(self, value: Any, name: str | None = None) -> Any:
        """The checked value of ``value`` as given (command-line text or a YAML value)."""
        return self.parse(value, name or self.key or self.flag or self.name) if self.parse else value


_LENGTH = {"type": ["string", "number"]}
TABLE: tuple[Setting, ...] = (
    # -- what every output of a build shares --------------------------------------------------
    Setting("lang", "build", "en", "Language to print, as a code (en, es, fr, de, pt, ru, zh, ar, or pt-BR...): the "
            "layouts' words, numbers, country names and the species' texts. A text the species lacks in it is an error "
            "(see --fallback).", _language, "--lang", "lang", "lang", True, {"type": "string"}),
    Setting("back_lang", "build", None, "Flashcards: print the backs in this language, the fronts in --lang (for "
            "language classes).", _optional_language, "--back-lang", "back_lang", "back_lang", True,
            {"type": "string"}, {"metavar": "LANG"}),
    Setting("units", "build", "source", "Measurements as written (source), converted to metric or imperial, or both "
            "(1–1.36 m (3.3–4.5 ft)); converted figures keep the source's precision.", _choice(*UNITS), "--units",
            "units", "units", True, {"enum": list(UNITS)}),
    Setting("fallback", "build", False, "Print texts the species lacks in --lang in its own language instead of "
            "failing; the build lists each field it used.", _flag, "--fallback", "fallback", "fallback", True,
            {"type": "boolean"}, {"is_flag": True}),
    Setting("organisation", "build", "", "Your organisation: printed in kickers and footers and recorded as the PDF's "
            "author. Nothing is printed without it (a project's brand sets it too).", _organisation, "--organisation",
            None, "organisation", True),
    Setting("photo_ppi", "build", 300.0, "Photo detail in pixels per inch at the printed size: bigger photos are "
            "scaled down to it to keep PDFs small (0: keep the originals).",
            _number(0, 2400, "is outside 0..2400 (0 embeds the original photos)"), "--photo-ppi", "photo_ppi",
            "photo_ppi", True, {"type": "number"}, {"metavar": "PPI"}),
    Setting("deck_name", "build", "deck", "File name of a deck (every species in one PDF): DECK-flashcards-SIZE.pdf.",
            _deck_name, "--deck-name", "deck_name", "deck_name", True, {"type": "string"}),
    Setting("force", "build", False, "Rebuild everything even when nothing changed, and overwrite files wildpress "
            "did not make.", _flag, "--force", None, "force", False, {}, {"is_flag": True}),
    # -- print production: per output ---------------------------------------------------------
    Setting("orientation", "output", None, "Turn every size upright (portrait) or sideways (landscape). Default: each "
            "size as registered, mostly portrait.", _choice("portrait", "landscape"), "--orientation", "orientation",
            None, False, {"enum": ["portrait", "landscape"]}),
    Setting("bleed", "output", 0.0, "Bleed: background printed this far past each edge (e.g. 3mm or 0.125in) so the "
            "print shop's cut leaves no white rim. The PDF's TrimBox (the finished, cut size) stays the size asked for.",
            _length_mm(0, 25, "bleed"), "--bleed", "bleed", "bleed_mm", True, _LENGTH, {"metavar": "LENGTH"}),
    Setting("marks", "output", (), "Printer's marks outside the bleed: crop (where to cut), cross (targets for lining "
            "up the colours); repeat for both: --marks crop --marks cross.", _marks, "--marks", "marks", "marks", True,
            {"type": "array", "items": {"enum": ["crop", "cross"]}}, {"multiple": True}),
    Setting("pdf_variant", "output", None, "Write a standard PDF: pdf/x-4 or pdf/x-3 (PDF/X, the standard print shops "
            "ask for: fonts embedded, colours and page boxes declared), pdf/a-2b (for archives), pdf/ua-1 (accessible) "
            "... `wildpress variants` lists them. Default: a plain PDF.", _variant, "--pdf-variant", "variant",
            "pdf_variant", True, {"type": "string"}, {"metavar": "VARIANT"}),
    Setting("tagged", "output", False, "Accessible PDF (PDF/UA) for screen readers: tagged structure, language, title "
            "and photo descriptions (alt text).", _flag, "--tagged", "tagged", "tagged", True, {"type": "boolean"},
            {"is_flag": True}),
    Setting("tile", "output", None, "Also write each document split across SHEET-size pages (e.g. A4), to print a "
            "poster on a small printer and glue it together.", _size_name, "--tile", "tile", "tile", True,
            {"type": "string"}, {"metavar": "SHEET"}),
    Setting("tile_overlap", "output", 10.0, "With --tile: how far neighbouring sheets overlap, for gluing.",
            _length_mm(0, 200, "tile overlap"), "--overlap", "tile_overlap", "tile_overlap_mm", True, _LENGTH,
            {"metavar": "LENGTH"}),
    Setting("output_format", "output", "pdf", "pdf, or png: also every page (a deck: every card side) as a PNG "
            "image beside the PDF, at the page's finished size, for social media, slides and web pages (see --ppi).",
            _choice("pdf", "png"), "--format", "format", "output_format", True, {"enum": ["pdf", "png"]}),
    Setting("ppi", "output", None, "With --format png: pixels per inch. Default: a screen size's own (instagram-post "
            "gives 1080 × 1080 px), else 150.", _number(10, 1200, "must be between 10 and 1200 ppi"), "--ppi", "ppi",
            "ppi", True, {"type": "number"}, {"metavar": "PPI"}),
    Setting("colour", "output", "rgb", "rgb (sRGB, the default), or cmyk: the PDF converted to CMYK with an output "
            "intent by Ghostscript, for print shops that ask for CMYK (Ghostscript must be installed; not with "
            "--tagged or --pdf-variant, whose tags and metadata the conversion drops).",
            _choice("rgb", "cmyk"), "--colour", "colour", "colour", True, {"enum": ["rgb", "cmyk"]}),
    # -- flashcards: how cards go onto sheets (per output) -------------------------------------
    Setting("front", "output", None, "What each card's front shows: name (photo and name), photo (photo only, for a "
            "quiz) or question (the answer is on the back). Default: name (same as -O front=...).",
            _choice("name", "photo", "question"), "--front", None, None, False),
    Setting("sheet", "output", "a4", "Paper the cards are imposed on: several cards arranged on one sheet, fronts on "
            "one side and backs on the other so they line up after two-sided printing.", _size_name, "--sheet", "sheet",
            "cards.sheet", True, {"type": "string"}, {"metavar": "SIZE"}),
    Setting("duplex", "output", "long", "How the printer turns the paper for the second side: long (flipped on the long "
            "edge, like a book; most printers' default), short (flipped on the short edge, like a notepad) or none "
            "(backs on their own sheets, for one-sided printers).", _choice("long", "short", "none"), "--duplex",
            "duplex", "cards.duplex", True, {"enum": ["long", "short", "none"]}),
    Setting("fold", "output", False, "Front and back side by side on one page, to cut out and fold in half: no "
            "two-sided printing.", _flag, "--fold", "fold", "cards.fold", True, {"type": "boolean"}, {"is_flag": True}),
    Setting("cut_marks", "output", "cut", "", _choice("cut", "crop", "none"), None, "cut_marks", "cards.marks", True,
            {"enum": ["cut", "crop", "none"]}, variants=(
                ("--cut-lines", "cut", "Lines along every card edge across the sheet margins, for a cutter or a ruler "
                                       "(the default)."),
                ("--crop-marks", "crop", "Only short marks at the card corners instead of cut lines."),
                ("--no-cut-marks", "none", "No cut lines or marks at all."))),
    Setting("gutter", "output", 4.0, "Space between neighbouring cards on the sheet, in mm.",
            _number(0, 30, "must be between 0 and 30 mm", "mm"), "--gutter", "gutter", "cards.gutter_mm", True,
            {"type": "number"}, {"metavar": "MM"}),
    Setting("back_offset", "output", (0.0, 0.0), "Move every back page X mm right and Y mm down (negative: left, up) "
            "so backs line up with fronts on your printer; print `wildpress calibrate` once and read the numbers off "
            "it.", _offset, "--back-offset", "back_offset", "cards.back_offset", True, {"type": "string"},
            {"metavar": "X,Y"}),
    Setting("imposition", "output", "sheet", "sheet: several cards per sheet, for printing at home or school; none: one "
            "card side per page at card size plus bleed, as online print services want.", _choice("sheet", "none"),
            "--imposition", "imposition", "cards.mode", True, {"enum": ["sheet", "none"]}),
    # -- how the build runs -----------------------------------------------------------------------
    Setting("time_limit", "run", 60.0, "Longest one document may take to render, in seconds, before it is stopped "
            "(decks: per 25 cards).", _number(0.1, 86400, "must be between 0.1 and 86400 seconds"), "--time-limit",
            None, "limits.time_s", False, {}, {"metavar": "SECONDS"}),
    Setting("memory_limit", "run", 3072, "Most memory one render process may use, in MB, before it is stopped.",
            _number(256, 1 << 20, "must be at least 256 MB"), "--memory-limit", None, "limits.memory_mb", False, {},
            {"metavar": "MB"}),
    Setting("max_pages", "run", 100, "Most pages one document may have before it is stopped (decks: at least 4 per "
            "card).", _number(1, 1 << 20, "must be at least 1"), "--max-pages", None, "limits.max_pages", False, {},
            {"metavar": "PAGES"}),
)
BY_NAME = {s.name: s for s in TABLE}
BY_KEY = {(s.scope, s.key): s for s in TABLE if s.key}


def project_properties(scope: str) -> dict:
    """The project file's JSON-schema properties of one scope's keys."""
    return {s.key: s.schema for s in TABLE if s.key and s.scope == scope}


def parse(scope: str, data: dict, add) -> dict:
    """The checked values of ``data``'s keys of ``scope`` (a project file's mapping), by setting
    name; each bad value is reported with ``add(key, message)`` and left out."""
    values = {}
    for setting in TABLE:
        if setting.scope != scope or not setting.key or setting.key not in data:
            continue
        try:
            values[setting.name] = setting.read(data[setting.key], setting.key)
        except UsageError as exc:
            add(setting.key, str(exc))
    return values


def resolve(*layers: dict) -> dict:
    """Every setting's value: its default, then each layer on top (later wins)."""
    values = {s.name: s.default for s in TABLE}
    for layer in layers:
        values.update({k: v for k, v in layer.items() if k in BY_NAME})
    return values


def settings_from(values: dict, base=None, **extra):
    """A :class:`~wildpress.jobs.Settings` holding ``values`` (by setting name) over ``base``."""
    from .jobs import Settings

    base = base or Settings()
    top, nested = dict(extra), {}
    for name, value in values.items():
        target = BY_NAME[name].target if name in BY_NAME else None
        if target is None:
            continue
        if "." in target:
            group, attr = target.split(".", 1)
            if attr == "memory_mb" or attr == "max_pages":
                value = int(value)
            nested.setdefault(group, {})[attr] = value
        else:
            top[target] = value
    for group, changes in nested.items():
        top[group] = dataclasses.replace(getattr(base, group), **changes)
    return dataclasses.replace(base, **top)


def fingerprint(settings) -> dict:
    """What an output depends on of its settings (the manifest key's share)."""
    prints = {}
    for setting in TABLE:
        if setting.fingerprint and setting.target:
            value = settings
            for attr in setting.target.split("."):
                value = getattr(value, attr)
            prints[setting.name] = list(value) if isinstance(value, tuple) else value
    prints["organisation"] = settings.org_name
    brand = settings.brand
    prints["brand"] = {"name": brand.name, "website": brand.website, "contact": brand.contact,
                       "footer": brand.footer, "accent": brand.accent, "secondary": brand.secondary,
                       "logo": str(brand.logo or "")}
    prints["cards_fixed"] = [settings.cards.bleed_mm, settings.cards.margin_mm]
    return prints


def click_options(*names: str) -> list:
    """click option decorators for the settings ``names``, in that order (help and defaults from the table)."""
    import click

    options = []
    for name in names:
        setting = BY_NAME[name]
        if setting.variants:
            for flag, value, text in setting.variants:
                options.append(click.option(flag, name, flag_value=value, default=value == setting.default,
                                            help=text))
            continue
        extra = dict(setting.click)
        if getattr(setting.parse, "choices", None):
            extra["type"] = click.Choice(setting.parse.choices)
        default = setting.default
        if extra.get("multiple"):
            default = ()
        display = {"bleed": "0mm", "tile_overlap": "10mm", "back_offset": "0,0"}.get(name, default)
        shown = display is not None and not isinstance(display, bool) and display not in ("", ())
        # the default is only shown: a value not given on the command line is left to the project file
        options.append(click.option(setting.flag, name, default=display if shown else None, show_default=shown,
                                    help=setting.help, **extra))
    return options
