# Generated from tests/contract/async_/test_tracking.py by scripts/unasync.py; do not edit.
"""Contract: ``graph.track(...)`` records the calls inside it into one conversation, agent,
tool run and template version, and never changes what the tracked code does."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from llm_memory_graph import MemoryGraph, Conversation, EdgeType, ToolInvocation
from llm_memory_graph.schema import TransfersTo


class Boom(Exception):
    """What the tracked code raises."""


def _edges(graph: MemoryGraph, node_id: str, edge_type: EdgeType) -> list[Any]:
    return [n for n in graph.iter_neighbors(node_id, direction="both", edge_types=[edge_type])]


def test_a_block_opens_a_conversation_its_prompts_join_and_closes_it(graph: MemoryGraph) -> None:
    with graph.track("refund chat", user_id="u-42") as tracker:
        prompt = graph.add_prompt("I want a refund")
    assert tracker.scope is not None and prompt.conversation_id == tracker.scope.conversation_id
    conversation = graph.get(prompt.conversation_id)
    assert isinstance(conversation, Conversation)
    assert conversation.title == "refund chat" and conversation.user_id == "u-42"
    assert conversation.status == "closed"


def test_a_nested_block_joins_the_enclosing_conversation(graph: MemoryGraph) -> None:
    with graph.track("outer") as outer, graph.track("inner"):
        prompt = graph.add_prompt("hi")
    assert outer.scope is not None and prompt.conversation_id == outer.scope.conversation_id


def test_an_agent_inside_another_is_a_hand_off(graph: MemoryGraph) -> None:
    with graph.track("triage", agent="router"), graph.track("research it", agent="researcher"):
        prompt = graph.add_prompt("find the policy")
    researcher = (graph.find(types="Agent", name="researcher")).items[0]
    router = (graph.find(types="Agent", name="router")).items[0]
    assert prompt.agent_id == researcher.id
    hand_offs = [n.edge for n in _edges(graph, router.id, EdgeType.TRANSFERS_TO)]
    assert len(hand_offs) == 1 and isinstance(hand_offs[0], TransfersTo)
    assert (hand_offs[0].target_id, hand_offs[0].reason) == (researcher.id, "research it")


def test_a_tool_run_records_its_result_and_triggers_the_prompts_inside(graph: MemoryGraph) -> None:
    @graph.track(tool="search", arguments={"q": "refund"})
    def search(query: str) -> list[str]:
        graph.add_prompt(f"summarise results for {query}", role="tool")
        return ["policy.md"]

    with graph.track("chat"):
        assert search("refund") == ["policy.md"]
    tool = (graph.find(types="ToolInvocation")).items[0]
    assert isinstance(tool, ToolInvocation)
    assert (tool.tool_name, tool.status, tool.result, tool.arguments) == (
        "search",
        "success",
        ["policy.md"],
        {"q": "refund"},
    )
    assert tool.duration_ms is not None and tool.duration_ms >= 0
    triggered = [n.node for n in _edges(graph, tool.id, EdgeType.TRIGGERS)]
    assert [n.content for n in triggered] == ["summarise results for refund"]  # type: ignore[attr-defined]


def test_an_exception_is_recorded_on_the_tool_run_and_raised_unchanged(graph: MemoryGraph) -> None:
    raised = Boom("index offline")

    @graph.track(tool="search")
    def search() -> None:
        raise raised

    with pytest.raises(Boom) as caught:
        with graph.track("chat"):
            search()
    assert caught.value is raised
    tool = (graph.find(types="ToolInvocation")).items[0]
    assert (tool.status, tool.error) == ("error", "Boom: index offline")  # type: ignore[attr-defined]
    conversation = (graph.find(types="Conversation")).items[0]
    assert (conversation.status, conversation.error) == ("closed", "Boom: index offline")  # type: ignore[attr-defined]


def test_prompts_inside_a_template_scope_instantiate_its_version(graph: MemoryGraph) -> None:
    version = graph.publish_template("support", "Hello {{ name }}", label="production")
    with graph.track("chat", template="support", label="production"):
        prompt = graph.add_prompt("Hello Ana")
    assert [n.node.id for n in _edges(graph, prompt.id, EdgeType.INSTANTIATES)] == [version.id]


def test_a_decorated_generator_records_inside_its_scope(graph: MemoryGraph) -> None:
    @graph.track("stream", agent="writer")
    def words() -> Any:
        for word in ("a", "b"):
            yield (graph.add_prompt(word)).agent_id

    agents = [a for a in words()]
    writer = (graph.find(types="Agent", name="writer")).items[0]
    assert agents == [writer.id, writer.id]


def test_a_failed_recording_is_logged_and_the_code_runs_on(
    graph: MemoryGraph, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="llm_memory_graph.recording"):
        with graph.track("chat", agent=""):  # an agent needs a name: recording it fails
            prompt = graph.add_prompt("still recorded")
    assert prompt.agent_id is None and prompt.conversation_id is not None
    assert "could not record the agent" in caplog.text


def test_track_refuses_an_unknown_option(graph: MemoryGraph) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'agnet'"):
        graph.track("chat", agnet="router")  # type: ignore[call-arg]


def test_scopes_of_another_graph_are_ignored(graph: MemoryGraph) -> None:
    other = MemoryGraph.open(":memory:")
    try:
        with other.track("elsewhere"):
            prompt = graph.add_prompt("not in that conversation")
        assert prompt.conversation_id is None
    finally:
        other.close()
