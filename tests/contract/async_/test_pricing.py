# Async source: edit here, then run scripts/unasync.py to regenerate the sync twin.
"""Contract: completions recorded without a cost are priced from the graph's price table,
keep the table's version, and ``reprice`` recomputes them; a cost the caller gave is kept."""

from __future__ import annotations

from llm_memory_graph import AsyncMemoryGraph, Completion
from llm_memory_graph.pricing import PriceTable

PRICES = {"version": "v1", "models": {"m": [{"from": "2020-01-01", "input": 1, "output": 2}]}}


async def _record(graph: AsyncMemoryGraph, **fields: object) -> Completion:
    prompt = await graph.add_prompt("hi")
    return await graph.add_completion(
        prompt, "hello", request_model="m", input_tokens=1000, output_tokens=500, **fields
    )  # type: ignore[arg-type]


async def test_a_completion_without_a_cost_is_priced_and_keeps_the_tables_version(
    graph: AsyncMemoryGraph,
) -> None:
    graph.prices = PriceTable.from_json(PRICES)
    completion = await _record(graph)
    stored: Completion = await graph.get(completion.id)  # type: ignore[assignment]
    assert (stored.cost_usd, stored.price_version) == (0.002, "v1")


async def test_a_cost_the_caller_gave_is_kept(graph: AsyncMemoryGraph) -> None:
    graph.prices = PriceTable.from_json(PRICES)
    completion = await _record(graph, cost_usd=0.5)
    assert (completion.cost_usd, completion.price_version) == (0.5, None)
    assert await graph.reprice(prices=PriceTable.from_json({**PRICES, "version": "v2"})) == 0


async def test_reprice_recomputes_from_a_new_table(graph: AsyncMemoryGraph) -> None:
    graph.prices = PriceTable.from_json(PRICES)
    completion = await _record(graph)
    doubled = {"version": "v2", "models": {"m": [{"from": "2020-01-01", "input": 2, "output": 4}]}}
    assert await graph.reprice(prices=PriceTable.from_json(doubled), dry_run=True) == 1
    assert (await graph.get(completion.id)).cost_usd == 0.002  # type: ignore[attr-defined]
    assert await graph.reprice(prices=PriceTable.from_json(doubled)) == 1
    stored: Completion = await graph.get(completion.id)  # type: ignore[assignment]
    assert (stored.cost_usd, stored.price_version, stored.content) == (0.004, "v2", "hello")
    assert await graph.reprice(prices=PriceTable.from_json(doubled)) == 0
    report = await graph.query().report()
    assert report[0].cost_usd == 0.004


async def test_an_unknown_model_is_left_unpriced(graph: AsyncMemoryGraph) -> None:
    graph.prices = PriceTable.from_json(PRICES)
    prompt = await graph.add_prompt("hi")
    completion = await graph.add_completion(prompt, "hello", request_model="other", input_tokens=10)
    assert (completion.cost_usd, completion.price_version) == (None, None)
