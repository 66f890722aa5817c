# Generated from tests/contract/async_/test_lineage.py by scripts/unasync.py; do not edit.
"""Contract: lineage walks provenance up and down, to a depth, and ends on cycles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from llm_memory_graph import MemoryGraph, InvalidInputError, Node, NodeNotFoundError, Prompt


@dataclass
class Session:
    """A small multi-agent RAG session, with every node a test may ask about."""

    conversation: Node
    router: Node
    researcher: Node
    writer: Node
    question: Node
    routing: Node
    research_prompt: Node
    doc: Node
    research: Node
    tool: Node
    followup: Node
    write_prompt: Node
    system: Node
    answer: Node
    rating: Node


def _session(graph: MemoryGraph) -> Session:
    chat = graph.start_conversation("refunds", user_id="u-7")
    router = graph.register_agent("router")
    researcher = graph.register_agent("researcher")
    writer = graph.register_agent("writer")
    question = graph.add_prompt("Can I get a refund after 40 days?", conversation=chat, agent=router)
    routing = graph.add_completion(question, "route: researcher")
    graph.hand_off(router, researcher, conversation=chat)
    research_prompt = graph.add_prompt("Find the refund policy", conversation=chat, agent=researcher)
    doc = graph.add_document("Refunds within 30 days.", title="Refund policy")
    graph.reference(research_prompt, doc, score=0.92, rank=1)
    research = graph.add_completion(research_prompt, "call lookup_order")
    tool = graph.add_tool_invocation(research, "lookup_order", arguments={"id": 7}, result={"days": 40})
    followup = graph.add_prompt(
        "Order is 40 days old", conversation=chat, agent=researcher, triggered_by=tool
    )
    graph.hand_off(researcher, writer, conversation=chat)
    write_prompt = graph.add_prompt(
        "Answer the user", conversation=chat, agent=writer, depends_on=[followup]
    )
    system = graph.attach_context("Be kind.", to=write_prompt, conversation=chat, kind="system")
    answer = graph.add_completion(write_prompt, "Sorry, refunds close after 30 days.")
    rating = graph.add_feedback(answer, score=4)
    return Session(
        chat,
        router,
        researcher,
        writer,
        question,
        routing,
        research_prompt,
        doc,
        research,
        tool,
        followup,
        write_prompt,
        system,
        answer,
        rating,
    )


def test_lineage_up_reaches_everything_that_fed_the_answer(graph: MemoryGraph) -> None:
    s = _session(graph)
    lineage = graph.lineage(s.answer)
    reached = set(lineage.depths)
    fed = [s.write_prompt, s.system, s.followup, s.tool, s.research, s.research_prompt, s.doc]
    assert {n.id for n in fed} <= reached
    assert {s.writer.id, s.researcher.id, s.router.id} <= reached  # agents and their hand-offs
    assert s.rating.id not in reached and s.conversation.id not in reached
    assert lineage.depths[s.answer.id] == 0 and lineage.depths[s.write_prompt.id] == 1
    assert lineage.nodes[0].id == s.answer.id


def test_lineage_edges_join_only_nodes_of_the_subgraph(graph: MemoryGraph) -> None:
    s = _session(graph)
    lineage = graph.lineage(s.answer)
    assert lineage.edges
    for edge in lineage.edges:
        assert edge.source_id in lineage.depths and edge.target_id in lineage.depths
        assert edge.type not in ("CONTAINS", "PRECEDES")


def test_lineage_follows_hand_offs_only_of_the_roots_conversation(graph: MemoryGraph) -> None:
    router, researcher, writer = [graph.register_agent(n) for n in ("router", "researcher", "writer")]
    earlier = graph.start_conversation()
    graph.hand_off(router, writer, conversation=earlier)
    chat = graph.start_conversation()
    graph.hand_off(researcher, writer, conversation=chat)
    answer = graph.add_completion(graph.add_prompt("q", conversation=chat, agent=writer), "a")
    lineage = graph.lineage(answer)
    assert researcher.id in lineage.depths and router.id not in lineage.depths
    assert all(e.type != "TRANSFERS_TO" or e.source_id == researcher.id for e in lineage.edges)
    agent_lineage = graph.lineage(writer)
    assert {router.id, researcher.id} <= set(agent_lineage.depths)


def test_lineage_down_reaches_everything_a_document_influenced(graph: MemoryGraph) -> None:
    s = _session(graph)
    lineage = graph.lineage(s.doc, direction="down")
    reached = set(lineage.depths)
    assert {
        s.research_prompt.id,
        s.research.id,
        s.tool.id,
        s.followup.id,
        s.answer.id,
        s.rating.id,
    } <= reached
    assert s.question.id not in reached and s.routing.id not in reached


def test_lineage_stops_at_the_depth_asked(graph: MemoryGraph) -> None:
    chain = [graph.add_prompt("v0")]
    for i in range(1, 6):
        revised = graph.add_prompt(f"v{i}")
        graph.link_revision(revised, chain[-1], reason="tighter")
        chain.append(revised)
    lineage = graph.lineage(chain[-1], depth=2)
    assert [n.id for n in lineage.nodes] == [chain[5].id, chain[4].id, chain[3].id]
    assert len(lineage.edges) == 2


def test_lineage_of_depth_zero_is_the_node_alone(graph: MemoryGraph) -> None:
    s = _session(graph)
    lineage = graph.lineage(s.answer, depth=0)
    assert [n.id for n in lineage.nodes] == [s.answer.id] and lineage.edges == []


def test_lineage_ends_on_a_cycle(graph: MemoryGraph) -> None:
    a, b, c = [graph.add_prompt(name) for name in "abc"]
    for source, target in ((a, b), (b, c), (c, a)):
        graph.link(source, target, "DEPENDS_ON")
    lineage = graph.lineage(a, depth=100)
    assert lineage.depths == {a.id: 0, b.id: 1, c.id: 2}
    assert len(lineage.edges) == 3


def test_lineage_follows_only_the_edge_types_asked(graph: MemoryGraph) -> None:
    s = _session(graph)
    lineage = graph.lineage(s.answer, edge_types=["GENERATES", "REFERENCES"])
    assert set(lineage.depths) == {s.answer.id, s.write_prompt.id, s.system.id}


def test_lineage_follows_precedes_only_when_asked(graph: MemoryGraph) -> None:
    s = _session(graph)
    lineage = graph.lineage(s.routing, edge_types=["PRECEDES"])
    assert set(lineage.depths) == {s.routing.id, s.question.id}


def test_lineage_of_an_unknown_node_raises_not_found(graph: MemoryGraph) -> None:
    with pytest.raises(NodeNotFoundError):
        graph.lineage(Prompt(content="x").id)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        pytest.param({"depth": -1}, "depth", id="negative-depth"),
        pytest.param({"depth": 101}, "depth", id="too-deep"),
        pytest.param({"direction": "sideways"}, "direction", id="unknown-direction"),
        pytest.param({"edge_types": ["LIKES"]}, "edge_types", id="unknown-edge-type"),
        pytest.param({"max_nodes": 0}, "max_nodes", id="no-nodes"),
        pytest.param({"max_nodes": True}, "max_nodes", id="boolean-max-nodes"),
        pytest.param({"max_edges": -1}, "max_edges", id="negative-max-edges"),
        pytest.param({"max_edges": 10**8}, "max_edges", id="too-many-edges"),
    ],
)
def test_lineage_rejects_bad_arguments_naming_the_field(
    graph: MemoryGraph, arguments: dict[str, object], field: str
) -> None:
    prompt = graph.add_prompt("q")
    with pytest.raises(InvalidInputError) as caught:
        graph.lineage(prompt, **arguments)  # type: ignore[arg-type]
    assert caught.value.field == field


# Issue 13, item 6: traversals are bounded.

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _answer_with_sources(graph: MemoryGraph, sources: int) -> tuple[Node, Node, list[Node]]:
    """An answer, its prompt, and ``sources`` documents the prompt referenced, oldest first."""
    docs = [
        graph.add_document(f"doc {i}", created_at=T0 + timedelta(minutes=i))
        for i in reversed(range(sources))
    ][::-1]
    prompt = graph.add_prompt("q", created_at=T0 + timedelta(hours=1))
    for rank, doc in enumerate(docs, 1):
        graph.reference(prompt, doc, rank=rank)
    answer = graph.add_completion(prompt, "a", created_at=T0 + timedelta(hours=2))
    return answer, prompt, docs


def test_lineage_at_max_nodes_keeps_the_nearest_then_oldest_and_says_it_is_truncated(
    graph: MemoryGraph,
) -> None:
    answer, prompt, docs = _answer_with_sources(graph, 5)
    lineage = graph.lineage(answer, max_nodes=4)
    assert [n.id for n in lineage.nodes] == [answer.id, prompt.id, docs[0].id, docs[1].id]
    assert lineage.depths == {answer.id: 0, prompt.id: 1, docs[0].id: 2, docs[1].id: 2}
    assert lineage.truncated
    assert all(e.source_id in lineage.depths and e.target_id in lineage.depths for e in lineage.edges)
    assert len(lineage.edges) == 3


def test_lineage_that_fits_its_bounds_exactly_is_not_truncated(graph: MemoryGraph) -> None:
    answer, _, _ = _answer_with_sources(graph, 3)
    lineage = graph.lineage(answer, max_nodes=5, max_edges=4)
    assert len(lineage.nodes) == 5 and len(lineage.edges) == 4
    assert not lineage.truncated


def test_lineage_at_max_edges_keeps_the_oldest_edges_and_says_it_is_truncated(
    graph: MemoryGraph,
) -> None:
    answer, _, _ = _answer_with_sources(graph, 3)
    whole = graph.lineage(answer)
    cut = graph.lineage(answer, max_edges=2)
    assert cut.edges == whole.edges[:2] and len(whole.edges) == 4
    assert cut.nodes == whole.nodes
    assert cut.truncated and not whole.truncated


def test_lineage_meets_each_node_once_at_its_shortest_depth_in_a_dense_graph(
    graph: MemoryGraph,
) -> None:
    prompts = [graph.add_prompt(f"p{i}", created_at=T0 + timedelta(minutes=i)) for i in range(8)]
    for a in prompts:
        for b in prompts:
            if a.id != b.id:
                graph.link(a, b, "DEPENDS_ON")
    lineage = graph.lineage(prompts[0], depth=100)
    assert [n.id for n in lineage.nodes] == [p.id for p in prompts]
    assert lineage.depths == {p.id: (0 if p is prompts[0] else 1) for p in prompts}
    assert len(lineage.edges) == 8 * 7 and not lineage.truncated
