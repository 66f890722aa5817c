"""A SQLite store's ``timeout`` bounds the whole wait for a locked file, retries included
(issue 13: a held lock made ``demo --timeout 5`` wait 26.6 s, five tries of 5 s each).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from llm_memory_graph import MemoryGraph, StoreTimeoutError
from llm_memory_graph.stores.retry import RetryPolicy
from llm_memory_graph.stores.sqlite import SQLiteStore


@pytest.fixture
def locked(db_path: Path) -> Iterator[Path]:
    """A graph file whose write lock another connection holds for the whole test."""
    with MemoryGraph.open(db_path, registry=None) as graph:
        graph.add_prompt("file created")
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        yield db_path
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_a_zero_timeout_gives_up_at_once_without_retrying(locked: Path) -> None:
    store = SQLiteStore(locked, timeout=0, retry=RetryPolicy(attempts=5))
    with MemoryGraph(store=store, registry=None) as graph, pytest.raises(StoreTimeoutError):
        graph.add_prompt("blocked")
    assert store.retries == {}


@pytest.mark.parametrize(("timeout", "attempts"), [(5.0, 5), (2.0, 1), (0.3, 3)])
def test_each_try_waits_its_share_of_the_timeout(db_path: Path, timeout: float, attempts: int) -> None:
    store = SQLiteStore(db_path, timeout=timeout, retry=RetryPolicy(attempts=attempts))
    with MemoryGraph(store=store, registry=None) as graph:
        graph.add_prompt("opened")
        (busy_ms,) = store._conn().execute("PRAGMA busy_timeout").fetchone()
    assert busy_ms * attempts <= timeout * 1000
    assert busy_ms == int(timeout / attempts * 1000)
