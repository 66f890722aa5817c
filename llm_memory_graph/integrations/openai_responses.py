"""What one OpenAI Responses API call is, as the graph records it; no I/O, no import of
``openai``: requests are the keyword arguments of ``responses.create``, responses and stream
events are read by attribute, as the ``openai`` package's models give them.

The prompt is the request's last input item (a plain ``input`` string is one user message;
``instructions`` go into the snapshot's parameters); ``function_call_output`` items send
tool results back, and ``function_call`` output items are the tool calls the model asks for.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from .calls import ModelCall, arguments_of, plain, since_last_answer, text_of, token_fields
from .openai_calls import PROVIDER

__all__ = ["StreamedResponse", "call_request", "finished_call", "streamed"]


def _item_text(item: Mapping[str, Any]) -> str:
    if item.get("type") == "function_call_output":
        return text_of(item.get("output"))
    content = item.get("content")
    if isinstance(content, list):
        return "\n".join(
            str(p.get("text", ""))
            for p in content
            if isinstance(p, Mapping) and "text" in str(p.get("type", ""))
        )
    return text_of(content)


def call_request(kwargs: Mapping[str, Any]) -> ModelCall:
    """The request half of a call, from ``create``'s keyword arguments."""
    given = kwargs.get("input")
    items = (
        [{"role": "user", "content": given}] if isinstance(given, str) else [plain(i) for i in given or ()]
    )
    results = [
        (str(i["call_id"]), text_of(i.get("output")))
        for i in since_last_answer(
            items, lambda i: i.get("role") == "assistant" or i.get("type") == "function_call"
        )
        if i.get("type") == "function_call_output" and i.get("call_id")
    ]
    last = items[-1] if items else {}
    role = "tool" if last.get("type") == "function_call_output" else str(last.get("role") or "user")
    return ModelCall.asked(PROVIDER, kwargs, items, prompt=_item_text(last), role=role, tool_results=results)


def _usage(usage: Any) -> dict[str, Any]:
    if usage is None:
        return {}
    return token_fields(
        usage.input_tokens,
        usage.output_tokens,
        getattr(getattr(usage, "input_tokens_details", None), "cached_tokens", None),
        getattr(getattr(usage, "output_tokens_details", None), "reasoning_tokens", None),
    )


def finished_call(
    call: ModelCall, response: Any, seconds: float, first_token_seconds: float | None = None
) -> ModelCall:
    """The call completed with a ``Response`` (streamed: its first delta came after
    ``first_token_seconds``)."""
    outputs = list(response.output or ())
    call.content = "".join(
        getattr(part, "text", "") or ""
        for item in outputs
        if getattr(item, "type", None) == "message"
        for part in item.content or ()
        if getattr(part, "type", None) == "output_text"
    )
    call.tool_calls = [
        (i.call_id, i.name, arguments_of(i.arguments))
        for i in outputs
        if getattr(i, "type", None) == "function_call"
    ]
    incomplete = getattr(response, "incomplete_details", None)
    return call.answered(
        model=response.model,
        response_id=response.id,
        finish_reason=getattr(incomplete, "reason", None) or response.status,
        seconds=seconds,
        tokens=_usage(response.usage),
        first_token_seconds=first_token_seconds,
    )


class StreamedResponse:
    """Collects a streamed response: the call is read from its ``response.completed``
    event; the first delta gives the time to first token."""

    def __init__(self, call: ModelCall, started: float) -> None:
        self.call = call
        self.started = started
        self.first: float | None = None
        self._response: Any = None

    def add(self, event: Any) -> None:
        """Take one stream event."""
        kind = str(getattr(event, "type", ""))
        if self.first is None and kind.endswith(".delta"):
            self.first = time.perf_counter()
        if kind in ("response.completed", "response.incomplete", "response.failed"):
            self._response = event.response

    def finished(self, now: float) -> ModelCall:
        """The call as recorded once the stream ended."""
        if self._response is None:
            self.call.fields = {"provider": PROVIDER, "request_model": self.call.request_model}
            return self.call
        first = None if self.first is None else self.first - self.started
        return finished_call(self.call, self._response, now - self.started, first)


def streamed(call: ModelCall, started: float) -> StreamedResponse:
    """A collector for the call's stream."""
    return StreamedResponse(call, started)
