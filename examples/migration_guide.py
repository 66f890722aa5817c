"""Schema migrations: what Neo4j needs before first use and after each upgrade, and why SQLite needs nothing.

On Neo4j this shows ``Migrator`` from ``llm_memory_graph.stores.neo4j.migrate``: the
status of every shipped script (applied when, or pending), the plan (what would run),
``apply()`` (safe to run again, and from several processes at once: a lock keeps them
apart), then a graph opened on the migrated database. The same is
``llm-memory-graph migrate status`` / ``migrate --dry-run`` / ``migrate`` on the command line.

On an embedded SQLite file there is nothing to run: the file records its schema version and
is created or upgraded in place when opened. For that store this lists the Neo4j scripts
shipped with the package (``migrations/V0001__*.cypher`` ...) and opens
the file, which is all its upgrade takes.

Run it with a store as its one argument (else ``$LLM_MEMORY_GRAPH_URI``, else a
temporary SQLite file that is deleted afterwards)::

    python examples/migration_guide.py
    NEO4J_PASSWORD=secret python examples/migration_guide.py bolt://localhost:7687
"""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
from pathlib import Path

from llm_memory_graph import MemoryGraph
from llm_memory_graph.stores.neo4j import Neo4jSettings, Neo4jStore, is_neo4j_uri


def migrate_neo4j(uri: str) -> None:
    """Print the migration status of a Neo4j database, apply what is pending, and use it."""
    from llm_memory_graph.stores.neo4j.migrate import Migrator  # imports the Neo4j driver

    settings = Neo4jSettings.from_env(uri)  # NEO4J_USER (default neo4j), NEO4J_PASSWORD, NEO4J_DATABASE
    with Neo4jStore(settings) as store:
        migrator = Migrator(store)
        print(f"Migration status of {uri}:")
        for state in migrator.status():
            when = f"applied {state.applied_at:%Y-%m-%d %H:%M:%S}" if state.applied_at else "pending"
            print(f"  V{state.version:04d} {state.name:<30} {when}")
        pending = migrator.plan()
        print(f"Would apply {len(pending)} migration(s): {[f'V{m.version:04d}' for m in pending]}")
        applied = migrator.apply()  # takes the lock, applies what is pending, in order
        print(f"Applied {[f'V{m.version:04d} {m.name}' for m in applied]}" if applied else "Up to date.")
        assert not migrator.plan()

    # The graph refuses a database that lacks migrations; a migrated one opens (nothing is written).
    with MemoryGraph.open(uri) as graph:
        stats = graph.stats()
        print(f"The graph opens on it: {stats.total_nodes} node(s), {stats.total_edges} edge(s).")


def explain_sqlite(path: Path | str) -> None:
    """Say why an embedded file needs no migrations, and list the Neo4j scripts shipped."""
    print("Migrations are for Neo4j: pass a bolt:// or neo4j:// URI to apply them.")
    print("The scripts `llm-memory-graph migrate` would run on a new Neo4j database:")
    from llm_memory_graph.stores.neo4j.migrate import migrations  # imports the Neo4j driver

    for script in migrations():
        summary = script.text.splitlines()[0].partition(": ")[2]
        print(f"  V{script.version:04d} {script.name:<28} {textwrap.shorten(summary, 64)}")

    # The embedded file migrates itself: first use creates the schema, or upgrades an older one
    # (a file written by a newer version of the library is refused with SchemaVersionError).
    with MemoryGraph.open(path) as graph:
        stats = graph.stats()
        print(f"Opened {Path(path).name}; its schema is current: {stats.total_nodes} node(s).")


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LLM_MEMORY_GRAPH_URI")
    if target is not None and is_neo4j_uri(target):
        migrate_neo4j(target)
        return
    with tempfile.TemporaryDirectory() as folder:
        explain_sqlite(target or Path(folder) / "embedded.db")


if __name__ == "__main__":
    main()
