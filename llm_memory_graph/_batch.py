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

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from ._recorder import Recorder
from .errors import BatchWriteError, InvalidInputError, MemoryGraphError, UsageError
from .metrics import Operation
from .schema import Edge, Node

__all__ = ["AsyncBatch", "Batch", "Chunk", "plan_chunks"]

#: What a batch writes with: the graph's write funnel.
Write = Callable[[Sequence[Node], Sequence[Edge], Operation], list[Node]]
AsyncWrite = Callable[[Sequence[Node], Sequence[Edge], Operation], Awaitable[list[Node]]]

Record = tuple[list[Node], list[Edge]]


@dataclass
class Chunk:
    """The nodes and edges of one store transaction, and the records they came from."""

    nodes: list[Node]
    edges: list[Edge]
    records: list[Record]

    @property
    def items(self) -> int:
        """Nodes plus edges."""
        return len(self.nodes) + len(self.edges)


def plan_chunks(records: Sequence[Record], chunk_size: int) -> list[Chunk]:
    """Group ``records`` into chunks of at most ``chunk_size`` nodes plus edges, in order.

    A record is never split; a record rewriting an id already in the current chunk (say, a
    conversation closed in the batch that started it) begins a new chunk.
    """
    chunks: list[Chunk] = []
    current = Chunk([], [], [])
    ids: set[str] = set()
    items = 0
    for nodes, edges in records:
        keys = [n.id for n in nodes]
        keys += [e.id for e in edges]
        if current.records and (items + len(keys) > chunk_size or not ids.isdisjoint(keys)):
            chunks.append(current)
            current, ids, items = Chunk([], [], []), set(), 0
        current.nodes += nodes
        current.edges += edges
        current.records.append((nodes, edges))
        ids.update(keys)
        items += len(keys)
    if current.records:
        chunks.append(current)
    return chunks


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
        self._records: list[Record] = []
        self._pending = 0
        self._finished = False

    @property
    def pending(self) -> int:
        """Nodes plus edges recorded and not written yet."""
        return self._pending

    def _record(self, nodes: list[Node], edges: list[Edge]) -> None:
        if self._finished:
            raise UsageError("This batch has been written or discarded; start a new one with graph.batch().")
        self._records.append((nodes, edges))
        self._pending += len(nodes) + len(edges)

    def _plan(self) -> list[Chunk]:
        return plan_chunks(self._records, self.chunk_size)

    def _committed(self, chunk: Chunk) -> None:
        self.nodes_written += len(chunk.nodes)
        self.edges_written += len(chunk.edges)
        self.chunks_written += 1
        self._pending -= chunk.items

    def _failed(self, error: MemoryGraphError, number: int, chunks: list[Chunk]) -> BatchWriteError:
        """Keep the records of the failed chunk and later ones, for a later ``flush()``."""
        self._records = self._records[sum(len(c.records) for c in chunks[: number - 1]) :]
        return BatchWriteError(
            error,
            chunk=number,
            chunks=len(chunks),
            nodes_written=self.nodes_written,
            edges_written=self.edges_written,
        )

    def _discard(self) -> None:
        self._records = []
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
        self._records = []
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
        self._records = []
        return written
