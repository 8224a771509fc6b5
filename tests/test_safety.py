"""Untrusted layouts and species files: resources stay inside the project, nothing is lost."""

from __future__ import annotations

import pytest

from conftest import SAMPLES
from pdfcheck import reader, text
from wildpress import build
from wildpress.errors import DataError, LayoutError, RenderError


def _evil_layout(root, body: str, css: str = ""):
    folder = root / "layouts" / "evil"
    folder.mkdir(parents=True)
    (folder / "layout.yaml").write_text(
        "name: evil\ndescription: x\nkind: document\nextends: base\ntemplate: t.html.j2\nstyles: [e.css]\n")
    (folder / "t.html.j2").write_text("{% extends 'base.html.j2' %}{% block body %}" + body + "{% endblock %}")
    (folder / "e.css").write_text(css)
    return folder


def _build(tmp_path):
    return build([SAMPLES / "amur-leopard.yaml"], ["evil"], ["A4"], tmp_path / "out", project_dir=tmp_path)


@pytest.mark.parametrize("body", [
    '<link rel="attachment" href="file:///etc/passwd"><p>x</p>',
    '<img src="../../../../../../etc/hostname" alt="">',
    '<img src="file:///dev/zero" alt="">',
    '<img src="http://example.invalid/x.png" alt="">',
    '<img src="missing-photo.jpg" alt="">',
])
def test_resources_outside_the_project_fail_the_build(tmp_path, body, weasyprint_must_not_warn):
    _evil_layout(tmp_path, body)
    with pytest.raises(RenderError, match="amur-leopard / evil / A4: WeasyPrint reported problems"):
        _build(tmp_path)
    assert not (tmp_path / "out").exists()  # no half-written PDF
    weasyprint_must_not_warn.records.clear()  # the warnings were the point of this test


def test_css_imports_and_symlinks_out_of_the_project_are_blocked(tmp_path, weasyprint_must_not_warn):
    folder = _evil_layout(tmp_path, "<p>x</p>", css='p { background: url("leak.png"); }')
    (folder / "leak.png").symlink_to("/etc/hostname")
    with pytest.raises(RenderError, match="outside the project"):
        _build(tmp_path)
    weasyprint_must_not_warn.records.clear()


def test_jinja_is_sandboxed(tmp_path):
    _evil_layout(tmp_path, "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(LayoutError, match="unsafe|access to attribute"):
        _build(tmp_path)


def test_species_text_is_escaped_not_interpreted(tmp_path):
    species = tmp_path / "data" / "species" / "sneaky.yaml"
    species.parent.mkdir(parents=True)
    species.write_text("schema: 1\nname: {common: '<img src=\"file:///etc/passwd\">Cat', scientific: Felis catus}\n"
                       "status: {category: LC}\nsources: [{title: T}]\n")
    result = build([species], ["factsheet"], ["A4"], tmp_path / "out", project_dir=tmp_path)
    assert '<img src="file:///etc/passwd">Cat' in text(reader(result.outputs[0].path))


def test_oversized_species_file_is_refused(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("schema: 1\n" + "#" * 1_100_000 + "\n")
    with pytest.raises(DataError, match="the limit is 1000000"):
        build([big], out_dir=tmp_path / "out", project_dir=tmp_path)


def test_speed_only_warnings_do_not_fail_a_build_but_page_warnings_do(weasyprint_must_not_warn):
    import logging

    from wildpress.layout.render import weasyprint_warnings

    logger = logging.getLogger("weasyprint")
    with weasyprint_warnings() as collected:
        logger.warning('Using fontTools instead of HarfBuzz-Subset for font "X". This will be slower.')
        logger.warning("Failed to load image at file:///x.jpg")
    assert collected == ["Failed to load image at file:///x.jpg"]
    assert weasyprint_must_not_warn.records == ["Failed to load image at file:///x.jpg"]
    weasyprint_must_not_warn.records.clear()
