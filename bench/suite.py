"""The benchmarks every store runs, on a graph it opens: single calls, lineage and filtered
pages on a large graph, streaming memory, and the buffered writer. ``sqlite_suite`` and
``neo4j_suite`` run them on their stores and add what only their store has.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import Result, ms, percentile, us
from workload import TURNS, Seed, Turns, read_seed

from llm_memory_graph import MemoryGraph, NodeType, Prompt

__all__ = ["bench_buffered", "bench_queries", "bench_single_calls", "bench_stream", "build_large"]

HERE = Path(__file__).resolve().parent


def bench_single_calls(
    suite: str, graph: MemoryGraph, calls: int, mode: str, target: str = ""
) -> list[Result]:
    """add_prompt and add_completion one at a time, each its own transaction."""
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
    return [
        Result(
            suite,
            f"{name}, one call = one {mode}",
            f"p50 {ms(percentile(samples, 50))}, p95 {ms(percentile(samples, 95))}, "
            f"p99 {ms(percentile(samples, 99))}",
            target,
            {"p50": percentile(samples, 50), "p95": percentile(samples, 95), "p99": percentile(samples, 99)},
        )
        for name, samples in (("add_prompt", prompt_times), ("add_completion", completion_times))
    ]


def build_large(graph: MemoryGraph, nodes: int) -> tuple[Turns, float]:
    """Record about ``nodes`` more nodes (the event mix) into ``graph``, which holds the seed."""
    seed = read_seed(graph)
    turns = Turns(seed, random.Random(8))
    started = time.perf_counter()
    with graph.batch(chunk_size=5000) as batch:
        while turns.nodes < nodes:
            turns.record(batch)
            if turns.count % 2000 == 0:
                batch.flush()
    return turns, time.perf_counter() - started


def bench_queries(suite: str, graph: MemoryGraph, turns: Turns, samples: int, built: str) -> list[Result]:
    """Lineage depth 10 and filtered pages on the large graph (open it with the cache off)."""
    rnd = random.Random(9)
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
            suite,
            f"lineage, depth 10, from a conversation's last answer ({size}, cache off)",
            f"p50 {ms(percentile(lineage_times, 50))}, p95 {ms(percentile(lineage_times, 95))} "
            f"(median {sorted(reached)[len(reached) // 2]} nodes reached)",
            "p95 < 20 ms",
            {"p50": percentile(lineage_times, 50), "p95": percentile(lineage_times, 95), "nodes": total},
        ),
        Result(
            suite,
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


def bench_stream(suite: str, graph_args: list[str]) -> list[Result]:
    """Peak memory growth while streaming every node, and the first 200,000, in a fresh
    process (``stream_rss.py``, given ``graph_args`` to open the graph).
    """
    results = []
    for limit in (0, 200_000):
        done = subprocess.run(
            [sys.executable, str(HERE / "stream_rss.py"), *graph_args, "--limit", str(limit)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(done.stdout)
        growth = (figures["peak_kib"] - figures["baseline_kib"]) / 1024
        results.append(
            Result(
                suite,
                f"stream {figures['nodes']:,} nodes (batches of 500)",
                f"peak RSS growth {growth:.1f} MB; {figures['nodes'] / figures['seconds']:,.0f} nodes/s",
                "< 50 MB",
                {"nodes": figures["nodes"], "peak_growth_mb": growth},
            )
        )
    return results


def bench_buffered(
    suite: str, graph: MemoryGraph, events_per_thread: int, paced_seconds: float
) -> list[Result]:
    """The buffered writer (default settings) fed by 4 threads flat out, then by 1 thread at
    1,000 events/s, on ``graph`` (which holds the seed).
    """
    results = []
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
            suite,
            f"buffered writer, 4 producer threads flat out ({4 * events_per_thread:,} events, written "
            "before the clock stops)",
            f"{4 * events_per_thread / seconds:,.0f} events/s sustained; max queue depth "
            f"{writer.max_depth:,} items; caller cost per call p50 {us(percentile(samples, 50))}, "
            f"p99 {us(percentile(samples, 99))}",
            "",
            {"events_per_s": 4 * events_per_thread / seconds, "max_depth": writer.max_depth},
        )
    )
    writer = graph.buffered()  # the defaults: 10,000 items, 0.25 s, chunks of 1,000, block
    flat = _flat_out(writer, seed, events_per_thread)
    writer.close()
    with graph.batch() as batch:  # the same calls with no thread writing beside them
        alone = _flat_out(batch, seed, events_per_thread)
    results += [
        _cost(suite, f"{RECORDING}, 1 producer flat out (writer busy in the background)", flat, TARGET),
        _cost(suite, f"{RECORDING}, the same calls into a batch, flat out (no writer thread running)", alone),
    ]
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

    def trivial() -> None:  # timed inline like bare(): a wrapper's call would add a tenth
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
    paced_recording = f"{RECORDING}, 1 producer at 1,000 events/s"
    floor_at = "the machine's floor at the same pace:"
    return [
        *results,
        _cost(suite, f"{paced_recording} (default writer)", paced, TARGET),
        _cost(suite, f"{paced_recording} (max_delay=0.01)", eager, TARGET),
        _cost(suite, f"{floor_at} a bare Prompt(content=...) after each 1 ms sleep", floor),
        _cost(
            suite,
            f"{floor_at} (uuid.uuid4(), datetime.now(UTC)), about 1 µs back to back after each 1 ms sleep",
            stdlib,
        ),
    ]


#: What the caller-cost rows measure, and the cost the project aims for.
RECORDING = "caller-thread cost of one recording call"
TARGET = "p99 ≤ 50 µs"


def _flat_out(recorder: Any, seed: Seed, events: int) -> list[float]:
    """Record ``events`` events back to back into ``recorder``; the seconds each call took."""
    samples: list[float] = []
    turns, timed = Turns(seed, random.Random(98)), _Timed(recorder, samples)
    for _ in range(events):
        turns.record(timed)
    return samples


def _cost(suite: str, name: str, samples: list[float], target: str = "") -> Result:
    """One row of call times: p50 and p99 of ``samples``, and how many there were."""
    return Result(
        suite,
        name,
        f"p50 {us(percentile(samples, 50))}, p99 {us(percentile(samples, 99))} ({len(samples):,} calls)",
        target,
        {"p50": percentile(samples, 50), "p99": percentile(samples, 99)},
    )


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
