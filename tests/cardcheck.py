"""Helpers for flashcard tests: generated decks and where imposed cards landed."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import yaml

from conftest import SAMPLES
from wildpress.data.yamlsafe import load_file

MM = 72 / 25.4


def make_deck(folder: Path, count: int, edit=None) -> Path:
    """``count`` species files in ``folder``: the samples, repeated under new ids."""
    folder.mkdir(parents=True, exist_ok=True)
    samples = sorted(SAMPLES.glob("*.yaml"))
    for n in range(count):
        data = load_file(samples[n % len(samples)]).data  # wildpress's loader: 'NO' stays Norway
        data["id"] = f"{samples[n % len(samples)].stem}-{n:03d}"
        data.pop("photo", None)  # the copies live outside data/species, away from its photos
        if edit:
            edit(n, data)
        (folder / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                    encoding="utf-8")
    return folder


def multiply(m1, m2):
    """PDF matrix product: apply m1, then m2."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def point(m, x, y):
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def placements(data: bytes) -> list[dict]:
    """Per sheet page: XObject name -> the full matrix (CTM) it was drawn with, read from the PDF."""
    pdf = pikepdf.open(io.BytesIO(data))
    pages = []
    for page in pdf.pages:
        ctm, stack, found = (1, 0, 0, 1, 0, 0), [], {}
        for operands, op in pikepdf.parse_content_stream(page):
            op = str(op)
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop()
            elif op == "cm":
                ctm = multiply(tuple(float(v) for v in operands), ctm)
            elif op == "Do":
                found[str(operands[0]).lstrip("/")] = ctm
        pages.append(found)
    return pages
