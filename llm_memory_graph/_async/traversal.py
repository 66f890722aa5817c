# Async source: edit here, then run scripts/unasync.py to regenerate the sync twin.
"""The graph-walking reads of ``AsyncMemoryGraph``.

Neighbours, lineage up and down (``why``, ``impact``), shortest paths and a conversation's
whole subgraph: each a cached read through the graph's read funnel.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from ..arguments import GraphState, NodeRef, parse_direction, parse_edge_types, ref_id, require_open
from ..metrics import GraphMetrics, Operation, measure
from ..paging import MAX_EDGES, MAX_NODES, NEIGHBORS_LIMIT, aiter_cursor, check_limit
from ..schema import EdgeType
from ..spec import GraphPath, Lineage, Neighbor, Neighbors, Subgraph

if TYPE_CHECKING:
    from ..stores.base import AsyncGraphStore

__all__ = ["_AsyncTraversalMethods"]

T = TypeVar("T")


class _AsyncTraversalMethods:
    """Graph-walking reads, mixed into ``AsyncMemoryGraph``."""

    if TYPE_CHECKING:
        _store: AsyncGraphStore
        _state: GraphState
        _metrics: GraphMetrics | None

        async def _read(
            self, key: tuple[Any, ...], call: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any
        ) -> T: ...

    async def neighbors(
        self,
        node: NodeRef,
        *,
        direction: str = "both",
        edge_types: Iterable[EdgeType | str] | None = None,
        cursor: str | None = None,
        limit: int = NEIGHBORS_LIMIT,
    ) -> Neighbors:
        """Return the nodes one edge away, with the edges, following arrows ``out``, ``in``
        or ``both``: one page, ordered by the edge's (created_at, id).

        The result is a list; ``truncated`` says more neighbours follow, and passing its
        ``next_cursor`` back as ``cursor`` reads them. ``iter_neighbors`` reads them all.

        :param limit: most neighbours on the page (default 1,000, at most 10,000).
        """
        node_id, walk, types = ref_id(node, "node"), parse_direction(direction), parse_edge_types(edge_types)
        return await self._read(
            ("neighbors", node_id, walk, types, cursor, limit),
            self._store.neighbors,
            node_id,
            direction=walk,
            edge_types=types,
            cursor=cursor,
            limit=limit,
        )

    async def iter_neighbors(
        self,
        node: NodeRef,
        *,
        direction: str = "both",
        edge_types: Iterable[EdgeType | str] | None = None,
        batch_size: int = NEIGHBORS_LIMIT,
    ) -> AsyncIterator[Neighbor]:
        """Yield every neighbour of a node, in the order of ``neighbors``, holding one page
        of ``batch_size`` (default 1,000) in memory at a time.
        """
        node_id, walk, types = ref_id(node, "node"), parse_direction(direction), parse_edge_types(edge_types)
        check_limit(batch_size)
        require_open(self._state)

        def page(cursor: str | None, limit: int) -> Awaitable[Neighbors]:
            return self._store.neighbors(
                node_id, direction=walk, edge_types=types, cursor=cursor, limit=limit
            )

        with measure(self._metrics, Operation.STREAM, self._store.name):
            async for neighbor in aiter_cursor(page, batch_size):
                yield neighbor

    async def lineage(
        self,
        node: NodeRef,
        *,
        direction: str = "up",
        depth: int = 10,
        edge_types: Iterable[EdgeType | str] | None = None,
        max_nodes: int = MAX_NODES,
        max_edges: int = MAX_EDGES,
    ) -> Lineage:
        """Return where a node came from (``up``) or what it influenced (``down``).

        Up from an answer reaches its prompt, the documents and context it used, the tool
        calls and their inputs, earlier completions it depended on, and the agents.

        :param depth: most hops from the node (default 10, at most 100).
        :param edge_types: edge types to follow; default every provenance edge type (all
            but the structural CONTAINS and the temporal PRECEDES).
        :param max_nodes: most nodes returned (default 10,000): the nearest are kept.
        :param max_edges: most edges returned (default 50,000): the oldest are kept. A
            lineage cut by either bound has ``truncated`` set; raise the bound to see more.
        """
        node_id, walk, types = ref_id(node, "node"), parse_direction(direction), parse_edge_types(edge_types)
        return await self._read(
            ("lineage", node_id, walk, types, depth, max_nodes, max_edges),
            self._store.lineage,
            node_id,
            direction=walk,
            edge_types=types,
            depth=depth,
            max_nodes=max_nodes,
            max_edges=max_edges,
        )

    async def why(
        self,
        node: NodeRef,
        *,
        depth: int = 20,
        edge_types: Iterable[EdgeType | str] | None = None,
        max_nodes: int = MAX_NODES,
        max_edges: int = MAX_EDGES,
    ) -> Lineage:
        """Return everything that fed a node: for an answer, every prompt, context,
        document, tool result, template version, earlier answer and agent behind it.

        The same as ``lineage(node, direction="up")``, with a deeper default.
        """
        return await self.lineage(
            node, direction="up", depth=depth, edge_types=edge_types, max_nodes=max_nodes, max_edges=max_edges
        )

    async def impact(
        self,
        node: NodeRef,
        *,
        depth: int = 20,
        edge_types: Iterable[EdgeType | str] | None = None,
        max_nodes: int = MAX_NODES,
        max_edges: int = MAX_EDGES,
    ) -> Lineage:
        """Return everything a node influenced: for a document or template version, every
        prompt, completion, tool call and rating downstream of it.

        The same as ``lineage(node, direction="down")``, with a deeper default.
        """
        return await self.lineage(
            node,
            direction="down",
            depth=depth,
            edge_types=edge_types,
            max_nodes=max_nodes,
            max_edges=max_edges,
        )

    async def shortest_path(
        self,
        source: NodeRef,
        target: NodeRef,
        *,
        edge_types: Iterable[EdgeType | str] | None = None,
        max_depth: int = 10,
        max_nodes: int = MAX_NODES,
        max_edges: int = MAX_EDGES,
    ) -> GraphPath | None:
        """Return a shortest chain of edges between two nodes, crossing edges either way,
        or ``None`` when they are not connected within ``max_depth`` edges.

        :param max_nodes: most nodes the search may reach before it finds the target
            (default 10,000).
        :param max_edges: most edges it may read (default 50,000).
        :raises InvalidInputError: when the search would pass ``max_nodes`` or
            ``max_edges``; raise the bound to search further.
        """
        a, b, types = ref_id(source, "source"), ref_id(target, "target"), parse_edge_types(edge_types)
        return await self._read(
            ("path", a, b, types, max_depth, max_nodes, max_edges),
            self._store.shortest_path,
            a,
            b,
            edge_types=types,
            max_depth=max_depth,
            max_nodes=max_nodes,
            max_edges=max_edges,
        )

    async def conversation_graph(
        self, conversation: NodeRef, *, max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES
    ) -> Subgraph:
        """Return a conversation's whole subgraph: its items, every edge touching them, and
        the agents, documents and templates at their other ends.

        :param max_nodes: most nodes returned (default 10,000).
        :param max_edges: most edges returned (default 50,000). Edges are taken oldest
            first while their nodes fit; a subgraph cut short has ``truncated`` set.
        """
        conversation_id = ref_id(conversation, "conversation")
        return await self._read(
            ("conversation_graph", conversation_id, max_nodes, max_edges),
            self._store.conversation_graph,
            conversation_id,
            max_nodes=max_nodes,
            max_edges=max_edges,
        )
