"""Building the nodes and edges each recording call writes: validation only, no I/O.

The facades (``_async/graph.py`` and the generated ``_sync/graph.py``), batches and buffered writers all
record through these, so a prompt recorded one way is exactly the prompt recorded any
other way. Where the facade reads first (a completion's prompt, a tool call's
completion, a rated item), these take the node itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, Unpack

from pydantic import JsonValue

from ..arguments import NodeRef, metadata_field, optional_id, ref_id
from ..errors import EdgeEndpointError
from ..pricing import PriceTable, priced
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
    Generates,
    Node,
    NodeBase,
    Prompt,
    Rates,
    References,
    ToolInvocation,
    ToolStatus,
    TransfersTo,
    Triggers,
    edge_between,
    edge_class,
    utcnow,
    validating,
)
from .fields import (
    AgentFields,
    CompletionFields,
    ContextFields,
    ConversationFields,
    DocumentFields,
    FeedbackFields,
    HandOffFields,
    PromptFields,
    ReferenceFields,
    ToolInvocationFields,
    checked,
    own_fields,
)

__all__ = [
    "agent_changes",
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


def build_conversation(title: str | None, **fields: Unpack[ConversationFields]) -> Conversation:
    """A new, open conversation."""
    checked("start_conversation", fields, ConversationFields)
    with validating("conversation"):
        return Conversation(title=title, **own_fields(fields))


def build_closed(current: Conversation) -> Conversation:
    """The conversation, marked closed now."""
    return current.model_copy(update={"status": ConversationStatus.CLOSED, "closed_at": utcnow()})


def build_agent(name: str, **fields: Unpack[AgentFields]) -> Agent:
    """An agent node (the facade's ``register_agent`` then looks for one of the same name)."""
    checked("register_agent", fields, AgentFields)
    own = own_fields(fields)
    if "capabilities" in own:
        own["capabilities"] = list(own["capabilities"])
    with validating("agent"):
        return Agent(name=name, **own)


def agent_changes(existing: Node, agent: Agent) -> dict[str, Any]:
    """What ``register_agent`` rewrites on the agent of the same name: the fields given
    (not empty) that differ from what it holds."""
    keys = ("role", "description", "model", "capabilities", "metadata")
    return {
        k: getattr(agent, k) for k in keys if getattr(agent, k) and getattr(agent, k) != getattr(existing, k)
    }


def build_hand_off(from_agent: NodeRef, to_agent: NodeRef, **fields: Unpack[HandOffFields]) -> TransfersTo:
    """A TRANSFERS_TO edge between two agents."""
    checked("hand_off", fields, HandOffFields)
    with validating("hand_off"):
        return TransfersTo(
            source_id=ref_id(from_agent, "from_agent"),
            target_id=ref_id(to_agent, "to_agent"),
            reason=fields.get("reason"),
            conversation_id=optional_id(fields.get("conversation"), "conversation"),
            **metadata_field(fields.get("metadata")),
        )


def build_prompt(content: str, **fields: Unpack[PromptFields]) -> tuple[Prompt, list[Edge]]:
    """A prompt, with its DEPENDS_ON edges and the TRIGGERS edge from a tool call."""
    checked("add_prompt", fields, PromptFields)
    with validating("prompt"):
        node = Prompt(
            content=content,
            conversation_id=optional_id(fields.get("conversation"), "conversation"),
            agent_id=optional_id(fields.get("agent"), "agent"),
            **own_fields(fields),
        )
        edges: list[Edge] = [_edge(DependsOn, node, d, "depends_on") for d in fields.get("depends_on", ())]
        triggered_by = fields.get("triggered_by")
        if triggered_by is not None:
            edges.append(_edge(Triggers, triggered_by, node, "triggered_by"))
    return node, edges


def build_completion(
    source: Prompt, content: str, prices: PriceTable | None = None, **fields: Unpack[CompletionFields]
) -> tuple[Completion, list[Edge]]:
    """A completion in its prompt's conversation, and the GENERATES edge from the prompt;
    priced from ``prices`` when the call gave no cost."""
    checked("add_completion", fields, CompletionFields)
    with validating("completion"):
        node = Completion(
            content=content,
            conversation_id=source.conversation_id,
            agent_id=optional_id(fields.get("agent"), "agent") or source.agent_id,
            **own_fields(fields),
        )
        node = priced(node, prices)
        edge = edge_between(Generates, source, node)
    return node, [edge]


def build_tool_invocation(
    source: Completion, tool_name: str, **fields: Unpack[ToolInvocationFields]
) -> tuple[ToolInvocation, list[Edge]]:
    """A tool call in its completion's conversation, and the TRIGGERS edge to it."""
    checked("add_tool_invocation", fields, ToolInvocationFields)
    own = own_fields(fields)
    own["arguments"] = dict(own.get("arguments") or {})
    own["status"] = own.get("status") or (
        ToolStatus.ERROR if own.get("error") is not None else ToolStatus.SUCCESS
    )
    with validating("tool_invocation"):
        node = ToolInvocation(
            tool_name=tool_name,
            conversation_id=source.conversation_id,
            agent_id=optional_id(fields.get("agent"), "agent") or source.agent_id,
            **own,
        )
        edge = edge_between(Triggers, source, node)
    return node, [edge]


def build_document(content: str, **fields: Unpack[DocumentFields]) -> Document:
    """A document or chunk."""
    checked("add_document", fields, DocumentFields)
    with validating("document"):
        return Document(content=content, **own_fields(fields))


def build_reference(item: NodeRef, document: NodeRef, **fields: Unpack[ReferenceFields]) -> References:
    """A REFERENCES edge from a prompt or completion to a document or context."""
    checked("reference", fields, ReferenceFields)
    with validating("reference"):
        return References(
            source_id=ref_id(item, "item"),
            target_id=ref_id(document, "document"),
            score=fields.get("score"),
            rank=fields.get("rank"),
            **metadata_field(fields.get("metadata")),
        )


def build_context(content: str, **fields: Unpack[ContextFields]) -> tuple[Context, list[Edge]]:
    """Context, and the REFERENCES edges from the items that used it."""
    checked("attach_context", fields, ContextFields)
    to = fields.get("to", ())
    users: list[NodeRef] = [to] if isinstance(to, str | NodeBase) else list(to)
    with validating("context"):
        node = Context(
            content=content,
            conversation_id=optional_id(fields.get("conversation"), "conversation"),
            agent_id=optional_id(fields.get("agent"), "agent"),
            **own_fields(fields),
        )
        edges: list[Edge] = [References(source_id=ref_id(u, "to"), target_id=node.id) for u in users]
    return node, edges


def build_feedback(rated: Node, **fields: Unpack[FeedbackFields]) -> tuple[Feedback, list[Edge]]:
    """Feedback in the rated item's conversation, and the RATES edge to it."""
    checked("add_feedback", fields, FeedbackFields)
    with validating("feedback"):
        node = Feedback(conversation_id=getattr(rated, "conversation_id", None), **own_fields(fields))
        edge = edge_between(Rates, node, rated)
    return node, [edge]


def build_revision(revised: NodeRef, original: NodeRef, *, reason: str | None) -> DerivedFrom:
    """A DERIVED_FROM edge from a revised prompt to its original."""
    with validating("revision"):
        return DerivedFrom(
            source_id=ref_id(revised, "revised"), target_id=ref_id(original, "original"), reason=reason
        )
