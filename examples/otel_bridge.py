"""Shows OpenTelemetry GenAI both ways: the official OpenAI instrumentation's spans written
into the graph by ``GraphSpanExporter``, and what the graph holds emitted as spans again.

The client talks to ``$OPENAI_BASE_URL`` (the real API when unset, with ``$OPENAI_API_KEY``);
the tests point it at a local server that answers as the API does. Run it with a store as
its one argument (else ``$LLM_MEMORY_GRAPH_URI``, else a temporary SQLite file)::

    OPENAI_API_KEY=sk-... python examples/otel_bridge.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# The official instrumentation reads these when it starts: the latest GenAI conventions,
# with the messages on the span.
os.environ.setdefault("OTEL_SEMCONV_STABILITY_OPT_IN", "gen_ai_latest_experimental")
os.environ.setdefault("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "SPAN_ONLY")

from openai import OpenAI
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from llm_memory_graph import Completion, MemoryGraph
from llm_memory_graph.otel import GraphSpanExporter, emit_spans


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LLM_MEMORY_GRAPH_URI")
    with (
        tempfile.TemporaryDirectory() as folder,
        MemoryGraph.open(target or Path(folder) / "spans.db") as graph,
    ):
        # In: every GenAI span the instrumentation makes lands in the graph.
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(GraphSpanExporter(graph)))
        instrumentor = OpenAIInstrumentor()  # type: ignore[no-untyped-call]
        instrumentor.instrument(tracer_provider=provider)
        try:
            OpenAI().chat.completions.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}]
            )
        finally:
            instrumentor.uninstrument()
        completion = next(c for c in graph.find(types="Completion").items if isinstance(c, Completion))
        print(f"from a span: {completion.provider} {completion.response_model} said {completion.content!r}")

        # Out: what the graph holds, as spans for any OpenTelemetry backend.
        memory = InMemorySpanExporter()
        out = TracerProvider()
        out.add_span_processor(SimpleSpanProcessor(memory))
        count = emit_spans(graph, out.get_tracer("llm-memory-graph"))
        span = memory.get_finished_spans()[0]
        print(
            f"emitted {count} span: {span.name}, {dict(span.attributes or {})['gen_ai.usage.input_tokens']} tokens in"
        )


if __name__ == "__main__":
    main()
