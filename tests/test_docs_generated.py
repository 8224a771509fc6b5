"""The generated references in docs/ match what the code says today, and the guide's pictures exist."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _generator(name: str):
    spec = importlib.util.spec_from_file_location(name, DOCS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name,target", [("gen_cli", "cli.md"), ("gen_layouts", "layouts.md")])
def test_generated_doc_is_current(name, target):
    expected = _generator(name).generate()
    assert (DOCS / target).read_text(encoding="utf-8") == expected, \
        f"docs/{target} is out of date: run python docs/{name}.py"


def test_cli_reference_has_every_command_and_option():
    from wildpress.cli import main

    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert f"## wildpress {name}" in text
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert opt in text, f"{name} {opt}"


def test_guide_pictures_exist_and_are_small():
    guide = (DOCS / "guide.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\((images/[^)]+)\)", guide)
    assert len(images) >= 4
    for image in images:
        path = DOCS / image
        assert path.is_file(), image
        assert path.stat().st_size < 150_000, image
