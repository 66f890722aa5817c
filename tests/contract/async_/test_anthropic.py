# Async source: edit here, then run scripts/unasync.py to regenerate the sync twin.
"""Contract: ``graph.instrument(client)`` records the real ``anthropic`` client's Messages
calls (plain, streamed, with tool use, failing) against a local server that answers as
Anthropic does, and hands every answer back unchanged."""

from __future__ import annotations

from typing import Any

import anthropic
import pytest

from llm_memory_graph import AsyncMemoryGraph, Completion, Prompt, ToolInvocation
from tests.fake_providers import ANTHROPIC_MODEL, TOOL_USE_ID

TOOLS: list[Any] = [
    {"name": "get_weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}
]


@pytest.fixture
def client(graph: AsyncMemoryGraph, provider_url: str) -> anthropic.AsyncAnthropic:
    return graph.instrument(
        anthropic.AsyncAnthropic(base_url=provider_url, api_key="sk-ant-test", max_retries=0)
    )


async def _only(graph: AsyncMemoryGraph, node_type: str) -> Any:
    found = (await graph.find(types=node_type)).items
    assert len(found) == 1, found
    return found[0]


async def test_a_message_becomes_a_prompt_and_its_completion(
    graph: AsyncMemoryGraph, client: anthropic.AsyncAnthropic
) -> None:
    async with graph.track("chat", agent="assistant") as tracker:
        answer = await client.messages.create(
            model="claude-sonnet-4-0",
            max_tokens=100,
            system="Be brief.",
            messages=[{"role": "user", "content": "Hi"}],
        )
    assert answer.content[0].text == "Hello!"  # type: ignore[union-attr]
    prompt: Prompt = await _only(graph, "Prompt")
    completion: Completion = await _only(graph, "Completion")
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


async def test_a_tool_use_round_trip_links_the_result_to_the_next_prompt(
    graph: AsyncMemoryGraph, client: anthropic.AsyncAnthropic
) -> None:
    messages: list[Any] = [{"role": "user", "content": "Weather in Paris?"}]
    async with graph.track("weather"):
        first = await client.messages.create(
            model="claude-sonnet-4-0", max_tokens=100, messages=messages, tools=TOOLS
        )
        use = first.content[0]
        asked: ToolInvocation = await _only(graph, "ToolInvocation")
        assert (asked.tool_call_id, asked.arguments, asked.status) == (
            TOOL_USE_ID,
            {"city": "Paris"},
            "pending",
        )
        messages += [{"role": "assistant", "content": [b.model_dump() for b in first.content]}]
        result = {"type": "tool_result", "tool_use_id": use.id, "content": "21C"}  # type: ignore[union-attr]
        messages += [{"role": "user", "content": [result]}]
        final = await client.messages.create(
            model="claude-sonnet-4-0", max_tokens=100, messages=messages, tools=TOOLS
        )
    assert final.content[0].text == "It is 21C in Paris."  # type: ignore[union-attr]
    tool: ToolInvocation = await graph.get(asked.id)  # type: ignore[assignment]
    assert (tool.status, tool.result) == ("success", "21C")
    follow_up = [n.node async for n in graph.iter_neighbors(asked, direction="out", edge_types=["TRIGGERS"])]
    assert [p.content for p in follow_up] == ["21C"]  # type: ignore[attr-defined]


async def test_a_stream_is_passed_through_and_recorded_when_it_ends(
    graph: AsyncMemoryGraph, client: anthropic.AsyncAnthropic
) -> None:
    stream = await client.messages.create(
        model="claude-sonnet-4-0", max_tokens=100, messages=[{"role": "user", "content": "Hi"}], stream=True
    )
    kinds = [event.type async for event in stream]
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    completion: Completion = await _only(graph, "Completion")
    assert (completion.content, completion.finish_reason, completion.output_tokens) == (
        "Hello!",
        "end_turn",
        5,
    )
    assert completion.time_to_first_token_ms is not None


async def test_a_streamed_tool_use_is_recorded_with_its_input(
    graph: AsyncMemoryGraph, client: anthropic.AsyncAnthropic
) -> None:
    stream = await client.messages.create(
        model="claude-sonnet-4-0",
        max_tokens=100,
        messages=[{"role": "user", "content": "Weather?"}],
        tools=TOOLS,
        stream=True,
    )
    async for _ in stream:
        pass
    asked: ToolInvocation = await _only(graph, "ToolInvocation")
    assert (asked.tool_name, asked.tool_call_id, asked.arguments) == (
        "get_weather",
        TOOL_USE_ID,
        {"city": "Paris"},
    )


async def test_an_api_error_is_recorded_and_raised_unchanged(
    graph: AsyncMemoryGraph, client: anthropic.AsyncAnthropic
) -> None:
    with pytest.raises(anthropic.APIStatusError):
        await client.messages.create(
            model="claude-sonnet-4-0", max_tokens=10, messages=[{"role": "user", "content": "fail"}]
        )
    completion: Completion = await _only(graph, "Completion")
    assert completion.error is not None and completion.provider == "anthropic"


async def test_the_stream_helper_is_recorded_when_its_block_ends(
    graph: AsyncMemoryGraph, client: anthropic.AsyncAnthropic
) -> None:
    async with client.messages.stream(
        model="claude-sonnet-4-0", max_tokens=100, messages=[{"role": "user", "content": "Hi"}]
    ) as stream:
        text = "".join([t async for t in stream.text_stream])
    assert text == "Hello!"
    completion: Completion = await _only(graph, "Completion")
    assert (completion.content, completion.finish_reason, completion.output_tokens) == (
        "Hello!",
        "end_turn",
        5,
    )
    assert (completion.response_model, completion.input_tokens) == (ANTHROPIC_MODEL, 42)
