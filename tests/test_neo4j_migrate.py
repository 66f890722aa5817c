"""Migrations: shipped in order and checksummed; applied once, refused when changed, locked.

The tests marked ``neo4j`` run on the session's server (see tests/_neo4j.py); some empty
its database of everything, schema included, and migrate it again when done. The others
read the scripts shipped in the package.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from llm_memory_graph import MemoryGraph
from llm_memory_graph.errors import MigrationError
from llm_memory_graph.stores.neo4j import Neo4jSettings, Neo4jStore
from llm_memory_graph.stores.neo4j._queries import latest_migration, migrations
from llm_memory_graph.stores.neo4j.migrate import Migrator
from tests._cli import run_cli


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    assert [m.version for m in migrations()] == list(range(1, len(migrations()) + 1))
    assert latest_migration() == len(migrations())


def test_a_checksum_is_the_sha256_of_the_script() -> None:
    first = migrations()[0]
    assert first.checksum == hashlib.sha256(first.text.encode()).hexdigest()


#: Data statements that are idempotent by what they do, each proven twice on a server below.
RERUNNABLE_DATA_STATEMENTS = {8: "test_v0008_keeps_the_earliest_edge_of_each_pair_and_can_run_twice"}


@pytest.mark.parametrize("migration", migrations(), ids=lambda m: f"V{m.version:04d}")
def test_every_statement_can_run_twice(migration: object) -> None:
    if migration.version in RERUNNABLE_DATA_STATEMENTS:  # type: ignore[attr-defined]
        assert RERUNNABLE_DATA_STATEMENTS[migration.version] in globals()  # type: ignore[attr-defined]
        return
    for statement in migration.statements:  # type: ignore[attr-defined]
        assert any(word in statement for word in ("IF NOT EXISTS", "IF EXISTS", "MERGE")), statement


def test_statements_are_split_without_comments() -> None:
    constraints = migrations()[0]
    code = [line for line in constraints.text.splitlines() if not line.startswith("//")]
    assert len(constraints.statements) == "\n".join(code).count(";")
    assert not any(s.startswith("//") for s in constraints.statements)


def test_migrate_without_a_neo4j_uri_is_one_clear_error() -> None:
    done = run_cli("migrate")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: migrations are for Neo4j: pass --uri or set NEO4J_URI")


def test_migrate_against_a_server_that_does_not_answer_is_one_clear_error() -> None:
    done = run_cli("migrate", "--uri", "bolt://127.0.0.1:9")
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("Error: neo4j: cannot reach the server")


# ---------------------------------------------------------------- with a server


@pytest.fixture
def migrator(neo4j_settings: Neo4jSettings) -> Iterator[Migrator]:
    """A migrator on the session's (already migrated) database."""
    with Neo4jStore(neo4j_settings) as store:
        yield Migrator(store)


def _run(migrator: Migrator, cypher: str) -> None:
    store = migrator._store
    with store.driver.session(database=store.settings.database) as session:
        session.run(cypher).consume()  # type: ignore[arg-type]


@pytest.mark.neo4j
def test_a_migrated_database_has_every_script_applied(migrator: Migrator) -> None:
    assert [s.state for s in migrator.status()] == ["applied"] * len(migrations())


@pytest.mark.neo4j
def test_applying_again_changes_nothing(migrator: Migrator) -> None:
    assert migrator.apply() == []
    assert migrator.plan() == []


@pytest.mark.neo4j
def test_a_script_changed_after_it_was_applied_is_refused(migrator: Migrator) -> None:
    _run(migrator, "MATCH (m:Migration {version: 1}) SET m.real = m.checksum, m.checksum = 'edited'")
    try:
        with pytest.raises(MigrationError, match="changed after it was applied"):
            migrator.plan()
    finally:
        _run(migrator, "MATCH (m:Migration {version: 1}) SET m.checksum = m.real REMOVE m.real")


@pytest.mark.neo4j
def test_a_second_runner_cannot_take_the_lock(migrator: Migrator) -> None:
    _run(migrator, "CREATE (:MigrationLock {id: 'migrate', owner: 'someone else'})")
    try:
        with pytest.raises(MigrationError, match="another runner holds the migration lock"):
            migrator.apply(lock_wait=0)
    finally:
        _run(migrator, "MATCH (l:MigrationLock) DELETE l")


@pytest.mark.neo4j
def test_a_database_newer_than_the_library_is_refused(migrator: Migrator) -> None:
    _run(migrator, "CREATE (:Migration {version: 9999, name: 'future', checksum: 'x'})")
    try:
        with pytest.raises(MigrationError, match="does not know"):
            migrator.status()
    finally:
        _run(migrator, "MATCH (m:Migration {version: 9999}) DELETE m")


# ---------------------------------------------------------------- from an empty database


def _wipe(settings: Neo4jSettings) -> None:
    """Leave the database as a fresh server has it: no nodes, constraints or indexes."""
    with Neo4jStore(settings) as store, store.driver.session(database=settings.database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()
        for record in list(session.run("SHOW CONSTRAINTS YIELD name")):
            session.run(f"DROP CONSTRAINT `{record['name']}`").consume()
        for record in list(session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'")):
            session.run(f"DROP INDEX `{record['name']}`").consume()


@pytest.fixture
def empty_database(neo4j_settings: Neo4jSettings) -> Iterator[Neo4jSettings]:
    """The session's database emptied of everything, schema included; migrated again after."""
    _wipe(neo4j_settings)
    try:
        yield neo4j_settings
    finally:
        _wipe(neo4j_settings)
        with Neo4jStore(neo4j_settings) as store:
            Migrator(store).apply()


def _schema(settings: Neo4jSettings) -> tuple[set[str], dict[str, str]]:
    """The names of the constraints, and the state of each index but the lookup ones."""
    with Neo4jStore(settings) as store, store.driver.session(database=settings.database) as session:
        constraints = {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name")}
        indexes = {
            r["name"]: r["state"]
            for r in session.run("SHOW INDEXES YIELD name, type, state WHERE type <> 'LOOKUP'")
        }
    return constraints, indexes


def _applied_versions(settings: Neo4jSettings) -> list[int]:
    with Neo4jStore(settings) as store, store.driver.session(database=settings.database) as session:
        return [r["v"] for r in session.run("MATCH (m:Migration) RETURN m.version AS v ORDER BY v")]


@pytest.mark.neo4j
def test_an_empty_database_gets_every_script_in_order_with_its_indexes_online(
    empty_database: Neo4jSettings,
) -> None:
    with Neo4jStore(empty_database) as store:
        migrator = Migrator(store)
        assert [s.state for s in migrator.status()] == ["pending"] * len(migrations())
        applied = migrator.apply()
        assert [m.version for m in applied] == [m.version for m in migrations()]
        states = migrator.status()
    assert [s.state for s in states] == ["applied"] * len(migrations())
    assert all(s.applied_at is not None for s in states)
    constraints, indexes = _schema(empty_database)
    assert {"graph_node_id", "template_version_number", "migration_version"} <= constraints
    assert {"graph_node_conversation_page", "has_meta_page", "content_text"} <= set(indexes)
    assert "graph_node_agent" not in indexes  # dropped by V0005
    assert set(indexes.values()) == {"ONLINE"}


@pytest.mark.neo4j
def test_the_store_refuses_a_database_that_lacks_its_migrations(empty_database: Neo4jSettings) -> None:
    with (
        MemoryGraph(store=Neo4jStore(empty_database), registry=None) as graph,
        pytest.raises(MigrationError, match="llm-memory-graph migrate"),
    ):
        graph.add_prompt("q")
    assert _applied_versions(empty_database) == []


@pytest.mark.neo4j
def test_two_processes_migrating_at_once_apply_each_script_exactly_once(
    empty_database: Neo4jSettings,
) -> None:
    env = {"NEO4J_PASSWORD": empty_database.password or ""}
    command = [
        sys.executable,
        "-W",
        "error",
        "-m",
        "llm_memory_graph.cli",
        "migrate",
        "--uri",
        empty_database.uri,
    ]
    runners = [
        subprocess.Popen(
            command, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [runner.communicate(timeout=600) for runner in runners]
    assert [runner.returncode for runner in runners] == [0, 0], outputs
    assert _applied_versions(empty_database) == [m.version for m in migrations()]
    said = sorted(out for out, _ in outputs)
    assert "is up to date." in said[0] or "is up to date." in said[1]


@pytest.mark.neo4j
def test_migrate_status_and_dry_run_tell_what_is_pending_and_change_nothing(
    empty_database: Neo4jSettings,
) -> None:
    env = {"NEO4J_PASSWORD": empty_database.password or ""}
    before = run_cli("migrate", "status", "--uri", empty_database.uri, env=env)
    assert before.returncode == 0, before.stderr
    assert before.stdout.count("pending") == len(migrations())
    dry = run_cli("migrate", "--dry-run", "--uri", empty_database.uri, env=env)
    assert dry.returncode == 0, dry.stderr
    assert f"Would apply {len(migrations())} migration(s)" in dry.stdout
    assert _applied_versions(empty_database) == []
    assert run_cli("migrate", "--silent", "--uri", empty_database.uri, env=env).returncode == 0
    after = run_cli("migrate", "status", "--json", "--uri", empty_database.uri, env=env)
    assert [s["state"] for s in json.loads(after.stdout)] == ["applied"] * len(migrations())


@pytest.mark.neo4j
def test_v0005_gives_nodes_written_before_it_their_metadata_index(neo4j_settings: Neo4jSettings) -> None:
    with MemoryGraph(store=Neo4jStore(neo4j_settings), registry=None) as graph:
        tagged = graph.add_prompt("q", metadata={"env": "prod", "tier": 2})
    # As a database written before V0005 has it: no HAS_META, V0005 not applied.
    _run_on(neo4j_settings, "MATCH ()-[m:HAS_META]->() DELETE m")
    _run_on(neo4j_settings, "MATCH (m:Migration {version: 5}) DELETE m")
    with Neo4jStore(neo4j_settings) as store:
        assert [m.version for m in Migrator(store).apply()] == [5]
    with MemoryGraph(store=Neo4jStore(neo4j_settings), registry=None) as graph:
        assert [n.id for n in graph.find(metadata={"tier": 2}).items] == [tagged.id]
    assert (
        _count(neo4j_settings, "MATCH (n {id: $id})-[m:HAS_META]->(n) RETURN count(m) AS n", id=tagged.id)
        == 2
    )


@pytest.mark.neo4j
def test_v0008_keeps_the_earliest_edge_of_each_pair_and_can_run_twice(neo4j_settings: Neo4jSettings) -> None:
    with MemoryGraph(store=Neo4jStore(neo4j_settings), registry=None) as graph:
        prompt = graph.add_prompt("q")
        doc = graph.add_document("text")
        kept = graph.reference(prompt, doc, score=0.1)
        triage, billing = graph.register_agent("triage"), graph.register_agent("billing")
        graph.link(triage, billing, "TRANSFERS_TO")
    # As retried calls left them before V0008: the same pair again under fresh ids.
    for score in (0.2, 0.3):
        _run_on(
            neo4j_settings,
            f"MATCH (p {{id: '{prompt.id}'}}), (d {{id: '{doc.id}'}}) "
            f"CREATE (p)-[:REFERENCES {{id: randomUUID(), score: {score}, created_at: datetime()}}]->(d)",
        )
    _run_on(
        neo4j_settings, "MATCH (a)-[t:TRANSFERS_TO]->(b) CREATE (a)-[:TRANSFERS_TO {id: randomUUID()}]->(b)"
    )
    _run_on(neo4j_settings, "MATCH (m:Migration {version: 8}) DELETE m")
    for _ in range(2):
        with Neo4jStore(neo4j_settings) as store:
            assert [m.version for m in Migrator(store).apply()] == [8]
        _run_on(neo4j_settings, "MATCH (m:Migration {version: 8}) DELETE m")
    with Neo4jStore(neo4j_settings) as store:
        Migrator(store).apply()
    references = "MATCH ()-[r:REFERENCES]->() RETURN count(r) AS n"
    assert _count(neo4j_settings, references) == 1
    assert (
        _count(neo4j_settings, "MATCH ()-[r:REFERENCES {id: $id}]->() RETURN count(r) AS n", id=kept.id) == 1
    )
    assert _count(neo4j_settings, "MATCH ()-[t:TRANSFERS_TO]->() RETURN count(t) AS n") == 2


def _run_on(settings: Neo4jSettings, cypher: str) -> None:
    with Neo4jStore(settings) as store, store.driver.session(database=settings.database) as session:
        session.run(cypher).consume()  # type: ignore[arg-type]


def _count(settings: Neo4jSettings, cypher: str, **params: object) -> int:
    with Neo4jStore(settings) as store, store.driver.session(database=settings.database) as session:
        record = session.run(cypher, params).single()  # type: ignore[arg-type]
    assert record is not None
    return int(record["n"])
