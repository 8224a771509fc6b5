"""Resources a layout or species points WeasyPrint at: data: URLs get the file checks, SVG <use>
is bounded, stylesheet @import chains cannot loop or nest without end (issue 18)."""

from __future__ import annotations

import base64

import pytest

from wildpress.layout.fetcher import MAX_IMPORT_DEPTH, ConfinedFetcher
from wildpress.safety.confine import Confinement
from wildpress.safety.images import MAX_SVG_USE_COPIES, MAX_SVG_USES, svg_problem

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'


def test_a_use_that_refers_to_itself_or_an_ancestor_is_refused_naming_the_id():
    assert "refers back to '#a'" in svg_problem(SVG.format('<use id="a" href="#a"/>').encode(), "x.svg")
    looped = SVG.format('<g id="g"><rect width="1" height="1"/><use xlink:href="#g"/></g>')
    assert "refers back to '#g'" in svg_problem(looped.encode(), "x.svg")


def test_a_use_bomb_is_refused_by_the_copies_it_would_draw():
    levels = ['<g id="l0"><rect width="1" height="1"/></g>']
    for n in range(1, 8):  # each level draws the one below ten times: 10^7 rectangles from 71 elements
        levels.append(f'<g id="l{n}">' + f'<use href="#l{n - 1}"/>' * 10 + "</g>")
    problem = svg_problem(SVG.format("".join(levels)).encode(), "bomb.svg")
    assert problem and str(MAX_SVG_USE_COPIES) in problem.replace(",", "") and "bomb.svg" in problem


def test_too_many_use_elements_are_refused_and_an_ordinary_svg_passes():
    many = SVG.format('<rect id="r" width="1" height="1"/>' + '<use href="#r"/>' * (MAX_SVG_USES + 1))
    assert svg_problem(many.encode(), "many.svg")
    fine = SVG.format('<rect id="r" width="1" height="1"/>' + '<use href="#r"/>' * 20)
    assert svg_problem(fine.encode(), "fine.svg") is None


def _fetch(tmp_path, url):
    return ConfinedFetcher(Confinement.for_project(tmp_path, [])).fetch(url)


def test_an_import_loop_through_two_stylesheets_is_refused(tmp_path):
    (tmp_path / "a.css").write_text('@import "b.css";\n')
    (tmp_path / "b.css").write_text('@import "a.css";\n')
    with pytest.raises(Exception, match=r"already being imported \(a.css -> b.css -> a.css\)"):
        _fetch(tmp_path, (tmp_path / "a.css").as_uri())


def test_an_import_chain_deeper_than_the_cap_is_refused(tmp_path):
    for n in range(MAX_IMPORT_DEPTH + 2):
        (tmp_path / f"s{n}.css").write_text(f'@import "s{n + 1}.css";\n')
    (tmp_path / f"s{MAX_IMPORT_DEPTH + 2}.css").write_text("p { color: red }\n")
    with pytest.raises(Exception, match=str(MAX_IMPORT_DEPTH)):
        _fetch(tmp_path, (tmp_path / "s0.css").as_uri())


def test_a_data_url_is_decoded_by_the_fetcher_under_the_file_checks(tmp_path):
    ok = "data:text/css;base64," + base64.b64encode(b"p { color: red }").decode()
    response = _fetch(tmp_path, ok)
    body = response.read() if hasattr(response, "read") else response.get("string")
    assert b"color: red" in (body if isinstance(body, bytes) else str(body).encode())
    svg = base64.b64encode(b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>').decode()
    with pytest.raises(Exception, match="DTD or entities"):
        _fetch(tmp_path, "data:image/svg+xml;base64," + svg)
    with pytest.raises(Exception, match="not an image format"):  # bytes that are no known image
        _fetch(tmp_path, "data:image/png;base64," + base64.b64encode(b"<html>not a picture</html>").decode())


def test_an_import_loop_through_a_data_stylesheet_is_refused(tmp_path):
    """a.css imports a data: stylesheet that imports a.css again (issue 18: data: sheets were not walked)."""
    back = f"@import url('{(tmp_path / 'a.css').as_uri()}');"
    (tmp_path / "a.css").write_text(f'@import url("data:text/css,{back}");\n')
    with pytest.raises(Exception, match=r"a.css imports a.css, which is already being imported|already being imported"):
        _fetch(tmp_path, (tmp_path / "a.css").as_uri())
    nested = "p { color: red }"
    for _level in range(MAX_IMPORT_DEPTH + 1):  # data: sheets nested in data: sheets
        nested = "@import url(\"data:text/css;base64," + base64.b64encode(nested.encode()).decode() + "\");"
    with pytest.raises(Exception, match=f"nested more than {MAX_IMPORT_DEPTH}"):
        _fetch(tmp_path, "data:text/css;base64," + base64.b64encode(nested.encode()).decode())
