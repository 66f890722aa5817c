"""A graph file on a read-only folder can be read, and only writes fail (issue 13).

The folder is made read-only for real: its permissions grant writing to no one, and the
graph is opened by a separate process that cannot write there. Root ignores permissions
through its capabilities, so under root the folder and file belong to ``nobody`` and that
process runs without the capabilities that bypass permissions (``setpriv`` drops
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER and CAP_CHOWN from its bounding set).
A fixture first proves that the process cannot create a file in the folder, and skips,
saying why, only when no such process can be started.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from llm_memory_graph import MemoryGraph, StoreCorruptError
from llm_memory_graph.stores.sqlite import SQLiteStore
from tests._cli import _SOURCE_ROOT

_NOBODY = 65534
_AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
#: Under root: run without the capabilities that let root ignore file permissions.
_WITHOUT_OVERRIDES = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner,-chown", "--"]


@dataclass(frozen=True)
class ReadOnlyGraph:
    """A graph file holding two prompts, in a folder the ``run`` process cannot write to."""

    db: Path

    def run(self, code: str) -> subprocess.CompletedProcess[str]:
        """Run Python ``code`` in a process that cannot write to the folder."""
        return _outsider([sys.executable, "-W", "error", "-c", code])

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the real command in a process that cannot write to the folder."""
        return _outsider([sys.executable, "-W", "error", "-m", "llm_memory_graph.cli", *args])


def _outsider(argv: list[str]) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(_SOURCE_ROOT),
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "HOME": "/nonexistent",
    }
    prefix = _WITHOUT_OVERRIDES if _AS_ROOT else []
    return subprocess.run(
        [*prefix, *argv], capture_output=True, text=True, encoding="utf-8", env=env, timeout=120, check=False
    )


@pytest.fixture
def read_only_graph() -> Iterator[ReadOnlyGraph]:
    # Not under pytest's tmp_path: its parents are private to the user running the tests.
    top = Path(tempfile.mkdtemp(prefix="llm-memory-graph-ro-"))
    folder = top / "graphs"
    folder.mkdir()
    db = folder / "graph.db"
    with MemoryGraph.open(db, registry=None) as graph:
        graph.add_prompt("first words")
        graph.add_prompt("second words")
    if _AS_ROOT:
        if shutil.which("setpriv") is None:
            shutil.rmtree(top)
            pytest.skip("running as root, and setpriv (util-linux) is missing to drop root's overrides")
        for path in (folder, db):
            os.chown(path, _NOBODY, _NOBODY)
    top.chmod(0o755)
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        probe = _outsider([sys.executable, "-c", f"open({str(folder / 'probe')!r}, 'w')"])
        if probe.returncode == 0:
            pytest.skip("no process here is refused writes to a folder without write permission")
        assert "Permission denied" in probe.stderr, probe.stderr
        assert sorted(p.name for p in folder.iterdir()) == ["graph.db"]  # no -wal, no -shm
        yield ReadOnlyGraph(db)
    finally:
        folder.chmod(0o755)
        shutil.rmtree(top)


@pytest.mark.parametrize("read_only", [True, False], ids=["read_only", "default"])
def test_a_graph_in_a_read_only_folder_can_be_read(read_only_graph: ReadOnlyGraph, read_only: bool) -> None:
    done = read_only_graph.run(
        "import json\n"
        "from llm_memory_graph import MemoryGraph\n"
        "from llm_memory_graph.stores.sqlite import SQLiteStore\n"
        f"store = SQLiteStore({str(read_only_graph.db)!r}, read_only={read_only})\n"
        "with MemoryGraph(store=store, registry=None) as graph:\n"
        "    print(json.dumps([graph.stats().total_nodes, len(graph.search('words').items),\n"
        "                      [n.content for n in graph.find(types='Prompt').items]]))\n"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [2, 2, ["first words", "second words"]]


@pytest.mark.parametrize("read_only", [True, False], ids=["read_only", "default"])
def test_writing_a_graph_in_a_read_only_folder_raises_store_read_only_error(
    read_only_graph: ReadOnlyGraph, read_only: bool
) -> None:
    done = read_only_graph.run(
        "from llm_memory_graph import MemoryGraph, StoreReadOnlyError\n"
        "from llm_memory_graph.stores.sqlite import SQLiteStore\n"
        f"store = SQLiteStore({str(read_only_graph.db)!r}, read_only={read_only})\n"
        "with MemoryGraph(store=store, registry=None) as graph:\n"
        "    try:\n"
        "        graph.add_prompt('refused')\n"
        "    except StoreReadOnlyError:\n"
        "        print(graph.stats().total_nodes)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2"
    assert sorted(p.name for p in read_only_graph.db.parent.iterdir()) == ["graph.db"]


def test_the_cli_reads_a_graph_in_a_read_only_folder(read_only_graph: ReadOnlyGraph) -> None:
    stats = read_only_graph.cli("stats", "--json", "--db", str(read_only_graph.db))
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["nodes"]["Prompt"] == 2
    found = read_only_graph.cli("find", "--since", "1h", "--json", "--db", str(read_only_graph.db))
    assert found.returncode == 0, found.stderr
    assert len(json.loads(found.stdout)["items"]) == 2


def test_a_cli_write_to_a_read_only_folder_is_one_error_line(read_only_graph: ReadOnlyGraph) -> None:
    done = read_only_graph.cli("demo", "--db", str(read_only_graph.db))
    assert done.returncode == 1
    assert done.stderr.startswith("Error: sqlite: the database file can be read but not written")
    assert done.stderr.count("\n") == 1


def test_a_read_command_refuses_an_empty_file_and_leaves_it_empty(db_path: Path) -> None:
    db_path.touch()
    done = subprocess.run(
        [sys.executable, "-m", "llm_memory_graph.cli", "stats", "--db", str(db_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(_SOURCE_ROOT)},
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Error: sqlite: the file holds no graph")
    assert db_path.stat().st_size == 0
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["graph.db"]


def test_opening_an_empty_file_read_only_is_a_corrupt_store_error(db_path: Path) -> None:
    db_path.touch()
    with pytest.raises(StoreCorruptError, match="holds no graph"):
        SQLiteStore(db_path, read_only=True).stats()
    assert db_path.stat().st_size == 0
