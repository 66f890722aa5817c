"""Price tables: effective dates, model matching, overrides with versions of their own,
and the cost of a call by hand-computed examples and by properties."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llm_memory_graph.errors import InvalidInputError
from llm_memory_graph.pricing import ModelPrice, PriceTable

TABLE = PriceTable.from_json(
    {
        "version": "t1",
        "models": {
            "gpt-4o": [
                {"from": "2024-05-13", "input": 5, "output": 15},
                {"from": "2024-10-01", "input": 2.5, "cached_input": 1.25, "output": 10},
            ],
            "gpt-4o-mini": [{"from": "2024-07-18", "input": 0.15, "output": 0.6}],
            "thinker": [{"from": "2025-01-01", "input": 1, "output": 2, "reasoning": 4}],
        },
    }
)


def test_the_price_in_force_on_the_calls_day_is_used() -> None:
    assert TABLE.price("gpt-4o", date(2024, 9, 30)).input == 5  # type: ignore[union-attr]
    assert TABLE.price("gpt-4o", date(2024, 10, 1)).input == 2.5  # type: ignore[union-attr]
    assert TABLE.price("gpt-4o", date(2024, 1, 1)) is None


def test_a_dated_model_name_matches_the_longest_listed_name() -> None:
    assert TABLE.price("gpt-4o-mini-2024-07-18", date(2025, 1, 1)).input == 0.15  # type: ignore[union-attr]
    assert TABLE.price("gpt-4o-2024-08-06", date(2025, 1, 1)).input == 2.5  # type: ignore[union-attr]
    assert TABLE.price("gpt-4orange", date(2025, 1, 1)) is None


def test_cost_by_hand() -> None:
    price = TABLE.price("gpt-4o", date(2025, 1, 1))
    assert price is not None
    # 1,000 input of which 400 cached, 200 output: (600 * 2.5 + 400 * 1.25 + 200 * 10) / 1e6
    assert price.cost(1000, 200, cached=400) == pytest.approx(0.004)


def test_reasoning_tokens_are_billed_at_their_own_price_where_listed() -> None:
    price = TABLE.price("thinker", date(2025, 6, 1))
    assert price is not None
    assert price.cost(0, 100, reasoning=60) == pytest.approx((40 * 2 + 60 * 4) / 1e6)


def test_overrides_add_models_and_name_a_version_of_their_own() -> None:
    custom = TABLE.with_prices({"my-model": [{"from": "2025-01-01", "input": 1, "output": 1}]})
    assert custom.version.startswith("t1+") and custom.version != TABLE.version
    assert custom.price("my-model", date(2025, 2, 1)) is not None
    assert TABLE.price("my-model", date(2025, 2, 1)) is None


@pytest.mark.parametrize(
    "entry",
    [
        {"input": 1, "output": 1},
        {"from": "2025-01-01", "input": -1, "output": 1},
        {"from": "x", "input": 1, "output": 1},
    ],
)
def test_a_bad_price_is_refused_in_the_family(entry: dict[str, object]) -> None:
    with pytest.raises(InvalidInputError, match="'m'"):
        PriceTable.from_json({"version": "v", "models": {"m": [entry]}})


def test_the_shipped_table_loads_and_prices_the_common_models() -> None:
    table = PriceTable.shipped()
    for model in (
        "gpt-4o-mini-2024-07-18",
        "gpt-4.1",
        "claude-3-5-sonnet-20241022",
        "claude-sonnet-4-20250514",
    ):
        assert table.price(model, date(2026, 1, 1)) is not None, model


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(0, 10**9), st.integers(0, 10**9))
def test_cost_is_never_negative_and_caching_never_costs_more(
    inputs: int, outputs: int, cached: int, reasoning: int
) -> None:
    price = ModelPrice(date(2025, 1, 1), input=2.5, output=10, cached_input=1.25, reasoning=12)
    cost = price.cost(inputs, outputs, cached=cached, reasoning=reasoning)
    assert 0 <= cost <= price.cost(inputs, outputs, cached=0, reasoning=reasoning)
