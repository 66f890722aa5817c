"""The recording API of batches and buffered writers: the facade's calls, with no I/O.

Each call validates and builds its nodes and edges on the caller's thread (the same
builders the facade uses) and hands them to ``_record``; where the facade would look a
node up by id, these take the node itself (a ``Prompt``, a ``Completion`` ...).
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from typing import Any, Unpack

from pydantic import JsonValue

from ..arguments import NodeRef
from ..errors import InvalidInputError
from ..pricing import PriceTable
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
    Node,
    NodeBase,
    Prompt,
    References,
    ToolInvocation,
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

    #: The prices completions recorded without a cost are priced from (the graph's).
    prices: PriceTable | None = None

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
        self, title: str | None = None, **fields: Unpack[ConversationFields]
    ) -> Conversation:
        """Record a new conversation (as ``MemoryGraph.start_conversation``)."""
        node = build_conversation(title, **fields)
        self._checked([node], [])
        return node

    def close_conversation(self, conversation: Conversation) -> Conversation:
        """Record that ``conversation`` (the node itself) is closed."""
        node = build_closed(_node_of(conversation, Conversation, "conversation"))
        self._checked([node], [])
        return node

    def add_agent(self, name: str, **fields: Unpack[AgentFields]) -> Agent:
        """Record an agent node. Unlike ``MemoryGraph.register_agent`` this does not look
        for an agent of the same name first: register agents on the graph, then pass them.
        """
        node = build_agent(name, **fields)
        self._checked([node], [])
        return node

    def hand_off(
        self, from_agent: NodeRef, to_agent: NodeRef, **fields: Unpack[HandOffFields]
    ) -> TransfersTo:
        """Record a hand-off between agents (as ``MemoryGraph.hand_off``)."""
        edge = build_hand_off(from_agent, to_agent, **fields)
        self._checked([], [edge])
        return edge

    def add_prompt(self, content: str, **fields: Unpack[PromptFields]) -> Prompt:
        """Record a prompt (as ``MemoryGraph.add_prompt``)."""
        node, edges = build_prompt(content, **fields)
        self._checked([node], edges)
        return node

    def add_completion(self, prompt: Prompt, content: str, **fields: Unpack[CompletionFields]) -> Completion:
        """Record a model's answer to ``prompt`` (the ``Prompt`` itself), as
        ``MemoryGraph.add_completion`` does.
        """
        node, edges = build_completion(_node_of(prompt, Prompt, "prompt"), content, self.prices, **fields)
        self._checked([node], edges)
        return node

    def add_tool_invocation(
        self, completion: Completion, tool_name: str, **fields: Unpack[ToolInvocationFields]
    ) -> ToolInvocation:
        """Record a tool call ``completion`` (the ``Completion`` itself) asked for, as
        ``MemoryGraph.add_tool_invocation`` does.
        """
        node, edges = build_tool_invocation(
            _node_of(completion, Completion, "completion"), tool_name, **fields
        )
        self._checked([node], edges)
        return node

    def add_document(self, content: str, **fields: Unpack[DocumentFields]) -> Document:
        """Record a document or chunk (as ``MemoryGraph.add_document``)."""
        node = build_document(content, **fields)
        self._checked([node], [])
        return node

    def reference(self, item: NodeRef, document: NodeRef, **fields: Unpack[ReferenceFields]) -> References:
        """Record that an item used a document or context (as ``MemoryGraph.reference``)."""
        edge = build_reference(item, document, **fields)
        self._checked([], [edge])
        return edge

    def attach_context(self, content: str, **fields: Unpack[ContextFields]) -> Context:
        """Record context and the items that used it (as ``MemoryGraph.attach_context``)."""
        node, edges = build_context(content, **fields)
        self._checked([node], edges)
        return node

    def add_feedback(
        self, target: Completion | Prompt | ToolInvocation, **fields: Unpack[FeedbackFields]
    ) -> Feedback:
        """Record a judgement of ``target`` (the node itself), as ``MemoryGraph.add_feedback``."""
        rated = _node_of(target, (Completion, Prompt, ToolInvocation), "target")
        node, edges = build_feedback(rated, **fields)
        self._checked([node], edges)
        return node

    def link_revision(self, revised: NodeRef, original: NodeRef, *, reason: str | None = None) -> DerivedFrom:
        """Record that prompt ``revised`` was derived from prompt ``original`` (DERIVED_FROM)."""
        edge = build_revision(revised, original, reason=reason)
        self._checked([], [edge])
        return edge
