"""Golden output: the fact sheet's HTML for the Amur leopard, compared as a readable diff.

Regenerate after an intended template change with:
    WILDPRESS_REGEN_GOLDEN=1 python -m pytest tests/test_golden.py
and review the change with `git diff tests/golden/`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re

import pytest

from conftest import SAMPLES
from wildpress.build import Job, Settings, template_context
from wildpress.layout.layouts import load_layout
from wildpress.layout.render import Renderer
from wildpress.printing.sizes import get_size
from wildpress.data.species import load_species

GOLDEN = SAMPLES.parent.parent / "tests" / "golden"


@pytest.mark.parametrize("species, layout, size", [("amur-leopard", "factsheet", "a4")])
def test_html_matches_golden(species, layout, size):
    (sp,), _ = load_species([SAMPLES / f"{species}.yaml"])
    lay = load_layout(layout)
    job = Job([sp], lay, get_size(size), lay.resolve_options({}), sp.id)
    settings = Settings(created=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    html = Renderer().html(lay, template_context(job, settings))
    # Prepared photos live in the asset cache: keep the file name (a content hash), not the folder.
    html = re.sub(r"file://[^\"]*/photos/", "file:///CACHE/photos/", html)
    golden = GOLDEN / f"{species}-{layout}-{size}.html"
    if os.environ.get("WILDPRESS_REGEN_GOLDEN"):
        golden.write_text(html)
    expected = golden.read_text()
    if html != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), html.splitlines(True),
                                            str(golden), "rendered", n=2))
        pytest.fail("HTML differs from the golden file (regenerate with WILDPRESS_REGEN_GOLDEN=1 "
                    f"if intended):\n{diff}")
