"""What one LangChain chat model run is, as the graph records it; no I/O, no import of
``langchain_core``: messages, results and usage are read by attribute, as
``langchain_core.messages`` and ``LLMResult`` give them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .calls import ModelCall, arguments_of, plain, since_last_answer, text_of, token_fields

__all__ = ["call_request", "finished_call"]

#: LangChain's message types, as the roles the graph records.
_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool", "function": "tool"}


def _message(message: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "role": _ROLES.get(message.type, message.type),
        "content": plain(message.content),
    }
    for key in ("tool_call_id", "tool_calls", "name"):
        value = getattr(message, key, None)
        if value:
            found[key] = plain(value)
    return found


def call_request(
    messages: Sequence[Any], metadata: Mapping[str, Any] | None, invocation: Mapping[str, Any] | None
) -> ModelCall:
    """The request half of a run, from ``on_chat_model_start``'s messages, metadata and
    invocation parameters."""
    metadata, invocation = metadata or {}, invocation or {}
    found = [_message(m) for m in messages]
    last = found[-1] if found else {}
    results = [
        (str(m["tool_call_id"]), text_of(m.get("content")))
        for m in since_last_answer(found, lambda m: m["role"] == "assistant")
        if m["role"] == "tool" and m.get("tool_call_id")
    ]
    parameters = {k: plain(v) for k, v in invocation.items() if k not in ("tools", "stream")}
    model = metadata.get("ls_model_name") or invocation.get("model") or invocation.get("model_name")
    return ModelCall(
        provider=str(metadata.get("ls_provider") or "langchain"),
        prompt=text_of(last.get("content")),
        role=str(last.get("role") or "user"),
        request={
            "messages": found,
            "tools": [plain(t) for t in invocation.get("tools") or ()],
            "parameters": parameters,
        },
        tool_results=results,
        request_model=None if model is None else str(model),
    )


def _usage(usage: Mapping[str, Any] | None) -> dict[str, Any]:
    if not usage:
        return {}
    return token_fields(
        usage.get("input_tokens"),
        usage.get("output_tokens"),
        (usage.get("input_token_details") or {}).get("cache_read"),
        (usage.get("output_token_details") or {}).get("reasoning"),
    )


def finished_call(call: ModelCall, result: Any, seconds: float) -> ModelCall:
    """The run completed with an ``LLMResult``."""
    generation = result.generations[0][0] if result.generations and result.generations[0] else None
    message = getattr(generation, "message", None)
    metadata: Mapping[str, Any] = getattr(message, "response_metadata", None) or {}
    call.content = text_of(message.content) if message is not None else str(getattr(generation, "text", ""))
    call.tool_calls = [
        (str(t.get("id") or ""), str(t["name"]), arguments_of(t.get("args")))
        for t in (getattr(message, "tool_calls", None) or [])
    ]
    return call.answered(
        model=metadata.get("model_name") or metadata.get("model"),
        response_id=metadata.get("id") or getattr(message, "id", None),
        finish_reason=metadata.get("finish_reason") or metadata.get("stop_reason"),
        seconds=seconds,
        tokens=_usage(getattr(message, "usage_metadata", None)),
    )
