# Async source: edit here, then run scripts/unasync.py to regenerate the sync twin.
"""Recording a provider client's calls: wrapping its ``create`` so each call is written.

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

import functools
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ...metrics import GraphMetrics
from ...recording.pending import PendingToolCalls
from ...recording.scope import current_scope, recording_failed
from ...recording.tools import finished_tool
from ..calls import ModelCall, ProviderCalls, StreamAnswer

if TYPE_CHECKING:
    from ..._async.graph import AsyncMemoryGraph

__all__ = [
    "AsyncCallRecorder",
    "AsyncRecordedStream",
    "AsyncRecordedStreamManager",
    "recording",
    "recording_helper",
]

#: Set on a wrapped ``create``, so instrumenting a client twice records each call once.
WRAPPED = "__llm_memory_graph__"


class AsyncCallRecorder:
    """Writes the calls of one instrumented client into one graph."""

    def __init__(
        self, graph: AsyncMemoryGraph, metrics: GraphMetrics | None, pending: PendingToolCalls
    ) -> None:
        self._graph = graph
        self._metrics = metrics
        self._pending = pending

    async def record(self, call: ModelCall) -> bool:
        """Write one call and say whether it was written; a failure is logged and counted,
        never raised."""
        try:
            await self._write(call)
        except Exception as error:
            recording_failed(self._metrics, call.provider, f"a call to {call.provider}", error)
            return False
        return True

    async def _write(self, call: ModelCall) -> None:
        triggered_by = None
        for tool_call_id, result in call.tool_results:
            asked = self._pending.find(tool_call_id)
            if asked is None:
                continue
            triggered_by = triggered_by or asked.id
            if asked.status == "pending":
                done = finished_tool(asked, result, None, None)
                await self._graph.add(nodes=[done])
                self._pending.put(done)
        scope = current_scope(self._graph)
        prompt = await self._graph.add_prompt(
            call.prompt,
            role=call.role,
            triggered_by=triggered_by or (scope.tool_invocation_id if scope else None),
        )
        completion = await self._graph.add_completion(
            prompt, call.content, request=call.request, **call.fields
        )
        for tool_call_id, name, arguments in call.tool_calls:
            asked = await self._graph.add_tool_invocation(
                completion, name, arguments=arguments, tool_call_id=tool_call_id, status="pending"
            )
            self._pending.put(asked)


class AsyncRecordedStream:
    """A client's stream, passed through chunk by chunk; the call is recorded when it ends
    (its last chunk read, or the stream closed)."""

    def __init__(self, stream: Any, recorder: AsyncCallRecorder, answer: StreamAnswer) -> None:
        self._stream = stream
        self._recorder = recorder
        self._answer = answer
        self._recorded = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def __aiter__(self) -> AsyncRecordedStream:
        return self

    async def __anext__(self) -> Any:
        try:
            chunk = await self._stream.__anext__()
        except StopAsyncIteration:
            await self._finish()
            raise
        self._answer.add(chunk)
        return chunk

    async def __aenter__(self) -> AsyncRecordedStream:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the client's stream, and record what was read of it."""
        await self._stream.close()
        await self._finish()

    async def _finish(self) -> None:
        if not self._recorded:
            self._recorded = True
            await self._recorder.record(self._answer.finished(time.perf_counter()))


def recording(
    create: Callable[..., Any], recorder: AsyncCallRecorder, calls: ProviderCalls
) -> Callable[..., Any]:
    """``create`` wrapped: each call is recorded by ``recorder``, read by ``calls``."""
    if getattr(create, WRAPPED, False):
        return create

    @functools.wraps(create)
    async def recorded(*args: Any, **kwargs: Any) -> Any:
        call = calls.call_request(kwargs)
        started = time.perf_counter()
        try:
            response = await create(*args, **kwargs)
        except Exception as error:
            await recorder.record(call.failed(error, time.perf_counter() - started))
            raise
        if kwargs.get("stream"):
            return AsyncRecordedStream(response, recorder, calls.streamed(call, started))
        await recorder.record(calls.finished_call(call, response, time.perf_counter() - started))
        return response

    setattr(recorded, WRAPPED, True)
    return recorded


class AsyncRecordedStreamManager:
    """A client's streaming helper (``messages.stream(...)``), used as before; the call is
    recorded from the helper's own message when the block ends. The helper reads the
    stream itself, so no time to first token is known."""

    def __init__(
        self, manager: Any, recorder: AsyncCallRecorder, call: ModelCall, calls: ProviderCalls
    ) -> None:
        self._manager = manager
        self._recorder = recorder
        self._call = call
        self._calls = calls
        self._stream: Any = None
        self._started = 0.0

    async def __aenter__(self) -> Any:
        self._started = time.perf_counter()
        self._stream = await self._manager.__aenter__()
        return self._stream

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._manager.__aexit__(exc_type, exc, tb)
        seconds = time.perf_counter() - self._started
        try:
            message = self._stream.current_message_snapshot
        except Exception:
            message = None
        if message is None:
            await self._recorder.record(
                self._call.failed(exc or RuntimeError("the stream ended before an answer"), seconds)
            )
        else:
            await self._recorder.record(self._calls.finished_call(self._call, message, seconds))


def recording_helper(
    stream: Callable[..., Any], recorder: AsyncCallRecorder, calls: ProviderCalls
) -> Callable[..., Any]:
    """A client's streaming helper wrapped: each block it opens is recorded by ``recorder``."""
    if getattr(stream, WRAPPED, False):
        return stream

    @functools.wraps(stream)
    def recorded(*args: Any, **kwargs: Any) -> AsyncRecordedStreamManager:
        return AsyncRecordedStreamManager(
            stream(*args, **kwargs), recorder, calls.call_request(kwargs), calls
        )

    setattr(recorded, WRAPPED, True)
    return recorded
