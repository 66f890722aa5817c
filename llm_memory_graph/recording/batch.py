"""``graph.batch()``: record many writes with no I/O, then write them a chunk per transaction.

    with graph.batch(chunk_size=1000) as batch:
        prompt = batch.add_prompt("Where is my order?", conversation=chat)
        batch.add_completion(prompt, "It ships today.", response_model="gpt-4o")
    # written here: one store transaction (one executemany set, or one UNWIND set) per chunk

A chunk holds whole records (the nodes and edges of one call) up to ``chunk_size`` nodes
plus edges, in the order recorded; a record larger than that is a chunk of its own, and a
record that rewrites an id already in the chunk starts the next one. Each chunk is atomic.
When a chunk fails, the chunks before it stay written, nothing after it is written, and
``BatchWriteError`` names the chunk; writes are idempotent by id, so running the same
batch again after fixing the cause is safe.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Awaitable, Callable, Sequence

from ..errors import BatchWriteError, InvalidInputError, MemoryGraphError, UsageError
from ..metrics import Operation
from ..schema import Edge, Node
from .recorder import Recorder

__all__ = ["AsyncBatch", "Batch", "Records", "plan_chunks"]

#: What a batch writes with: the graph's write funnel.
Write = Callable[[Sequence[Node], Sequence[Edge], Operation], list[Node]]
AsyncWrite = Callable[[Sequence[Node], Sequence[Edge], Operation], Awaitable[list[Node]]]


class Records:
    """Records (the nodes and edges of one call each), in order, kept flat: every node,
    every edge, and the offsets where each record's nodes and edges end.

    A pair of lists per record was three objects per call that the garbage collector
    scanned again and again while a batch filled (two fifths of what a recorded event
    kept alive); offsets are ints, which it never scans. A chunk is a ``Records`` too.
    """

    __slots__ = ("edge_ends", "edges", "node_ends", "nodes")

    def __init__(
        self,
        nodes: list[Node] | None = None,
        edges: list[Edge] | None = None,
        node_ends: list[int] | None = None,
        edge_ends: list[int] | None = None,
    ) -> None:
        self.nodes: list[Node] = nodes if nodes is not None else []
        self.edges: list[Edge] = edges if edges is not None else []
        self.node_ends: list[int] = node_ends if node_ends is not None else []
        self.edge_ends: list[int] = edge_ends if edge_ends is not None else []

    def add(self, nodes: Sequence[Node], edges: Sequence[Edge]) -> None:
        """Append one record."""
        self.nodes += nodes
        self.edges += edges
        self.node_ends.append(len(self.nodes))
        self.edge_ends.append(len(self.edges))

    def __len__(self) -> int:
        """The number of records."""
        return len(self.node_ends)

    @property
    def items(self) -> int:
        """Nodes plus edges."""
        return len(self.nodes) + len(self.edges)

    def record(self, index: int) -> tuple[list[Node], list[Edge]]:
        """The nodes and edges of one record."""
        part = self.slice(index, index + 1)
        return part.nodes, part.edges

    def slice(self, start: int, stop: int) -> Records:
        """Records ``start`` to ``stop`` (exclusive), as records of their own."""
        node_start = self.node_ends[start - 1] if start else 0
        edge_start = self.edge_ends[start - 1] if start else 0
        node_stop, edge_stop = self.node_ends[stop - 1], self.edge_ends[stop - 1]
        return Records(
            self.nodes[node_start:node_stop],
            self.edges[edge_start:edge_stop],
            [end - node_start for end in self.node_ends[start:stop]],
            [end - edge_start for end in self.edge_ends[start:stop]],
        )


def plan_chunks(records: Records, chunk_size: int) -> list[Records]:
    """Group ``records`` into chunks of at most ``chunk_size`` nodes plus edges, in order.

    A record is never split; a record rewriting an id already in the current chunk (say, a
    conversation closed in the batch that started it) begins a new chunk.
    """
    chunks: list[Records] = []
    node_ends, edge_ends = records.node_ends, records.edge_ends
    start, count = 0, len(records)
    while start < count:
        limit = chunk_size + (node_ends[start - 1] + edge_ends[start - 1] if start else 0)
        # Items end non-decreasing, so the records that fit are found by bisection.
        stop = bisect_right(range(count), limit, lo=start + 1, key=lambda k: node_ends[k] + edge_ends[k])
        chunk = records.slice(start, stop)
        if len({n.id for n in chunk.nodes}.union(e.id for e in chunk.edges)) < chunk.items:
            stop = start + _without_rewrites(chunk)
            chunk = records.slice(start, stop)
        chunks.append(chunk)
        start = stop
    return chunks


def _without_rewrites(chunk: Records) -> int:
    """How many leading records of ``chunk`` rewrite no id of a record before them."""
    ids: set[str] = set()
    for index in range(len(chunk)):
        nodes, edges = chunk.record(index)
        keys = [n.id for n in nodes] + [e.id for e in edges]
        if index and not ids.isdisjoint(keys):
            return index
        ids.update(keys)
    return len(chunk)


def _failed_call(error: MemoryGraphError, chunk: Records, calls_before: int) -> int | None:
    """The number (1-based, in recording order) of the call whose node or edge the store
    refused, from the error's field (``edges.3.target_id``: the chunk's fourth edge).
    """
    field = getattr(error, "field", None) or ""
    kind, _, rest = field.partition(".")
    position = rest.partition(".")[0]
    if kind not in ("nodes", "edges") or not position.isdigit():
        return None
    ends = chunk.node_ends if kind == "nodes" else chunk.edge_ends
    return calls_before + bisect_right(ends, int(position)) + 1


class _BatchBase(Recorder):
    """What the sync and async batches share: recording, planning and the counts."""

    def __init__(self, *, chunk_size: int) -> None:
        if chunk_size < 1:
            raise InvalidInputError("must be at least 1", field="chunk_size")
        self.chunk_size = chunk_size
        #: Nodes and edges written so far, and the chunks they were written in.
        self.nodes_written = 0
        self.edges_written = 0
        self.chunks_written = 0
        #: Recording calls written so far: where the numbering of a failed call starts.
        self.calls_written = 0
        self._records = Records()
        self._pending = 0
        self._finished = False

    @property
    def pending(self) -> int:
        """Nodes plus edges recorded and not written yet."""
        return self._pending

    def _record(self, nodes: list[Node], edges: list[Edge]) -> None:
        if self._finished:
            raise UsageError("This batch has been written or discarded; start a new one with graph.batch().")
        self._records.add(nodes, edges)
        self._pending += len(nodes) + len(edges)

    def _plan(self) -> list[Records]:
        return plan_chunks(self._records, self.chunk_size)

    def _committed(self, chunk: Records) -> None:
        self.nodes_written += len(chunk.nodes)
        self.edges_written += len(chunk.edges)
        self.chunks_written += 1
        self.calls_written += len(chunk)
        self._pending -= chunk.items

    def _failed(self, error: MemoryGraphError, number: int, chunks: list[Records]) -> BatchWriteError:
        """Keep the records of the failed chunk and later ones, for a later ``flush()``."""
        self._records = self._records.slice(sum(map(len, chunks[: number - 1])), len(self._records))
        return BatchWriteError(
            error,
            chunk=number,
            chunks=len(chunks),
            nodes_written=self.nodes_written,
            edges_written=self.edges_written,
            call=_failed_call(error, chunks[number - 1], self.calls_written),
        )

    def _discard(self) -> None:
        self._records = Records()
        self._pending = 0
        self._finished = True


class Batch(_BatchBase):
    """Writes recorded with no I/O, written on exit in one transaction per chunk.

        with graph.batch() as batch:
            batch.add_prompt("hi", conversation=chat)

    Made by ``MemoryGraph.batch()``. Recording takes the facade's calls (``add_prompt``,
    ``add_completion(prompt_node, ...)``, ``reference``, ``add`` ...) and validates each at
    once; leaving the block with an exception discards the batch and writes nothing; call
    ``flush()`` inside the block to write what is recorded so far (to bound memory on long
    imports). Use a batch from one thread at a time.

    :param chunk_size: most nodes plus edges per transaction (default 1000).
    """

    def __init__(self, write: Write, *, chunk_size: int = 1000) -> None:
        super().__init__(chunk_size=chunk_size)
        self._write = write

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        if exc_type is not None:
            self._discard()
            return
        try:
            self.flush()
        finally:
            self._discard()

    def flush(self) -> int:
        """Write everything recorded so far, a transaction per chunk; return the items written.

        :raises BatchWriteError: naming the chunk that failed; earlier chunks stay written,
            and the failed chunk and later ones stay recorded.
        """
        chunks = self._plan()
        written = 0
        for number, chunk in enumerate(chunks, 1):
            try:
                self._write(chunk.nodes, chunk.edges, Operation.BATCH)
            except MemoryGraphError as exc:
                raise self._failed(exc, number, chunks) from exc
            self._committed(chunk)
            written += chunk.items
        self._records = Records()
        return written


class AsyncBatch(_BatchBase):
    """The asyncio twin of ``Batch``: recording is a plain call, writing is awaited.

        async with graph.batch() as batch:
            batch.add_prompt("hi", conversation=chat)

    Made by ``AsyncMemoryGraph.batch()``; see ``Batch``. Use a batch from one task at a time.

    :param chunk_size: most nodes plus edges per transaction (default 1000).
    """

    def __init__(self, write: AsyncWrite, *, chunk_size: int = 1000) -> None:
        super().__init__(chunk_size=chunk_size)
        self._write = write

    async def __aenter__(self) -> AsyncBatch:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        if exc_type is not None:
            self._discard()
            return
        try:
            await self.flush()
        finally:
            self._discard()

    async def flush(self) -> int:
        """See ``Batch.flush``."""
        chunks = self._plan()
        written = 0
        for number, chunk in enumerate(chunks, 1):
            try:
                await self._write(chunk.nodes, chunk.edges, Operation.BATCH)
            except MemoryGraphError as exc:
                raise self._failed(exc, number, chunks) from exc
            self._committed(chunk)
            written += chunk.items
        self._records = Records()
        return written
