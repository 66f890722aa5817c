# Async source: edit here, then run scripts/unasync.py to regenerate the sync twin.
"""Contract: the handler from ``graph.langchain_handler()`` records the real
``langchain-core`` runs of a real ``ChatOpenAI`` model against a local server that answers
as OpenAI does, and the real tool runs LangChain makes."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI

from llm_memory_graph import AsyncMemoryGraph, Completion, Prompt, ToolInvocation
from tests.fake_providers import MODEL, TOOL_CALL_ID


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"21C in {city}"


@pytest.fixture
def model(provider_url: str) -> ChatOpenAI:
    return ChatOpenAI(model="gpt-4o-mini", base_url=f"{provider_url}/v1", api_key="sk-test", max_retries=0)  # type: ignore[arg-type]


async def _only(graph: AsyncMemoryGraph, node_type: str) -> Any:
    found = (await graph.find(types=node_type)).items
    assert len(found) == 1, found
    return found[0]


async def test_a_chat_model_run_becomes_a_prompt_and_its_completion(
    graph: AsyncMemoryGraph, model: ChatOpenAI
) -> None:
    async with graph.track("chat", agent="assistant") as tracker:
        reply = await model.ainvoke(
            [HumanMessage("Hi there")], config={"callbacks": [graph.langchain_handler()]}
        )
    assert reply.content == "Hello!"
    prompt: Prompt = await _only(graph, "Prompt")
    completion: Completion = await _only(graph, "Completion")
    assert tracker.scope is not None and prompt.conversation_id == tracker.scope.conversation_id
    assert (prompt.content, completion.content, completion.provider) == ("Hi there", "Hello!", "openai")
    assert (completion.request_model, completion.response_model) == ("gpt-4o-mini", MODEL)
    assert (completion.input_tokens, completion.output_tokens, completion.cached_input_tokens) == (42, 7, 10)
    assert completion.cost_usd is not None


async def test_a_tool_call_run_by_langchain_is_one_lineage(
    graph: AsyncMemoryGraph, model: ChatOpenAI
) -> None:
    handler = graph.langchain_handler()
    config: Any = {"callbacks": [handler]}
    bound = model.bind_tools([get_weather])
    async with graph.track("weather"):
        messages: list[Any] = [HumanMessage("Weather in Paris?")]
        first = await bound.ainvoke(messages, config=config)
        assert first.tool_calls[0]["id"] == TOOL_CALL_ID  # type: ignore[attr-defined]
        result = await get_weather.ainvoke(first.tool_calls[0], config=config)  # type: ignore[attr-defined]
        assert isinstance(result, ToolMessage)
        final = await bound.ainvoke([*messages, first, result], config=config)
    assert final.content == "It is 21C in Paris."
    tool_run: ToolInvocation = await _only(graph, "ToolInvocation")
    assert (tool_run.tool_name, tool_run.tool_call_id, tool_run.status, tool_run.result) == (
        "get_weather",
        TOOL_CALL_ID,
        "success",
        "21C in Paris",
    )
    answer = next(c for c in (await graph.find(types="Completion")).items if c.content)  # type: ignore[attr-defined]
    assert tool_run.id in {n.id for n in (await graph.lineage(answer)).nodes}


async def test_a_failed_run_is_recorded_and_raised(graph: AsyncMemoryGraph, model: ChatOpenAI) -> None:
    with pytest.raises(Exception, match="overloaded"):
        await model.ainvoke([HumanMessage("fail")], config={"callbacks": [graph.langchain_handler()]})
    completion: Completion = await _only(graph, "Completion")
    assert completion.error is not None
