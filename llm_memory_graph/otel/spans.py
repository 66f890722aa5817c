"""OpenTelemetry GenAI spans into the graph (``GraphSpanExporter``, ``record_spans``) and
out of it (``emit_spans``). Needs ``opentelemetry-sdk``: ``pip install "llm-memory-graph[otel]"``.

    provider.add_span_processor(BatchSpanProcessor(GraphSpanExporter(graph)))   # in
    emit_spans(graph, provider.get_tracer("llm-memory-graph"), since=...)       # out
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer

from ..errors import InvalidInputError, NodeNotFoundError, UsageError
from ..pricing import priced
from ..recording.scope import recording_failed
from ..schema import Completion, EdgeType, Node, Prompt, ToolInvocation, ToolStatus
from .genai import (
    MAX_RETRIEVED,
    GenAISpan,
    chat_attributes,
    graph_items,
    tool_attributes,
    wanted_ids,
    wanted_retrievals,
)

if TYPE_CHECKING:
    from .._sync.graph import MemoryGraph

__all__ = ["MAX_SPANS", "GraphSpanExporter", "emit_spans", "record_spans", "span_of", "spans_from_otlp_json"]

#: Most spans one ``record_spans`` call (one export) takes.
MAX_SPANS = 10_000


def span_of(span: ReadableSpan) -> GenAISpan:
    """An SDK span as the graph reads it."""
    context = span.context
    parent = span.parent
    failed = span.status.status_code is StatusCode.ERROR
    return GenAISpan(
        trace_id=f"{context.trace_id:032x}" if context else "",
        span_id=f"{context.span_id:016x}" if context else "",
        parent_id=f"{parent.span_id:016x}" if parent else None,
        name=span.name,
        start_ns=span.start_time or 0,
        end_ns=span.end_time or span.start_time or 0,
        attributes=dict(span.attributes or {}),
        error=(span.status.description or "error") if failed else None,
    )


def _value(value: Mapping[str, Any]) -> Any:
    """An OTLP/JSON ``AnyValue``."""
    for key in ("stringValue", "boolValue", "doubleValue"):
        if key in value:
            return value[key]
    if "intValue" in value:
        return int(value["intValue"])
    if "arrayValue" in value:
        return [_value(v) for v in value["arrayValue"].get("values", ())]
    return None


def spans_from_otlp_json(request: Mapping[str, Any]) -> list[GenAISpan]:
    """The spans of an OTLP/JSON ``ExportTraceServiceRequest`` (``resourceSpans`` ...), as the
    graph reads them; what a collector receives over OTLP/HTTP."""
    found = []
    for resource in request.get("resourceSpans") or ():
        for scope in resource.get("scopeSpans") or ():
            for span in scope.get("spans") or ():
                status = span.get("status") or {}
                found.append(
                    GenAISpan(
                        trace_id=str(span.get("traceId", "")).lower(),
                        span_id=str(span.get("spanId", "")).lower(),
                        parent_id=str(span["parentSpanId"]).lower() if span.get("parentSpanId") else None,
                        name=str(span.get("name", "")),
                        start_ns=int(span.get("startTimeUnixNano", 0)),
                        end_ns=int(span.get("endTimeUnixNano", 0)),
                        attributes={
                            a["key"]: _value(a.get("value") or {}) for a in span.get("attributes") or ()
                        },
                        error=(status.get("message") or "error")
                        if status.get("code") in (2, "STATUS_CODE_ERROR")
                        else None,
                    )
                )
    return found


def record_spans(graph: MemoryGraph, spans: Sequence[GenAISpan]) -> int:
    """Write what GenAI spans stand for into ``graph``, in one store write; return how many
    nodes and edges that was. Writing the same spans again adds nothing.

    :raises InvalidInputError: past ``MAX_SPANS`` spans, or for a span the model refuses.
    """
    if len(spans) > MAX_SPANS:
        raise InvalidInputError(f"at most {MAX_SPANS:,} spans a call, got {len(spans):,}", field="spans")
    existing: dict[str, Node] = {}
    for node_id in wanted_ids(spans):
        with contextlib.suppress(NodeNotFoundError):
            existing[node_id] = graph.get(node_id)
    for key in wanted_retrievals(spans):
        for document in graph.find(
            types="Document", metadata={"otel.retrieval": key}, limit=MAX_RETRIEVED
        ).items:
            existing[document.id] = document
    items = graph_items(spans, existing)
    nodes = [priced(n, graph.prices) if isinstance(n, Completion) else n for n in items.nodes.values()]
    edges = list(items.edges.values())
    if nodes or edges:
        graph.add(nodes=nodes, edges=edges)
    return len(nodes) + len(edges)


class GraphSpanExporter(SpanExporter):
    """An OpenTelemetry ``SpanExporter`` that writes GenAI spans into a ``MemoryGraph``: from
    any instrumentation that follows the GenAI conventions (the official
    ``opentelemetry-instrumentation-openai-v2``, OpenLLMetry, OpenInference ...). A failed
    write is logged and counted, and the export reported failed; the application goes on."""

    def __init__(self, graph: MemoryGraph) -> None:
        from .._sync.graph import MemoryGraph

        if not isinstance(graph, MemoryGraph):
            raise UsageError(f"exporters run synchronously: give a MemoryGraph, not a {type(graph).__name__}")
        self._graph = graph

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        try:
            record_spans(self._graph, [span_of(s) for s in spans])
        except Exception as error:
            recording_failed(self._graph.metrics, "otel", f"{len(spans)} spans", error)
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        """Nothing to release: the graph is the application's."""

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True


def _ns(moment: datetime) -> int:
    return int(moment.timestamp() * 1e9)


def emit_spans(
    graph: MemoryGraph, tracer: Tracer, *, since: datetime | None = None, until: datetime | None = None
) -> int:
    """Emit what the graph recorded in a period as GenAI spans, one per model call
    (``chat``) and one per finished tool run (``execute_tool``), with their times; return
    how many spans. Send them to any OpenTelemetry backend through ``tracer``'s provider."""
    count = 0
    for node in graph.stream(types=["Completion", "ToolInvocation"], since=since, until=until):
        if isinstance(node, ToolInvocation):
            if node.status == ToolStatus.PENDING:
                continue
            start = _ns(node.created_at)
            span = tracer.start_span(
                f"execute_tool {node.tool_name}",
                kind=SpanKind.INTERNAL,
                start_time=start,
                attributes=tool_attributes(node),
            )
            if node.status == ToolStatus.ERROR:
                span.set_status(Status(StatusCode.ERROR, node.error))
            span.end(end_time=start + int((node.duration_ms or 0) * 1e6))
            count += 1
            continue
        if not isinstance(node, Completion):
            continue
        prompts = [
            n.node for n in graph.iter_neighbors(node, direction="in", edge_types=[EdgeType.GENERATES])
        ]
        prompt = next((p for p in prompts if isinstance(p, Prompt)), None)
        if prompt is None:
            continue
        asked = [
            n.node
            for n in graph.iter_neighbors(node, direction="out", edge_types=[EdgeType.TRIGGERS])
            if isinstance(n.node, ToolInvocation)
        ]
        answered = [
            n.node
            for n in graph.iter_neighbors(prompt, direction="in", edge_types=[EdgeType.TRIGGERS])
            if isinstance(n.node, ToolInvocation)
        ]
        end = _ns(node.created_at)
        span = tracer.start_span(
            f"chat {node.request_model or node.response_model or ''}".strip(),
            kind=SpanKind.CLIENT,
            start_time=end - int((node.latency_ms or 0) * 1e6),
            attributes=chat_attributes(prompt, node, asked, answered),
        )
        if node.error:
            span.set_status(Status(StatusCode.ERROR, node.error))
        span.end(end_time=end)
        count += 1
    return count
