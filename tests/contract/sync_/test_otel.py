"""Contract (hand-written, sync: span exporters run synchronously): OpenTelemetry GenAI
spans into the graph and out of it, with the real ``opentelemetry-sdk`` and the real
``opentelemetry-instrumentation-openai-v2`` driving the real ``openai`` client against a
local server that answers as OpenAI does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from llm_memory_graph import Completion, MemoryGraph, Prompt, SQLiteStore, ToolInvocation
from llm_memory_graph.otel import GraphSpanExporter, emit_spans, record_spans, spans_from_otlp_json
from llm_memory_graph.otel.spans import span_of

TOOLS: list[Any] = [
    {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {}}}}
]


@pytest.fixture
def spans(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[InMemorySpanExporter, TracerProvider]]:
    """The official OpenAI instrumentation, capturing message content on spans, into memory."""
    monkeypatch.setenv("OTEL_SEMCONV_STABILITY_OPT_IN", "gen_ai_latest_experimental")
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "SPAN_ONLY")
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    instrumentor = OpenAIInstrumentor()
    instrumentor.instrument(tracer_provider=provider)
    try:
        yield memory, provider
    finally:
        instrumentor.uninstrument()


def _conversation(client: openai.OpenAI) -> None:
    """A plain call, then a tool call answered with its result."""
    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    messages: list[Any] = [{"role": "user", "content": "Weather in Paris?"}]
    first = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
    call = first.choices[0].message.tool_calls[0]  # type: ignore[index]
    messages += [first.choices[0].message.model_dump(exclude_none=True)]
    messages += [{"role": "tool", "tool_call_id": call.id, "content": "21C in Paris"}]
    client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)


def _key(node: Any) -> tuple[Any, ...]:
    if isinstance(node, Prompt):
        return ("Prompt", node.content, node.role)
    if isinstance(node, Completion):
        numbers = (node.input_tokens, node.output_tokens, node.finish_reason, node.error is None)
        return ("Completion", node.content, node.provider, node.request_model, node.response_model, *numbers)
    if isinstance(node, ToolInvocation):
        return ("ToolInvocation", node.tool_name, node.tool_call_id, json.dumps(node.arguments), node.status, node.result)
    return (str(node.type),)


def _shape(graph: MemoryGraph) -> tuple[list[Any], list[Any]]:
    """The graph, without ids and times: what each node says, and what each edge joins."""
    nodes = list(graph.stream(types=["Prompt", "Completion", "ToolInvocation"]))
    edges = [
        (str(n.edge.type), _key(node), _key(n.node))
        for node in nodes
        for n in graph.iter_neighbors(node, direction="out", edge_types=["GENERATES", "TRIGGERS"])
    ]
    return sorted(map(_key, nodes), key=repr), sorted(edges, key=repr)


def _client(provider_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{provider_url}/v1", api_key="sk-test", max_retries=0)


def test_spans_of_the_official_instrumentation_make_the_graph_our_instrumentation_makes(
    graph: MemoryGraph, provider_url: str, spans: tuple[InMemorySpanExporter, TracerProvider], tmp_path: Any
) -> None:
    memory, _ = spans
    _conversation(_client(provider_url))
    assert GraphSpanExporter(graph).export(memory.get_finished_spans()).name == "SUCCESS"
    memory.clear()
    with MemoryGraph(store=SQLiteStore(tmp_path / "ours.db")) as ours:
        _conversation(ours.instrument(_client(provider_url)))
        assert _shape(graph) == _shape(ours)
    assert len(_shape(graph)[0]) == 7  # 3 prompts, 3 completions, 1 tool invocation


def test_exporting_the_same_spans_again_adds_nothing(
    graph: MemoryGraph, provider_url: str, spans: tuple[InMemorySpanExporter, TracerProvider]
) -> None:
    memory, _ = spans
    _conversation(_client(provider_url))
    finished = [span_of(s) for s in memory.get_finished_spans()]
    record_spans(graph, finished)
    before = graph.stats()
    record_spans(graph, finished)
    assert graph.stats() == before


def test_what_the_graph_recorded_goes_out_as_spans_that_read_back_the_same(
    graph: MemoryGraph, provider_url: str, tmp_path: Any
) -> None:
    _conversation(graph.instrument(_client(provider_url)))
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    assert emit_spans(graph, provider.get_tracer("test")) == 4  # 3 model calls, 1 tool run
    chat = next(s for s in memory.get_finished_spans() if s.name.startswith("chat"))
    assert chat.attributes is not None and chat.attributes["gen_ai.provider.name"] == "openai"
    with MemoryGraph(store=SQLiteStore(tmp_path / "copy.db")) as copy:
        GraphSpanExporter(copy).export(memory.get_finished_spans())
        assert _shape(copy) == _shape(graph)


def test_otlp_json_agents_hand_offs_tool_runs_and_sessions(graph: MemoryGraph) -> None:
    def attributes(**values: Any) -> list[dict[str, Any]]:
        return [
            {"key": k.replace("__", "."), "value": {"intValue": str(v)} if isinstance(v, int) else {"stringValue": v}}
            for k, v in values.items()
        ]

    trace = "5b8efff798038103d269b633813fc60c"
    request = {
        "resourceSpans": [
            {
                "scopeSpans": [
                    {
                        "spans": [
                            {
                                "traceId": trace, "spanId": "a000000000000001", "name": "invoke_agent router",
                                "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000009000000000",
                                "attributes": attributes(gen_ai__operation__name="invoke_agent", gen_ai__agent__name="router", session__id="s-1"),
                            },
                            {
                                "traceId": trace, "spanId": "a000000000000002", "parentSpanId": "a000000000000001",
                                "name": "invoke_agent researcher", "startTimeUnixNano": "1700000001000000000",
                                "endTimeUnixNano": "1700000008000000000",
                                "attributes": attributes(gen_ai__operation__name="invoke_agent", gen_ai__agent__name="researcher"),
                            },
                            {
                                "traceId": trace, "spanId": "a000000000000003", "parentSpanId": "a000000000000002",
                                "name": "execute_tool search", "startTimeUnixNano": "1700000002000000000",
                                "endTimeUnixNano": "1700000002500000000", "status": {"code": 2, "message": "timeout"},
                                "attributes": attributes(gen_ai__operation__name="execute_tool", gen_ai__tool__name="search", gen_ai__tool__call__id="c-1"),
                            },
                        ]
                    }
                ]
            }
        ]
    }
    record_spans(graph, spans_from_otlp_json(request))
    tool: ToolInvocation = graph.find(types="ToolInvocation").items[0]  # type: ignore[assignment]
    assert (tool.tool_name, tool.status, tool.error, tool.duration_ms) == ("search", "error", "timeout", 500.0)
    researcher = graph.find(types="Agent", name="researcher").items[0]
    assert tool.agent_id == researcher.id and tool.conversation_id is not None
    hand_offs = [n.node.id for n in graph.iter_neighbors(researcher, direction="in", edge_types=["TRANSFERS_TO"])]
    assert hand_offs == [graph.find(types="Agent", name="router").items[0].id]
    assert graph.get(tool.conversation_id).title == "s-1"  # type: ignore[attr-defined]


def test_a_retrieval_span_becomes_documents_the_next_model_call_references(graph: MemoryGraph) -> None:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(GraphSpanExporter(graph)))  # one span per export
    tracer = provider.get_tracer("rag")
    with tracer.start_as_current_span("rag answer"):
        with tracer.start_as_current_span("retrieve") as retrieval:
            retrieval.set_attributes(
                {
                    "openinference.span.kind": "RETRIEVER",
                    "retrieval.documents.0.document.id": "policy",
                    "retrieval.documents.0.document.content": "Refunds within 30 days.",
                    "retrieval.documents.0.document.score": 0.91,
                    "retrieval.documents.1.document.id": "faq",
                    "retrieval.documents.1.document.content": "Ask support.",
                    "retrieval.documents.1.document.score": 0.42,
                }
            )
        with tracer.start_as_current_span("chat gpt-4o") as chat:
            chat.set_attributes(
                {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "openai",
                    "gen_ai.request.model": "gpt-4o",
                    "gen_ai.input.messages": json.dumps([{"role": "user", "parts": [{"type": "text", "content": "Refund?"}]}]),
                    "gen_ai.output.messages": json.dumps([{"role": "assistant", "parts": [{"type": "text", "content": "Yes."}]}]),
                }
            )
    prompt = graph.find(types="Prompt").items[0]
    references = sorted(
        (n.edge.rank, n.edge.score, n.node.content)  # type: ignore[union-attr, attr-defined]
        for n in graph.iter_neighbors(prompt, direction="out", edge_types=["REFERENCES"])
    )
    assert references == [(1, 0.91, "Refunds within 30 days."), (2, 0.42, "Ask support.")]
    answer = graph.find(types="Completion").items[0]
    assert {"Document"} <= {str(n.type) for n in graph.lineage(answer).nodes}


def test_openllmetry_spans_in_its_own_attribute_style_make_the_same_graph(graph: MemoryGraph, tmp_path: Any) -> None:
    """OpenLLMetry names messages ``gen_ai.prompt.N.*`` / ``gen_ai.completion.N.*``, the
    operation ``llm.request.type`` and tokens ``gen_ai.usage.prompt_tokens``."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(GraphSpanExporter(graph)))
    tracer = provider.get_tracer("openllmetry-style")
    calls = (
        {
            "gen_ai.prompt.0.role": "user",
            "gen_ai.prompt.0.content": "Weather in Paris?",
            "gen_ai.completion.0.role": "assistant",
            "gen_ai.completion.0.finish_reason": "tool_calls",
            "gen_ai.completion.0.tool_calls.0.id": "call_weather_1",
            "gen_ai.completion.0.tool_calls.0.name": "get_weather",
            "gen_ai.completion.0.tool_calls.0.arguments": '{"city": "Paris"}',
        },
        {
            "gen_ai.prompt.0.role": "user",
            "gen_ai.prompt.0.content": "Weather in Paris?",
            "gen_ai.prompt.1.role": "assistant",
            "gen_ai.prompt.2.role": "tool",
            "gen_ai.prompt.2.content": "21C in Paris",
            "gen_ai.prompt.2.tool_call_id": "call_weather_1",
            "gen_ai.completion.0.role": "assistant",
            "gen_ai.completion.0.content": "It is 21C in Paris.",
            "gen_ai.completion.0.finish_reason": "stop",
        },
    )
    for attributes in calls:
        with tracer.start_as_current_span("openai.chat") as span:
            span.set_attributes(
                {
                    "llm.request.type": "chat",
                    "gen_ai.system": "openai",
                    "gen_ai.request.model": "gpt-4o-mini",
                    "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
                    "gen_ai.usage.prompt_tokens": 42,
                    "gen_ai.usage.completion_tokens": 7,
                    **attributes,
                }
            )
    tool: ToolInvocation = graph.find(types="ToolInvocation").items[0]  # type: ignore[assignment]
    assert (tool.tool_name, tool.arguments, tool.status, tool.result) == ("get_weather", {"city": "Paris"}, "success", "21C in Paris")
    answer = next(c for c in graph.find(types="Completion").items if c.content)  # type: ignore[attr-defined]
    assert (answer.provider, answer.input_tokens, answer.finish_reason) == ("openai", 42, "stop")  # type: ignore[attr-defined]
    assert tool.id in {n.id for n in graph.lineage(answer).nodes}


def test_a_failed_export_is_reported_failed_and_counted(tmp_path: Any) -> None:
    from prometheus_client import CollectorRegistry

    registry = CollectorRegistry()
    graph = MemoryGraph(store=SQLiteStore(tmp_path / "closed.db"), registry=registry)
    graph.close()
    provider = TracerProvider()
    memory = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    with provider.get_tracer("test").start_as_current_span("chat") as span:
        span.set_attributes({"gen_ai.operation.name": "chat", "gen_ai.request.model": "m"})
    assert GraphSpanExporter(graph).export(memory.get_finished_spans()).name == "FAILURE"
    assert registry.get_sample_value("llm_memory_graph_recording_failures_total", {"stage": "otel"}) == 1
