"""Sync side of the contract suite: a ``MemoryGraph`` over each store (hand-written)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from llm_memory_graph import GraphStore, MemoryGraph, SQLiteStore
from llm_memory_graph.stores.neo4j import Neo4jStore


@pytest.fixture
def graph(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[MemoryGraph]:
    """An empty graph on the store under test, closed after the test."""
    store: GraphStore
    if store_kind == "neo4j":
        store = Neo4jStore(request.getfixturevalue("neo4j_settings"))
    else:
        store = SQLiteStore(tmp_path / "graph.db")
    with MemoryGraph(store=store) as graph:
        yield graph


@pytest.fixture
def concurrently() -> Callable[[Sequence[Callable[[], Any]]], list[Any]]:
    """Run calls at the same time, each on its own thread."""

    def run(calls: Sequence[Callable[[], Any]]) -> list[Any]:
        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(lambda call: call(), calls))

    return run
