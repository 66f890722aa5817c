"""The write path's shortcuts build exactly what the slow, validated way builds (issue 6:
they were added to make batched ingest faster, and must not change what is stored).
"""

from __future__ import annotations

import os
import random
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_memory_graph import InvalidInputError, MemoryGraph
from llm_memory_graph.schema import (
    PLAIN_EDGES,
    Contains,
    Edge,
    EdgeBase,
    EdgeType,
    HandledBy,
    NodeType,
    Precedes,
    Prompt,
    References,
)
from llm_memory_graph.schema.ids import new_id
from llm_memory_graph.stores.sqlite import _sql as sql
from llm_memory_graph.stores.sqlite._rows import edge_data
from llm_memory_graph.stores.upsert import (
    ConversationState,
    ExistingNode,
    KeptEdge,
    _replace,
    check_batch,
    kept_edge_id,
    plan_upsert,
)

_RANDOM = random.Random(6)


def test_a_repeated_id_is_refused_where_it_repeats() -> None:
    first, second = Prompt(content="a"), Prompt(content="b")
    with pytest.raises(InvalidInputError, match=f"id {first.id} appears twice") as caught:
        check_batch([first, second, first], [])
    assert caught.value.field == "nodes.2.id"


def test_a_store_kept_edge_is_refused_where_it_stands() -> None:
    chat, prompt = new_id(), Prompt(content="a")
    edges: list[Edge] = [
        References(source_id=prompt.id, target_id=new_id()),
        Contains(source_id=chat, target_id=prompt.id, position=1),
    ]
    with pytest.raises(InvalidInputError, match="CONTAINS edges are kept by the store") as caught:
        check_batch([prompt], edges)
    assert caught.value.field == "edges.1.type"


@pytest.mark.parametrize(
    "moment",
    [
        datetime(300, 3, 1, tzinfo=UTC),  # SQLite's date functions make this 0300-02-29
        datetime(300, 3, 1, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(300, 2, 28, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(300, 3, 2, tzinfo=UTC),
    ],
)
def test_an_edge_made_on_the_day_sqlite_misdates_reads_back_as_made(moment: datetime) -> None:
    with MemoryGraph.open(":memory:", registry=None) as graph:
        prompt, doc = graph.add_prompt("q"), graph.add_document("kb")
        edge = graph.link(prompt, doc, "REFERENCES", created_at=moment)

        assert graph.get_edge(edge.id).created_at == moment


def _moments() -> list[datetime]:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    moments = [start + timedelta(microseconds=_RANDOM.randrange(10**15)) for _ in range(200)]
    return moments + [m.replace(microsecond=0) for m in moments[:50]]


@settings(max_examples=60, deadline=None)
@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)))
def test_store_kept_edges_read_back_as_validated_edges_at_any_time(moment: datetime) -> None:
    # They are written as plain tuples with only their position in ``data``; reading puts
    # the ids, type and time back in SQL.
    with MemoryGraph.open(":memory:", registry=None) as graph:
        chat, agent = graph.start_conversation("c"), graph.register_agent("a")
        first = graph.add_prompt("one", conversation=chat, agent=agent, created_at=moment)
        second = graph.add_prompt("two", conversation=chat, created_at=moment)

        read = {(e.type, e.source_id, e.target_id): e for e in graph.conversation_graph(chat).edges}

    def expected(cls: type[Edge], source: str, target: str, item: str, **fields: int) -> Edge:
        kind = cls.model_fields["type"].default
        return cls(
            id=kept_edge_id(item, kind), source_id=source, target_id=target, created_at=moment, **fields
        )

    assert sorted(read.values(), key=lambda e: e.id) == sorted(
        [
            expected(Contains, chat.id, first.id, first.id, position=1),
            expected(Contains, chat.id, second.id, second.id, position=2),
            expected(Precedes, first.id, second.id, second.id),
            expected(HandledBy, first.id, agent.id, first.id),
        ],
        key=lambda e: e.id,
    )


def test_the_embedded_store_keeps_only_what_no_column_holds_of_its_kept_edges(tmp_path: Path) -> None:
    with MemoryGraph.open(tmp_path / "g.db", registry=None) as graph:
        chat = graph.start_conversation("c")
        first = graph.add_prompt("one", conversation=chat, agent=graph.register_agent("a"))
        graph.add_prompt("two", conversation=chat)
    with sqlite3.connect(tmp_path / "g.db") as conn:
        data = dict(conn.execute("SELECT type || ' ' || target_id, data FROM edges").fetchall())

    assert data[f"CONTAINS {first.id}"] == '{"position":1}'
    assert {data[k] for k in data if not k.startswith("CONTAINS")} == {"{}"}


@given(st.uuids().map(str))
def test_kept_edge_ids_are_derived_alike_in_python_and_in_sql(item_id: str) -> None:
    conn = sqlite3.connect(":memory:")
    for kind in (EdgeType.HANDLED_BY, EdgeType.CONTAINS, EdgeType.PRECEDES):
        (derived,) = conn.execute(
            f"SELECT {sql._kept_edge_id(kind)} FROM (SELECT ? AS id) n", (item_id,)
        ).fetchone()
        assert derived == kept_edge_id(item_id, kind)


@given(st.uuids(version=4).map(str) | st.builds(new_id))
def test_kept_edge_ids_differ_from_their_item_and_each_other_in_the_random_bits_only(item_id: str) -> None:
    kinds = (EdgeType.HANDLED_BY, EdgeType.CONTAINS, EdgeType.PRECEDES)
    ids = [kept_edge_id(item_id, kind) for kind in kinds]

    assert len({item_id, *ids}) == 4
    item = uuid.UUID(item_id)
    for edge_id in map(uuid.UUID, ids):
        assert (edge_id.variant, edge_id.version) == (item.variant, item.version)
        assert edge_id.int ^ item.int < 1 << 62  # only rand_b differs


def test_the_plan_lists_the_kept_edges_a_graph_store_writes() -> None:
    # The Neo4j store writes ``plan.kept_edges()``; the embedded store derives the same in SQL.
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    chat, agent, before = new_id(), new_id(), new_id()
    first = Prompt(content="one", conversation_id=chat, agent_id=agent, created_at=moment)
    second = Prompt(content="two", conversation_id=chat, created_at=moment)
    loose = Prompt(content="no conversation", created_at=moment)

    plan = plan_upsert(
        [first, second, loose],
        [],
        existing_nodes={
            chat: ExistingNode(NodeType.CONVERSATION, moment),
            agent: ExistingNode(NodeType.AGENT, moment),
        },
        existing_edges={},
        conversations={chat: ConversationState(4, before, None, closed=False)},
    )

    assert plan.kept_edges() == [
        KeptEdge(EdgeType.HANDLED_BY, kept_edge_id(first.id, EdgeType.HANDLED_BY), first.id, agent, moment),
        KeptEdge(EdgeType.CONTAINS, kept_edge_id(first.id, EdgeType.CONTAINS), chat, first.id, moment, 5),
        KeptEdge(EdgeType.PRECEDES, kept_edge_id(first.id, EdgeType.PRECEDES), before, first.id, moment),
        KeptEdge(EdgeType.CONTAINS, kept_edge_id(second.id, EdgeType.CONTAINS), chat, second.id, moment, 6),
        KeptEdge(EdgeType.PRECEDES, kept_edge_id(second.id, EdgeType.PRECEDES), first.id, second.id, moment),
    ]
    assert plan.result().kept_edges == {"HANDLED_BY": 1, "CONTAINS": 2, "PRECEDES": 2}
    assert plan.kept_edges()[1].model() == Contains(
        id=kept_edge_id(first.id, EdgeType.CONTAINS),
        source_id=chat,
        target_id=first.id,
        created_at=moment,
        position=5,
    )


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(
    metadata=st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_.]{0,8}", fullmatch=True), _JSON, max_size=4),
    score=st.none() | st.floats(min_value=0, max_value=1),
    rank=st.none() | st.integers(min_value=1, max_value=10**6),
)
def test_a_callers_edge_reads_back_equal_whatever_its_metadata_and_properties(
    metadata: dict[str, object], score: float | None, rank: int | None
) -> None:
    # ``data`` holds only what no column holds; reading patches the columns onto it, and
    # must keep its nulls (a JSON merge patch would drop them the other way round).
    with MemoryGraph.open(":memory:", registry=None) as graph:
        prompt, doc = graph.add_prompt("q"), graph.add_document("kb")
        edge = graph.reference(prompt, doc, score=score, rank=rank, metadata=metadata)

        assert graph.get_edge(edge.id) == edge


def test_a_callers_edge_serialises_only_what_no_column_holds() -> None:
    edge = References(source_id=new_id(), target_id=new_id(), score=0.5, rank=1)

    assert edge_data(edge) == '{"score":0.5,"rank":1}'
    assert edge_data(edge.model_copy(update={"metadata": {"k": None}})) == (
        '{"metadata":{"k":null},"score":0.5,"rank":1}'
    )


@pytest.mark.parametrize("cls", list(PLAIN_EDGES))
def test_an_edge_without_fields_of_its_own_serialises_as_json_would(cls: type[EdgeBase]) -> None:
    edge = cls(source_id=new_id(), target_id=new_id())
    columns = {"id", "type", "source_id", "target_id", "created_at"}

    assert edge_data(edge) == edge.model_dump_json(exclude=columns | {"metadata"}) == "{}"
    with_metadata = edge.model_copy(update={"metadata": {"k": 1}})
    assert (
        edge_data(with_metadata) == with_metadata.model_dump_json(exclude=columns) == '{"metadata":{"k":1}}'
    )


def test_replacing_fields_equals_model_copy() -> None:
    prompt = Prompt(content="hi", metadata={"a": 1})
    update = {"sequence": 3, "user_id": "u-1"}

    replaced = _replace(prompt, update)

    assert replaced == prompt.model_copy(update=update)
    assert replaced.model_dump_json() == prompt.model_copy(update=update).model_dump_json()
    assert prompt.sequence is None


def test_new_ids_are_uuid7_strictly_increasing_and_distinct() -> None:
    ids = [new_id() for _ in range(50_000)]

    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    parsed = [uuid.UUID(i) for i in ids[::997]]
    assert all(
        p.version == 7 and p.variant == uuid.RFC_4122 and str(p) == i
        for p, i in zip(parsed, ids[::997], strict=True)
    )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_does_not_repeat_its_parents_ids() -> None:
    new_id()  # fill the pool before forking
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.write(write, ",".join(new_id() for _ in range(50)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        child = pipe.read().split(",")
    parent = [new_id() for _ in range(50)]

    assert {i[-12:] for i in child}.isdisjoint(i[-12:] for i in parent)
