"""graph.batch(): record with no I/O, write a transaction per chunk, chunks atomic (issue 6)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry

from llm_memory_graph import (
    AsyncMemoryGraph,
    BatchWriteError,
    EdgeEndpointError,
    GraphClosedError,
    InvalidInputError,
    MemoryGraph,
    NodeType,
    Prompt,
    UsageError,
)
from llm_memory_graph.recording.batch import Records, plan_chunks
from llm_memory_graph.schema import Edge, Generates, Node
from llm_memory_graph.schema.ids import new_id


@pytest.fixture
def registry() -> CollectorRegistry:
    """A fresh Prometheus registry."""
    return CollectorRegistry()


@pytest.fixture
def graph(db_path: Path, registry: CollectorRegistry) -> MemoryGraph:
    """An empty embedded graph reporting to ``registry``."""
    with MemoryGraph.open(db_path, registry=registry) as opened:
        yield opened  # type: ignore[misc]


def _count(graph: MemoryGraph, node_type: NodeType) -> int:
    return graph.stats().nodes[node_type]


def test_batch_writes_every_recorded_item_when_the_block_ends(graph: MemoryGraph) -> None:
    chat = graph.start_conversation("support")

    with graph.batch() as batch:
        for i in range(3):
            prompt = batch.add_prompt(f"question {i}", conversation=chat)
            batch.add_completion(prompt, f"answer {i}")
        assert _count(graph, NodeType.PROMPT) == 0

    assert [n.type for n in graph.transcript(chat)] == [NodeType.PROMPT, NodeType.COMPLETION] * 3
    assert [n.sequence for n in graph.transcript(chat)] == [1, 2, 3, 4, 5, 6]  # type: ignore[union-attr]


def test_batch_writes_one_transaction_per_chunk(graph: MemoryGraph, registry: CollectorRegistry) -> None:
    with graph.batch(chunk_size=4) as batch:
        prompts = [batch.add_prompt(f"q{i}") for i in range(4)]  # 1 item each: one chunk
        for prompt in prompts:
            batch.add_completion(prompt, "a")  # a completion and its GENERATES edge: 2 per chunk

    assert batch.chunks_written == 3
    assert (batch.nodes_written, batch.edges_written) == (8, 4)
    assert registry.get_sample_value("llm_memory_graph_batch_items_count", {"operation": "batch"}) == 3
    assert registry.get_sample_value("llm_memory_graph_batch_items_sum", {"operation": "batch"}) == 12


def _records(*records: tuple[list[Node], list[Edge]]) -> Records:
    kept = Records()
    for nodes, edges in records:
        kept.add(nodes, edges)
    return kept


def test_a_record_is_never_split_between_chunks() -> None:
    prompt = Prompt(content="p")
    last = ([prompt], [Generates(source_id=prompt.id, target_id=Prompt(content="x").id)])
    records = _records(*[([Prompt(content=str(i))], []) for i in range(5)], last)

    chunks = plan_chunks(records, 2)

    assert [c.items for c in chunks] == [2, 2, 1, 2]
    assert len(chunks[-1]) == 1 and chunks[-1].record(0) == last


def test_a_record_larger_than_a_chunk_is_a_chunk_of_its_own() -> None:
    big = ([Prompt(content=str(i)) for i in range(5)], [])

    chunks = plan_chunks(_records(([Prompt(content="a")], []), big), 2)

    assert [c.items for c in chunks] == [1, 5]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.booleans()), min_size=1, max_size=30),
    st.integers(1, 8),
)
def test_chunks_hold_every_record_in_order_within_the_size_and_never_repeat_an_id(
    shapes: list[tuple[int, int, bool]], chunk_size: int
) -> None:
    records, earlier = Records(), [Prompt(content="first")]
    for nodes, edges, rewrite in shapes:
        made: list[Node] = [Prompt(content="n") for _ in range(nodes)]
        if rewrite:  # a record rewriting a node recorded before
            made.append(earlier[-1])
        linked: list[Edge] = [Generates(source_id=new_id(), target_id=new_id()) for _ in range(edges)]
        if made or linked:
            records.add(made, linked)
        earlier += made

    chunks = plan_chunks(records, chunk_size)

    assert [r for c in chunks for r in map(c.record, range(len(c)))] == list(
        map(records.record, range(len(records)))
    )
    for chunk in chunks:
        assert chunk.items <= chunk_size or len(chunk) == 1
        ids = [n.id for n in chunk.nodes] + [e.id for e in chunk.edges]
        assert len(set(ids)) == len(ids)
    for chunk, following in pairwise(chunks):  # each chunk as full as allowed
        nodes, edges = following.record(0)
        next_ids = {n.id for n in nodes} | {e.id for e in edges}
        ids = {n.id for n in chunk.nodes} | {e.id for e in chunk.edges}
        assert chunk.items + len(next_ids) > chunk_size or not ids.isdisjoint(next_ids)


def test_rewriting_an_id_in_the_batch_starts_a_new_chunk(graph: MemoryGraph) -> None:
    with graph.batch() as batch:
        chat = batch.start_conversation("short")
        batch.add_prompt("only question", conversation=chat)
        batch.close_conversation(chat)

    assert batch.chunks_written == 2
    stored = graph.get(chat.id)
    assert stored.status == "closed"  # type: ignore[union-attr]
    assert stored.item_count == 1  # type: ignore[union-attr]


def test_a_failed_chunk_is_rolled_back_and_earlier_chunks_stay(graph: MemoryGraph) -> None:
    missing = Prompt(content="never written")

    def record() -> None:
        with graph.batch(chunk_size=3) as batch:
            for i in range(3):
                batch.add_prompt(f"chunk 1, kept {i}")
            batch.add_completion(missing, "chunk 2: its prompt is not in the store")
            batch.add_prompt("chunk 2, rolled back with it")
            batch.add_prompt("chunk 3, never written")

    with pytest.raises(BatchWriteError) as raised:
        record()

    assert [p.content for p in graph.find(types="Prompt").items] == [  # type: ignore[union-attr]
        "chunk 1, kept 0",
        "chunk 1, kept 1",
        "chunk 1, kept 2",
    ]
    assert _count(graph, NodeType.COMPLETION) == 0
    assert (raised.value.chunk, raised.value.chunks) == (2, 3)


def test_the_batch_error_names_the_chunk_and_carries_the_store_error(graph: MemoryGraph) -> None:
    def record() -> None:
        with graph.batch(chunk_size=1) as batch:
            batch.add_prompt("kept")
            batch.link(Prompt(content="nowhere"), Prompt(content="nobody"), "DERIVED_FROM")

    with pytest.raises(BatchWriteError) as raised:
        record()

    error = raised.value
    assert isinstance(error.error, EdgeEndpointError)
    assert error.__cause__ is error.error
    assert (error.nodes_written, error.edges_written) == (1, 0)
    assert str(error).startswith(
        "batch chunk 2 of 2 failed at recorded call 2 and was rolled back; chunks 1-1 stay written"
    )


def test_the_batch_error_counts_the_refused_call_from_the_batch_start(graph: MemoryGraph) -> None:
    stored = graph.add_prompt("stored")

    def record() -> None:
        with graph.batch(chunk_size=4) as batch:
            for i in range(5):
                batch.add_prompt(f"fine {i}")
            batch.add_prompt("its revision source is missing")
            batch.link_revision(stored, Prompt(content="never stored"))
            batch.add_prompt("after it")

    with pytest.raises(BatchWriteError) as raised:
        record()

    assert raised.value.call == 7
    assert "at recorded call 7 " in str(raised.value)


def test_a_link_between_nodes_it_cannot_join_is_refused_when_recorded(graph: MemoryGraph) -> None:
    with graph.batch(chunk_size=2) as batch:
        prompt = batch.add_prompt("q")
        answer = batch.add_completion(prompt, "a")
        with pytest.raises(EdgeEndpointError, match="GENERATES cannot join a Completion to a Prompt"):
            batch.link(answer, prompt, "GENERATES")
        assert batch.pending == 3  # the prompt, the answer, GENERATES: nothing of the refused call

    assert graph.stats().total_nodes == 2


def test_an_explicit_flush_keeps_the_failed_chunk_for_another_try(graph: MemoryGraph) -> None:
    with graph.batch(chunk_size=1) as batch:
        prompt = Prompt(content="written late")
        batch.add_completion(prompt, "answer")
        with pytest.raises(BatchWriteError):
            batch.flush()
        assert batch.pending == 2
        graph.add([prompt])

    assert _count(graph, NodeType.COMPLETION) == 1


def test_a_batch_whose_block_raises_writes_nothing(graph: MemoryGraph) -> None:
    def record() -> None:
        with graph.batch() as batch:
            batch.add_prompt("discarded")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        record()

    assert _count(graph, NodeType.PROMPT) == 0


def test_invalid_input_is_refused_when_recorded_and_records_nothing(graph: MemoryGraph) -> None:
    with graph.batch() as batch:
        prompt = batch.add_prompt("fine")
        with pytest.raises(InvalidInputError, match="input_tokens"):
            batch.add_completion(prompt, "bad", input_tokens=-1)
        assert batch.pending == 1

    assert _count(graph, NodeType.COMPLETION) == 0


def test_batch_add_completion_needs_the_prompt_itself_not_its_id(graph: MemoryGraph) -> None:
    prompt = graph.add_prompt("stored")

    with graph.batch() as batch, pytest.raises(InvalidInputError, match="pass the Prompt itself"):
        batch.add_completion(prompt.id, "answer")  # type: ignore[arg-type]


def test_store_kept_edge_types_are_refused_when_recorded(graph: MemoryGraph) -> None:
    a, b = graph.add_prompt("a"), graph.add_prompt("b")

    with graph.batch() as batch, pytest.raises(InvalidInputError, match="kept by the store"):
        batch.link(a, b, "PRECEDES")


def test_recording_after_the_batch_was_written_is_a_usage_error(graph: MemoryGraph) -> None:
    with graph.batch() as batch:
        batch.add_prompt("one")

    with pytest.raises(UsageError, match="start a new one"):
        batch.add_prompt("two")


def test_a_closed_graph_refuses_to_start_a_batch(db_path: Path) -> None:
    graph = MemoryGraph.open(db_path, registry=None)
    graph.close()

    with pytest.raises(GraphClosedError):
        graph.batch()


def test_chunk_size_must_be_positive(graph: MemoryGraph) -> None:
    with pytest.raises(InvalidInputError, match="chunk_size"):
        graph.batch(chunk_size=0)


async def test_async_batch_writes_when_the_block_ends(db_path: Path) -> None:
    async with AsyncMemoryGraph.open(db_path, registry=None) as graph:
        chat = await graph.start_conversation()
        async with graph.batch() as batch:
            prompt = batch.add_prompt("hi", conversation=chat)
            batch.add_completion(prompt, "hello")

        assert [n.type for n in await graph.transcript(chat)] == [NodeType.PROMPT, NodeType.COMPLETION]


async def test_async_batch_failed_chunk_raises_and_keeps_earlier_chunks(db_path: Path) -> None:
    async with AsyncMemoryGraph.open(db_path, registry=None) as graph:

        async def record() -> None:
            async with graph.batch(chunk_size=1) as batch:
                batch.add_prompt("kept")
                batch.add_completion(Prompt(content="missing"), "lost")

        with pytest.raises(BatchWriteError, match="chunk 2 of 2"):
            await record()

        assert (await graph.stats()).nodes[NodeType.PROMPT] == 1
