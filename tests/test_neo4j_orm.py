"""neomodel on a real server: what ``MemoryGraph`` writes reads back through the neomodel
classes field for field, and every relationship accessor, both ways, traverses to the
right node with the edge's properties.

One graph is written for the module: a node of every type and an edge for every
(type, source, target) the schema allows, each with every field it can take.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from neomodel import RelationshipFrom, RelationshipTo, db

from llm_memory_graph import MemoryGraph
from llm_memory_graph.schema import (
    EDGE_RULES,
    Completion,
    Context,
    DependsOn,
    DerivedFrom,
    Edge,
    EdgeType,
    Feedback,
    Generates,
    Inherits,
    Instantiates,
    Node,
    NodeType,
    Prompt,
    Rates,
    References,
    ToolInvocation,
    Triggers,
)
from llm_memory_graph.stores.neo4j import Neo4jSettings, Neo4jStore, models
from tests._neo4j import clear
from tests.test_neo4j_models import declared

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
META: dict[str, Any] = {"team": "search", "attempt": 2, "nested": {"a": [1, "ü"]}}
ITEM_ORDER = [
    NodeType.PROMPT,
    NodeType.COMPLETION,
    NodeType.TOOL_INVOCATION,
    NodeType.CONTEXT,
    NodeType.FEEDBACK,
]


def de_bruijn_pairs(symbols: list[NodeType]) -> list[NodeType]:
    """A sequence in which every ordered pair of ``symbols`` (repeats too) follows once."""
    k, sequence, a = len(symbols), [], [0] * (2 * len(symbols))

    def walk(t: int, p: int) -> None:
        if t > 2:
            if 2 % p == 0:
                sequence.extend(a[1 : p + 1])
            return
        a[t] = a[t - p]
        walk(t + 1, p)
        for j in range(a[t - p] + 1, k):
            a[t] = j
            walk(t + 1, t)

    walk(1, 1)
    return [symbols[i] for i in [*sequence, sequence[0]]]


@dataclass
class Written:
    """What the module's graph holds: every node, and one edge per allowed pair."""

    nodes: dict[str, Node]
    edges: dict[tuple[EdgeType, NodeType, NodeType], Edge]


def _item(kind: NodeType, i: int, chat: str, agent: str) -> Node:
    at = {"created_at": T0 + timedelta(seconds=i), "metadata": {**META, "i": i}, "conversation_id": chat}
    handled = {"agent_id": agent}
    if kind is NodeType.PROMPT:
        return Prompt(content=f"question {i}", role="user", token_count=3, **at, **handled)
    if kind is NodeType.COMPLETION:
        return Completion(
            content=f"answer {i}",
            provider="openai",
            request_model="gpt-4o",
            response_model="gpt-4o-2024-08-06",
            input_tokens=10,
            output_tokens=4,
            cost_usd=0.001,
            latency_ms=120.5,
            finish_reason="stop",
            **at,
            **handled,
        )
    if kind is NodeType.TOOL_INVOCATION:
        return ToolInvocation(
            tool_name="search", arguments={"q": "x"}, result={"hits": [1]}, duration_ms=3.5, **at, **handled
        )
    if kind is NodeType.CONTEXT:
        return Context(content=f"memory {i}", kind="memory", token_count=2, **at, **handled)
    return Feedback(score=4.0, label="good", comment="clear", rater="ana", **at)


@pytest.fixture(scope="module")
def written(neo4j_settings: Neo4jSettings) -> Iterator[Written]:
    clear(neo4j_settings)
    with MemoryGraph(store=Neo4jStore(neo4j_settings), registry=None) as graph:
        chat = graph.start_conversation("orm", user_id="u-7", metadata=META)
        first, second = graph.register_agent("planner"), graph.register_agent("writer")
        graph.hand_off(first, second, reason="needs writing", conversation=chat)
        items = [
            graph.add([_item(kind, i, chat.id, first.id)])[0]
            for i, kind in enumerate(de_bruijn_pairs(ITEM_ORDER))
        ]
        doc = graph.add_document("Refunds within 30 days.", title="Policy", uri="kb://refunds", metadata=META)
        base = graph.publish_template("orm", "Hi {{ name }}", label="production")
        child = graph.publish_template("orm", '{% extends "parent" %}', parent=base.version)
        template = graph.find(types="PromptTemplate", name="orm").items[0]
        by_type: dict[NodeType, list[Node]] = {}
        for node in items:
            by_type.setdefault(node.type, []).append(node)
        one = {kind: nodes[0] for kind, nodes in by_type.items()}
        extra: list[Edge] = [
            Generates(source_id=one[NodeType.PROMPT].id, target_id=one[NodeType.COMPLETION].id),
            Triggers(source_id=one[NodeType.COMPLETION].id, target_id=one[NodeType.TOOL_INVOCATION].id),
            Triggers(source_id=one[NodeType.TOOL_INVOCATION].id, target_id=by_type[NodeType.PROMPT][1].id),
            DerivedFrom(
                source_id=by_type[NodeType.PROMPT][1].id, target_id=one[NodeType.PROMPT].id, reason="clearer"
            ),
            Instantiates(source_id=one[NodeType.PROMPT].id, target_id=base.id, variables={"name": "Dana"}),
            Inherits(source_id=base.id, target_id=template.id),
        ]
        for source in (NodeType.PROMPT, NodeType.COMPLETION):
            for target in (doc, one[NodeType.CONTEXT]):
                extra.append(References(source_id=one[source].id, target_id=target.id, score=0.8, rank=1))
        for source, target in EDGE_RULES[EdgeType.DEPENDS_ON].pairs:
            ends = (
                [by_type[source][0], by_type[target][-1]] if target in by_type else [by_type[source][0], doc]
            )
            extra.append(DependsOn(source_id=ends[0].id, target_id=ends[1].id, metadata={"why": "used"}))
        for target in (NodeType.COMPLETION, NodeType.PROMPT, NodeType.TOOL_INVOCATION):
            extra.append(Rates(source_id=one[NodeType.FEEDBACK].id, target_id=one[target].id))
        graph.add(edges=extra)
        nodes = {n.id: n for n in [chat, first, second, doc, base, child, template, *items]}
        nodes = {n.id: graph.get(n.id) for n in nodes.values()}
        edges: dict[tuple[EdgeType, NodeType, NodeType], Edge] = {}
        for node in nodes.values():
            for neighbor in graph.neighbors(node, direction="out"):
                key = (neighbor.edge.type, node.type, neighbor.node.type)
                edges.setdefault(key, neighbor.edge)
    with Neo4jStore(neo4j_settings) as store:
        db.set_connection(driver=store.driver)
        try:
            yield Written(nodes, edges)
        finally:
            db.close_connection()
    clear(neo4j_settings)


def test_the_graph_holds_an_edge_for_every_allowed_pair(written: Written) -> None:
    allowed = {(t, s, d) for t, rule in EDGE_RULES.items() for s, d in rule.pairs}
    assert allowed - set(written.edges) == set()


@pytest.mark.parametrize("node_type", list(NodeType), ids=lambda t: t.value)
def test_every_node_type_reads_back_through_its_neomodel_class_with_equal_fields(
    written: Written, node_type: NodeType
) -> None:
    stored = [n for n in written.nodes.values() if n.type is node_type]
    assert stored
    for node in stored:
        orm = models.NODE_MODELS[node_type].nodes.get(id=node.id)
        fields = {name: getattr(orm, name) for name in type(node).model_fields}
        assert type(node).model_validate(fields) == node


def _pairs() -> list[Any]:
    return [
        pytest.param(t, s, d, id=f"{s.value}-{t.value}->{d.value}")
        for t, rule in EDGE_RULES.items()
        for s, d in sorted(rule.pairs)
    ]


def _orm(node: Node) -> Any:
    return models.NODE_MODELS[node.type].nodes.get(id=node.id)


@pytest.mark.parametrize(("edge_type", "source", "target"), _pairs())
def test_every_relationship_accessor_traverses_both_ways_with_the_edge_s_properties(
    written: Written, edge_type: EdgeType, source: NodeType, target: NodeType
) -> None:
    edge = written.edges[(edge_type, source, target)]
    source_cls, target_cls = models.NODE_MODELS[source], models.NODE_MODELS[target]
    (forward,) = declared(source_cls, RelationshipTo, edge_type, target_cls)
    (backward,) = declared(target_cls, RelationshipFrom, edge_type, source_cls)
    start, end = _orm(written.nodes[edge.source_id]), _orm(written.nodes[edge.target_id])
    assert edge.target_id in {n.id for n in getattr(start, forward).all()}
    assert edge.source_id in {n.id for n in getattr(end, backward).all()}
    rel = getattr(start, forward).relationship(end)
    own = set(type(edge).model_fields) - {"type", "source_id", "target_id"}
    assert {name: getattr(rel, name) for name in own} == {name: getattr(edge, name) for name in own}
