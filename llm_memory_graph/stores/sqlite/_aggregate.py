"""The SQL of the embedded store's aggregates, built from a filter and a list of groupings.

One statement does all the work: ``pop`` finds the completions through the same filter
builder as ``find_nodes`` (so through the same indexes); ``facts`` adds one row per
distinct (group, feedback) pair, reached through RATES edges; a window ranks each group's
measured latencies; the final ``GROUP BY`` sums, counts and picks the latency at each
nearest rank ``(p * n + 99) / 100`` (integer division, as in ``_aggregate.nearest_rank``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ...spec import GroupBy, NodeFilter
from .._aggregate import PERCENTILES, TIME_BUCKETS
from ._sql import Statement, filter_conditions, where_sql

__all__ = ["SUMMED_FIELDS", "aggregate_statement"]

#: Completion fields summed per group (a missing value adds nothing).
SUMMED_FIELDS = (
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "cached_input_tokens",
    "reasoning_tokens",
    "cost_usd",
)

#: Micros since the epoch, floored to a bucket even before 1970 (SQLite's % truncates).
_BUCKET = "(n.created_at - ((n.created_at % {size}) + {size}) % {size})"

#: The expression of each grouping's key over ``nodes n``; constants only, never input.
_KEYS: dict[GroupBy, str] = {
    GroupBy.MODEL: "coalesce(n.response_model, n.request_model)",
    GroupBy.PROVIDER: "json_extract(n.data, '$.provider')",
    GroupBy.AGENT: "n.agent_id",
    GroupBy.CONVERSATION: "n.conversation_id",
    GroupBy.USER: "n.user_id",
    # the smallest id among the template versions that the completion's prompts instantiate
    GroupBy.TEMPLATE_VERSION: (
        "(SELECT min(i.target_id) FROM edges g JOIN edges i "
        "ON i.source_id = g.source_id AND i.type = 'INSTANTIATES' "
        "WHERE g.target_id = n.id AND g.type = 'GENERATES')"
    ),
    **{b: _BUCKET.format(size=seconds * 1_000_000) for b, seconds in TIME_BUCKETS.items()},
}


def aggregate_statement(spec: NodeFilter, by: Sequence[GroupBy]) -> Statement:
    """Return the query that totals the completions matching ``spec`` per group of ``by``.

    ``spec`` must already be the population filter (``_aggregate.population``) and ``by``
    checked (``_aggregate.check_aggregate``). Result columns: one per grouping, named by
    its value (time buckets as microseconds since the epoch), then the ``AggregateRow``
    metrics by field name. Without groupings there is exactly one row.
    """
    source, where, params, _ = filter_conditions(spec, drive_by_metadata=True)
    keys = [GroupBy(g) for g in by]  # checked again: the names are spliced into the SQL
    columns = [f'"{g.value}"' for g in keys]
    selected = "".join(f"{_KEYS[g]} AS {c}, " for g, c in zip(keys, columns, strict=True))
    key_list = "".join(f"{c}, " for c in columns)
    fed_keys = "".join(f"p.{c}, " for c in columns)
    partition = f"PARTITION BY {', '.join(columns)} " if columns else ""
    group_by = f"\nGROUP BY {', '.join(columns)}" if columns else ""
    fields = "".join(f"json_extract(data, '$.{f}') AS {f}, " for f in SUMMED_FIELDS)
    no_fields = "NULL, " * len(SUMMED_FIELDS)
    sums = "".join(f"sum({f}) AS {f}, " for f in SUMMED_FIELDS)
    ranks = "".join(
        f"max(CASE WHEN latency IS NOT NULL AND rank = ({p} * measured + 99) / 100 THEN latency END) "
        f"AS latency_p{p}_ms, "
        for p in PERCENTILES
    )
    text = f"""
WITH pop AS (
  SELECT {selected}n.id AS id, n.data AS data FROM {source} WHERE {where_sql(where)}
),
facts AS (
  SELECT {key_list}1 AS completion, json_extract(data, '$.error') IS NOT NULL AS error, {fields}
         json_extract(data, '$.latency_ms') AS latency, NULL AS feedback, NULL AS score
  FROM pop
  UNION ALL
  SELECT DISTINCT {fed_keys}0, 0, {no_fields}NULL, f.id, json_extract(f.data, '$.score')
  FROM pop p
  CROSS JOIN edges r ON r.target_id = p.id AND r.type = 'RATES'
  CROSS JOIN nodes f ON f.id = r.source_id AND f.type = 'Feedback'
),
ranked AS (
  SELECT *,
         count(latency) OVER (by_latency ROWS UNBOUNDED PRECEDING) AS rank,
         count(latency) OVER (by_latency ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS measured
  FROM facts
  WINDOW by_latency AS ({partition}ORDER BY latency)
)
SELECT {key_list}sum(completion) AS completions, sum(error) AS errors, {sums}{ranks}
       count(feedback) AS feedback_count, avg(score) AS feedback_avg
FROM ranked{group_by}
"""
    return Statement(text.strip(), params)
