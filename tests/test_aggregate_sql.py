"""The embedded store's aggregate statement reaches completions, edges and feedback by index."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from llm_memory_graph.spec import AggregateRow, GroupBy, NodeFilter
from llm_memory_graph.stores._aggregate import population
from llm_memory_graph.stores.sqlite import SQLiteStore
from llm_memory_graph.stores.sqlite._aggregate import aggregate_statement

#: A bare scan of a stored table (scans of the statement's own CTEs are expected).
_TABLE_SCAN = re.compile(r"\bSCAN (nodes|edges|node_meta|n|e|m|x|f|r|g|i)\b(?! USING)")

_ID = "01a20ff6-ba0c-722c-81a4-9bb3afb52ccb"

FILTERS = [
    pytest.param({}, id="everything"),
    pytest.param({"since": "2026-01-01T00:00:00Z", "until": "2026-02-01T00:00:00Z"}, id="time-range"),
    pytest.param({"agent_id": _ID}, id="agent"),
    pytest.param({"conversation_id": _ID}, id="conversation"),
    pytest.param({"model": "gpt-4o"}, id="model"),
    pytest.param({"metadata": {"env": "prod"}, "metadata_exists": ["tier"]}, id="metadata"),
    pytest.param({"ranges": {"latency_ms": {"lte": 100}}, "provider": "openai"}, id="json-fields"),
]

GROUPINGS = [
    pytest.param((), id="no-groups"),
    pytest.param((GroupBy.MODEL, GroupBy.DAY), id="model-day"),
    pytest.param(tuple(GroupBy), id="every-grouping"),
]


def _plan(db_path: Path, spec: NodeFilter, by: tuple[GroupBy, ...]) -> str:
    statement = aggregate_statement(population(spec), by)
    with SQLiteStore(db_path) as store:
        store.stats()  # creates the schema
        rows = store._conn().execute(f"EXPLAIN QUERY PLAN {statement.text}", statement.params).fetchall()
    return "\n".join(row[-1] for row in rows)


@pytest.mark.parametrize("by", GROUPINGS)
@pytest.mark.parametrize("shape", FILTERS)
def test_the_aggregate_statement_scans_no_stored_table(
    db_path: Path, shape: dict[str, object], by: tuple[GroupBy, ...]
) -> None:
    plan = _plan(db_path, NodeFilter.model_validate(shape), by)
    assert not _TABLE_SCAN.search(plan), plan


def test_feedback_is_reached_from_each_completion_through_the_edge_target_index(db_path: Path) -> None:
    plan = _plan(db_path, NodeFilter(agent_id=_ID), (GroupBy.MODEL,))
    assert "SEARCH n USING INDEX nodes_agent" in plan, plan
    assert "SEARCH r USING INDEX edges_target (target_id=? AND type=?)" in plan, plan
    assert "SEARCH f USING INDEX sqlite_autoindex_nodes_1 (id=?)" in plan, plan


def test_template_versions_are_reached_through_edge_indexes(db_path: Path) -> None:
    plan = _plan(db_path, NodeFilter(), (GroupBy.TEMPLATE_VERSION,))
    assert "SEARCH g USING INDEX edges_target (target_id=? AND type=?)" in plan, plan
    assert re.search(r"SEARCH i USING (COVERING )?INDEX edges_source \(source_id=\? AND type=\?\)", plan), (
        plan
    )


def test_latencies_are_sorted_once_per_statement(db_path: Path) -> None:
    plan = _plan(db_path, NodeFilter(), (GroupBy.MODEL, GroupBy.HOUR))
    assert plan.count("USE TEMP B-TREE FOR ORDER BY") == 1, plan


def test_the_aggregate_statement_names_its_columns_as_the_rows_expect(db_path: Path) -> None:
    statement = aggregate_statement(population(NodeFilter()), (GroupBy.DAY, GroupBy.MODEL))
    with SQLiteStore(db_path) as store:
        store.stats()
        cursor = store._conn().execute(statement.text, statement.params)
        names = [d[0] for d in cursor.description]
        assert cursor.fetchall() == []
    metrics = [f for f in AggregateRow.model_fields if f != "group"]
    assert names == ["day", "model", *metrics]
