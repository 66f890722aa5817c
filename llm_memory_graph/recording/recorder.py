"""The recording API of batches and buffered writers: the facade's calls, with no I/O.

Each call validates and builds its nodes and edges on the caller's thread (the same
builders the facade uses) and hands them to ``_record``; where the facade would look a
node up by id, these take the node itself (a ``Prompt``, a ``Completion`` ...).
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import JsonValue

from ..arguments import NodeRef
from ..errors import InvalidInputError
from ..schema import (
    Agent,
    Completion,
    Context,
    Conversation,
    DerivedFrom,
    Document,
    Edge,
    EdgeType,
    Feedback,
    FeedbackSource,
    Node,
    NodeBase,
    Prompt,
    References,
    RequestSnapshot,
    ToolInvocation,
    ToolStatus,
    TransfersTo,
)
from ..stores.upsert import check_batch
from .builders import (
    build_agent,
    build_closed,
    build_completion,
    build_context,
    build_conversation,
    build_document,
    build_edge,
    build_feedback,
    build_hand_off,
    build_prompt,
    build_reference,
    build_revision,
    build_tool_invocation,
)

__all__ = ["Recorder"]


def _node_of(value: object, cls: type[NodeBase] | tuple[type[NodeBase], ...], field: str) -> Any:
    """Return ``value`` if it is a node of ``cls``; an id would need a read, so it is refused."""
    if isinstance(value, cls):
        return value
    names = " or ".join(c.__name__ for c in (cls if isinstance(cls, tuple) else (cls,)))
    if isinstance(value, str):
        raise InvalidInputError(
            f"pass the {names} itself, not its id: looking it up would be a read, and batches "
            "and buffered writers do no I/O while recording",
            field=field,
        )
    raise InvalidInputError(f"expected a {names}, got {type(value).__name__}", field=field)


class Recorder(abc.ABC):
    """The facade's recording calls, building nodes and edges without I/O.

    Subclasses implement ``_record``; every public call builds its nodes and edges,
    checks them as one atomic record (duplicate ids, store-kept edge types), and passes
    them on. A call that raises recorded nothing.
    """

    @abc.abstractmethod
    def _record(self, nodes: list[Node], edges: list[Edge]) -> None:
        """Keep or send one checked record; each subclass decides where it goes."""

    def _checked(self, nodes: list[Node], edges: list[Edge]) -> None:
        check_batch(nodes, edges)
        self._record(nodes, edges)

    def add(self, nodes: Sequence[Node] = (), edges: Sequence[Edge] = ()) -> None:
        """Record any nodes and edges; each node and each edge may land in its own chunk,
        nodes before the edges of the same call.
        """
        check_batch(nodes, edges)
        for node in nodes:
            self._record([node], [])
        for edge in edges:
            self._record([], [edge])

    def link(
        self,
        source: NodeRef,
        target: NodeRef,
        edge_type: EdgeType | str,
        *,
        metadata: Mapping[str, JsonValue] | None = None,
        **properties: Any,
    ) -> Edge:
        """Record one edge of any caller-written type (as ``MemoryGraph.link``)."""
        edge = build_edge(source, target, edge_type, metadata=metadata, properties=properties)
        self._checked([], [edge])
        return edge

    def start_conversation(
        self,
        title: str | None = None,
        *,
        user_id: str | None = None,
        metadata: Mapping[str, JsonValue] | None = None,
        id: str | None = None,
        created_at: datetime | None = None,
    ) -> Conversation:
        """Record a new conversation (as ``MemoryGraph.start_conversation``)."""
        node = build_conversation(title, user_id=user_id, metadata=metadata, id=id, created_at=created_at)
        self._checked([node], [])
        return node

    def close_conversation(self, conversation: Conversation) -> Conversation:
        """Record that ``conversation`` (the node itself) is closed."""
        node = build_closed(_node_of(conversation, Conversation, "conversation"))
        self._checked([node], [])
        return node

    def add_agent(
        self,
        name: str,
        *,
        role: str | None = None,
        description: str | None = None,
        capabilities: Iterable[str] = (),
        model: str | None = None,
        metadata: Mapping[str, JsonValue] | None = None,
        id: str | None = None,
    ) -> Agent:
        """Record an agent node. Unlike ``MemoryGraph.register_agent`` this does not look
        for an agent of the same name first: register agents on the graph, then pass them.
        """
        node = build_agent(
            name,
            role=role,
            description=description,
            capabilities=capabilities,
            model=model,
            metadata=metadata,
            id=id,
        )
        self._checked([node], [])
        return node

    def hand_off(
        self,
        from_agent: NodeRef,
        to_agent: NodeRef,
        *,
        reason: str | None = None,
        conversation: NodeRef | None = None,
        metadata: Mapping[str, JsonValue] | None = None,
    ) -> TransfersTo:
        """Record a hand-off between agents (as ``MemoryGraph.hand_off``)."""
        edge = build_hand_off(
            from_agent, to_agent, reason=reason, conversation=conversation, metadata=metadata
        )
        self._checked([], [edge])
        return edge

    def add_prompt(
        self,
        content: str,
        *,
        conversation: NodeRef | None = None,
        agent: NodeRef | None = None,
        role: str = "user",
        triggered_by: NodeRef | None = None,
        depends_on: Iterable[NodeRef] = (),
        token_count: int | None = None,
        user_id: str | None = None,
        metadata: Mapping[str, JsonValue] | None = None,
        id: str | None = None,
        created_at: datetime | None = None,
    ) -> Prompt:
        """Record a prompt (as ``MemoryGraph.add_prompt``); its ``sequence`` is given when written."""
        node, edges = build_prompt(
            content,
            conversation=conversation,
            agent=agent,
            role=role,
            triggered_by=triggered_by,
            depends_on=depends_on,
            token_count=token_count,
            user_id=user_id,
            metadata=metadata,
            id=id,
            created_at=created_at,
        )
        self._checked([node], edges)
        return node

    def add_completion(
        self,
        prompt: Prompt,
        content: str,
        *,
        agent: NodeRef | None = None,
        provider: str | None = None,
        request_model: str | None = None,
        response_model: str | None = None,
        response_id: str | None = None,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
        cached_input_tokens: int | None = None,
        reasoning_tokens: int | None = None,
        total_tokens: int | None = None,
        cost_usd: float | None = None,
        latency_ms: float | None = None,
        finish_reason: str | None = None,
        error: str | None = None,
        request: RequestSnapshot | Mapping[str, Any] | None = None,
        metadata: Mapping[str, JsonValue] | None = None,
        id: str | None = None,
        created_at: datetime | None = None,
    ) -> Completion:
        """Record a model's answer to ``prompt`` (the ``Prompt`` itself), as
        ``MemoryGraph.add_completion`` does.
        """
        node, edges = build_completion(
            _node_of(prompt, Prompt, "prompt"),
            content,
            agent=agent,
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
            metadata=metadata,
            id=id,
            created_at=created_at,
        )
        self._checked([node], edges)
        return node

    def add_tool_invocation(
        self,
        completion: Completion,
        tool_name: str,
        *,
        arguments: Mapping[str, JsonValue] | None = None,
        result: JsonValue = None,
        error: str | None = None,
        status: ToolStatus | str | None = None,
        duration_ms: float | None = None,
        tool_call_id: str | None = None,
        agent: NodeRef | None = None,
        metadata: Mapping[str, JsonValue] | None = None,
        id: str | None = None,
        created_at: datetime | None = None,
    ) -> ToolInvocation:
        """Record a tool call ``completion`` (the ``Completion`` itself) asked for."""
        node, edges = build_tool_invocation(
            _node_of(completion, Completion, "completion"),
            tool_name,
            arguments=arguments,
            result=result,
            error=error,
            status=status,
            duration_ms=duration_ms,
            tool_call_id=tool_call_id,
            agent=agent,
            metadata=metadata,
            id=id,
            created_at=created_at,
        )
        self._checked([node], edges)
        return node

    def add_document(
        self,
        content: str,
        *,
        title: str | None = None,
        source: str | None = None,
        uri: str | None = None,
        chunk_index: int | None = None,
        chunk_count: int | None = None,
        mime_type: str | None = None,
        metadata: Mapping[str, JsonValue] | None = None,
        id: str | None = None,
        created_at: datetime | None = None,
    ) -> Document:
        """Record a document or chunk (as ``MemoryGraph.add_document``)."""
        node = build_document(
            content,
            title=title,
            source=source,
            uri=uri,
            chunk_index=chunk_index,
            chunk_count=chunk_count,
            mime_type=mime_type,
            metadata=metadata,
            id=id,
            created_at=created_at,
        )
        self._checked([node], [])
        return node

    def reference(
        self,
        item: NodeRef,
        document: NodeRef,
        *,
        score: float | None = None,
        rank: int | None = None,
        metadata: Mapping[str, JsonValue] | None = None,
    ) -> References:
        """Record that a prompt or completion used a document or context (REFERENCES)."""
        edge = build_reference(item, document, score=score, rank=rank, metadata=metadata)
        self._checked([], [edge])
        return edge

    def attach_context(
        self,
        content: str,
        *,
        to: NodeRef | Iterable[NodeRef] = (),
        conversation: NodeRef | None = None,
        kind: str = "text",
        agent: NodeRef | None = None,
        token_count: int | None = None,
        metadata: Mapping[str, JsonValue] | None = None,
        id: str | None = None,
        created_at: datetime | None = None,
    ) -> Context:
        """Record context and the items that used it (as ``MemoryGraph.attach_context``)."""
        node, edges = build_context(
            content,
            to=to,
            conversation=conversation,
            kind=kind,
            agent=agent,
            token_count=token_count,
            metadata=metadata,
            id=id,
            created_at=created_at,
        )
        self._checked([node], edges)
        return node

    def add_feedback(
        self,
        target: Completion | Prompt | ToolInvocation,
        *,
        score: float | None = None,
        label: str | None = None,
        comment: str | None = None,
        source: FeedbackSource | str = FeedbackSource.HUMAN,
        rater: str | None = None,
        metadata: Mapping[str, JsonValue] | None = None,
        id: str | None = None,
        created_at: datetime | None = None,
    ) -> Feedback:
        """Record a judgement of ``target`` (the node itself), as ``MemoryGraph.add_feedback``."""
        rated: Node = _node_of(target, (Completion, Prompt, ToolInvocation), "target")
        node, edges = build_feedback(
            rated,
            score=score,
            label=label,
            comment=comment,
            source=source,
            rater=rater,
            metadata=metadata,
            id=id,
            created_at=created_at,
        )
        self._checked([node], edges)
        return node

    def link_revision(self, revised: NodeRef, original: NodeRef, *, reason: str | None = None) -> DerivedFrom:
        """Record that prompt ``revised`` was derived from prompt ``original`` (DERIVED_FROM)."""
        edge = build_revision(revised, original, reason=reason)
        self._checked([], [edge])
        return edge
