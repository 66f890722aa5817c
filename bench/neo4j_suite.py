"""The embedded store's suite on Neo4j, when ``NEO4J_URI`` names a server (the benchmarks
in ``suite.py``, on a Neo4j graph), and round trips per 1,000 events against naive
per-node neomodel saves. It writes into the database NEO4J_URI names: point it at a
scratch one.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from typing import Any

from common import Result
from suite import bench_buffered, bench_queries, bench_single_calls, bench_stream, build_large
from workload import Turns, read_seed, seed_graph

from llm_memory_graph import MemoryGraph
from llm_memory_graph._ids import new_id
from llm_memory_graph.schema import utcnow
from llm_memory_graph.stores.neo4j import Neo4jSettings, Neo4jStore
from llm_memory_graph.stores.neo4j.migrate import Migrator

__all__ = ["run_neo4j"]

SUITE = "Neo4j store"


class _RoundTrips:
    """Counts the queries the store sends, and a commit per transaction."""

    def __init__(self, store: Neo4jStore) -> None:
        self.count = 0
        query, transact = store._query, store._transact

        def counted_query(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return query(*args, **kwargs)

        def counted_transact(*args: Any, **kwargs: Any) -> Any:
            self.count += 1  # the commit
            return transact(*args, **kwargs)

        store._query = counted_query  # type: ignore[method-assign]
        store._transact = counted_transact  # type: ignore[method-assign]


def _naive_round_trips(store: Neo4jStore, events: int) -> int:
    """What per-node neomodel saves cost for the same turns: a save per node, a connect per edge."""
    from neomodel import db

    from llm_memory_graph.stores.neo4j.models import CompletionNode, ConversationNode, PromptNode

    db.set_connection(driver=store.driver)
    trips = 0

    def fields(node_type: str) -> dict[str, Any]:
        return {"id": new_id(), "type": node_type, "created_at": utcnow(), "metadata": {}, "meta_kv": []}

    def rel() -> dict[str, Any]:
        return {"id": new_id(), "created_at": utcnow(), "metadata": {}, "meta_kv": []}

    chat = ConversationNode(**fields("Conversation"), status="open", item_count=0).save()
    trips += 1
    previous = None
    for i in range(events):
        prompt = PromptNode(**fields("Prompt"), content=f"q{i}", role="user").save()
        answer = CompletionNode(**fields("Completion"), content=f"a{i}").save()
        prompt.generates.connect(answer, rel())
        chat.contains_prompts.connect(prompt, {**rel(), "position": 2 * i + 1})
        chat.contains_completions.connect(answer, {**rel(), "position": 2 * i + 2})
        trips += 5
        if previous is not None:
            previous.precedes_prompts.connect(prompt, rel())
            trips += 1
        prompt.precedes_completions.connect(answer, rel())
        trips += 1
        previous = answer
    return trips


def run_neo4j(work: Path, *, quick: bool, nodes: int) -> list[Result]:
    """The embedded store's suite on Neo4j (ingest, single calls, lineage and pages on a
    graph ``nodes`` larger, streaming memory, the buffered writer), and round trips against
    naive neomodel saves; or one line saying why they were skipped.
    """
    if not os.environ.get("NEO4J_URI"):
        return [
            Result(SUITE, "every Neo4j benchmark", "skipped: NEO4J_URI is not set (no server to measure)")
        ]
    events = 500 if quick else 5_000
    settings = Neo4jSettings.from_env()
    store = Neo4jStore(settings)
    Migrator(store).apply()
    trips = _RoundTrips(store)
    results = []
    with MemoryGraph(store=store, registry=None, cache=False) as graph:
        seed_graph(graph, random.Random(6), documents=50)
        seed = read_seed(graph)
        before = graph.stats()
        turns = Turns(seed, random.Random(7))
        trips.count = 0
        started = time.perf_counter()
        with graph.batch(chunk_size=2000) as batch:
            for i in range(events):
                turns.record(batch)
                if (i + 1) % 500 == 0:
                    batch.flush()
        seconds = time.perf_counter() - started
        ours = trips.count
        after = graph.stats()
        written = after.total_nodes + after.total_edges - before.total_nodes - before.total_edges
        results.append(
            Result(
                SUITE,
                f"batched ingest, {events:,} events (UNWIND per chunk)",
                f"{events / seconds:,.0f} events/s; {written / seconds:,.0f} nodes+edges/s; "
                f"{1000 * ours / events:,.0f} round trips per 1,000 events",
                "",
                {"events_per_s": events / seconds, "round_trips_per_1000": 1000 * ours / events},
            )
        )
        naive_events = 100
        naive = _naive_round_trips(store, naive_events)
        results.append(
            Result(
                SUITE,
                "naive neomodel: a save per node, a connect per edge (prompt + completion and 5 edges per turn)",
                f"{1000 * naive / naive_events:,.0f} round trips per 1,000 events "
                f"({naive / naive_events / (ours / events):,.0f}x ours, while storing less)",
            )
        )
        results += bench_single_calls(SUITE, graph, 50 if quick else 300, "transaction")
        large, seconds = build_large(graph, nodes)
        results += bench_queries(SUITE, graph, large, 100 if quick else 400, f"(built in {seconds:,.0f} s)")
    results += bench_stream(SUITE, ["--neo4j"])
    with MemoryGraph(store=Neo4jStore(settings), registry=None) as graph:
        results += bench_buffered(SUITE, graph, 300 if quick else 5_000, 0.5 if quick else 3.0)
    (work / "neo4j.json").write_text(json.dumps([r.values for r in results]))
    return results
