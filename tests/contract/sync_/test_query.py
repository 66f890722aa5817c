# Generated from tests/contract/async_/test_query.py by scripts/unasync.py; do not edit.
"""Contract: the query builder's filters, order, text search, counts, paths and subgraphs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from llm_memory_graph import MemoryGraph, InvalidInputError, Node, NodeNotFoundError, Prompt

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _ids(query: object) -> list[str]:
    page = query.page(limit=1000)  # type: ignore[attr-defined]
    return [n.id for n in page.items]


def _answers(graph: MemoryGraph) -> list[object]:
    """Three completions with known providers, costs, latencies and metadata."""
    prompt = graph.add_prompt("What is the refund policy for annual plans?", created_at=T0)
    specs = [
        ("openai", "stop", 0.002, 300.0, 120, {"env": "prod", "tier": 1}),
        ("anthropic", "length", 0.02, 1500.0, 900, {"env": "dev", "tier": 2}),
        ("openai", "tool_calls", 0.2, 4000.0, 5000, {"env": "prod"}),
    ]
    answers = []
    for i, (provider, reason, cost, latency, tokens, meta) in enumerate(specs):
        answers.append(
            graph.add_completion(
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


def test_query_filters_by_provider_and_finish_reason(graph: MemoryGraph) -> None:
    a, b, c = _answers(graph)
    assert _ids(graph.query().provider("openai")) == [a.id, c.id]  # type: ignore[attr-defined]
    assert _ids(graph.query().finish_reason("length")) == [b.id]  # type: ignore[attr-defined]


def test_query_filters_by_numeric_ranges(graph: MemoryGraph) -> None:
    a, b, c = _answers(graph)
    assert _ids(graph.query().cost(gte=0.01)) == [b.id, c.id]  # type: ignore[attr-defined]
    assert _ids(graph.query().latency(lte=1500)) == [a.id, b.id]  # type: ignore[attr-defined]
    assert _ids(graph.query().tokens(gte=500, lte=1000)) == [b.id]  # type: ignore[attr-defined]


def test_query_filters_by_metadata_membership_and_presence(graph: MemoryGraph) -> None:
    a, b, _ = _answers(graph)
    assert _ids(graph.query().where_in("env", ["dev", "staging"])) == [b.id]  # type: ignore[attr-defined]
    assert _ids(graph.query().has("tier")) == [a.id, b.id]  # type: ignore[attr-defined]
    assert _ids(graph.query().where(env="prod").has("tier")) == [a.id]  # type: ignore[attr-defined]


def test_query_filters_by_relative_time(graph: MemoryGraph) -> None:
    graph.add_prompt("old", created_at=datetime.now(UTC) - timedelta(days=3))
    recent = graph.add_prompt("recent", created_at=datetime.now(UTC) - timedelta(hours=1))
    assert _ids(graph.query().since("24h")) == [recent.id]
    assert _ids(graph.query().since(timedelta(days=7)).until("2h")) != []


def test_query_orders_newest_first_across_pages(graph: MemoryGraph) -> None:
    made = [(graph.add_prompt(f"p{i}", created_at=T0 + timedelta(seconds=i))).id for i in range(7)]
    query = graph.query().types("Prompt").newest()
    seen: list[str] = []
    page = query.page(limit=3)
    while True:
        seen.extend(n.id for n in page.items)
        if page.next_cursor is None:
            break
        page = query.page(page.next_cursor, limit=3)
    assert seen == made[::-1]


def test_query_counts_and_finds_the_first_match(graph: MemoryGraph) -> None:
    a, _, c = _answers(graph)
    query = graph.query().provider("openai")
    assert query.count() == 2
    assert (query.first()).id == a.id  # type: ignore[union-attr]
    assert (query.newest().first()).id == c.id  # type: ignore[union-attr]
    assert graph.query().provider("nobody").first() is None


def test_query_streams_every_match(graph: MemoryGraph) -> None:
    made = [(graph.add_prompt(f"p{i}", metadata={"batch": 1})).id for i in range(11)]
    streamed = [n.id for n in graph.query().where(batch=1).stream(batch_size=4)]
    assert streamed == made


def test_text_search_finds_every_word_and_phrase(graph: MemoryGraph) -> None:
    policy = graph.add_document(
        "Refunds for annual plans are prorated after 30 days.", title="Refund policy"
    )
    other = graph.add_document("Shipping takes five days.", title="Shipping")
    prompt = graph.add_prompt("Can I get a refund on my annual plan?")
    assert set(_ids(graph.query().text("refund*"))) == {policy.id, prompt.id}
    assert _ids(graph.query().text('"annual plans"')) == [policy.id]
    assert _ids(graph.query().text("days -shipping")) == [policy.id]
    assert _ids(graph.query().text("shipping").types("Document")) == [other.id]


def test_rewriting_a_nodes_text_replaces_what_search_finds(graph: MemoryGraph) -> None:
    doc = graph.add_document("Refunds take thirty days.", title="Refunds")
    graph.add(
        nodes=[doc.model_copy(update={"content": "Exchanges take a week.", "title": "Exchanges"})]
    )

    assert graph.query().text("refunds").count() == 0
    assert graph.query().text("thirty").count() == 0
    assert _ids(graph.query().text("exchanges week")) == [doc.id]


def test_a_deleted_conversations_text_is_never_found_again(graph: MemoryGraph) -> None:
    chat = graph.start_conversation("c")
    graph.add_prompt("Where is parcel zebra?", conversation=chat)
    graph.delete_conversation(chat)
    graph.register_agent("a")
    later = graph.add_prompt("Where is parcel yak?")  # may take the deleted prompt's place

    assert graph.query().text("zebra").count() == 0
    assert _ids(graph.query().text("parcel")) == [later.id]


def test_text_search_takes_operators_literally(graph: MemoryGraph) -> None:
    graph.add_document("plain text")
    for hostile in [
        "plain OR x",
        'plain" OR "x',
        "plain) NOT (x",
        "plain^2 title:x",
        "NEAR(plain x)",
        "plain \\ x",
    ]:
        assert graph.query().text(hostile).count() == 0


def test_relevance_order_puts_the_best_match_first(graph: MemoryGraph) -> None:
    graph.add_document("A note that mentions refunds once among many other words about billing.")
    best = graph.add_document("Refunds refunds refunds: the refund policy.", title="Refunds")
    page = graph.search("refunds")
    assert page.items[0].id == best.id
    assert len(page.items) == 2


def test_relevance_pages_return_every_hit_once(graph: MemoryGraph) -> None:
    made = {(graph.add_document(f"refund note {i} " + "refund " * i)).id for i in range(9)}
    seen: list[str] = []
    page = graph.search("refund", limit=4)
    while True:
        seen.extend(n.id for n in page.items)
        if page.next_cursor is None:
            break
        page = graph.search("refund", limit=4, cursor=page.next_cursor)
    assert len(seen) == len(set(seen)) and set(seen) == made


def test_relevance_pages_of_a_filtered_search_hold_only_matching_hits_once(
    graph: MemoryGraph,
) -> None:
    # Issue 13, item 8: the filters and the page are applied in the search query itself.
    docs = [
        (graph.add_document(f"refund doc {i} " + "refund " * i, created_at=T0)).id for i in range(7)
    ]
    graph.add_prompt("refund prompt", created_at=T0)
    graph.add_document("refund too early", created_at=T0 - timedelta(days=1))
    search = graph.query().text("refund").types("Document").since(T0).relevance()
    seen: list[str] = []
    page = search.page(None, 3)
    for _ in range(10):
        seen.extend(n.id for n in page.items)
        if page.next_cursor is None:
            break
        page = search.page(page.next_cursor, 3)
    assert sorted(seen) == sorted(docs) and len(seen) == len(docs)
    assert seen[0] == docs[-1]  # the document saying "refund" most often ranks first


@pytest.mark.parametrize("newest", [False, True], ids=["oldest", "newest"])
def test_a_text_search_in_time_order_pages_every_hit_once_from_since(
    graph: MemoryGraph, newest: bool
) -> None:
    made = [
        (graph.add_prompt(f"refund {i}", created_at=T0 + timedelta(minutes=i))).id for i in range(7)
    ]
    search = graph.query().text("refund").since(T0 + timedelta(minutes=2))
    search = search.newest() if newest else search
    seen: list[str] = []
    page = search.page(None, 2)
    for _ in range(10):
        seen.extend(n.id for n in page.items)
        if page.next_cursor is None:
            break
        page = search.page(page.next_cursor, 2)
    assert seen == (made[2:][::-1] if newest else made[2:])
    assert search.count() == 5


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
def test_invalid_queries_are_refused_before_any_io(
    graph: MemoryGraph, build: object, field: str
) -> None:
    def run() -> None:
        build(graph.query()).count()  # type: ignore[operator]

    with pytest.raises(InvalidInputError) as caught:
        run()
    assert (caught.value.field or "").startswith(field)


def test_shortest_path_crosses_edges_either_way(graph: MemoryGraph) -> None:
    doc = graph.add_document("policy")
    prompt = graph.add_prompt("q")
    graph.reference(prompt, doc)
    answer = graph.add_completion(prompt, "a")
    rating = graph.add_feedback(answer, score=1)
    path = graph.shortest_path(doc, rating)
    assert path is not None
    assert [n.id for n in path.nodes] == [doc.id, prompt.id, answer.id, rating.id]
    assert [e.type for e in path.edges] == ["REFERENCES", "GENERATES", "RATES"]


def test_shortest_path_is_none_between_unconnected_nodes(graph: MemoryGraph) -> None:
    a = graph.add_prompt("a")
    b = graph.add_prompt("b")
    assert graph.shortest_path(a, b) is None


def test_shortest_path_respects_its_depth_and_edge_types(graph: MemoryGraph) -> None:
    chain = [graph.add_prompt("p0")]
    for i in range(1, 5):
        chain.append(graph.add_prompt(f"p{i}"))
        graph.link_revision(chain[-1], chain[-2])
    assert graph.shortest_path(chain[0], chain[4], max_depth=3) is None
    assert (graph.shortest_path(chain[0], chain[4], max_depth=4)).length == 4  # type: ignore[union-attr]
    assert graph.shortest_path(chain[0], chain[4], edge_types=["GENERATES"]) is None


def test_shortest_path_of_an_unknown_node_raises_not_found(graph: MemoryGraph) -> None:
    a = graph.add_prompt("a")
    with pytest.raises(NodeNotFoundError):
        graph.shortest_path(a, Prompt(content="x").id)


def test_conversation_graph_holds_the_items_and_what_they_touch(graph: MemoryGraph) -> None:
    chat = graph.start_conversation()
    agent = graph.register_agent("writer")
    other = graph.register_agent("router")
    doc = graph.add_document("policy")
    prompt = graph.add_prompt("q", conversation=chat, agent=agent)
    graph.reference(prompt, doc)
    answer = graph.add_completion(prompt, "a")
    graph.hand_off(other, agent, conversation=chat)
    unrelated = graph.add_prompt("elsewhere")
    sub = graph.conversation_graph(chat)
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


def _long_conversation(graph: MemoryGraph, items: int) -> tuple[Node, Node]:
    chat = graph.start_conversation(created_at=T0)
    agent = graph.register_agent("writer")
    for i in range(items):
        graph.add_prompt(
            f"q{i}", conversation=chat, agent=agent, created_at=T0 + timedelta(minutes=i + 1)
        )
    return chat, agent


def test_conversation_graph_at_max_edges_keeps_the_oldest_edges_and_says_it_is_truncated(
    graph: MemoryGraph,
) -> None:
    # Issue 13, item 6: a conversation's subgraph is bounded.
    chat, _ = _long_conversation(graph, 4)
    whole = graph.conversation_graph(chat)
    cut = graph.conversation_graph(chat, max_edges=5)
    assert cut.truncated and not whole.truncated
    assert cut.edges == whole.edges[:5]
    ends = {chat.id} | {i for e in cut.edges for i in (e.source_id, e.target_id)}
    assert [n.id for n in cut.nodes] == [n.id for n in whole.nodes if n.id in ends]


def test_conversation_graph_at_max_nodes_keeps_the_edges_whose_nodes_fit(
    graph: MemoryGraph,
) -> None:
    chat, _ = _long_conversation(graph, 4)
    whole = graph.conversation_graph(chat)
    cut = graph.conversation_graph(chat, max_nodes=3)
    ids = {n.id for n in cut.nodes}
    assert cut.truncated and len(ids) == 3 and chat.id in ids
    assert cut.edges == whole.edges[: len(cut.edges)] and cut.edges
    assert all(e.source_id in ids and e.target_id in ids for e in cut.edges)
    nxt = whole.edges[len(cut.edges)]
    assert not {nxt.source_id, nxt.target_id} <= ids  # the first edge left out needed a fourth node


def test_conversation_graph_that_fits_exactly_is_not_truncated(graph: MemoryGraph) -> None:
    chat, _ = _long_conversation(graph, 2)
    whole = graph.conversation_graph(chat)
    exact = graph.conversation_graph(chat, max_nodes=len(whole.nodes), max_edges=len(whole.edges))
    assert exact == whole and not exact.truncated


def test_shortest_path_refuses_to_search_past_its_bounds(graph: MemoryGraph) -> None:
    doc = graph.add_document("policy")
    prompts = [graph.add_prompt(f"q{i}") for i in range(6)]
    for prompt in prompts:
        graph.reference(prompt, doc)
    far = graph.add_completion(prompts[0], "a")
    assert (graph.shortest_path(doc, far)).length == 2  # type: ignore[union-attr]
    with pytest.raises(InvalidInputError) as caught:
        graph.shortest_path(doc, far, max_nodes=4)
    assert caught.value.field == "max_nodes"
    with pytest.raises(InvalidInputError) as caught:
        graph.shortest_path(doc, far, max_edges=5)
    assert caught.value.field == "max_edges"


def test_why_and_impact_walk_provenance_both_ways(graph: MemoryGraph) -> None:
    doc = graph.add_document("policy")
    prompt = graph.add_prompt("q")
    graph.reference(prompt, doc)
    answer = graph.add_completion(prompt, "a")
    assert doc.id in (graph.why(answer)).depths
    assert answer.id in (graph.impact(doc)).depths


def test_repeated_reads_come_from_the_cache_until_a_write(graph: MemoryGraph) -> None:
    graph.add_prompt("q")
    assert graph.cache is not None
    first = graph.query().types("Prompt").count()
    before = graph.cache.stats()
    again = graph.query().types("Prompt").count()
    assert again == first and graph.cache.stats().hits == before.hits + 1
    graph.add_prompt("r")
    assert graph.query().types("Prompt").count() == first + 1
