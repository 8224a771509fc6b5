"""Layers run one way: a module of wildpress imports only from its own layer or lower ones.

Every ``.py`` under ``src/wildpress`` is parsed with :mod:`ast`; every import counts --
at the top, inside a function (a lazy import is still a dependency), in a ``try`` --
except those under ``if TYPE_CHECKING:``, which never run. Relative imports are resolved
to absolute names, and ``from package import name`` is an import of ``package.name``
when that is a module. Importing the top package ``wildpress`` itself is allowed only for
its constants (``__version__``, ``GENERATOR``), which sit at layer 0.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "wildpress"

TOP = 12
#: Layer of each module or package, low to high. A package's layer covers every module in it;
#: the top package's own ``__init__`` is matched exactly (it imports build and request).
LAYERS = {
    # 0: foundations, no other part of wildpress
    "wildpress.errors": 0,
    "wildpress.resources": 0,
    "wildpress.syslibs": 0,
    "wildpress.oscompat": 0,
    "wildpress.terminal": 0,  # escapes text for a terminal; imports only click and unicodedata
    # 1..: one way up
    "wildpress.safety": 1,
    "wildpress.pictures": 2,
    "wildpress.printing": 2,
    "wildpress.data": 3,
    "wildpress.i18n": 4,
    "wildpress.layout": 5,
    "wildpress.jobs": 6,
    "wildpress.settings": 6,
    "wildpress.project": 7,
    "wildpress.request": 8,
    "wildpress.runner": 9,
    "wildpress.build": 10,
    "wildpress.validate": 11,
    "wildpress.site": 11,
    # top: the command line and the package's public face
    "wildpress.cli": TOP,
    "wildpress.cli_help": TOP,
    "wildpress.cli_options": TOP,
    "wildpress.cli_tools": TOP,
    "wildpress.__main__": TOP,
    "wildpress": TOP,
}
#: ``from wildpress import <these>``: constants of the top package, importable from anywhere.
TOP_CONSTANTS = {"__version__", "GENERATOR"}

#: (importer, imported) pairs allowed against the layers, each with its reason. Keep it tiny:
#: a lower layer that seems to need a higher one usually wants a value passed in instead.
ALLOWED: dict[tuple[str, str], str] = {}


def _modules() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its ``__init__``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def layer_of(module: str) -> int | None:
    """The layer of ``module``: its own entry, or its nearest package's (never the top package's)."""
    if module in LAYERS:
        return LAYERS[module]
    parts = module.split(".")
    for end in range(len(parts) - 1, 1, -1):  # stops before "wildpress" alone
        name = ".".join(parts[:end])
        if name in LAYERS:
            return LAYERS[name]
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _runtime_imports(tree: ast.AST):
    """Every Import/ImportFrom node that can run: nested ones too, not under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)  # the else branch does run
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _base(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` names (resolving its dots)."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if node.level > 1:
        package = package[: len(package) - (node.level - 1)]
    return ".".join(package + ([node.module] if node.module else []))


def imports_of(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported wildpress module) for each import of ``module`` that runs, in line order."""
    return sorted(_imports_of(module, path))


def _imports_of(module: str, path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in _runtime_imports(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "wildpress":
                    yield node.lineno, alias.name
            continue
        base = _base(module, path, node)
        if base.split(".")[0] != "wildpress":
            continue
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            if submodule in MODULES:
                yield node.lineno, submodule
            elif base == "wildpress" and alias.name in TOP_CONSTANTS:
                continue  # __version__, GENERATOR: constants, layer 0
            else:
                yield node.lineno, base


def test_imports_go_down_the_layers():
    violations = []
    for module, path in MODULES.items():
        own = layer_of(module)
        if own is None:
            continue  # reported by test_every_module_has_a_layer
        for line, imported in imports_of(module, path):
            theirs = layer_of(imported)
            if theirs is None or theirs <= own or (module, imported) in ALLOWED:
                continue
            where = path.relative_to(SRC).as_posix()
            violations.append(f"{where}:{line} imports {imported} (layer {theirs} > {own})")
    assert not violations, "lower layers import higher ones:\n" + "\n".join(violations)


def test_every_module_has_a_layer():
    unplaced = sorted(path.relative_to(SRC).as_posix() for module, path in MODULES.items()
                      if layer_of(module) is None)
    assert not unplaced, "place these in LAYERS (tests/test_layers.py):\n" + "\n".join(unplaced)


def test_allowed_exceptions_are_still_needed():
    """An allow-list entry whose import is gone is removed, not kept as a blank cheque."""
    found = {(module, imported) for module, path in MODULES.items() for _, imported in imports_of(module, path)}
    stale = sorted(f"{a} -> {b}" for a, b in ALLOWED if (a, b) not in found)
    assert not stale, "ALLOWED entries no longer used:\n" + "\n".join(stale)


def test_the_checker_resolves_imports(tmp_path):
    """The checker itself: relative imports, lazy ones, TYPE_CHECKING and the top constants."""
    source = tmp_path / "__init__.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from .. import GENERATOR, __version__\n"
        "from ..errors import WildpressError\n"
        "from . import context\n"
        "if TYPE_CHECKING:\n"
        "    from ..build import Settings\n"
        "else:\n"
        "    import wildpress.request\n"
        "def f():\n"
        "    from ..runner.execute import run\n"
        "    from .. import assemble\n")
    assert imports_of("wildpress.layout", source) == [
        (3, "wildpress.errors"), (4, "wildpress.layout.context"), (8, "wildpress.request"),
        (10, "wildpress.runner.execute"), (11, "wildpress")]
    assert layer_of("wildpress.layout.cards") == 5
    assert layer_of("wildpress.newthing") is None and layer_of("wildpress.newpkg.mod") is None
