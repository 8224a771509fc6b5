"""The project file's ``brand:`` block: checked into a :class:`wildpress.jobs.Brand`.

The logo must be an SVG or PNG file inside the project, read through the
project's confinement (the same rule every other file obeys) and checked as
images are before rendering; colours are ``#rrggbb``; the website an http(s)
address; the contact one line. Each finding is a located :class:`Problem`.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from ..data.yamlsafe import Located, format_path
from ..errors import Problem, Refused
from ..jobs import Brand
from ..safety.confine import Confinement

BRAND_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 120},
        "logo": {"type": "string", "maxLength": 500},
        "website": {"type": "string", "maxLength": 500},
        "contact": {"type": "string", "maxLength": 200},
        "footer": {"type": "string", "maxLength": 1000},
        # checked below, so that an unquoted "#..." (a YAML comment, so null) gets its own sentence
        "colours": {"type": "object", "properties": {"accent": {}, "secondary": {}}, "additionalProperties": False},
    },
    "additionalProperties": False,
}

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_FORMATS = ("SVG", "PNG")


def _logo(doc: Located, root: Path, name: str, add) -> tuple[Path | None, str | None]:
    """(real path, sha256 of its bytes) of a valid logo; problems go to ``add``."""
    from ..safety.images import image_problem, sniff

    path = ("brand", "logo")
    if not name.strip():
        add(path, "is empty: give the logo's path relative to the project folder, or leave the key out")
        return None, None
    target = root / name
    confinement = Confinement.for_project(root)
    try:
        real = confinement.check(target)
    except Refused as exc:
        if "not found" in exc.reason:
            add(path, f"logo file not found: {os.path.abspath(target)}")
        elif exc.reason.startswith("refused"):
            add(path, f"logo must be inside the project folder: {exc.reason}")
        else:
            add(path, f"logo {name!r}: {exc.reason}")
        return None, None
    real_root = Path(os.path.realpath(root))
    if not real.is_relative_to(real_root):  # e.g. one of wildpress's own files: allowed to read, not a logo
        add(path, f"logo must be inside the project folder: refused {name} ({real}): it is outside {root}")
        return None, None
    try:
        data = confinement.read_bytes(real)
    except Refused as exc:
        add(path, f"logo {name!r}: {exc.reason.replace(str(real), 'it')}")
        return None, None
    kind = sniff(data)
    if kind not in LOGO_FORMATS:
        what = f"a {kind} image" if kind else "not an image"
        add(path, f"logo {name!r} is {what}: use an SVG or PNG file")
        return None, None
    problem = image_problem(data, Path(name).name)
    if problem:
        add(path, f"logo: {problem}")
        return None, None
    return real, hashlib.sha256(data).hexdigest()


def _web_address(value: str) -> str | None:
    """Why ``value`` is not an http(s) address people can type, or None."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        hint = f" (e.g. https://{value})" if "." in value and "://" not in value else ""
        return f"{value!r} is not a web address: give it with https:// or http://{hint}"
    if any(c.isspace() for c in value):
        return f"{value!r} is not a web address: it contains a space"
    return None


def check_brand(doc: Located, root: Path) -> tuple[Brand, str | None, list[Problem]]:
    """The project's :class:`Brand` (empty when there is no ``brand:``), the logo's sha256 and
    every problem of the block. Only values of the right type are looked at (the schema reports
    the rest)."""
    data = doc.data.get("brand")
    problems: list[Problem] = []

    def add(path: tuple, message: str, key: bool = False) -> None:
        line, col = doc.where(path, key=key)
        problems.append(Problem(doc.file, line, col, format_path(path), message))

    if not isinstance(data, dict):
        return Brand(), None, problems
    text = {key: data[key] for key in ("name", "website", "contact", "footer") if isinstance(data.get(key), str)}
    for key in ("name", "contact"):
        if "\n" in text.get(key, "") or "\r" in text.get(key, ""):
            add(("brand", key), "must be one line (no line breaks)")
    if text.get("website"):
        problem = _web_address(text["website"])
        if problem:
            add(("brand", "website"), problem)
    logo, digest = (_logo(doc, root, data["logo"], add) if isinstance(data.get("logo"), str) else (None, None))
    colours = data.get("colours") if isinstance(data.get("colours"), dict) else {}
    checked = {}
    for key in ("accent", "secondary"):
        if key not in colours:
            continue
        value = colours[key]
        if value is None:
            add(("brand", "colours", key), f'no colour given: an unquoted # starts a YAML comment, so write '
                                           f'{key}: "#1f5c3a" with quotes', key=True)
        elif not isinstance(value, str) or not _COLOUR.match(value):
            shown = repr(value) if isinstance(value, str) else doc.raw.get(("brand", "colours", key), repr(value))
            add(("brand", "colours", key), f'{shown} is not a colour: give it as "#rrggbb", e.g. "#1f5c3a"')
        else:
            checked[key] = value.lower()
    brand = Brand(name=text.get("name", "").strip(), logo=logo, website=text.get("website", "").strip(),
                  contact=text.get("contact", "").strip(), footer=text.get("footer", "").strip(),
                  accent=checked.get("accent", ""), secondary=checked.get("secondary", ""),
                  source=f"{doc.file}:{doc.where(('brand',), key=True)[0]}")
    return brand, digest, problems
