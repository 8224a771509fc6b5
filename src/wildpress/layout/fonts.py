"""Fonts: the bundled families, a project's own ``fonts/``, the layouts' font chains, glyph coverage.

Layouts never name a font file. ``fonts/fonts.yaml`` maps the bundled files to
families ("Wildpress Sans", "Wildpress Sans SC", ...); a project's ``fonts/``
folder (next to its ``wildpress.yaml``) adds every ``.ttf``/``.otf`` in it under
its own family name. A layout's ``layout.yaml`` declares chains per role::

    fonts:
      sans: [Wildpress Sans]
      display: [Wildpress Display]
      fallback: [Wildpress Sans Arabic, Wildpress Sans SC]   # tried after a role's own fonts

and its CSS uses ``font-family: var(--font-sans)`` / ``var(--font-display)``.
Each ``--font-<role>`` is: the project's families, then the role's, then the
fallbacks. :func:`missing_glyphs` checks text against the union of those
faces before anything renders, since a character no font has prints as a box.
"""

from __future__ import annotations

import io
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from ..data.yamlsafe import YAMLProblem, load_file
from ..errors import LayoutError, Refused
from ..resources import fonts_dir
from ..safety.confine import Confinement

PROJECT_FONTS = "fonts"  # a project's own fonts: this folder next to its wildpress.yaml
FONT_SUFFIXES = (".ttf", ".otf")
MAX_FONT_BYTES = 32 * 1024 * 1024  # the bundled SC subset is 1.7 MB; a full Noto CJK face is ~16 MB
DEFAULT_CHAINS = {"sans": ["Wildpress Sans"], "display": ["Wildpress Display"],
                  "fallback": ["Wildpress Sans Arabic", "Wildpress Sans SC"]}
_MAGIC = {b"\x00\x01\x00\x00": "TrueType", b"true": "TrueType", b"OTTO": "OpenType (CFF)"}
_NOT_FONTS = {b"wOFF": "a WOFF web font", b"wOF2": "a WOFF2 web font", b"ttcf": "a font collection (.ttc)"}


@dataclass(frozen=True)
class FontFace:
    """One font file and the CSS family/weight/style it serves (bundled or the project's)."""

    family: str
    file: Path
    weight: int
    style: str


@lru_cache(maxsize=None)
def bundled_fonts() -> tuple[FontFace, ...]:
    """Fonts listed in ``fonts/fonts.yaml``."""
    folder = fonts_dir()
    try:
        manifest = load_file(folder / "fonts.yaml").data
    except YAMLProblem as exc:
        raise LayoutError(str(exc.problem)) from None
    return tuple(
        FontFace(family, folder / face["file"], int(face["weight"]), face["style"])
        for family, faces in manifest["families"].items()
        for face in faces
    )


def project_root_of(confinement: Confinement | None) -> Path:
    """The project folder of a build's confinement (its first root, see
    :meth:`Confinement.for_project`); the current folder without one."""
    return confinement.roots[0] if confinement is not None and confinement.roots else Path.cwd()


# Per file (real path, mtime, size): the face and the code points its cmap maps.
_faces: dict[tuple, tuple[FontFace, frozenset[int]]] = {}


def _stat_key(path: Path) -> tuple:
    real = Path(os.path.realpath(path))
    try:
        info = os.stat(real)
    except OSError:
        return (real, None, None)
    return (real, info.st_mtime_ns, info.st_size)


def _read_font(path: Path, confinement: Confinement, family: str | None = None,
               weight: int = 400, style: str = "normal") -> tuple[FontFace, frozenset[int]]:
    """Read ``path`` through ``confinement`` (capped, magic bytes checked) and parse only what is
    needed: its cmap and, without ``family``, the family, weight and style it declares."""
    key = (*_stat_key(path), family, weight, style)
    if key in _faces:
        return _faces[key]
    from fontTools.ttLib import TTFont, TTLibError

    try:
        data = confinement.read_bytes(path, max_bytes=MAX_FONT_BYTES)
    except Refused as exc:
        raise LayoutError(f"font {path}: {exc.reason}") from None
    magic = data[:4]
    if magic not in _MAGIC:
        what = _NOT_FONTS.get(magic) or ("empty" if not data else f"not a font (it starts with {magic!r})")
        raise LayoutError(f"font {path}: {what}; fonts/ takes TrueType (.ttf) or OpenType (.otf) files")
    try:
        font = TTFont(io.BytesIO(data), lazy=True)
        cmap = font.getBestCmap()
        if not cmap:
            raise TTLibError("it has no Unicode character map")
        if family is None:
            names = font["name"]
            family = str(names.getDebugName(16) or names.getDebugName(1) or "").strip()
            if not family:
                raise TTLibError("its name table gives no family name (name ID 1 or 16)")
            os2 = font["OS/2"] if "OS/2" in font else None
            weight = int(os2.usWeightClass) if os2 is not None else 400
            italic = bool(os2.fsSelection & 1) if os2 is not None else bool(font["head"].macStyle & 2)
            style = "italic" if italic else "normal"
        result = FontFace(family, path, min(max(weight, 1), 1000), style), frozenset(cmap)
    except Exception as exc:  # fontTools raises many kinds on a damaged file: all mean "not usable"
        reason = str(exc) or type(exc).__name__
        raise LayoutError(f"font {path}: not a usable {_MAGIC[magic]} font ({reason})") from None
    if len(_faces) > 256:
        _faces.clear()
    _faces[key] = result
    return result


def project_fonts(project_root: Path | str | None, confinement: Confinement | None = None) -> tuple[FontFace, ...]:
    """Every ``.ttf``/``.otf`` in the project's ``fonts/`` folder, by the family name (name ID 16,
    else 1), weight (OS/2 usWeightClass) and style (italic bit) the file declares, in file-name
    order. Files are read through ``confinement`` (default: the project's), capped at
    :data:`MAX_FONT_BYTES`; a file that is not a usable font raises :class:`LayoutError` naming it."""
    root = Path(project_root) if project_root is not None else Path.cwd()
    folder = root / PROJECT_FONTS
    if not folder.is_dir() or os.path.realpath(folder) == os.path.realpath(fonts_dir()):
        return ()  # none, or wildpress's own (a build in the repository): those are bundled_fonts()
    confinement = confinement or Confinement.for_project(root)
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES)
    return tuple(_read_font(path, confinement)[0] for path in files)


def font_chains(layout=None) -> dict[str, list[str]]:
    """Role -> family names of ``layout``'s ``fonts:`` (merged along ``extends``), over the defaults."""
    declared = (layout.manifest.get("fonts") or {}) if layout is not None else {}
    return {**DEFAULT_CHAINS, **{role: list(names) for role, names in declared.items()}}


def role_families(layout=None, project_faces: Iterable[FontFace] = ()) -> dict[str, list[str]]:
    """Role -> the families ``--font-<role>`` lists: the role's, the project's, the bundled fallbacks.

    A project's fonts come before the bundled script fallbacks (its own Arabic or Tibetan font wins)
    but after the role's Latin fonts, so a font added for one script never changes the spaces,
    hyphens and Latin letters of every page.

    Raises :class:`LayoutError` if a chain names a family that is neither bundled nor the project's.
    """
    project_faces = tuple(project_faces)
    known = {f.family for f in (*bundled_fonts(), *project_faces)}
    chains = font_chains(layout)
    where = f"layout '{layout.name}'" if layout is not None else "fonts"
    for role, names in chains.items():
        for name in names:
            if name not in known:
                raise LayoutError(f"{where}: fonts: {role}: no font family {name!r}; known: "
                                  f"{', '.join(sorted(known))} (a project adds its own in {PROJECT_FONTS}/)")
    first = [f.family for f in project_faces]
    return {role: list(dict.fromkeys([*names, *first, *chains.get("fallback", [])]))
            for role, names in chains.items() if role != "fallback"}


def _css_string(text: str) -> str:
    """``text`` as a double-quoted CSS string (quotes, backslashes and controls escaped)."""
    return '"' + "".join(f"\\{ord(c):x} " if c in '"\\' or not c.isprintable() else c for c in text) + '"'


def font_face_css(layout=None, project_faces: Iterable[FontFace] = ()) -> str:
    """@font-face rules for every bundled font and ``project_faces``, and ``:root`` custom
    properties ``--font-<role>`` for ``layout``'s chains (the defaults without a layout)."""
    project_faces = tuple(project_faces)
    rules = [f"@font-face {{ font-family: {_css_string(f.family)}; src: url({_css_string(f.file.as_uri())}); "
             f"font-weight: {f.weight}; font-style: {f.style}; }}"
             for f in (*bundled_fonts(), *project_faces)]
    roles = role_families(layout, project_faces)
    rules.append(":root { " + " ".join(f"--font-{role}: {', '.join(map(_css_string, names))};"
                                       for role, names in roles.items()) + " }")
    return "\n".join(rules)


def coverage_faces(layout=None, project_root: Path | str | None = None,
                   confinement: Confinement | None = None) -> tuple[FontFace, ...]:
    """The faces ``layout``'s chains can draw with: the project's fonts and every bundled face
    of a family any chain names (see :func:`role_families`)."""
    project = project_fonts(project_root, confinement)
    families = {name for names in role_families(layout, project).values() for name in names}
    return tuple(f for f in (*project, *bundled_fonts()) if f.family in families)


# Characters drawn without a glyph: format controls (U+200B, U+2060, bidi marks and
# isolates, ...), variation selectors, the combining grapheme joiner and the soft hyphen.
_NO_GLYPH_RANGES = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF), (0x180B, 0x180F))


def needs_glyph(char: str) -> bool:
    """False for characters a font need not have: whitespace, controls and format characters
    (categories Cc, Cf), variation selectors, U+034F and the soft hyphen."""
    if char.isspace() or char in "\u00ad\u034f" or unicodedata.category(char) in ("Cc", "Cf"):
        return False
    code = ord(char)
    return not any(lo <= code <= hi for lo, hi in _NO_GLYPH_RANGES)


def face_coverage(face: FontFace, confinement: Confinement | None = None) -> frozenset[int]:
    """Code points ``face``'s cmap maps (read once per file version: path, mtime and size)."""
    confinement = confinement or Confinement.for_project(face.file.parent)
    return _read_font(face.file, confinement, face.family, face.weight, face.style)[1]


_unions: dict[tuple, frozenset[int]] = {}


def _covered(faces: tuple[FontFace, ...], confinement: Confinement | None) -> frozenset[int]:
    """Union of ``faces``' cmaps, cached while none of their files changes."""
    key = tuple((face, _stat_key(face.file)) for face in faces)
    if key not in _unions:
        covered: set[int] = set()
        for face in faces:
            covered |= face_coverage(face, confinement)
        if len(_unions) > 64:
            _unions.clear()
        _unions[key] = frozenset(covered)
    return _unions[key]


def missing_glyphs(texts: Iterable[str], faces=None, project_root: Path | str | None = None,
                   confinement: Confinement | None = None) -> dict[str, list[str]]:
    """Characters of ``texts`` that no font has a glyph for, checked against fontTools cmaps.

    ``faces`` is either the faces to check against (e.g. :func:`coverage_faces`) or a
    :class:`~wildpress.layout.layouts.Layout` (or None for the default chains): then the faces of
    its font chains with the fonts of the project at ``project_root`` (default: the current
    folder) first. Files are read through ``confinement`` (default: the project's).

    Returns missing character -> the texts it occurs in (each once, at most three), in the
    order the characters first appear; empty when everything is covered. Characters that
    need no glyph (see :func:`needs_glyph`) are ignored. Raises :class:`LayoutError` for a
    project font that is not usable or a chain naming an unknown family.
    """
    if faces is None or hasattr(faces, "manifest"):
        faces = coverage_faces(faces, project_root, confinement)
    covered = _covered(tuple(faces), confinement)
    missing: dict[str, list[str]] = {}
    for text in texts:
        if not isinstance(text, str):
            continue  # an absent optional text (None) prints nothing
        for char in dict.fromkeys(text):
            if ord(char) not in covered and needs_glyph(char):
                where = missing.setdefault(char, [])
                if len(where) < 3 and text not in where:
                    where.append(text)
    return missing


def describe_missing(missing: dict[str, list[str]], limit: int = 8) -> str:
    """A sentence for a user: "no bundled or project font has 'བ' (U+0F56 TIBETAN LETTER BA) in 'བོད', ..."."""
    parts = []
    for char, texts in list(missing.items())[:limit]:
        name = unicodedata.name(char, "unassigned")
        sample = texts[0] if len(texts[0]) <= 40 else texts[0][:37] + "..."
        parts.append(f"'{char}' (U+{ord(char):04X} {name}) in {sample!r}")
    more = f" and {len(missing) - limit} more" if len(missing) > limit else ""
    return (f"no bundled or project font has {', '.join(parts)}{more}; add a font that has them "
            f"to the project's {PROJECT_FONTS}/ folder or replace the characters")
