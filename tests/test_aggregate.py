"""What both stores share about aggregates: checks, nearest ranks, keys, order, and the Cypher."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

import neo4j.time
import pytest
from hypothesis import given
from hypothesis import strategies as st

from llm_memory_graph import InvalidInputError
from llm_memory_graph.spec import AggregateRow, GroupBy, NodeFilter, Order, Range, RangeField
from llm_memory_graph.stores._aggregate import (
    PERCENTILES,
    aggregate_row,
    check_aggregate,
    finish,
    nearest_rank,
    population,
)
from llm_memory_graph.stores.codec import to_micros
from llm_memory_graph.stores.neo4j._compose import aggregate_query

_METRICS = [f for f in AggregateRow.model_fields if f != "group"]


def _raw(**values: Any) -> dict[str, Any]:
    """A store's result row: every metric zero or null, then ``values``."""
    row: dict[str, Any] = dict.fromkeys(_METRICS, 0)
    row.update(latency_p50_ms=None, latency_p95_ms=None, latency_p99_ms=None, feedback_avg=None)
    return row | values


@pytest.mark.parametrize(
    ("percent", "count", "rank"),
    [
        pytest.param(50, 5, 3, id="median-of-five"),
        pytest.param(95, 5, 5, id="p95-of-five"),
        pytest.param(50, 4, 2, id="median-of-four"),
        pytest.param(95, 20, 19, id="p95-of-twenty"),
        pytest.param(99, 100, 99, id="p99-of-a-hundred"),
        pytest.param(99, 101, 100, id="p99-of-a-hundred-and-one"),
        pytest.param(50, 1, 1, id="one-value"),
        pytest.param(50, 0, 0, id="no-values"),
    ],
)
def test_nearest_rank_is_the_ceiling_of_p_n(percent: int, count: int, rank: int) -> None:
    assert nearest_rank(percent, count) == rank


@given(percent=st.integers(1, 100), count=st.integers(0, 10**9))
def test_nearest_rank_never_rounds_like_a_float(percent: int, count: int) -> None:
    assert nearest_rank(percent, count) == math.ceil(Fraction(percent * count, 100))


def test_check_aggregate_accepts_names_and_a_single_grouping() -> None:
    assert check_aggregate(NodeFilter(), ["model", GroupBy.DAY]) == (GroupBy.MODEL, GroupBy.DAY)
    assert check_aggregate(NodeFilter(), GroupBy.HOUR) == (GroupBy.HOUR,)  # type: ignore[arg-type]
    assert check_aggregate(NodeFilter(types=["Completion"]), []) == ()


@pytest.mark.parametrize(
    ("spec", "by", "field", "message"),
    [
        pytest.param({"types": ["Feedback"]}, [], "filter.types", "completions only", id="other-type"),
        pytest.param({"text": "refund"}, [], "filter.text", "cannot be aggregated", id="text"),
        pytest.param({}, ["model", "model"], "by", "model is given twice", id="repeated"),
        pytest.param({}, ["day", "week"], "by.1", "expected one of model, provider", id="unknown"),
    ],
)
def test_check_aggregate_names_the_field_at_fault(
    spec: dict[str, Any], by: list[str], field: str, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message) as caught:
        check_aggregate(NodeFilter.model_validate(spec), by)
    assert caught.value.field == field


def test_the_population_is_completions_in_any_order() -> None:
    spec = NodeFilter(order=Order.NEWEST, ranges={RangeField.SCORE: Range(gte=1)})
    found = population(spec)
    assert (found.types, found.order, found.ranges) == (("Completion",), Order.OLDEST, spec.ranges)


_BUCKET = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(to_micros(_BUCKET), id="sqlite-micros"),
        pytest.param(neo4j.time.DateTime.from_native(_BUCKET), id="neo4j-datetime"),
        pytest.param(_BUCKET.astimezone(timezone(timedelta(hours=2))), id="other-offset"),
    ],
)
def test_time_buckets_are_iso_utc_whatever_the_store_returns(value: object) -> None:
    row = aggregate_row([GroupBy.HOUR], _raw(hour=value, completions=1))
    assert row.group == {GroupBy.HOUR: "2026-03-01T12:00:00+00:00"}
    assert row.group[GroupBy.HOUR] == _BUCKET.isoformat()


def test_buckets_before_1970_start_on_the_boundary() -> None:
    moment = datetime(1969, 12, 31, 23, 59, 30, tzinfo=UTC)
    row = aggregate_row([GroupBy.MINUTE], _raw(minute=to_micros(moment.replace(second=0)), completions=1))
    assert row.group[GroupBy.MINUTE] == "1969-12-31T23:59:00+00:00"


def test_sums_are_rounded_so_the_order_of_addition_does_not_matter() -> None:
    row = aggregate_row([], _raw(completions=3, cost_usd=0.1 + 0.2, feedback_avg=(0.1 + 0.2) / 1))
    assert (row.cost_usd, row.feedback_avg) == (0.3, 0.3)


def test_missing_sums_and_counts_are_zero() -> None:
    row = aggregate_row([], dict.fromkeys(_METRICS))
    assert (row.completions, row.input_tokens, row.cost_usd, row.feedback_count) == (0, 0, 0.0, 0)


def test_finish_orders_rows_by_their_keys_in_grouping_order_none_first() -> None:
    by = [GroupBy.MODEL, GroupBy.AGENT]
    keys = [("b", None), (None, "z"), ("a", "y"), ("a", None), ("b", "a")]
    rows = [aggregate_row(by, _raw(model=m, agent=a, completions=1)) for m, a in keys]
    assert [(r.group[GroupBy.MODEL], r.group[GroupBy.AGENT]) for r in finish(by, rows)] == [
        (None, "z"),
        ("a", None),
        ("a", "y"),
        ("b", None),
        ("b", "a"),
    ]


def test_finish_without_groups_gives_one_row_of_zeros_for_nothing() -> None:
    (row,) = finish([], [aggregate_row([], _raw(completions=None))])
    assert row.group == {} and row.completions == 0 and row.latency_p50_ms is None
    assert finish([], []) == [row]
    assert finish([GroupBy.MODEL], []) == []


# ---------------------------------------------------------------- the Cypher twin

_CYPHER = aggregate_query(population(NodeFilter()), [g.value for g in GroupBy])


def test_the_cypher_query_takes_the_groupings() -> None:
    assert _CYPHER.params["by"] == [g.value for g in GroupBy]


def test_the_cypher_query_returns_every_grouping_and_metric_by_name() -> None:
    for grouping in GroupBy:
        assert f"'{grouping.value}' IN $by" in _CYPHER.text
        assert f" AS {grouping.value}" in _CYPHER.text
    returned = _CYPHER.text.rsplit("RETURN ", 1)[1]
    for metric in _METRICS:
        assert metric in returned


def test_the_cypher_query_ranks_latencies_like_the_shared_code() -> None:
    for percent in PERCENTILES:
        assert (
            f"sorted[({percent} * size(sorted) + 99) / 100 - 1] END AS latency_p{percent}_ms" in _CYPHER.text
        )
