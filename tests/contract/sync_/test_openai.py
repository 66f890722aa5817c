# Generated from tests/contract/async_/test_openai.py by scripts/unasync.py; do not edit.
"""Contract: ``graph.instrument(client)`` records the real ``openai`` client's Chat
Completions calls (plain, streamed, with tool calls, failing) against a local server that
answers as OpenAI does, and hands every answer back unchanged."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from llm_memory_graph import MemoryGraph, Completion, EdgeType, Prompt, ToolInvocation
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
def client(graph: MemoryGraph, provider_url: str) -> openai.OpenAI:
    return graph.instrument(
        openai.OpenAI(base_url=f"{provider_url}/v1", api_key="sk-test", max_retries=0)
    )


def _only(graph: MemoryGraph, node_type: str) -> Any:
    found = (graph.find(types=node_type)).items
    assert len(found) == 1, found
    return found[0]


def test_a_call_becomes_a_prompt_and_its_completion(
    graph: MemoryGraph, client: openai.OpenAI
) -> None:
    with graph.track("chat", agent="assistant") as tracker:
        answer = client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi there"}], temperature=0.2
        )
    assert answer.choices[0].message.content == "Hello!"
    prompt: Prompt = _only(graph, "Prompt")
    completion: Completion = _only(graph, "Completion")
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
        n.node.id for n in graph.iter_neighbors(prompt, direction="out", edge_types=["GENERATES"])
    ]
    assert generated == [completion.id]


def test_a_tool_call_round_trip_is_one_lineage(
    graph: MemoryGraph, client: openai.OpenAI
) -> None:
    messages: list[Any] = [{"role": "user", "content": "Weather in Paris?"}]
    with graph.track("weather"):
        first = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        call = first.choices[0].message.tool_calls[0]  # type: ignore[index]
        asked: ToolInvocation = _only(graph, "ToolInvocation")
        assert (asked.tool_name, asked.tool_call_id, asked.arguments, asked.status) == (
            "get_weather",
            TOOL_CALL_ID,
            {"city": "Paris"},
            "pending",
        )

        @graph.track(tool="get_weather", tool_call_id=call.id)
        def get_weather(city: str) -> str:
            return f"21C in {city}"

        result = get_weather("Paris")
        messages += [first.choices[0].message.model_dump(exclude_none=True)]
        messages += [{"role": "tool", "tool_call_id": call.id, "content": result}]
        final = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
    assert final.choices[0].message.content == "It is 21C in Paris."
    tool: ToolInvocation = graph.get(asked.id)  # type: ignore[assignment]
    assert (tool.status, tool.result) == ("success", "21C in Paris")
    answer = next(c for c in (graph.find(types="Completion")).items if c.content)  # type: ignore[attr-defined]
    lineage = graph.lineage(answer)
    assert asked.id in {n.id for n in lineage.nodes}
    follow_up = [
        n.node for n in graph.iter_neighbors(asked, direction="out", edge_types=[EdgeType.TRIGGERS])
    ]
    assert [p.role for p in follow_up] == ["tool"]  # type: ignore[attr-defined]


def test_a_stream_is_passed_through_and_recorded_when_it_ends(
    graph: MemoryGraph, client: openai.OpenAI
) -> None:
    stream = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    text = "".join([c.choices[0].delta.content or "" for c in stream if c.choices])
    assert text == "Hello!"
    completion: Completion = _only(graph, "Completion")
    assert (completion.content, completion.finish_reason, completion.output_tokens) == ("Hello!", "stop", 7)
    assert completion.time_to_first_token_ms is not None
    assert completion.latency_ms is not None and completion.time_to_first_token_ms <= completion.latency_ms


def test_a_streamed_tool_call_is_recorded_with_its_arguments(
    graph: MemoryGraph, client: openai.OpenAI
) -> None:
    stream = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Weather?"}], tools=TOOLS, stream=True
    )
    for _ in stream:
        pass
    asked: ToolInvocation = _only(graph, "ToolInvocation")
    assert (asked.tool_name, asked.arguments) == ("get_weather", {"city": "Paris"})


def test_an_api_error_is_recorded_and_raised_unchanged(
    graph: MemoryGraph, client: openai.OpenAI
) -> None:
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "fail"}]
        )
    completion: Completion = _only(graph, "Completion")
    assert completion.error is not None and "InternalServerError" in completion.error


def test_a_failed_recording_never_breaks_the_call(
    graph: MemoryGraph, client: openai.OpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    graph.close()
    answer = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}]
    )
    assert answer.choices[0].message.content == "Hello!"
    assert "could not record a call to openai" in caplog.text


def test_a_client_of_the_other_kind_is_refused(graph: MemoryGraph) -> None:
    with pytest.raises(UsageError, match="expected an OpenAI or Anthropic client"):
        graph.instrument(object())


def test_a_responses_call_becomes_a_prompt_and_its_completion(
    graph: MemoryGraph, client: openai.OpenAI
) -> None:
    response = client.responses.create(model="gpt-4o-mini", input="Hi there", instructions="Be brief.")
    assert response.output_text == "Hello!"
    prompt: Prompt = _only(graph, "Prompt")
    completion: Completion = _only(graph, "Completion")
    assert (prompt.content, completion.content, completion.response_id) == ("Hi there", "Hello!", "resp_1")
    assert (completion.input_tokens, completion.cached_input_tokens, completion.reasoning_tokens) == (
        42,
        10,
        2,
    )
    assert completion.request is not None and completion.request.parameters["instructions"] == "Be brief."


def test_a_responses_function_call_round_trip_is_one_lineage(
    graph: MemoryGraph, client: openai.OpenAI
) -> None:
    tools: list[Any] = [
        {"type": "function", "name": "get_weather", "parameters": {"type": "object", "properties": {}}}
    ]
    first = client.responses.create(model="gpt-4o-mini", input="Weather in Paris?", tools=tools)
    call = first.output[0]
    asked: ToolInvocation = _only(graph, "ToolInvocation")
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
    final = client.responses.create(model="gpt-4o-mini", input=items, tools=tools)
    assert final.output_text == "It is 21C in Paris."
    tool: ToolInvocation = graph.get(asked.id)  # type: ignore[assignment]
    assert (tool.status, tool.result) == ("success", "21C in Paris")
    answer = next(c for c in (graph.find(types="Completion")).items if c.content)  # type: ignore[attr-defined]
    assert asked.id in {n.id for n in (graph.lineage(answer)).nodes}


def test_a_streamed_response_is_recorded_when_it_completes(
    graph: MemoryGraph, client: openai.OpenAI
) -> None:
    stream = client.responses.create(model="gpt-4o-mini", input="Hi", stream=True)
    kinds = [event.type for event in stream]
    assert kinds[-1] == "response.completed"
    completion: Completion = _only(graph, "Completion")
    assert (completion.content, completion.output_tokens) == ("Hello!", 7)
    assert completion.time_to_first_token_ms is not None
