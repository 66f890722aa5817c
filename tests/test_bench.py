"""bench/run.py --quick runs to the end and prints its tables; figures are never asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_quick_benchmark_runs_and_prints_its_tables(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--json", str(tmp_path / "figures.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("llm-memory-graph benchmarks, quick run: ")
    assert "| batched ingest" in done.stdout
    assert "SDK/raw = " in done.stdout
    assert "| stream " in done.stdout
    assert (tmp_path / "figures.json").is_file()
