# Async source: edit here, then run scripts/unasync.py to regenerate the sync twin.
"""The graph-walking reads of ``AsyncMemoryGraph``; the source ``graph_traversal.py`` is generated from.

Neighbours, lineage up and down (``why``, ``impact``), shortest paths and a conversation's
whole subgraph: each a cached read through the graph's read funnel.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from ._facade import NodeRef, parse_direction, parse_edge_types, ref_id
from .schema import EdgeType
from .spec import GraphPath, Lineage, Neighbor, Subgraph

if TYPE_CHECKING:
    from .stores.base import AsyncGraphStore

__all__ = ["_AsyncTraversalMethods"]

T = TypeVar("T")


class _AsyncTraversalMethods:
    """Graph-walking reads, mixed into ``AsyncMemoryGraph``."""

    if TYPE_CHECKING:
        _store: AsyncGraphStore

        async def _read(
            self, key: tuple[Any, ...], call: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any
        ) -> T: ...

    async def neighbors(
        self,
        node: NodeRef,
        *,
        direction: str = "both",
        edge_types: Iterable[EdgeType | str] | None = None,
    ) -> list[Neighbor]:
        """Return the nodes one edge away, with the edges, following arrows ``out``, ``in`` or ``both``."""
        node_id, walk, types = ref_id(node, "node"), parse_direction(direction), parse_edge_types(edge_types)
        return await self._read(
            ("neighbors", node_id, walk, types),
            self._store.neighbors,
            node_id,
            direction=walk,
            edge_types=types,
        )

    async def lineage(
        self,
        node: NodeRef,
        *,
        direction: str = "up",
        depth: int = 10,
        edge_types: Iterable[EdgeType | str] | None = None,
    ) -> Lineage:
        """Return where a node came from (``up``) or what it influenced (``down``).

        Up from an answer reaches its prompt, the documents and context it used, the tool
        calls and their inputs, earlier completions it depended on, and the agents.

        :param depth: most hops from the node (default 10, at most 100).
        :param edge_types: edge types to follow; default every provenance edge type (all
            but the structural CONTAINS and the temporal PRECEDES).
        """
        node_id, walk, types = ref_id(node, "node"), parse_direction(direction), parse_edge_types(edge_types)
        return await self._read(
            ("lineage", node_id, walk, types, depth),
            self._store.lineage,
            node_id,
            direction=walk,
            edge_types=types,
            depth=depth,
        )

    async def why(
        self, node: NodeRef, *, depth: int = 20, edge_types: Iterable[EdgeType | str] | None = None
    ) -> Lineage:
        """Return everything that fed a node: for an answer, every prompt, context,
        document, tool result, template version, earlier answer and agent behind it.

        The same as ``lineage(node, direction="up")``, with a deeper default.
        """
        return await self.lineage(node, direction="up", depth=depth, edge_types=edge_types)

    async def impact(
        self, node: NodeRef, *, depth: int = 20, edge_types: Iterable[EdgeType | str] | None = None
    ) -> Lineage:
        """Return everything a node influenced: for a document or template version, every
        prompt, completion, tool call and rating downstream of it.

        The same as ``lineage(node, direction="down")``, with a deeper default.
        """
        return await self.lineage(node, direction="down", depth=depth, edge_types=edge_types)

    async def shortest_path(
        self,
        source: NodeRef,
        target: NodeRef,
        *,
        edge_types: Iterable[EdgeType | str] | None = None,
        max_depth: int = 10,
    ) -> GraphPath | None:
        """Return a shortest chain of edges between two nodes, crossing edges either way,
        or ``None`` when they are not connected within ``max_depth`` edges.
        """
        a, b, types = ref_id(source, "source"), ref_id(target, "target"), parse_edge_types(edge_types)
        return await self._read(
            ("path", a, b, types, max_depth),
            self._store.shortest_path,
            a,
            b,
            edge_types=types,
            max_depth=max_depth,
        )

    async def conversation_graph(self, conversation: NodeRef) -> Subgraph:
        """Return a conversation's whole subgraph: its items, every edge touching them, and
        the agents, documents and templates at their other ends.
        """
        conversation_id = ref_id(conversation, "conversation")
        return await self._read(
            ("conversation_graph", conversation_id), self._store.conversation_graph, conversation_id
        )
