"""What one Anthropic Messages call is, as the graph records it; no I/O, no import of
``anthropic``: requests are the keyword arguments of ``messages.create``, responses and
stream events are read by attribute, as the ``anthropic`` package's models give them.

Tokens are counted as OpenAI counts them, so one price table prices both: ``input_tokens``
is every input token (Anthropic's ``input_tokens`` plus the cache reads and writes), and
``cached_input_tokens`` the cache reads.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from .calls import ModelCall, arguments_of, plain, since_last_answer, text_of

__all__ = ["PROVIDER", "StreamedAnswer", "call_request", "finished_call", "streamed"]

PROVIDER = "anthropic"


def call_request(kwargs: Mapping[str, Any]) -> ModelCall:
    """The request half of a call, from ``create``'s keyword arguments."""
    messages = [plain(m) for m in kwargs.get("messages") or ()]
    last = messages[-1] if messages else {}
    results = [
        (str(block["tool_use_id"]), text_of(block.get("content")))
        for message in since_last_answer(messages, lambda m: m.get("role") == "assistant")
        if isinstance(message.get("content"), list)
        for block in message["content"]
        if isinstance(block, Mapping) and block.get("type") == "tool_result" and block.get("tool_use_id")
    ]
    return ModelCall.asked(
        PROVIDER,
        kwargs,
        messages,
        prompt=text_of(last.get("content")),
        role=str(last.get("role") or "user"),
        tool_results=results,
    )


def _usage(usage: Any, output_tokens: int | None = None) -> dict[str, Any]:
    if usage is None:
        return {}
    read = getattr(usage, "cache_read_input_tokens", None) or 0
    written = getattr(usage, "cache_creation_input_tokens", None) or 0
    found: dict[str, Any] = {"input_tokens": (usage.input_tokens or 0) + read + written}
    outputs = output_tokens if output_tokens is not None else getattr(usage, "output_tokens", None)
    if outputs is not None:
        found["output_tokens"] = outputs
    if read:
        found["cached_input_tokens"] = read
    return found


def finished_call(call: ModelCall, response: Any, seconds: float) -> ModelCall:
    """The call completed with a ``Message``."""
    blocks = list(response.content or ())
    call.content = "".join(b.text for b in blocks if getattr(b, "type", None) == "text")
    call.tool_calls = [
        (b.id, b.name, arguments_of(b.input)) for b in blocks if getattr(b, "type", None) == "tool_use"
    ]
    return call.answered(
        model=response.model,
        response_id=response.id,
        finish_reason=response.stop_reason,
        seconds=seconds,
        tokens=_usage(response.usage),
    )


class StreamedAnswer:
    """Collects a streamed answer event by event: its text, tool uses, usage and timing."""

    def __init__(self, call: ModelCall, started: float) -> None:
        self.call = call
        self.started = started
        self.first: float | None = None
        self._blocks: dict[int, list[str]] = {}  # index -> [type, text or id, name, json]
        self._message: Any = None
        self._finish: str | None = None
        self._outputs: int | None = None

    def add(self, event: Any) -> None:
        """Take one stream event."""
        kind = getattr(event, "type", None)
        if kind == "message_start":
            self._message = event.message
        elif kind == "content_block_start":
            block = event.content_block
            if block.type == "tool_use":
                self._blocks[event.index] = ["tool_use", block.id, block.name, ""]
            else:
                self._blocks[event.index] = ["text", getattr(block, "text", "") or "", "", ""]
        elif kind == "content_block_delta":
            if self.first is None:
                self.first = time.perf_counter()
            slot = self._blocks.setdefault(event.index, ["text", "", "", ""])
            delta = event.delta
            if delta.type == "text_delta":
                slot[1] += delta.text
            elif delta.type == "input_json_delta":
                slot[3] += delta.partial_json
        elif kind == "message_delta":
            self._finish = event.delta.stop_reason or self._finish
            self._outputs = getattr(event.usage, "output_tokens", None) or self._outputs

    def finished(self, now: float) -> ModelCall:
        """The call as recorded once the stream ended."""
        call = self.call
        blocks = [b for _, b in sorted(self._blocks.items())]
        call.content = "".join(b[1] for b in blocks if b[0] == "text")
        call.tool_calls = [(b[1], b[2], arguments_of(b[3] or "{}")) for b in blocks if b[0] == "tool_use"]
        message = self._message
        return call.answered(
            model=getattr(message, "model", None),
            response_id=getattr(message, "id", None),
            finish_reason=self._finish,
            seconds=now - self.started,
            tokens=_usage(getattr(message, "usage", None), self._outputs),
            first_token_seconds=None if self.first is None else self.first - self.started,
        )


def streamed(call: ModelCall, started: float) -> StreamedAnswer:
    """A collector for the call's stream."""
    return StreamedAnswer(call, started)
