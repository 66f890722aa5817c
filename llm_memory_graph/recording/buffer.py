"""``graph.buffered()``: a background writer for services that record on the hot path.

    writer = graph.buffered(max_items=10_000, max_delay=0.25, on_full="drop")
    prompt = writer.add_prompt("Where is my order?", conversation=chat)   # no I/O
    writer.add_completion(prompt, "It ships today.", response_model="gpt-4o")
    writer.flush(timeout=5)     # or writer.close(); the graph's close() closes it too

Recording validates and builds the nodes and edges on the caller's thread, then appends
them to a bounded queue; a writer thread (``BufferedWriter``) or task
(``AsyncBufferedWriter``) writes the queue in chunks, one store transaction each, as soon
as ``chunk_size`` items are waiting or the oldest has waited ``max_delay`` seconds.

Items are nodes plus edges. When the queue is full, ``on_full`` decides: ``"block"`` waits
for room (sync writer only), ``"raise"`` raises ``BufferFullError``, ``"drop"`` drops the
call's items and counts them (``dropped``, and the ``llm_memory_graph_buffer_dropped_items_
total{reason="queue_full"}`` metric). A chunk the store refuses is retried record by
record so one bad record does not sink its neighbours; what still fails is dropped,
counted by reason, and reported by ``BufferedWriteError`` on the next call, ``flush()`` or
``close()`` (the call that raises records nothing). Store failures that may pass (a locked
file, a lost Neo4j leader) are retried by the store itself before that.

Queued nodes keep the interpreter's young-generation count rising, so recording would run
most garbage collections on the caller's thread. When the count nears its threshold, the
caller wakes ``BufferedWriter``'s thread, which runs that collection instead (see
``_collect_young_here``); the asyncio writer shares its callers' thread and cannot.
"""

from __future__ import annotations

import abc
import asyncio
import atexit
import gc
import logging
import threading
import time
import weakref
from typing import Literal

from ..errors import (
    BufferedWriteError,
    BufferFullError,
    FlushTimeoutError,
    GraphClosedError,
    InvalidInputError,
    MemoryGraphError,
    NotFoundError,
    UsageError,
)
from ..metrics import DropReason, GraphMetrics, Operation
from ..schema import Edge, Node
from .batch import AsyncWrite, Records, Write, plan_chunks
from .recorder import Recorder

__all__ = ["AsyncBufferedWriter", "BufferedWriter", "OnFull"]

log = logging.getLogger(__name__)

#: What a full queue does to the next call.
OnFull = Literal["block", "raise", "drop"]

#: Errors kept for the next ``BufferedWriteError``; the rest are only counted.
_KEPT_ERRORS = 10


class _Queue:
    """The state a writer and its callers share, under one lock; no I/O."""

    def __init__(
        self, *, max_items: int, max_delay: float, chunk_size: int, metrics: GraphMetrics | None
    ) -> None:
        self.max_items = max_items
        self.max_delay = max_delay
        self.chunk_size = chunk_size
        self.metrics = metrics
        self.lock = threading.Lock()
        self.wake = threading.Condition(self.lock)  # the writer thread waits here
        self.not_full = threading.Condition(self.lock)  # blocked callers wait here
        self.progress = threading.Condition(self.lock)  # flushers wait here
        self.records = Records()
        self.queued = 0  # items waiting in ``records``
        self.pending = 0  # items accepted and not yet written or dropped
        self.accepted = 0  # items accepted so far
        self.done = 0  # items written or dropped so far
        self.oldest = 0.0
        self.caught_up = time.monotonic()
        self.max_depth = 0
        self.flush_requested = False
        self.collection_requested = False
        self.closing = False
        self.stopped = False
        self.errors: list[BaseException] = []
        self.failed_items = 0
        self.dropped: dict[str, int] = dict.fromkeys(DropReason, 0)

    def ready(self, now: float) -> float | None:
        """0 when the writer should take the queue now, else seconds to wait (``None``: idle)."""
        if not self.records:
            self.caught_up = now
            return None
        if self.closing or self.flush_requested or self.queued >= self.chunk_size:
            return 0.0
        return max(0.0, self.oldest + self.max_delay - now)

    def take(self) -> Records:
        """Hand the writer everything queued."""
        records, self.records = self.records, Records()
        self.queued = 0
        self.flush_requested = False
        return records

    def finished(self, items: int) -> None:
        """Mark ``items`` written or dropped; wake blocked callers and flushers."""
        self.pending -= items
        self.done += items
        self.not_full.notify_all()
        self.progress.notify_all()

    def drop(self, reason: DropReason, items: int) -> None:
        self.dropped[reason] += items
        if self.metrics is not None:
            self.metrics.drop(reason, items)

    def failed(self, error: BaseException, items: int, reason: DropReason) -> None:
        """Drop ``items`` the store refused, keeping the error for the caller."""
        with self.lock:
            if len(self.errors) < _KEPT_ERRORS:
                self.errors.append(error)
            self.failed_items += items
            self.drop(reason, items)
        log.warning("buffered writer dropped %d item(s) after %s", items, type(error).__name__)

    def take_errors(self) -> BufferedWriteError:
        with self.lock:
            error = BufferedWriteError(self.errors, items=self.failed_items)
            self.errors, self.failed_items = [], 0
        return error


class _WriterBase(Recorder):
    """Recording into the queue, and what both writers report."""

    #: Whether the writer runs on a thread of its own, which can take the young garbage
    #: collections that recording would otherwise trigger on the caller's thread.
    _hands_off_collections = False

    def __init__(
        self,
        *,
        max_items: int,
        max_delay: float,
        on_full: OnFull,
        chunk_size: int,
        metrics: GraphMetrics | None,
    ) -> None:
        if max_items < 1:
            raise InvalidInputError("must be at least 1", field="max_items")
        if max_delay <= 0:
            raise InvalidInputError("must be positive", field="max_delay")
        if chunk_size < 1:
            raise InvalidInputError("must be at least 1", field="chunk_size")
        if on_full not in ("block", "raise", "drop"):
            raise InvalidInputError(f"expected 'block', 'raise' or 'drop', got {on_full!r}", field="on_full")
        self.on_full = on_full
        self._queue = _Queue(max_items=max_items, max_delay=max_delay, chunk_size=chunk_size, metrics=metrics)
        if metrics is not None:
            metrics.watch_writer(self)

    @property
    def depth(self) -> int:
        """Nodes plus edges accepted and not yet written (queued or being written)."""
        return self._queue.pending

    @property
    def max_depth(self) -> int:
        """The largest ``depth`` seen so far."""
        return self._queue.max_depth

    @property
    def dropped(self) -> dict[str, int]:
        """Nodes plus edges dropped so far, by reason (``queue_full``, ``invalid``, ``write_failed``)."""
        with self._queue.lock:
            return {str(reason): count for reason, count in self._queue.dropped.items()}

    def last_flush_age(self) -> float:
        """Seconds since the writer last caught up: wrote a chunk, or found nothing to write."""
        return time.monotonic() - self._queue.caught_up

    def _record(self, nodes: list[Node], edges: list[Edge]) -> None:
        q = self._queue
        if q.errors:
            raise q.take_errors()
        size = len(nodes) + len(edges)
        with q.lock:
            if q.closing or q.stopped:
                raise GraphClosedError("buffered writer")
            if q.pending + size > q.max_items:
                q.flush_requested = True  # a full queue is written now, not after max_delay
                self._wake()
                if self.on_full == "drop" and size <= q.max_items:
                    q.drop(DropReason.QUEUE_FULL, size)
                    return
                if self.on_full != "block" or size > q.max_items:
                    raise BufferFullError(max_items=q.max_items, items=size)
                # Wait for the queue to drain to half, not for the first free slot: callers
                # woken after every chunk would take the GIL back from the writer each time.
                room = max(q.max_items // 2, size)
                while q.pending + size > room:
                    q.not_full.wait()
                    if q.closing or q.stopped:
                        raise GraphClosedError("buffered writer")
            first = not q.records
            q.records.add(nodes, edges)
            q.queued += size
            q.pending += size
            q.accepted += size
            if q.pending > q.max_depth:
                q.max_depth = q.pending
            if first:
                q.oldest = time.monotonic()
            if first or q.queued >= q.chunk_size:
                self._wake()
            elif self._hands_off_collections and not q.collection_requested and _young_collection_near():
                q.collection_requested = True
                self._wake()

    @abc.abstractmethod
    def _wake(self) -> None:
        """Tell the writer there is work; called with the queue's lock held."""

    def _check_errors(self) -> None:
        if self._queue.errors:
            raise self._queue.take_errors()


#: How full the youngest generation may get before the writer thread is asked to collect it.
_NEAR = 0.5


def _young_collection_near() -> bool:
    """Whether the interpreter's next young collection is near (and collection is on)."""
    threshold = gc.get_threshold()[0]
    return threshold > 0 and gc.get_count()[0] >= threshold * _NEAR and gc.isenabled()


def _collect_young_here() -> None:
    """Let the interpreter's next automatic collection run on this thread, now.

    CPython counts the container objects allocated since its last collection and collects
    when the count passes ``gc.get_threshold()[0]``, on whichever thread allocates then.
    Recorded nodes wait in the queue, so recording raises the count by about four objects
    a node, and without this the caller's thread would run most collections: 35 µs or more
    each, in the middle of a recording call. Allocating the rest of the count here runs
    that collection on the writer's thread instead, and the interpreter still chooses which
    generation it collects, as it would have.
    """
    threshold = gc.get_threshold()[0]
    if threshold <= 0 or not gc.isenabled():
        return
    # Sets, unlike lists, tuples and dicts, come from no free list: each one counts.
    spare: list[set[None]] = [set() for _ in range(threshold + 1 - gc.get_count()[0])]
    del spare


def _split(chunk: Records) -> list[Records]:
    """The chunk's records as chunks of their own, to isolate a record the store refuses."""
    return [chunk.slice(i, i + 1) for i in range(len(chunk))]


# ---------------------------------------------------------------- the thread writer

_open_writers: weakref.WeakSet[BufferedWriter] = weakref.WeakSet()
_exit_hook_lock = threading.Lock()
_exit_hook_registered = False


def _close_at_exit() -> None:
    """Write what every open writer still holds before the interpreter exits."""
    for writer in list(_open_writers):
        try:
            writer.close(timeout=writer.exit_timeout)
        except MemoryGraphError as exc:
            log.warning("buffered writer lost items at exit: %s", type(exc).__name__)


def _register_exit_hook() -> None:
    global _exit_hook_registered
    with _exit_hook_lock:
        if not _exit_hook_registered:
            atexit.register(_close_at_exit)
            _exit_hook_registered = True


def _write_chunk(q: _Queue, write: Write, chunk: Records) -> None:
    """Write one chunk; on refusal, record by record; drop and keep what still fails."""
    try:
        write(chunk.nodes, chunk.edges, Operation.BUFFERED)
    except (InvalidInputError, NotFoundError) as exc:
        if len(chunk) == 1:
            q.failed(exc, chunk.items, DropReason.INVALID)
            return
        for part in _split(chunk):
            _write_chunk(q, write, part)
        return
    except Exception as exc:  # any failure must reach the caller, not kill the thread
        q.failed(exc, chunk.items, DropReason.WRITE_FAILED)
        return
    with q.lock:
        q.caught_up = time.monotonic()


def _run_thread(q: _Queue, write: Write) -> None:
    """The writer thread: holds the queue and the graph's write, never the writer object,
    so a writer nobody references can be collected (its finalizer then stops this loop).
    """
    try:
        while True:
            with q.lock:
                while True:
                    if q.closing and not q.records:
                        return
                    if q.collection_requested:
                        q.collection_requested = False
                        records = None
                        break
                    wait = q.ready(time.monotonic())
                    if wait == 0:
                        records = q.take()
                        break
                    q.wake.wait(q.max_delay if wait is None else wait)
            if records is None:
                _collect_young_here()
                continue
            for chunk in plan_chunks(records, q.chunk_size):
                _write_chunk(q, write, chunk)
                with q.lock:
                    q.finished(chunk.items)
    finally:
        with q.lock:
            q.stopped = True
            q.not_full.notify_all()
            q.progress.notify_all()


def _stop_soon(q: _Queue) -> None:
    """Ask the writer thread to write what is queued and stop (the writer was collected)."""
    with q.lock:
        q.closing = True
        q.wake.notify()


class BufferedWriter(_WriterBase):
    """Records on the caller's thread with no I/O; a background thread writes in chunks.

        with graph.buffered(max_items=10_000, on_full="drop") as writer:
            writer.add_prompt("hi", conversation=chat)

    Made by ``MemoryGraph.buffered()``; the module docstring explains the queue, the
    full-queue policies and how errors reach you. Safe to share between threads. The
    writer is closed (everything queued written) by ``close()``, by the graph's
    ``close()``, and at interpreter exit (waiting up to ``exit_timeout`` seconds); the exit
    hook holds writers weakly, so it keeps no graph alive.

    :param write: the graph's write funnel.
    :param max_items: most nodes plus edges waiting (default 10,000).
    :param max_delay: most seconds an item waits before its chunk is written (default 0.25).
    :param on_full: ``"block"`` (default), ``"raise"`` or ``"drop"``.
    :param chunk_size: most nodes plus edges per store transaction (default 1000).
    :param exit_timeout: seconds the exit hook waits for the queue to drain (default 10).
    :param metrics: where drops, queue depth and flush age are reported, or ``None``.
    """

    _hands_off_collections = True

    def __init__(
        self,
        write: Write,
        *,
        max_items: int = 10_000,
        max_delay: float = 0.25,
        on_full: OnFull | None = None,
        chunk_size: int = 1000,
        exit_timeout: float = 10.0,
        metrics: GraphMetrics | None = None,
    ) -> None:
        super().__init__(
            max_items=max_items,
            max_delay=max_delay,
            on_full=on_full or "block",
            chunk_size=chunk_size,
            metrics=metrics,
        )
        self.exit_timeout = exit_timeout
        self._thread = threading.Thread(
            target=_run_thread, args=(self._queue, write), name="llm-memory-graph-writer", daemon=True
        )
        self._thread.start()
        finalizer = weakref.finalize(self, _stop_soon, self._queue)
        finalizer.atexit = False  # the exit hook closes open writers, waiting for them
        _register_exit_hook()
        _open_writers.add(self)

    def __enter__(self) -> BufferedWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _wake(self) -> None:
        self._queue.wake.notify()

    def flush(self, timeout: float | None = None) -> None:
        """Wait until everything recorded before this call is written (or dropped).

        :param timeout: most seconds to wait; ``None`` waits as long as it takes.
        :raises FlushTimeoutError: if ``timeout`` passed first; the items stay queued.
        :raises BufferedWriteError: if the writer failed to write items since the last report.
        """
        q = self._queue
        deadline = None if timeout is None else time.monotonic() + timeout
        with q.lock:
            target = q.accepted
            q.flush_requested = True
            q.wake.notify()
            while q.done < target and not q.stopped:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise FlushTimeoutError(timeout=timeout or 0.0, pending=target - q.done)
                q.progress.wait(remaining)
        self._check_errors()

    def close(self, timeout: float | None = None) -> None:
        """Write everything queued, then stop the writer; later calls raise ``GraphClosedError``.

        :param timeout: most seconds to wait for the queue to drain; ``None`` waits.
        :raises FlushTimeoutError: if ``timeout`` passed first (the thread keeps writing).
        :raises BufferedWriteError: if the writer failed to write items since the last report.
        """
        q = self._queue
        with q.lock:
            q.closing = True
            q.wake.notify()
            q.not_full.notify_all()
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise FlushTimeoutError(timeout=timeout or 0.0, pending=q.pending)
        _open_writers.discard(self)
        self._check_errors()


# ---------------------------------------------------------------- the asyncio writer


class AsyncBufferedWriter(_WriterBase):
    """The asyncio twin of ``BufferedWriter``: recording is a plain call with no I/O, and a
    task on the event loop writes in chunks.

        async with graph.buffered(on_full="drop") as writer:
            writer.add_prompt("hi", conversation=chat)     # no await: nothing blocks
            await writer.flush(timeout=5)

    Made by ``AsyncMemoryGraph.buffered()``. Record from coroutines on the loop (a call
    from another thread is handed to the loop safely). ``on_full="block"`` is refused: it
    would stall the event loop; use ``"raise"`` or ``"drop"``, and await ``flush()`` to make
    room. The task is started by the first call, and closed by ``aclose()``, by the
    graph's ``aclose()``, or when the loop shuts down (``asyncio.run`` cancels it, and it
    writes what is queued before it stops). Parameters are ``BufferedWriter``'s.
    """

    def __init__(
        self,
        write: AsyncWrite,
        *,
        max_items: int = 10_000,
        max_delay: float = 0.25,
        on_full: OnFull | None = None,
        chunk_size: int = 1000,
        exit_timeout: float = 10.0,
        metrics: GraphMetrics | None = None,
    ) -> None:
        on_full = on_full or "raise"
        if on_full == "block":
            raise InvalidInputError(
                "'block' would stall the event loop; use 'raise' or 'drop', and await flush() to make room",
                field="on_full",
            )
        super().__init__(
            max_items=max_items, max_delay=max_delay, on_full=on_full, chunk_size=chunk_size, metrics=metrics
        )
        self.exit_timeout = exit_timeout
        self._write = write
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0
        self._task: asyncio.Task[None] | None = None
        self._work = asyncio.Event()
        self._progress = asyncio.Event()
        self._unwritten: list[Records] = []

    async def __aenter__(self) -> AsyncBufferedWriter:
        self._start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def _start(self) -> None:
        if self._task is not None:
            return
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            raise UsageError(
                "An AsyncBufferedWriter records from inside a running event loop; use "
                "MemoryGraph.buffered() from plain threads."
            ) from None
        self._loop_thread = threading.get_ident()
        self._task = self._loop.create_task(self._run(), name="llm-memory-graph-writer")

    def _record(self, nodes: list[Node], edges: list[Edge]) -> None:
        if self._task is None:
            self._start()
        super()._record(nodes, edges)

    def _wake(self) -> None:
        if threading.get_ident() == self._loop_thread:
            self._work.set()
        elif self._loop is not None:
            self._loop.call_soon_threadsafe(self._work.set)

    async def _run(self) -> None:
        q = self._queue
        try:
            while True:
                with q.lock:
                    if q.closing and not q.records:
                        return
                    wait = q.ready(time.monotonic())
                    records = q.take() if wait == 0 else None
                if records is None:
                    self._work.clear()
                    try:
                        async with asyncio.timeout(q.max_delay if wait is None else wait):
                            await self._work.wait()
                    except TimeoutError:
                        pass
                    continue
                self._unwritten = plan_chunks(records, q.chunk_size)
                await self._write_unwritten()
        except asyncio.CancelledError:
            # The loop is shutting down: write the interrupted chunk again (writes are
            # idempotent by id) and whatever is queued, then stop.
            with q.lock:
                q.closing = True
                self._unwritten += plan_chunks(q.take(), q.chunk_size)
            await self._write_unwritten()
            raise
        finally:
            with q.lock:
                q.stopped = True
            self._progress.set()

    async def _write_unwritten(self) -> None:
        q = self._queue
        while self._unwritten:
            chunk = self._unwritten[0]
            await self._write_chunk(chunk)
            self._unwritten.pop(0)
            with q.lock:
                q.finished(chunk.items)
            self._progress.set()

    async def _write_chunk(self, chunk: Records) -> None:
        q = self._queue
        try:
            await self._write(chunk.nodes, chunk.edges, Operation.BUFFERED)
        except (InvalidInputError, NotFoundError) as exc:
            if len(chunk) == 1:
                q.failed(exc, chunk.items, DropReason.INVALID)
                return
            for part in _split(chunk):
                await self._write_chunk(part)
            return
        except Exception as exc:  # any failure must reach the caller, not kill the task
            q.failed(exc, chunk.items, DropReason.WRITE_FAILED)
            return
        with q.lock:
            q.caught_up = time.monotonic()

    async def flush(self, timeout: float | None = None) -> None:
        """See ``BufferedWriter.flush``."""
        q = self._queue
        with q.lock:
            target = q.accepted
            q.flush_requested = True
        if self._task is not None:
            self._work.set()
        try:
            async with asyncio.timeout(timeout):
                while q.done < target and not q.stopped:
                    self._progress.clear()
                    await self._progress.wait()
        except TimeoutError:
            raise FlushTimeoutError(timeout=timeout or 0.0, pending=target - q.done) from None
        self._check_errors()

    async def aclose(self, timeout: float | None = None) -> None:
        """See ``BufferedWriter.close``."""
        q = self._queue
        with q.lock:
            q.closing = True
        if self._task is not None and not self._task.done():
            self._work.set()
            try:
                await asyncio.wait_for(asyncio.shield(self._task), timeout)
            except TimeoutError:
                raise FlushTimeoutError(timeout=timeout or 0.0, pending=q.pending) from None
        self._check_errors()
