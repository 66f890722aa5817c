"""One model call as the graph records it, whichever provider made it; no I/O.

Each provider's module (``openai_calls``, ``anthropic_calls``) reads its client's requests
(the keyword arguments of its ``create``) and responses (its models, by attribute) into a
``ModelCall``; the recorder writes every provider's calls the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import JsonValue

__all__ = [
    "ModelCall",
    "ProviderCalls",
    "StreamAnswer",
    "arguments_of",
    "parameters_of",
    "plain",
    "since_last_answer",
    "text_of",
    "token_fields",
]

#: Keywords of a client's ``create`` that carry the request itself or set the transport,
#: not parameters of the model call.
_NOT_PARAMETERS = frozenset(
    {"messages", "input", "tools", "stream", "extra_headers", "extra_query", "extra_body", "timeout"}
)


def text_of(content: object) -> str:
    """A message's text: a string as is; of a list of parts, the text parts (and the text of
    tool results) joined by newlines."""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        parts = []
        for part in content:
            if isinstance(part, Mapping):
                if part.get("type") == "text":
                    parts.append(str(part.get("text", "")))
                elif part.get("type") == "tool_result":
                    parts.append(text_of(part.get("content")))
        return "\n".join(parts)
    return ""


def plain(value: object) -> Any:
    """A request value as JSON data (pydantic models and other objects by their dump)."""
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    try:
        return json.loads(json.dumps(value, default=str))
    except (TypeError, ValueError):
        return str(value)


def arguments_of(value: object) -> dict[str, JsonValue]:
    """A tool call's arguments as a JSON object: parsed from text, or as given."""
    if isinstance(value, str) or value is None:
        text = value or "{}"
        try:
            value = json.loads(text)
        except ValueError:
            return {"_raw": text}
    data = plain(value)
    return data if isinstance(data, dict) else {"_value": data}


def since_last_answer(
    items: Sequence[dict[str, Any]], is_answer: Callable[[dict[str, Any]], bool]
) -> list[dict[str, Any]]:
    """The items after the model's last answer: what a request sends it anew (a question,
    tool results)."""
    found: list[dict[str, Any]] = []
    for item in items:
        found = [] if is_answer(item) else [*found, item]
    return found


def parameters_of(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The model call's parameters among ``create``'s keyword arguments, as JSON data."""
    return {k: plain(v) for k, v in kwargs.items() if k not in _NOT_PARAMETERS}


def token_fields(
    inputs: int | None, outputs: int | None, cached: int | None = None, reasoning: int | None = None
) -> dict[str, int]:
    """A completion's token fields, those known."""
    found = {
        "input_tokens": inputs,
        "output_tokens": outputs,
        "cached_input_tokens": cached,
        "reasoning_tokens": reasoning,
    }
    return {k: v for k, v in found.items() if v is not None}


@dataclass
class ModelCall:
    """One model call as recorded: the prompt (the request's last message), the answer,
    the tool calls it asked for, and the numbers."""

    provider: str
    prompt: str
    role: str
    request: dict[str, Any]
    #: ``(tool_call_id, result text)`` of the tool results the request sends back.
    tool_results: list[tuple[str, str]]
    request_model: str | None
    content: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    #: ``(tool_call_id, tool name, arguments)`` of each tool call the model asked for.
    tool_calls: list[tuple[str, str, dict[str, JsonValue]]] = field(default_factory=list)

    @classmethod
    def asked(
        cls,
        provider: str,
        kwargs: Mapping[str, Any],
        items: list[dict[str, Any]],
        *,
        prompt: str,
        role: str,
        tool_results: list[tuple[str, str]],
    ) -> ModelCall:
        """A call as its request asks it: ``items`` are the messages (or input items) sent,
        the snapshot keeps them with the tools offered and the call's parameters."""
        return cls(
            provider=provider,
            prompt=prompt,
            role=role,
            request={
                "messages": items,
                "tools": [plain(t) for t in kwargs.get("tools") or ()],
                "parameters": parameters_of(kwargs),
            },
            tool_results=tool_results,
            request_model=kwargs.get("model"),
        )

    def answered(
        self,
        *,
        model: str | None,
        response_id: str | None,
        finish_reason: str | None,
        seconds: float,
        tokens: Mapping[str, int],
        first_token_seconds: float | None = None,
    ) -> ModelCall:
        """The call ended with an answer from ``model``; ``content`` and ``tool_calls`` are
        set by the provider's reader."""
        self.fields = {
            "provider": self.provider,
            "request_model": self.request_model,
            "response_model": model,
            "response_id": response_id,
            "finish_reason": finish_reason,
            "latency_ms": round(seconds * 1000, 3),
            **tokens,
        }
        if first_token_seconds is not None:
            self.fields["time_to_first_token_ms"] = round(first_token_seconds * 1000, 3)
        return self

    def failed(self, error: BaseException, seconds: float) -> ModelCall:
        """The call ended with ``error`` from the API."""
        self.fields = {
            "provider": self.provider,
            "request_model": self.request_model,
            "error": f"{type(error).__name__}: {error}",
            "latency_ms": round(seconds * 1000, 3),
        }
        return self


class StreamAnswer(Protocol):
    """Collects a streamed answer, chunk (or event) by chunk."""

    def add(self, chunk: Any) -> None:
        """Take one chunk of the stream."""

    def finished(self, now: float) -> ModelCall:
        """The call as recorded once the stream ended (``now`` from ``time.perf_counter``)."""
        ...


class ProviderCalls(Protocol):
    """What a provider's module gives the recorder."""

    def call_request(self, kwargs: Mapping[str, Any]) -> ModelCall:
        """The request half of a call, from ``create``'s keyword arguments."""
        ...

    def finished_call(self, call: ModelCall, response: Any, seconds: float) -> ModelCall:
        """The call completed with ``response``."""
        ...

    def streamed(self, call: ModelCall, started: float) -> StreamAnswer:
        """A collector for the call's stream."""
        ...
