"""The size registry: every size the poster issue names, custom sizes, orientation, suggestions."""

from __future__ import annotations

import pytest

from wildpress.errors import UsageError
from wildpress.printing.sizes import get_size

MM = 72 / 25.4

EXPECTED_MM = {
    "a0": (841, 1189), "a1": (594, 841), "a2": (420, 594), "a3": (297, 420), "a4": (210, 297),
    "a5": (148, 210), "a6": (105, 148), "a7": (74, 105),
    "b1": (707, 1000), "b2": (500, 707), "b3": (353, 500), "b4": (250, 353), "b5": (176, 250),
}
EXPECTED_IN = {"letter": (8.5, 11), "legal": (8.5, 14), "tabloid": (11, 17), "ledger": (17, 11),
               "ansi-c": (17, 22), "ansi-d": (22, 34), "arch-c": (18, 24), "arch-d": (24, 36)}


@pytest.mark.parametrize("name", list(EXPECTED_MM) + list(EXPECTED_IN))
def test_registered_size_in_points(name):
    size = get_size(name)
    w, h = (EXPECTED_MM[name][0] * MM, EXPECTED_MM[name][1] * MM) if name in EXPECTED_MM else \
        (EXPECTED_IN[name][0] * 72, EXPECTED_IN[name][1] * 72)
    assert (round(size.width, 2), round(size.height, 2)) == (round(w, 2), round(h, 2))


@pytest.mark.parametrize("spec, points", [("594x841mm", (594 * MM, 841 * MM)), ("18x24in", (1296, 1728)),
                                          ("50x70cm", (500 * MM, 700 * MM)), ("18 × 24 in", (1296, 1728))])
def test_custom_sizes(spec, points):
    size = get_size(spec)
    assert (round(size.width, 2), round(size.height, 2)) == (round(points[0], 2), round(points[1], 2))


def test_orientation_swaps_sides_and_names_files():
    landscape = get_size("A4", "landscape")
    assert (round(landscape.width, 2), round(landscape.height, 2)) == (841.89, 595.28)
    assert landscape.name == "a4-landscape" and landscape.orientation == "landscape"
    assert get_size("A4", "portrait") == get_size("a4")
    assert get_size("ledger", "portrait").width == get_size("tabloid").width


def test_unknown_size_suggests_nearest():
    with pytest.raises(UsageError, match=r"did you mean .*a4"):
        get_size("A44")
    with pytest.raises(UsageError, match="did you mean .*arch-c"):
        get_size("arch-x")


def test_sizes_command_lists_dimensions():
    from click.testing import CliRunner

    from wildpress.cli import main

    listing = CliRunner().invoke(main, ["sizes"]).output
    for name in list(EXPECTED_MM) + list(EXPECTED_IN):
        assert f"\n{name} " in "\n" + listing
    assert "610 × 914 mm  (24.00 × 36.00 in)" in listing
