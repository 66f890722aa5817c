# Generated from llm_memory_graph/integrations/_async/openai.py by scripts/unasync.py; do not edit.
"""Recording an OpenAI client's Chat Completions calls: ``graph.instrument(client)``.

Each call becomes a Prompt (the request's last message) and a Completion (text, provider,
requested and answering model, tokens, finish reason, latency, time to first token for a
stream, the whole request as a snapshot), in the active ``track`` scope's conversation and
agent. Each tool call the model asks for becomes a pending ToolInvocation; a tool result
sent back in a later request completes it and TRIGGERS that request's prompt.

The client's answers are returned unchanged (a stream chunk by chunk); an exception from
the API is recorded as a Completion with its error, then raised unchanged. Recording never
breaks a call: a failed write is logged and counted (``recording_failures``).
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from ...errors import UsageError
from ...metrics import GraphMetrics
from ...recording.pending import PendingToolCalls
from ...recording.scope import current_scope, log
from ...recording.tools import finished_tool
from ..openai_calls import ModelCall, StreamedAnswer, call_request, finished_call

if TYPE_CHECKING:
    from ..._sync.graph import MemoryGraph

__all__ = ["OpenAIRecorder", "RecordedStream", "instrument_openai"]

_C = TypeVar("_C")


class OpenAIRecorder:
    """Writes the calls of one instrumented client into one graph."""

    def __init__(
        self, graph: MemoryGraph, metrics: GraphMetrics | None, pending: PendingToolCalls
    ) -> None:
        self._graph = graph
        self._metrics = metrics
        self._pending = pending

    def record(self, call: ModelCall) -> None:
        """Write one call; a failure is logged and counted, never raised."""
        try:
            self._write(call)
        except Exception as error:
            log.warning("llm-memory-graph could not record an OpenAI call: %s", error)
            if self._metrics is not None:
                self._metrics.recording_failures.labels("openai").inc()

    def _write(self, call: ModelCall) -> None:
        triggered_by = None
        for tool_call_id, result in call.tool_results:
            asked = self._pending.find(tool_call_id)
            if asked is None:
                continue
            triggered_by = triggered_by or asked.id
            if asked.status == "pending":
                done = finished_tool(asked, result, None, None)
                self._graph.add(nodes=[done])
                self._pending.put(done)
        scope = current_scope(self._graph)
        prompt = self._graph.add_prompt(
            call.prompt,
            role=call.role,
            triggered_by=triggered_by or (scope.tool_invocation_id if scope else None),
        )
        completion = self._graph.add_completion(
            prompt, call.content, request=call.request, **call.fields
        )
        for tool_call_id, name, arguments in call.tool_calls:
            asked = self._graph.add_tool_invocation(
                completion, name, arguments=arguments, tool_call_id=tool_call_id, status="pending"
            )
            self._pending.put(asked)


class RecordedStream:
    """A client's stream, passed through chunk by chunk; the call is recorded when it ends
    (its last chunk read, or the stream closed)."""

    def __init__(self, stream: Any, recorder: OpenAIRecorder, answer: StreamedAnswer) -> None:
        self._stream = stream
        self._recorder = recorder
        self._answer = answer
        self._recorded = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def __iter__(self) -> RecordedStream:
        return self

    def __next__(self) -> Any:
        try:
            chunk = self._stream.__next__()
        except StopIteration:
            self._finish()
            raise
        self._answer.add(chunk)
        return chunk

    def __enter__(self) -> RecordedStream:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the client's stream, and record what was read of it."""
        self._stream.close()
        self._finish()

    def _finish(self) -> None:
        if not self._recorded:
            self._recorded = True
            self._recorder.record(self._answer.finished(time.perf_counter()))


def instrument_openai(
    graph: MemoryGraph, metrics: GraphMetrics | None, pending: PendingToolCalls, client: _C
) -> _C:
    """Make ``client.chat.completions.create`` record each call into ``graph``; return the client."""
    import openai  # the optional extra: pip install "llm-memory-graph[openai]"

    if not isinstance(client, openai.OpenAI):
        raise UsageError(
            f"expected an openai.OpenAI client, got {type(client).__name__} "
            "(a graph instruments clients of its own kind: synchronous, or asyncio)"
        )
    completions = client.chat.completions
    if getattr(completions.create, "__llm_memory_graph__", False):
        return client
    original = completions.create
    recorder = OpenAIRecorder(graph, metrics, pending)

    def create(*args: Any, **kwargs: Any) -> Any:
        call = call_request(kwargs)
        started = time.perf_counter()
        try:
            response = original(*args, **kwargs)
        except Exception as error:
            call.fields = {
                "provider": "openai",
                "request_model": call.request_model,
                "error": f"{type(error).__name__}: {error}",
                "latency_ms": round((time.perf_counter() - started) * 1000, 3),
            }
            recorder.record(call)
            raise
        if kwargs.get("stream"):
            return RecordedStream(response, recorder, StreamedAnswer(call, started))
        recorder.record(finished_call(call, response, time.perf_counter() - started))
        return response

    create.__llm_memory_graph__ = True  # type: ignore[attr-defined]
    completions.create = create  # type: ignore[method-assign]
    return client
