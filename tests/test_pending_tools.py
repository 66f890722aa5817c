"""The tool calls a graph remembers are bounded, oldest forgotten first, and a tool run takes
the call it answers: by call id, else the oldest pending call of its tool in its conversation."""

from __future__ import annotations

from llm_memory_graph import ToolInvocation
from llm_memory_graph.recording.pending import MAX_PENDING, PendingToolCalls


def _call(call_id: str, name: str = "search", conversation: str | None = None) -> ToolInvocation:
    return ToolInvocation(
        tool_name=name, tool_call_id=call_id, status="pending", conversation_id=conversation
    )


def test_the_registry_keeps_at_most_its_limit_forgetting_the_oldest() -> None:
    pending = PendingToolCalls(limit=3)
    for i in range(5):
        pending.put(_call(f"c{i}"))
    assert len(pending) == 3
    assert pending.find("c0") is None and pending.find("c4") is not None
    assert PendingToolCalls()._limit == MAX_PENDING == 10_000


def test_a_run_takes_its_call_by_id_else_the_oldest_of_its_tool_in_its_conversation() -> None:
    pending = PendingToolCalls()
    conversation = "01a2510f-ef23-75f8-8907-944e7877f2e1"
    first, second, other = (
        _call("a", conversation=conversation),
        _call("b", conversation=conversation),
        _call("c", "pay"),
    )
    for call in (first, second, other):
        pending.put(call)
    assert pending.take(conversation, "search", "b") is second
    assert pending.take(conversation, "search") is first
    assert pending.take(conversation, "search") is None
    assert pending.take(None, "pay") is other
