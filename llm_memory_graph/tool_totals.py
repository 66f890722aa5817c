"""Totals of tool runs per group: calls, errors, cost and duration percentiles; no I/O.

``MemoryGraph.tool_report`` streams the tool invocations of a period through these, so a
report holds one row per group and each group's durations, never the invocations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .errors import InvalidInputError
from .schema import Model, ToolInvocation, ToolStatus

__all__ = ["TOOL_GROUPS", "ToolRow", "ToolTotals", "check_tool_groups"]

#: What tool runs can be grouped by: the tool's name, the agent that ran it, its
#: conversation, and its end user.
TOOL_GROUPS = ("tool", "agent", "conversation", "user")


class ToolRow(Model):
    """The totals of one group of tool runs. Pending runs (asked for, not yet run) count
    as calls; durations are nearest-rank percentiles of the runs that have one."""

    group: dict[str, str | None]
    calls: int
    errors: int
    pending: int
    cost_usd: float
    duration_p50_ms: float | None
    duration_p95_ms: float | None


def check_tool_groups(by: Sequence[str] | str) -> tuple[str, ...]:
    """Refuse an unknown or repeated grouping; return the groupings."""
    groups = (by,) if isinstance(by, str) else tuple(by)
    for i, group in enumerate(groups):
        if group not in TOOL_GROUPS:
            raise InvalidInputError(
                f"unknown grouping {group!r}; expected one of {', '.join(TOOL_GROUPS)}", field=f"by.{i}"
            )
    if len(set(groups)) != len(groups):
        raise InvalidInputError("a grouping is given twice", field="by")
    return groups


def _key(tool: ToolInvocation, group: str) -> str | None:
    return {
        "tool": tool.tool_name,
        "agent": tool.agent_id,
        "conversation": tool.conversation_id,
        "user": tool.user_id,
    }[group]


@dataclass
class _Totals:
    calls: int = 0
    errors: int = 0
    pending: int = 0
    cost: float = 0.0
    durations: list[float] = field(default_factory=list)


def _rank(values: list[float], percent: int) -> float | None:
    return values[(percent * len(values) + 99) // 100 - 1] if values else None


class ToolTotals:
    """Tool runs added one at a time, summed per group: ``add`` each, then ``rows``."""

    def __init__(self, by: Sequence[str]) -> None:
        self.by = tuple(by)
        self._groups: dict[tuple[str | None, ...], _Totals] = {}

    def add(self, tool: ToolInvocation) -> None:
        totals = self._groups.setdefault(tuple(_key(tool, g) for g in self.by), _Totals())
        totals.calls += 1
        totals.errors += tool.status == ToolStatus.ERROR
        totals.pending += tool.status == ToolStatus.PENDING
        totals.cost += tool.cost_usd or 0.0
        if tool.duration_ms is not None:
            totals.durations.append(tool.duration_ms)

    def rows(self) -> list[ToolRow]:
        """One row per group, ordered by group (a missing key last)."""
        rows = []
        for key, totals in sorted(
            self._groups.items(), key=lambda item: [(k is None, k or "") for k in item[0]]
        ):
            durations = sorted(totals.durations)
            rows.append(
                ToolRow(
                    group=dict(zip(self.by, key, strict=True)),
                    calls=totals.calls,
                    errors=totals.errors,
                    pending=totals.pending,
                    cost_usd=round(totals.cost, 10),
                    duration_p50_ms=_rank(durations, 50),
                    duration_p95_ms=_rank(durations, 95),
                )
            )
        return rows
