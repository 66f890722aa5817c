"""OpenTelemetry GenAI, both ways: spans from any GenAI instrumentation into the graph, and
what the graph recorded out as spans. ``genai`` maps with no I/O; ``spans`` needs
``opentelemetry-sdk`` (``pip install "llm-memory-graph[otel]"``)."""

from __future__ import annotations

from .spans import GraphSpanExporter, emit_spans, record_spans, spans_from_otlp_json

__all__ = ["GraphSpanExporter", "emit_spans", "record_spans", "spans_from_otlp_json"]
