"""Argument checks and walks that every store shares; no I/O."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterator
from dataclasses import dataclass

from .._codec import encode_cursor, encode_rank_cursor
from ..errors import InvalidInputError
from ..schema import EDGE_RULES, LINEAGE_EDGE_TYPES, Direction, Edge, EdgeType, Node
from ..spec import NodeFilter, Page

__all__ = [
    "MAX_DEPTH",
    "MAX_LIMIT",
    "PathSearch",
    "Step",
    "aiter_pages",
    "check_depth",
    "check_limit",
    "iter_pages",
    "lineage_steps",
    "neighbor_types",
    "page_of",
    "path_types",
    "ranked_page_of",
]

#: Largest page a store returns at once.
MAX_LIMIT = 10_000
#: Deepest lineage walk; deeper walks are almost always a mistake on a real graph.
MAX_DEPTH = 100


def check_limit(limit: int) -> None:
    """Reject a page size outside 1..MAX_LIMIT."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError(f"must be a whole number from 1 to {MAX_LIMIT}, got {limit!r}", field="limit")


def check_depth(depth: int) -> None:
    """Reject a lineage depth outside 0..MAX_DEPTH."""
    if isinstance(depth, bool) or not isinstance(depth, int) or not 0 <= depth <= MAX_DEPTH:
        raise InvalidInputError(f"must be a whole number from 0 to {MAX_DEPTH}, got {depth!r}", field="depth")


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

    def __init__(self, source_id: str, target_id: str) -> None:
        self.target_id = target_id
        self._parent: dict[str, Step | None] = {source_id: None}
        self.frontier: list[str] = [source_id] if source_id != target_id else []
        self.found = source_id == target_id

    def advance(self, steps: list[Step]) -> None:
        """Take the edges leaving the frontier and make the next frontier."""
        nearest: dict[str, Step] = {}
        for step in sorted(steps, key=lambda s: (s.edge.created_at, s.edge.id, s.to_id)):
            if step.to_id not in self._parent and step.to_id not in nearest:
                nearest[step.to_id] = step
        self._parent.update(nearest)
        self.frontier = sorted(nearest)
        self.found = self.target_id in self._parent

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


def iter_pages(find: Callable[..., Page], filter: NodeFilter, batch_size: int) -> Iterator[Node]:
    """Yield every node of a filter page by page, holding one page at a time."""
    check_limit(batch_size)
    cursor: str | None = None
    while True:
        page = find(filter, cursor=cursor, limit=batch_size)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


async def aiter_pages(
    find: Callable[..., Awaitable[Page]], filter: NodeFilter, batch_size: int
) -> AsyncIterator[Node]:
    """The async twin of ``iter_pages``."""
    check_limit(batch_size)
    cursor: str | None = None
    while True:
        page = await find(filter, cursor=cursor, limit=batch_size)
        for node in page.items:
            yield node
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
