"""What every benchmark shares: percentiles, result rows, and the files they work in."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Result", "copy_db", "ms", "percentile", "us"]


@dataclass
class Result:
    """One line of the printed table, and its raw figures for ``--json``."""

    suite: str
    name: str
    figure: str
    target: str = ""
    values: dict[str, Any] = field(default_factory=dict)


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile of ``samples`` (seconds)."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    """Seconds as milliseconds, three significant figures."""
    return f"{seconds * 1000:.3g} ms"


def us(seconds: float) -> str:
    """Seconds as microseconds, three significant figures (whole ones from 1,000 up)."""
    micros = seconds * 1e6
    return f"{micros:,.0f} µs" if micros >= 1000 else f"{micros:.3g} µs"


def copy_db(source: Path, target: Path) -> Path:
    """Copy a closed graph file (no WAL beside it) to a fresh path."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target
