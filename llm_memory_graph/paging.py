"""Pages: the bounds on what one call reads or returns, and the loops that stream a paged
read one page at a time; no I/O of their own.

The facades and every store check their arguments against these same bounds, and the
README's "Bounds" table quotes them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TypeVar

from .errors import InvalidInputError
from .schema import Node
from .spec import CursorList, NodeFilter, Page

__all__ = [
    "MAX_BOUND",
    "MAX_DEPTH",
    "MAX_EDGES",
    "MAX_LIMIT",
    "MAX_NODES",
    "NEIGHBORS_LIMIT",
    "TRANSCRIPT_LIMIT",
    "aiter_cursor",
    "aiter_pages",
    "check_bounds",
    "check_depth",
    "check_limit",
    "iter_cursor",
    "iter_pages",
]

T = TypeVar("T")

#: Largest page a store returns at once.
MAX_LIMIT = 10_000
#: Deepest lineage walk; deeper walks are almost always a mistake on a real graph.
MAX_DEPTH = 100
#: Most nodes a traversal (lineage, conversation graph, path search) returns or visits,
#: unless the caller raises it; a result cut there is marked ``truncated``.
MAX_NODES = 10_000
#: Most edges a traversal returns (or a path search reads), unless the caller raises it.
MAX_EDGES = 50_000
#: Largest value ``max_nodes`` and ``max_edges`` may be raised to.
MAX_BOUND = 10_000_000
#: Neighbours on one page, and a conversation's items on one page of its transcript,
#: unless the caller asks for another page size (at most ``MAX_LIMIT``).
NEIGHBORS_LIMIT = 1_000
TRANSCRIPT_LIMIT = 10_000


def check_limit(limit: int) -> None:
    """Reject a page size outside 1..MAX_LIMIT."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError(f"must be a whole number from 1 to {MAX_LIMIT}, got {limit!r}", field="limit")


def check_depth(depth: int) -> None:
    """Reject a lineage depth outside 0..MAX_DEPTH."""
    if isinstance(depth, bool) or not isinstance(depth, int) or not 0 <= depth <= MAX_DEPTH:
        raise InvalidInputError(f"must be a whole number from 0 to {MAX_DEPTH}, got {depth!r}", field="depth")


def check_bounds(max_nodes: int, max_edges: int) -> None:
    """Reject a traversal's ``max_nodes`` outside 1..MAX_BOUND or ``max_edges`` outside 0..MAX_BOUND."""
    for field, value, least in (("max_nodes", max_nodes, 1), ("max_edges", max_edges, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= MAX_BOUND:
            raise InvalidInputError(
                f"must be a whole number from {least} to {MAX_BOUND:,}, got {value!r}", field=field
            )


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


def iter_cursor(fetch: Callable[[str | None, int], CursorList[T]], batch_size: int) -> Iterator[T]:
    """Yield every item of a list read page by page (``fetch(cursor, limit)``), holding one
    page at a time.
    """
    check_limit(batch_size)
    cursor: str | None = None
    while True:
        page = fetch(cursor, batch_size)
        yield from page
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


async def aiter_cursor(
    fetch: Callable[[str | None, int], Awaitable[CursorList[T]]], batch_size: int
) -> AsyncIterator[T]:
    """The async twin of ``iter_cursor``."""
    check_limit(batch_size)
    cursor: str | None = None
    while True:
        page = await fetch(cursor, batch_size)
        for item in page:
            yield item
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
