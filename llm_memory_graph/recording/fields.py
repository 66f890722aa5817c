"""The keyword fields of each recording call, declared once.

``MemoryGraph.add_completion``, ``AsyncMemoryGraph.add_completion``, ``Batch.add_completion``,
the buffered writers' and the builder behind them all take ``**fields:
Unpack[CompletionFields]``, so a new completion field is one line here (and its model field
in ``schema/nodes.py``, and the stores' column mapping); ``tests/test_recording_fields.py``
fails when a model field has no key here. Keys that are not fields of the node itself are
``RELATIONS``: references to other nodes, which become edges or ids.

Defaults are the models' own: a key left out takes the model field's default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypedDict

from pydantic import JsonValue

from ..arguments import NodeRef, node_fields
from ..schema import FeedbackSource, RequestSnapshot, ToolStatus

__all__ = [
    "RELATIONS",
    "AgentFields",
    "CompletionFields",
    "ContextFields",
    "ConversationFields",
    "DocumentFields",
    "FeedbackFields",
    "HandOffFields",
    "NodeFields",
    "PromptFields",
    "ReferenceFields",
    "ToolInvocationFields",
    "checked",
    "own_fields",
]


class NodeFields(TypedDict, total=False):
    """What every call that records a node takes."""

    #: Flat user data; scalar values are filterable on both stores.
    metadata: Mapping[str, JsonValue] | None
    #: The node's id (a UUID); made on the client when not given, so a retry is idempotent.
    id: str | None
    #: When it happened; now when not given.
    created_at: datetime | None


class ConversationFields(NodeFields, total=False):
    """``start_conversation``."""

    #: The end user; copied onto every item appended to the conversation.
    user_id: str | None


class AgentFields(TypedDict, total=False):
    """``register_agent`` / ``add_agent``."""

    role: str | None
    description: str | None
    capabilities: Iterable[str]
    model: str | None
    metadata: Mapping[str, JsonValue] | None
    id: str | None


class HandOffFields(TypedDict, total=False):
    """``hand_off``: a TRANSFERS_TO edge."""

    reason: str | None
    conversation: NodeRef | None
    metadata: Mapping[str, JsonValue] | None


class PromptFields(NodeFields, total=False):
    """``add_prompt`` and ``render_prompt``."""

    #: The conversation it is appended to.
    conversation: NodeRef | None
    #: The agent that sent it (a HANDLED_BY edge).
    agent: NodeRef | None
    #: system, user (default), assistant, tool or developer.
    role: str
    #: The tool call whose result prompted it (a TRIGGERS edge).
    triggered_by: NodeRef | None
    #: Earlier items whose output it uses, such as another agent's completion (DEPENDS_ON).
    depends_on: Iterable[NodeRef]
    token_count: int | None
    user_id: str | None


class CompletionFields(NodeFields, total=False):
    """``add_completion``; names follow the OpenTelemetry GenAI conventions."""

    #: The agent that made the call; default: the prompt's agent.
    agent: NodeRef | None
    provider: str | None
    request_model: str | None
    response_model: str | None
    response_id: str | None
    input_tokens: int | None
    output_tokens: int | None
    cached_input_tokens: int | None
    reasoning_tokens: int | None
    #: input + output when not given.
    total_tokens: int | None
    cost_usd: float | None
    latency_ms: float | None
    #: For a streamed answer: the milliseconds until its first chunk arrived.
    time_to_first_token_ms: float | None
    finish_reason: str | None
    error: str | None
    #: What was sent (messages, tools, parameters), so the call can be replayed.
    request: RequestSnapshot | Mapping[str, Any] | None


class ToolInvocationFields(NodeFields, total=False):
    """``add_tool_invocation``."""

    arguments: Mapping[str, JsonValue] | None
    result: JsonValue
    error: str | None
    #: success, error or pending; default ``error`` when ``error`` is given, else ``success``.
    status: ToolStatus | str | None
    duration_ms: float | None
    #: What the run cost (a paid API, a sandbox ...), in US dollars.
    cost_usd: float | None
    tool_call_id: str | None
    #: The agent that ran the tool; default: the completion's agent.
    agent: NodeRef | None


class DocumentFields(NodeFields, total=False):
    """``add_document``."""

    title: str | None
    #: The collection or system it came from.
    source: str | None
    uri: str | None
    chunk_index: int | None
    chunk_count: int | None
    mime_type: str | None


class ReferenceFields(TypedDict, total=False):
    """``reference``: a REFERENCES edge."""

    #: The retriever's relevance score.
    score: float | None
    #: 1 for the best hit.
    rank: int | None
    metadata: Mapping[str, JsonValue] | None


class ContextFields(NodeFields, total=False):
    """``attach_context``."""

    #: Prompts or completions that used the context (REFERENCES edges).
    to: NodeRef | Iterable[NodeRef]
    conversation: NodeRef | None
    #: system, memory, summary, profile ... (default ``text``).
    kind: str
    agent: NodeRef | None
    token_count: int | None


class FeedbackFields(NodeFields, total=False):
    """``add_feedback``."""

    #: Any scale you like (say 1 to 5, or -1/+1); give a score or a label.
    score: float | None
    label: str | None
    comment: str | None
    #: human (default) or automatic.
    source: FeedbackSource | str
    rater: str | None


#: Keys that name other nodes: they become edges or ids, never fields of the node itself.
RELATIONS = frozenset({"agent", "conversation", "triggered_by", "depends_on", "to"})

_SHARED = frozenset(NodeFields.__annotations__)


def checked(verb: str, fields: Mapping[str, Any], spec: type[Any]) -> Mapping[str, Any]:
    """Refuse a key ``spec`` does not declare, as Python refuses an unknown keyword."""
    declared: frozenset[str] = spec.__optional_keys__ | spec.__required_keys__
    for key in fields:
        if key not in declared:
            raise TypeError(f"{verb}() got an unexpected keyword argument {key!r}")
    return fields


def own_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of the node itself: every key but ``RELATIONS``, and of the fields every
    node shares, those given."""
    own = {k: v for k, v in fields.items() if k not in RELATIONS and k not in _SHARED}
    shared = node_fields(fields.get("metadata"), fields.get("id"), fields.get("created_at"))
    return own | shared
