"""The embedded store's connections: opening the file, one writer, a reader per thread,
and the busy retries.

Every statement passes through ``_execute``/``_executemany``, which log the statement's
name, time it, and translate ``sqlite3`` errors through ``_translate_errors``. Writes run
in ``BEGIN IMMEDIATE`` transactions, so appends to a conversation are serialised by the
database itself, across threads and across processes.

A statement that finds the file locked or busy after the connection's own busy timeout is
retried under the store's ``RetryPolicy`` (jittered backoff, bounded attempts), within
what is left of the store's ``timeout``, which bounds the whole wait, when that is safe:
outside a transaction (reads, ``BEGIN IMMEDIATE`` itself, opening the file) and for
``COMMIT``, which SQLite leaves pending after a busy failure. Inside a transaction nothing
is retried piecemeal; the transaction rolls back whole and the error is raised.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from tenacity import RetryCallState, Retrying, retry_if_exception, wait_random_exponential

from ...errors import (
    ConstraintError,
    GraphClosedError,
    SchemaVersionError,
    StoreCorruptError,
    StoreError,
    StoreFullError,
    StoreReadOnlyError,
    StoreTimeoutError,
    StoreUnavailableError,
)
from ..retry import RetryHook, RetryPolicy
from . import _sql as sql

__all__ = ["Connections"]

log = logging.getLogger(__name__)

T = TypeVar("T")


class _State(Enum):
    UNOPENED = "unopened"
    OPENED = "opened"
    CLOSED = "closed"


@contextmanager
def _translate_errors() -> Iterator[None]:
    """Map every ``sqlite3`` exception to the library's tree, keeping the cause."""
    try:
        yield
    except sqlite3.Error as exc:
        raise _translate(exc) from exc


def _translate(exc: sqlite3.Error) -> StoreError:
    """Return the library error for a ``sqlite3`` exception, by SQLite's result code."""
    text = " ".join(str(exc).split())
    code = getattr(exc, "sqlite_errorname", None) or ""
    lowered = text.lower()
    if isinstance(exc, sqlite3.IntegrityError):
        return ConstraintError(text, store="sqlite")
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in lowered or "busy" in lowered:
        return StoreTimeoutError(
            f"the database file stayed locked by another connection through every retry ({text})",
            store="sqlite",
        )
    if code.startswith("SQLITE_FULL") or "disk is full" in lowered:
        return StoreFullError(
            f"the disk or the database's size limit is full; the write was rolled back ({text})",
            store="sqlite",
        )
    if code.startswith("SQLITE_READONLY") or "readonly" in lowered or "read-only" in lowered:
        return StoreReadOnlyError(
            f"the database file can be read but not written; check the file, its folder and "
            f"the mount, or open it read-write ({text})",
            store="sqlite",
        )
    if code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in lowered:
        return StoreCorruptError(
            f"the file is not a readable graph database ({text})",
            store="sqlite",
        )
    if code.startswith("SQLITE_CANTOPEN") or "unable to open" in lowered:
        return StoreUnavailableError(f"cannot open the database file ({text})", store="sqlite")
    if code.startswith("SQLITE_IOERR") or "disk i/o" in lowered:
        return StoreUnavailableError(f"the disk failed to read or write the file ({text})", store="sqlite")
    return StoreError(text, store="sqlite")


#: Settings measured on the benchmark's event mix: a page cache big enough for the indexes
#: a batch touches (a ceiling, filled only as used), and a WAL checkpoint every ~40 MB
#: rather than every 4 MB, so index pages rewritten by consecutive commits are copied into
#: the file once (about a third less time in SQLite for batches) and a durable single write
#: meets a checkpoint ten times less often (its p99 1.3 to 1.6 ms instead of 2.2 to 2.6 ms,
#: p95 unchanged).
_TUNING = ("PRAGMA cache_size = -65536", "PRAGMA wal_autocheckpoint = 10000")
#: A reader's page cache: reads touch few pages each, except a stream, which passes over
#: every node's page once; with the writer's ceiling, streaming 200,000 nodes filled 57 MB
#: of cache it never read again (bench/stream_rss.py), with this one 3 MB.
_READER_CACHE = "PRAGMA cache_size = -4096"


def _cannot_write(exc: StoreUnavailableError) -> bool:
    """Tell whether opening failed because SQLite could not write the file, its folder or
    its -wal/-shm files (a read-only file, folder or mount), as opposed to a missing or
    broken file.
    """
    cause = exc.__cause__
    code = getattr(cause, "sqlite_errorname", None) or ""
    return isinstance(exc, StoreReadOnlyError) or code.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN"))


def _nobody_can_write(folder: Path) -> bool:
    """Tell whether no process (root aside) can create files in ``folder``: it is on a
    read-only mount, or its permissions grant writing to no one. Then no writer can start
    a -wal beside the file, and reading it ``immutable=1`` is safe.
    """
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
        return folder.stat().st_mode & 0o222 == 0
    except OSError:
        return False


def _is_busy(exc: BaseException) -> bool:
    """Tell whether a ``sqlite3`` error is a lock held by another connection (SQLITE_BUSY)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorname", None)
    return code.startswith("SQLITE_BUSY") if code else "database is locked" in str(exc)


def _busy_kind(exc: BaseException | None) -> str:
    """The label a busy error is counted under: SQLite's result code name."""
    return getattr(exc, "sqlite_errorname", None) or type(exc).__name__


class Connections:
    """The connections of one SQLite file and the statements run on them; ``SQLiteStore``
    adds the graph's reads and writes. See ``SQLiteStore`` for the parameters."""

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        timeout: float = 5.0,
        durable: bool = False,
        retry: RetryPolicy | None = None,
        read_only: bool = False,
    ) -> None:
        self.path = str(path)
        self.timeout = timeout
        self.durable = durable
        self.retry = retry or RetryPolicy()
        self.read_only = read_only
        self.retries: dict[str, int] = {}
        self.on_retry: RetryHook | None = None
        self._lock = threading.RLock()
        self._state = _State.UNOPENED
        self._connection: sqlite3.Connection | None = None
        #: Per thread: ``reader``, its read connection once opened; ``active``, the
        #: connection its statements use now (set while it reads, ``None`` otherwise).
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._token: sqlite3.Connection | None = None
        self._token_lock = threading.Lock()

    # ------------------------------------------------------------ connection

    def _conn(self) -> sqlite3.Connection:
        if self._state is _State.OPENED:
            assert self._connection is not None
            return self._connection
        if self._state is _State.CLOSED:
            raise GraphClosedError("store")
        if self.path != ":memory:" and not Path(self.path).parent.is_dir():
            raise StoreUnavailableError(
                f"folder {str(Path(self.path).parent)!r} does not exist", store="sqlite"
            )
        if self.read_only and self.path == ":memory:":
            raise StoreUnavailableError("an in-memory graph cannot be opened read-only", store="sqlite")
        if self.read_only:
            conn = self._open_read_only()
        else:
            try:
                conn = self._open(self.path, uri=False, read_only=False)
            except StoreUnavailableError as exc:
                # A file on a read-only folder or mount: read it as read_only=True would,
                # and let writes raise StoreReadOnlyError.
                if not (_cannot_write(exc) and Path(self.path).is_file()):
                    raise
                conn = self._open_read_only()
                self.read_only = True  # reads share this connection: no other could open
        self._connection = conn
        self._state = _State.OPENED
        return conn

    def _open(self, target: str, *, uri: bool, read_only: bool) -> sqlite3.Connection:
        """Connect to ``target`` and check (or create) the schema, retrying while busy."""
        with _translate_errors():
            conn = sqlite3.connect(
                target, timeout=self._try_wait(), isolation_level=None, check_same_thread=False, uri=uri
            )
            try:
                self._retrying_busy(conn, lambda: self._prepare(conn, read_only=read_only))
            except BaseException:
                conn.close()
                raise
        return conn

    def _open_read_only(self) -> sqlite3.Connection:
        """Open the file read-only (``mode=ro``). Reading a WAL database needs its -wal and
        -shm files, which SQLite creates when missing; where it cannot (a read-only folder
        or mount) and there is no -wal content to read, the file is opened ``immutable=1``,
        which reads it without them and takes no locks: safe only because no one can
        write beside it, which is checked first (a folder no one may write to, or a
        read-only mount). See https://www.sqlite.org/walformat.html and
        https://www.sqlite.org/uri.html#uriimmutable.
        """
        path = Path(self.path)
        if not path.is_file():
            raise StoreUnavailableError(
                f"no database file at {str(path)!r}; a read-only store does not create one", store="sqlite"
            )
        target = f"file:{quote(str(path.absolute()))}?mode=ro"
        try:
            return self._open(target, uri=True, read_only=True)
        except StoreUnavailableError as exc:
            if not _cannot_write(exc):
                raise
            wal = path.with_name(path.name + "-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise StoreUnavailableError(
                    f"cannot read {str(path)!r}: its folder is read-only to this process and its -wal "
                    "file holds commits SQLite cannot read without its -shm file; open it once with "
                    "write access (which checkpoints the -wal) or copy the folder somewhere writable",
                    store="sqlite",
                ) from exc
            if not _nobody_can_write(path.parent):
                raise StoreUnavailableError(
                    f"cannot read {str(path)!r}: SQLite must create its -shm file to read it safely while "
                    "others may write, and this process may not create files in its folder; ask for "
                    "write access to the folder, or make the folder read-only for everyone",
                    store="sqlite",
                ) from exc
            return self._open(target + "&immutable=1", uri=True, read_only=True)

    def _prepare(self, conn: sqlite3.Connection, *, read_only: bool = False) -> None:
        """Check (or create, in a new file) the schema; only creation takes the write lock.

        :param read_only: only check: a file without a graph (an empty file too) or with
            an older schema is refused, never created or upgraded.
        """
        found = _schema_version(conn)
        if found is None and conn.execute(sql.COUNT_FOREIGN_TABLES).fetchone()[0]:
            raise StoreCorruptError(
                "the file is a SQLite database of another application, not a graph database",
                store="sqlite",
            )
        if read_only:
            self._check_read_only(conn, found)
            return
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {'FULL' if self.durable else 'NORMAL'}")
        conn.execute("PRAGMA temp_store = MEMORY")
        for pragma in _TUNING:
            conn.execute(pragma)
        if found is None or found < sql.SCHEMA_VERSION:
            conn.execute("BEGIN IMMEDIATE")
            try:
                found = _schema_version(conn)  # another process may have won the race
                if found is None:
                    for statement in sql.CREATE_SCHEMA.split(";\n"):
                        conn.execute(statement)
                    conn.execute(sql.RECORD_SCHEMA_VERSION, (sql.SCHEMA_VERSION,))
                    found = sql.SCHEMA_VERSION
                while found < sql.SCHEMA_VERSION:
                    found += 1
                    for statement in sql.UPGRADES[found]:
                        conn.execute(statement)
                    conn.execute(sql.RECORD_SCHEMA_VERSION, (found,))
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        if found > sql.SCHEMA_VERSION:
            raise SchemaVersionError(found=found, supported=sql.SCHEMA_VERSION, store="sqlite")
        conn.execute(sql.CREATE_DOOMED)

    def _check_read_only(self, conn: sqlite3.Connection, found: int | None) -> None:
        """What ``_prepare`` does for a read-only connection: check, change nothing."""
        if found is None:
            raise StoreCorruptError(
                "the file holds no graph (it is empty or another kind of file); opening it read-only "
                "does not make it one",
                store="sqlite",
            )
        if found > sql.SCHEMA_VERSION:
            raise SchemaVersionError(found=found, supported=sql.SCHEMA_VERSION, store="sqlite")
        if found < sql.SCHEMA_VERSION:
            raise StoreReadOnlyError(
                f"the file has schema version {found} and this library reads {sql.SCHEMA_VERSION}; "
                "upgrading it needs write access (open it once read-write)",
                store="sqlite",
            )
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute(sql.CREATE_DOOMED)

    def _shares_one_connection(self) -> bool:
        """An in-memory graph lives in its one connection; a read-only file is read on it too."""
        return self.path == ":memory:" or self.read_only

    def _open_reader(self) -> sqlite3.Connection:
        """Open one more connection to the (already prepared) file, for reads only."""
        with _translate_errors():
            conn = sqlite3.connect(
                self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute(_READER_CACHE)
        with self._readers_lock:  # not the write lock: a write in progress must not hold this up
            if self._state is _State.CLOSED:
                conn.close()
                raise GraphClosedError("store")
            self._readers.append(conn)
        return conn

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Run the block's statements on this thread's read connection, so a slow read holds
        up no other thread; nested blocks, and reads inside this thread's write, use the
        connection already in use. An in-memory or read-only graph reads under the lock.
        """
        if getattr(self._local, "active", None) is not None:
            yield
            return
        if self._state is not _State.OPENED:
            with self._lock:
                self._conn()  # opens the file and checks its schema, once
        if self._shares_one_connection():  # known once open: a fallback makes it read-only
            with self._lock:
                yield
            return
        reader: sqlite3.Connection | None = getattr(self._local, "reader", None)
        if reader is None:
            reader = self._local.reader = self._open_reader()
        self._local.active = reader
        try:
            yield
        finally:
            self._local.active = None

    def change_token(self) -> int | None:
        """See ``GraphStore.change_token``: SQLite's ``data_version`` on a connection kept for
        it, which changes when any other connection (another graph, another process, or
        this store's writes) commits to the file.
        """
        if self._state is not _State.OPENED:
            with self._lock:
                self._conn()
        if self._shares_one_connection():
            with self._lock:
                (version,) = self._execute("data_version", "PRAGMA data_version").fetchone()
            return int(version)
        with self._token_lock:
            if self._token is None:
                self._token = self._open_reader()
            with _translate_errors():
                (version,) = self._token.execute("PRAGMA data_version").fetchone()
        return int(version)

    def close(self) -> None:
        """Close the file; later calls raise ``GraphClosedError``. Closing twice is allowed."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
            with self._readers_lock:
                for reader in self._readers:
                    reader.close()
                self._readers.clear()
                self._state = _State.CLOSED

    # ------------------------------------------------------------ the funnel

    def _execute(
        self, name: str, statement: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> sqlite3.Cursor:
        started = time.perf_counter()
        conn = getattr(self._local, "active", None) or self._conn()
        try:  # _translate_errors, inlined: this runs for every statement
            cursor = conn.execute(statement, params)
        except sqlite3.OperationalError as exc:
            cursor = self._after_busy(exc, conn, lambda: conn.execute(statement, params), name, started)
        except sqlite3.Error as exc:
            raise _translate(exc) from exc
        log.debug("sqlite %s in %.3f ms", name, (time.perf_counter() - started) * 1000)
        return cursor

    def _executemany(self, name: str, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        started = time.perf_counter()
        conn = self._conn()
        try:
            conn.executemany(statement, rows)
        except sqlite3.OperationalError as exc:
            self._after_busy(exc, conn, lambda: conn.executemany(statement, rows), name, started)
        except sqlite3.Error as exc:
            raise _translate(exc) from exc
        log.debug("sqlite %s: %d rows in %.3f ms", name, len(rows), (time.perf_counter() - started) * 1000)

    def _after_busy(
        self,
        exc: sqlite3.OperationalError,
        conn: sqlite3.Connection,
        call: Callable[[], T],
        name: str,
        started: float,
    ) -> T:
        """Retry ``call``, which just failed with ``exc``, if the file was busy and a retry is
        safe (outside a transaction, or COMMIT, which a busy failure leaves pending); else,
        or once the retries are spent, raise the library's error.
        """
        if not _is_busy(exc) or (conn.in_transaction and name != "commit"):
            raise _translate(exc) from exc
        with _translate_errors():
            return self._retry(exc, conn, call, started)

    def _retrying_busy(self, conn: sqlite3.Connection, call: Callable[[], T]) -> T:
        """Run ``call`` (no transaction open), retrying it while the file is busy."""
        started = time.perf_counter()
        try:
            return call()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or conn.in_transaction:
                raise
            return self._retry(exc, conn, call, started)

    def _retry(
        self, first: BaseException, conn: sqlite3.Connection, call: Callable[[], T], started: float
    ) -> T:
        """Retry ``call`` under the policy; ``first`` is the busy error its first try,
        begun at ``started`` (``time.perf_counter()``), raised.

        ``timeout`` bounds the whole wait, retries included: each try waits at most its
        share of it (``_try_wait``) in SQLite's busy handler, no backoff sleeps past
        ``started + timeout``, and no retry starts after it. A file locked throughout is
        reported once ``timeout`` is spent (at once with ``timeout=0``, with no retry).
        """
        deadline = started + self.timeout
        pending = [first]

        def remaining() -> float:
            return deadline - time.perf_counter()

        def attempt() -> T:
            if pending:
                raise pending.pop()
            wait = max(0.0, min(remaining(), self._try_wait()))
            conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
            return call()

        backoff = wait_random_exponential(multiplier=self.retry.backoff, max=self.retry.max_backoff)

        def wait(state: RetryCallState) -> float:
            return max(0.0, min(backoff(state), remaining()))

        def stop(state: RetryCallState) -> bool:
            return state.attempt_number >= self.retry.attempts or remaining() <= 0

        retrying = Retrying(
            stop=stop,
            wait=wait,
            retry=retry_if_exception(_is_busy),
            before_sleep=self._count_retry,
            reraise=True,
        )
        try:
            return retrying(attempt)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self._try_wait() * 1000)}")

    def _try_wait(self) -> float:
        """How long one try waits in SQLite's busy handler: an equal share of ``timeout``
        per attempt, so the tries and the backoff between them fit in ``timeout``.
        """
        return self.timeout / self.retry.attempts

    def _count_retry(self, state: RetryCallState) -> None:
        kind = _busy_kind(state.outcome.exception() if state.outcome else None)
        self.retries[kind] = self.retries.get(kind, 0) + 1
        log.debug("sqlite retry %d after %s", state.attempt_number, kind)
        if self.on_retry is not None:
            self.on_retry(kind)

    @contextmanager
    def _write(self) -> Iterator[None]:
        """Hold the lock and an immediate (write-locked) transaction; roll back on any error.

        Nested use joins the transaction already open, so one write can build on another.
        """
        with self._lock:
            if self._conn().in_transaction:
                yield
                return
            if getattr(self._local, "active", None) is not None:
                raise AssertionError("a write cannot start inside a read")
            self._local.active = self._conn()  # reads inside the write see what it wrote
            try:
                self._execute("begin", "BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    if self._conn().in_transaction:  # SQLite already rolled back after SQLITE_FULL ...
                        self._execute("rollback", "ROLLBACK")
                    raise
                try:
                    self._execute("commit", "COMMIT")
                except BaseException:
                    if self._conn().in_transaction:
                        self._execute("rollback", "ROLLBACK")
                    raise
            finally:
                self._local.active = None


# ---------------------------------------------------------------- rows


def _schema_version(conn: sqlite3.Connection) -> int | None:
    if conn.execute(sql.HAS_SCHEMA_VERSION).fetchone() is None:
        return None
    found: int | None = conn.execute(sql.SCHEMA_VERSION_FOUND).fetchone()[0]
    return found
