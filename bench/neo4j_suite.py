"""The Neo4j store's benchmarks, on the server ``NEO4J_URI`` names or, when it is unset and
``java`` and ``mvn`` are present, on a local one started for the run (``tools/neo4j-server``):

- batched ingest of the event mix against the physical limit on the same rows (the raw
  driver running the same write queries with the same parameters, nothing in between),
  and against what users do without this library (a neomodel ``save()`` per node and a
  ``connect()`` per edge), with round trips per 1,000 events for both;
- single calls, lineage and filtered pages on a large graph, streaming memory and the
  buffered writer: the embedded store's suite (``suite.py``) on Neo4j.

A server named by ``NEO4J_URI`` is written into: point it at a scratch database.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import neo4j
from common import Result
from suite import bench_buffered, bench_queries, bench_single_calls, bench_stream, build_large
from workload import Seed, Turns, read_seed, seed_graph

from llm_memory_graph import MemoryGraph
from llm_memory_graph.schema import utcnow
from llm_memory_graph.schema.ids import new_id
from llm_memory_graph.stores.neo4j import Neo4jSettings, Neo4jStore
from llm_memory_graph.stores.neo4j._compose import Composed
from llm_memory_graph.stores.neo4j.migrate import Migrator
from tools.local_neo4j import local_neo4j, missing_tools

__all__ = ["run_neo4j"]

SUITE = "Neo4j store"

#: The query that writes an ingest's rows; the rest of a write transaction (locking
#: conversations, reading what exists) is the SDK's own work, like its validation.
WRITES = ("upsert_write",)


class _Capture:
    """Counts the store's round trips (a query each, a commit per transaction) and keeps
    the write queries of each transaction, with their parameters, to replay raw.
    """

    def __init__(self, store: Neo4jStore) -> None:
        self.round_trips = 0
        self.transactions: list[list[Composed]] = []
        run, transact = store._run, store._transact

        def counted_run(tx: Any, composed: Composed) -> Any:
            self.round_trips += 1
            if composed.name in WRITES:
                self.transactions[-1].append(composed)
            return run(tx, composed)

        def counted_transact(*args: Any, **kwargs: Any) -> Any:
            self.round_trips += 1  # the commit
            self.transactions.append([])
            return transact(*args, **kwargs)

        store._run = counted_run  # type: ignore[method-assign]
        store._transact = counted_transact  # type: ignore[method-assign]

    def reset(self) -> None:
        self.round_trips = 0
        self.transactions = []

    def written_ids(self) -> list[str]:
        return [row["id"] for t in self.transactions for q in t for row in q.params["nodes"]]

    def items(self) -> int:
        """Nodes plus edges written (the HAS_META self-loops of metadata are not counted)."""
        return sum(
            len(q.params["nodes"]) + sum(len(rows) for rows in q.params["edges"].values())
            for t in self.transactions
            for q in t
        )


def _ingest(graph: MemoryGraph, seed: Seed, events: int, rnd: int) -> float:
    """Record ``events`` turns through a batch (a chunk per 500 turns); the seconds it took."""
    turns = Turns(seed, random.Random(rnd))
    started = time.perf_counter()
    with graph.batch(chunk_size=2000) as batch:
        for i in range(events):
            turns.record(batch)
            if (i + 1) % 500 == 0:
                batch.flush()
    return time.perf_counter() - started


def _replay(driver: neo4j.Driver, database: str | None, transactions: list[list[Composed]]) -> float:
    """The captured write queries, each transaction as one, straight through the driver."""
    started = time.perf_counter()
    with driver.session(database=database) as session:
        for queries in transactions:

            def work(tx: neo4j.ManagedTransaction, queries: list[Composed] = queries) -> None:
                for q in queries:
                    tx.run(q.text, q.params).consume()  # type: ignore[arg-type]

            session.execute_write(work)
    return time.perf_counter() - started


def _delete(driver: neo4j.Driver, database: str | None, ids: list[str]) -> None:
    """Remove what an ingest wrote, so the next one writes the same rows into the same graph."""
    with driver.session(database=database) as session:
        for start in range(0, len(ids), 5000):
            session.run(
                "UNWIND $ids AS id MATCH (n:GraphNode {id: id}) DETACH DELETE n",
                ids=ids[start : start + 5000],
            ).consume()


def _naive(store: Neo4jStore, events: int) -> tuple[float, int, int]:
    """Per-node neomodel saves for simpler turns (a prompt and its answer, 5 edges): the
    seconds, the round trips, and the nodes plus edges written.
    """
    from neomodel import db

    from llm_memory_graph.stores.neo4j.models import CompletionNode, ConversationNode, PromptNode

    settings = store.settings
    db.set_connection(driver=neo4j.GraphDatabase.driver(settings.uri, auth=settings.auth()))  # closed below

    def fields(node_type: str) -> dict[str, Any]:
        return {"id": new_id(), "type": node_type, "created_at": utcnow(), "metadata": {}, "meta_kv": []}

    def rel() -> dict[str, Any]:
        return {"id": new_id(), "created_at": utcnow(), "metadata": {}, "meta_kv": []}

    started = time.perf_counter()
    chat = ConversationNode(**fields("Conversation"), status="open", item_count=0).save()
    trips, items, previous = 1, 1, None
    for i in range(events):
        prompt = PromptNode(**fields("Prompt"), content=f"q{i}", role="user").save()
        answer = CompletionNode(**fields("Completion"), content=f"a{i}").save()
        prompt.generates.connect(answer, rel())
        chat.contains_prompts.connect(prompt, {**rel(), "position": 2 * i + 1})
        chat.contains_completions.connect(answer, {**rel(), "position": 2 * i + 2})
        prompt.precedes_completions.connect(answer, rel())
        trips, items = trips + 6, items + 6
        if previous is not None:
            previous.precedes_prompts.connect(prompt, rel())
            trips, items = trips + 1, items + 1
        previous = answer
    seconds = time.perf_counter() - started
    db.close_connection()
    return seconds, trips, items


def _bench_ingest(graph: MemoryGraph, store: Neo4jStore, events: int, rounds: int) -> list[Result]:
    """SDK and raw replay of the same rows, alternating, each onto the same graph; then naive."""
    capture = _Capture(store)
    seed = read_seed(graph)
    database = store.settings.database
    sdk: list[float] = []
    raw: list[float] = []
    for round_ in range(rounds + 1):  # the first round warms the server up, and is not counted
        capture.reset()
        sdk_seconds = _ingest(graph, seed, events, rnd=7 + round_)
        transactions, written, items = capture.transactions, capture.written_ids(), capture.items()
        trips = capture.round_trips
        _delete(store.driver, database, written)
        raw_seconds = _replay(store.driver, database, transactions)
        _delete(store.driver, database, written)
        if round_:
            sdk.append(items / sdk_seconds)
            raw.append(items / raw_seconds)
    raw_trips = sum(len(t) + 1 for t in transactions)
    naive_events = 50 if events < 1000 else 300
    naive_seconds, naive_trips, naive_items = _naive(store, naive_events)
    naive_rate = naive_items / naive_seconds
    ours, limit = statistics.median(sdk), statistics.median(raw)
    per_1000 = 1000 / events
    return [
        Result(
            SUITE,
            f"batched ingest, {events:,} events ({items / events:.1f} nodes+edges each; chunks of 2,000; "
            f"median of {rounds})",
            f"{ours / (items / events):,.0f} events/s; {ours:,.0f} nodes+edges/s (runs {min(sdk):,.0f} to "
            f"{max(sdk):,.0f}); {trips * per_1000:,.0f} round trips per 1,000 events",
            "",
            {"items_per_s": ours, "round_trips_per_1000": trips * per_1000},
        ),
        Result(
            SUITE,
            "raw driver: the same write queries and rows, one transaction per chunk, nothing in between",
            f"{limit:,.0f} nodes+edges/s; {raw_trips * per_1000:,.0f} round trips per 1,000 events; "
            f"SDK/raw = {ours / limit:.2f}",
            "ratio ≥ 0.7",
            {"items_per_s": limit, "ratio": ours / limit},
        ),
        Result(
            SUITE,
            f"naive neomodel: a save() per node, a connect() per edge ({naive_events:,} turns of a prompt, "
            "its answer and 5 edges)",
            f"{naive_rate:,.0f} nodes+edges/s; {1000 * naive_trips / naive_events:,.0f} round trips per 1,000 "
            f"turns; SDK/naive = {ours / naive_rate:,.0f}x",
            "≥ 50x",
            {"items_per_s": naive_rate, "ratio": ours / naive_rate},
        ),
    ]


@contextmanager
def _server() -> Iterator[tuple[Neo4jSettings, str] | str]:
    """Settings for the server to measure, and what it is; or why there is none."""
    if os.environ.get("NEO4J_URI"):
        yield Neo4jSettings.from_env(), "the server NEO4J_URI names"
        return
    missing = missing_tools()
    if missing is not None:
        yield f"skipped: NEO4J_URI is not set and {missing} (no server to start)"
        return
    with local_neo4j(heap="4g", page_cache_mb=6144) as server:
        settings = Neo4jSettings(uri=server.uri, user=server.user, password=server.password)
        previous = {name: os.environ.get(name) for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD")}
        os.environ.update(NEO4J_URI=server.uri, NEO4J_USER=server.user, NEO4J_PASSWORD=server.password)
        try:  # stream_rss.py, in its own process, reads these
            yield settings, f"a local Neo4j {server.version} Community server (heap 4 GiB, page cache 6 GiB)"
        finally:
            for name, value in previous.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _version(store: Neo4jStore) -> str:
    records, _, _ = store.driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition RETURN *"
    )
    first = records[0]
    return f"{first['name']} {first['versions'][0]} {first['edition']}"


def run_neo4j(work: Path, *, quick: bool, nodes: int) -> list[Result]:
    """Every Neo4j benchmark, or one line saying why there was no server to measure."""
    with _server() as found:
        if isinstance(found, str):
            return [Result(SUITE, "every Neo4j benchmark", found)]
        settings, what = found
        events = 500 if quick else 5_000
        store = Neo4jStore(settings)
        Migrator(store).apply()
        results = [Result(SUITE, "server", f"{_version(store)}: {what}")]
        with MemoryGraph(store=store, registry=None, cache=False) as graph:
            seed_graph(graph, random.Random(6), documents=50)
            results += _bench_ingest(graph, store, events, rounds=1 if quick else 3)
            results += bench_single_calls(SUITE, graph, 50 if quick else 300, "transaction")
            large, seconds = build_large(graph, nodes)
            results += bench_queries(
                SUITE, graph, large, 100 if quick else 400, f"(built in {seconds:,.0f} s)"
            )
        results += bench_stream(SUITE, ["--neo4j"])
        with MemoryGraph(store=Neo4jStore(settings), registry=None) as graph:
            results += bench_buffered(SUITE, graph, 300 if quick else 5_000, 0.5 if quick else 3.0)
    (work / "neo4j.json").write_text(json.dumps([r.values for r in results]))
    return results
