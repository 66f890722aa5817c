# Generated from llm_memory_graph/_async/writes.py by scripts/unasync.py; do not edit.
"""The batch and buffered-writer methods of ``MemoryGraph``.

The work is done in ``_batch.py`` and ``_buffer.py``; these methods make a batch or a
writer that writes through the graph's one write funnel, and close the writers with the
graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..arguments import GraphState, require_open
from ..errors import MemoryGraphError
from ..recording.batch import Batch
from ..recording.buffer import BufferedWriter, OnFull

if TYPE_CHECKING:
    import weakref
    from collections.abc import Sequence

    from ..metrics import GraphMetrics, Operation
    from ..pricing import PriceTable
    from ..schema import Edge, Node

__all__ = ["_WriteMethods"]


class _WriteMethods:
    """Batches and buffered writers, mixed into ``MemoryGraph``."""

    if TYPE_CHECKING:  # what the methods use of the graph they are mixed into
        _state: GraphState
        _metrics: GraphMetrics | None
        _writers: weakref.WeakSet[BufferedWriter]
        prices: PriceTable | None

        def _write(
            self, nodes: Sequence[Node], edges: Sequence[Edge], operation: Operation = ...
        ) -> list[Node]: ...

    def batch(self, *, chunk_size: int = 1000) -> Batch:
        """Collect writes with no I/O, then write them on exit, one transaction per chunk.

            with graph.batch() as batch:
                prompt = batch.add_prompt("hi", conversation=chat)
                batch.add_completion(prompt, "hello")

        :param chunk_size: most nodes plus edges per transaction (default 1000). A failed
            chunk raises ``BatchWriteError`` naming it; chunks before it stay written.
        """
        require_open(self._state)
        batch = Batch(self._write, chunk_size=chunk_size)
        batch.prices = self.prices
        return batch

    def buffered(
        self,
        *,
        max_items: int = 10_000,
        max_delay: float = 0.25,
        on_full: OnFull | None = None,
        chunk_size: int = 1000,
        exit_timeout: float = 10.0,
    ) -> BufferedWriter:
        """Return a writer that records with no I/O and writes in the background, in chunks.

        :param max_items: most nodes plus edges waiting (default 10,000).
        :param max_delay: most seconds a recorded item waits to be written (default 0.25).
        :param on_full: what a full queue does: ``"block"`` until there is room (sync only,
            its default), ``"raise"`` ``BufferFullError`` (the async default), or ``"drop"``
            the call's items, counted by reason. ``None`` takes the default.
        :param chunk_size: most nodes plus edges per transaction (default 1000).
        :param exit_timeout: seconds the interpreter's exit waits for the sync writer.
        """
        require_open(self._state)
        writer = BufferedWriter(
            self._write,
            max_items=max_items,
            max_delay=max_delay,
            on_full=on_full,
            chunk_size=chunk_size,
            exit_timeout=exit_timeout,
            metrics=self._metrics,
        )
        writer.prices = self.prices
        self._writers.add(writer)
        return writer

    def _close_writers(self) -> list[MemoryGraphError]:
        """Close every writer of the graph (each writes what it holds); return their errors."""
        failures: list[MemoryGraphError] = []
        for writer in list(self._writers):
            try:
                writer.close()
            except MemoryGraphError as exc:  # close the others first, then report it
                failures.append(exc)
        return failures
