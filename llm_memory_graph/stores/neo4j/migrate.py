"""Versioned schema migrations for Neo4j: ``migrations/V0001__*.cypher`` applied in order.

Each script runs once. Its statements run one per auto-commit transaction (schema changes
never share a transaction with data changes), and only then is the script recorded as a
``(:Migration {version, name, checksum, applied_at})`` node, in a transaction of its own.
Every statement is idempotent (``IF NOT EXISTS``, ``IF EXISTS``, ``MERGE``), so a run cut
short is finished by the next; a script is recorded only once its indexes are online. A
script whose text changed after it was applied is refused, and a lock node, unique by
constraint, keeps two runners from applying at once: the second waits for the first.

    with Neo4jStore(Neo4jSettings.from_env()) as store:
        for step in Migrator(store).apply():
            print("applied", step.version, step.name)
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import neo4j

from ...errors import ConstraintError, MigrationError
from ._queries import Migration, migrations
from ._sync.store import Neo4jStore

__all__ = ["Migration", "MigrationState", "Migrator", "migrations"]

log = logging.getLogger(__name__)

#: How long a migration waits for the indexes it created to come online.
INDEX_WAIT_S = 600

#: How long ``apply`` waits for a lock another runner holds.
LOCK_WAIT_S = 60.0


@dataclass(frozen=True)
class MigrationState:
    """One migration script and whether the database has it."""

    version: int
    name: str
    state: str  # "applied" or "pending"
    applied_at: datetime | None = None


class Migrator:
    """Apply this library's migration scripts to the store's database.

    :param store: the store whose database (and driver) to migrate.
    """

    def __init__(self, store: Neo4jStore) -> None:
        self._store = store

    def _applied(self) -> dict[int, neo4j.Record]:
        def work(tx: neo4j.ManagedTransaction) -> list[neo4j.Record]:
            return self._store._query(tx, "applied_migrations")

        rows = self._store._transact(work, write=False, migrated_only=False)
        return {r["version"]: r for r in rows}

    def status(self) -> list[MigrationState]:
        """Return every shipped script, applied or pending, oldest first.

        :raises MigrationError: if an applied script changed or is unknown to this version.
        """
        applied = self._applied()
        self._check(applied)
        return [
            MigrationState(
                m.version,
                m.name,
                "applied" if m.version in applied else "pending",
                applied[m.version]["applied_at"].to_native() if m.version in applied else None,
            )
            for m in migrations()
        ]

    def plan(self) -> list[Migration]:
        """Return the scripts the database still needs, in the order they will run."""
        applied = self._applied()
        self._check(applied)
        return [m for m in migrations() if m.version not in applied]

    def apply(
        self,
        *,
        on_statement: Callable[[Migration, str], Any] | None = None,
        lock_wait: float = LOCK_WAIT_S,
    ) -> list[Migration]:
        """Apply every pending script, in order, holding the migration lock.

        Runners started together (one per replica of a service, say) take turns: each waits
        up to ``lock_wait`` seconds for the lock, and the later ones find nothing pending.

        :param on_statement: called before each statement runs (for progress output).
        :param lock_wait: how long to wait for a lock another runner holds.
        :returns: the scripts applied, oldest first (empty when there was nothing to do).
        :raises MigrationError: if the lock stays taken for ``lock_wait``, or a script changed.
        """
        self._store._auto_commit("create_migration_constraint")
        self._store._auto_commit("create_migration_lock_constraint")
        owner = str(uuid.uuid4())
        self._lock(owner, lock_wait)
        try:
            pending = self.plan()  # read again under the lock
            for migration in pending:
                for statement in migration.statements:
                    if on_statement is not None:
                        on_statement(migration, statement)
                    self._store._run_statement(statement)
                self._store._auto_commit("await_indexes", seconds=INDEX_WAIT_S)
                self._record(migration)
                log.info("applied migration V%04d %s", migration.version, migration.name)
            return pending
        finally:
            self._store._auto_commit("release_migration_lock", owner=owner)

    def _lock(self, owner: str, wait: float) -> None:
        def work(tx: neo4j.ManagedTransaction) -> None:
            self._store._query(tx, "acquire_migration_lock", owner=owner)

        deadline = time.monotonic() + wait
        pause = 0.05
        while True:
            try:
                self._store._transact(work, write=True, migrated_only=False)
                return
            except ConstraintError as exc:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise MigrationError(
                        f"another runner holds the migration lock (waited {wait:g} s); if it died, "
                        "remove the lock with MATCH (l:MigrationLock) DELETE l",
                        store="neo4j",
                    ) from exc
                log.info("another runner holds the migration lock; waiting")
                time.sleep(min(pause, left))  # the other runner's progress, not ours, ends this
                pause = min(pause * 2, 1.0)

    def _record(self, migration: Migration) -> None:
        def work(tx: neo4j.ManagedTransaction) -> None:
            self._store._query(
                tx,
                "record_migration",
                version=migration.version,
                name=migration.name,
                checksum=migration.checksum,
            )

        self._store._transact(work, write=True, migrated_only=False)

    @staticmethod
    def _check(applied: dict[int, neo4j.Record]) -> None:
        shipped = {m.version: m for m in migrations()}
        for version, record in sorted(applied.items()):
            migration = shipped.get(version)
            if migration is None:
                raise MigrationError(
                    f"the database has migration V{version:04d} {record['name']}, which this version "
                    "of llm-memory-graph does not know; upgrade the library",
                    store="neo4j",
                )
            if record["checksum"] != migration.checksum:
                raise MigrationError(
                    f"migration V{version:04d} {migration.name} changed after it was applied "
                    f"(checksum {record['checksum'][:12]}… in the database, {migration.checksum[:12]}… "
                    "shipped); applied scripts must never change: add a new migration instead",
                    store="neo4j",
                )
