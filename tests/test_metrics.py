"""Prometheus metrics: names, values after known operations, one set per registry, closed
labels, and the /metrics page (issue 6). Values are read back with get_sample_value.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from llm_memory_graph import (
    EdgeType,
    GraphMetrics,
    InvalidInputError,
    MemoryGraph,
    NodeNotFoundError,
    NodeType,
    RetryPolicy,
    SQLiteStore,
    StoreTimeoutError,
)
from llm_memory_graph.metrics import serve_metrics

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def registry() -> CollectorRegistry:
    """A fresh Prometheus registry."""
    return CollectorRegistry()


@pytest.fixture
def graph(db_path: Path, registry: CollectorRegistry) -> Iterator[MemoryGraph]:
    """An empty embedded graph in a file, reporting to ``registry``."""
    with MemoryGraph.open(db_path, registry=registry) as opened:
        yield opened


def _ops(registry: CollectorRegistry, operation: str, outcome: str = "ok") -> float | None:
    return registry.get_sample_value(
        "llm_memory_graph_operations_total", {"operation": operation, "store": "sqlite", "outcome": outcome}
    )


def test_graph_metrics_are_built_once_per_registry(registry: CollectorRegistry) -> None:
    assert GraphMetrics(registry) is GraphMetrics(registry)
    assert GraphMetrics(registry) is not GraphMetrics(CollectorRegistry())


def test_two_graphs_on_one_registry_share_the_instruments(registry: CollectorRegistry) -> None:
    with (
        MemoryGraph.open(":memory:", registry=registry) as first,
        MemoryGraph.open(":memory:", registry=registry) as second,
    ):
        first.add_prompt("one")
        second.add_prompt("two")

    assert registry.get_sample_value("llm_memory_graph_items_written_total", {"kind": "Prompt"}) == 2


def test_registry_none_turns_metrics_off() -> None:
    with MemoryGraph.open(":memory:", registry=None) as graph:
        graph.add_prompt("unmeasured")

        assert graph.store.on_retry is None


def test_importing_the_package_registers_nothing() -> None:
    script = (
        "import llm_memory_graph, llm_memory_graph.metrics\n"
        "from prometheus_client import REGISTRY\n"
        "names = [m.name for m in REGISTRY.collect() if m.name.startswith('llm_memory_graph')]\n"
        "print(names)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr


def test_writes_are_counted_by_operation_and_timed(graph: MemoryGraph, registry: CollectorRegistry) -> None:
    prompt = graph.add_prompt("hi")
    graph.add_completion(prompt, "hello")

    assert _ops(registry, "upsert") == 2
    assert (
        registry.get_sample_value(
            "llm_memory_graph_operation_duration_seconds_count", {"operation": "upsert", "store": "sqlite"}
        )
        == 2
    )


def test_reads_are_counted_by_operation(graph: MemoryGraph, registry: CollectorRegistry) -> None:
    prompt = graph.add_prompt("hi")
    graph.get(prompt.id)
    graph.lineage(prompt)
    graph.find(types="Prompt")

    assert (_ops(registry, "get"), _ops(registry, "lineage"), _ops(registry, "page")) == (1, 1, 1)


def test_a_missing_node_counts_as_an_invalid_outcome(graph: MemoryGraph, registry: CollectorRegistry) -> None:
    with pytest.raises(NodeNotFoundError):
        graph.get("0190a6b2-0000-7000-8000-000000000000")

    assert _ops(registry, "get", "invalid") == 1
    assert _ops(registry, "get", "ok") == 0


def test_items_written_are_counted_by_node_and_edge_type(
    graph: MemoryGraph, registry: CollectorRegistry
) -> None:
    prompt = graph.add_prompt("hi")
    graph.add_completion(prompt, "hello")

    def written(kind: str) -> float | None:
        return registry.get_sample_value("llm_memory_graph_items_written_total", {"kind": kind})

    assert (written("Prompt"), written("Completion"), written("GENERATES")) == (1, 1, 1)


def test_items_written_include_the_edges_the_store_keeps(
    graph: MemoryGraph, registry: CollectorRegistry
) -> None:
    # The metric counts every edge written, as stats() does: the CONTAINS, PRECEDES and
    # HANDLED_BY edges the store derives too, through single calls and batches alike.
    chat, agent = graph.start_conversation("c"), graph.register_agent("a")
    prompt = graph.add_prompt("hi", conversation=chat, agent=agent)
    with graph.batch() as batch:
        batch.add_completion(prompt, "hello")

    def written(kind: str) -> float | None:
        return registry.get_sample_value("llm_memory_graph_items_written_total", {"kind": kind})

    edges = graph.stats().edges
    assert all(written(str(t)) == n for t, n in edges.items() if n)
    assert (written("CONTAINS"), written("PRECEDES"), written("HANDLED_BY")) == (2, 1, 2)


def test_tokens_and_cost_of_written_completions_are_counted(
    graph: MemoryGraph, registry: CollectorRegistry
) -> None:
    prompt = graph.add_prompt("hi")
    graph.add_completion(
        prompt, "a", input_tokens=100, output_tokens=7, cached_input_tokens=40, cost_usd=0.25
    )
    graph.add_completion(prompt, "b", input_tokens=5, cost_usd=0.5)

    def tokens(kind: str) -> float | None:
        return registry.get_sample_value("llm_memory_graph_tokens_total", {"kind": kind})

    assert (tokens("input"), tokens("output"), tokens("cached_input"), tokens("reasoning")) == (105, 7, 40, 0)
    assert registry.get_sample_value("llm_memory_graph_cost_usd_total") == 0.75


def test_store_errors_are_counted_by_error_class(db_path: Path, registry: CollectorRegistry) -> None:
    store = SQLiteStore(db_path, timeout=0, retry=RetryPolicy(attempts=1))
    with MemoryGraph(store=store, registry=registry) as graph:
        graph.add_prompt("file created")
        blocker = sqlite3.connect(db_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreTimeoutError):
                graph.add_prompt("blocked")
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()

    assert _ops(registry, "upsert", "error") == 1
    assert (
        registry.get_sample_value(
            "llm_memory_graph_store_errors_total", {"store": "sqlite", "error": "StoreTimeoutError"}
        )
        == 1
    )


def test_retries_of_a_locked_file_are_counted(db_path: Path, registry: CollectorRegistry) -> None:
    # The timeout bounds all three tries together: each waits a third of it.
    store = SQLiteStore(db_path, timeout=0.3, retry=RetryPolicy(attempts=3, backoff=0))
    with MemoryGraph(store=store, registry=registry) as graph:
        graph.add_prompt("file created")
        blocker = sqlite3.connect(db_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreTimeoutError, match="through every retry"):
                graph.add_prompt("blocked three times")
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()

    assert store.retries == {"SQLITE_BUSY": 2}
    assert (
        registry.get_sample_value(
            "llm_memory_graph_store_retries_total", {"store": "sqlite", "error": "SQLITE_BUSY"}
        )
        == 2
    )


def test_a_write_retried_after_the_lock_is_released_succeeds(
    db_path: Path, registry: CollectorRegistry
) -> None:
    store = SQLiteStore(db_path, timeout=1, retry=RetryPolicy(attempts=5, backoff=0))
    with MemoryGraph(store=store, registry=registry) as graph:
        graph.add_prompt("file created")
        blocker = sqlite3.connect(db_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        count_retry = store.on_retry
        assert count_retry is not None

        def release_then_count(error: str) -> None:
            if blocker.in_transaction:
                blocker.execute("ROLLBACK")
            count_retry(error)

        store.on_retry = release_then_count
        graph.add_prompt("written on the second try")
        blocker.close()

        assert graph.stats().nodes["Prompt"] == 2  # type: ignore[index]
    assert store.retries == {"SQLITE_BUSY": 1}
    assert (
        registry.get_sample_value(
            "llm_memory_graph_store_retries_total", {"store": "sqlite", "error": "SQLITE_BUSY"}
        )
        == 1
    )


def test_cache_hits_and_misses_are_read_from_the_graphs_cache(
    graph: MemoryGraph, registry: CollectorRegistry
) -> None:
    graph.stats()
    graph.stats()
    graph.stats()

    assert registry.get_sample_value("llm_memory_graph_cache_misses_total") == 1
    assert registry.get_sample_value("llm_memory_graph_cache_hits_total") == 2


def test_cache_counts_survive_their_graph_closing(db_path: Path, registry: CollectorRegistry) -> None:
    with MemoryGraph.open(db_path, registry=registry) as graph:
        graph.stats()
        graph.stats()

    assert registry.get_sample_value("llm_memory_graph_cache_hits_total") == 1


def test_batch_sizes_are_observed(graph: MemoryGraph, registry: CollectorRegistry) -> None:
    with graph.batch(chunk_size=10) as batch:
        for i in range(25):
            batch.add_prompt(f"q{i}")

    assert registry.get_sample_value("llm_memory_graph_batch_items_count", {"operation": "batch"}) == 3
    assert (
        registry.get_sample_value("llm_memory_graph_batch_items_bucket", {"operation": "batch", "le": "10.0"})
        == 3
    )
    assert _ops(registry, "batch") == 3


def test_buffer_depth_and_flush_age_are_read_at_scrape_time(
    graph: MemoryGraph, registry: CollectorRegistry
) -> None:
    writer = graph.buffered(max_delay=3600.0, chunk_size=100_000)
    prompt = writer.add_prompt("queued")
    writer.add_completion(prompt, "queued too")

    assert registry.get_sample_value("llm_memory_graph_buffer_items") == 3
    age = registry.get_sample_value("llm_memory_graph_buffer_last_flush_age_seconds")
    assert age is not None
    assert age >= 0
    writer.close()
    assert registry.get_sample_value("llm_memory_graph_buffer_items") == 0
    assert _ops(registry, "buffered") == 1


def test_labels_never_carry_ids_models_or_metadata(graph: MemoryGraph, registry: CollectorRegistry) -> None:
    chat = graph.start_conversation("secret title", user_id="user-42")
    prompt = graph.add_prompt("hi", conversation=chat, metadata={"tenant": "acme"})
    graph.add_completion(prompt, "hello", request_model="gpt-4o", response_model="gpt-4o-2024-08-06")
    graph.lineage(prompt)
    with pytest.raises(InvalidInputError):
        graph.add_prompt("bad", token_count=-1)

    values = {
        value
        for family in registry.collect()
        for sample in family.samples
        for name, value in sample.labels.items()
        if name != "le"  # histogram bucket bounds
    }

    assert not any(v in values for v in (chat.id, prompt.id, "gpt-4o", "user-42", "acme", "secret title"))
    closed = {"sqlite", "ok", "invalid", "error", "upsert", "lineage", "stats", "get"}
    closed |= {str(t) for t in (*NodeType, *EdgeType)}  # a closed set too
    closed |= {"input", "output", "cached_input", "reasoning", "queue_full", "write_failed"}
    assert values <= closed


def test_serve_metrics_serves_the_registry_and_the_stored_counts(
    graph: MemoryGraph, registry: CollectorRegistry
) -> None:
    graph.add_prompt("counted")

    with serve_metrics(graph, port=0, registry=registry, refresh=0) as server:
        with urllib.request.urlopen(server.url, timeout=10) as response:
            page = response.read().decode()
        graph.add_prompt("counted after a refresh")
        server.refresh()
        with urllib.request.urlopen(server.url, timeout=10) as response:
            refreshed = response.read().decode()

    assert 'llm_memory_graph_stored_nodes{type="Prompt"} 1.0' in page
    assert 'llm_memory_graph_items_written_total{kind="Prompt"} 1.0' in page
    assert 'llm_memory_graph_stored_nodes{type="Prompt"} 2.0' in refreshed


@pytest.mark.slow
def test_the_serve_metrics_command_serves_until_stopped(db_path: Path) -> None:
    with MemoryGraph.open(db_path, registry=None) as graph:
        graph.add_prompt("stored")
    command = [
        sys.executable,
        "-m",
        "llm_memory_graph.cli",
        "serve-metrics",
        "--db",
        str(db_path),
        "--port",
        "0",
    ]
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as server:
        try:
            assert server.stdout is not None
            first_line = server.stdout.readline()  # printed once the server listens
            url = first_line.split(" on ", 1)[1].split(" ", 1)[0]
            with urllib.request.urlopen(url, timeout=10) as response:
                page = response.read().decode()
        finally:
            server.terminate()
        assert server.wait(timeout=30) == 0

    assert first_line.startswith(f"Serving metrics of {db_path} on http://127.0.0.1:")
    assert 'llm_memory_graph_stored_nodes{type="Prompt"} 1.0' in page


def test_the_grafana_dashboard_uses_only_metrics_the_library_exports(
    graph: MemoryGraph, registry: CollectorRegistry
) -> None:
    dashboard = json.loads((ROOT / "grafana" / "llm-memory-graph.json").read_text())
    expressions = [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]
    used = {name for expr in expressions for name in re.findall(r"llm_memory_graph_[a-z_]+", expr)}
    writer = graph.buffered()
    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"], "gauge": [""]}
    with serve_metrics(graph, port=0, registry=registry, refresh=0):
        exported = {f.name + end for f in registry.collect() for end in suffixes.get(f.type, [""])}
    writer.close()

    assert used
    assert used <= exported, sorted(used - exported)
