"""A tool run's invocation as it starts and as it ends, with no I/O: what ``track(tool=...)``
and the provider integrations write."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import JsonValue

from ..schema import ToolInvocation, ToolStatus, validating

__all__ = ["as_json", "finished_tool", "started_tool"]


def as_json(value: object) -> JsonValue:
    """``value`` as a JSON value a node can hold: itself when it is one, else its text."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))  # type: ignore[no-any-return]
    except (TypeError, ValueError):
        return repr(value)


def started_tool(
    name: str,
    *,
    arguments: Mapping[str, JsonValue] | None,
    tool_call_id: str | None,
    conversation_id: str | None,
    agent_id: str | None,
) -> ToolInvocation:
    """A tool invocation that has started and not ended (``pending``)."""
    with validating("tool_invocation"):
        return ToolInvocation(
            tool_name=name,
            tool_call_id=tool_call_id,
            arguments=dict(arguments or {}),
            status=ToolStatus.PENDING,
            conversation_id=conversation_id,
            agent_id=agent_id,
        )


def finished_tool(
    tool: ToolInvocation, result: object, error: BaseException | None, seconds: float | None
) -> ToolInvocation:
    """The invocation rewritten with how it ended: its result, or the error it raised."""
    update: dict[str, Any] = {"status": ToolStatus.SUCCESS if error is None else ToolStatus.ERROR}
    if error is not None:
        update["error"] = f"{type(error).__name__}: {error}"
    elif result is not None:
        update["result"] = as_json(result)
    if seconds is not None:
        update["duration_ms"] = round(seconds * 1000, 3)
    return tool.model_copy(update=update)
