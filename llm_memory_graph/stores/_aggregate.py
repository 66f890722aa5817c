"""What both stores share about aggregates: the checks, the population, the rows; no I/O.

A store turns a ``NodeFilter`` and a list of ``GroupBy`` into one database query that
groups the matching completions and sums, counts and ranks inside the database; the
store then hands each result row to ``aggregate_row`` and the list to ``finish``, so
group keys, rounding, ordering and the empty case are the same everywhere.

Percentiles are nearest-rank: of ``n`` sorted latencies, the p-th percentile is the one
at (1-based) rank ``ceil(p * n / 100)``, computed as ``(p * n + 99) // 100`` in integer
arithmetic, in SQL, in Cypher and here alike, so no store rounds differently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from ..errors import InvalidInputError
from ..schema import NodeType
from ..spec import AggregateRow, GroupBy, NodeFilter, Order
from .codec import from_micros

__all__ = [
    "COST_DIGITS",
    "PERCENTILES",
    "TIME_BUCKETS",
    "aggregate_row",
    "check_aggregate",
    "finish",
    "nearest_rank",
    "population",
]

#: The latency percentiles every row carries.
PERCENTILES = (50, 95, 99)

#: Groupings that are the UTC start of a time bucket, with the bucket's length in seconds.
TIME_BUCKETS: dict[GroupBy, int] = {GroupBy.MINUTE: 60, GroupBy.HOUR: 3600, GroupBy.DAY: 86400}

#: Decimals kept of cost sums and feedback averages, so the order in which a database adds
#: floats cannot make two stores disagree in the last bit.
COST_DIGITS = 10


def check_aggregate(filter: NodeFilter, by: Sequence[GroupBy | str]) -> tuple[GroupBy, ...]:
    """Refuse what cannot be aggregated; return the groupings as ``GroupBy`` values.

    :param by: the groupings; a single ``GroupBy`` (or its name) counts as a list of one.
    :raises InvalidInputError: for node types other than Completion (``filter.types``),
        a text search (``filter.text``), or an unknown or repeated grouping (``by``).
    """
    if filter.types and tuple(filter.types) != (NodeType.COMPLETION,):
        raise InvalidInputError(
            f"aggregates total completions only; leave types out or give {NodeType.COMPLETION} alone",
            field="filter.types",
        )
    if filter.text is not None:
        raise InvalidInputError(
            "a text search cannot be aggregated; filter by fields instead", field="filter.text"
        )
    items: Sequence[GroupBy | str] = [by] if isinstance(by, str) else by
    groupings: list[GroupBy] = []
    for i, item in enumerate(items):
        try:
            grouping = GroupBy(item)
        except ValueError:
            raise InvalidInputError(
                f"unknown grouping {item!r}; expected one of {', '.join(GroupBy)}", field=f"by.{i}"
            ) from None
        if grouping in groupings:
            raise InvalidInputError(f"{grouping} is given twice", field="by")
        groupings.append(grouping)
    return tuple(groupings)


def population(filter: NodeFilter) -> NodeFilter:
    """Return the filter that finds the completions to aggregate (its order is dropped).

    A condition on a field completions lack (a range on ``score``, say) matches none of
    them, as it would in ``find_nodes``.
    """
    return filter.model_copy(update={"types": (NodeType.COMPLETION,), "order": Order.OLDEST})


def nearest_rank(percent: int, count: int) -> int:
    """Return the 1-based rank of the ``percent``-th percentile among ``count`` sorted values.

    ``ceil(percent * count / 100)`` in integer arithmetic; 0 when there are no values.
    """
    return (percent * count + 99) // 100


def _key(grouping: GroupBy, value: Any) -> str | None:
    """Return a group key as text: time buckets as ISO 8601 UTC, everything else as is."""
    if value is None:
        return None
    if grouping in TIME_BUCKETS:
        if isinstance(value, int):
            value = from_micros(value)
        elif hasattr(value, "to_native"):  # a Neo4j DateTime
            value = value.to_native()
        if not isinstance(value, datetime):
            raise TypeError(f"a {grouping} bucket must be a datetime or microseconds, got {value!r}")
        return value.astimezone(UTC).isoformat()
    return str(value)


def _float(value: Any, digits: int | None = None) -> float | None:
    if value is None:
        return None
    return float(value) if digits is None else round(float(value), digits)


def aggregate_row(by: Sequence[GroupBy], row: Mapping[str, Any]) -> AggregateRow:
    """Return the ``AggregateRow`` of one result row of a store's aggregate query.

    The row holds each grouping under its ``GroupBy`` value (a time bucket as a datetime or
    as microseconds since the epoch) and each metric under its ``AggregateRow`` field name;
    a missing sum or count is 0.
    """
    return AggregateRow(
        group={g: _key(g, row[g.value]) for g in by},
        completions=int(row["completions"] or 0),
        errors=int(row["errors"] or 0),
        input_tokens=int(row["input_tokens"] or 0),
        output_tokens=int(row["output_tokens"] or 0),
        total_tokens=int(row["total_tokens"] or 0),
        cached_input_tokens=int(row["cached_input_tokens"] or 0),
        reasoning_tokens=int(row["reasoning_tokens"] or 0),
        cost_usd=round(float(row["cost_usd"] or 0.0), COST_DIGITS),
        latency_p50_ms=_float(row["latency_p50_ms"]),
        latency_p95_ms=_float(row["latency_p95_ms"]),
        latency_p99_ms=_float(row["latency_p99_ms"]),
        feedback_count=int(row["feedback_count"] or 0),
        feedback_avg=_float(row["feedback_avg"], COST_DIGITS),
    )


def _empty() -> AggregateRow:
    return AggregateRow(
        group={},
        completions=0,
        errors=0,
        input_tokens=0,
        output_tokens=0,
        total_tokens=0,
        cached_input_tokens=0,
        reasoning_tokens=0,
        cost_usd=0.0,
        latency_p50_ms=None,
        latency_p95_ms=None,
        latency_p99_ms=None,
        feedback_count=0,
        feedback_avg=None,
    )


def finish(by: Sequence[GroupBy], rows: Iterable[AggregateRow]) -> list[AggregateRow]:
    """Return the rows in order of their keys, in ``by`` order, ``None`` first.

    Without groupings the answer is always one row, of zeros when nothing matched; a group
    with no completions is never listed.
    """
    found = [r for r in rows if r.completions]
    if not by:
        return found[:1] or [_empty()]
    return sorted(found, key=lambda r: [(r.group[g] is not None, r.group[g] or "") for g in by])
