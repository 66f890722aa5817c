"""The sync twins are exactly what scripts/unasync.py makes from the async sources."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_generated_sync_files_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "unasync.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_sync_facade_has_every_public_method_of_the_async_one() -> None:
    from llm_memory_graph import AsyncMemoryGraph, MemoryGraph

    def public(cls: type) -> set[str]:
        return {n for n in vars(cls) if not n.startswith("_")}

    assert public(MemoryGraph) == public(AsyncMemoryGraph) - {"aclose"} | {"close"}
