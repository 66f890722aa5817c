"""Asyncio: record a batch of LLM calls, then page through and stream them with filters.

Shows ``AsyncMemoryGraph``, an ``async with graph.batch()`` block, ``graph.stream()``
with filters (type, time range, model, metadata), the fluent query builder (``count``,
keyset pages with a cursor, ``astream``) and ``iter_transcript``.

Run it with a store as its one argument (else ``$LLM_MEMORY_GRAPH_URI``, else a
temporary SQLite file that is deleted afterwards)::

    python examples/async_streaming_queries.py
    NEO4J_PASSWORD=secret python examples/async_streaming_queries.py bolt://localhost:7687

On Neo4j, migrate the database first (``llm-memory-graph migrate``).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from llm_memory_graph import AsyncMemoryGraph, Completion, Prompt


async def record_and_query() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LLM_MEMORY_GRAPH_URI")
    with tempfile.TemporaryDirectory() as folder:
        async with AsyncMemoryGraph.open(target or Path(folder) / "async.db") as graph:
            # Twelve calls a minute apart: six three days ago (gpt-4o, staging), six in the last
            # quarter hour (gpt-4o-mini, prod). A batch does no I/O until its block ends.
            now = datetime.now(UTC)
            chat = await graph.start_conversation(
                "nightly evals", created_at=now - timedelta(days=3, hours=1)
            )
            async with graph.batch() as batch:
                for i in range(12):
                    old = i < 6
                    when = now - timedelta(days=3 if old else 0, minutes=12 - i)
                    env = {"env": "staging" if old else "prod"}
                    prompt = batch.add_prompt(
                        f"Question {i}", conversation=chat, metadata=env, created_at=when
                    )
                    batch.add_completion(
                        prompt,
                        f"Answer {i}",
                        request_model="gpt-4o" if old else "gpt-4o-mini",
                        input_tokens=100 + i,
                        output_tokens=20,
                        latency_ms=300.0 + 10 * i,
                        metadata=env,
                        created_at=when,
                    )
            print(f"Recorded {batch.nodes_written} nodes and {batch.edges_written} edges in one batch.")

            # stream(): every match, oldest first, one batch in memory at a time.
            mini = [n async for n in graph.stream(types="Completion", conversation=chat, model="gpt-4o-mini")]
            print(f"stream(model='gpt-4o-mini'): {len(mini)} completions")
            recent = graph.stream(types="Prompt", conversation=chat, since=now - timedelta(hours=1))
            print("stream(since one hour ago):", [p.content async for p in recent if isinstance(p, Prompt)])

            # The query builder: each step returns a new query; nothing runs until you ask.
            completions = graph.query().types("Completion").conversation(chat)
            staging = completions.where(env="staging")
            print(f"count(env=staging): {await staging.count()}")
            print(f"count(until 24h ago): {await completions.until('24h').count()}")
            print(f"count(latency >= 400 ms): {await completions.latency(gte=400).count()}")

            # Keyset pages: pass each page's next_cursor back until it is None.
            cursor, pages = None, []
            while True:
                page = await completions.newest().page(cursor, limit=5)
                pages.append([n.content for n in page.items if isinstance(n, Completion)])
                if (cursor := page.next_cursor) is None:
                    break
            print(f"pages of 5, newest first: {pages}")

            # astream(): the same query, streamed, as async iteration.
            tokens = 0
            async for node in completions.model("gpt-4o").astream(batch_size=4):
                if isinstance(node, Completion):
                    tokens += node.input_tokens or 0
            print(f"astream(model='gpt-4o'): {tokens} input tokens")

            # iter_transcript(): the whole conversation in order, page by page.
            items = [item.type async for item in graph.iter_transcript(chat, batch_size=10)]
            print(f"iter_transcript: {len(items)} items, first {items[0]}, last {items[-1]}")


def main() -> None:
    asyncio.run(record_and_query())


if __name__ == "__main__":
    main()
