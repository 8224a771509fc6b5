"""Hypothesis fuzzing of the YAML loader and the species validator (issue 8).

Whatever the input, the only outcome other than success is a located
:class:`~wildpress.data.yamlsafe.YAMLProblem` (loader) or a list of Problems
(validator): never another exception. The default run is 5,700
examples in about 40 s; ``WILDPRESS_FUZZ_SCALE=10`` runs ten times as many.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLES
from wildpress.errors import Problem
from wildpress.safety.confine import Confinement
from wildpress.data.species import check_file
from wildpress.data.yamlsafe import YAMLProblem, load_text

SCALE = int(os.environ.get("WILDPRESS_FUZZ_SCALE", "1"))

def _fuzz(examples: int):
    return settings(max_examples=examples * SCALE, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.function_scoped_fixture])

# Pieces of YAML syntax, so random text often gets deep into the parser instead of failing at once.
TOKENS = ["a:", "b: ", "- ", "  ", "\n", "'", '"', "[", "]", "{", "}", ",", ":", "#", "&x ", "*x", "!!str ",
          "!!python/object/apply:os.system ", "!t ", "<<: ", "|\n", ">-\n", "? ", "---\n", "...\n", "%YAML 1.2\n",
          "1", "0x1F", "01234", "1.10", ".inf", "NO", "null", "~", "\t", "\\", "\u00e9", "\u202e", "\x00", "\ufeff",
          "schema: 1\n", "name: {common: X, scientific: Felis catus}\n", "status: {category: LC}\n",
          "sources: [{title: T}]\n", "quick_facts:\n", "photo: {file: ../../etc/passwd, credit: c, licence: l, alt: a}\n"]
yamlish = st.lists(st.sampled_from(TOKENS) | st.text(string.printable, max_size=4), max_size=40).map("".join)


def _loads_or_reports(text: str) -> None:
    try:
        load_text(text, "fuzz.yaml")
    except YAMLProblem as exc:
        assert isinstance(exc.problem, Problem) and str(exc.problem).startswith("fuzz.yaml")


@_fuzz(2000)
@given(st.text(max_size=200))
def test_loader_on_any_text(text):
    _loads_or_reports(text)


@_fuzz(2000)
@given(yamlish)
def test_loader_on_yaml_like_text(text):
    _loads_or_reports(text)


# Species-shaped documents: the right keys with values of every shape.
scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True) | st.text(max_size=30)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.sampled_from(["en", "value", "min", "max", "unit", "name", "title",
                                                         "category", "file", "x", "y", "ru"]), inner, max_size=4),
                      max_leaves=12)
KEYS = ["schema", "id", "taxon", "name", "status", "population", "measurements", "range", "description", "habitat",
        "diet", "quick_facts", "threats", "conservation", "photo", "links", "sources", "accent", "unknown"]
documents = st.fixed_dictionaries({"schema": st.just(1) | values,
                                   "name": st.just({"common": "X", "scientific": "Felis catus"}) | values,
                                   "status": st.just({"category": "LC"}) | values,
                                   "sources": st.just([{"title": "T"}]) | values},
                                  optional={k: values for k in KEYS if k not in ("schema", "name", "status", "sources")})


def _validates_or_reports(path: Path, confinement: Confinement) -> None:
    species, problems = check_file(path, confinement=confinement)
    assert all(isinstance(p, Problem) for p in problems)
    assert (species is None) == any(p.severity == "error" for p in problems)


@_fuzz(700)
@given(documents)
def test_validator_on_species_shaped_documents(tmp_path_factory, doc):
    folder = tmp_path_factory.getbasetemp() / "fuzz-docs"
    folder.mkdir(exist_ok=True)
    path = folder / "fuzzed-species.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    _validates_or_reports(path, Confinement.for_project(folder))


SAMPLE = (SAMPLES / "amur-leopard.yaml").read_bytes()


@_fuzz(1000)
@given(st.lists(st.tuples(st.integers(0, len(SAMPLE)), st.integers(0, 8), st.binary(max_size=6)), max_size=6))
def test_validator_on_damaged_real_files(tmp_path_factory, edits):
    data = bytearray(SAMPLE)
    for at, cut, insert in edits:
        data[at:at + cut] = insert
    folder = tmp_path_factory.getbasetemp() / "fuzz-edits"
    folder.mkdir(exist_ok=True)
    path = folder / "amur-leopard.yaml"
    path.write_bytes(bytes(data))
    _validates_or_reports(path, Confinement.for_project(folder))
