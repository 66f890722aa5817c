# Async source: edit here, then run scripts/unasync.py to regenerate the sync twin.
"""Contract: ``graph.instrument(client)`` records the real ``openai`` client's Chat
Completions calls (plain, streamed, with tool calls, failing) against a local server that
answers as OpenAI does, and hands every answer back unchanged."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from llm_memory_graph import AsyncMemoryGraph, Completion, EdgeType, Prompt, ToolInvocation
from llm_memory_graph.errors import UsageError
from tests.fake_providers import MODEL, TOOL_CALL_ID

TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]


@pytest.fixture
def client(graph: AsyncMemoryGraph, provider_url: str) -> openai.AsyncOpenAI:
    return graph.instrument(
        openai.AsyncOpenAI(base_url=f"{provider_url}/v1", api_key="sk-test", max_retries=0)
    )


async def _only(graph: AsyncMemoryGraph, node_type: str) -> Any:
    found = (await graph.find(types=node_type)).items
    assert len(found) == 1, found
    return found[0]


async def test_a_call_becomes_a_prompt_and_its_completion(
    graph: AsyncMemoryGraph, client: openai.AsyncOpenAI
) -> None:
    async with graph.track("chat", agent="assistant") as tracker:
        answer = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi there"}], temperature=0.2
        )
    assert answer.choices[0].message.content == "Hello!"
    prompt: Prompt = await _only(graph, "Prompt")
    completion: Completion = await _only(graph, "Completion")
    assert tracker.scope is not None
    assert (prompt.content, prompt.role, prompt.conversation_id) == (
        "Hi there",
        "user",
        tracker.scope.conversation_id,
    )
    assert (completion.content, completion.provider, completion.request_model, completion.response_model) == (
        "Hello!",
        "openai",
        "gpt-4o-mini",
        MODEL,
    )
    assert (completion.input_tokens, completion.output_tokens, completion.total_tokens) == (42, 7, 49)
    assert (completion.cached_input_tokens, completion.reasoning_tokens) == (10, 2)
    assert completion.finish_reason == "stop" and completion.latency_ms is not None
    assert completion.agent_id == tracker.scope.agent_id
    assert completion.request is not None and completion.request.parameters["temperature"] == 0.2
    generated = [
        n.node.id async for n in graph.iter_neighbors(prompt, direction="out", edge_types=["GENERATES"])
    ]
    assert generated == [completion.id]


async def test_a_tool_call_round_trip_is_one_lineage(
    graph: AsyncMemoryGraph, client: openai.AsyncOpenAI
) -> None:
    messages: list[Any] = [{"role": "user", "content": "Weather in Paris?"}]
    async with graph.track("weather"):
        first = await client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        call = first.choices[0].message.tool_calls[0]  # type: ignore[index]
        asked: ToolInvocation = await _only(graph, "ToolInvocation")
        assert (asked.tool_name, asked.tool_call_id, asked.arguments, asked.status) == (
            "get_weather",
            TOOL_CALL_ID,
            {"city": "Paris"},
            "pending",
        )

        @graph.track(tool="get_weather", tool_call_id=call.id)
        async def get_weather(city: str) -> str:
            return f"21C in {city}"

        result = await get_weather("Paris")
        messages += [first.choices[0].message.model_dump(exclude_none=True)]
        messages += [{"role": "tool", "tool_call_id": call.id, "content": result}]
        final = await client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
    assert final.choices[0].message.content == "It is 21C in Paris."
    tool: ToolInvocation = await graph.get(asked.id)  # type: ignore[assignment]
    assert (tool.status, tool.result) == ("success", "21C in Paris")
    answer = next(c for c in (await graph.find(types="Completion")).items if c.content)  # type: ignore[attr-defined]
    lineage = await graph.lineage(answer)
    assert asked.id in {n.id for n in lineage.nodes}
    follow_up = [
        n.node async for n in graph.iter_neighbors(asked, direction="out", edge_types=[EdgeType.TRIGGERS])
    ]
    assert [p.role for p in follow_up] == ["tool"]  # type: ignore[attr-defined]


async def test_a_stream_is_passed_through_and_recorded_when_it_ends(
    graph: AsyncMemoryGraph, client: openai.AsyncOpenAI
) -> None:
    stream = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == "Hello!"
    completion: Completion = await _only(graph, "Completion")
    assert (completion.content, completion.finish_reason, completion.output_tokens) == ("Hello!", "stop", 7)
    assert completion.time_to_first_token_ms is not None
    assert completion.latency_ms is not None and completion.time_to_first_token_ms <= completion.latency_ms


async def test_a_streamed_tool_call_is_recorded_with_its_arguments(
    graph: AsyncMemoryGraph, client: openai.AsyncOpenAI
) -> None:
    stream = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Weather?"}], tools=TOOLS, stream=True
    )
    async for _ in stream:
        pass
    asked: ToolInvocation = await _only(graph, "ToolInvocation")
    assert (asked.tool_name, asked.arguments) == ("get_weather", {"city": "Paris"})


async def test_an_api_error_is_recorded_and_raised_unchanged(
    graph: AsyncMemoryGraph, client: openai.AsyncOpenAI
) -> None:
    with pytest.raises(openai.InternalServerError):
        await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "fail"}]
        )
    completion: Completion = await _only(graph, "Completion")
    assert completion.error is not None and "InternalServerError" in completion.error


async def test_a_failed_recording_never_breaks_the_call(
    graph: AsyncMemoryGraph, client: openai.AsyncOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    await graph.aclose()
    answer = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}]
    )
    assert answer.choices[0].message.content == "Hello!"
    assert "could not record a call to openai" in caplog.text


async def test_a_client_of_the_other_kind_is_refused(graph: AsyncMemoryGraph) -> None:
    with pytest.raises(UsageError, match="expected an OpenAI or Anthropic client"):
        graph.instrument(object())


async def test_a_responses_call_becomes_a_prompt_and_its_completion(
    graph: AsyncMemoryGraph, client: openai.AsyncOpenAI
) -> None:
    response = await client.responses.create(model="gpt-4o-mini", input="Hi there", instructions="Be brief.")
    assert response.output_text == "Hello!"
    prompt: Prompt = await _only(graph, "Prompt")
    completion: Completion = await _only(graph, "Completion")
    assert (prompt.content, completion.content, completion.response_id) == ("Hi there", "Hello!", "resp_1")
    assert (completion.input_tokens, completion.cached_input_tokens, completion.reasoning_tokens) == (
        42,
        10,
        2,
    )
    assert completion.request is not None and completion.request.parameters["instructions"] == "Be brief."


async def test_a_responses_function_call_round_trip_is_one_lineage(
    graph: AsyncMemoryGraph, client: openai.AsyncOpenAI
) -> None:
    tools: list[Any] = [
        {"type": "function", "name": "get_weather", "parameters": {"type": "object", "properties": {}}}
    ]
    first = await client.responses.create(model="gpt-4o-mini", input="Weather in Paris?", tools=tools)
    call = first.output[0]
    asked: ToolInvocation = await _only(graph, "ToolInvocation")
    assert (asked.tool_name, asked.tool_call_id, asked.arguments) == (
        "get_weather",
        TOOL_CALL_ID,
        {"city": "Paris"},
    )
    items: list[Any] = [
        {"role": "user", "content": "Weather in Paris?"},
        call.model_dump(exclude_none=True),
        {"type": "function_call_output", "call_id": TOOL_CALL_ID, "output": "21C in Paris"},
    ]
    final = await client.responses.create(model="gpt-4o-mini", input=items, tools=tools)
    assert final.output_text == "It is 21C in Paris."
    tool: ToolInvocation = await graph.get(asked.id)  # type: ignore[assignment]
    assert (tool.status, tool.result) == ("success", "21C in Paris")
    answer = next(c for c in (await graph.find(types="Completion")).items if c.content)  # type: ignore[attr-defined]
    assert asked.id in {n.id for n in (await graph.lineage(answer)).nodes}


async def test_a_streamed_response_is_recorded_when_it_completes(
    graph: AsyncMemoryGraph, client: openai.AsyncOpenAI
) -> None:
    stream = await client.responses.create(model="gpt-4o-mini", input="Hi", stream=True)
    kinds = [event.type async for event in stream]
    assert kinds[-1] == "response.completed"
    completion: Completion = await _only(graph, "Completion")
    assert (completion.content, completion.output_tokens) == ("Hello!", 7)
    assert completion.time_to_first_token_ms is not None
