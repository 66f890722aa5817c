"""Sync side of the contract suite: a ``MemoryGraph`` over each store (hand-written)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from llm_memory_graph import MemoryGraph, SQLiteStore


@pytest.fixture
def graph(store_kind: str, tmp_path: Path) -> Iterator[MemoryGraph]:
    """An empty graph on the store under test, closed after the test."""
    assert store_kind == "sqlite"
    with MemoryGraph(store=SQLiteStore(tmp_path / "graph.db")) as graph:
        yield graph


@pytest.fixture
def concurrently() -> Callable[[Sequence[Callable[[], Any]]], list[Any]]:
    """Run calls at the same time, each on its own thread."""

    def run(calls: Sequence[Callable[[], Any]]) -> list[Any]:
        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(lambda call: call(), calls))

    return run
