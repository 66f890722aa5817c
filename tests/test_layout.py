"""The package's layout keeps its rules: small modules, and imports that only run downward.

Layers, top to bottom: the public names (``__init__``), the command line (``cli``) and
the demo scenario (``demo``), which use the facade; the facade (``_async``, ``_sync``) and
the provider integrations it switches on (``integrations``) and the OpenTelemetry bridge (``otel``);
``recording``, ``views``, ``query``; ``stores``; the model (``schema``, ``spec``, ...).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "llm_memory_graph"
MODULES = sorted(PACKAGE.rglob("*.py"))

#: Most lines a module may have.
MAX_LINES = 800


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    """Every module ``path`` imports from inside the package, as an absolute name."""
    package = _name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.startswith("llm_memory_graph"):
                yield target
                for alias in node.names:  # ``from . import module``
                    yield f"{target}.{alias.name}"


def _under(module: str, *folders: str) -> bool:
    return any(
        module == f"llm_memory_graph.{f}" or module.startswith(f"llm_memory_graph.{f}.") for f in folders
    )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_longer_than_800_lines(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= MAX_LINES


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_downward(path: Path) -> None:
    module = _name(path)
    imported = set(_imports(path))
    upward: list[str] = []
    if _under(module, "stores"):
        upward += [
            m
            for m in imported
            if _under(m, "_async", "_sync", "cli", "integrations", "recording", "views", "query")
        ]
    if (
        not _under(module, "_async", "_sync", "cli", "demo", "integrations", "otel")
        and module != "llm_memory_graph"
    ):
        upward += [m for m in imported if _under(m, "_async", "_sync", "cli")]
    assert upward == []


@pytest.mark.parametrize(
    "path", [p for p in MODULES if not _under(_name(p), "stores")], ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_outside_stores_no_module_imports_a_private_store_module(path: Path) -> None:
    private = [
        m for m in _imports(path) if _under(m, "stores") and any(p.startswith("_") for p in m.split(".")[2:])
    ]
    assert private == []
