"""The layout contract (wildpress.layout.contract) against the built-in templates and real contexts.

Every top-level name a built-in template reads (Jinja's own undeclared-variable
analysis, less the names the template sets itself), every part of a context object
it reads (``fit.shows``, ``page.width_mm`` ...), every filter, macro, block and
``data-*`` attribute is documented; and every documented name exists: in the
context of a real fact sheet, deck or booklet, among the filters and globals of the
real environment, in base/macros.html.j2, in the layout.yaml schema.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import jinja2
import pytest
from jinja2 import meta, nodes

from conftest import SAMPLES
from wildpress.build import Job, Settings, template_context
from wildpress.data.species import load_species
from wildpress.layout import contract, formatting
from wildpress.layout.layouts import _MANIFEST, load_layout
from wildpress.layout.render import Renderer
from wildpress.printing.sizes import get_size
from wildpress.resources import layouts_dir

WALKTHROUGH = Path(__file__).resolve().parent.parent / "docs" / "walkthrough" / "leaflet"
# The built-in layouts' templates and the walk-through's leaflet, written from the docs alone.
TEMPLATES = sorted(layouts_dir().rglob("*.html.j2")) + sorted(WALKTHROUGH.glob("*.html.j2"))
NAMESPACES = {"photos", "qr", "maps", "geometry", "page", "fit", "brand", "meta"}  # documented part by part
JINJA = jinja2.Environment()


def parse(path: Path) -> nodes.Template:
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    env.filters.update(formatting.filters("en"))
    return env.parse(path.read_text(encoding="utf-8"))


def assigned(ast: nodes.Template) -> set[str]:
    """Names the template itself sets: variables, loop targets, macros and their arguments, imports."""
    names = {name.name for name in ast.find_all(nodes.Name) if name.ctx in ("store", "param")}
    names |= {macro.name for macro in ast.find_all(nodes.Macro)}
    return names | {imp.target for imp in ast.find_all(nodes.Import)}


def documented(entries) -> set[str]:
    return {entry.name for entry in entries}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.parent.name + "/" + p.name)
def test_every_name_a_template_reads_is_documented(path):
    ast = parse(path)
    used = meta.find_undeclared_variables(ast) - assigned(ast) - set(JINJA.globals)
    known = {name.split(".")[0] for name in documented(contract.VARIABLES)} | documented(contract.GLOBALS)
    assert used <= known, f"undocumented: {sorted(used - known)}"
    parts = {f"{attr.node.name}.{attr.attr}" for attr in ast.find_all(nodes.Getattr)
             if isinstance(attr.node, nodes.Name) and attr.node.name in NAMESPACES
             and attr.node.name not in assigned(ast)}
    assert parts <= documented(contract.VARIABLES), f"undocumented: {sorted(parts - documented(contract.VARIABLES))}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.parent.name + "/" + p.name)
def test_every_filter_a_template_uses_is_documented_or_jinjas(path):
    used = {f.name for f in parse(path).find_all(nodes.Filter)}
    assert used <= documented(contract.FILTERS) | set(JINJA.filters)


def test_documented_filters_are_the_real_ones():
    assert documented(contract.FILTERS) == set(formatting.filters("en"))


def test_documented_globals_exist():
    env = Renderer().environment(load_layout("factsheet"), "en")
    assert documented(contract.GLOBALS) <= set(env.globals)


def test_documented_macros_are_base_macros():
    macros = {macro.name for macro in parse(layouts_dir() / "base" / "macros.html.j2").find_all(nodes.Macro)}
    assert documented(contract.MACROS) == macros


def test_documented_blocks_are_the_templates_blocks():
    entry = {"base": "base.html.j2", "poster": "poster.html.j2", "factsheet": "factsheet.html.j2",
             "flashcards": "flashcards.html.j2", "booklet": "booklet.html.j2"}
    base = set(contract.BLOCKS["base"])
    for layout, template in entry.items():
        blocks = {block.name for block in parse(layouts_dir() / layout / template).find_all(nodes.Block)}
        assert blocks - (base if layout != "base" else set()) == set(contract.BLOCKS[layout]), layout


def test_documented_attributes_are_the_ones_templates_write():
    used = set()
    for path in TEMPLATES:
        used |= set(re.findall(r"\b(data-[a-z]+)=", path.read_text(encoding="utf-8")))
    assert documented(contract.ATTRIBUTES) == used


def test_documented_manifest_keys_exist():
    assert documented(contract.MANIFEST) <= set(_MANIFEST.schema["properties"])
    fonts = load_layout("poster").manifest.get("fonts") or load_layout("base").manifest.get("fonts")
    assert fonts is None or set(fonts) >= {"sans", "display"}


def resolves(context: dict, name: str) -> bool:
    top, _, part = name.partition(".")
    if top not in context:
        return False
    value = context[top]
    return not part or (part in value if isinstance(value, dict) else hasattr(value, part))


@pytest.fixture(scope="module")
def document_context() -> dict:
    (sp,), _ = load_species([SAMPLES / "amur-leopard.yaml"])
    lay = load_layout("factsheet")
    job = Job([sp], lay, get_size("a4"), lay.resolve_options({}), sp.id)
    return template_context(job, Settings(created=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)))


def test_documented_names_exist_in_a_real_document_context(document_context):
    missing = [entry.name for entry in contract.VARIABLES
               if entry.where in ("all", "document") and not resolves(document_context, entry.name)]
    assert not missing


@pytest.fixture(scope="module")
def rendered_contexts(monkeypatch_module) -> dict[str, list[dict]]:
    """The contexts a deck's and a booklet's templates really get (captured from Renderer.html)."""
    from wildpress.layout.booklet import render_booklet
    from wildpress.layout.cards import render_cards

    seen: dict[str, list[dict]] = {}
    original = Renderer.html

    def capture(self, layout, context, words="en"):
        seen.setdefault(layout.name, []).append(context)
        return original(self, layout, context, words)

    monkeypatch_module.setattr(Renderer, "html", capture)
    (sp,), _ = load_species([SAMPLES / "amur-leopard.yaml"])
    settings = Settings(created=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    for name, size, render in [("flashcards", "a7", render_cards), ("booklet", "a4", render_booklet)]:
        lay = load_layout(name)
        render(Renderer(), Job([sp], lay, get_size(size), lay.resolve_options({}), name), settings)
    return seen


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.mark.parametrize("where,layout", [("cards", "flashcards"), ("booklet", "booklet")])
def test_documented_names_exist_in_real_deck_and_booklet_contexts(rendered_contexts, where, layout):
    contexts = rendered_contexts[layout]
    for entry in contract.VARIABLES:
        if entry.where in ("all", where) and entry.name != "card":
            assert any(resolves(context, entry.name) for context in contexts), entry.name
    if where == "cards":  # a card is one of `sides`
        sides = contexts[0]["sides"]
        assert sides and {"id", "side", "variant", "fs", "facts", "stats"} <= set(sides[0])


def test_contract_is_in_the_docs_and_the_walkthrough_links_it():
    docs = Path(__file__).resolve().parent.parent / "docs"
    assert contract.markdown() in (docs / "layouts.md").read_text(encoding="utf-8")
    assert "layouts.md#template-contract" in (docs / "walkthrough.md").read_text(encoding="utf-8")
