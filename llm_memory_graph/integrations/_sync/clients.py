# Generated from llm_memory_graph/integrations/_async/clients.py by scripts/unasync.py; do not edit.
"""``graph.instrument(client)``: which method of which client is wrapped, per provider."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from ...errors import UsageError
from ...metrics import GraphMetrics
from ...recording.pending import PendingToolCalls
from .. import anthropic_calls, openai_calls, openai_responses
from .recording import CallRecorder, recording, recording_helper

if TYPE_CHECKING:
    from ..._sync.graph import MemoryGraph

__all__ = ["instrument"]

_C = TypeVar("_C")


def instrument(
    graph: MemoryGraph, metrics: GraphMetrics | None, pending: PendingToolCalls, client: _C
) -> _C:
    """Make ``client``'s calls record into ``graph``; return the client.

    :raises UsageError: for a client of another provider or another kind (sync or asyncio).
    """
    recorder = CallRecorder(graph, metrics, pending)
    provider = type(client).__module__.partition(".")[0]
    if provider == "openai":
        import openai

        _check_kind(client, openai.OpenAI)
        completions: Any = client.chat.completions  # type: ignore[attr-defined]
        completions.create = recording(completions.create, recorder, openai_calls)
        responses: Any = client.responses  # type: ignore[attr-defined]
        responses.create = recording(responses.create, recorder, openai_responses)
        return client
    if provider == "anthropic":
        import anthropic

        _check_kind(client, anthropic.Anthropic)
        messages: Any = client.messages  # type: ignore[attr-defined]
        messages.create = recording(messages.create, recorder, anthropic_calls)
        messages.stream = recording_helper(messages.stream, recorder, anthropic_calls)
        return client
    raise UsageError(f"cannot instrument a {type(client).__name__}: expected an OpenAI or Anthropic client")


def _check_kind(client: object, expected: type) -> None:
    if not isinstance(client, expected):
        raise UsageError(
            f"expected {expected.__module__.partition('.')[0]}.{expected.__name__}, got {type(client).__name__} "
            "(a graph instruments clients of its own kind: synchronous, or asyncio)"
        )
