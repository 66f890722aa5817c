"""Running the real ``llm-memory-graph`` command in a fresh interpreter, for CLI tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import llm_memory_graph

__all__ = ["run_cli"]

_SOURCE_ROOT = Path(llm_memory_graph.__file__).resolve().parents[1]


def run_cli(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command in a fresh interpreter that turns warnings into errors."""
    environ = {
        k: v for k, v in os.environ.items() if k != "LLM_MEMORY_GRAPH_DB" and not k.startswith("NEO4J_")
    }
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_SOURCE_ROOT), environ.get("PYTHONPATH")]))
    environ["PYTHONIOENCODING"] = "utf-8"
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-W", "error", "-m", "llm_memory_graph.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environ,
        timeout=120,
        check=False,
    )
