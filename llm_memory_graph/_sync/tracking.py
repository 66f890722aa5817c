# Generated from llm_memory_graph/_async/tracking.py by scripts/unasync.py; do not edit.
"""``graph.track(...)``: a block or a function whose calls record themselves into one
conversation, agent, tool invocation and template version.

Entering opens or joins a conversation (a new one is closed again on leaving), registers the
agent and records a hand-off (TRANSFERS_TO) from the enclosing scope's agent, starts a tool
invocation (or takes over the one a model asked for), and resolves a template version.
Leaving records how a tool run ended: its result, or its error when the block raised; a
conversation the scope opened is closed with the exception it ended in, if any. The
exception itself always propagates unchanged.

Recording never breaks the user's code: a failed write is logged and counted
(``recording_failures``) and the block runs on with what could be recorded.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, Unpack

from pydantic import JsonValue

from ..metrics import GraphMetrics
from ..recording.fields import checked
from ..recording.pending import PendingToolCalls
from ..recording.scope import (
    Scope,
    TrackerBase,
    TrackOptions,
    current_scope,
    enter_scope,
    leave_scope,
    recording_failed,
)
from ..recording.tools import finished_tool, started_tool
from ..schema import Agent, Conversation, NodeBase, ToolInvocation

if TYPE_CHECKING:
    from contextvars import Token

    from .graph import MemoryGraph

__all__ = ["Tracker", "end_tool_run", "start_tool_run"]


class Tracker(TrackerBase):
    """What ``MemoryGraph.track(...)`` returns: a context manager and a decorator.

        with graph.track("support chat", agent="router"):
            ...                                  # calls here join the conversation

        @graph.track(tool="search")
        def search(query: str) -> list[str]: ...

    See ``MemoryGraph.track`` for the parameters.
    """

    def __init__(
        self,
        graph: MemoryGraph,
        metrics: GraphMetrics | None,
        pending: PendingToolCalls,
        name: str | None = None,
        **options: Unpack[TrackOptions],
    ) -> None:
        self._graph = graph
        self._metrics = metrics
        self._pending = pending
        self.name = name
        self._options: dict[str, Any] = dict(checked("track", options, TrackOptions))
        self.scope: Scope | None = None
        self._token: Token[Scope | None] | None = None
        self._opened: Conversation | None = None
        self._tool: ToolInvocation | None = None
        self._started = 0.0
        self._result: object = None

    def fresh(self) -> Self:
        return type(self)(self._graph, self._metrics, self._pending, self.name, **self._options)

    def returned(self, value: object) -> None:
        self._result = value

    def __enter__(self) -> Self:
        parent = current_scope(self._graph) or Scope(id(self._graph))
        conversation_id = self._conversation(parent)
        agent_id = self._agent(parent, conversation_id)
        template_version_id = self._template_version(parent)
        scope = parent.child(
            name=self.name or parent.name,
            conversation_id=conversation_id,
            agent_id=agent_id,
            template_version_id=template_version_id,
        )
        if self._options.get("tool") is not None:
            self._tool = self._start_tool(scope)
            scope = scope.child(tool_invocation_id=self._tool.id if self._tool else None)
        self.scope = scope
        self._token = enter_scope(scope)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._token is not None and self.scope is not None:
            leave_scope(self._token, self.scope)
        if self._tool is not None:
            seconds = time.perf_counter() - self._started
            try:
                end_tool_run(self._graph, self._pending, self._tool, self._result, exc, seconds)
            except Exception as error:
                self._failed("tool_invocation", error)
        if self._opened is not None:
            try:
                closed = self._graph.close_conversation(self._opened)
                if exc is not None:  # the session ended in an exception: say which
                    self._graph.add(
                        nodes=[closed.model_copy(update={"error": f"{type(exc).__name__}: {exc}"})]
                    )
            except Exception as error:
                self._failed("conversation", error)

    # ------------------------------------------------------------ steps

    def _conversation(self, parent: Scope) -> str | None:
        given = self._options.get("conversation")
        if isinstance(given, NodeBase):
            return given.id
        if isinstance(given, str):
            return given
        if parent.conversation_id is not None:
            return parent.conversation_id
        try:
            self._opened = self._graph.start_conversation(
                self.name, user_id=self._options.get("user_id"), metadata=self._options.get("metadata")
            )
        except Exception as error:
            self._failed("conversation", error)
            return None
        return self._opened.id

    def _agent(self, parent: Scope, conversation_id: str | None) -> str | None:
        given = self._options.get("agent")
        if given is None:
            return parent.agent_id
        try:
            agent = given if isinstance(given, Agent) else self._graph.register_agent(given)
            if parent.agent_id is not None and parent.agent_id != agent.id:
                self._graph.hand_off(
                    parent.agent_id, agent, reason=self.name, conversation=conversation_id
                )
        except Exception as error:
            self._failed("agent", error)
            return parent.agent_id
        return agent.id

    def _template_version(self, parent: Scope) -> str | None:
        name = self._options.get("template")
        if name is None:
            return parent.template_version_id
        try:
            version = self._graph.get_template_version(
                name, version=self._options.get("version"), label=self._options.get("label")
            )
        except Exception as error:
            self._failed("template", error)
            return parent.template_version_id
        return version.id

    def _start_tool(self, scope: Scope) -> ToolInvocation | None:
        self._started = time.perf_counter()
        try:
            return start_tool_run(
                self._graph,
                self._pending,
                scope,
                self._options["tool"],
                tool_call_id=self._options.get("tool_call_id"),
                arguments=self._options.get("arguments"),
            )
        except Exception as error:
            self._failed("tool_invocation", error)
            return None

    def _failed(self, stage: str, error: Exception) -> None:
        recording_failed(self._metrics, stage, f"the {stage} of {self.name!r}", error)


def start_tool_run(
    graph: MemoryGraph,
    pending: PendingToolCalls,
    scope: Scope | None,
    name: str,
    *,
    tool_call_id: str | None,
    arguments: Mapping[str, JsonValue] | None,
) -> ToolInvocation:
    """The invocation a tool run answers: the call a model asked for (by ``tool_call_id``,
    else the oldest pending call of ``name`` in the scope's conversation), else a new one,
    written as pending."""
    conversation_id = scope.conversation_id if scope else None
    asked = pending.take(conversation_id, name, tool_call_id)
    if asked is not None:
        return asked
    started = started_tool(
        name,
        arguments=arguments,
        tool_call_id=tool_call_id,
        conversation_id=conversation_id,
        agent_id=scope.agent_id if scope else None,
    )
    graph.add(nodes=[started])
    return started


def end_tool_run(
    graph: MemoryGraph,
    pending: PendingToolCalls,
    tool: ToolInvocation,
    result: object,
    error: BaseException | None,
    seconds: float,
) -> ToolInvocation:
    """Write how a tool run ended, and remember it (a tool result sent to a model later
    finds its invocation by call id); return the ended invocation."""
    ended = finished_tool(tool, result, error, seconds)
    graph.add(nodes=[ended])
    pending.put(ended)
    return ended
