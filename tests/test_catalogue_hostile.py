"""Hostile project catalogues (issue 18): placeholders a translation may use, Plural-Forms rules,
and formatting at render time that cannot reach inside a value even if the check were bypassed."""

from __future__ import annotations

import pytest

from wildpress.errors import LayoutError
from wildpress.i18n.catalogue import LANGUAGES, _parse, bundled_folder, catalogue
from wildpress.i18n.placeholders import Translated, brace_fields, percent_tokens, translation_problem

HEADER = 'msgid ""\nmsgstr ""\n"Language: en\\n"\n"Plural-Forms: {plural}\\n"\n\n'
PLURAL_MESSAGE = ('msgid "%(num)d country"\nmsgid_plural "%(num)d countries"\n'
                  'msgstr[0] "%(num)d country"\nmsgstr[1] "%(num)d countries"\n')


def _project(tmp_path, body: str, plural: str = "nplurals=2; plural=(n != 1);"):
    (tmp_path / "locale").mkdir(exist_ok=True)
    po = tmp_path / "locale" / "en.po"
    po.write_text(HEADER.format(plural=plural) + body, encoding="utf-8")
    return po


def _refusal(tmp_path, body: str, plural: str = "nplurals=2; plural=(n != 1);") -> str:
    po = _project(tmp_path, body, plural)
    with pytest.raises(LayoutError) as caught:
        catalogue("en", (), tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{po}:"), message
    assert "\n" not in message
    return message


@pytest.mark.parametrize("translation", ["Up to {0.__class__.__mro__} {0!r}", "Up to {0}", "Up to {:>900000000}",
                                         "Up to {x[0]}", "Up to {!r}", "Up to {0.x}", "Up to {name}"])
def test_brace_placeholders_not_in_the_english_text_are_refused(tmp_path, translation):
    message = _refusal(tmp_path, f'msgid "Up to {{}}"\nmsgstr "{translation}"\n')
    assert message.startswith(f"{tmp_path}/locale/en.po:6: the translation uses {{"), message
    assert "use only {}" in message and "'Up to {}'" in message


def test_more_auto_numbered_fields_than_the_english_text_are_refused(tmp_path):
    message = _refusal(tmp_path, 'msgid "Up to {}"\nmsgstr "{} bis {}"\n')
    assert ":6: the translation uses {} 2 times but the English text only 1" in message


def test_unpaired_brace_in_a_format_message_is_refused(tmp_path):
    assert "does not pair up: write {{ and }}" in _refusal(tmp_path, 'msgid "Up to {}"\nmsgstr "Up to {"\n')


@pytest.mark.parametrize("translation, shown", [("Protect %(name)900000000s", "%(name)900000000s"),
                                                ("Protect %(species)s", "%(species)s"),
                                                ("Protect %(name)r", "%(name)r"), ("Protect %s", "%s")])
def test_percent_placeholders_must_be_those_of_the_english_text(tmp_path, translation, shown):
    message = _refusal(tmp_path, f'msgid "Help protect the %(name)s"\nmsgstr "{translation}"\n')
    assert f":6: the translation uses {shown}, which the English text does not have: use only %(name)s" in message


def test_a_stray_percent_sign_is_refused(tmp_path):
    message = _refusal(tmp_path, 'msgid "Population"\nmsgstr "100 % Population"\n')
    assert ":6: the translation has a '%' that is not a placeholder" in message


def test_a_placeholder_in_a_message_that_has_none_is_refused(tmp_path):
    message = _refusal(tmp_path, 'msgid "Population"\nmsgstr "Population {0.__class__}"\n')
    assert "but the English text has no placeholder: leave {0.__class__} out" in message


def test_plural_forms_are_checked_in_every_form(tmp_path):
    body = ('msgid "%(num)d country"\nmsgid_plural "%(num)d countries"\n'
            'msgstr[0] "%(num)d country"\nmsgstr[1] "%(num)d {0.__class__}"\n')
    assert ":6: the translation (msgstr[1]) uses {0.__class__}" in _refusal(tmp_path, body)
    body = 'msgid "%(num)d country"\nmsgid_plural "%(num)d countries"\nmsgstr[0] "%(num)d country"\n'
    assert ":6: msgstr[1] is empty: translate every plural form" in _refusal(tmp_path, body)


def test_a_translation_may_leave_a_placeholder_out_and_keep_identical_ones(tmp_path):
    _project(tmp_path, 'msgid "Up to {}"\nmsgstr "At most {}"\n\nmsgid "Help protect the %(name)s"\n'
                       'msgstr "Protect them"\n\n' + PLURAL_MESSAGE)
    cat = catalogue("en", (), tmp_path)
    assert cat.gettext("Up to {}").format("9 kg") == "At most 9 kg"
    assert cat.gettext("Help protect the %(name)s") % {"name": "cat"} == "Protect them"
    assert cat.ngettext("%(num)d country", "%(num)d countries", 3) % {"num": 3} == "3 countries"


@pytest.mark.parametrize("plural, wanted", [
    ("nplurals=2; plural=n/0;", ":4: Plural-Forms: plural=n/0 divides by zero for n = 0"),
    ("nplurals=2; plural=n/(n-5) ? 1 : 0;", ":4: Plural-Forms: plural=n/(n-5) ? 1 : 0 divides by zero for n = 5"),
    ("nplurals=2; plural=n;", ":4: Plural-Forms: plural=n gives 2 for n = 2, but nplurals=2 allows only 0 to 1"),
    ("nplurals=3; plural=n > 1000000 ? 3 : 0;", "gives 3 for n = 1000001"),
    ("nplurals=2; plural=n-1;", "gives -1 for n = 0"),
    ("nplurals=2; plural=x;", "plural=x is not a rule gettext can read"),
    ("nplurals=2; plural=(n != 1;", "is not a rule gettext can read"),
    ("nplurals=2; plural=" + "n+" * 200 + "0;", "the plural expression is 401 characters long, more than the 300"),
    ("nplurals=1000000000; plural=0;", ":4: Plural-Forms: nplurals=1000000000 is not a number from 1 to 6"),
    ("nplurals=two; plural=0;", ":4: Plural-Forms: nplurals=two is not a number from 1 to 6"),
])
def test_bad_plural_rules_are_refused_before_anything_renders(tmp_path, plural, wanted):
    message = _refusal(tmp_path, PLURAL_MESSAGE, plural)
    assert wanted in message and "e.g. nplurals=2; plural=(n != 1);" in message, message


def test_nplurals_without_a_rule_gets_babels_default_rule_checked(tmp_path):
    message = _refusal(tmp_path, 'msgid "Population"\nmsgstr "Population"\n', "nplurals=1;")
    assert ":4: Plural-Forms: plural=(n != 1) gives 1 for n = 0, but nplurals=1 allows only 0 to 0" in message


def test_an_invalid_catalogue_names_its_line(tmp_path):
    body = 'msgid "a"\nmsgid_plural "b"\nmsgstr[0] "x"\nmsgstr[1] "y"\nmsgstr[2] "z"\n'
    message = _refusal(tmp_path, body)
    assert message.startswith(f"{tmp_path}/locale/en.po:6: not a valid gettext catalogue: msg has more"), message


@pytest.mark.parametrize("code", [c for c in LANGUAGES if (bundled_folder() / f"{c}.po").is_file()])
def test_every_bundled_catalogue_passes_the_untrusted_checks(code):
    file = bundled_folder() / f"{code}.po"
    catalog = _parse(file.read_text(encoding="utf-8"), file, code, trusted=False)
    assert len(catalog) > 100


def test_placeholder_forms_are_read_as_python_reads_them():
    assert brace_fields("Up to {} {0.x} {x[0]!r:>9} {{literal}}") == ["{}", "{0.x}", "{x[0]!r:>9}"]
    assert percent_tokens("%(num)d of %(name)s, 100%% %(x)9s % ") == ["%(num)d", "%(name)s", "%%", "%(x)9s", "% "]
    assert translation_problem(["%(num)d country", "%(num)d countries"], "%(num)d Länder") is None
    assert translation_problem(["Up to {}"], "{} max") is None


@pytest.mark.parametrize("text, call", [
    ("Up to {0.__class__.__mro__}", lambda t: t.format("9 kg")),
    ("Up to {0!r}", lambda t: t.format("9 kg")),
    ("Up to {:>900000000}", lambda t: t.format("9 kg")),
    ("Up to {x[0]}", lambda t: t.format_map({"x": ["9 kg"]})),
    ("Protect %(name)900000000s", lambda t: t % {"name": "cat"}),
])
def test_render_time_formatting_fills_plain_placeholders_only(text, call):
    """Defence in depth: what the catalogue hands out cannot reach inside a value or pad it."""
    with pytest.raises(LayoutError, match="correct it in the catalogue"):
        call(Translated(text))


def test_a_bypassed_check_still_cannot_print_python_internals(tmp_path):
    po = _project(tmp_path, 'msgid "Up to {}"\nmsgstr "Up to {}"\n')
    cat = catalogue("en", (), tmp_path)
    assert cat.gettext("Up to {}").format("9 kg") == "Up to 9 kg"
    po.write_text(HEADER.format(plural="nplurals=2; plural=(n != 1);")
                  + 'msgid "Up to {}"\nmsgstr "Up to {0.__class__.__mro__}"\n', encoding="utf-8")
    bypassed = _parse(po.read_text(), po, "en", trusted=True)  # as if the check had been skipped
    from wildpress.i18n.catalogue import _compile

    translations = _compile(bypassed)
    with pytest.raises(LayoutError):
        Translated(translations.gettext("Up to {}")).format("9 kg")
    assert isinstance(cat.gettext("Up to {}"), Translated) and isinstance(cat.ngettext("a", "b", 2), Translated)


RU_PLURAL = ("nplurals=3; plural=n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 && "
             "(n % 100 < 10 || n % 100 >= 20) ? 1 : 2;")


def _ru_project(tmp_path, plural: str, body: str):
    (tmp_path / "locale").mkdir(exist_ok=True)
    po = tmp_path / "locale" / "ru.po"
    po.write_text(HEADER.replace("Language: en", "Language: ru").format(plural=plural) + body, encoding="utf-8")
    return po


def test_a_project_plural_rule_that_differs_from_the_bundled_one_is_refused_unless_it_covers_every_plural(tmp_path):
    body = 'msgid "Population"\nmsgstr "Численность"\n'
    po = _ru_project(tmp_path, "nplurals=2; plural=(n != 1);", body)
    with pytest.raises(LayoutError) as caught:
        catalogue("ru", (), tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{po}:4: Plural-Forms: nplurals=2; plural=(n != 1) differs from the catalogue")
    assert "would then show the wrong forms: use that rule, or translate them all" in message
    # The bundled rule, written in the project's own spacing, is the same rule: accepted.
    _ru_project(tmp_path, RU_PLURAL, body)
    assert catalogue("ru", (), tmp_path).gettext("Population") == "Численность"


def test_a_project_that_translates_every_plural_message_brings_its_own_rule(tmp_path):
    from babel.messages.pofile import read_po

    with (bundled_folder() / "ru.po").open("rb") as handle:
        plurals = [m.id for m in read_po(handle) if isinstance(m.id, tuple)]
    assert plurals
    body = "".join(f'msgid "{s}"\nmsgid_plural "{p}"\nmsgstr[0] "{s}"\nmsgstr[1] "{p}"\n\n' for s, p in plurals)
    _ru_project(tmp_path, "nplurals=2; plural=(n != 1);", body)
    merged = catalogue("ru", (), tmp_path)
    singular, plural = plurals[0]
    # The project's two-form rule runs: 5 picks its form 1 (the bundled rule would pick form 2).
    assert merged.ngettext(singular, plural, 5) == plural
    assert merged.ngettext(singular, plural, 1) == singular


def test_a_string_without_its_closing_quote_is_refused_at_its_line(tmp_path):
    message = _refusal(tmp_path, 'msgid "Up to {}\nmsgstr "Bis zu {}"\n')
    assert message.startswith(f"{tmp_path}/locale/en.po:6: a string not closed with a quote mark"), message


def test_a_message_translated_twice_is_refused_naming_both_lines(tmp_path):
    message = _refusal(tmp_path, 'msgid "Up to {}"\nmsgstr "Bis zu {}"\n\nmsgid "Up to {}"\nmsgstr "Max. {}"\n')
    assert "msgid 'Up to {}' is translated twice (lines 6 and 9); keep one" in message, message


def test_plural_forms_of_a_singular_message_are_refused_at_their_line(tmp_path):
    message = _refusal(tmp_path, 'msgid "Habitat"\nmsgstr[0] "Lebensraum"\nmsgstr[1] "Lebensraeume"\n')
    assert message.startswith(f"{tmp_path}/locale/en.po:7: msgstr[0] belongs to a plural message"), message
    message = _refusal(tmp_path, 'msgid "%(num)d country"\nmsgid_plural "%(num)d countries"\nmsgstr "Land"\n')
    assert message.startswith(f"{tmp_path}/locale/en.po:8: a plural message (msgid_plural) is translated"), message


@pytest.mark.parametrize("charset", ["BOGUS", "ISO-8859-1"])
def test_a_charset_other_than_utf8_is_refused_at_its_line(tmp_path, charset):
    body = f'"Content-Type: text/plain; charset={charset}\\n"\n\nmsgid "Habitat"\nmsgstr "Lebensraum"\n'
    (tmp_path / "locale").mkdir()
    po = tmp_path / "locale" / "en.po"
    po.write_text('msgid ""\nmsgstr ""\n' + body, encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        catalogue("en", (), tmp_path)
    assert str(caught.value).startswith(f"{po}:3: the header says charset={charset}, but catalogues are read "
                                        "as UTF-8"), caught.value
    po.write_text('msgid ""\nmsgstr ""\n' + body.replace(charset, "UTF-8"), encoding="utf-8")
    assert catalogue("en", (), tmp_path).gettext("Habitat") == "Lebensraum"
