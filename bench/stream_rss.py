"""Stream a graph's nodes in a fresh process and report its peak memory growth, as JSON.

    python bench/stream_rss.py graph.db [--limit 200000]
    python bench/stream_rss.py --neo4j [--limit 200000]      # the database NEO4J_URI names

The baseline is the resident set after importing the library and opening the graph; the
peak is the high-water mark after streaming (reset just before, where Linux allows).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from pathlib import Path

from llm_memory_graph import MemoryGraph


def _status(field: str) -> int:
    """A ``VmRSS``/``VmHWM`` figure of this process, in KiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", help="the embedded graph's file")
    parser.add_argument("--neo4j", action="store_true", help="stream the Neo4j database NEO4J_URI names")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    if args.neo4j:
        from llm_memory_graph.stores.neo4j import Neo4jSettings, Neo4jStore

        opened = MemoryGraph(store=Neo4jStore(Neo4jSettings.from_env()), cache=False, registry=None)
    elif args.db:
        opened = MemoryGraph.open(args.db, cache=False, registry=None)
    else:
        parser.error("name a graph file, or pass --neo4j")
    with opened as graph:
        graph.stats()  # open the file, warm the schema
        with contextlib.suppress(OSError):
            Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark
        baseline = _status("VmRSS")
        started = time.perf_counter()
        count = 0
        for _ in graph.stream(batch_size=500):
            count += 1
            if args.limit and count >= args.limit:
                break
        seconds = time.perf_counter() - started
        peak = max(_status("VmHWM"), _status("VmRSS"))
    print(json.dumps({"nodes": count, "seconds": seconds, "baseline_kib": baseline, "peak_kib": peak}))


if __name__ == "__main__":
    main()
