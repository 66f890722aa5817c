"""A process killed right after publishing a labelled template version (issue 13): the
version and its label move commit together, so the kill finds both or neither.

The child kills itself with SIGKILL at a deterministic point, the first SQL statement after
its first COMMIT, as seen by sqlite3's own trace hook: with two transactions that point lay
between publishing and moving the label, and "production" stayed on the old version.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from llm_memory_graph import MemoryGraph

ROOT = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from llm_memory_graph import MemoryGraph, SQLiteStore

    store = SQLiteStore(sys.argv[1])
    graph = MemoryGraph(store=store, registry=None)
    graph.publish_template("support", "one", label="production")
    committed = False

    def kill_after_the_first_commit(statement: str) -> None:
        global committed
        if committed:
            os.kill(os.getpid(), signal.SIGKILL)
        committed = statement.strip().upper() == "COMMIT"

    store._conn().set_trace_callback(kill_after_the_first_commit)
    graph.publish_template("support", "two", label="production")
    os.kill(os.getpid(), signal.SIGKILL)  # publishing was one transaction: nothing ran after it
    """
)


def test_a_publisher_killed_after_its_first_commit_leaves_the_label_on_the_new_version(
    db_path: Path,
) -> None:
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(db_path)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    with MemoryGraph.open(db_path, registry=None) as graph:
        versions = [v.body for v in graph.template_versions("support")]
        production = graph.get_template_version("support", label="production").body
    assert (versions, production) == (["one", "two"], "two")
