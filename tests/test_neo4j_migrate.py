"""Migrations: shipped in order and checksummed; applied once, refused when changed, locked.

The tests marked ``neo4j`` need a server (testcontainers or NEO4J_URI); the others read
the scripts shipped in the package.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

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


@pytest.mark.parametrize("migration", migrations(), ids=lambda m: f"V{m.version:04d}")
def test_every_statement_can_run_twice(migration: object) -> None:
    for statement in migration.statements:  # type: ignore[attr-defined]
        assert "IF NOT EXISTS" in statement, statement


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
            migrator.apply()
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
