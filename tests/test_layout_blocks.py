"""Every named block of every built-in layout can be overridden alone (issue 19).

A project holds one child layout per (layout, block): ``extends: <layout>`` and a
template that replaces that one block with a marker paragraph. All of them are
built in one build (the workers share the work), once for the module; each test
reads one PDF's text: the marker is there, and so is the text of parts outside
the overridden block. A test also checks that this list names every block the
templates have, so a new block cannot go untested.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes

from conftest import SAMPLES
from pdfcheck import text_geometry
from wildpress import build
from wildpress.jobs import Settings
from wildpress.layout import contract
from wildpress.printing.imposition import ImpositionSettings
from wildpress.resources import layouts_dir


KINDS = {"poster": "document", "factsheet": "document", "flashcards": "cards", "booklet": "booklet"}
# layout -> (its entry template, the size built); its blocks are the contract's (wildpress.layout.contract)
ENTRY = {"poster": ("poster.html.j2", "a4"), "factsheet": ("factsheet.html.j2", "a4"),
         "flashcards": ("flashcards.html.j2", "a7"), "booklet": ("booklet.html.j2", "a4")}
BLOCKS = {layout: (*ENTRY[layout], contract.BLOCKS[layout]) for layout in ENTRY}
# Blocks of base.html.j2, shared by every layout that extends it (the <head> and the page).
BASE_BLOCKS = set(contract.BLOCKS["base"])

# Text printed by one part of each layout's leopard output, and the blocks that print it (the part
# itself and those around it): overriding any other block leaves it in place.
SENTINELS = {
    "poster": [("Threats", {"threats"}), ("Sources:", {"sources", "call_to_action"})],
    "factsheet": [("Threats", {"threats"}), ("Sources.", {"sources", "footer"})],
    "flashcards": [("Panthera pardus orientalis", {"card_front", "front_photo", "name_band", "card_back",
                                                   "back_header"}),
                   ("Photo:", {"card_back", "footer", "photo_credit"})],
    "booklet": [("Contents", {"contents"}), ("Amur leopard", set())],
}
# Blocks a leopard's default output does not print (another card front, a section the record
# lacks, a booklet part it has no pages for): built from the record and options that print them.
SHOWN_BY = {
    ("flashcards", "front_question"): ("amur-leopard", {"front": "question"}),
    ("flashcards", "front_clue"): ("atlantic-puffin", {"front": "photo"}),  # no photo: a clue instead
    ("flashcards", "front_name"): ("atlantic-puffin", {}),
    ("factsheet", "links"): ("axolotl", {}),
    ("booklet", "blanks"): ("amur-leopard", {"pad": "four"}),
}


def marker(layout: str, block: str) -> str:
    return f"Overridden {layout} {block.replace('_', ' ')}"


def cases() -> list[tuple[str, str]]:
    return [(layout, block) for layout, (_, _, blocks) in BLOCKS.items() for block in blocks]


def child_name(layout: str, block: str) -> str:
    return f"{layout}-{block}".replace("_", "-")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """(layout, block) -> the PDF of the child layout overriding that block, all in one build."""
    root = tmp_path_factory.mktemp("blocks-project")
    for layout, block in cases():
        folder = root / "layouts" / child_name(layout, block)
        folder.mkdir(parents=True)
        (folder / "layout.yaml").write_text(
            f"name: {child_name(layout, block)}\ndescription: {layout} with its {block} block replaced\n"
            f"kind: {KINDS[layout]}\nextends: {layout}\ntemplate: child.html.j2\n")
        (folder / "child.html.j2").write_text(
            f'{{% extends "{BLOCKS[layout][0]}" %}}\n'
            f'{{% block {block} %}}<p class="marker">{marker(layout, block)}</p>{{% endblock %}}\n')
    groups: dict[tuple, list[tuple[str, str]]] = {}  # (size, species, options) -> cases built together
    for case in cases():
        species, options = SHOWN_BY.get(case, ("amur-leopard", {}))
        groups.setdefault((BLOCKS[case[0]][1], species, tuple(options.items())), []).append(case)
    settings = Settings(cards=ImpositionSettings(mode="none"))  # cards: one side per page
    outputs = {}
    for (size, species, options), group in groups.items():
        names = [child_name(*case) for case in group]
        result = build([SAMPLES / f"{species}.yaml"], names, [size], root / "out" / species / str(len(outputs)),
                       options=dict(options), settings=settings, project_dir=root)
        assert not result.failures, result.failures
        paths = {output.job.layout.name: output.path for output in result.outputs}
        outputs.update({case: paths[child_name(*case)] for case in group})
    return outputs


def squeezed(text: str) -> str:
    """Text without spaces or case: headings are set in letter-spaced capitals."""
    return re.sub(r"\s+", "", text.replace("\u00ad", "")).casefold()


def document_text(path: Path) -> str:
    return squeezed("".join(page["text"] for page in text_geometry(path)))


@pytest.mark.parametrize("layout,block", cases(), ids=[f"{a}-{b}" for a, b in cases()])
def test_one_block_overridden_alone(built, layout, block):
    text = document_text(built[(layout, block)])
    assert squeezed(marker(layout, block)) in text
    if (layout, block) in SHOWN_BY:
        return  # another record: the leopard's sentinels are not its text
    for sentinel, printed_by in SENTINELS[layout]:
        if block not in printed_by:
            assert squeezed(sentinel) in text, f"overriding {block} lost {sentinel!r}"


def template_blocks(folder: str, template: str) -> set[str]:
    source = (layouts_dir() / folder / template).read_text(encoding="utf-8")
    return {block.name for block in jinja2.Environment(extensions=["jinja2.ext.i18n"]).parse(source)
            .find_all(nodes.Block)}


@pytest.mark.parametrize("layout", BLOCKS)
def test_every_block_is_listed(layout):
    """The contract lists every block the layout's template defines beyond base's: none goes untested."""
    template, _, blocks = BLOCKS[layout]
    assert template_blocks(layout, template) - BASE_BLOCKS == set(blocks)


def test_base_blocks_listed():
    assert template_blocks("base", "base.html.j2") == BASE_BLOCKS
