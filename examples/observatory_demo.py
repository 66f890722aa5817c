"""Observability: the Prometheus metrics a graph updates, and cost and latency reports from the graph.

Shows ``MemoryGraph.open(..., registry=...)`` with a ``prometheus_client`` registry of its
own, the exposition text of a few of the SDK's metrics after some recording and reading
(operations by outcome, items written, tokens, cost, cache), exact values with
``registry.get_sample_value``, and ``query().since(...).until(...).report(by=...)``: per
model completions, errors, tokens, cost, latency p50/p95 and feedback.

Run it with a store as its one argument (else ``$LLM_MEMORY_GRAPH_URI``, else a
temporary SQLite file that is deleted afterwards)::

    python examples/observatory_demo.py
    NEO4J_PASSWORD=secret python examples/observatory_demo.py bolt://localhost:7687

On Neo4j, migrate the database first (``llm-memory-graph migrate``). In a service, expose
the registry with ``prometheus_client.start_http_server(9464)`` instead of printing it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest

from llm_memory_graph import GroupBy, MemoryGraph, NodeNotFoundError

# (model, input tokens, output tokens, latency ms, cost $, error, feedback score)
CALLS = [
    ("gpt-4o", 800, 120, 950.0, 0.0032, None, 5),
    ("gpt-4o", 640, 90, 1240.0, 0.0025, None, 4),
    ("gpt-4o", 700, 0, 30000.0, 0.0, "timeout", None),
    ("gpt-4o-mini", 800, 110, 410.0, 0.0002, None, 3),
    ("gpt-4o-mini", 620, 95, 380.0, 0.0001, None, 4),
]
#: The metric families printed below (every name the SDK exposes starts with llm_memory_graph_).
SHOWN = ("operations_total", "items_written_total", "tokens_total", "cost_usd_total", "cache_")


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LLM_MEMORY_GRAPH_URI")
    registry = CollectorRegistry()  # default: prometheus_client.REGISTRY; None turns metrics off
    with (
        tempfile.TemporaryDirectory() as folder,
        MemoryGraph.open(target or Path(folder) / "obs.db", registry=registry) as graph,
    ):
        start = datetime.now(UTC)
        chat = graph.start_conversation("observatory")
        for model, tokens_in, tokens_out, latency, cost, error, score in CALLS:
            prompt = graph.add_prompt("Summarise the ticket.", conversation=chat)
            answer = graph.add_completion(
                prompt,
                "" if error else "A summary.",
                provider="openai",
                request_model=model,
                input_tokens=tokens_in,
                output_tokens=tokens_out,
                latency_ms=latency,
                cost_usd=cost,
                error=error,
            )
            if score is not None:
                graph.add_feedback(answer, score=score)

        # Some reads: the same count twice (the second from the cache), and an unknown id.
        graph.query().conversation(chat).count()
        graph.query().conversation(chat).count()
        with contextlib.suppress(NodeNotFoundError):  # counted with outcome="invalid"
            graph.get(str(uuid.uuid4()))

        # What Prometheus would scrape: a few families, the series that moved.
        print("Metrics exposition (non-zero series):")
        for line in generate_latest(registry).decode().splitlines():
            if line.startswith(tuple(f"llm_memory_graph_{name}" for name in SHOWN)) and not line.endswith(
                " 0.0"
            ):
                print(" ", line)
        total = registry.get_sample_value("llm_memory_graph_cost_usd_total") or 0.0
        tokens = registry.get_sample_value("llm_memory_graph_tokens_total", {"kind": "input"}) or 0.0
        print(f"get_sample_value: cost {total:.4f} USD, {tokens:.0f} input tokens\n")

        # Reports come from the graph itself, over any time range and filter.
        end = datetime.now(UTC)
        rows = graph.query().conversation(chat).since(start).until(end).report(by=["model"])
        print(f"Report from {start:%H:%M:%S} to {end:%H:%M:%S} UTC, by model:")
        print(f"  {'model':<12} calls errors tokens   cost_usd  p50_ms  p95_ms feedback")
        for r in rows:
            print(
                f"  {r.group[GroupBy.MODEL]:<12} {r.completions:>5} {r.errors:>6} {r.total_tokens:>6} "
                f"{r.cost_usd:>10.4f} {r.latency_p50_ms:>7.0f} {r.latency_p95_ms:>7.0f} {r.feedback_avg:>8.2f}"
            )


if __name__ == "__main__":
    main()
