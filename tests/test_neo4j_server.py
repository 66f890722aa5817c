"""What only a real Neo4j server shows about the store: how it talks to the server.

Every test here runs on the session's server (see tests/_neo4j.py).
"""

from __future__ import annotations

import logging

import pytest

from llm_memory_graph import EdgeType, MemoryGraph, Prompt
from llm_memory_graph.schema import DependsOn
from llm_memory_graph.stores.neo4j import Neo4jSettings, Neo4jStore
from llm_memory_graph.stores.neo4j._sync import store as store_module
from tests._neo4j import clear


def test_the_store_does_not_log_a_warning_for_a_label_the_database_has_not_seen(
    neo4j_settings: Neo4jSettings, caplog: pytest.LogCaptureFixture
) -> None:
    # A fresh database lacks most labels; the driver would log each query naming one.
    with Neo4jStore(neo4j_settings) as store, caplog.at_level(logging.DEBUG, logger="neo4j"):
        store.driver.execute_query(
            "MATCH (n:LabelNoWriteEverMade) RETURN count(n) AS n", database_=neo4j_settings.database
        )
    assert not [r for r in caplog.records if "does not exist" in r.getMessage()]


def test_a_rewritten_node_keeps_one_metadata_self_loop_per_entry_it_has_now(
    neo4j_settings: Neo4jSettings,
) -> None:
    clear(neo4j_settings)
    with MemoryGraph(store=Neo4jStore(neo4j_settings), registry=None) as graph:
        prompt = graph.add_prompt("q", metadata={"env": "dev", "tier": 1})
        graph.add([prompt.model_copy(update={"metadata": {"env": "prod", "team": "a"}})])
    with Neo4jStore(neo4j_settings) as store:
        records, _, _ = store.driver.execute_query(
            "MATCH (n {id: $id})-[m:HAS_META]->(n) RETURN m.kv AS kv, m.node_id = n.id AS same ORDER BY kv",
            id=prompt.id,
            database_=neo4j_settings.database,
        )
    assert [(r["kv"], r["same"]) for r in records] == [('env="prod"', True), ('team="a"', True)]


def test_timestamps_are_stored_as_zoned_datetimes_cypher_can_compare(neo4j_settings: Neo4jSettings) -> None:
    clear(neo4j_settings)
    with MemoryGraph(store=Neo4jStore(neo4j_settings), registry=None) as graph:
        chat = graph.start_conversation("t")
        prompt = graph.add_prompt("q", conversation=chat)
        graph.close_conversation(chat)
    with Neo4jStore(neo4j_settings) as store:
        records, _, _ = store.driver.execute_query(
            "MATCH (c:Conversation)-[k:CONTAINS]->(p:Prompt) WHERE p.created_at >= datetime('2000-01-01') "
            "RETURN valueType(p.created_at) AS item, valueType(c.closed_at) AS closed, "
            "valueType(k.created_at) AS edge, p.created_at AS at",
            database_=neo4j_settings.database,
        )
    (record,) = records
    assert {record["item"], record["closed"], record["edge"]} == {"ZONED DATETIME NOT NULL"}
    assert record["at"].to_native() == prompt.created_at


def test_an_upsert_larger_than_a_chunk_writes_every_node_and_edge(
    neo4j_settings: Neo4jSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    clear(neo4j_settings)
    monkeypatch.setattr(store_module, "CHUNK", 3)  # the split, at a size a test can write
    with MemoryGraph(store=Neo4jStore(neo4j_settings), registry=None) as graph:
        chat = graph.start_conversation("big")
        prompts = [Prompt(content=f"p{i}", conversation_id=chat.id) for i in range(8)]
        edges = [DependsOn(source_id=prompts[i + 1].id, target_id=prompts[i].id) for i in range(7)]
        graph.add(prompts, edges)
        assert [n.id for n in graph.transcript(chat)] == [p.id for p in prompts]
        stats = graph.stats()
    assert stats.edges[EdgeType.DEPENDS_ON] == 7
    assert stats.edges[EdgeType.PRECEDES] == 7 and stats.edges[EdgeType.CONTAINS] == 8


def test_a_delete_cut_short_is_finished_by_calling_it_again(neo4j_settings: Neo4jSettings) -> None:
    clear(neo4j_settings)
    with MemoryGraph(store=Neo4jStore(neo4j_settings), registry=None) as graph:
        kept = graph.start_conversation()
        graph.add_prompt("stays", conversation=kept)
        chat = graph.start_conversation()
        prompts = [graph.add_prompt(f"q{i}", conversation=chat) for i in range(6)]
        context = graph.attach_context("only this chat's", to=prompts[0])
        # As a crash between two of the delete's batches leaves it: its attached context
        # and half its items gone, the rest and the conversation still there.
        graph._store.driver.execute_query(  # type: ignore[attr-defined]
            "UNWIND $ids AS id MATCH (n {id: id}) DETACH DELETE n",
            ids=[context.id, *(p.id for p in prompts[:3])],
        )
        graph.delete_conversation(chat)
        stats = graph.stats()
    assert stats.nodes["Conversation"] == 1 and stats.nodes["Prompt"] == 1
    assert stats.total_edges == 1  # the kept conversation's CONTAINS
