"""Benchmarks of the embedded store: ingest (and raw sqlite3 on the same rows), durable
single-call latency, queries and streaming on a large graph, and the buffered writer.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import Result, copy_db, ms, percentile, us
from workload import TURNS, Seed, Turns, read_seed, seed_graph

from llm_memory_graph import MemoryGraph, NodeType, Prompt, SQLiteStore
from llm_memory_graph.stores import _sqlite_sql as sql
from llm_memory_graph.stores.sqlite import _TUNING

__all__ = ["run_sqlite"]

HERE = Path(__file__).resolve().parent
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
    """add_prompt and add_completion one at a time, each its own (durable) commit."""
    results = []
    for durable in (True, False):
        os.sync()  # the earlier benchmarks' dirty pages must not be written back meanwhile
        path = copy_db(seed_db, work / f"latency-{durable}.db")
        with MemoryGraph.open(path, durable=durable, registry=None) as graph:
            seed = read_seed(graph)
            agent = seed.agents[0]
            prompt_times: list[float] = []
            completion_times: list[float] = []
            chat = graph.start_conversation("latency")
            previous = None
            for i in range(calls + 20):
                if i % TURNS == 0:
                    chat = graph.start_conversation("latency")
                    previous = None
                started = time.perf_counter()
                prompt = graph.add_prompt(
                    seed.prompts[i % 500],
                    conversation=chat,
                    agent=agent,
                    depends_on=[previous] if previous else (),
                )
                middle = time.perf_counter()
                previous = graph.add_completion(
                    prompt, seed.answers[i % 500], response_model="gpt-4o", input_tokens=700, output_tokens=90
                )
                ended = time.perf_counter()
                if i >= 20:  # warmed up
                    prompt_times.append(middle - started)
                    completion_times.append(ended - middle)
        mode = "durable (synchronous=FULL)" if durable else "default (synchronous=NORMAL)"
        for name, samples in (("add_prompt", prompt_times), ("add_completion", completion_times)):
            results.append(
                Result(
                    SUITE,
                    f"{name}, one call = one commit, {mode}",
                    f"p50 {ms(percentile(samples, 50))}, p95 {ms(percentile(samples, 95))}, "
                    f"p99 {ms(percentile(samples, 99))}",
                    "p95 < 1 ms" if durable else "",
                    {
                        "p50": percentile(samples, 50),
                        "p95": percentile(samples, 95),
                        "p99": percentile(samples, 99),
                    },
                )
            )
    return results


def build_large(path: Path, seed_db: Path, nodes: int) -> tuple[Turns, float]:
    """A graph of about ``nodes`` nodes (the event mix), kept between runs in ``path``."""
    copy_db(seed_db, path)
    with MemoryGraph.open(path, registry=None) as graph:
        seed = read_seed(graph)
        turns = Turns(seed, random.Random(8))
        started = time.perf_counter()
        with graph.batch(chunk_size=5000) as batch:
            while turns.nodes < nodes:
                turns.record(batch)
                if turns.count % 2000 == 0:
                    batch.flush()
        seconds = time.perf_counter() - started
    return turns, seconds


def bench_queries(path: Path, turns: Turns, samples: int, built: str) -> list[Result]:
    """Lineage depth 10 and filtered pages on the large graph, cache off."""
    rnd = random.Random(9)
    with MemoryGraph.open(path, cache=False, registry=None) as graph:
        total = graph.stats().total_nodes
        lineage_times: list[float] = []
        reached: list[int] = []
        for _ in range(samples):
            node_id = rnd.choice(turns.last_completions)
            started = time.perf_counter()
            found = graph.lineage(node_id, depth=10)
            lineage_times.append(time.perf_counter() - started)
            reached.append(len(found.nodes))
        queries: dict[str, Callable[[], Any]] = {
            "completions of a model in prod, newest first": lambda: (
                graph.query().types("Completion").model("gpt-4o").where(env="prod").newest().page(limit=50)
            ),
            "a conversation's prompts": lambda: (
                graph.query().types("Prompt").conversation(rnd.choice(turns.conversations)).page(limit=50)
            ),
            "tool calls of an agent": lambda: graph.find(
                types=NodeType.TOOL_INVOCATION, agent=rnd.choice(turns.seed.agents), limit=50
            ),
            "expensive completions, second page": lambda: _second_page(graph),
        }
        page_times: list[float] = []
        worst = ("", 0.0)
        for label, query in queries.items():
            times = []
            for _ in range(max(1, samples // len(queries))):
                started = time.perf_counter()
                query()
                times.append(time.perf_counter() - started)
            page_times += times
            if percentile(times, 95) > worst[1]:
                worst = (label, percentile(times, 95))
    size = f"{total:,}-node graph {built}"
    return [
        Result(
            SUITE,
            f"lineage, depth 10, from a conversation's last answer ({size}, cache off)",
            f"p50 {ms(percentile(lineage_times, 50))}, p95 {ms(percentile(lineage_times, 95))} "
            f"(median {sorted(reached)[len(reached) // 2]} nodes reached)",
            "p95 < 20 ms",
            {"p50": percentile(lineage_times, 50), "p95": percentile(lineage_times, 95), "nodes": total},
        ),
        Result(
            SUITE,
            f"filtered page of 50 ({size}, 4 filter kinds, cache off)",
            f"p50 {ms(percentile(page_times, 50))}, p95 {ms(percentile(page_times, 95))} "
            f"(slowest kind: {worst[0]}, p95 {ms(worst[1])})",
            "p95 < 20 ms",
            {"p50": percentile(page_times, 50), "p95": percentile(page_times, 95)},
        ),
    ]


def _second_page(graph: MemoryGraph) -> Any:
    query = graph.query().types("Completion").cost(gte=0.004)
    first = query.page(limit=50)
    return query.page(first.next_cursor, limit=50)


def bench_stream(path: Path) -> list[Result]:
    """Peak memory growth while streaming every node, and the first 200,000, in a fresh process."""
    results = []
    for limit in (0, 200_000):
        done = subprocess.run(
            [sys.executable, str(HERE / "stream_rss.py"), str(path), "--limit", str(limit)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(done.stdout)
        growth = (figures["peak_kib"] - figures["baseline_kib"]) / 1024
        results.append(
            Result(
                SUITE,
                f"stream {figures['nodes']:,} nodes (batches of 500)",
                f"peak RSS growth {growth:.1f} MB; {figures['nodes'] / figures['seconds']:,.0f} nodes/s",
                "< 50 MB",
                {"nodes": figures["nodes"], "peak_growth_mb": growth},
            )
        )
    return results


def bench_buffered(work: Path, seed_db: Path, events_per_thread: int, paced_seconds: float) -> list[Result]:
    """The buffered writer (default settings) fed by 4 threads flat out, then by 1 thread at
    1,000 events/s.
    """
    results = []
    path = copy_db(seed_db, work / "buffered.db")
    with MemoryGraph.open(path, registry=None) as graph:
        seed = read_seed(graph)
        writer = graph.buffered()  # the defaults: 10,000 items, 0.25 s, chunks of 1,000, block
        calls: list[list[float]] = [[] for _ in range(4)]

        def produce(thread: int) -> None:
            turns = Turns(seed, random.Random(thread))
            timed = _Timed(writer, calls[thread])
            for _ in range(events_per_thread):
                turns.record(timed)

        started = time.perf_counter()
        producers = [threading.Thread(target=produce, args=(t,)) for t in range(4)]
        for producer in producers:
            producer.start()
        for producer in producers:
            producer.join()
        writer.close()
        seconds = time.perf_counter() - started
        samples = [s for thread in calls for s in thread]
        results.append(
            Result(
                SUITE,
                f"buffered writer, 4 producer threads flat out ({4 * events_per_thread:,} events, written "
                "before the clock stops)",
                f"{4 * events_per_thread / seconds:,.0f} events/s sustained; max queue depth "
                f"{writer.max_depth:,} items; caller cost per call p50 {us(percentile(samples, 50))}, "
                f"p99 {us(percentile(samples, 99))}",
                "",
                {"events_per_s": 4 * events_per_thread / seconds, "max_depth": writer.max_depth},
            )
        )
        flat: list[float] = []
        writer = graph.buffered()  # the defaults: 10,000 items, 0.25 s, chunks of 1,000, block
        turns, timed = Turns(seed, random.Random(98)), _Timed(writer, flat)
        for _ in range(events_per_thread):
            turns.record(timed)
        writer.close()
        # The same calls with no thread writing beside them: into a batch, written after.
        alone: list[float] = []
        with graph.batch() as batch:
            turns, timed = Turns(seed, random.Random(98)), _Timed(batch, alone)
            for _ in range(events_per_thread):
                turns.record(timed)
        for label, samples in (
            ("1 producer flat out (writer busy in the background)", flat),
            ("the same calls into a batch, flat out (no writer thread running)", alone),
        ):
            results.append(
                Result(
                    SUITE,
                    f"caller-thread cost of one recording call, {label}",
                    f"p50 {us(percentile(samples, 50))}, p99 {us(percentile(samples, 99))} "
                    f"({len(samples):,} calls)",
                    "p99 ≤ 50 µs" if samples is flat else "",
                    {"p50": percentile(samples, 50), "p99": percentile(samples, 99)},
                )
            )
        # At 1,000 events/s, four kinds of round alternate, so all see the same minutes of
        # the VM: the default writer; one that writes what is queued after 10 ms; and two
        # floors: a bare Prompt(content=...), and a uuid4 and a timestamp in a tuple (about
        # 1 µs back to back), each with nothing else around it.
        paced: list[float] = []
        eager: list[float] = []
        floor: list[float] = []
        stdlib: list[float] = []
        writer = graph.buffered()  # the defaults: 10,000 items, 0.25 s, chunks of 1,000, block
        eager_writer = graph.buffered(max_delay=0.01)
        turns, timed = Turns(seed, random.Random(99)), _Timed(writer, paced)
        eager_turns, eager_timed = Turns(seed, random.Random(97)), _Timed(eager_writer, eager)

        def bare() -> None:
            started = time.perf_counter()
            Prompt(content="Where is my order?")
            floor.append(time.perf_counter() - started)

        def trivial() -> None:
            started = time.perf_counter()
            (uuid.uuid4(), datetime.now(UTC))
            stdlib.append(time.perf_counter() - started)

        for _ in range(3):
            _every_millisecond(lambda: turns.record(timed), paced_seconds / 3)
            _every_millisecond(lambda: eager_turns.record(eager_timed), paced_seconds / 3)
            _every_millisecond(bare, paced_seconds / 6)
            _every_millisecond(trivial, paced_seconds / 6)
        writer.close()
        eager_writer.close()
        for label, samples in (("default writer", paced), ("max_delay=0.01", eager)):
            results.append(
                Result(
                    SUITE,
                    f"caller-thread cost of one recording call, 1 producer at 1,000 events/s ({label})",
                    f"p50 {us(percentile(samples, 50))}, p99 {us(percentile(samples, 99))} "
                    f"({len(samples):,} calls)",
                    "p99 ≤ 50 µs",
                    {"p50": percentile(samples, 50), "p99": percentile(samples, 99)},
                )
            )
        for label, samples in (
            ("a bare Prompt(content=...)", floor),
            ("(uuid.uuid4(), datetime.now(UTC)), about 1 µs back to back", stdlib),
        ):
            results.append(
                Result(
                    SUITE,
                    f"the machine's floor at the same pace: {label} after each 1 ms sleep",
                    f"p50 {us(percentile(samples, 50))}, p99 {us(percentile(samples, 99))} "
                    f"({len(samples):,} calls)",
                    "",
                    {"p50": percentile(samples, 50), "p99": percentile(samples, 99)},
                )
            )
    return results


def _every_millisecond(call: Callable[[], object], seconds: float) -> None:
    """Call ``call`` once a millisecond for ``seconds``, sleeping in between."""
    deadline = time.perf_counter() + seconds
    next_at = time.perf_counter()
    while time.perf_counter() < deadline:
        call()
        next_at += 0.001
        time.sleep(max(0.0, next_at - time.perf_counter()))


class _Timed:
    """A recorder that times each call made through it (the caller-thread cost)."""

    def __init__(self, recorder: Any, samples: list[float]) -> None:
        self._recorder = recorder
        self._samples = samples

    def __getattr__(self, name: str) -> Any:
        call = getattr(self._recorder, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            result = call(*args, **kwargs)
            self._samples.append(time.perf_counter() - started)
            return result

        return timed


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
        turns, seconds = build_large(large, seed_db, nodes)
        marker.write_text(json.dumps({"last": turns.last_completions, "conversations": turns.conversations}))
        built = f"(built in {seconds:,.0f} s)"
    os.sync()
    results += bench_queries(large, turns, 100 if quick else 400, built)
    results += bench_stream(large)
    results += bench_buffered(work, seed_db, 300 if quick else 5_000, 0.5 if quick else 3.0)
    return results
