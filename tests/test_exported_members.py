"""The public surface is exactly what ``__all__`` says, sorted."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import llm_memory_graph


def test_all_is_sorted_and_matches_the_public_names() -> None:
    names = [n for n in dir(llm_memory_graph) if not n.startswith("_")]
    modules = {m.name for m in pkgutil.iter_modules(llm_memory_graph.__path__)}
    assert llm_memory_graph.__all__ == sorted(llm_memory_graph.__all__, key=str.casefold)
    assert set(llm_memory_graph.__all__) == set(names) - modules


def test_every_module_declares_all() -> None:
    for info in pkgutil.walk_packages(llm_memory_graph.__path__, "llm_memory_graph."):
        module = importlib.import_module(info.name)
        if info.ispkg and not hasattr(module, "__all__"):
            continue
        assert hasattr(module, "__all__"), info.name


def test_jinja_is_imported_only_when_a_template_is_parsed() -> None:
    # Every object imported is one more for each full garbage collection to scan.
    check = (
        "import sys, llm_memory_graph as g;"
        "assert 'jinja2' not in sys.modules, 'imported early';"
        "graph = g.MemoryGraph.open(':memory:', registry=None);"
        "graph.publish_template('t', 'Hello {{ name }}');"
        "assert 'jinja2' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", check], check=True)


def test_the_neo4j_driver_is_imported_only_when_a_neo4j_store_is_asked_for() -> None:
    # An embedded-store program (and the CLI on a file) never pays the driver's import.
    check = (
        "import sys, llm_memory_graph, llm_memory_graph.cli, llm_memory_graph.stores.neo4j as n;"
        "assert 'neo4j' not in sys.modules, 'imported early';"
        "n.Neo4jStore, n.AsyncNeo4jStore;"
        "assert 'neo4j' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", check], check=True)
