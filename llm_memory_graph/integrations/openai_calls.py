"""What one OpenAI Chat Completions call is, as the graph records it; no I/O, no import of
``openai``: requests are the keyword arguments of ``chat.completions.create``, responses and
stream chunks are read by attribute, as the ``openai`` package's models give them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from .calls import ModelCall, arguments_of, plain, since_last_answer, text_of, token_fields

__all__ = ["PROVIDER", "StreamedAnswer", "call_request", "finished_call", "streamed"]

PROVIDER = "openai"


def call_request(kwargs: Mapping[str, Any]) -> ModelCall:
    """The request half of a call, from ``create``'s keyword arguments."""
    messages = [plain(m) for m in kwargs.get("messages") or ()]
    last = messages[-1] if messages else {}
    results = [
        (str(m["tool_call_id"]), text_of(m.get("content")))
        for m in since_last_answer(messages, lambda m: m.get("role") == "assistant")
        if m.get("role") == "tool" and m.get("tool_call_id")
    ]
    return ModelCall.asked(
        PROVIDER,
        kwargs,
        messages,
        prompt=text_of(last.get("content")),
        role=str(last.get("role") or "user"),
        tool_results=results,
    )


def _usage(usage: Any) -> dict[str, Any]:
    if usage is None:
        return {}
    return token_fields(
        usage.prompt_tokens,
        usage.completion_tokens,
        getattr(getattr(usage, "prompt_tokens_details", None), "cached_tokens", None),
        getattr(getattr(usage, "completion_tokens_details", None), "reasoning_tokens", None),
    )


def finished_call(call: ModelCall, response: Any, seconds: float) -> ModelCall:
    """The call completed with a ``ChatCompletion``."""
    choice = response.choices[0] if response.choices else None
    message = choice.message if choice is not None else None
    call.content = (message.content or "") if message is not None else ""
    call.tool_calls = [
        (t.id, t.function.name, arguments_of(t.function.arguments))
        for t in (message.tool_calls or [] if message is not None else [])
        if getattr(t, "function", None) is not None
    ]
    return call.answered(
        model=response.model,
        response_id=response.id,
        finish_reason=choice.finish_reason if choice is not None else None,
        seconds=seconds,
        tokens=_usage(response.usage),
    )


class StreamedAnswer:
    """Collects a streamed answer chunk by chunk: its text, tool calls, usage and timing."""

    def __init__(self, call: ModelCall, started: float) -> None:
        self.call = call
        self.started = started
        self.first: float | None = None
        self._text: list[str] = []
        self._tools: dict[int, list[str]] = {}
        self._model: str | None = None
        self._id: str | None = None
        self._finish: str | None = None
        self._usage: Any = None

    def add(self, chunk: Any) -> None:
        """Take one ``ChatCompletionChunk``."""
        if self.first is None:
            self.first = time.perf_counter()
        self._model = chunk.model or self._model
        self._id = chunk.id or self._id
        self._usage = chunk.usage or self._usage
        for choice in chunk.choices or ():
            if choice.index != 0:
                continue
            delta = choice.delta
            if delta.content:
                self._text.append(delta.content)
            for tool in delta.tool_calls or ():
                slot = self._tools.setdefault(tool.index, ["", "", ""])
                slot[0] = tool.id or slot[0]
                if tool.function is not None:
                    slot[1] = tool.function.name or slot[1]
                    slot[2] += tool.function.arguments or ""
            self._finish = choice.finish_reason or self._finish

    def finished(self, now: float) -> ModelCall:
        """The call as recorded once the stream ended."""
        call = self.call
        call.content = "".join(self._text)
        call.tool_calls = [(i, n, arguments_of(a)) for _, (i, n, a) in sorted(self._tools.items())]
        return call.answered(
            model=self._model,
            response_id=self._id,
            finish_reason=self._finish,
            seconds=now - self.started,
            tokens=_usage(self._usage),
            first_token_seconds=None if self.first is None else self.first - self.started,
        )


def streamed(call: ModelCall, started: float) -> StreamedAnswer:
    """A collector for the call's stream."""
    return StreamedAnswer(call, started)
