"""Benchmarks of the embedded store: ingest (and raw sqlite3 on the same rows), durable
single-call latency, queries and streaming on a large graph, and the buffered writer.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from common import Result, copy_db
from suite import bench_buffered, bench_queries, bench_single_calls, bench_stream, build_large
from workload import Seed, Turns, read_seed, seed_graph

from llm_memory_graph import MemoryGraph, SQLiteStore
from llm_memory_graph.stores.sqlite import _sql as sql
from llm_memory_graph.stores.sqlite._connections import _TUNING

__all__ = ["run_sqlite"]

SUITE = "Embedded store (SQLite)"


def _rows(graph: MemoryGraph) -> int:
    stats = graph.stats()
    return stats.total_nodes + stats.total_edges


def _make_seed(path: Path) -> None:
    with MemoryGraph.open(path, registry=None) as graph:
        seed_graph(graph, random.Random(6))


def _ingest(
    graph: MemoryGraph, seed: Seed, events: int, *, chunk_size: int = 2000, flush_every: int = 500
) -> Turns:
    turns = Turns(seed, random.Random(7))
    with graph.batch(chunk_size=chunk_size) as batch:
        for i in range(events):
            turns.record(batch)
            if (i + 1) % flush_every == 0:
                batch.flush()
    return turns


class _Capture:
    """Records every row the store writes, one list per transaction, to replay raw with
    executemany: the rows of its executemany calls, and the edges it derives in SQL
    (``INSERT_KEPT_EDGES``) as the plain rows they are.
    """

    def __init__(self, store: SQLiteStore) -> None:
        self.transactions: list[list[tuple[str, list[Any]]]] = []
        upsert, executemany, execute = store.upsert, store._executemany, store._execute

        def capture_upsert(*args: Any, **kwargs: Any) -> Any:
            self.transactions.append([])
            return upsert(*args, **kwargs)

        def capture_executemany(name: str, statement: str, rows: Any) -> None:
            if rows:
                self.transactions[-1].append((statement, list(rows)))
            executemany(name, statement, rows)

        def capture_execute(name: str, statement: str, params: Any = ()) -> Any:
            cursor = execute(name, statement, params)
            if statement == sql.INSERT_KEPT_EDGES:
                derived = store._conn().execute(statement[statement.index("SELECT") :], params)
                rows = [(i, kind, s, t, at, None, data) for i, kind, s, t, at, data in derived]
                self.transactions[-1].append((sql.INSERT_EDGE, rows))
            return cursor

        store.upsert = capture_upsert  # type: ignore[method-assign]
        store._executemany = capture_executemany  # type: ignore[method-assign]
        store._execute = capture_execute  # type: ignore[method-assign]


def _raw_replay(path: Path, transactions: list[list[tuple[str, list[Any]]]]) -> float:
    """Insert the captured rows with plain sqlite3, under the store's own settings."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "journal_mode = WAL",
        "synchronous = NORMAL",
        "temp_store = MEMORY",
        *_TUNING,
    ):
        conn.execute(pragma if pragma.startswith("PRAGMA") else f"PRAGMA {pragma}")
    started = time.perf_counter()
    for transaction in transactions:
        conn.execute("BEGIN IMMEDIATE")
        for statement, rows in transaction:
            conn.executemany(statement, rows)
        conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def _timed_ingest(work: Path, seed_db: Path, events: int) -> tuple[float, int, int]:
    """One timed ingest on a fresh copy of the seed: seconds, items written, nodes after."""
    with MemoryGraph.open(copy_db(seed_db, work / "ingest.db"), registry=None) as graph:
        seed = read_seed(graph)
        before = _rows(graph)
        started = time.perf_counter()
        _ingest(graph, seed, events)
        seconds = time.perf_counter() - started
        return seconds, _rows(graph) - before, graph.stats().total_nodes


def bench_ingest(work: Path, seed_db: Path, events: int, rounds: int = 3) -> list[Result]:
    """Batched ingest through the SDK, and raw executemany of the rows it wrote; each timed
    ``rounds`` times, alternating, reported as the median and the range (this VM's speed
    drifts by a tenth or more from minute to minute).
    """
    captured_db = copy_db(seed_db, work / "captured.db")
    store = SQLiteStore(captured_db)
    capture = _Capture(store)
    with MemoryGraph(store=store, registry=None) as graph:
        _ingest(graph, read_seed(graph), events)
    raw_rows = sum(len(rows) for tx in capture.transactions for _, rows in tx)
    sdk: list[float] = []
    raw: list[float] = []
    for _ in range(rounds):
        seconds, written, nodes = _timed_ingest(work, seed_db, events)
        sdk.append(seconds)
        raw.append(_raw_replay(copy_db(seed_db, work / "raw.db"), capture.transactions))
    seconds, raw_seconds = statistics.median(sdk), statistics.median(raw)
    ratio = raw_seconds / seconds
    per_s = sorted(written / s for s in sdk)
    return [
        Result(
            SUITE,
            f"batched ingest, {events:,} events (turns: prompt, completion, 2 references, "
            f"tool call every 4th, rating every 10th; 8 turns per conversation), median of {rounds}",
            f"{events / seconds:,.0f} events/s; {written / seconds:,.0f} nodes+edges/s "
            f"({written / events:.1f} per event; runs {per_s[0]:,.0f} to {per_s[-1]:,.0f})",
            "≥ 50,000 nodes+edges/s",
            {
                "events_per_s": events / seconds,
                "items_per_s": written / seconds,
                "items_per_s_runs": per_s,
                "nodes": nodes,
            },
        ),
        Result(
            SUITE,
            "raw sqlite3 executemany of the same rows (no SDK), and the SDK's share of it",
            f"{written / raw_seconds:,.0f} nodes+edges/s ({raw_rows:,} rows with text index and "
            f"metadata); SDK/raw = {ratio:.2f}",
            "ratio ≥ 0.4",
            {"raw_items_per_s": written / raw_seconds, "ratio": ratio},
        ),
    ]


def bench_latency(work: Path, seed_db: Path, calls: int) -> list[Result]:
    """Single calls, each its own durable commit, then its own default one."""
    results = []
    for durable in (True, False):
        os.sync()  # the earlier benchmarks' dirty pages must not be written back meanwhile
        path = copy_db(seed_db, work / f"latency-{durable}.db")
        with MemoryGraph.open(path, durable=durable, registry=None) as graph:
            mode = "commit, durable (synchronous=FULL)" if durable else "commit, default (synchronous=NORMAL)"
            results += bench_single_calls(SUITE, graph, calls, mode, "p95 < 1 ms" if durable else "")
    return results


def build_large_file(path: Path, seed_db: Path, nodes: int) -> tuple[Turns, float]:
    """A graph of about ``nodes`` nodes (the event mix), kept between runs in ``path``."""
    copy_db(seed_db, path)
    with MemoryGraph.open(path, registry=None) as graph:
        return build_large(graph, nodes)


def run_sqlite(work: Path, *, quick: bool, nodes: int, reuse: Path | None) -> list[Result]:
    """Every embedded-store benchmark; ``reuse`` keeps the large graph between runs."""
    seed_db = work / "seed.db"
    _make_seed(seed_db)
    results = bench_ingest(work, seed_db, 2_000 if quick else 20_000)
    results += bench_latency(work, seed_db, 200 if quick else 2_000)
    large = reuse or work / f"large-{nodes}.db"
    marker = Path(str(large) + ".turns.json")
    if reuse is not None and large.exists() and marker.exists():
        saved = json.loads(marker.read_text())
        turns = Turns(Seed([], [], [], []), random.Random(0))
        turns.last_completions, turns.conversations = saved["last"], saved["conversations"]
        with MemoryGraph.open(large, registry=None) as graph:
            turns.seed.agents = graph.find(types="Agent", limit=10).items  # type: ignore[assignment]
        built = f"(reused {large.name})"
    else:
        turns, seconds = build_large_file(large, seed_db, nodes)
        marker.write_text(json.dumps({"last": turns.last_completions, "conversations": turns.conversations}))
        built = f"(built in {seconds:,.0f} s)"
    os.sync()
    with MemoryGraph.open(large, cache=False, registry=None) as graph:
        results += bench_queries(SUITE, graph, turns, 100 if quick else 400, built)
    results += bench_stream(SUITE, [str(large)])
    with MemoryGraph.open(copy_db(seed_db, work / "buffered.db"), registry=None) as graph:
        results += bench_buffered(SUITE, graph, 300 if quick else 5_000, 0.5 if quick else 3.0)
    return results
