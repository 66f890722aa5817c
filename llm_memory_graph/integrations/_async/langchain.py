# Async source: edit here, then run scripts/unasync.py to regenerate the sync twin.
"""A LangChain callback handler that records chat model runs and tool runs into a graph:
what ``graph.langchain_handler()`` returns.

    model.invoke(messages, config={"callbacks": [graph.langchain_handler()]})

Each chat model run becomes a prompt and a completion, as ``graph.instrument`` records a
client's call (tool calls the model asks for become pending tool invocations, a tool
message sent back completes its invocation and triggers the next prompt); each tool run
LangChain makes completes the invocation the model asked for (by its call id), or records
one of its own. Runs land in the active ``track`` scope. Recording never breaks a run: a
failure is logged and counted.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any
from uuid import UUID

from ..._async.tracking import end_tool_run, start_tool_run
from ...metrics import GraphMetrics
from ...recording.pending import PendingToolCalls
from ...recording.scope import current_scope, recording_failed
from ...schema import ToolInvocation
from .. import langchain_calls
from ..calls import ModelCall
from ..langchain_base import AsyncCallbackHandler
from ..loops import AsyncHomeLoop
from .recording import AsyncCallRecorder

if TYPE_CHECKING:
    from ..._async.graph import AsyncMemoryGraph

__all__ = ["MAX_RUNS", "AsyncGraphCallbackHandler"]

#: Most runs started and not yet ended that a handler remembers; the oldest is forgotten.
MAX_RUNS = 10_000


class AsyncGraphCallbackHandler(AsyncCallbackHandler):
    """Records LangChain chat model and tool runs into an ``AsyncMemoryGraph``; safe to
    share between tasks and runs."""

    raise_error = False

    def __init__(
        self, graph: AsyncMemoryGraph, metrics: GraphMetrics | None, pending: PendingToolCalls
    ) -> None:
        self._graph = graph
        self._metrics = metrics
        self._recorder = AsyncCallRecorder(graph, metrics, pending)
        self._pending = pending
        #: Tool callbacks may come on a worker thread's loop; writes go back to this one.
        self._home = AsyncHomeLoop()
        self._calls: OrderedDict[UUID, tuple[ModelCall, float]] = OrderedDict()
        self._tools: OrderedDict[UUID, tuple[ToolInvocation, float]] = OrderedDict()

    def _keep(self, runs: OrderedDict[UUID, Any], run_id: UUID, value: Any) -> None:
        runs[run_id] = value
        while len(runs) > MAX_RUNS:
            runs.popitem(last=False)

    # ------------------------------------------------------------ chat models

    async def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[Any]],
        *,
        run_id: UUID,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self._home.remember()
        call = langchain_calls.call_request(
            messages[0] if messages else [], metadata, kwargs.get("invocation_params")
        )
        self._keep(self._calls, run_id, (call, time.perf_counter()))

    async def on_llm_end(self, response: Any, *, run_id: UUID, **kwargs: Any) -> None:
        started = self._calls.pop(run_id, None)
        if started is not None:
            call, at = started
            finished = langchain_calls.finished_call(call, response, time.perf_counter() - at)
            await self._home.run(self._recorder.record(finished))

    async def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        started = self._calls.pop(run_id, None)
        if started is not None:
            call, at = started
            await self._home.run(self._recorder.record(call.failed(error, time.perf_counter() - at)))

    # ------------------------------------------------------------ tools

    async def on_tool_start(
        self,
        serialized: dict[str, Any],
        input_str: str,
        *,
        run_id: UUID,
        inputs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        name = str((serialized or {}).get("name") or kwargs.get("name") or "tool")
        arguments = inputs if inputs is not None else {"input": input_str}
        scope = current_scope(self._graph)
        try:  # the write runs inside the try in the synchronous twin too
            tool = await self._home.run(
                start_tool_run(
                    self._graph,
                    self._pending,
                    scope,
                    name,
                    tool_call_id=kwargs.get("tool_call_id"),
                    arguments=arguments,
                )
            )
        except Exception as error:
            self._failed(error)
            return
        self._keep(self._tools, run_id, (tool, time.perf_counter()))

    async def on_tool_end(self, output: Any, *, run_id: UUID, **kwargs: Any) -> None:
        await self._end_tool(run_id, getattr(output, "content", output), None)

    async def on_tool_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        await self._end_tool(run_id, None, error)

    async def _end_tool(self, run_id: UUID, result: object, error: BaseException | None) -> None:
        started = self._tools.pop(run_id, None)
        if started is None:
            return
        tool, at = started
        seconds = time.perf_counter() - at
        try:
            await self._home.run(end_tool_run(self._graph, self._pending, tool, result, error, seconds))
        except Exception as failure:
            self._failed(failure)

    def _failed(self, error: Exception) -> None:
        recording_failed(self._metrics, "langchain", "a LangChain run", error)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._graph!r})"
