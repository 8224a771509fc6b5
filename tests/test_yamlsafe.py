"""The strict YAML loader: YAML 1.2 scalars, positions, and the libyaml fast path agreeing with the reference."""

from __future__ import annotations

import pytest

from conftest import SAMPLES
from wildpress.data import yamlsafe
from wildpress.data.yamlsafe import YAMLProblem, _Loader, _parse, load_text


def test_scalars_resolve_by_yaml_1_2_core_schema():
    doc = load_text("a: NO\nb: 01234\nc: 12:30\nd: 1.10\ne: true\nf: ~\ng: 0x1F\nh: '3'\ni: 2020-01-01\n", "t.yaml")
    assert doc.data == {"a": "NO", "b": 1234, "c": "12:30", "d": 1.1, "e": True, "f": None, "g": 31,
                        "h": "3", "i": "2020-01-01"}
    assert doc.raw[("d",)] == "1.10"  # kept so a text field gets what the author wrote
    assert doc.positions[("c",)] == (3, 4)


@pytest.mark.skipif(yamlsafe._FastLoader is None, reason="PyYAML without libyaml")
@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_libyaml_fast_path_matches_the_reference_loader(path):
    text = path.read_text(encoding="utf-8")
    fast, slow = _parse(yamlsafe._FastLoader, text, path), _parse(_Loader, text, path)
    assert fast.data == slow.data
    assert fast.positions == slow.positions and fast.key_positions == slow.key_positions
    assert fast.raw == slow.raw


@pytest.mark.parametrize("text, message", [
    ("a: &x [1]\nb: *x\n", "t.yaml:2:4: aliases (*name) are not allowed in wildpress files"),
    ("a: 1\na: 2\n", "t.yaml:2:1: duplicate key 'a' (first defined on line 1)"),
    ("a: " + "[" * 100 + "]" * 100 + "\n", "nesting deeper than 32 levels"),
    ("a: !!python/object:os.system x\n", "t.yaml:1:4: YAML tags (!!python/object:os.system) are not allowed"),
    ("a: !!python/object/apply:os.system [ls]\n", "t.yaml:1:4: YAML tags (!!python/object/apply:os.system) are not"),
    ("a:\n  b: !!map {x: 1}\n", "t.yaml:2:6: YAML tags (!!map) are not allowed in wildpress files"),
    ("a: !!str x\n", "t.yaml:1:4: YAML tags (!!str) are not allowed in wildpress files"),
    ("a: 1\nb: 'open\n" + "c: 2\n" * 117, "t.yaml:2:4: invalid YAML: quoted text starting here is not closed "
                                            "(the file ended at line 120, column 1)"),
    ("<<: {a: 1}\n", "t.yaml:1:1: merge keys (<<) are not allowed"),
])
def test_refused_constructs(text, message):
    with pytest.raises(YAMLProblem) as err:
        load_text(text, "t.yaml")
    assert message in str(err.value)
