# Generated from tests/contract/async_/test_writes.py by scripts/unasync.py; do not edit.
"""Contract: writes are validated, atomic, idempotent by id, and append in order."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import pytest

from llm_memory_graph import (
    MemoryGraph,
    Conversation,
    EdgeEndpointError,
    EdgeType,
    GraphClosedError,
    InvalidInputError,
    MemoryGraphError,
    NodeNotFoundError,
    NodeType,
    Prompt,
)
from llm_memory_graph.schema import Generates, HandledBy, References


def test_add_prompt_appends_items_in_order(graph: MemoryGraph) -> None:
    chat = graph.start_conversation("support")
    first = graph.add_prompt("hello", conversation=chat)
    second = graph.add_prompt("again", conversation=chat)
    assert (first.sequence, second.sequence) == (1, 2)
    assert [n.id for n in graph.transcript(chat)] == [first.id, second.id]
    assert (graph.get(chat.id)).item_count == 2  # type: ignore[union-attr]


def test_items_take_the_user_id_of_their_conversation(graph: MemoryGraph) -> None:
    chat = graph.start_conversation(user_id="u-42")
    prompt = graph.add_prompt("hi", conversation=chat)
    answer = graph.add_completion(prompt, "hello")
    assert prompt.user_id == answer.user_id == "u-42"
    assert (graph.get(answer.id)).user_id == "u-42"  # type: ignore[union-attr]


def test_add_completion_joins_its_prompt_and_conversation(graph: MemoryGraph) -> None:
    chat = graph.start_conversation()
    prompt = graph.add_prompt("2+2?", conversation=chat)
    answer = graph.add_completion(
        prompt.id,
        "4",
        request_model="gpt-4o",
        response_model="gpt-4o-2024-08-06",
        input_tokens=12,
        output_tokens=1,
        cached_input_tokens=8,
        reasoning_tokens=0,
        cost_usd=0.0001,
        latency_ms=420.0,
        finish_reason="stop",
        request={"messages": [{"role": "user", "content": "2+2?"}], "parameters": {"temperature": 0}},
    )
    stored = graph.get(answer.id)
    assert stored == answer
    assert answer.conversation_id == chat.id and answer.total_tokens == 13
    assert answer.request is not None and answer.request.parameters == {"temperature": 0}
    edges = graph.neighbors(prompt, direction="out", edge_types=["GENERATES"])
    assert [n.node.id for n in edges] == [answer.id]


def test_rewriting_a_node_with_the_same_id_is_idempotent(graph: MemoryGraph) -> None:
    chat = graph.start_conversation()
    prompt = Prompt(content="once", conversation_id=chat.id)
    first = graph.add([prompt])
    second = graph.add([prompt])
    assert first == second
    assert (graph.stats()).nodes[NodeType.PROMPT] == 1
    assert (graph.stats()).edges[EdgeType.CONTAINS] == 1
    assert (graph.get(chat.id)).item_count == 1  # type: ignore[union-attr]


def test_a_retried_call_with_the_same_id_changes_nothing(graph: MemoryGraph) -> None:
    chat = graph.start_conversation()
    first = graph.add_prompt("q", conversation=chat)
    retried = graph.add_prompt("q", conversation=chat, id=first.id)
    assert retried == first
    assert graph.get(first.id) == first
    assert (graph.stats()).total_edges == 1


def test_rewriting_a_node_updates_its_fields_but_keeps_its_place(graph: MemoryGraph) -> None:
    chat = graph.start_conversation()
    prompt = graph.add_prompt("draft", conversation=chat)
    graph.add([prompt.model_copy(update={"content": "final", "sequence": None})])
    stored = graph.get(prompt.id)
    assert stored.content == "final" and stored.sequence == 1  # type: ignore[union-attr]


def test_a_rewritten_node_is_found_by_its_new_metadata_only(graph: MemoryGraph) -> None:
    prompt = graph.add_prompt("q", metadata={"env": "dev", "tier": 1})
    graph.add([prompt.model_copy(update={"metadata": {"env": "prod"}})])
    assert [n.id for n in (graph.find(metadata={"env": "prod"})).items] == [prompt.id]
    assert (graph.find(metadata={"env": "dev"})).items == []
    assert (graph.find(metadata={"tier": 1})).items == []


def test_rewriting_an_edge_with_the_same_id_is_idempotent(graph: MemoryGraph) -> None:
    prompt = graph.add_prompt("q")
    doc = graph.add_document("text")
    edge = References(source_id=prompt.id, target_id=doc.id, score=0.5)
    graph.add(edges=[edge])
    graph.add(edges=[edge.model_copy(update={"score": 0.7})])
    assert (graph.stats()).edges[EdgeType.REFERENCES] == 1
    assert (graph.get_edge(edge.id)).score == 0.7  # type: ignore[union-attr]


def _record_a_turn(graph: MemoryGraph, ids: dict[str, str]) -> None:
    """One turn whose calls each add a caller-written edge, with the ids a retry reuses."""
    chat = graph.start_conversation(id=ids["chat"])
    doc = graph.add_document("manual", id=ids["doc"])
    earlier = graph.add_prompt("first", conversation=chat, id=ids["earlier"])
    prompt = graph.add_prompt("q", conversation=chat, depends_on=[earlier], id=ids["prompt"])
    graph.reference(prompt, doc, score=0.9)
    answer = graph.add_completion(prompt, "a", id=ids["answer"])
    graph.add_tool_invocation(answer, "search", id=ids["tool"])
    graph.add_feedback(answer, score=1.0, id=ids["feedback"])


def test_retrying_every_call_adds_no_edge(graph: MemoryGraph) -> None:
    ids = {
        name: str(uuid.uuid4()) for name in ("chat", "doc", "earlier", "prompt", "answer", "tool", "feedback")
    }
    _record_a_turn(graph, ids)
    before = (graph.stats()).edges
    _record_a_turn(graph, ids)
    after = (graph.stats()).edges
    assert after == before
    for kind in ("GENERATES", "TRIGGERS", "REFERENCES", "DEPENDS_ON", "RATES"):
        assert after[EdgeType(kind)] == 1, kind


def test_an_edge_of_a_pair_written_again_under_another_id_rewrites_it(graph: MemoryGraph) -> None:
    prompt = graph.add_prompt("q")
    doc = graph.add_document("text")
    first = References(id=str(uuid.uuid4()), source_id=prompt.id, target_id=doc.id, score=0.5)
    graph.add(edges=[first])
    graph.add(
        edges=[References(id=str(uuid.uuid4()), source_id=prompt.id, target_id=doc.id, score=0.7)]
    )
    assert (graph.stats()).edges[EdgeType.REFERENCES] == 1
    assert (graph.get_edge(first.id)).score == 0.7  # type: ignore[union-attr]


def test_a_batch_run_again_after_a_failed_chunk_adds_no_edge(graph: MemoryGraph) -> None:
    chat = graph.start_conversation()
    prompts = [Prompt(content=f"q{i}", conversation_id=chat.id) for i in range(6)]

    def run(fail: bool) -> None:
        with graph.batch(chunk_size=4) as batch:
            previous = None
            for prompt in prompts:
                batch.add([prompt])
                if previous is not None:
                    batch.link(prompt, previous, "DEPENDS_ON")
                previous = prompt
            if fail:
                batch.link(prompts[0], Prompt(content="never stored"), "DEPENDS_ON")

    with pytest.raises(MemoryGraphError):
        run(fail=True)
    run(fail=False)
    assert (graph.stats()).edges[EdgeType.DEPENDS_ON] == 5


def test_hand_offs_between_the_same_agents_are_each_kept(graph: MemoryGraph) -> None:
    triage = graph.register_agent("triage")
    billing = graph.register_agent("billing")
    graph.link(triage, billing, "TRANSFERS_TO", reason="refund")
    graph.link(triage, billing, "TRANSFERS_TO", reason="refund again")
    assert (graph.stats()).edges[EdgeType.TRANSFERS_TO] == 2


def test_a_batch_with_one_bad_edge_writes_nothing(graph: MemoryGraph) -> None:
    chat = Conversation()
    prompt = Prompt(content="q", conversation_id=chat.id)
    dangling = Generates(source_id=prompt.id, target_id=Prompt(content="never stored").id)
    with pytest.raises(EdgeEndpointError) as caught:
        graph.add([chat, prompt], [dangling])
    assert caught.value.field == "edges.0.target_id"
    assert (graph.stats()).total_nodes == 0
    assert (graph.stats()).total_edges == 0


def test_an_edge_between_the_wrong_node_types_is_refused(graph: MemoryGraph) -> None:
    doc = graph.add_document("text")
    prompt = graph.add_prompt("q")
    with pytest.raises(EdgeEndpointError, match="GENERATES cannot join a Document to a Prompt"):
        graph.link(doc, prompt, "GENERATES")
    assert (graph.stats()).total_edges == 0


def test_store_kept_edge_types_cannot_be_written(graph: MemoryGraph) -> None:
    agent = graph.register_agent("writer")
    prompt = graph.add_prompt("q")
    with pytest.raises(InvalidInputError, match="set agent_id on the item"):
        graph.add(edges=[HandledBy(source_id=prompt.id, target_id=agent.id)])


def test_an_item_cannot_move_to_another_conversation(graph: MemoryGraph) -> None:
    first = graph.start_conversation()
    second = graph.start_conversation()
    prompt = graph.add_prompt("q", conversation=first)
    moved = prompt.model_copy(update={"conversation_id": second.id})
    with pytest.raises(InvalidInputError, match="cannot change") as caught:
        graph.add([moved])
    assert caught.value.field == "nodes.0.conversation_id"


def test_a_closed_conversation_refuses_new_items(graph: MemoryGraph) -> None:
    chat = graph.start_conversation()
    graph.add_prompt("q", conversation=chat)
    closed = graph.close_conversation(chat)
    assert closed.status == "closed" and closed.item_count == 1
    with pytest.raises(InvalidInputError, match="is closed"):
        graph.add_prompt("late", conversation=chat)
    assert len(graph.transcript(chat)) == 1


def test_appending_to_a_missing_conversation_is_refused(graph: MemoryGraph) -> None:
    with pytest.raises(InvalidInputError, match="no conversation with id"):
        graph.add_prompt("q", conversation=Conversation().id)
    assert (graph.stats()).total_nodes == 0


def test_a_failed_tool_call_records_its_error(graph: MemoryGraph) -> None:
    prompt = graph.add_prompt("weather?")
    answer = graph.add_completion(prompt, "", finish_reason="tool_calls")
    call = graph.add_tool_invocation(answer, "get_weather", arguments={"city": "Oslo"}, error="timeout")
    stored = graph.get(call.id)
    assert stored.status == "error" and stored.error == "timeout"  # type: ignore[union-attr]
    assert [n.node.id for n in graph.neighbors(answer, direction="out")] == [call.id]


def test_register_agent_returns_the_existing_agent_of_that_name(graph: MemoryGraph) -> None:
    first = graph.register_agent("router", role="routing")
    again = graph.register_agent("router")
    assert again.id == first.id
    assert (graph.stats()).nodes[NodeType.AGENT] == 1


def test_register_agent_updates_the_fields_given_for_an_existing_agent(graph: MemoryGraph) -> None:
    first = graph.register_agent("writer", role="drafts", model="gpt-4o")
    again = graph.register_agent("writer", model="claude-sonnet-4")
    assert again.id == first.id
    assert (again.role, again.model) == ("drafts", "claude-sonnet-4")
    assert graph.get(first.id) == again


def test_hand_off_joins_two_agents(graph: MemoryGraph) -> None:
    router = graph.register_agent("router")
    writer = graph.register_agent("writer")
    edge = graph.hand_off(router, writer, reason="needs prose")
    assert (graph.get_edge(edge.id)).reason == "needs prose"  # type: ignore[union-attr]


def test_get_of_an_unknown_id_raises_not_found(graph: MemoryGraph) -> None:
    missing = Prompt(content="x").id
    with pytest.raises(NodeNotFoundError) as caught:
        graph.get(missing)
    assert caught.value.node_id == missing


def test_concurrent_appends_never_fork_or_reorder_the_chain(
    graph: MemoryGraph, concurrently: Any
) -> None:
    chat = graph.start_conversation()
    added = concurrently([lambda i=i: graph.add_prompt(f"p{i}", conversation=chat) for i in range(40)])
    assert sorted(p.sequence for p in added) == list(range(1, 41))
    transcript = graph.transcript(chat)
    for earlier, later in itertools.pairwise(transcript):
        incoming = graph.neighbors(later, direction="in", edge_types=["PRECEDES"])
        assert [n.node.id for n in incoming] == [earlier.id]
    assert (graph.stats()).edges[EdgeType.PRECEDES] == 39


def test_delete_conversation_leaves_no_orphan_edges(graph: MemoryGraph) -> None:
    chat = graph.start_conversation()
    agent = graph.register_agent("researcher")
    other = graph.register_agent("writer")
    doc = graph.add_document("kept")
    prompt = graph.add_prompt("q", conversation=chat, agent=agent)
    graph.reference(prompt, doc, score=0.9)
    answer = graph.add_completion(prompt, "a")
    graph.add_feedback(answer, score=1)
    graph.hand_off(agent, other, conversation=chat)
    deleted = graph.delete_conversation(chat)
    stats = graph.stats()
    assert deleted.nodes == 4
    assert stats.total_edges == 0
    assert stats.total_nodes == 3  # two agents and the document stay
    with pytest.raises(NodeNotFoundError):
        graph.get(chat.id)


def test_delete_conversation_takes_the_context_attached_only_to_its_items(
    graph: MemoryGraph,
) -> None:
    chat, other = graph.start_conversation(), graph.start_conversation()
    agent = graph.register_agent("researcher")
    prompt = graph.add_prompt("q", conversation=chat)
    elsewhere = graph.add_prompt("q2", conversation=other)
    own = graph.attach_context("the user's card ends 4242", to=prompt, agent=agent)
    shared = graph.attach_context("house style", to=[prompt, elsewhere])
    deleted = graph.delete_conversation(chat)
    assert deleted.nodes == 3  # the conversation, its prompt, the context only it used
    with pytest.raises(NodeNotFoundError):
        graph.get(own.id)
    assert graph.get(shared.id) == shared
    assert [n.node.id for n in graph.neighbors(shared)] == [elsewhere.id]
    assert graph.get(agent.id) == agent


def test_stats_count_every_type(graph: MemoryGraph) -> None:
    chat = graph.start_conversation()
    prompt = graph.add_prompt("q", conversation=chat)
    graph.add_completion(prompt, "a")
    stats = graph.stats()
    assert stats.nodes[NodeType.PROMPT] == 1 and stats.nodes[NodeType.FEEDBACK] == 0
    assert stats.edges[EdgeType.GENERATES] == 1 and stats.edges[EdgeType.CONTAINS] == 2
    assert set(stats.nodes) == set(NodeType) and set(stats.edges) == set(EdgeType)


def test_a_closed_graph_refuses_every_call(graph: MemoryGraph) -> None:
    graph.close()
    with pytest.raises(GraphClosedError, match="has been closed"):
        graph.stats()
