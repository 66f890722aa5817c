"""Any synchronous store, made asynchronous by running it on one worker thread."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ...errors import GraphClosedError
from ...paging import MAX_EDGES, MAX_NODES, NEIGHBORS_LIMIT, TRANSCRIPT_LIMIT, aiter_pages
from ...schema import Direction, Edge, EdgeType, Labels, Node, TemplateVersion
from ...spec import (
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
from ..base import GraphStore
from ..retry import RetryHook

__all__ = ["AsyncThreadedStore"]

T = TypeVar("T")


#: Threads that run reads at the same time, beside the one that runs writes.
READERS = 4


class AsyncThreadedStore:
    """An ``AsyncGraphStore`` over a thread-safe ``GraphStore``: writes run one at a time,
    in the order they were awaited, on one dedicated thread; reads run on a few threads of
    their own, so a slow read holds up neither other reads nor writes.

        store = AsyncThreadedStore(SQLiteStore("graph.db"))

    The event loop never waits on the store. Safe to share between tasks.

    :param readers: threads for reads (default 4).
    """

    def __init__(self, store: GraphStore, *, readers: int = READERS) -> None:
        self._store = store
        self.name = store.name
        self._closed = False
        self._executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=f"llm-memory-graph-{store.name}"
        )
        self._readers = ThreadPoolExecutor(
            max_workers=readers, thread_name_prefix=f"llm-memory-graph-{store.name}-read"
        )

    @property
    def on_retry(self) -> RetryHook | None:
        """The wrapped store's retry hook (see ``GraphStore.on_retry``)."""
        return self._store.on_retry

    @on_retry.setter
    def on_retry(self, hook: RetryHook | None) -> None:
        self._store.on_retry = hook

    @property
    def retries(self) -> dict[str, int]:
        """The wrapped store's retry counts by error, when it keeps them."""
        counts: dict[str, int] = getattr(self._store, "retries", {})
        return counts

    async def _run(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a write (or the close) on the writer thread."""
        if self._closed:
            raise GraphClosedError("store")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(call, *args, **kwargs))

    async def _read(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a read on one of the reader threads."""
        if self._closed:
            raise GraphClosedError("store")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, functools.partial(call, *args, **kwargs))

    async def upsert(self, nodes: Sequence[Node] = (), edges: Sequence[Edge] = ()) -> list[Node]:
        """See ``GraphStore.upsert``."""
        return await self._run(self._store.upsert, nodes, edges)

    async def get_node(self, node_id: str) -> Node:
        """See ``GraphStore.get_node``."""
        return await self._read(self._store.get_node, node_id)

    async def get_nodes(self, node_ids: Sequence[str]) -> list[Node]:
        """See ``GraphStore.get_nodes``."""
        return await self._read(self._store.get_nodes, node_ids)

    async def get_edge(self, edge_id: str) -> Edge:
        """See ``GraphStore.get_edge``."""
        return await self._read(self._store.get_edge, edge_id)

    async def find_nodes(self, filter: NodeFilter, *, cursor: str | None = None, limit: int = 100) -> Page:
        """See ``GraphStore.find_nodes``."""
        return await self._read(self._store.find_nodes, filter, cursor=cursor, limit=limit)

    def iter_nodes(self, filter: NodeFilter, *, batch_size: int = 500) -> AsyncIterator[Node]:
        """See ``GraphStore.iter_nodes``; each page is fetched on the worker thread."""
        return aiter_pages(self.find_nodes, filter, batch_size)

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
        return await self._read(
            self._store.neighbors,
            node_id,
            direction=direction,
            edge_types=edge_types,
            cursor=cursor,
            limit=limit,
        )

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
        return await self._read(
            self._store.lineage,
            node_id,
            direction=direction,
            edge_types=edge_types,
            depth=depth,
            max_nodes=max_nodes,
            max_edges=max_edges,
        )

    async def count_nodes(self, filter: NodeFilter) -> int:
        """See ``GraphStore.count_nodes``."""
        return await self._read(self._store.count_nodes, filter)

    async def aggregate(self, filter: NodeFilter, by: Sequence[GroupBy]) -> list[AggregateRow]:
        """See ``GraphStore.aggregate``."""
        return await self._read(self._store.aggregate, filter, by)

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
        return await self._read(
            self._store.shortest_path,
            source_id,
            target_id,
            edge_types=edge_types,
            max_depth=max_depth,
            max_nodes=max_nodes,
            max_edges=max_edges,
        )

    async def conversation_graph(
        self, conversation_id: str, *, max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES
    ) -> Subgraph:
        """See ``GraphStore.conversation_graph``."""
        return await self._read(
            self._store.conversation_graph, conversation_id, max_nodes=max_nodes, max_edges=max_edges
        )

    async def transcript(
        self, conversation_id: str, *, cursor: str | None = None, limit: int = TRANSCRIPT_LIMIT
    ) -> NodeList:
        """See ``GraphStore.transcript``."""
        return await self._read(self._store.transcript, conversation_id, cursor=cursor, limit=limit)

    async def delete_conversation(self, conversation_id: str) -> Deleted:
        """See ``GraphStore.delete_conversation``."""
        return await self._run(self._store.delete_conversation, conversation_id)

    async def stats(self) -> Stats:
        """See ``GraphStore.stats``."""
        return await self._read(self._store.stats)

    async def publish_version(
        self, version: TemplateVersion, *, parent_id: str | None = None, label: Labels | None = None
    ) -> tuple[TemplateVersion, bool]:
        """See ``GraphStore.publish_version``."""
        return await self._run(self._store.publish_version, version, parent_id=parent_id, label=label)

    async def change_token(self) -> int | None:
        """See ``GraphStore.change_token``."""
        return await self._read(self._store.change_token)

    async def aclose(self) -> None:
        """Close the wrapped store on its thread, then let the thread end."""
        if self._closed:
            return
        try:
            await self._run(self._store.close)
        finally:
            self._closed = True
            self._executor.shutdown(wait=False)
            self._readers.shutdown(wait=False)
