"""Checks beyond the schema: text no page can print (control characters, direction overrides, NaN),
and one species in two files.

Checked by ``validate`` and every build with the file and line, before anything renders, so an
ESC or NUL never reaches a page, a terminal or a font fallback message that blames the layout.
"""

from __future__ import annotations

import math
import re

from ..errors import Problem
from .yamlsafe import Located, format_path

_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-_])")  # CSI, OSC, ESC x
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def unprintable(doc: Located) -> list[Problem]:
    """Control characters (ESC, NUL, BEL...), direction overrides and infinite or NaN figures: none of them can
    be printed, and each would reach the page or a terminal."""
    problems, stack = [], [((), doc.data)]
    while stack:
        path, value = stack.pop()
        message = None
        if isinstance(value, str) and (bad := UNPRINTABLE.search(value)):
            char = bad.group()
            what = "a direction override" if "\u202a" <= char <= "\u2069" else "a control character"
            message = (f"holds {what} (U+{ord(char):04X}) at character {bad.start() + 1}, which cannot be printed; "
                       "remove it")
        elif isinstance(value, float) and not math.isfinite(value):
            message = f"{value} is not a figure that can be printed; write a number"
        elif isinstance(value, list):
            stack += [(path + (i,), v) for i, v in enumerate(value)]
        elif isinstance(value, dict):
            stack += [(path + (k,), v) for k, v in value.items()]
        if message:
            line, col = doc.where(path)
            problems.append(Problem(doc.file, line, col, format_path(path), message))
    return problems


def strip_unprintable(text: str) -> str:
    """``text`` without the characters :func:`unprintable` refuses (for imported cells)."""
    return UNPRINTABLE.sub("", _ESCAPE_SEQUENCE.sub("", text))


def same_species(species: list) -> list[Problem]:
    """Two files of one scientific name (a re-import beside a hand-made file): a deck would print it twice."""
    first: dict = {}  # folded name -> the first Species holding it
    found = []
    for sp in species:
        name = " ".join(str(sp.data["name"]["scientific"]).split()).casefold()
        if name in first:
            found.append(Problem(sp.file, None, None, "name.scientific", f"the same species "
                                 f"({sp.data['name']['scientific']}) as {first[name].file}: batches and decks print "
                                 "it twice; merge the two files", "warning"))
        first.setdefault(name, sp)
    return found
