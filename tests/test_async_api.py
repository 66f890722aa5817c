"""The async API runs store work off the event loop: writes one at a time, in order, on
one thread; reads beside them on threads of their own.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from llm_memory_graph import AsyncMemoryGraph, AsyncSQLiteStore, GraphClosedError, NodeFilter, SQLiteStore
from llm_memory_graph.stores.sqlite._threaded import AsyncThreadedStore


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
    assert len(set(seen)) == 1  # one dedicated thread runs the writes


class _PausedStore(SQLiteStore):
    """An embedded store whose ``count_nodes`` stops, once it has begun, until released."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.inside = threading.Event()
        self.release = threading.Event()

    def count_nodes(self, filter: NodeFilter) -> int:
        self.inside.set()
        self.release.wait(30)
        return super().count_nodes(filter)


async def test_a_slow_read_holds_up_no_other_read_of_the_async_store(db_path: Path) -> None:
    # Issue 13, item 6: reads used to queue behind each other on the one worker thread.
    inner = _PausedStore(db_path)
    store = AsyncThreadedStore(inner)
    async with AsyncMemoryGraph(store=store, cache=False) as graph:
        await graph.add_prompt("q")
        slow = asyncio.ensure_future(store.count_nodes(NodeFilter()))
        try:
            assert await asyncio.to_thread(inner.inside.wait, 30)
            page = await asyncio.wait_for(store.find_nodes(NodeFilter(), limit=5), 30)
            assert len(page.items) == 1
        finally:
            inner.release.set()
            assert await slow == 1


async def test_a_closed_async_store_refuses_calls(db_path: Path) -> None:
    store = AsyncSQLiteStore(db_path)
    await store.aclose()
    with pytest.raises(GraphClosedError, match="closed"):
        await store.stats()
