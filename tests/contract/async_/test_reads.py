# Async source: edit here, then run scripts/unasync.py to regenerate the sync twin.
"""Contract: filters, keyset pages, streams, neighbours and transcripts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from llm_memory_graph import (
    AsyncMemoryGraph,
    InvalidCursorError,
    InvalidInputError,
    NodeNotFoundError,
    Prompt,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def _ids(graph: AsyncMemoryGraph, **filters: object) -> list[str]:
    page = await graph.find(limit=10_000, **filters)  # type: ignore[arg-type]
    return [n.id for n in page.items]


async def test_find_returns_nodes_oldest_first(graph: AsyncMemoryGraph) -> None:
    later = await graph.add_prompt("b", created_at=T0 + timedelta(seconds=1))
    earlier = await graph.add_prompt("a", created_at=T0)
    assert await _ids(graph) == [earlier.id, later.id]


async def test_find_filters_by_type(graph: AsyncMemoryGraph) -> None:
    prompt = await graph.add_prompt("q")
    answer = await graph.add_completion(prompt, "a")
    assert await _ids(graph, types="Completion") == [answer.id]
    assert await _ids(graph, types=["Prompt", "Completion"]) == [prompt.id, answer.id]


async def test_find_filters_by_time_range_with_since_inclusive_and_until_exclusive(
    graph: AsyncMemoryGraph,
) -> None:
    nodes = [await graph.add_prompt(f"p{i}", created_at=T0 + timedelta(minutes=i)) for i in range(4)]
    found = await _ids(graph, since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=3))
    assert found == [nodes[1].id, nodes[2].id]


async def test_find_filters_by_conversation_agent_and_user(graph: AsyncMemoryGraph) -> None:
    chat = await graph.start_conversation(user_id="u-1")
    agent = await graph.register_agent("researcher")
    inside = await graph.add_prompt("in", conversation=chat, agent=agent)
    await graph.add_prompt("out")
    assert await _ids(graph, conversation=chat) == [inside.id]
    assert await _ids(graph, agent=agent) == [inside.id]
    assert await _ids(graph, user_id="u-1", types="Prompt") == [inside.id]


async def test_find_model_matches_requested_or_responding_model(graph: AsyncMemoryGraph) -> None:
    prompt = await graph.add_prompt("q")
    asked = await graph.add_completion(
        prompt, "a", request_model="gpt-4o", response_model="gpt-4o-2024-08-06"
    )
    other = await graph.add_completion(prompt, "b", request_model="claude-sonnet-4")
    assert await _ids(graph, model="gpt-4o") == [asked.id]
    assert await _ids(graph, model="gpt-4o-2024-08-06") == [asked.id]
    assert await _ids(graph, model="claude-sonnet-4") == [other.id]


async def test_find_matches_metadata_by_equality(graph: AsyncMemoryGraph) -> None:
    prod = await graph.add_prompt("a", metadata={"env": "prod", "attempt": 3, "beta": True})
    await graph.add_prompt("b", metadata={"env": "dev", "attempt": 1})
    await graph.add_prompt("c", metadata={"nested": {"env": "prod"}})
    assert await _ids(graph, metadata={"env": "prod"}) == [prod.id]
    assert await _ids(graph, metadata={"env": "prod", "attempt": 3.0}) == [prod.id]
    assert await _ids(graph, metadata={"beta": True}) == [prod.id]
    assert await _ids(graph, metadata={"beta": 1}) == []
    assert await _ids(graph, metadata={"attempt": "3"}) == []


async def test_find_filters_by_name(graph: AsyncMemoryGraph) -> None:
    agent = await graph.register_agent("writer")
    prompt = await graph.add_prompt("q")
    answer = await graph.add_completion(prompt, "")
    call = await graph.add_tool_invocation(answer, "search_docs")
    assert await _ids(graph, name="writer") == [agent.id]
    assert await _ids(graph, name="search_docs") == [call.id]


async def test_pages_return_every_node_once_while_nodes_are_added(graph: AsyncMemoryGraph) -> None:
    original = {(await graph.add_prompt(f"p{i}")).id for i in range(25)}
    seen: list[str] = []
    page = await graph.find(types="Prompt", limit=4)
    while True:
        seen.extend(n.id for n in page.items)
        await graph.add_prompt("added while paging")
        if page.next_cursor is None:
            break
        page = await graph.find(types="Prompt", limit=4, cursor=page.next_cursor)
    assert len(seen) == len(set(seen))
    assert original <= set(seen)


async def test_the_last_page_has_no_cursor(graph: AsyncMemoryGraph) -> None:
    for i in range(3):
        await graph.add_prompt(f"p{i}")
    page = await graph.find(limit=3)
    assert len(page.items) == 3 and page.next_cursor is None


async def test_find_rejects_a_cursor_it_did_not_make(graph: AsyncMemoryGraph) -> None:
    with pytest.raises(InvalidCursorError):
        await graph.find(cursor="not-a-cursor")


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        pytest.param({"types": "Banana"}, "filter.types.0", id="unknown-type"),
        pytest.param({"limit": 0}, "limit", id="zero-limit"),
        pytest.param({"since": datetime(2026, 1, 1)}, "filter.since", id="naive-datetime"),
        pytest.param({"since": T0, "until": T0}, "filter", id="empty-range"),
        pytest.param({"metadata": {"bad key": 1}}, "filter.metadata", id="bad-metadata-key"),
    ],
)
async def test_find_rejects_bad_filters_naming_the_field(
    graph: AsyncMemoryGraph, filters: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await graph.find(**filters)  # type: ignore[arg-type]
    assert caught.value.field == field


async def test_stream_yields_every_match_in_order(graph: AsyncMemoryGraph) -> None:
    made = [(await graph.add_prompt(f"p{i}")).id for i in range(23)]
    await graph.add_document("not a prompt")
    streamed = [n.id async for n in graph.stream(types="Prompt", batch_size=5)]
    assert streamed == made


async def test_neighbors_follow_arrow_direction_and_edge_types(graph: AsyncMemoryGraph) -> None:
    prompt = await graph.add_prompt("q")
    doc = await graph.add_document("d")
    await graph.reference(prompt, doc, score=0.9, rank=1)
    answer = await graph.add_completion(prompt, "a")
    out = await graph.neighbors(prompt, direction="out")
    assert [(n.edge.type, n.node.id) for n in out] == [("REFERENCES", doc.id), ("GENERATES", answer.id)]
    assert [n.node.id for n in await graph.neighbors(doc, direction="in")] == [prompt.id]
    only = await graph.neighbors(prompt, edge_types=["GENERATES"])
    assert [n.node.id for n in only] == [answer.id]


async def test_neighbors_of_an_unknown_node_raise_not_found(graph: AsyncMemoryGraph) -> None:
    with pytest.raises(NodeNotFoundError):
        await graph.neighbors(Prompt(content="x").id)


async def test_transcript_lists_items_in_append_order(graph: AsyncMemoryGraph) -> None:
    chat = await graph.start_conversation()
    prompt = await graph.add_prompt("q", conversation=chat, created_at=T0 + timedelta(hours=1))
    context = await graph.attach_context("system text", to=prompt, conversation=chat, created_at=T0)
    answer = await graph.add_completion(prompt, "a")
    feedback = await graph.add_feedback(answer, label="helpful")
    items = await graph.transcript(chat)
    assert [n.id for n in items] == [prompt.id, context.id, answer.id, feedback.id]
    assert [n.sequence for n in items] == [1, 2, 3, 4]  # type: ignore[union-attr]


async def test_transcript_of_something_not_a_conversation_is_refused(graph: AsyncMemoryGraph) -> None:
    prompt = await graph.add_prompt("q")
    with pytest.raises(InvalidInputError, match="not a Conversation"):
        await graph.transcript(prompt)


# Issue 13, item 6: transcripts and neighbours come in pages.


async def test_transcript_pages_follow_the_cursor_and_say_when_more_follow(graph: AsyncMemoryGraph) -> None:
    chat = await graph.start_conversation()
    made = [(await graph.add_prompt(f"q{i}", conversation=chat)).id for i in range(5)]
    pages = [await graph.transcript(chat, limit=2)]
    while pages[-1].next_cursor is not None:
        pages.append(await graph.transcript(chat, limit=2, cursor=pages[-1].next_cursor))
    assert [[n.id for n in page] for page in pages] == [made[0:2], made[2:4], made[4:5]]
    assert [page.truncated for page in pages] == [True, True, False]


async def test_a_transcript_that_fills_its_page_exactly_is_not_truncated(graph: AsyncMemoryGraph) -> None:
    chat = await graph.start_conversation()
    for i in range(3):
        await graph.add_prompt(f"q{i}", conversation=chat)
    page = await graph.transcript(chat, limit=3)
    assert len(page) == 3 and not page.truncated and page.next_cursor is None


async def test_iter_transcript_yields_every_item_in_order(graph: AsyncMemoryGraph) -> None:
    chat = await graph.start_conversation()
    made = [(await graph.add_prompt(f"q{i}", conversation=chat)).id for i in range(7)]
    assert [n.id async for n in graph.iter_transcript(chat, batch_size=3)] == made


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        pytest.param({"limit": 0}, "limit", id="empty-page"),
        pytest.param({"limit": 10_001}, "limit", id="page-too-large"),
        pytest.param({"cursor": "bm90LWEtY3Vyc29y"}, "cursor", id="foreign-cursor"),
    ],
)
async def test_transcript_rejects_bad_pages_naming_the_field(
    graph: AsyncMemoryGraph, arguments: dict[str, object], field: str
) -> None:
    chat = await graph.start_conversation()
    with pytest.raises(InvalidInputError) as caught:
        await graph.transcript(chat, **arguments)  # type: ignore[arg-type]
    assert caught.value.field == field


async def test_neighbor_pages_follow_the_cursor_in_edge_order(graph: AsyncMemoryGraph) -> None:
    agent = await graph.register_agent("busy")
    handled = [
        (await graph.add_prompt(f"q{i}", agent=agent, created_at=T0 + timedelta(minutes=i))).id
        for i in range(5)
    ]
    pages = [await graph.neighbors(agent, direction="in", limit=2)]
    while pages[-1].next_cursor is not None:
        pages.append(await graph.neighbors(agent, direction="in", limit=2, cursor=pages[-1].next_cursor))
    assert [[n.node.id for n in page] for page in pages] == [handled[0:2], handled[2:4], handled[4:5]]
    assert [page.truncated for page in pages] == [True, True, False]


async def test_iter_neighbors_yields_every_neighbor_once_both_ways(graph: AsyncMemoryGraph) -> None:
    prompt = await graph.add_prompt("q")
    docs = [await graph.add_document(f"d{i}") for i in range(3)]
    for doc in docs:
        await graph.reference(prompt, doc)
    answer = await graph.add_completion(prompt, "a")
    await graph.link(await graph.add_prompt("later"), prompt, "DEPENDS_ON")
    every = await graph.neighbors(prompt)
    streamed = [(n.edge.id, n.node.id) async for n in graph.iter_neighbors(prompt, batch_size=2)]
    assert streamed == [(n.edge.id, n.node.id) for n in every] and len(streamed) == 5
    assert answer.id in {node_id for _, node_id in streamed}


async def test_neighbors_reject_a_page_too_large(graph: AsyncMemoryGraph) -> None:
    prompt = await graph.add_prompt("q")
    with pytest.raises(InvalidInputError) as caught:
        await graph.neighbors(prompt, limit=10_001)
    assert caught.value.field == "limit"
