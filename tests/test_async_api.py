"""The async API runs store work off the event loop, one call at a time, in order."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from llm_memory_graph import AsyncMemoryGraph, AsyncSQLiteStore, GraphClosedError


async def test_store_calls_run_on_a_worker_thread_not_the_event_loop(db_path: Path) -> None:
    store = AsyncSQLiteStore(db_path)
    seen: list[int] = []
    inner = store._store
    original = inner.upsert

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(threading.get_ident())
        return original(*args, **kwargs)

    inner.upsert = spy  # type: ignore[method-assign]
    async with AsyncMemoryGraph(store=store) as graph:
        await graph.add_prompt("q")
        await graph.add_prompt("r")
    assert seen and threading.get_ident() not in seen
    assert len(set(seen)) == 1  # one dedicated thread owns the connection


async def test_a_closed_async_store_refuses_calls(db_path: Path) -> None:
    store = AsyncSQLiteStore(db_path)
    await store.aclose()
    with pytest.raises(GraphClosedError, match="closed"):
        await store.stats()
