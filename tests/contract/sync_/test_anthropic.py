# Generated from tests/contract/async_/test_anthropic.py by scripts/unasync.py; do not edit.
"""Contract: ``graph.instrument(client)`` records the real ``anthropic`` client's Messages
calls (plain, streamed, with tool use, failing) against a local server that answers as
Anthropic does, and hands every answer back unchanged."""

from __future__ import annotations

from typing import Any

import anthropic
import pytest

from llm_memory_graph import MemoryGraph, Completion, Prompt, ToolInvocation
from tests.fake_providers import ANTHROPIC_MODEL, TOOL_USE_ID

TOOLS: list[Any] = [
    {"name": "get_weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}
]


@pytest.fixture
def client(graph: MemoryGraph, provider_url: str) -> anthropic.Anthropic:
    return graph.instrument(
        anthropic.Anthropic(base_url=provider_url, api_key="sk-ant-test", max_retries=0)
    )


def _only(graph: MemoryGraph, node_type: str) -> Any:
    found = (graph.find(types=node_type)).items
    assert len(found) == 1, found
    return found[0]


def test_a_message_becomes_a_prompt_and_its_completion(
    graph: MemoryGraph, client: anthropic.Anthropic
) -> None:
    with graph.track("chat", agent="assistant") as tracker:
        answer = client.messages.create(
            model="claude-sonnet-4-0",
            max_tokens=100,
            system="Be brief.",
            messages=[{"role": "user", "content": "Hi"}],
        )
    assert answer.content[0].text == "Hello!"  # type: ignore[union-attr]
    prompt: Prompt = _only(graph, "Prompt")
    completion: Completion = _only(graph, "Completion")
    assert tracker.scope is not None and prompt.conversation_id == tracker.scope.conversation_id
    assert (prompt.content, completion.content, completion.provider) == ("Hi", "Hello!", "anthropic")
    assert (completion.request_model, completion.response_model, completion.finish_reason) == (
        "claude-sonnet-4-0",
        ANTHROPIC_MODEL,
        "end_turn",
    )
    # input counts cache reads, as OpenAI counts them, so one price table prices both
    assert (completion.input_tokens, completion.cached_input_tokens, completion.output_tokens) == (42, 12, 5)
    assert completion.request is not None and completion.request.parameters["system"] == "Be brief."
    assert completion.cost_usd is not None and completion.price_version is not None


def test_a_tool_use_round_trip_links_the_result_to_the_next_prompt(
    graph: MemoryGraph, client: anthropic.Anthropic
) -> None:
    messages: list[Any] = [{"role": "user", "content": "Weather in Paris?"}]
    with graph.track("weather"):
        first = client.messages.create(
            model="claude-sonnet-4-0", max_tokens=100, messages=messages, tools=TOOLS
        )
        use = first.content[0]
        asked: ToolInvocation = _only(graph, "ToolInvocation")
        assert (asked.tool_call_id, asked.arguments, asked.status) == (
            TOOL_USE_ID,
            {"city": "Paris"},
            "pending",
        )
        messages += [{"role": "assistant", "content": [b.model_dump() for b in first.content]}]
        result = {"type": "tool_result", "tool_use_id": use.id, "content": "21C"}  # type: ignore[union-attr]
        messages += [{"role": "user", "content": [result]}]
        final = client.messages.create(
            model="claude-sonnet-4-0", max_tokens=100, messages=messages, tools=TOOLS
        )
    assert final.content[0].text == "It is 21C in Paris."  # type: ignore[union-attr]
    tool: ToolInvocation = graph.get(asked.id)  # type: ignore[assignment]
    assert (tool.status, tool.result) == ("success", "21C")
    follow_up = [n.node for n in graph.iter_neighbors(asked, direction="out", edge_types=["TRIGGERS"])]
    assert [p.content for p in follow_up] == ["21C"]  # type: ignore[attr-defined]


def test_a_stream_is_passed_through_and_recorded_when_it_ends(
    graph: MemoryGraph, client: anthropic.Anthropic
) -> None:
    stream = client.messages.create(
        model="claude-sonnet-4-0", max_tokens=100, messages=[{"role": "user", "content": "Hi"}], stream=True
    )
    kinds = [event.type for event in stream]
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    completion: Completion = _only(graph, "Completion")
    assert (completion.content, completion.finish_reason, completion.output_tokens) == (
        "Hello!",
        "end_turn",
        5,
    )
    assert completion.time_to_first_token_ms is not None


def test_a_streamed_tool_use_is_recorded_with_its_input(
    graph: MemoryGraph, client: anthropic.Anthropic
) -> None:
    stream = client.messages.create(
        model="claude-sonnet-4-0",
        max_tokens=100,
        messages=[{"role": "user", "content": "Weather?"}],
        tools=TOOLS,
        stream=True,
    )
    for _ in stream:
        pass
    asked: ToolInvocation = _only(graph, "ToolInvocation")
    assert (asked.tool_name, asked.tool_call_id, asked.arguments) == (
        "get_weather",
        TOOL_USE_ID,
        {"city": "Paris"},
    )


def test_an_api_error_is_recorded_and_raised_unchanged(
    graph: MemoryGraph, client: anthropic.Anthropic
) -> None:
    with pytest.raises(anthropic.APIStatusError):
        client.messages.create(
            model="claude-sonnet-4-0", max_tokens=10, messages=[{"role": "user", "content": "fail"}]
        )
    completion: Completion = _only(graph, "Completion")
    assert completion.error is not None and completion.provider == "anthropic"


def test_the_stream_helper_is_recorded_when_its_block_ends(
    graph: MemoryGraph, client: anthropic.Anthropic
) -> None:
    with client.messages.stream(
        model="claude-sonnet-4-0", max_tokens=100, messages=[{"role": "user", "content": "Hi"}]
    ) as stream:
        text = "".join([t for t in stream.text_stream])
    assert text == "Hello!"
    completion: Completion = _only(graph, "Completion")
    assert (completion.content, completion.finish_reason, completion.output_tokens) == (
        "Hello!",
        "end_turn",
        5,
    )
    assert (completion.response_model, completion.input_tokens) == (ANTHROPIC_MODEL, 42)
