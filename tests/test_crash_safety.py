"""Fault tolerance of the embedded store (issue 6): a writer killed mid-batch leaves every
committed batch whole and no partial one; a full disk, a read-only file and a damaged file
each give one specific, one-line library error.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from llm_memory_graph import (
    Document,
    MemoryGraph,
    NodeType,
    SQLiteStore,
    StoreCorruptError,
    StoreFullError,
    StoreReadOnlyError,
)

ROOT = Path(__file__).resolve().parents[1]

#: Items a child's batch holds besides its conversation: a prompt and a completion per turn.
TURNS = 60

CHILD = textwrap.dedent(
    """
    import sys
    from llm_memory_graph import MemoryGraph

    graph = MemoryGraph.open(sys.argv[1], registry=None)
    number = 0
    while True:
        number += 1
        with graph.batch(chunk_size=1_000_000) as batch:  # one chunk: one transaction
            chat = batch.start_conversation(f"batch {number}", metadata={"batch": number})
            for turn in range(int(sys.argv[2])):
                prompt = batch.add_prompt(f"{number}.{turn}", conversation=chat, metadata={"batch": number})
                batch.add_completion(prompt, "answer", metadata={"batch": number})
        print(number, flush=True)  # only after the commit returned
    """
)


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        (result,) = conn.execute("PRAGMA integrity_check").fetchone()
    return str(result)


def _one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text
    return text


@pytest.mark.slow
def test_a_writer_killed_mid_batch_leaves_every_committed_batch_whole(db_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path), str(TURNS)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    committed = [int(child.stdout.readline()) for _ in range(5)]  # blocks until each is reported
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()
    assert child.stderr is not None
    child.stderr.close()

    assert committed == [1, 2, 3, 4, 5]
    assert child.returncode == -signal.SIGKILL
    assert _integrity(db_path) == "ok"
    with MemoryGraph.open(db_path, registry=None) as graph:
        found = {
            n.metadata["batch"]: graph.query().where(batch=n.metadata["batch"]).count()
            for n in graph.find(types="Conversation", limit=1000).items
        }
        stats = graph.stats()
    assert set(committed) <= set(found)  # every batch reported committed survived
    assert all(count == 1 + 2 * TURNS for count in found.values()), found  # and none is partial
    assert stats.nodes[NodeType.PROMPT] == TURNS * len(found)
    assert stats.edges["CONTAINS"] == 2 * TURNS * len(found)  # type: ignore[index]


def test_a_full_disk_gives_one_line_and_leaves_the_graph_as_it_was(db_path: Path) -> None:
    store = SQLiteStore(db_path)
    with MemoryGraph(store=store, registry=None) as graph:
        graph.add_prompt("before the disk filled")
        (pages,) = store._conn().execute("PRAGMA page_count").fetchone()
        store._conn().execute(f"PRAGMA max_page_count = {pages + 2}")  # the "disk" has 2 pages left

        with pytest.raises(StoreFullError) as raised:
            graph.add([Document(content="x" * 100_000)])

        assert _one_line(raised.value) == (
            "sqlite: the disk or the database's size limit is full; the write was rolled back "
            "(database or disk is full)"
        )
        assert graph.stats().total_nodes == 1
        assert graph.add_prompt("small writes still fit").content == "small writes still fit"
    assert _integrity(db_path) == "ok"


def test_writing_a_read_only_file_gives_one_line(db_path: Path) -> None:
    with MemoryGraph.open(db_path, registry=None) as graph:
        graph.add_prompt("written while writable")

    with MemoryGraph(store=SQLiteStore(db_path, read_only=True), registry=None) as graph:
        assert graph.stats().total_nodes == 1
        with pytest.raises(StoreReadOnlyError) as raised:
            graph.add_prompt("refused")

    assert _one_line(raised.value).startswith("sqlite: the database file can be read but not written")
    assert raised.value.__cause__ is not None


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file permissions")
def test_writing_a_file_without_write_permission_gives_one_line(db_path: Path) -> None:
    with MemoryGraph.open(db_path, registry=None) as graph:
        graph.add_prompt("written while writable")
    db_path.chmod(0o444)
    try:
        with MemoryGraph.open(db_path, registry=None) as graph, pytest.raises(StoreReadOnlyError):
            graph.add_prompt("refused")
    finally:
        db_path.chmod(0o644)


def test_a_read_only_in_memory_graph_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="in-memory graph cannot be opened read-only"):
        SQLiteStore(":memory:", read_only=True).stats()


def test_a_file_of_garbage_gives_one_line(db_path: Path) -> None:
    db_path.write_bytes(os.urandom(8192))

    with MemoryGraph.open(db_path, registry=None) as graph, pytest.raises(StoreCorruptError) as raised:
        graph.stats()

    assert (
        _one_line(raised.value)
        == "sqlite: the file is not a readable graph database (file is not a database)"
    )


def test_a_graph_with_damaged_pages_gives_one_line(db_path: Path) -> None:
    with MemoryGraph.open(db_path, registry=None) as graph:
        for i in range(200):
            graph.add_prompt(f"prompt {i} " * 20)
    size = db_path.stat().st_size
    with db_path.open("r+b") as file:  # keep the header page, scribble over the rest
        file.seek(4096)
        file.write(os.urandom(size - 4096))

    with MemoryGraph.open(db_path, registry=None) as graph, pytest.raises(StoreCorruptError) as raised:
        graph.find(types="Prompt", limit=500)

    assert _one_line(raised.value).startswith("sqlite: the file is not a readable graph database")
