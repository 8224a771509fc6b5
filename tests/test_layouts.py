"""Layouts as folders: search path, extends, manifests and options that check themselves."""

from __future__ import annotations

import pytest

from conftest import SAMPLES
from pdfcheck import reader, text
from wildpress import build
from wildpress.errors import LayoutError, UsageError
from wildpress.layout.layouts import load_layout


def _layout(root, name, manifest, files=None):
    folder = root / "layouts" / name
    folder.mkdir(parents=True)
    (folder / "layout.yaml").write_text(manifest)
    for fname, content in (files or {}).items():
        (folder / fname).write_text(content)
    return folder


def test_project_layout_extends_a_builtin_and_overrides_its_css(tmp_path):
    _layout(tmp_path, "mysheet",
            "name: mysheet\ndescription: Branded fact sheet\nkind: document\nextends: factsheet\n"
            "styles: [brand.css]\n",
            {"brand.css": ".kicker::after { content: ' / Brand Trust'; }"})
    layout = load_layout("mysheet", tmp_path)
    assert layout.template == "factsheet.html.j2"
    assert [p.name for p in layout.style_files()] == ["base.css", "factsheet.css", "brand.css"]
    result = build([SAMPLES / "amur-leopard.yaml"], ["mysheet"], ["A4"], tmp_path / "out", project_dir=tmp_path)
    assert result.outputs[0].path.name == "amur-leopard-mysheet-a4.pdf"
    assert "BRAND TRUST" in text(reader(result.outputs[0].path))  # the kicker is set in capitals


def test_project_layout_shadows_builtin_of_same_name(tmp_path):
    _layout(tmp_path, "factsheet",
            "name: factsheet\ndescription: Mine\nkind: document\nextends: base\ntemplate: mine.html.j2\n",
            {"mine.html.j2": "{% extends 'base.html.j2' %}{% block body %}<h1>Mine: {{ species.name.common | t }}"
                             "</h1>{% endblock %}"})
    result = build([SAMPLES / "amur-leopard.yaml"], ["factsheet"], ["A4"], tmp_path / "out", project_dir=tmp_path)
    assert "Mine: Amur leopard" in text(reader(result.outputs[0].path))


def test_manifest_errors_name_file_and_line(tmp_path):
    folder = _layout(tmp_path, "broken", "name: broken\ndescription: x\nkind: poster\n")
    with pytest.raises(LayoutError) as err:
        load_layout("broken", tmp_path)
    assert f"{folder / 'layout.yaml'}:3:7: kind: 'poster' is not allowed (expected one of abstract, document, cards, booklet)" \
        in str(err.value)


def test_extends_loop_and_unknown_parent(tmp_path):
    _layout(tmp_path, "a", "name: a\ndescription: x\nkind: document\nextends: b\ntemplate: t\n")
    _layout(tmp_path, "b", "name: b\ndescription: x\nkind: document\nextends: a\n")
    _layout(tmp_path, "c", "name: c\ndescription: x\nkind: document\nextends: nothere\n")
    with pytest.raises(LayoutError, match="'extends' loops"):
        load_layout("a", tmp_path)
    with pytest.raises(LayoutError, match="extends unknown layout 'nothere'"):
        load_layout("c", tmp_path)


def test_abstract_layouts_cannot_be_built():
    with pytest.raises(UsageError, match="base for other layouts"):
        load_layout("base")


def test_options_validate_themselves():
    layout = load_layout("factsheet")
    assert layout.resolve_options({"show_sources": "no"})["show_sources"] is False
    assert layout.resolve_options({"accent": "#aa3300"})["accent"] == "#aa3300"
    with pytest.raises(UsageError, match="expected true or false, got 'maybe'"):
        layout.resolve_options({"show_sources": "maybe"})
    with pytest.raises(UsageError, match="expected a colour like #1f5c3a, got 'red'"):
        layout.resolve_options({"accent": "red"})
    assert "Accent colour such as #1f5c3a" in layout.options["accent"].help  # '#' must not start a YAML comment


def test_undefined_template_variable_names_template_and_line(tmp_path):
    _layout(tmp_path, "typo",
            "name: typo\ndescription: x\nkind: document\nextends: base\ntemplate: t.html.j2\n",
            {"t.html.j2": "{% extends 'base.html.j2' %}\n{% block body %}\n<p>{{ species.nmae }}</p>\n"
                          "{% endblock %}\n"})
    with pytest.raises(LayoutError, match=r"t\.html\.j2:3: 'dict object' has no attribute 'nmae'"):
        build([SAMPLES / "amur-leopard.yaml"], ["typo"], ["A4"], tmp_path / "out", project_dir=tmp_path)
    assert not (tmp_path / "out").exists()


def test_options_go_to_the_layouts_that_declare_them():
    from wildpress.build import plan
    from wildpress.data.species import load_species

    species, _ = load_species([SAMPLES / "amur-leopard.yaml"])
    layouts = [load_layout("factsheet"), load_layout("flashcards")]
    jobs = plan(species, layouts, ["a4"], None, {"front": "question", "show_sources": "no"})
    by_layout = {job.layout.name: job.options for job in jobs}
    assert by_layout["factsheet"]["show_sources"] is False and "front" not in by_layout["factsheet"]
    assert by_layout["flashcards"]["front"] == "question"
    with pytest.raises(UsageError, match="has no option 'fron'"):
        plan(species, layouts, ["a4"], None, {"fron": "x"})


def test_a_project_layout_declares_its_own_ladder(tmp_path):
    """One mechanism for every layout: a one-page sheet that drops the threats, then the quick facts."""
    _layout(tmp_path, "onepager",
            "name: onepager\ndescription: One page only\nkind: document\nextends: factsheet\nmax_pages: 1\n"
            "ladder:\n"
            "  - {name: no threats, drop: [threats]}\n"
            "  - {name: 'two quick facts', limit: {quick_facts: 2}}\n"
            "  - {name: small type, class: fit-small}\n"
            "  - {name: tight, class: fit-tight}\n"
            "  - {name: just the essentials, drop: [description, habitat, range.notes, quick_facts, sources,\n"
            "                                      conservation.actions, population.subpopulations, map, ecology,\n"
            "                                      conservation.organisations]}\n")
    layout = load_layout("onepager", tmp_path)
    assert [s["name"] for s in layout.manifest["ladder"]][0] == "no threats"
    result = build([SAMPLES / "snow-leopard.yaml"], ["onepager"], ["A4"], tmp_path / "out", project_dir=tmp_path)
    pdf = reader(result.outputs[0].path)
    assert len(pdf.pages) == 1
    content = text(pdf)
    assert "THREATS" not in content and "Poaching" not in content
    [warning] = [str(w) for w in result.warnings]
    assert "snow-leopard / onepager / A4: to fit, left out " in warning and "threats" in warning


def test_a_ladder_step_must_say_what_it_does(tmp_path):
    _layout(tmp_path, "badladder",
            "name: badladder\ndescription: x\nkind: document\nextends: factsheet\n"
            "ladder:\n  - {class: fit-small}\n")
    with pytest.raises(LayoutError, match=r"layout\.yaml:6:\d+: ladder\[0\].*name"):
        load_layout("badladder", tmp_path)


def test_a_css_mistake_names_its_stylesheet_and_line_for_every_document(tmp_path):
    _layout(tmp_path, "bad", "name: bad\ndescription: Bad CSS\nkind: document\nextends: factsheet\n"
                             "styles: [bad.css]\n",
            {"bad.css": "/* brand */\n.kicker { font-sise: 3pt; }\n"})
    species = [SAMPLES / "amur-leopard.yaml", SAMPLES / "axolotl.yaml"]
    result = build(species, ["bad"], ["A4"], tmp_path / "out", project_dir=tmp_path, raise_errors=False)
    assert len(result.failures) == 2 and not result.outputs  # the cached sheet fails the second one too
    for failure in result.failures:
        assert "bad/bad.css:2:" in failure.message and "font-sise" in failure.message, failure.message
