"""Fixtures every test may use: isolated environment, a database path, a fresh graph."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from llm_memory_graph import MemoryGraph

_ENV = ("LLM_MEMORY_GRAPH_DB", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the caller's graph settings out of every test."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database file path in a fresh folder; the file does not exist yet."""
    return tmp_path / "graph.db"


@pytest.fixture
def fresh_graph(db_path: Path) -> Iterator[MemoryGraph]:
    """An empty embedded graph in a file, closed after the test."""
    with MemoryGraph.open(db_path) as graph:
        yield graph
