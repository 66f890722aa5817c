"""Planning an upsert: the checks and derivations every store shares, with no I/O.

A store reads what it needs inside its write transaction (the batch's existing nodes and
edges, and the state of the conversations that receive new items), hands it to
``plan_upsert``, and writes the plan. The plan decides which nodes and edges are new, gives
appended items their sequence numbers, derives the CONTAINS, PRECEDES and HANDLED_BY edges,
and raises ``InvalidInputError`` for anything inconsistent, before the store writes a row.

Rewriting a node or edge keeps what the first write fixed: its ``created_at`` (so a retried
call that defaulted the time anew changes nothing), and an item's conversation, sequence
and agent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from ..errors import EdgeEndpointError, InvalidInputError
from ..schema import (
    EDGE_RULES,
    ITEM_TYPES,
    MANAGED_EDGE_TYPES,
    ONE_PER_PAIR_EDGE_TYPES,
    Conversation,
    ConversationStatus,
    Edge,
    EdgeType,
    Node,
    NodeType,
    assemble,
    edge_class,
)

__all__ = [
    "ConversationState",
    "ExistingEdge",
    "ExistingNode",
    "KeptEdge",
    "Stored",
    "UpsertPlan",
    "check_batch",
    "kept_edge_id",
    "plan_upsert",
    "referenced_ids",
]


class ExistingNode(NamedTuple):
    """What the plan needs to know of a node already in the store (a tuple: a write
    reads one for every existing node it refers to).
    """

    type: NodeType
    created_at: datetime
    conversation_id: str | None = None
    agent_id: str | None = None
    sequence: int | None = None
    user_id: str | None = None


class ExistingEdge(NamedTuple):
    """What the plan needs to know of an edge already in the store."""

    type: EdgeType
    created_at: datetime
    source_id: str
    target_id: str

    @property
    def pair(self) -> tuple[EdgeType, str, str]:
        """Its type and ends: the identity of an edge of a one-per-pair type."""
        return self.type, self.source_id, self.target_id


@dataclass
class ConversationState:
    """A conversation's append counter: how many items it has and which came last."""

    item_count: int
    last_item_id: str | None
    user_id: str | None
    closed: bool


#: A store-kept edge's id is its item's id with the variant digit (the 20th character)
#: XOR-ed with its type's number here. Deterministic, so a retried write writes the same
#: edges, and simple enough for SQL to derive too (``_sqlite_sql.INSERT_KEPT_EDGES``).
#: XOR with 1, 2 or 3 keeps the digit's two variant bits, and no other id this process
#: makes has the item's millisecond and counter.
KEPT_EDGE_XOR: dict[EdgeType, int] = {EdgeType.HANDLED_BY: 1, EdgeType.CONTAINS: 2, EdgeType.PRECEDES: 3}
HEX_DIGITS = "0123456789abcdef"


def variant_digits(xor: int) -> str:
    """What each hex digit, in order, becomes when XOR-ed with ``xor``."""
    return "".join(HEX_DIGITS[i ^ xor] for i in range(16))


_FLIPS = {t: dict(zip(HEX_DIGITS, variant_digits(x), strict=True)) for t, x in KEPT_EDGE_XOR.items()}


def kept_edge_id(item_id: str, edge_type: EdgeType) -> str:
    """The id of the ``edge_type`` edge the store keeps for the item ``item_id``."""
    return f"{item_id[:19]}{_FLIPS[edge_type][item_id[19]]}{item_id[20:]}"


class KeptEdge(NamedTuple):
    """A CONTAINS, PRECEDES or HANDLED_BY edge of a new item, as plain values.

    Its ids come from validated nodes and its time from a validated node, so a validated
    pydantic edge is built only when one is wanted (``model()``).
    """

    type: EdgeType
    id: str
    source_id: str
    target_id: str
    created_at: datetime
    position: int | None = None

    def model(self) -> Edge:
        """The validated edge model of this edge."""
        fields: dict[str, Any] = {} if self.position is None else {"position": self.position}
        edge: Edge = edge_class(self.type)(  # type: ignore[assignment]
            id=self.id,
            source_id=self.source_id,
            target_id=self.target_id,
            created_at=self.created_at,
            **fields,
        )
        return edge


class Stored(list[Node]):
    """What an upsert returns: the nodes as stored, in the order given, and in
    ``kept_edges`` how many edges the store derived for them (CONTAINS, PRECEDES,
    HANDLED_BY), by type, which the graph's metrics count with the rest.
    """

    def __init__(self, nodes: Iterable[Node] = (), kept_edges: Mapping[str, int] | None = None) -> None:
        super().__init__(nodes)
        self.kept_edges: dict[str, int] = dict(kept_edges or {})


@dataclass
class UpsertPlan:
    """Rows to write, in order: new and changed nodes and edges, and conversation counters."""

    new_nodes: list[Node] = field(default_factory=list)
    changed_nodes: list[Node] = field(default_factory=list)
    new_edges: list[Edge] = field(default_factory=list)
    changed_edges: list[Edge] = field(default_factory=list)
    conversations: dict[str, ConversationState] = field(default_factory=dict)
    stored: list[Node] = field(default_factory=list)
    #: The new items (in ``new_nodes`` too), each with the id of the item before it in its
    #: conversation. The store keeps an edge from each to its agent (HANDLED_BY), from its
    #: conversation to it (CONTAINS) and from the item before to it (PRECEDES): see
    #: ``kept_edges``. These are most of a batched write's edges, so the embedded store
    #: derives them in SQL from the item rows instead.
    appended: list[tuple[Node, str | None]] = field(default_factory=list)

    def kept_edges(self) -> list[KeptEdge]:
        """The edges the store keeps for the new items; never changed once written."""
        edges: list[KeptEdge] = []
        for node, previous in self.appended:
            fields, at = node.__dict__, node.created_at
            ends = (
                (EdgeType.HANDLED_BY, node.id, fields["agent_id"], None),
                (EdgeType.CONTAINS, fields["conversation_id"], node.id, fields["sequence"]),
                (EdgeType.PRECEDES, previous, node.id, None),
            )
            edges += [
                KeptEdge(kind, kept_edge_id(node.id, kind), source, target, at, position)
                for kind, source, target, position in ends
                if source is not None and target is not None
            ]
        return edges

    def result(self) -> Stored:
        """The stored nodes, with the count of the edges kept for the new items."""
        handled = contained = preceded = 0
        for node, previous in self.appended:
            fields = node.__dict__
            handled += fields["agent_id"] is not None
            contained += fields["conversation_id"] is not None
            preceded += previous is not None
        kept = {"HANDLED_BY": handled, "CONTAINS": contained, "PRECEDES": preceded}
        return Stored(self.stored, {kind: n for kind, n in kept.items() if n})


def check_batch(nodes: Sequence[Node], edges: Sequence[Edge]) -> None:
    """Reject what is wrong in the batch itself, before any I/O.

    Cheap for the one-node or one-edge records a batch or buffered writer checks per call.
    """
    if len(nodes) > 1:
        _check_unique(nodes, "nodes")
    if len(edges) > 1:
        _check_unique(edges, "edges")
    for edge in edges:
        if edge.type in MANAGED_EDGE_TYPES:
            hint = "agent_id" if edge.type is EdgeType.HANDLED_BY else "conversation_id"
            raise InvalidInputError(
                f"{edge.type} edges are kept by the store; set {hint} on the item instead",
                field=f"edges.{list(edges).index(edge)}.type",
            )


def _check_unique(items: Sequence[Node] | Sequence[Edge], kind: str) -> None:
    if len({item.id for item in items}) < len(items):
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                raise InvalidInputError(f"id {item.id} appears twice in the batch", field=f"{kind}.{i}.id")
            seen.add(item.id)


def referenced_ids(nodes: Sequence[Node], edges: Sequence[Edge]) -> set[str]:
    """Return every node id the plan must look up: the nodes, their containers, endpoints."""
    ids = {n.id for n in nodes}
    for node in nodes:
        if node.type in ITEM_TYPES:
            fields = node.__dict__
            ids.add(fields["conversation_id"])
            ids.add(fields["agent_id"])
    ids.discard(None)
    ids.update([e.source_id for e in edges])
    ids.update([e.target_id for e in edges])
    return ids


def plan_upsert(
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    *,
    existing_nodes: Mapping[str, ExistingNode],
    existing_edges: Mapping[str, ExistingEdge],
    conversations: Mapping[str, ConversationState],
) -> UpsertPlan:
    """Decide what to write.

    :param existing_nodes: every id of ``referenced_ids`` that exists in the store.
    :param existing_edges: by id, every edge in the store with an id in ``edges``, and
        every edge of a one-per-pair type (``ONE_PER_PAIR_EDGE_TYPES``) joining the ends of
        such an edge in ``edges``, whatever its id: writing that pair again rewrites it.
    :param conversations: the append state of every existing conversation among them.
    """
    plan = UpsertPlan()
    types: dict[str, NodeType] = {i: n.type for i, n in existing_nodes.items()}
    states = {cid: ConversationState(**vars(s)) for cid, s in conversations.items()}
    for i, node in enumerate(nodes):
        old = existing_nodes.get(node.id)
        if old is not None and old.type is not node.type:
            raise InvalidInputError(
                f"node {node.id} is a {old.type}, not a {node.type}", field=f"nodes.{i}.type"
            )
        types[node.id] = node.type
        if isinstance(node, Conversation):
            stored = _plan_conversation(node, old, states, plan)
        elif node.type in ITEM_TYPES:
            stored = _plan_item(node, old, f"nodes.{i}", types, states, plan)
        elif old is None:
            stored = node
            plan.new_nodes.append(node)
        else:
            stored = node.model_copy(update={"created_at": old.created_at})
            plan.changed_nodes.append(stored)
        plan.stored.append(stored)
    stored_pairs = {e.pair: i for i, e in existing_edges.items() if e.type in ONE_PER_PAIR_EDGE_TYPES}
    batch_pairs: dict[tuple[EdgeType, str, str], int] = {}
    for i, edge in enumerate(edges):
        _check_endpoints(edge, f"edges.{i}", types)
        old_edge = existing_edges.get(edge.id)
        if edge.type in ONE_PER_PAIR_EDGE_TYPES:
            pair = (edge.type, edge.source_id, edge.target_id)
            if pair in batch_pairs:
                raise InvalidInputError(
                    f"edges.{batch_pairs[pair]} and edges.{i} both join {edge.source_id} "
                    f"-[{edge.type}]-> {edge.target_id}; two nodes hold one {edge.type} edge",
                    field=f"edges.{i}",
                )
            batch_pairs[pair] = i
            if old_edge is None and pair in stored_pairs:  # the pair's edge, under another id
                stored_id = stored_pairs[pair]
                old_edge = existing_edges[stored_id]
                edge = edge.model_copy(update={"id": stored_id})
        if old_edge is None:
            plan.new_edges.append(edge)
        elif (old_edge.type, old_edge.source_id, old_edge.target_id) != (
            edge.type,
            edge.source_id,
            edge.target_id,
        ):
            raise InvalidInputError(
                f"edge {edge.id} already joins {old_edge.source_id} -[{old_edge.type}]-> "
                f"{old_edge.target_id}; an edge's type and ends cannot change",
                field=f"edges.{i}.id",
            )
        else:
            plan.changed_edges.append(edge.model_copy(update={"created_at": old_edge.created_at}))
    return plan


def _plan_conversation(
    node: Conversation,
    old: ExistingNode | None,
    states: dict[str, ConversationState],
    plan: UpsertPlan,
) -> Node:
    closed = node.status is ConversationStatus.CLOSED
    state = states.get(node.id)
    if state is None:
        state = states[node.id] = ConversationState(0, None, node.user_id, closed)
    state.user_id, state.closed = node.user_id, closed
    plan.conversations[node.id] = state
    if old is None:
        stored = node.model_copy(update={"item_count": state.item_count})
        plan.new_nodes.append(stored)
    else:
        stored = node.model_copy(update={"item_count": state.item_count, "created_at": old.created_at})
        plan.changed_nodes.append(stored)
    return stored


def _plan_item(
    node: Node,
    old: ExistingNode | None,
    where: str,
    types: Mapping[str, NodeType],
    states: dict[str, ConversationState],
    plan: UpsertPlan,
) -> Node:
    conversation_id: str | None = node.conversation_id  # type: ignore[union-attr]
    agent_id: str | None = node.agent_id  # type: ignore[union-attr]
    if old is not None:
        for name, before, now in (
            ("conversation_id", old.conversation_id, conversation_id),
            ("agent_id", old.agent_id, agent_id),
        ):
            if before != now:
                raise InvalidInputError(
                    f"node {node.id} was recorded with {name}={before}; it cannot change",
                    field=f"{where}.{name}",
                )
        user_id = node.user_id if node.user_id is not None else old.user_id  # type: ignore[union-attr]
        stored = node.model_copy(
            update={"sequence": old.sequence, "user_id": user_id, "created_at": old.created_at}
        )
        plan.changed_nodes.append(stored)
        return stored
    update: dict[str, object] = {"sequence": None}
    previous = None
    if agent_id is not None and types.get(agent_id) is not NodeType.AGENT:
        raise InvalidInputError(_missing("agent", agent_id, types), field=f"{where}.agent_id")
    if conversation_id is not None:
        state = states.get(conversation_id)
        if types.get(conversation_id) is not NodeType.CONVERSATION or state is None:
            raise InvalidInputError(
                _missing("conversation", conversation_id, types), field=f"{where}.conversation_id"
            )
        if state.closed:
            raise InvalidInputError(
                f"conversation {conversation_id} is closed", field=f"{where}.conversation_id"
            )
        state.item_count += 1
        update["sequence"] = state.item_count
        if node.user_id is None:  # type: ignore[union-attr]
            update["user_id"] = state.user_id
        previous, state.last_item_id = state.last_item_id, node.id
        plan.conversations[conversation_id] = state
    stored = _replace(node, update)
    plan.new_nodes.append(stored)
    plan.appended.append((stored, previous))
    return stored


def _replace(node: Node, update: dict[str, Any]) -> Node:
    """``node.model_copy(update=update)`` for the values the plan sets (a sequence number,
    a user id it copied from a validated conversation), at a fraction of its cost: a new
    item of every batched write passes through here.
    """
    return assemble(type(node), {**node.__dict__, **update}, node.__pydantic_fields_set__ | update.keys())


def _missing(what: str, node_id: str, types: Mapping[str, NodeType]) -> str:
    found = types.get(node_id)
    if found is None:
        return f"no {what} with id {node_id}"
    return f"{node_id} is a {found}, not a{'n' if what[0] in 'aeiou' else ''} {what}"


def _check_endpoints(edge: Edge, where: str, types: Mapping[str, NodeType]) -> None:
    source, target = types.get(edge.source_id), types.get(edge.target_id)
    if source is None:
        raise EdgeEndpointError(
            f"no node with id {edge.source_id}", edge_id=edge.id, field=f"{where}.source_id"
        )
    if target is None:
        raise EdgeEndpointError(
            f"no node with id {edge.target_id}", edge_id=edge.id, field=f"{where}.target_id"
        )
    refusal = EDGE_RULES[edge.type].refusal(edge.type, source, target)
    if refusal is not None:
        raise EdgeEndpointError(refusal, edge_id=edge.id, field=where)
