"""Index use on Neo4j, read from the server's own plans (``EXPLAIN``), as the SQLite tests
read ``EXPLAIN QUERY PLAN``: every query shape starts from an index seek (or the count
store, or the full-text index), never from a scan of a label, a relationship type or every
node, and a keyset page reads its anchor's index in order, so it stops after ``limit``.

Every test here runs on the session's server (see tests/_neo4j.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import neo4j
import pytest

from llm_memory_graph import MemoryGraph, record_demo
from llm_memory_graph.schema import Direction
from llm_memory_graph.spec import NodeFilter
from llm_memory_graph.stores._common import lineage_steps
from llm_memory_graph.stores.neo4j import Neo4jSettings, Neo4jStore
from llm_memory_graph.stores.neo4j._compose import (
    Composed,
    aggregate_query,
    choose_anchor,
    count_query,
    page_query,
    ranked_query,
)
from llm_memory_graph.stores.neo4j._queries import queries
from llm_memory_graph.stores.neo4j.migrate import Migrator
from tests._neo4j import clear

#: Operators that read every node, every node of a label, every relationship of a type,
#: or a whole index.
FULL_SCANS = {
    "AllNodesScan",
    "PartitionedAllNodesScan",
    "NodeByLabelScan",
    "PartitionedNodeByLabelScan",
    "UnionNodeByLabelsScan",
    "IntersectionNodeByLabelsScan",
    "SubtractionNodeByLabelsScan",
    "NodeIndexScan",
    "PartitionedNodeIndexScan",
    "NodeIndexContainsScan",
    "NodeIndexEndsWithScan",
    "DirectedAllRelationshipsScan",
    "UndirectedAllRelationshipsScan",
    "DirectedRelationshipTypeScan",
    "UndirectedRelationshipTypeScan",
    "DirectedUnionRelationshipTypesScan",
    "UndirectedUnionRelationshipTypesScan",
    "DirectedRelationshipIndexScan",
    "UndirectedRelationshipIndexScan",
    "DirectedRelationshipIndexContainsScan",
    "UndirectedRelationshipIndexContainsScan",
}

#: The migrations' own bookkeeping: a handful of nodes, read by label on purpose.
BOOKKEEPING = re.compile(r":Migration(Lock)?\b")

SORTS = {"Sort", "Top", "PartialSort", "PartialTop"}

ID = "01a20ff6-ba0c-722c-81a4-9bb3afb52ccb"
JANUARY = datetime(2026, 1, 1, tzinfo=UTC)


def _operator(plan: dict[str, Any]) -> str:
    return str(plan["operatorType"]).split("@", 1)[0]


def _walk(
    plan: dict[str, Any], ancestors: tuple[dict[str, Any], ...] = ()
) -> Iterator[tuple[dict[str, Any], tuple[dict[str, Any], ...]]]:
    yield plan, ancestors
    for child in plan.get("children", []):
        yield from _walk(child, (plan, *ancestors))


def _render(plan: dict[str, Any]) -> str:
    return "\n".join(
        f"{'  ' * len(up)}{_operator(op)} {op.get('args', {}).get('Details', '')}" for op, up in _walk(plan)
    )


def explain(settings: Neo4jSettings, text: str, params: dict[str, Any]) -> dict[str, Any]:
    """The server's plan for a query, as the driver returns it (nothing runs)."""
    with (
        neo4j.GraphDatabase.driver(settings.uri, auth=settings.auth()) as driver,
        driver.session(database=settings.database) as session,
    ):
        plan = session.run("EXPLAIN " + text, params).consume().plan  # type: ignore[arg-type]
    assert plan is not None
    return plan


def full_scans(plan: dict[str, Any]) -> list[str]:
    """Every operator of a plan that scans a label, a type, an index or the whole graph."""
    found = []
    for op, _ in _walk(plan):
        details = str(op.get("args", {}).get("Details", ""))
        if _operator(op) in FULL_SCANS and not BOOKKEEPING.search(details):
            found.append(f"{_operator(op)} {details}")
    return found


def unordered_seeks(plan: dict[str, Any]) -> list[str]:
    """Index seeks a page does not read in index order up to a Limit (it would sort all
    their matches): each seek's nearest Limit or sort above it must be a Limit, and the
    seek must provide its order.
    """
    found = []
    for op, ancestors in _walk(plan):
        if "Seek" not in _operator(op):
            continue
        above = next((_operator(a) for a in ancestors if _operator(a) in SORTS | {"Limit"}), None)
        if above != "Limit" or "Order" not in op.get("args", {}):
            found.append(f"{_operator(op)} {op['args'].get('Details', '')} (under {above})")
    return found


# ---------------------------------------------------------------- composed filters

FILTERS = [
    pytest.param({}, id="everything"),
    pytest.param({"types": ["Prompt"]}, id="type"),
    pytest.param({"types": ["Prompt", "Completion"]}, id="types"),
    pytest.param({"conversation_id": ID}, id="conversation"),
    pytest.param({"agent_id": ID}, id="agent"),
    pytest.param({"user_id": "u-42"}, id="user"),
    pytest.param({"name": "writer"}, id="name"),
    pytest.param({"model": "gpt-4o"}, id="model"),
    pytest.param({"provider": "openai"}, id="provider"),
    pytest.param({"status": "error"}, id="status"),
    pytest.param({"finish_reason": "length"}, id="finish-reason"),
    pytest.param({"types": ["TemplateVersion"], "template_id": ID}, id="template"),
    pytest.param({"metadata": {"env": "prod"}}, id="metadata"),
    pytest.param({"metadata": {"env": "prod", "tier": 2}}, id="two-metadata"),
    pytest.param({"metadata_in": {"env": ["prod", "staging"]}}, id="metadata-in"),
    pytest.param({"metadata_exists": ["tier"]}, id="metadata-exists"),
    pytest.param({"since": JANUARY}, id="since"),
    pytest.param({"until": JANUARY}, id="until"),
    pytest.param({"types": ["Completion"], "ranges": {"cost_usd": {"gte": 0.1}}}, id="range"),
    pytest.param(
        {"types": ["Completion"], "model": "gpt-4o", "agent_id": ID, "metadata": {"env": "prod"}},
        id="several",
    ),
]


def _spec(shape: dict[str, Any], **more: Any) -> NodeFilter:
    return NodeFilter.model_validate({**shape, **more})


@pytest.mark.parametrize("shape", FILTERS)
@pytest.mark.parametrize("order", ["oldest", "newest"])
@pytest.mark.parametrize("after", [None, (JANUARY, ID)], ids=["first-page", "next-page"])
def test_every_filtered_page_reads_its_anchor_index_in_order_up_to_its_limit(
    neo4j_settings: Neo4jSettings, shape: dict[str, Any], order: str, after: tuple[datetime, str] | None
) -> None:
    spec = _spec(shape, order=order)
    found = page_query(spec, after, 51, newest=order == "newest")
    plan = explain(neo4j_settings, found.text, found.params)
    assert not full_scans(plan), _render(plan)
    assert not unordered_seeks(plan), _render(plan)


@pytest.mark.parametrize("shape", FILTERS)
def test_every_count_seeks_an_index(neo4j_settings: Neo4jSettings, shape: dict[str, Any]) -> None:
    found = count_query(_spec(shape))
    plan = explain(neo4j_settings, found.text, found.params)
    assert not full_scans(plan), _render(plan)
    assert any("Seek" in _operator(op) for op, _ in _walk(plan)), _render(plan)


@pytest.mark.parametrize("shape", FILTERS)
def test_every_aggregate_seeks_an_index(neo4j_settings: Neo4jSettings, shape: dict[str, Any]) -> None:
    spec = _spec(shape).model_copy(update={"types": ("Completion",)})
    found = aggregate_query(spec, ["model", "day", "template_version"])
    plan = explain(neo4j_settings, found.text, found.params)
    assert not full_scans(plan), _render(plan)


@pytest.mark.parametrize("shape", FILTERS)
def test_a_text_search_filters_the_full_text_indexs_hits_in_one_query(
    neo4j_settings: Neo4jSettings, shape: dict[str, Any]
) -> None:
    spec = _spec(shape, text="refund policy")
    for found in (
        page_query(spec, None, 51, newest=False),
        page_query(spec, (JANUARY, ID), 51, newest=True),
        count_query(spec),
        ranked_query(spec.model_copy(update={"order": "relevance"}), None, 51),
        ranked_query(spec.model_copy(update={"order": "relevance"}), (1.5, ID), 51),
    ):
        plan = explain(neo4j_settings, found.text, found.params)
        assert not full_scans(plan), _render(plan)
        assert "ProcedureCall" in {_operator(op) for op, _ in _walk(plan)}, _render(plan)


def test_a_relevance_page_reads_only_its_own_nodes_whole(neo4j_settings: Neo4jSettings) -> None:
    # Issue 13, item 8: a page used to fetch every hit's properties, then keep `limit`.
    clear(neo4j_settings)
    with MemoryGraph(store=Neo4jStore(neo4j_settings), registry=None) as graph:
        with graph.batch() as batch:
            for i in range(300):
                batch.add_document(f"refund note {i}")
        found = ranked_query(NodeFilter(text="refund", order="relevance"), None, 5)
        with (
            neo4j.GraphDatabase.driver(neo4j_settings.uri, auth=neo4j_settings.auth()) as driver,
            driver.session(database=neo4j_settings.database) as session,
        ):
            result = session.run("PROFILE " + found.text, found.params)
            rows = list(result)
            profile = result.consume().profile
    clear(neo4j_settings)
    assert len(rows) == 5 and profile is not None
    (whole,) = [op for op, _ in _walk(profile) if " AS props" in str(op.get("args", {}).get("Details", ""))]
    assert int(whole["rows"]) == 5, _render(profile)  # projected after the Top, not for 300 hits


@pytest.mark.parametrize("shape", FILTERS)
def test_the_anchor_is_the_first_filter_given_in_the_documented_order(shape: dict[str, Any]) -> None:
    anchor, _ = choose_anchor(_spec(shape))
    found = page_query(_spec(shape), None, 51, newest=False)
    assert found.text.startswith(f"// page anchored on {anchor}")


# ---------------------------------------------------------------- every named query


@pytest.fixture(scope="module")
def recorded_calls(neo4j_settings: Neo4jSettings) -> dict[str, Composed]:
    """The first call of each named query while the library does everything it does:
    record, read, walk, template, migrate and delete, against the session's server.
    """
    calls: dict[str, Composed] = {}

    class RecordingStore(Neo4jStore):
        def _run(self, tx: neo4j.ManagedTransaction, composed: Composed) -> list[neo4j.Record]:
            calls.setdefault(composed.name, composed)
            return super()._run(tx, composed)

        def _run_statement(self, text: str, params: dict[str, Any] | None = None) -> None:
            name = next((q.name for q in queries().values() if q.text == text), None)
            if name is not None:
                calls.setdefault(name, Composed(name, text, dict(params or {})))
            super()._run_statement(text, params)

    clear(neo4j_settings)
    store = RecordingStore(neo4j_settings)
    with MemoryGraph(store=store, registry=None) as graph:
        demo = record_demo(graph)
        graph.lineage(demo.answer_id)
        graph.impact(demo.document_ids[0])
        graph.shortest_path(demo.document_ids[0], demo.answer_id)
        graph.neighbors(demo.answer_id)
        graph.transcript(demo.conversation_id)
        graph.conversation_graph(demo.conversation_id)
        graph.get_edge(graph.neighbors(demo.answer_id)[0].edge.id)
        graph.stats()
        graph.search("refund")
        graph.publish_template("support", "Hello {{ name }}", label="production")
        graph.publish_template("support", "Hello {{ name }}")  # identical text: found by hash
        graph.render_prompt("support", {"name": "Dana"}, label="production")
        graph.delete_conversation(demo.conversation_id)
    with RecordingStore(neo4j_settings) as migrating:
        # Forget the newest migration, so applying it again runs every step of a migration.
        with migrating.driver.session(database=neo4j_settings.database) as session:
            session.run("MATCH (m:Migration) WITH m ORDER BY m.version DESC LIMIT 1 DELETE m").consume()
        migrator = Migrator(migrating)
        migrator.apply()
        migrator.status()
    clear(neo4j_settings)
    return calls


NAMED = sorted(queries())


@pytest.mark.parametrize("name", NAMED)
def test_every_named_query_starts_from_an_index(
    neo4j_settings: Neo4jSettings, recorded_calls: dict[str, Composed], name: str
) -> None:
    assert name in recorded_calls, f"the workload never ran {name}: add what runs it"
    found = recorded_calls[name]
    plan = explain(neo4j_settings, found.text, found.params)
    assert not full_scans(plan), _render(plan)


# ---------------------------------------------------------------- bounded expansions


def _db_hits(profile: dict[str, Any]) -> int:
    return sum(int(op.get("args", {}).get("DbHits", op.get("dbHits", 0))) for op, _ in _walk(profile))


def test_a_lineage_step_from_a_busy_agent_reads_only_the_types_it_follows(
    neo4j_settings: Neo4jSettings,
) -> None:
    clear(neo4j_settings)
    with MemoryGraph(store=Neo4jStore(neo4j_settings), registry=None) as graph:
        agent = graph.register_agent("busy")
        with graph.batch() as batch:
            for i in range(2000):
                batch.add_prompt(f"q{i}", agent=agent)  # 2,000 HANDLED_BY edges into the agent
    to_source, to_target = lineage_steps(Direction.UP, None)
    params = {
        "frontier": [agent.id],
        "seen": {agent.id: True},
        "to_source": to_source,
        "to_target": to_target,
        "scope": None,
        "limit": 10_001,
    }
    with (
        neo4j.GraphDatabase.driver(neo4j_settings.uri, auth=neo4j_settings.auth()) as driver,
        driver.session(database=neo4j_settings.database) as session,
    ):
        profile = session.run("PROFILE " + queries()["lineage_step"].text, params).consume().profile
    clear(neo4j_settings)
    assert profile is not None
    assert "HANDLED_BY" not in to_source  # up from an agent: who handed off to it, not what it handled
    assert _db_hits(profile) < 100, _render(profile)
