"""Extract every fixed word of the layouts and the code into the message catalogue.

    python docs/gen_catalogue.py            # rewrite layouts/base/locale/wildpress.pot and merge it into every .po
    python docs/gen_catalogue.py --check    # exit 1 when the template is out of date

Messages are found with Babel's extractors: ``_()``/``ngettext()`` in the
layouts' Jinja templates (Jinja's own extractor) and ``_()``/``N_()``/``n_()``
in ``src/wildpress``. New messages are added to each language's ``.po`` file
untranslated, for a translator to fill in (Poedit, Weblate, any editor);
``tests/test_catalogue.py`` fails while any message is untranslated or fuzzy.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "layouts" / "base" / "locale"
POT = LOCALE / "wildpress.pot"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "n_": (1, 2)}
JINJA = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}


def template() -> Catalog:
    """Every message of the built-in layouts and the code, sorted, with where it is used."""
    catalog = Catalog(project="wildpress", msgid_bugs_address="", copyright_holder="wildpress",
                      fuzzy=False, header_comment="# Fixed words of wildpress's layouts.\n"
                                                 "# Translate each msgstr; docs/gen_catalogue.py merges new messages in.")
    sources = [
        (ROOT / "layouts", [("**.j2", "jinja2.ext:babel_extract")], {"**.j2": JINJA}),
        (ROOT / "src" / "wildpress", [("**.py", "python")], {}),
    ]
    for folder, method_map, options in sources:
        for filename, lineno, message, comments, context in extract_from_dir(
                folder, method_map, options, keywords=KEYWORDS, comment_tags=("Translators:",),
                strip_comment_tags=True):
            where = (f"{folder.relative_to(ROOT)}/{filename}", lineno)
            catalog.add(message, None, [where], auto_comments=comments, context=context)
    return catalog


def _text(catalog: Catalog, **options) -> str:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, omit_header=False, **options)
    text = buffer.getvalue().decode("utf-8")
    # The creation date would change on every run: the template is compared as text.
    return "\n".join(line for line in text.splitlines() if not line.startswith('"POT-Creation-Date:')) + "\n"


def main() -> int:
    pot = template()
    text = _text(pot, include_lineno=False)
    if "--check" in sys.argv[1:]:
        if not POT.exists() or POT.read_text(encoding="utf-8") != text:
            print(f"{POT} is out of date: run python docs/gen_catalogue.py", file=sys.stderr)
            return 1
        return 0
    LOCALE.mkdir(parents=True, exist_ok=True)
    POT.write_text(text, encoding="utf-8")
    print(f"wrote {POT} ({len(pot)} messages)")
    for po in sorted(LOCALE.glob("*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.stem)
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        po.write_text(_text(catalog, include_lineno=False, ignore_obsolete=True), encoding="utf-8")
        missing = sum(1 for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string))
        print(f"merged into {po.name}: {missing} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
