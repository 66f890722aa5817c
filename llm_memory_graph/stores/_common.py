"""The walks and page builders every store shares; no I/O."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from ..errors import InvalidInputError
from ..paging import MAX_EDGES, MAX_NODES
from ..schema import EDGE_RULES, ITEM_TYPES, LINEAGE_EDGE_TYPES, Direction, Edge, EdgeType, Node
from ..spec import Neighbor, Neighbors, NodeList, Page
from .codec import encode_cursor, encode_rank_cursor, encode_sequence_cursor

__all__ = [
    "LineageWalk",
    "PathSearch",
    "Step",
    "conversation_prefix",
    "lineage_steps",
    "neighbor_page",
    "neighbor_types",
    "page_of",
    "path_types",
    "ranked_page_of",
    "transcript_page",
]


def _edge_types(edge_types: Collection[EdgeType] | None, default: Collection[EdgeType]) -> list[EdgeType]:
    if edge_types is None:
        return sorted(default)
    try:
        return sorted({EdgeType(t) for t in edge_types})
    except ValueError:
        raise InvalidInputError(
            f"unknown edge type in {sorted(map(str, edge_types))}; expected names from {', '.join(EdgeType)}",
            field="edge_types",
        ) from None


def lineage_steps(
    direction: Direction, edge_types: Collection[EdgeType] | None
) -> tuple[list[str], list[str]]:
    """Split the edge types to follow by which way a lineage walk crosses them.

    :returns: ``(to_source, to_target)``: the types to cross from an edge's target to its
        source, and those to cross from source to target.
    """
    if direction not in (Direction.UP, Direction.DOWN):
        raise InvalidInputError("lineage walks 'up' or 'down'", field="direction")
    types = _edge_types(edge_types, LINEAGE_EDGE_TYPES)
    input_is_source = [str(t) for t in types if EDGE_RULES[t].input_end == "source"]
    input_is_target = [str(t) for t in types if EDGE_RULES[t].input_end == "target"]
    if direction is Direction.UP:
        return input_is_source, input_is_target
    return input_is_target, input_is_source


def neighbor_types(direction: Direction, edge_types: Collection[EdgeType] | None) -> list[str]:
    """Check a neighbour query's arguments and return the edge type names to follow."""
    if direction not in (Direction.OUT, Direction.IN, Direction.BOTH):
        raise InvalidInputError("neighbours follow arrows 'out', 'in' or 'both'", field="direction")
    return [str(t) for t in _edge_types(edge_types, list(EdgeType))]


def page_of(rows: list[Node], limit: int) -> Page:
    """Return a page from ``limit + 1`` rows in time order: the extra row says a next page exists."""
    items = rows[:limit]
    more = len(rows) > limit
    return Page(items=items, next_cursor=encode_cursor(items[-1].created_at, items[-1].id) if more else None)


def ranked_page_of(rows: list[tuple[Node, float]], limit: int) -> Page:
    """Return a page from ``limit + 1`` (node, score) search hits in rank order."""
    items = rows[:limit]
    more = len(rows) > limit
    cursor = encode_rank_cursor(items[-1][1], items[-1][0].id) if more else None
    return Page(items=[node for node, _ in items], next_cursor=cursor)


def neighbor_page(rows: list[Neighbor], limit: int) -> Neighbors:
    """Return a page from ``limit + 1`` neighbours in (edge created_at, edge id) order."""
    items = rows[:limit]
    more = len(rows) > limit
    last = items[-1].edge if items else None
    return Neighbors(items, encode_cursor(last.created_at, last.id) if more and last else None)


def transcript_page(rows: list[Node], limit: int) -> NodeList:
    """Return a page from ``limit + 1`` conversation items in sequence order."""
    items = rows[:limit]
    more = len(rows) > limit
    last = items[-1] if items else None
    sequence = getattr(last, "sequence", None) if last is not None and last.type in ITEM_TYPES else None
    return NodeList(items, encode_sequence_cursor(sequence) if more and sequence is not None else None)


class LineageWalk:
    """Breadth-first lineage walk that meets each node once, at its shortest depth.

    A store runs the I/O: it asks its one-level query for the nodes one step from
    ``frontier`` that are not in ``depths``, oldest first by (created_at, id), at most
    ``room + 1`` of them, and passes them to ``advance`` until ``done``. So a walk's work
    grows with the edges it crosses, once each, not with depth times edges, and it keeps
    at most ``max_nodes`` nodes: the first in (depth, created_at, id) order. ``truncated``
    says nodes within the depth were left out.
    """

    def __init__(self, root: Node, *, depth: int, max_nodes: int) -> None:
        self.nodes: list[Node] = [root]
        self.depths: dict[str, int] = {root.id: 0}
        self.frontier: list[str] = [root.id]
        self.truncated = False
        self._depth = depth
        self._max_nodes = max_nodes
        self._level = 0

    @property
    def done(self) -> bool:
        """Whether the walk is over: nothing new, the depth reached, or the nodes cut."""
        return self.truncated or not self.frontier or self._level >= self._depth

    @property
    def room(self) -> int:
        """How many more nodes the walk may keep."""
        return self._max_nodes - len(self.depths)

    def advance(self, found: list[Node]) -> None:
        """Take the next level's new nodes, in (created_at, id) order, and make it the frontier."""
        self._level += 1
        fresh = [n for n in found if n.id not in self.depths]
        if len(fresh) > self.room:
            self.truncated = True
            fresh = fresh[: self.room]
        self.nodes += fresh
        self.depths.update((n.id, self._level) for n in fresh)
        self.frontier = [n.id for n in fresh]


def conversation_prefix(
    conversation_id: str, edges: list[Edge], *, max_nodes: int, max_edges: int
) -> tuple[list[str], list[Edge], bool]:
    """Cut a conversation's edges, oldest first (``max_edges + 1`` of them or fewer), to
    the longest run whose nodes fit in ``max_nodes``, the conversation included.

    :returns: the ids of the nodes to return, the edges kept, and whether anything was cut.
    """
    truncated = len(edges) > max_edges
    ids = {conversation_id: None}
    kept: list[Edge] = []
    for edge in edges[:max_edges]:
        new = [i for i in dict.fromkeys((edge.source_id, edge.target_id)) if i not in ids]
        if len(ids) + len(new) > max_nodes:
            truncated = True
            break
        ids.update(dict.fromkeys(new))
        kept.append(edge)
    return list(ids), kept, truncated


@dataclass(frozen=True)
class Step:
    """One edge a path search crossed: from a frontier node to a neighbour."""

    from_id: str
    to_id: str
    edge: Edge


class PathSearch:
    """Breadth-first search for a shortest path, fed one level of edges at a time.

    A store runs the I/O: it hands ``frontier`` to its own one-level query and passes the
    edges found to ``advance``. Each node reached is reached by the earliest edge (by
    created_at, then id) from the previous level, so every store finds the same path.
    """

    def __init__(
        self, source_id: str, target_id: str, *, max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES
    ) -> None:
        self.target_id = target_id
        self._parent: dict[str, Step | None] = {source_id: None}
        self.frontier: list[str] = [source_id] if source_id != target_id else []
        self.found = source_id == target_id
        self._max_nodes = max_nodes
        self._max_edges = max_edges
        self._edges_read = 0

    @property
    def edge_room(self) -> int:
        """How many more edges the search may read; a store asks its step for one more."""
        return self._max_edges - self._edges_read

    def advance(self, steps: list[Step]) -> None:
        """Take the edges leaving the frontier and make the next frontier.

        :raises InvalidInputError: when the search would read more than ``max_edges``
            edges, or reach more than ``max_nodes`` nodes without finding the target.
        """
        if len(steps) > self.edge_room:
            raise InvalidInputError(
                f"the path search would read more than {self._max_edges:,} edges; "
                "raise max_edges to search further",
                field="max_edges",
            )
        self._edges_read += len(steps)
        nearest: dict[str, Step] = {}
        for step in sorted(steps, key=lambda s: (s.edge.created_at, s.edge.id, s.to_id)):
            if step.to_id not in self._parent and step.to_id not in nearest:
                nearest[step.to_id] = step
        self._parent.update(nearest)
        self.frontier = sorted(nearest)
        self.found = self.target_id in self._parent
        if not self.found and self.frontier and len(self._parent) > self._max_nodes:
            raise InvalidInputError(
                f"the path search reached more than {self._max_nodes:,} nodes without finding "
                "the target; raise max_nodes to search further",
                field="max_nodes",
            )

    def path(self) -> tuple[list[str], list[Edge]]:
        """The node ids and edges from source to target, once ``found``."""
        nodes, edges = [self.target_id], []
        step = self._parent[self.target_id]
        while step is not None:
            edges.append(step.edge)
            nodes.append(step.from_id)
            step = self._parent[step.from_id]
        return nodes[::-1], edges[::-1]


def path_types(edge_types: Collection[EdgeType] | None) -> list[str]:
    """The edge type names a path search may cross: by default, every type."""
    return [str(t) for t in _edge_types(edge_types, list(EdgeType))]
