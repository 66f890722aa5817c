"""graph.buffered(): a bounded background writer, its full-queue policies, flush, close and
errors (issue 6). No test sleeps: a writer that must not drain is given a long max_delay and
a chunk larger than the queue, so it writes only when asked to.
"""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from llm_memory_graph import (
    AsyncMemoryGraph,
    BufferedWriteError,
    BufferedWriter,
    BufferFullError,
    FlushTimeoutError,
    GraphClosedError,
    InvalidInputError,
    MemoryGraph,
    NodeType,
    Prompt,
)
from llm_memory_graph.recording.buffer import _collect_young_here

#: A writer that never writes on its own: it waits an hour, and its chunk is never full.
IDLE = {"max_delay": 3600.0, "chunk_size": 100_000}

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def registry() -> CollectorRegistry:
    """A fresh Prometheus registry."""
    return CollectorRegistry()


@pytest.fixture
def graph(db_path: Path, registry: CollectorRegistry) -> Iterator[MemoryGraph]:
    """An empty embedded graph in a file, reporting to ``registry``."""
    with MemoryGraph.open(db_path, registry=registry) as opened:
        yield opened


def _prompts(graph: MemoryGraph) -> int:
    return graph.stats().nodes[NodeType.PROMPT]


def _until(condition: object, seconds: float = 10.0) -> None:
    """Spin (no sleep) until ``condition()`` holds; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not reached in time"


def test_flush_writes_everything_recorded_before_it(graph: MemoryGraph) -> None:
    chat = graph.start_conversation()
    writer = graph.buffered(**IDLE)
    for i in range(5):
        prompt = writer.add_prompt(f"q{i}", conversation=chat)
        writer.add_completion(prompt, f"a{i}")

    writer.flush(timeout=10)

    assert [n.sequence for n in graph.transcript(chat)] == list(range(1, 11))  # type: ignore[union-attr]
    writer.close()


def test_recording_does_no_io(graph: MemoryGraph) -> None:
    writer = graph.buffered(**IDLE)

    writer.add_prompt("queued")

    assert (_prompts(graph), writer.depth) == (0, 1)
    writer.close()


def test_a_full_chunk_is_written_without_being_asked(graph: MemoryGraph) -> None:
    writer = graph.buffered(max_delay=3600.0, chunk_size=3)
    for i in range(3):
        writer.add_prompt(f"q{i}")

    _until(lambda: writer.depth == 0)

    assert _prompts(graph) == 3
    writer.close()


def test_close_writes_what_is_queued(graph: MemoryGraph) -> None:
    writer = graph.buffered(**IDLE)
    writer.add_prompt("queued")

    writer.close()

    assert _prompts(graph) == 1


def test_closing_the_graph_closes_its_writers_first(db_path: Path) -> None:
    graph = MemoryGraph.open(db_path, registry=None)
    writer = graph.buffered(**IDLE)
    writer.add_prompt("queued")

    graph.close()

    with MemoryGraph.open(db_path, registry=None) as reopened:
        assert _prompts(reopened) == 1
    with pytest.raises(GraphClosedError, match="buffered writer"):
        writer.add_prompt("too late")


def test_a_full_queue_raises_when_the_policy_is_raise(graph: MemoryGraph) -> None:
    writer = graph.buffered(max_items=3, on_full="raise", **IDLE)
    prompt = writer.add_prompt("1 item")
    writer.add_completion(prompt, "2 items")

    with pytest.raises(BufferFullError, match=r"full \(3 items\)"):
        writer.add_completion(prompt, "2 more items do not fit")

    writer.close()
    assert graph.stats().nodes[NodeType.COMPLETION] == 1


def test_a_full_queue_drops_and_counts_when_the_policy_is_drop(
    graph: MemoryGraph, registry: CollectorRegistry
) -> None:
    writer = graph.buffered(max_items=2, on_full="drop", **IDLE)
    prompt = writer.add_prompt("kept")
    writer.add_completion(prompt, "dropped, with its edge")
    writer.add_prompt("kept too")

    writer.close()

    assert writer.dropped["queue_full"] == 2
    assert (
        registry.get_sample_value("llm_memory_graph_buffer_dropped_items_total", {"reason": "queue_full"})
        == 2
    )
    assert (_prompts(graph), graph.stats().nodes[NodeType.COMPLETION]) == (2, 0)


def test_a_full_queue_blocks_the_caller_until_the_writer_has_made_room(graph: MemoryGraph) -> None:
    writer = graph.buffered(max_items=2, on_full="block", **IDLE)  # writes only when full
    writer.add_prompt("one")
    writer.add_prompt("two")

    producer = threading.Thread(target=writer.add_prompt, args=("three: waits for room",))
    producer.start()
    producer.join(timeout=10)

    assert not producer.is_alive()
    assert writer.max_depth == 2  # the queue never held more than max_items
    writer.close()
    assert _prompts(graph) == 3


def test_a_full_queue_is_written_without_waiting_for_max_delay(graph: MemoryGraph) -> None:
    writer = graph.buffered(max_items=2, on_full="drop", **IDLE)
    writer.add_prompt("one")
    writer.add_prompt("two")
    writer.add_prompt("three: dropped, and the full queue is written now")

    _until(lambda: writer.depth == 0)

    assert (_prompts(graph), writer.dropped["queue_full"]) == (2, 1)
    writer.close()


def test_a_call_larger_than_the_queue_is_refused_whatever_the_policy(graph: MemoryGraph) -> None:
    writer = graph.buffered(max_items=1, on_full="block", **IDLE)
    prompt = Prompt(content="p")

    with pytest.raises(BufferFullError):
        writer.add_completion(prompt, "a node and an edge: 2 items")
    writer.close()


def test_flush_gives_up_when_its_timeout_passes(db_path: Path) -> None:
    with MemoryGraph.open(db_path, registry=None) as graph:
        graph.add_prompt("file created")
        writer = graph.buffered(**IDLE)
        writer.add_prompt("stuck behind a lock")
        blocker = sqlite3.connect(db_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            started = time.monotonic()
            with pytest.raises(FlushTimeoutError, match=r"still unwritten after 0\.05 s") as raised:
                writer.flush(timeout=0.05)
            assert time.monotonic() - started < 2.0
            assert raised.value.pending == 1
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        writer.flush(timeout=30)
        assert _prompts(graph) == 2


def test_a_write_error_is_raised_by_the_next_flush(graph: MemoryGraph) -> None:
    writer = graph.buffered(**IDLE)
    writer.add_completion(Prompt(content="never written"), "refused: no prompt")

    with pytest.raises(BufferedWriteError, match="could not write 2 item") as raised:
        writer.flush(timeout=10)

    assert isinstance(raised.value.errors[0], InvalidInputError)
    assert raised.value.items == 2
    writer.close()


def test_a_write_error_is_raised_by_the_next_recording_call_which_records_nothing(
    graph: MemoryGraph,
) -> None:
    writer = graph.buffered(max_delay=3600.0, chunk_size=1)
    writer.add_completion(Prompt(content="never written"), "refused")
    _until(lambda: writer.depth == 0)

    with pytest.raises(BufferedWriteError):
        writer.add_prompt("not recorded: the call raised")

    writer.add_prompt("recorded: the error was reported once")
    writer.close()
    assert _prompts(graph) == 1


def test_a_write_error_is_raised_by_close(graph: MemoryGraph) -> None:
    writer = graph.buffered(**IDLE)
    writer.add_completion(Prompt(content="never written"), "refused")

    with pytest.raises(BufferedWriteError):
        writer.close()


def test_one_bad_record_does_not_sink_the_rest_of_its_chunk(
    graph: MemoryGraph, registry: CollectorRegistry
) -> None:
    writer = graph.buffered(**IDLE)
    writer.add_prompt("good before")
    writer.add_completion(Prompt(content="never written"), "bad")
    writer.add_prompt("good after")

    with pytest.raises(BufferedWriteError):
        writer.flush(timeout=10)

    assert _prompts(graph) == 2
    assert writer.dropped["invalid"] == 2
    assert (
        registry.get_sample_value("llm_memory_graph_buffer_dropped_items_total", {"reason": "invalid"}) == 2
    )
    writer.close()


def test_four_threads_recording_at_once_lose_nothing(graph: MemoryGraph) -> None:
    chat = graph.start_conversation()
    writer = graph.buffered(max_items=50, max_delay=0.01, chunk_size=20, on_full="block")

    def produce(thread: int) -> None:
        for i in range(100):
            writer.add_prompt(f"{thread}-{i}", conversation=chat)

    producers = [threading.Thread(target=produce, args=(t,)) for t in range(4)]
    for producer in producers:
        producer.start()
    for producer in producers:
        producer.join()
    writer.close()

    sequences = [n.sequence for n in graph.transcript(chat)]  # type: ignore[union-attr]
    assert sequences == list(range(1, 401))
    assert writer.max_depth <= 50


def test_bad_settings_are_refused(graph: MemoryGraph) -> None:
    with pytest.raises(InvalidInputError, match="on_full"):
        graph.buffered(on_full="wait")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="max_items"):
        graph.buffered(max_items=0)


def test_a_writer_nobody_holds_is_collected_after_writing_its_queue(graph: MemoryGraph) -> None:
    writer = graph.buffered(**IDLE)
    writer.add_prompt("written by the finalizer's drain")
    thread = writer._thread
    ref = weakref.ref(writer)

    del writer
    gc.collect()
    thread.join(timeout=10)

    assert ref() is None
    assert _prompts(graph) == 1


@pytest.mark.slow
def test_a_writer_left_open_is_flushed_at_interpreter_exit(tmp_path: Path) -> None:
    db = tmp_path / "exit.db"
    script = textwrap.dedent(
        f"""
        from llm_memory_graph import MemoryGraph
        graph = MemoryGraph.open({str(db)!r}, registry=None)
        writer = graph.buffered(max_delay=3600.0, chunk_size=100_000)
        for i in range(50):
            writer.add_prompt(f"q{{i}}")
        print("recorded", writer.depth, flush=True)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )

    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "recorded 50", "")
    with MemoryGraph.open(db, registry=None) as graph:
        assert _prompts(graph) == 50


async def test_async_writer_records_without_awaiting_and_flushes(db_path: Path) -> None:
    async with AsyncMemoryGraph.open(db_path, registry=None) as graph:
        chat = await graph.start_conversation()
        async with graph.buffered(**IDLE) as writer:
            prompt = writer.add_prompt("hi", conversation=chat)
            writer.add_completion(prompt, "hello")
            await writer.flush(timeout=10)
            assert len(await graph.transcript(chat)) == 2


async def test_async_writer_refuses_the_block_policy(db_path: Path) -> None:
    async with AsyncMemoryGraph.open(db_path, registry=None) as graph:
        with pytest.raises(InvalidInputError, match="stall the event loop"):
            graph.buffered(on_full="block")


async def test_async_writer_raises_write_errors_on_flush(db_path: Path) -> None:
    async with AsyncMemoryGraph.open(db_path, registry=None) as graph:
        writer = graph.buffered(**IDLE)
        writer.add_completion(Prompt(content="never written"), "refused")
        with pytest.raises(BufferedWriteError):
            await writer.flush(timeout=10)
        await writer.aclose()


def test_async_writer_writes_its_queue_when_the_event_loop_shuts_down(db_path: Path) -> None:
    async def main() -> None:
        graph = AsyncMemoryGraph.open(db_path, registry=None)
        writer = graph.buffered(**IDLE)
        for i in range(3):
            writer.add_prompt(f"q{i}")
        # returns without closing: asyncio.run cancels the writer's task, which drains first

    asyncio.run(main())

    with MemoryGraph.open(db_path, registry=None) as graph:
        assert _prompts(graph) == 3


def test_the_writer_class_is_exported_for_annotations() -> None:
    assert BufferedWriter.__module__ == "llm_memory_graph.recording.buffer"


@pytest.fixture
def collections_by_thread() -> Iterator[dict[int, int]]:
    """Garbage collections run while the test runs, by the thread that ran them, at the
    interpreter's default threshold.
    """
    counts: dict[int, int] = {}

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            thread = threading.get_ident()
            counts[thread] = counts.get(thread, 0) + 1

    threshold = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    gc.callbacks.append(count)
    try:
        yield counts
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*threshold)


def test_recording_near_a_young_collection_wakes_the_writer_thread_to_run_it(
    graph: MemoryGraph, collections_by_thread: dict[int, int]
) -> None:
    writer = graph.buffered(**IDLE)
    gc.collect()
    collections_by_thread.clear()

    while gc.get_count()[0] < 350:  # halfway to the threshold: the writer is asked
        writer.add_prompt("q", metadata={"turn": 1})
    _until(lambda: collections_by_thread.get(writer._thread.ident))  # type: ignore[arg-type]

    assert list(collections_by_thread) == [writer._thread.ident]
    writer.close()


def test_collect_young_here_runs_the_next_automatic_collection_on_the_calling_thread(
    collections_by_thread: dict[int, int],
) -> None:
    gc.collect()
    collections_by_thread.clear()

    _collect_young_here()

    assert collections_by_thread == {threading.get_ident(): 1}
    assert gc.get_count()[0] < 10


def test_nothing_asks_the_writer_thread_to_collect_while_collection_is_off(
    graph: MemoryGraph, collections_by_thread: dict[int, int]
) -> None:
    writer = graph.buffered(**IDLE)
    gc.collect()
    gc.disable()
    try:
        while gc.get_count()[0] < 600:
            writer.add_prompt("q", metadata={"turn": 1})
        requested = writer._queue.collection_requested
    finally:
        gc.enable()

    assert not requested
    writer.close()
