"""Tool calls a model asked for that no tool run has taken yet, per graph, bounded.

A provider integration records each tool call a model asks for as a ``pending``
``ToolInvocation`` and puts it here; ``track(tool=...)`` takes it (by the call's id, else the
oldest of that tool's name in the conversation) and records how the run ended, and a tool
result sent back to the model finds the invocation it answers by its call id.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from ..schema import ToolInvocation

__all__ = ["MAX_PENDING", "PendingToolCalls"]

#: Most tool calls remembered per graph; the oldest is forgotten first.
MAX_PENDING = 10_000


class PendingToolCalls:
    """Tool invocations by their call id, oldest first; safe to share between threads."""

    def __init__(self, limit: int = MAX_PENDING) -> None:
        self._limit = limit
        self._calls: OrderedDict[str, ToolInvocation] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._calls)

    def put(self, call: ToolInvocation) -> None:
        """Remember an invocation (by ``tool_call_id``, else its id)."""
        with self._lock:
            self._calls[call.tool_call_id or call.id] = call
            self._calls.move_to_end(call.tool_call_id or call.id)
            while len(self._calls) > self._limit:
                self._calls.popitem(last=False)

    def find(self, tool_call_id: str) -> ToolInvocation | None:
        """The invocation of the call ``tool_call_id``, without taking it."""
        with self._lock:
            return self._calls.get(tool_call_id)

    def take(
        self, conversation_id: str | None, tool_name: str, tool_call_id: str | None = None
    ) -> ToolInvocation | None:
        """Take the pending invocation a tool run answers: the call ``tool_call_id``, else the
        oldest pending call of ``tool_name`` in the conversation."""
        with self._lock:
            if tool_call_id is not None:
                found = self._calls.get(tool_call_id)
                if found is not None and found.status == "pending":
                    del self._calls[tool_call_id]
                    return found
                return None
            for key, call in self._calls.items():
                if (
                    call.tool_name == tool_name
                    and call.conversation_id == conversation_id
                    and call.status == "pending"
                ):
                    del self._calls[key]
                    return call
        return None
