"""Build the bundled Chinese and Arabic fonts in ``fonts/`` from Debian's Noto packages.

    apt-get install -y fonts-noto-cjk fonts-noto-core
    python docs/build_fonts.py            # writes the four files and prints their sizes
    python docs/build_fonts.py --check    # fails if a written file differs from a fresh build

* ``fonts/NotoSansSC-Regular.otf`` / ``-Bold.otf``: the face named "Noto Sans CJK SC"
  of ``NotoSansCJK-{Regular,Bold}.ttc`` (fonts-noto-cjk), subset to all of GB 2312
  (6763 hanzi and its 682 symbols, punctuation, kana, Greek, Cyrillic, box drawing),
  ASCII, CJK symbols and punctuation U+3000-303F and half/full-width forms U+FF00-FFEF.
* ``fonts/NotoSansArabic-Regular.ttf`` / ``-Bold.ttf``: Noto Sans Arabic (fonts-noto-core),
  subset to Arabic U+0600-06FF, Arabic Supplement U+0750-077F, Presentation Forms A and B
  (U+FB50-FDFF, U+FE70-FEFF), ASCII, and the joiners, bidi marks and dotted circle
  shaping needs.

The Arabic font keeps every OpenType layout feature (``layout_features='*'``), so GSUB/GPOS
shaping (joining forms, ligatures, mark positioning) works as in the full font. The SC font
keeps the features Simplified Chinese text uses (ccmp, liga, locl, width and vertical forms,
kerning and proportional/half-width spacing) in its default and ZHS language systems; the
Japanese, Korean and Traditional Chinese ``locl`` forms and ``aalt`` (every alternate, for
glyph pickers) would almost double its glyphs and are left out. Glyph names and hinting are
dropped. Output is deterministic for a given fontTools version and source package.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

REPO = Path(__file__).resolve().parent.parent
FONTS = REPO / "fonts"
CJK_DIR = Path("/usr/share/fonts/opentype/noto")
CORE_DIR = Path("/usr/share/fonts/truetype/noto")
SC_FACE = "Noto Sans CJK SC"


def gb2312() -> set[int]:
    """Every character of GB 2312 (rows 0xA1-0xF7, cells 0xA1-0xFE decodable as GB 2312)."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


ASCII = set(range(0x20, 0x7F)) | {0xA0}
SHAPING = {0x200C, 0x200D, 0x200E, 0x200F, 0x061C, 0x25CC, 0x2066, 0x2067, 0x2068, 0x2069}
SC_RANGES = ASCII | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
ARABIC_RANGES = (ASCII | SHAPING | set(range(0x0600, 0x0700)) | set(range(0x0750, 0x0780))
                 | set(range(0xFB50, 0xFE00)) | set(range(0xFE70, 0xFF00)))


def sc_face(ttc: Path) -> TTFont:
    """The face of ``ttc`` whose family name (name ID 1) is 'Noto Sans CJK SC'."""
    collection = TTCollection(str(ttc))
    for face in collection.fonts:
        if face["name"].getDebugName(1) == SC_FACE:
            return face
    raise SystemExit(f"{ttc} has no face named {SC_FACE!r}")


SC_FEATURES = ["ccmp", "liga", "locl", "fwid", "hwid", "pwid", "vert", "vrt2",
               "kern", "palt", "halt", "vkrn", "vpal", "vhal", "mark", "mkmk"]
SC_LANGSYS = "ZHS "  # besides each script's default language system


def only_langsys(font: TTFont, keep: str) -> TTFont:
    """Drop every GSUB/GPOS language system but ``keep`` (and the defaults), so the
    subsetter prunes the features and glyphs only the others reach."""
    for tag in ("GSUB", "GPOS"):
        if tag in font:
            for record in font[tag].table.ScriptList.ScriptRecord:
                script = record.Script
                script.LangSysRecord = [r for r in script.LangSysRecord if r.LangSysTag == keep]
                script.LangSysCount = len(script.LangSysRecord)
    return font


def subset_font(font: TTFont, unicodes: set[int], features: list[str]) -> bytes:
    """``font`` reduced to ``unicodes`` (only those it maps) and the layout ``features``."""
    options = subset.Options()
    options.layout_features = features
    options.name_IDs = ["*"]  # keep copyright, licence and version strings
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    options.drop_tables += ["DSIG"]
    font.recalcTimestamp = False  # keep the source's head.modified: the same input gives the same bytes
    cmap = font.getBestCmap()
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(u for u in unicodes if u in cmap))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def build() -> dict[str, bytes]:
    """File name -> bytes of each font this script makes."""
    missing = [p for p in (CJK_DIR / "NotoSansCJK-Regular.ttc", CORE_DIR / "NotoSansArabic-Regular.ttf")
               if not p.is_file()]
    if missing:
        raise SystemExit(f"{missing[0]} not found: apt-get install -y fonts-noto-cjk fonts-noto-core")
    sc = gb2312() | SC_RANGES
    files = {}
    for weight in ("Regular", "Bold"):
        face = sc_face(CJK_DIR / f"NotoSansCJK-{weight}.ttc")
        lacking = sorted(u for u in gb2312() if u not in face.getBestCmap())
        if lacking:
            raise SystemExit(f"{SC_FACE} {weight} lacks {len(lacking)} GB 2312 characters, e.g. U+{lacking[0]:04X}")
        files[f"NotoSansSC-{weight}.otf"] = subset_font(only_langsys(face, SC_LANGSYS), sc, SC_FEATURES)
        files[f"NotoSansArabic-{weight}.ttf"] = subset_font(
            TTFont(str(CORE_DIR / f"NotoSansArabic-{weight}.ttf")), ARABIC_RANGES, ["*"])
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with fonts/ instead of writing")
    args = parser.parse_args(argv)
    stale = []
    total = 0
    for name, data in build().items():
        path = FONTS / name
        total += len(data)
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(name)
        else:
            path.write_bytes(data)
        glyphs = TTFont(io.BytesIO(data), lazy=True)
        print(f"{name:32} {len(data):>10,} bytes  {len(glyphs.getBestCmap()):>6} characters")
    print(f"{'total':32} {total:>10,} bytes")
    if stale:
        print("differs from a fresh build: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
