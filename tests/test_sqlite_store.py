"""The embedded store's own promises: its file, its schema version, its indexes, its errors."""

from __future__ import annotations

import re
import sqlite3
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from llm_memory_graph import (
    MemoryGraph,
    NodeFilter,
    SchemaVersionError,
    SQLiteStore,
    StoreCorruptError,
    StoreTimeoutError,
    StoreUnavailableError,
)
from llm_memory_graph.schema import DependsOn, Direction, EdgeType
from llm_memory_graph.stores._common import lineage_steps
from llm_memory_graph.stores.sqlite import _sql as sql
from llm_memory_graph.stores.sqlite._connections import _translate


def test_opening_creates_a_wal_file_with_a_schema_version(db_path: Path) -> None:
    with SQLiteStore(db_path) as store:
        store.stats()
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == sql.SCHEMA_VERSION


def test_constructing_a_store_does_not_touch_the_disk(db_path: Path) -> None:
    SQLiteStore(db_path)
    assert not db_path.exists()


def test_a_file_from_a_newer_version_is_refused(db_path: Path) -> None:
    with SQLiteStore(db_path) as store:
        store.stats()
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (sql.SCHEMA_VERSION + 1,))
    with SQLiteStore(db_path) as store, pytest.raises(SchemaVersionError, match="newer than this library"):
        store.stats()


def test_a_file_that_is_not_a_database_is_reported_corrupt(db_path: Path) -> None:
    db_path.write_bytes(b"this is not sqlite" * 100)
    with (
        SQLiteStore(db_path) as store,
        pytest.raises(StoreCorruptError, match="not a readable graph database"),
    ):
        store.stats()


def test_another_applications_sqlite_file_is_refused_and_left_untouched(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    with SQLiteStore(db_path) as store, pytest.raises(StoreCorruptError, match="another application"):
        store.stats()
    tables = sqlite3.connect(db_path).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("invoices",)]


def test_reads_do_not_wait_for_another_connections_write_lock(db_path: Path) -> None:
    with MemoryGraph.open(db_path) as graph:
        graph.add_prompt("q")
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with MemoryGraph(store=SQLiteStore(db_path, timeout=0.05)) as graph:
            assert graph.stats().total_nodes == 1
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_a_path_in_a_missing_folder_is_unavailable(tmp_path: Path) -> None:
    with (
        SQLiteStore(tmp_path / "nope" / "graph.db") as store,
        pytest.raises(StoreUnavailableError, match="does not exist"),
    ):
        store.stats()


def test_a_write_lock_held_too_long_times_out(db_path: Path) -> None:
    with SQLiteStore(db_path) as store:
        store.stats()
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with (
            MemoryGraph(store=SQLiteStore(db_path, timeout=0.05)) as graph,
            pytest.raises(StoreTimeoutError, match="locked"),
        ):
            graph.add_prompt("blocked")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(cls, id=cls.__name__)
        for cls in (
            sqlite3.Error,
            sqlite3.DatabaseError,
            sqlite3.InterfaceError,
            sqlite3.DataError,
            sqlite3.OperationalError,
            sqlite3.IntegrityError,
            sqlite3.InternalError,
            sqlite3.ProgrammingError,
            sqlite3.NotSupportedError,
        )
    ],
)
def test_every_sqlite_error_is_translated(error: type[sqlite3.Error]) -> None:
    assert type(_translate(error("boom"))).__module__ == "llm_memory_graph.errors"


def test_every_sqlite_error_class_is_listed_in_the_translation_test() -> None:
    listed = {
        "Error",
        "DatabaseError",
        "InterfaceError",
        "DataError",
        "OperationalError",
        "IntegrityError",
        "InternalError",
        "ProgrammingError",
        "NotSupportedError",
    }
    found = {
        name
        for name, value in vars(sqlite3).items()
        if isinstance(value, type) and issubclass(value, sqlite3.Error)
    }
    assert found == listed


def test_threads_sharing_one_store_write_and_read_safely(db_path: Path) -> None:
    with MemoryGraph.open(db_path) as graph:
        chat = graph.start_conversation()
        errors: list[BaseException] = []

        def work(n: int) -> None:
            try:
                for i in range(20):
                    graph.add_prompt(f"{n}-{i}", conversation=chat)
                    graph.find(conversation=chat, limit=5)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert [n.sequence for n in graph.transcript(chat)] == list(range(1, 81))  # type: ignore[union-attr]


# ---------------------------------------------------------------- concurrent reads (issue 13, item 6)

#: Generous: only reached when a read is stuck behind another, which is the failure itself.
_STUCK_S = 30


def _this_threads_read_connection(store: SQLiteStore) -> sqlite3.Connection:
    """The connection the calling thread's reads run on (opened by a first read)."""
    store.stats()
    reader: sqlite3.Connection | None = getattr(getattr(store, "_local", None), "reader", None)
    return reader or store._conn()


def _paused_in_sqlite(
    connection: Callable[[], sqlite3.Connection], work: Callable[[], object]
) -> tuple[threading.Thread, threading.Event, threading.Event]:
    """Start ``work`` on a thread that stops inside SQLite (a progress handler, called while
    a statement runs) on the connection ``connection()`` returns there, until released.
    """
    inside, release = threading.Event(), threading.Event()

    def pause() -> int:
        inside.set()
        release.wait(_STUCK_S)
        return 0

    def run() -> None:
        conn = connection()
        conn.set_progress_handler(pause, 1)
        try:
            work()
        finally:
            conn.set_progress_handler(None, 1)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, inside, release


def _finishes(call: Callable[[], object]) -> bool:
    """Run ``call`` on another thread; whether it finished before ``_STUCK_S``."""
    done = threading.Event()
    thread = threading.Thread(target=lambda: (call(), done.set()), daemon=True)
    thread.start()
    return done.wait(_STUCK_S)


def test_a_read_stopped_inside_sqlite_holds_up_no_other_threads_read(db_path: Path) -> None:
    with SQLiteStore(db_path) as store, MemoryGraph(store=store, cache=False) as graph:
        graph.add_prompt("q")
        slow, inside, release = _paused_in_sqlite(
            lambda: _this_threads_read_connection(store), lambda: store.count_nodes(NodeFilter())
        )
        try:
            assert inside.wait(_STUCK_S)
            assert _finishes(lambda: store.find_nodes(NodeFilter(), limit=5))
        finally:
            release.set()
            slow.join()


def test_a_write_stopped_inside_sqlite_holds_up_no_read(db_path: Path) -> None:
    with SQLiteStore(db_path) as store, MemoryGraph(store=store, cache=False) as graph:
        graph.add_prompt("q")
        slow, inside, release = _paused_in_sqlite(store._conn, lambda: graph.add_prompt("r"))
        try:
            assert inside.wait(_STUCK_S)
            assert _finishes(lambda: store.count_nodes(NodeFilter()) == 1)
        finally:
            release.set()
            slow.join()
        assert store.count_nodes(NodeFilter()) == 2


def test_a_lineage_walk_on_a_dense_graph_does_no_more_work_when_asked_to_go_deeper(db_path: Path) -> None:
    # Each node is met once, at its shortest depth: once every node is met the walk ends,
    # whatever depth was asked. Work is counted in SQLite's own steps, not in time.
    with SQLiteStore(db_path) as store, MemoryGraph(store=store, cache=False) as graph:
        prompts = [graph.add_prompt(f"p{i}") for i in range(30)]
        graph.add(
            edges=[DependsOn(source_id=a.id, target_id=b.id) for a in prompts for b in prompts if a != b]
        )
        conn = _this_threads_read_connection(store)

        def work(depth: int) -> int:
            steps = [0]

            def count() -> int:
                steps[0] += 1
                return 0

            conn.set_progress_handler(count, 100)
            try:
                assert len(graph.lineage(prompts[0], depth=depth).nodes) == 30
            finally:
                conn.set_progress_handler(None, 100)
            return steps[0]

        shallow, deep = work(2), work(60)
        assert deep < 1.1 * shallow  # the same walk and the same edges query, give or take


def test_two_stores_on_one_file_append_without_forking_the_chain(db_path: Path) -> None:
    with MemoryGraph.open(db_path) as first, MemoryGraph.open(db_path) as second:
        chat = first.start_conversation()
        for i in range(10):
            (first if i % 2 else second).add_prompt(f"p{i}", conversation=chat)
        assert [n.sequence for n in first.transcript(chat)] == list(range(1, 11))  # type: ignore[union-attr]


# ---------------------------------------------------------------- query plans

_TABLE_SCAN = re.compile(r"\bSCAN (nodes|edges|node_meta|n|e|m|x)\b(?! USING)")


def _plan(conn: sqlite3.Connection, statement: str, params: object) -> str:
    rows = conn.execute(f"EXPLAIN QUERY PLAN {statement}", params).fetchall()  # type: ignore[arg-type]
    return "\n".join(row[-1] for row in rows)


def _find(spec: NodeFilter, after: bool) -> tuple[str, list[object]]:
    if spec.order == "relevance":
        statement = sql.search_statement(spec, after=(0.5, "x") if after else None, limit=10)
    else:
        statement = sql.page_statement(spec, after=(0, "x") if after else None, limit=10)
    return statement.text, statement.params


FIND_SHAPES = [
    pytest.param({}, id="everything"),
    pytest.param({"types": ["Prompt"]}, id="type"),
    pytest.param({"conversation_id": "01a20ff6-ba0c-722c-81a4-9bb3afb52ccb"}, id="conversation"),
    pytest.param({"agent_id": "01a20ff6-ba0c-722c-81a4-9bb3afb52ccb"}, id="agent"),
    pytest.param({"user_id": "u"}, id="user"),
    pytest.param({"name": "writer"}, id="name"),
    pytest.param({"model": "gpt-4o"}, id="model"),
    pytest.param({"metadata": {"env": "prod"}}, id="metadata"),
    pytest.param({"metadata": {"env": "prod", "tier": 2}}, id="two-metadata"),
    pytest.param({"since": "2026-01-01T00:00:00Z", "until": "2026-02-01T00:00:00Z"}, id="time-range"),
    pytest.param({"types": ["Completion"], "provider": "openai", "finish_reason": "stop"}, id="json-fields"),
    pytest.param({"types": ["Completion"], "ranges": {"cost_usd": {"gte": 0.1}}}, id="range"),
    pytest.param({"metadata_in": {"env": ["a", "b"]}, "metadata_exists": ["tier"]}, id="metadata-in-exists"),
    pytest.param({"text": "refund policy"}, id="text"),
    pytest.param({"types": ["Prompt"], "order": "newest"}, id="newest"),
    pytest.param({"text": "refund", "order": "relevance", "types": ["Document"]}, id="relevance"),
]


@pytest.mark.parametrize("shape", FIND_SHAPES)
@pytest.mark.parametrize("after", [False, True], ids=["first-page", "next-page"])
def test_every_find_shape_searches_an_index(db_path: Path, shape: dict[str, object], after: bool) -> None:
    with SQLiteStore(db_path) as store:
        store.stats()
        statement, params = _find(NodeFilter.model_validate(shape), after)
        plan = _plan(sqlite3.connect(db_path), statement, params)
    assert not _TABLE_SCAN.search(plan), plan
    if shape and not {"model", "text", "order"} & set(shape):
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan


NAMED_QUERIES = [
    (name, getattr(sql, name))
    for name in (
        "EXISTING_NODES",
        "EXISTING_EDGES",
        "GET_NODES",
        "GET_EDGE",
        "NODE_TYPE",
        "NODE_DATA",
        "NEIGHBORS_OUT",
        "NEIGHBORS_IN",
        "LINEAGE_EDGES",
        "TRANSCRIPT_AFTER",
        "CONVERSATION_EDGES",
        "PATH_STEP_OUT",
        "PATH_STEP_IN",
        "COUNT_NODES",
        "COUNT_EDGES",
        "COUNT_DOOMED_EDGES",
        "DELETE_META_OF",
        "SET_CONVERSATION_STATE",
        "UPDATE_EDGE",
        "INSERT_KEPT_EDGES",
        "UPDATE_NODE",
    )
] + [(f"DELETE_DOOMED[{i}]", s) for i, s in enumerate(sql.DELETE_DOOMED)]


@pytest.mark.parametrize(("name", "statement"), [pytest.param(n, s, id=n) for n, s in NAMED_QUERIES])
def test_every_named_query_searches_an_index(db_path: Path, name: str, statement: str) -> None:
    with SQLiteStore(db_path) as store:
        store.stats()
        conn = store._conn()
        numbered = {int(n) for n in re.findall(r"\?(\d)", statement)}
        plan = _plan(conn, statement, [None] * (max(numbered) if numbered else statement.count("?")))
    assert not _TABLE_SCAN.search(plan), plan


@pytest.mark.parametrize("direction", [Direction.UP, Direction.DOWN])
def test_a_lineage_step_searches_edge_indexes_and_reads_nodes_by_id(
    db_path: Path, direction: Direction
) -> None:
    to_source, to_target = lineage_steps(direction, None)
    statement = sql.lineage_step_sql(from_target=bool(to_source), from_source=bool(to_target))
    with SQLiteStore(db_path) as store:
        store.stats()
        plan = _plan(
            store._conn(),
            statement,
            {"frontier": "[]", "seen": "[]", "to_source": "[]", "to_target": "[]", "scope": None, "limit": 5},
        )
    assert not _TABLE_SCAN.search(plan), plan
    assert "edges_target" in plan and "edges_source" in plan
    assert "SEARCH n USING INDEX sqlite_autoindex_nodes_1 (id=?)" in plan, plan


def test_kept_edges_are_derived_from_the_new_rows_alone(db_path: Path) -> None:
    # Read by rowid range, whatever the graph's size; the item before is one index search.
    with SQLiteStore(db_path) as store:
        store.stats()
        plan = _plan(store._conn(), sql.INSERT_KEPT_EDGES, (1, 10))
    assert plan.count("SEARCH n USING INTEGER PRIMARY KEY") == 3, plan
    assert "SEARCH p USING INDEX nodes_sequence" in plan, plan


def test_lineage_default_edge_types_leave_out_structure_and_time() -> None:
    to_source, to_target = lineage_steps(Direction.UP, None)
    assert EdgeType.CONTAINS not in {*to_source, *to_target}
    assert EdgeType.PRECEDES not in {*to_source, *to_target}


def test_a_cached_read_sees_another_graphs_write_at_once(db_path: Path) -> None:
    with MemoryGraph.open(db_path) as reader, MemoryGraph.open(db_path) as writer:
        reader.add_prompt("first")
        assert reader.query().types("Prompt").count() == 1
        writer.add_prompt("second")
        assert reader.query().types("Prompt").count() == 2


def _edge_counts_by_scan(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT type, count(*) FROM edges GROUP BY type").fetchall())


def test_edge_counts_stay_equal_to_the_edges_through_writes_rewrites_and_deletes(db_path: Path) -> None:
    with MemoryGraph.open(db_path, registry=None) as graph:
        agent, doc = graph.register_agent("a"), graph.add_document("kb")
        chats = [graph.start_conversation(f"c{i}") for i in range(3)]
        for chat in chats:
            prompt = graph.add_prompt("q", conversation=chat, agent=agent)
            graph.reference(prompt, doc, score=0.5)
            answer = graph.add_completion(prompt, "a")
            graph.add_feedback(answer, score=1.0)
            graph.add(nodes=[answer])  # a rewrite writes no new edge
        graph.hand_off(agent, graph.register_agent("b"), conversation=chats[0])
        graph.delete_conversation(chats[0])

        counted = {str(t): n for t, n in graph.stats().edges.items() if n}

    assert counted == _edge_counts_by_scan(db_path)
    assert counted["CONTAINS"] == 2 * 3 and counted["REFERENCES"] == 2


def test_a_version_3_file_is_upgraded_in_place_and_reads_the_same(db_path: Path) -> None:
    with MemoryGraph.open(db_path, registry=None) as graph:
        chat, agent = graph.start_conversation("c"), graph.register_agent("a")
        prompt = graph.add_prompt("q", conversation=chat, agent=agent)
        graph.reference(prompt, graph.add_document("kb"), score=0.5, metadata={"k": None})
        graph.add_completion(prompt, "a")
        before = graph.conversation_graph(chat)
    with sqlite3.connect(db_path) as conn:  # back to version 3: full edge JSON, a type index
        conn.execute(f"UPDATE edges SET data = {sql.edge_json()}")
        conn.execute("DROP TABLE edge_counts")
        conn.execute("CREATE INDEX edges_type ON edges (type)")
        conn.execute("UPDATE schema_version SET version = 3")

    with MemoryGraph.open(db_path, registry=None) as graph:
        after = graph.conversation_graph(chat)
        last = graph.add_prompt("appended after the upgrade", conversation=chat)
        chain = graph.conversation_graph(chat).edges
        counted = {str(t): n for t, n in graph.stats().edges.items() if n}
    with sqlite3.connect(db_path) as conn:
        version = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        indexes = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}

    assert after == before
    (answer,) = [n for n in before.nodes if n.type == "Completion"]
    assert any(e.type == "PRECEDES" and (e.source_id, e.target_id) == (answer.id, last.id) for e in chain)
    assert counted == _edge_counts_by_scan(db_path)
    assert version == sql.SCHEMA_VERSION and "edges_type" not in indexes


def test_a_version_5_file_keeps_the_earliest_edge_of_each_pair(db_path: Path) -> None:
    with MemoryGraph.open(db_path, registry=None) as graph:
        prompt, doc = graph.add_prompt("q"), graph.add_document("kb")
        kept = graph.reference(prompt, doc, score=0.1)
        triage, billing = graph.register_agent("triage"), graph.register_agent("billing")
        graph.link(triage, billing, "TRANSFERS_TO")
        graph.link(triage, billing, "TRANSFERS_TO")
    with sqlite3.connect(db_path) as conn:  # back to version 5, with what retries left there
        conn.execute("DROP INDEX edges_source")
        conn.execute("CREATE INDEX edges_source ON edges (source_id, type)")
        for _ in range(2):
            conn.execute(
                "INSERT INTO edges (id, type, source_id, target_id, created_at, data) "
                "SELECT ?, type, source_id, target_id, created_at + 1, data FROM edges WHERE id = ?",
                (str(uuid.uuid4()), kept.id),
            )
        conn.execute("UPDATE edge_counts SET n = n + 2 WHERE type = 'REFERENCES'")
        conn.execute("UPDATE schema_version SET version = 5")

    with MemoryGraph.open(db_path, registry=None) as graph:
        references = graph.neighbors(prompt, direction="out", edge_types=["REFERENCES"])
        counted = {str(t): n for t, n in graph.stats().edges.items() if n}
        graph.reference(prompt, doc, score=0.2)  # the unique index now keeps the pair single

    assert [n.edge.id for n in references] == [kept.id]
    assert counted == {"REFERENCES": 1, "TRANSFERS_TO": 2}
    assert _edge_counts_by_scan(db_path) == counted


def test_a_deleted_conversation_leaves_no_byte_of_its_text_in_the_file(db_path: Path) -> None:
    secret = "zqxcardnumber4111111111111111"
    with MemoryGraph.open(db_path, registry=None) as graph:
        kept = graph.start_conversation("kept")
        for i in range(50):  # enough text that the index has several segments
            graph.add_prompt(f"unrelated question number {i} about shipping", conversation=kept)
        chat = graph.start_conversation(f"title {secret}")
        prompt = graph.add_prompt(f"my card is {secret}", conversation=chat, metadata={"note": secret})
        graph.add_completion(prompt, f"noted {secret}")
        graph.attach_context(f"profile: {secret}", to=prompt)
        graph.delete_conversation(chat)
        assert graph.search("shipping").items
        written = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))
    assert secret.encode() not in written
    assert b"zqxcardnumber" not in written


def test_reads_keep_a_small_page_cache_so_a_stream_does_not_grow_memory(db_path: Path) -> None:
    # A stream passes over every node's page once: on the writer's 64 MiB page cache,
    # streaming 200,000 nodes grew the process by 57 MB (bench/stream_rss.py), here by 5.
    with MemoryGraph.open(db_path, registry=None) as graph:
        graph.add_prompt("q")
        assert [n.content for n in graph.stream()] == ["q"]  # type: ignore[union-attr]
        store = graph.store
        reader = store._local.reader  # type: ignore[attr-defined]
        writer = store._conn()  # type: ignore[attr-defined]
        assert reader.execute("PRAGMA cache_size").fetchone()[0] == -4096
        assert writer.execute("PRAGMA cache_size").fetchone()[0] == -65536
