"""Benchmarks of llm-memory-graph: figures and ratios, never pass/fail.

    python bench/run.py              # the full run (builds a 1,000,000-node graph: minutes)
    python bench/run.py --quick      # small sizes, for CI (seconds)
    python bench/run.py --nodes 200000 --keep /tmp/bench   # keep the large graph for reruns
    python bench/run.py --only neo4j     # one store's suite

Prints one Markdown table per store: what was measured, the figure, the target where the
project set one. Peers (LangChain, OpenTelemetry) run when the ``peers`` extra is
installed (``pip install -e ".[peers]"``). Neo4j runs on the server ``NEO4J_URI`` names, or,
when it is unset and ``java`` and ``mvn`` are present, on a local server started for the run
(``tools/neo4j-server``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # tools.local_neo4j

from capture import run_capture
from common import Result
from peers import run_peers
from sqlite_suite import run_sqlite


def machine() -> str:
    """Cores, memory, Python and SQLite versions, and the OS, in one line."""
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024**2:.0f} GiB, "
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores, {memory}Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.machine()}"
    )


def table(results: list[Result]) -> str:
    """The results as Markdown tables, one per suite."""
    lines: list[str] = []
    suites = dict.fromkeys(r.suite for r in results)
    for suite in suites:
        lines += ["", f"**{suite}**", "", "| benchmark | result | target |", "|---|---|---|"]
        for r in results:
            if r.suite == suite:
                lines.append(f"| {r.name} | {r.figure} | {r.target} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI")
    parser.add_argument("--nodes", type=int, default=None, help="size of the query graph (default 1,000,000)")
    parser.add_argument(
        "--keep", type=Path, default=None, help="folder that keeps the large graph between runs"
    )
    parser.add_argument("--no-peers", action="store_true", help="skip LangChain and OpenTelemetry")
    parser.add_argument(
        "--only", choices=["sqlite", "neo4j"], default=None, help="run one store's suite (no peers)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write every figure to this file")
    args = parser.parse_args()
    nodes = args.nodes or (20_000 if args.quick else 1_000_000)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="llm-memory-graph-bench-") as scratch:
        work = Path(scratch)
        reuse = None
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            reuse = args.keep / f"large-{nodes}.db"
        results = []
        if args.only in (None, "sqlite"):
            results += run_sqlite(work, quick=args.quick, nodes=nodes, reuse=reuse)
            results += run_capture(work, quick=args.quick)
        if args.only is None and not args.no_peers:
            results += run_peers(work, quick=args.quick)
        if args.only in (None, "neo4j"):
            # Imported last: the Neo4j driver's modules would add a third to the objects every
            # full garbage collection of the embedded-store benchmarks scans (3 to 4% of ingest).
            from neo4j_suite import run_neo4j

            results += run_neo4j(work, quick=args.quick, nodes=nodes)
    mode = "quick run" if args.quick else "full run"
    print(f"llm-memory-graph benchmarks, {mode}: {machine()}")
    print(table(results))
    print(f"\n({time.perf_counter() - started:,.0f} s in all)")
    if args.json is not None:
        args.json.write_text(json.dumps([vars(r) for r in results], indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
