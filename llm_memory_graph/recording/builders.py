"""Building the nodes and edges each recording call writes: validation only, no I/O.

The facades (``aio.py`` and the generated ``graph.py``), batches and buffered writers all
record through these, so a prompt recorded one way is exactly the prompt recorded any
other way. Where the facade reads first (a completion's prompt, a tool call's
completion, a rated item), these take the node itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from pydantic import JsonValue

from ..arguments import NodeRef, metadata_field, node_fields, optional_id, ref_id
from ..errors import EdgeEndpointError
from ..schema import (
    EDGE_RULES,
    Agent,
    Completion,
    Context,
    Conversation,
    ConversationStatus,
    DependsOn,
    DerivedFrom,
    Document,
    Edge,
    EdgeBase,
    EdgeType,
    Feedback,
    FeedbackSource,
    Generates,
    Node,
    NodeBase,
    Prompt,
    Rates,
    References,
    RequestSnapshot,
    ToolInvocation,
    ToolStatus,
    TransfersTo,
    Triggers,
    edge_between,
    edge_class,
    utcnow,
    validating,
)

__all__ = [
    "build_agent",
    "build_closed",
    "build_completion",
    "build_context",
    "build_conversation",
    "build_document",
    "build_edge",
    "build_feedback",
    "build_hand_off",
    "build_prompt",
    "build_reference",
    "build_revision",
    "build_tool_invocation",
]


def build_edge(
    source: NodeRef,
    target: NodeRef,
    edge_type: EdgeType | str,
    *,
    metadata: Mapping[str, JsonValue] | None,
    properties: Mapping[str, Any],
) -> Edge:
    """One edge of any caller-written type, with its typed ``properties``.

    :raises EdgeEndpointError: when both ends are nodes the edge cannot join, here, before
        any write: a batch or buffered writer reports it at the call, not at its flush.
    """
    cls = edge_class(str(edge_type).upper())
    with validating("edge"):
        edge: Edge = cls(  # type: ignore[assignment]
            source_id=ref_id(source, "source"),
            target_id=ref_id(target, "target"),
            **metadata_field(metadata),
            **properties,
        )
    if isinstance(source, NodeBase) and isinstance(target, NodeBase):
        refusal = EDGE_RULES[edge.type].refusal(edge.type, source.type, target.type)  # type: ignore[attr-defined]
        if refusal is not None:
            raise EdgeEndpointError(refusal, edge_id=edge.id, field="edge_type")
    return edge


_E = TypeVar("_E", bound=EdgeBase)


def _edge(cls: type[_E], source: NodeRef, target: NodeRef, field: str) -> _E:
    """An edge from ``source`` to ``target``, one of them a new node and the other named by
    the argument ``field``: assembled when both are nodes, validated when one is an id.
    """
    if isinstance(source, NodeBase) and isinstance(target, NodeBase):
        return edge_between(cls, source, target)
    return cls(source_id=ref_id(source, field), target_id=ref_id(target, field))


def build_conversation(
    title: str | None,
    *,
    user_id: str | None,
    metadata: Mapping[str, JsonValue] | None,
    id: str | None,
    created_at: datetime | None,
) -> Conversation:
    """A new, open conversation."""
    with validating("conversation"):
        return Conversation(title=title, user_id=user_id, **node_fields(metadata, id, created_at))


def build_closed(current: Conversation) -> Conversation:
    """The conversation, marked closed now."""
    return current.model_copy(update={"status": ConversationStatus.CLOSED, "closed_at": utcnow()})


def build_agent(
    name: str,
    *,
    role: str | None,
    description: str | None,
    capabilities: Iterable[str],
    model: str | None,
    metadata: Mapping[str, JsonValue] | None,
    id: str | None,
) -> Agent:
    """An agent node (the facade's ``register_agent`` then looks for one of the same name)."""
    with validating("agent"):
        return Agent(
            name=name,
            role=role,
            description=description,
            capabilities=list(capabilities),
            model=model,
            **node_fields(metadata, id, None),
        )


def build_hand_off(
    from_agent: NodeRef,
    to_agent: NodeRef,
    *,
    reason: str | None,
    conversation: NodeRef | None,
    metadata: Mapping[str, JsonValue] | None,
) -> TransfersTo:
    """A TRANSFERS_TO edge between two agents."""
    with validating("hand_off"):
        return TransfersTo(
            source_id=ref_id(from_agent, "from_agent"),
            target_id=ref_id(to_agent, "to_agent"),
            reason=reason,
            conversation_id=optional_id(conversation, "conversation"),
            **metadata_field(metadata),
        )


def build_prompt(
    content: str,
    *,
    conversation: NodeRef | None,
    agent: NodeRef | None,
    role: str,
    triggered_by: NodeRef | None,
    depends_on: Iterable[NodeRef],
    token_count: int | None,
    user_id: str | None,
    metadata: Mapping[str, JsonValue] | None,
    id: str | None,
    created_at: datetime | None,
) -> tuple[Prompt, list[Edge]]:
    """A prompt, with its DEPENDS_ON edges and the TRIGGERS edge from a tool call."""
    with validating("prompt"):
        node = Prompt(
            content=content,
            role=role,
            token_count=token_count,
            conversation_id=optional_id(conversation, "conversation"),
            agent_id=optional_id(agent, "agent"),
            user_id=user_id,
            **node_fields(metadata, id, created_at),
        )
        edges: list[Edge] = [_edge(DependsOn, node, d, "depends_on") for d in depends_on]
        if triggered_by is not None:
            edges.append(_edge(Triggers, triggered_by, node, "triggered_by"))
    return node, edges


def build_completion(
    source: Prompt,
    content: str,
    *,
    agent: NodeRef | None,
    provider: str | None,
    request_model: str | None,
    response_model: str | None,
    response_id: str | None,
    input_tokens: int | None,
    output_tokens: int | None,
    cached_input_tokens: int | None,
    reasoning_tokens: int | None,
    total_tokens: int | None,
    cost_usd: float | None,
    latency_ms: float | None,
    finish_reason: str | None,
    error: str | None,
    request: RequestSnapshot | Mapping[str, Any] | None,
    metadata: Mapping[str, JsonValue] | None,
    id: str | None,
    created_at: datetime | None,
) -> tuple[Completion, list[Edge]]:
    """A completion in its prompt's conversation, and the GENERATES edge from the prompt."""
    with validating("completion"):
        node = Completion(
            content=content,
            provider=provider,
            request_model=request_model,
            response_model=response_model,
            response_id=response_id,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cached_input_tokens=cached_input_tokens,
            reasoning_tokens=reasoning_tokens,
            total_tokens=total_tokens,
            cost_usd=cost_usd,
            latency_ms=latency_ms,
            finish_reason=finish_reason,
            error=error,
            request=request,
            conversation_id=source.conversation_id,
            agent_id=optional_id(agent, "agent") or source.agent_id,
            **node_fields(metadata, id, created_at),
        )
        edge = edge_between(Generates, source, node)
    return node, [edge]


def build_tool_invocation(
    source: Completion,
    tool_name: str,
    *,
    arguments: Mapping[str, JsonValue] | None,
    result: JsonValue,
    error: str | None,
    status: ToolStatus | str | None,
    duration_ms: float | None,
    tool_call_id: str | None,
    agent: NodeRef | None,
    metadata: Mapping[str, JsonValue] | None,
    id: str | None,
    created_at: datetime | None,
) -> tuple[ToolInvocation, list[Edge]]:
    """A tool call in its completion's conversation, and the TRIGGERS edge to it."""
    with validating("tool_invocation"):
        node = ToolInvocation(
            tool_name=tool_name,
            tool_call_id=tool_call_id,
            arguments=dict(arguments or {}),
            result=result,
            error=error,
            status=status or (ToolStatus.ERROR if error is not None else ToolStatus.SUCCESS),
            duration_ms=duration_ms,
            conversation_id=source.conversation_id,
            agent_id=optional_id(agent, "agent") or source.agent_id,
            **node_fields(metadata, id, created_at),
        )
        edge = edge_between(Triggers, source, node)
    return node, [edge]


def build_document(
    content: str,
    *,
    title: str | None,
    source: str | None,
    uri: str | None,
    chunk_index: int | None,
    chunk_count: int | None,
    mime_type: str | None,
    metadata: Mapping[str, JsonValue] | None,
    id: str | None,
    created_at: datetime | None,
) -> Document:
    """A document or chunk."""
    with validating("document"):
        return Document(
            content=content,
            title=title,
            source=source,
            uri=uri,
            chunk_index=chunk_index,
            chunk_count=chunk_count,
            mime_type=mime_type,
            **node_fields(metadata, id, created_at),
        )


def build_reference(
    item: NodeRef,
    document: NodeRef,
    *,
    score: float | None,
    rank: int | None,
    metadata: Mapping[str, JsonValue] | None,
) -> References:
    """A REFERENCES edge from a prompt or completion to a document or context."""
    with validating("reference"):
        return References(
            source_id=ref_id(item, "item"),
            target_id=ref_id(document, "document"),
            score=score,
            rank=rank,
            **metadata_field(metadata),
        )


def build_context(
    content: str,
    *,
    to: NodeRef | Iterable[NodeRef],
    conversation: NodeRef | None,
    kind: str,
    agent: NodeRef | None,
    token_count: int | None,
    metadata: Mapping[str, JsonValue] | None,
    id: str | None,
    created_at: datetime | None,
) -> tuple[Context, list[Edge]]:
    """Context, and the REFERENCES edges from the items that used it."""
    users: list[NodeRef] = [to] if isinstance(to, str | NodeBase) else list(to)
    with validating("context"):
        node = Context(
            content=content,
            kind=kind,
            token_count=token_count,
            conversation_id=optional_id(conversation, "conversation"),
            agent_id=optional_id(agent, "agent"),
            **node_fields(metadata, id, created_at),
        )
        edges: list[Edge] = [References(source_id=ref_id(u, "to"), target_id=node.id) for u in users]
    return node, edges


def build_feedback(
    rated: Node,
    *,
    score: float | None,
    label: str | None,
    comment: str | None,
    source: FeedbackSource | str,
    rater: str | None,
    metadata: Mapping[str, JsonValue] | None,
    id: str | None,
    created_at: datetime | None,
) -> tuple[Feedback, list[Edge]]:
    """Feedback in the rated item's conversation, and the RATES edge to it."""
    with validating("feedback"):
        node = Feedback(
            score=score,
            label=label,
            comment=comment,
            source=source,
            rater=rater,
            conversation_id=getattr(rated, "conversation_id", None),
            **node_fields(metadata, id, created_at),
        )
        edge = edge_between(Rates, node, rated)
    return node, [edge]


def build_revision(revised: NodeRef, original: NodeRef, *, reason: str | None) -> DerivedFrom:
    """A DERIVED_FROM edge from a revised prompt to its original."""
    with validating("revision"):
        return DerivedFrom(
            source_id=ref_id(revised, "revised"), target_id=ref_id(original, "original"), reason=reason
        )
