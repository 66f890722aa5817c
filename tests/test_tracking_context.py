"""A tracking scope follows the code as Python's context does: into asyncio tasks, and into
threads started with ``contextvars.copy_context().run``; never into a thread without it."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable
from typing import Any

import pytest

from llm_memory_graph import AsyncMemoryGraph, MemoryGraph, Prompt
from llm_memory_graph.errors import UsageError


def _in_thread(call: Callable[[], Any]) -> Any:
    found: list[Any] = []
    thread = threading.Thread(target=lambda: found.append(call()))
    thread.start()
    thread.join()
    return found[0]


def test_a_thread_started_with_a_copy_of_the_context_records_into_the_scope(fresh_graph: MemoryGraph) -> None:
    with fresh_graph.track("chat") as tracker:
        context = contextvars.copy_context()
        prompt: Prompt = _in_thread(lambda: context.run(fresh_graph.add_prompt, "from a worker"))
    assert tracker.scope is not None and prompt.conversation_id == tracker.scope.conversation_id


def test_a_thread_started_without_the_context_records_outside_the_scope(fresh_graph: MemoryGraph) -> None:
    with fresh_graph.track("chat"):
        prompt: Prompt = _in_thread(lambda: fresh_graph.add_prompt("from a bare thread"))
    assert prompt.conversation_id is None


async def test_asyncio_tasks_record_into_the_scope_they_were_created_in() -> None:
    graph = AsyncMemoryGraph.open(":memory:")
    try:
        async with graph.track("chat") as tracker:
            prompts = await asyncio.gather(*(asyncio.create_task(graph.add_prompt(f"{i}")) for i in range(3)))
        assert tracker.scope is not None
        assert {p.conversation_id for p in prompts} == {tracker.scope.conversation_id}
    finally:
        await graph.aclose()


async def test_the_sync_graph_tracks_coroutines_too(fresh_graph: MemoryGraph) -> None:
    @fresh_graph.track("chat", agent="writer")
    async def write() -> str | None:
        return fresh_graph.add_prompt("draft").agent_id

    writer_id = await write()
    assert writer_id == fresh_graph.find(types="Agent", name="writer").items[0].id


def test_the_async_graph_refuses_to_decorate_a_plain_function() -> None:
    graph = AsyncMemoryGraph.open(":memory:")
    with pytest.raises(UsageError, match="decorates coroutines and async generators"):

        @graph.track("chat")
        def plain() -> None: ...


def test_the_async_graph_refuses_a_plain_with() -> None:
    graph = AsyncMemoryGraph.open(":memory:")
    with pytest.raises(UsageError, match="use 'async with'"), graph.track("chat"):
        pass
