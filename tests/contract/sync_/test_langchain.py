# Generated from tests/contract/async_/test_langchain.py by scripts/unasync.py; do not edit.
"""Contract: the handler from ``graph.langchain_handler()`` records the real
``langchain-core`` runs of a real ``ChatOpenAI`` model against a local server that answers
as OpenAI does, and the real tool runs LangChain makes."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI

from llm_memory_graph import MemoryGraph, Completion, Prompt, ToolInvocation
from tests.fake_providers import MODEL, TOOL_CALL_ID


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"21C in {city}"


@pytest.fixture
def model(provider_url: str) -> ChatOpenAI:
    return ChatOpenAI(model="gpt-4o-mini", base_url=f"{provider_url}/v1", api_key="sk-test", max_retries=0)  # type: ignore[arg-type]


def _only(graph: MemoryGraph, node_type: str) -> Any:
    found = (graph.find(types=node_type)).items
    assert len(found) == 1, found
    return found[0]


def test_a_chat_model_run_becomes_a_prompt_and_its_completion(
    graph: MemoryGraph, model: ChatOpenAI
) -> None:
    with graph.track("chat", agent="assistant") as tracker:
        reply = model.invoke(
            [HumanMessage("Hi there")], config={"callbacks": [graph.langchain_handler()]}
        )
    assert reply.content == "Hello!"
    prompt: Prompt = _only(graph, "Prompt")
    completion: Completion = _only(graph, "Completion")
    assert tracker.scope is not None and prompt.conversation_id == tracker.scope.conversation_id
    assert (prompt.content, completion.content, completion.provider) == ("Hi there", "Hello!", "openai")
    assert (completion.request_model, completion.response_model) == ("gpt-4o-mini", MODEL)
    assert (completion.input_tokens, completion.output_tokens, completion.cached_input_tokens) == (42, 7, 10)
    assert completion.cost_usd is not None


def test_a_tool_call_run_by_langchain_is_one_lineage(
    graph: MemoryGraph, model: ChatOpenAI
) -> None:
    handler = graph.langchain_handler()
    config: Any = {"callbacks": [handler]}
    bound = model.bind_tools([get_weather])
    with graph.track("weather"):
        messages: list[Any] = [HumanMessage("Weather in Paris?")]
        first = bound.invoke(messages, config=config)
        assert first.tool_calls[0]["id"] == TOOL_CALL_ID  # type: ignore[attr-defined]
        result = get_weather.invoke(first.tool_calls[0], config=config)  # type: ignore[attr-defined]
        assert isinstance(result, ToolMessage)
        final = bound.invoke([*messages, first, result], config=config)
    assert final.content == "It is 21C in Paris."
    tool_run: ToolInvocation = _only(graph, "ToolInvocation")
    assert (tool_run.tool_name, tool_run.tool_call_id, tool_run.status, tool_run.result) == (
        "get_weather",
        TOOL_CALL_ID,
        "success",
        "21C in Paris",
    )
    answer = next(c for c in (graph.find(types="Completion")).items if c.content)  # type: ignore[attr-defined]
    assert tool_run.id in {n.id for n in (graph.lineage(answer)).nodes}


def test_a_failed_run_is_recorded_and_raised(graph: MemoryGraph, model: ChatOpenAI) -> None:
    with pytest.raises(Exception, match="overloaded"):
        model.invoke([HumanMessage("fail")], config={"callbacks": [graph.langchain_handler()]})
    completion: Completion = _only(graph, "Completion")
    assert completion.error is not None
