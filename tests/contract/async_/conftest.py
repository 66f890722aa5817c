"""Async side of the contract suite: an ``AsyncMemoryGraph`` over each store (hand-written)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from llm_memory_graph import AsyncGraphStore, AsyncMemoryGraph, AsyncSQLiteStore
from llm_memory_graph.stores.neo4j import AsyncNeo4jStore


@pytest.fixture
async def graph(
    store_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[AsyncMemoryGraph]:
    """An empty graph on the store under test, closed after the test."""
    store: AsyncGraphStore
    if store_kind == "neo4j":
        store = AsyncNeo4jStore(request.getfixturevalue("neo4j_settings"))
    else:
        store = AsyncSQLiteStore(tmp_path / "graph.db")
    async with AsyncMemoryGraph(store=store) as graph:
        yield graph


@pytest.fixture
def concurrently() -> Callable[[Sequence[Callable[[], Awaitable[Any]]]], Awaitable[list[Any]]]:
    """Run calls at the same time: as tasks here, as threads on the sync side."""

    async def run(calls: Sequence[Callable[[], Awaitable[Any]]]) -> list[Any]:
        return list(await asyncio.gather(*(call() for call in calls)))

    return run
