"""Generate the synchronous twins from their async sources, line by line.

    python scripts/unasync.py          # rewrite the generated files
    python scripts/unasync.py --check  # exit 1 if any generated file is stale

Each substitution is a regular expression applied to every line in order, so line numbers
match between a source and its twin. A substitution that no source uses is an error: the
table must not keep rules for code that is gone.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: (async source, generated sync file), relative to the repository root.
FILES = [
    ("llm_memory_graph/aio.py", "llm_memory_graph/graph.py"),
    ("llm_memory_graph/aio_templates.py", "llm_memory_graph/graph_templates.py"),
    ("llm_memory_graph/aio_writes.py", "llm_memory_graph/graph_writes.py"),
    ("llm_memory_graph/aio_traversal.py", "llm_memory_graph/graph_traversal.py"),
    ("llm_memory_graph/stores/neo4j/aio_store.py", "llm_memory_graph/stores/neo4j/store.py"),
    ("tests/contract/async_/test_writes.py", "tests/contract/sync_/test_writes.py"),
    ("tests/contract/async_/test_reads.py", "tests/contract/sync_/test_reads.py"),
    ("tests/contract/async_/test_lineage.py", "tests/contract/sync_/test_lineage.py"),
    ("tests/contract/async_/test_query.py", "tests/contract/sync_/test_query.py"),
    ("tests/contract/async_/test_templates.py", "tests/contract/sync_/test_templates.py"),
    ("tests/contract/async_/test_aggregates.py", "tests/contract/sync_/test_aggregates.py"),
    ("tests/contract/async_/test_input_errors.py", "tests/contract/sync_/test_input_errors.py"),
]

SUBSTITUTIONS = [
    (
        r"the asyncio API, and the source that ``graph.py`` is generated from\.",
        "the synchronous API, generated from ``aio.py``.",
    ),
    (r"Safe to share between tasks\.", "Safe to share between threads."),
    (
        r"The Neo4j store for asyncio, and the source that ``store.py`` is generated from\.",
        "The Neo4j store, generated from ``aio_store.py``.",
    ),
    (
        r"A graph in a Neo4j 5 database \(5.26 LTS or 2025.x\), for asyncio\.",
        "A graph in a Neo4j 5 database (5.26 LTS or 2025.x).",
    ),
    (r"\bAsyncNeo4jStore\b", "Neo4jStore"),
    (r"\bAsyncGraphDatabase\b", "GraphDatabase"),
    (r"\bAsyncDriver\b", "Driver"),
    (r"\bAsyncManagedTransaction\b", "ManagedTransaction"),
    (r"\bAsyncRetrying\b", "Retrying"),
    (r"\baiter_pages\b", "iter_pages"),
    (r"\baiter_cursor\b", "iter_cursor"),
    (r"Awaitable\[(\w+)\]", r"\1"),
    (r"Awaitable, ", ""),
    (r"\bAsyncMemoryGraph\b", "MemoryGraph"),
    (r"\bAsync(Batch|BufferedWriter)\b", r"\1"),
    (r'on_full: OnFull = "raise"', 'on_full: OnFull = "block"'),
    (r"\bAsyncQuery\b", "Query"),
    (r"\b_AsyncTemplateMethods\b", "_TemplateMethods"),
    (r"from \.aio_templates import", "from .graph_templates import"),
    (r"\b_AsyncWriteMethods\b", "_WriteMethods"),
    (r"\b_AsyncTraversalMethods\b", "_TraversalMethods"),
    (r"from \.aio_traversal import", "from .graph_traversal import"),
    (r"the source ``graph_traversal.py`` is generated from\.", "generated from ``aio_traversal.py``."),
    (r"from \.aio_writes import", "from .graph_writes import"),
    (r"the source ``graph_writes.py`` is generated from\.", "generated from ``aio_writes.py``."),
    (r"the source ``graph_templates.py`` is generated from\.", "generated from ``aio_templates.py``."),
    (r"\.astream\(", ".stream("),
    (r"\bAsyncGraphStore\b", "GraphStore"),
    (r"\bAsyncSQLiteStore\b", "SQLiteStore"),
    (r"\bAsyncIterator\b", "Iterator"),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\baclose\b", "close"),
    (r"\basync def\b", "def"),
    (r"\basync for\b", "for"),
    (r"\basync with\b", "with"),
    (r"\bawait ", ""),
]

#: First line of every async source; the twin gets HEADER on that line instead.
MARKER = "# Async source: edit here, then run scripts/unasync.py to regenerate the sync twin.\n"
HEADER = "# Generated from {source} by scripts/unasync.py; do not edit.\n"


def unasync(text: str, used: set[int]) -> str:
    """Return ``text`` with every substitution applied to every line."""
    lines = []
    for line in text.splitlines(keepends=True):
        for i, (pattern, replacement) in enumerate(SUBSTITUTIONS):
            line, count = re.subn(pattern, replacement, line)
            if count:
                used.add(i)
        lines.append(line)
    return "".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a generated file is stale")
    args = parser.parse_args()
    used: set[int] = set()
    stale = []
    for source, target in FILES:
        text = (ROOT / source).read_text()
        if not text.startswith(MARKER):
            print(f"{source} must start with the line {MARKER.strip()!r}", file=sys.stderr)
            return 1
        generated = HEADER.format(source=source) + unasync(text.removeprefix(MARKER), used)
        path = ROOT / target
        if not path.exists() or path.read_text() != generated:
            stale.append(target)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(generated)
    unused = [SUBSTITUTIONS[i][0] for i in range(len(SUBSTITUTIONS)) if i not in used]
    if unused:
        print(f"unused substitutions: {unused}", file=sys.stderr)
        return 1
    if stale:
        verb = "stale" if args.check else "regenerated"
        print(f"{verb}: {', '.join(stale)}", file=sys.stderr)
        return 1 if args.check else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
