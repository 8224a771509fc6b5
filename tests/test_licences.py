"""Photo licences: every accepted spelling, helpful errors, and validation of species files."""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner

from wildpress.cli import main
from wildpress.errors import DataError
from wildpress.pictures.licences import Licence, normalise
from wildpress.data.species import load_species

from conftest import SCENARIOS, write_test_photo

PD, ARR = "LicenseRef-PublicDomain", "LicenseRef-AllRightsReserved-Permission"


@pytest.mark.parametrize("text, spdx, short", [
    ("CC0-1.0", "CC0-1.0", "CC0 1.0"),
    ("cc0-1.0", "CC0-1.0", "CC0 1.0"),
    ("CC0", "CC0-1.0", "CC0 1.0"),
    ("CC-BY-4.0", "CC-BY-4.0", "CC BY 4.0"),
    ("cc-by-4.0", "CC-BY-4.0", "CC BY 4.0"),
    ("CC BY 4.0", "CC-BY-4.0", "CC BY 4.0"),
    ("CC BY 4.0 International", "CC-BY-4.0", "CC BY 4.0"),
    ("CC-BY-SA-3.0", "CC-BY-SA-3.0", "CC BY-SA 3.0"),
    ("CC BY-SA 3.0 Unported", "CC-BY-SA-3.0", "CC BY-SA 3.0"),
    ("cc by-sa 4.0", "CC-BY-SA-4.0", "CC BY-SA 4.0"),
    ("CC-BY-2.5", "CC-BY-2.5", "CC BY 2.5"),
    ("CC BY 2.5", "CC-BY-2.5", "CC BY 2.5"),
    ("CC-BY-NC-4.0", "CC-BY-NC-4.0", "CC BY-NC 4.0"),
    ("CC BY-NC-ND 4.0", "CC-BY-NC-ND-4.0", "CC BY-NC-ND 4.0"),
    ("CC-BY-3.0-US", "CC-BY-3.0-US", "CC BY 3.0 US"),
    ("public domain", PD, "Public domain"),
    ("Public Domain", PD, "Public domain"),
    ("PD", PD, "Public domain"),
    ("Public domain (work of the US federal government)", PD, "Public domain"),
    ("all rights reserved with permission", ARR, "All rights reserved, used with permission"),
    ("All rights reserved, used with permission", ARR, "All rights reserved, used with permission"),
    ("Attribution", "LicenseRef-Attribution", "Attribution"),
    ("MIT", "MIT", "MIT"),
])
def test_accepted_spellings(text, spdx, short):
    licence = normalise(text)
    assert (licence.spdx, licence.short) == (spdx, short)
    assert str(licence) == short


@pytest.mark.parametrize("text, url", [
    ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
    ("CC BY-SA 3.0", "https://creativecommons.org/licenses/by-sa/3.0/"),
    ("CC-BY-3.0-US", "https://creativecommons.org/licenses/by/3.0/us/"),
    ("CC0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    ("public domain", None),
    ("all rights reserved with permission", None),
])
def test_deed_urls(text, url):
    assert normalise(text).url == url


def test_nc_and_nd_are_accepted_with_restrictions():
    assert normalise("CC-BY-4.0").restrictions == ()
    assert normalise("CC-BY-SA-4.0").restrictions == ()
    assert normalise("CC-BY-NC-4.0").restrictions == ("non-commercial use only",)
    assert normalise("CC BY-NC-ND 4.0").restrictions == ("non-commercial use only",
                                                          "no derivatives (no cropping or editing)")
    assert normalise("CC-BY-ND-4.0").restrictions == ("no derivatives (no cropping or editing)",)


def test_licence_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        normalise("CC0").short = "x"  # type: ignore[misc]
    assert isinstance(normalise("CC0"), Licence)


@pytest.mark.parametrize("text, suggestion", [
    ("CC-BY 9", "CC-BY-4.0"),
    ("CC BY-SA 5.0", "CC-BY-SA-4.0"),
    ("CC BY", "CC-BY-4.0"),
    ("Public domian", "public domain"),
    ("Atribution", "Attribution"),
])
def test_unknown_text_suggests_the_nearest_name(text, suggestion):
    with pytest.raises(ValueError) as caught:
        normalise(text)
    assert str(caught.value) == (f"{text!r} is not a licence wildpress knows (did you mean {suggestion}?); "
                                 "use an SPDX identifier such as CC-BY-4.0 or CC0-1.0, or 'public domain'")


def test_nothing_near_gives_no_suggestion_and_bare_all_rights_reserved_asks_for_permission():
    with pytest.raises(ValueError, match=r"^'xyzzy' is not a licence wildpress knows; use an SPDX"):
        normalise("xyzzy")
    with pytest.raises(ValueError, match="write 'all rights reserved with permission'"):
        normalise("All rights reserved")
    with pytest.raises(ValueError, match="a photo needs a licence"):
        normalise("  ")


def _species_with_licence(tmp_path, licence: str):
    write_test_photo(tmp_path / "cat.jpg", size=(300, 200))
    species = tmp_path / "test-cat.yaml"
    species.write_text((SCENARIOS / "valid-minimal.yaml").read_text(encoding="utf-8")
                       + f"photo:\n  file: cat.jpg\n  credit: Jane Doe\n  licence: {licence}\n"
                       "  alt: A cat in the grass\n", encoding="utf-8")
    return species


def test_bad_licence_is_a_validation_error_with_file_line_column(tmp_path):
    species = _species_with_licence(tmp_path, "CC-BY 9")
    expected = (f"{species}:12:12: photo.licence: 'CC-BY 9' is not a licence wildpress knows (did you mean "
                "CC-BY-4.0?); use an SPDX identifier such as CC-BY-4.0 or CC0-1.0, or 'public domain'")
    with pytest.raises(DataError) as caught:
        load_species([species], allowed_roots=[tmp_path])
    assert [str(p) for p in caught.value.problems] == [expected]

    result = CliRunner().invoke(main, ["validate", str(species)])
    assert result.exit_code == 1
    assert expected in result.stderr


@pytest.mark.parametrize("licence", ["CC BY 2.5", "Public domain (work of the US federal government)",
                                     "Attribution", "CC-BY-NC-4.0"])
def test_good_licences_validate(tmp_path, licence):
    species = _species_with_licence(tmp_path, licence)
    loaded, problems = load_species([species], allowed_roots=[tmp_path])
    assert [s.id for s in loaded] == ["test-cat"] and not problems
