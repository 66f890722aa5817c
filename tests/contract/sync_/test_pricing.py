# Generated from tests/contract/async_/test_pricing.py by scripts/unasync.py; do not edit.
"""Contract: completions recorded without a cost are priced from the graph's price table,
keep the table's version, and ``reprice`` recomputes them; a cost the caller gave is kept."""

from __future__ import annotations

from llm_memory_graph import MemoryGraph, Completion
from llm_memory_graph.pricing import PriceTable

PRICES = {"version": "v1", "models": {"m": [{"from": "2020-01-01", "input": 1, "output": 2}]}}


def _record(graph: MemoryGraph, **fields: object) -> Completion:
    prompt = graph.add_prompt("hi")
    return graph.add_completion(
        prompt, "hello", request_model="m", input_tokens=1000, output_tokens=500, **fields
    )  # type: ignore[arg-type]


def test_a_completion_without_a_cost_is_priced_and_keeps_the_tables_version(
    graph: MemoryGraph,
) -> None:
    graph.prices = PriceTable.from_json(PRICES)
    completion = _record(graph)
    stored: Completion = graph.get(completion.id)  # type: ignore[assignment]
    assert (stored.cost_usd, stored.price_version) == (0.002, "v1")


def test_a_cost_the_caller_gave_is_kept(graph: MemoryGraph) -> None:
    graph.prices = PriceTable.from_json(PRICES)
    completion = _record(graph, cost_usd=0.5)
    assert (completion.cost_usd, completion.price_version) == (0.5, None)
    assert graph.reprice(prices=PriceTable.from_json({**PRICES, "version": "v2"})) == 0


def test_reprice_recomputes_from_a_new_table(graph: MemoryGraph) -> None:
    graph.prices = PriceTable.from_json(PRICES)
    completion = _record(graph)
    doubled = {"version": "v2", "models": {"m": [{"from": "2020-01-01", "input": 2, "output": 4}]}}
    assert graph.reprice(prices=PriceTable.from_json(doubled), dry_run=True) == 1
    assert (graph.get(completion.id)).cost_usd == 0.002  # type: ignore[attr-defined]
    assert graph.reprice(prices=PriceTable.from_json(doubled)) == 1
    stored: Completion = graph.get(completion.id)  # type: ignore[assignment]
    assert (stored.cost_usd, stored.price_version, stored.content) == (0.004, "v2", "hello")
    assert graph.reprice(prices=PriceTable.from_json(doubled)) == 0
    report = graph.query().report()
    assert report[0].cost_usd == 0.004


def test_an_unknown_model_is_left_unpriced(graph: MemoryGraph) -> None:
    graph.prices = PriceTable.from_json(PRICES)
    prompt = graph.add_prompt("hi")
    completion = graph.add_completion(prompt, "hello", request_model="other", input_tokens=10)
    assert (completion.cost_usd, completion.price_version) == (None, None)
