# Async source: edit here, then run scripts/unasync.py to regenerate the sync twin.
"""Contract: the query builder's filters, order, text search, counts, paths and subgraphs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from llm_memory_graph import AsyncMemoryGraph, InvalidInputError, Node, NodeNotFoundError, Prompt

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def _ids(query: object) -> list[str]:
    page = await query.page(limit=1000)  # type: ignore[attr-defined]
    return [n.id for n in page.items]


async def _answers(graph: AsyncMemoryGraph) -> list[object]:
    """Three completions with known providers, costs, latencies and metadata."""
    prompt = await graph.add_prompt("What is the refund policy for annual plans?", created_at=T0)
    specs = [
        ("openai", "stop", 0.002, 300.0, 120, {"env": "prod", "tier": 1}),
        ("anthropic", "length", 0.02, 1500.0, 900, {"env": "dev", "tier": 2}),
        ("openai", "tool_calls", 0.2, 4000.0, 5000, {"env": "prod"}),
    ]
    answers = []
    for i, (provider, reason, cost, latency, tokens, meta) in enumerate(specs):
        answers.append(
            await graph.add_completion(
                prompt,
                f"answer {i} about refunds",
                provider=provider,
                finish_reason=reason,
                cost_usd=cost,
                latency_ms=latency,
                input_tokens=tokens,
                output_tokens=0,
                metadata=meta,
                created_at=T0 + timedelta(minutes=i + 1),
            )
        )
    return answers


async def test_query_filters_by_provider_and_finish_reason(graph: AsyncMemoryGraph) -> None:
    a, b, c = await _answers(graph)
    assert await _ids(graph.query().provider("openai")) == [a.id, c.id]  # type: ignore[attr-defined]
    assert await _ids(graph.query().finish_reason("length")) == [b.id]  # type: ignore[attr-defined]


async def test_query_filters_by_numeric_ranges(graph: AsyncMemoryGraph) -> None:
    a, b, c = await _answers(graph)
    assert await _ids(graph.query().cost(gte=0.01)) == [b.id, c.id]  # type: ignore[attr-defined]
    assert await _ids(graph.query().latency(lte=1500)) == [a.id, b.id]  # type: ignore[attr-defined]
    assert await _ids(graph.query().tokens(gte=500, lte=1000)) == [b.id]  # type: ignore[attr-defined]


async def test_query_filters_by_metadata_membership_and_presence(graph: AsyncMemoryGraph) -> None:
    a, b, _ = await _answers(graph)
    assert await _ids(graph.query().where_in("env", ["dev", "staging"])) == [b.id]  # type: ignore[attr-defined]
    assert await _ids(graph.query().has("tier")) == [a.id, b.id]  # type: ignore[attr-defined]
    assert await _ids(graph.query().where(env="prod").has("tier")) == [a.id]  # type: ignore[attr-defined]


async def test_query_filters_by_relative_time(graph: AsyncMemoryGraph) -> None:
    await graph.add_prompt("old", created_at=datetime.now(UTC) - timedelta(days=3))
    recent = await graph.add_prompt("recent", created_at=datetime.now(UTC) - timedelta(hours=1))
    assert await _ids(graph.query().since("24h")) == [recent.id]
    assert await _ids(graph.query().since(timedelta(days=7)).until("2h")) != []


async def test_query_orders_newest_first_across_pages(graph: AsyncMemoryGraph) -> None:
    made = [(await graph.add_prompt(f"p{i}", created_at=T0 + timedelta(seconds=i))).id for i in range(7)]
    query = graph.query().types("Prompt").newest()
    seen: list[str] = []
    page = await query.page(limit=3)
    while True:
        seen.extend(n.id for n in page.items)
        if page.next_cursor is None:
            break
        page = await query.page(page.next_cursor, limit=3)
    assert seen == made[::-1]


async def test_query_counts_and_finds_the_first_match(graph: AsyncMemoryGraph) -> None:
    a, _, c = await _answers(graph)
    query = graph.query().provider("openai")
    assert await query.count() == 2
    assert (await query.first()).id == a.id  # type: ignore[union-attr]
    assert (await query.newest().first()).id == c.id  # type: ignore[union-attr]
    assert await graph.query().provider("nobody").first() is None


async def test_query_streams_every_match(graph: AsyncMemoryGraph) -> None:
    made = [(await graph.add_prompt(f"p{i}", metadata={"batch": 1})).id for i in range(11)]
    streamed = [n.id async for n in graph.query().where(batch=1).astream(batch_size=4)]
    assert streamed == made


async def test_text_search_finds_every_word_and_phrase(graph: AsyncMemoryGraph) -> None:
    policy = await graph.add_document(
        "Refunds for annual plans are prorated after 30 days.", title="Refund policy"
    )
    other = await graph.add_document("Shipping takes five days.", title="Shipping")
    prompt = await graph.add_prompt("Can I get a refund on my annual plan?")
    assert set(await _ids(graph.query().text("refund*"))) == {policy.id, prompt.id}
    assert await _ids(graph.query().text('"annual plans"')) == [policy.id]
    assert await _ids(graph.query().text("days -shipping")) == [policy.id]
    assert await _ids(graph.query().text("shipping").types("Document")) == [other.id]


async def test_rewriting_a_nodes_text_replaces_what_search_finds(graph: AsyncMemoryGraph) -> None:
    doc = await graph.add_document("Refunds take thirty days.", title="Refunds")
    await graph.add(
        nodes=[doc.model_copy(update={"content": "Exchanges take a week.", "title": "Exchanges"})]
    )

    assert await graph.query().text("refunds").count() == 0
    assert await graph.query().text("thirty").count() == 0
    assert await _ids(graph.query().text("exchanges week")) == [doc.id]


async def test_a_deleted_conversations_text_is_never_found_again(graph: AsyncMemoryGraph) -> None:
    chat = await graph.start_conversation("c")
    await graph.add_prompt("Where is parcel zebra?", conversation=chat)
    await graph.delete_conversation(chat)
    await graph.register_agent("a")
    later = await graph.add_prompt("Where is parcel yak?")  # may take the deleted prompt's place

    assert await graph.query().text("zebra").count() == 0
    assert await _ids(graph.query().text("parcel")) == [later.id]


async def test_text_search_takes_operators_literally(graph: AsyncMemoryGraph) -> None:
    await graph.add_document("plain text")
    for hostile in [
        "plain OR x",
        'plain" OR "x',
        "plain) NOT (x",
        "plain^2 title:x",
        "NEAR(plain x)",
        "plain \\ x",
    ]:
        assert await graph.query().text(hostile).count() == 0


async def test_relevance_order_puts_the_best_match_first(graph: AsyncMemoryGraph) -> None:
    await graph.add_document("A note that mentions refunds once among many other words about billing.")
    best = await graph.add_document("Refunds refunds refunds: the refund policy.", title="Refunds")
    page = await graph.search("refunds")
    assert page.items[0].id == best.id
    assert len(page.items) == 2


async def test_relevance_pages_return_every_hit_once(graph: AsyncMemoryGraph) -> None:
    made = {(await graph.add_document(f"refund note {i} " + "refund " * i)).id for i in range(9)}
    seen: list[str] = []
    page = await graph.search("refund", limit=4)
    while True:
        seen.extend(n.id for n in page.items)
        if page.next_cursor is None:
            break
        page = await graph.search("refund", limit=4, cursor=page.next_cursor)
    assert len(seen) == len(set(seen)) and set(seen) == made


async def test_relevance_pages_of_a_filtered_search_hold_only_matching_hits_once(
    graph: AsyncMemoryGraph,
) -> None:
    # Issue 13, item 8: the filters and the page are applied in the search query itself.
    docs = [
        (await graph.add_document(f"refund doc {i} " + "refund " * i, created_at=T0)).id for i in range(7)
    ]
    await graph.add_prompt("refund prompt", created_at=T0)
    await graph.add_document("refund too early", created_at=T0 - timedelta(days=1))
    search = graph.query().text("refund").types("Document").since(T0).relevance()
    seen: list[str] = []
    page = await search.page(None, 3)
    for _ in range(10):
        seen.extend(n.id for n in page.items)
        if page.next_cursor is None:
            break
        page = await search.page(page.next_cursor, 3)
    assert sorted(seen) == sorted(docs) and len(seen) == len(docs)
    assert seen[0] == docs[-1]  # the document saying "refund" most often ranks first


@pytest.mark.parametrize("newest", [False, True], ids=["oldest", "newest"])
async def test_a_text_search_in_time_order_pages_every_hit_once_from_since(
    graph: AsyncMemoryGraph, newest: bool
) -> None:
    made = [
        (await graph.add_prompt(f"refund {i}", created_at=T0 + timedelta(minutes=i))).id for i in range(7)
    ]
    search = graph.query().text("refund").since(T0 + timedelta(minutes=2))
    search = search.newest() if newest else search
    seen: list[str] = []
    page = await search.page(None, 2)
    for _ in range(10):
        seen.extend(n.id for n in page.items)
        if page.next_cursor is None:
            break
        page = await search.page(page.next_cursor, 2)
    assert seen == (made[2:][::-1] if newest else made[2:])
    assert await search.count() == 5


@pytest.mark.parametrize(
    ("build", "field"),
    [
        pytest.param(lambda q: q.relevance(), "query", id="relevance-without-text"),
        pytest.param(lambda q: q.types("Prompt").latency(gte=1), "query", id="field-of-another-type"),
        pytest.param(lambda q: q.cost(gte=2, lte=1), "query.range", id="empty-range"),
        pytest.param(lambda q: q.range("colour", gte=1), "query.range", id="unknown-field"),
        pytest.param(lambda q: q.since("3 fortnights"), "since", id="bad-time"),
        pytest.param(lambda q: q.text("  -only -excluded  "), "query.text", id="nothing-to-search"),
    ],
)
async def test_invalid_queries_are_refused_before_any_io(
    graph: AsyncMemoryGraph, build: object, field: str
) -> None:
    async def run() -> None:
        await build(graph.query()).count()  # type: ignore[operator]

    with pytest.raises(InvalidInputError) as caught:
        await run()
    assert (caught.value.field or "").startswith(field)


async def test_shortest_path_crosses_edges_either_way(graph: AsyncMemoryGraph) -> None:
    doc = await graph.add_document("policy")
    prompt = await graph.add_prompt("q")
    await graph.reference(prompt, doc)
    answer = await graph.add_completion(prompt, "a")
    rating = await graph.add_feedback(answer, score=1)
    path = await graph.shortest_path(doc, rating)
    assert path is not None
    assert [n.id for n in path.nodes] == [doc.id, prompt.id, answer.id, rating.id]
    assert [e.type for e in path.edges] == ["REFERENCES", "GENERATES", "RATES"]


async def test_shortest_path_is_none_between_unconnected_nodes(graph: AsyncMemoryGraph) -> None:
    a = await graph.add_prompt("a")
    b = await graph.add_prompt("b")
    assert await graph.shortest_path(a, b) is None


async def test_shortest_path_respects_its_depth_and_edge_types(graph: AsyncMemoryGraph) -> None:
    chain = [await graph.add_prompt("p0")]
    for i in range(1, 5):
        chain.append(await graph.add_prompt(f"p{i}"))
        await graph.link_revision(chain[-1], chain[-2])
    assert await graph.shortest_path(chain[0], chain[4], max_depth=3) is None
    assert (await graph.shortest_path(chain[0], chain[4], max_depth=4)).length == 4  # type: ignore[union-attr]
    assert await graph.shortest_path(chain[0], chain[4], edge_types=["GENERATES"]) is None


async def test_shortest_path_of_an_unknown_node_raises_not_found(graph: AsyncMemoryGraph) -> None:
    a = await graph.add_prompt("a")
    with pytest.raises(NodeNotFoundError):
        await graph.shortest_path(a, Prompt(content="x").id)


async def test_conversation_graph_holds_the_items_and_what_they_touch(graph: AsyncMemoryGraph) -> None:
    chat = await graph.start_conversation()
    agent = await graph.register_agent("writer")
    other = await graph.register_agent("router")
    doc = await graph.add_document("policy")
    prompt = await graph.add_prompt("q", conversation=chat, agent=agent)
    await graph.reference(prompt, doc)
    answer = await graph.add_completion(prompt, "a")
    await graph.hand_off(other, agent, conversation=chat)
    unrelated = await graph.add_prompt("elsewhere")
    sub = await graph.conversation_graph(chat)
    ids = {n.id for n in sub.nodes}
    assert {chat.id, prompt.id, answer.id, agent.id, doc.id, other.id} == ids
    assert unrelated.id not in ids
    assert {e.type for e in sub.edges} == {
        "CONTAINS",
        "PRECEDES",
        "HANDLED_BY",
        "REFERENCES",
        "GENERATES",
        "TRANSFERS_TO",
    }
    assert all(e.source_id in ids and e.target_id in ids for e in sub.edges)


async def _long_conversation(graph: AsyncMemoryGraph, items: int) -> tuple[Node, Node]:
    chat = await graph.start_conversation(created_at=T0)
    agent = await graph.register_agent("writer")
    for i in range(items):
        await graph.add_prompt(
            f"q{i}", conversation=chat, agent=agent, created_at=T0 + timedelta(minutes=i + 1)
        )
    return chat, agent


async def test_conversation_graph_at_max_edges_keeps_the_oldest_edges_and_says_it_is_truncated(
    graph: AsyncMemoryGraph,
) -> None:
    # Issue 13, item 6: a conversation's subgraph is bounded.
    chat, _ = await _long_conversation(graph, 4)
    whole = await graph.conversation_graph(chat)
    cut = await graph.conversation_graph(chat, max_edges=5)
    assert cut.truncated and not whole.truncated
    assert cut.edges == whole.edges[:5]
    ends = {chat.id} | {i for e in cut.edges for i in (e.source_id, e.target_id)}
    assert [n.id for n in cut.nodes] == [n.id for n in whole.nodes if n.id in ends]


async def test_conversation_graph_at_max_nodes_keeps_the_edges_whose_nodes_fit(
    graph: AsyncMemoryGraph,
) -> None:
    chat, _ = await _long_conversation(graph, 4)
    whole = await graph.conversation_graph(chat)
    cut = await graph.conversation_graph(chat, max_nodes=3)
    ids = {n.id for n in cut.nodes}
    assert cut.truncated and len(ids) == 3 and chat.id in ids
    assert cut.edges == whole.edges[: len(cut.edges)] and cut.edges
    assert all(e.source_id in ids and e.target_id in ids for e in cut.edges)
    nxt = whole.edges[len(cut.edges)]
    assert not {nxt.source_id, nxt.target_id} <= ids  # the first edge left out needed a fourth node


async def test_conversation_graph_that_fits_exactly_is_not_truncated(graph: AsyncMemoryGraph) -> None:
    chat, _ = await _long_conversation(graph, 2)
    whole = await graph.conversation_graph(chat)
    exact = await graph.conversation_graph(chat, max_nodes=len(whole.nodes), max_edges=len(whole.edges))
    assert exact == whole and not exact.truncated


async def test_shortest_path_refuses_to_search_past_its_bounds(graph: AsyncMemoryGraph) -> None:
    doc = await graph.add_document("policy")
    prompts = [await graph.add_prompt(f"q{i}") for i in range(6)]
    for prompt in prompts:
        await graph.reference(prompt, doc)
    far = await graph.add_completion(prompts[0], "a")
    assert (await graph.shortest_path(doc, far)).length == 2  # type: ignore[union-attr]
    with pytest.raises(InvalidInputError) as caught:
        await graph.shortest_path(doc, far, max_nodes=4)
    assert caught.value.field == "max_nodes"
    with pytest.raises(InvalidInputError) as caught:
        await graph.shortest_path(doc, far, max_edges=5)
    assert caught.value.field == "max_edges"


async def test_why_and_impact_walk_provenance_both_ways(graph: AsyncMemoryGraph) -> None:
    doc = await graph.add_document("policy")
    prompt = await graph.add_prompt("q")
    await graph.reference(prompt, doc)
    answer = await graph.add_completion(prompt, "a")
    assert doc.id in (await graph.why(answer)).depths
    assert answer.id in (await graph.impact(doc)).depths


async def test_repeated_reads_come_from_the_cache_until_a_write(graph: AsyncMemoryGraph) -> None:
    await graph.add_prompt("q")
    assert graph.cache is not None
    first = await graph.query().types("Prompt").count()
    before = graph.cache.stats()
    again = await graph.query().types("Prompt").count()
    assert again == first and graph.cache.stats().hits == before.hits + 1
    await graph.add_prompt("r")
    assert await graph.query().types("Prompt").count() == first + 1
