"""The repository contract every store implements, in a sync and an async twin.

Stores take and return schema objects only. Every method is required: a store that lacks
one does not satisfy the protocol, and the contract suite in ``tests/contract`` runs the
same behaviours against every store.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterator, Sequence
from typing import Protocol, runtime_checkable

from ..paging import MAX_EDGES, MAX_NODES, NEIGHBORS_LIMIT, TRANSCRIPT_LIMIT
from ..schema import Direction, Edge, EdgeType, Labels, Node, TemplateVersion
from ..spec import (
    AggregateRow,
    Deleted,
    GraphPath,
    GroupBy,
    Lineage,
    Neighbors,
    NodeFilter,
    NodeList,
    Page,
    Stats,
    Subgraph,
)
from .retry import RetryHook

__all__ = ["AsyncGraphStore", "GraphStore"]


@runtime_checkable
class GraphStore(Protocol):
    """A synchronous graph store.

    Implementations are safe to share between threads.
    """

    #: Short name used in errors and metrics: ``"sqlite"`` or ``"neo4j"``.
    name: str

    #: Called with the error's class (or result code) name each time the store retries a
    #: transient failure; ``None`` when nobody listens. The graph's metrics set it.
    on_retry: RetryHook | None

    def upsert(self, nodes: Sequence[Node] = (), edges: Sequence[Edge] = ()) -> list[Node]:
        """Write nodes, then edges, in one transaction; idempotent by id.

        New items with a ``conversation_id`` are appended to that conversation: the store
        gives each the next sequence number and keeps the CONTAINS and PRECEDES edges; new
        items with an ``agent_id`` get a HANDLED_BY edge. An item's conversation and agent
        cannot change once written. Edge endpoints must exist (in the store or in
        ``nodes``) and be of types the edge type allows.

        :returns: the nodes as stored, in the order given (with sequence numbers filled);
            the built-in stores return a ``Stored`` list, which also counts the edges they
            derived, for the metrics.
        :raises InvalidInputError: if anything in the batch is invalid; nothing is written.
        """
        ...

    def get_node(self, node_id: str) -> Node:
        """Return one node.

        :raises NodeNotFoundError: if there is no node with this id.
        """
        ...

    def get_nodes(self, node_ids: Sequence[str]) -> list[Node]:
        """Return the nodes with these ids, in the order given.

        :raises NodeNotFoundError: naming every id that does not exist.
        """
        ...

    def get_edge(self, edge_id: str) -> Edge:
        """Return one edge.

        :raises EdgeNotFoundError: if there is no edge with this id.
        """
        ...

    def find_nodes(self, filter: NodeFilter, *, cursor: str | None = None, limit: int = 100) -> Page:
        """Return one page of nodes matching ``filter``, in the filter's order: by
        (created_at, id), oldest or newest first, or by text relevance.

        :param cursor: ``next_cursor`` of the previous page; ``None`` starts at the first.
        :param limit: most nodes on the page, 1 to 10,000.
        """
        ...

    def iter_nodes(self, filter: NodeFilter, *, batch_size: int = 500) -> Iterator[Node]:
        """Yield every node matching ``filter`` in (created_at, id) order, holding one batch."""
        ...

    def neighbors(
        self,
        node_id: str,
        *,
        direction: Direction = Direction.BOTH,
        edge_types: Collection[EdgeType] | None = None,
        cursor: str | None = None,
        limit: int = NEIGHBORS_LIMIT,
    ) -> Neighbors:
        """Return one page of the nodes one edge away, following arrows ``OUT``, ``IN`` or
        ``BOTH``, ordered by the joining edge's (created_at, id).

        :param cursor: ``next_cursor`` of the previous page; ``None`` starts at the first.
        :param limit: most neighbours on the page, 1 to 10,000 (default 1,000).
        :raises NodeNotFoundError: if there is no node with this id.
        """
        ...

    def lineage(
        self,
        node_id: str,
        *,
        direction: Direction = Direction.UP,
        edge_types: Collection[EdgeType] | None = None,
        depth: int = 10,
        max_nodes: int = MAX_NODES,
        max_edges: int = MAX_EDGES,
    ) -> Lineage:
        """Return what fed the node (``UP``) or what it fed (``DOWN``), up to ``depth`` hops.

        Each node is met once, at its shortest distance. When the node belongs to a
        conversation, edges that record a conversation of their own (hand-offs between
        shared agents) are followed only if it is that conversation.

        :param edge_types: the edge types to follow; by default every provenance edge type
            (all but CONTAINS and PRECEDES).
        :param max_nodes: most nodes returned (default 10,000): the nearest, see ``Lineage``.
        :param max_edges: most edges returned (default 50,000): the oldest.
        :raises NodeNotFoundError: if there is no node with this id.
        """
        ...

    def count_nodes(self, filter: NodeFilter) -> int:
        """Return how many nodes match ``filter`` (its order is ignored)."""
        ...

    def aggregate(self, filter: NodeFilter, by: Sequence[GroupBy]) -> list[AggregateRow]:
        """Return totals of the completions matching ``filter``, one row per group of ``by``.

        Groups are keyed by each grouping in ``by`` (see ``GroupBy`` and ``AggregateRow``:
        a completion's model is its response model, else its requested one; its template
        version is the smallest id among those its prompts INSTANTIATE; time buckets are
        UTC). Rows come sorted by their keys in ``by`` order, ``None`` first. With no
        groupings there is exactly one row, of zeros when nothing matches; otherwise only
        groups with completions are listed. The filter's order is ignored.

        :raises InvalidInputError: if ``filter.types`` asks for anything but completions,
            ``filter.text`` is set (a search cannot be aggregated), or a grouping in ``by``
            is unknown or repeated.
        """
        ...

    def shortest_path(
        self,
        source_id: str,
        target_id: str,
        *,
        edge_types: Collection[EdgeType] | None = None,
        max_depth: int = 10,
        max_nodes: int = MAX_NODES,
        max_edges: int = MAX_EDGES,
    ) -> GraphPath | None:
        """Return a shortest path between two nodes, crossing edges either way, or ``None``.

        Among several shortest paths, each node is reached by the earliest edge (by
        created_at, then id), so every store returns the same one.

        :param edge_types: the edge types it may cross; by default, every type.
        :param max_depth: the longest path looked for, in edges (at most 100).
        :param max_nodes: most nodes the search may reach before it finds the target
            (default 10,000).
        :param max_edges: most edges the search may read (default 50,000).
        :raises NodeNotFoundError: if either node does not exist.
        :raises InvalidInputError: (field ``max_nodes`` or ``max_edges``) when the search
            would pass a bound; nothing is returned then, not even ``None``.
        """
        ...

    def conversation_graph(
        self, conversation_id: str, *, max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES
    ) -> Subgraph:
        """Return a conversation, its items, every edge touching them, and the nodes at the
        other end of those edges (agents, documents, template versions ...).

        Edges are taken oldest first (created_at, id): at most ``max_edges`` of them, and
        only as long as their nodes, the conversation included, fit in ``max_nodes``; a
        subgraph cut short is marked ``truncated``.

        :raises NodeNotFoundError: if there is no conversation with this id.
        """
        ...

    def transcript(
        self, conversation_id: str, *, cursor: str | None = None, limit: int = TRANSCRIPT_LIMIT
    ) -> NodeList:
        """Return one page of a conversation's items in the order they were appended.

        :param cursor: ``next_cursor`` of the previous page; ``None`` starts at the first.
        :param limit: most items on the page, 1 to 10,000 (default 10,000).
        :raises NodeNotFoundError: if there is no conversation with this id.
        """
        ...

    def delete_conversation(self, conversation_id: str) -> Deleted:
        """Delete a conversation, every item in it, and every edge touching any of them.

        :raises NodeNotFoundError: if there is no conversation with this id.
        """
        ...

    def stats(self) -> Stats:
        """Return how many nodes and edges of each type the store holds."""
        ...

    def publish_version(
        self, version: TemplateVersion, *, parent_id: str | None = None, label: Labels | None = None
    ) -> tuple[TemplateVersion, bool]:
        """Publish a template version atomically: if the template already has a version
        with the same ``content_hash``, return it; else number this one next (1, 2, 3 ...
        per template, whatever number it carries) and write it, with an INHERITS edge to
        ``parent_id`` when given.

        :param label: a label move to record in the same transaction: a ``LABELS`` edge
            from the version's template, whose ``target_id`` the store sets to the stored
            version (the existing one when the content was published before). If the move
            is refused, the version is not published either.
        :returns: the stored version, and whether it was created now.
        :raises NodeNotFoundError: if the template or the parent does not exist.
        :raises InvalidInputError: if ``label`` does not start at the version's template.
        """
        ...

    def change_token(self) -> int | None:
        """Return a number that changes when another connection commits a write, or
        ``None`` when the store cannot tell cheaply (read caches then rely on expiry).
        """
        ...

    def close(self) -> None:
        """Release the store's connections; using the store afterwards is an error."""
        ...


@runtime_checkable
class AsyncGraphStore(Protocol):
    """An asynchronous graph store: ``GraphStore`` with every method a coroutine.

    Implementations are safe to share between tasks of one event loop and never block it.
    """

    name: str

    #: As for ``GraphStore.on_retry``.
    on_retry: RetryHook | None

    async def upsert(self, nodes: Sequence[Node] = (), edges: Sequence[Edge] = ()) -> list[Node]:
        """See ``GraphStore.upsert``."""
        ...

    async def get_node(self, node_id: str) -> Node:
        """See ``GraphStore.get_node``."""
        ...

    async def get_nodes(self, node_ids: Sequence[str]) -> list[Node]:
        """See ``GraphStore.get_nodes``."""
        ...

    async def get_edge(self, edge_id: str) -> Edge:
        """See ``GraphStore.get_edge``."""
        ...

    async def find_nodes(self, filter: NodeFilter, *, cursor: str | None = None, limit: int = 100) -> Page:
        """See ``GraphStore.find_nodes``."""
        ...

    def iter_nodes(self, filter: NodeFilter, *, batch_size: int = 500) -> AsyncIterator[Node]:
        """See ``GraphStore.iter_nodes``; an async iterator."""
        ...

    async def neighbors(
        self,
        node_id: str,
        *,
        direction: Direction = Direction.BOTH,
        edge_types: Collection[EdgeType] | None = None,
        cursor: str | None = None,
        limit: int = NEIGHBORS_LIMIT,
    ) -> Neighbors:
        """See ``GraphStore.neighbors``."""
        ...

    async def lineage(
        self,
        node_id: str,
        *,
        direction: Direction = Direction.UP,
        edge_types: Collection[EdgeType] | None = None,
        depth: int = 10,
        max_nodes: int = MAX_NODES,
        max_edges: int = MAX_EDGES,
    ) -> Lineage:
        """See ``GraphStore.lineage``."""
        ...

    async def count_nodes(self, filter: NodeFilter) -> int:
        """See ``GraphStore.count_nodes``."""
        ...

    async def aggregate(self, filter: NodeFilter, by: Sequence[GroupBy]) -> list[AggregateRow]:
        """See ``GraphStore.aggregate``."""
        ...

    async def shortest_path(
        self,
        source_id: str,
        target_id: str,
        *,
        edge_types: Collection[EdgeType] | None = None,
        max_depth: int = 10,
        max_nodes: int = MAX_NODES,
        max_edges: int = MAX_EDGES,
    ) -> GraphPath | None:
        """See ``GraphStore.shortest_path``."""
        ...

    async def conversation_graph(
        self, conversation_id: str, *, max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES
    ) -> Subgraph:
        """See ``GraphStore.conversation_graph``."""
        ...

    async def transcript(
        self, conversation_id: str, *, cursor: str | None = None, limit: int = TRANSCRIPT_LIMIT
    ) -> NodeList:
        """See ``GraphStore.transcript``."""
        ...

    async def delete_conversation(self, conversation_id: str) -> Deleted:
        """See ``GraphStore.delete_conversation``."""
        ...

    async def stats(self) -> Stats:
        """See ``GraphStore.stats``."""
        ...

    async def publish_version(
        self, version: TemplateVersion, *, parent_id: str | None = None, label: Labels | None = None
    ) -> tuple[TemplateVersion, bool]:
        """See ``GraphStore.publish_version``."""
        ...

    async def change_token(self) -> int | None:
        """See ``GraphStore.change_token``."""
        ...

    async def aclose(self) -> None:
        """See ``GraphStore.close``."""
        ...
