"""The ``llm-memory-graph report`` command: tokens, cost, latency and feedback per group.

    llm-memory-graph report --since 7d --by model,day
    llm-memory-graph report --agent writer --meta env=prod --json

``cli.py`` registers the command; the options and helpers it shares with the other
commands live in ``_cli_common.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from ..errors import MemoryGraphError
from ..pricing import PriceTable
from ..schema import utcnow, validating
from ..spec import AggregateRow, GroupBy, NodeFilter
from ..tool_totals import TOOL_GROUPS
from ..views.text import visible
from ..when import parse_when
from .common import (
    StoreChoice,
    agent_names,
    agent_ref,
    echo_json,
    error_line,
    open_graph,
    output_options,
    parse_meta,
    store_options,
)

__all__ = [
    "MAX_PRICES_BYTES",
    "parse_by",
    "parse_moment",
    "read_prices",
    "report",
    "report_json",
    "report_table",
    "reprice",
]

#: Column titles of the groupings in the text table.
_GROUP_TITLES: dict[GroupBy, str] = {
    GroupBy.MODEL: "model",
    GroupBy.PROVIDER: "provider",
    GroupBy.AGENT: "agent",
    GroupBy.CONVERSATION: "conversation",
    GroupBy.USER: "user",
    GroupBy.TEMPLATE_VERSION: "template version",
    GroupBy.MINUTE: "minute (UTC)",
    GroupBy.HOUR: "hour (UTC)",
    GroupBy.DAY: "day (UTC)",
}

#: How much of an ISO bucket start the table shows: the date, or the date and the time.
_BUCKET_TEXT: dict[GroupBy, Callable[[datetime], str]] = {
    GroupBy.MINUTE: lambda at: at.strftime("%Y-%m-%d %H:%M"),
    GroupBy.HOUR: lambda at: at.strftime("%Y-%m-%d %H:%M"),
    GroupBy.DAY: lambda at: at.strftime("%Y-%m-%d"),
}

_METRIC_TITLES = (
    "completions",
    "errors",
    "input tok",
    "output tok",
    "cost $",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "feedback",
)

_NONE = "(none)"


def parse_by(value: str | None) -> tuple[GroupBy, ...]:
    """Parse ``--by``: comma-separated groupings, case-insensitive, ``-`` taken as ``_``.

    :raises click.ClickException: naming the choices, for an unknown or repeated grouping.
    """
    groupings: list[GroupBy] = []
    for part in (value or "").split(","):
        name = part.strip().lower().replace("-", "_")
        if not name:
            continue
        try:
            grouping = GroupBy(name)
        except ValueError:
            raise click.ClickException(
                f"--by: unknown grouping {part.strip()!r}; expected one or more of {', '.join(GroupBy)}, "
                "comma-separated"
            ) from None
        if grouping in groupings:
            raise click.ClickException(f"--by: {grouping} is given twice")
        groupings.append(grouping)
    return tuple(groupings)


def parse_moment(value: str | None, option: str, now: datetime) -> datetime | None:
    """Parse ``--since``/``--until`` with ``parse_when``, or raise one ``Error:`` line."""
    if value is None:
        return None
    try:
        return parse_when(value, now)
    except ValueError as exc:
        raise click.ClickException(f"{option}: {exc}") from None


def _key_text(grouping: GroupBy, key: str | None, agents: Mapping[str, str]) -> str:
    if key is None:
        return _NONE
    if grouping in _BUCKET_TEXT:
        return _BUCKET_TEXT[grouping](datetime.fromisoformat(key))
    if grouping is GroupBy.AGENT:
        return visible(agents.get(key, key))
    return visible(key)


def _number(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _feedback(row: AggregateRow) -> str:
    if not row.feedback_count:
        return "-"
    return f"{_number(row.feedback_avg, 2)} ({row.feedback_count:,})"


def report_table(
    rows: Sequence[AggregateRow], by: Sequence[GroupBy], *, agents: Mapping[str, str] | None = None
) -> str:
    """Return the rows as an aligned text table: group columns left, numbers right.

    Time buckets show their UTC start (the date alone for days); a missing key shows as
    ``(none)``; errors are a share of the group's completions; feedback is the average
    score with the number of feedbacks in brackets.

    :param agents: agent names by id, shown instead of the ids of an ``agent`` grouping.
    """
    names = agents or {}
    header = [_GROUP_TITLES[g] for g in by] + list(_METRIC_TITLES)
    lines = [header]
    for row in rows:
        lines.append(
            [_key_text(g, row.group.get(g), names) for g in by]
            + [
                f"{row.completions:,}",
                f"{row.error_rate * 100:.1f}%",
                f"{row.input_tokens:,}",
                f"{row.output_tokens:,}",
                f"{row.cost_usd:,.4f}",
                _number(row.latency_p50_ms),
                _number(row.latency_p95_ms),
                _number(row.latency_p99_ms),
                _feedback(row),
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    left = len(by)
    text = []
    for line in lines:
        cells = [
            cell.ljust(width) if i < left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        text.append("  ".join(cells).rstrip())
    return "\n".join(text)


def report_json(rows: Sequence[AggregateRow]) -> list[dict[str, Any]]:
    """Return the rows as JSON-ready dicts: every ``AggregateRow`` field, and ``error_rate``."""
    return [row.model_dump(mode="json") | {"error_rate": row.error_rate} for row in rows]


@click.command("report")
@click.option(
    "--since",
    metavar="WHEN",
    help="Completions created at or after WHEN: a duration before now (30m, 24h, 7d, 2w) "
    "or an ISO 8601 date or datetime (UTC unless it says otherwise).",
)
@click.option("--until", metavar="WHEN", help="Completions created before WHEN; same forms as --since.")
@click.option(
    "--by",
    metavar="GROUPS",
    help=f"Group by one or more of {', '.join(GroupBy)}, comma-separated (default: one total row).",
)
@click.option("--agent", metavar="ID|NAME", help="Only completions handled by this agent (an id or a name).")
@click.option("--model", metavar="NAME", help="Only completions that asked for or got this model.")
@click.option(
    "--meta",
    multiple=True,
    metavar="KEY=VALUE",
    help="Only completions whose metadata KEY equals VALUE, repeatable; values are read as in `find`.",
)
@click.option(
    "--tools",
    is_flag=True,
    help=f"Report tool runs instead: calls, errors, pending, cost, duration p50/p95, --by {','.join(TOOL_GROUPS)}.",
)
@store_options
@output_options
def report(
    since: str | None,
    until: str | None,
    by: str | None,
    agent: str | None,
    model: str | None,
    meta: tuple[str, ...],
    tools: bool,
    store: StoreChoice,
    as_json: bool,
) -> None:
    """Print tokens, cost, latency percentiles and feedback of completions, per group.

    One row per group (say --by model,day), or one total row without --by. Errors are
    the share of completions that recorded one; latencies are nearest-rank percentiles
    in milliseconds; feedback is the average score, with how many feedbacks rated the
    group's completions in brackets. Time buckets are UTC. With --tools, the tool runs
    instead, grouped by tool (default), agent, conversation or user.
    """
    now = utcnow()
    since_at, until_at = parse_moment(since, "--since", now), parse_moment(until, "--until", now)
    if since_at is not None and until_at is not None and since_at >= until_at:
        raise click.ClickException("--since must be earlier than --until")
    if tools:
        if agent or model or meta:
            raise click.ClickException("--tools takes --since, --until and --by only")
        _tool_report(store, since_at, until_at, by, as_json)
        return
    groupings = parse_by(by)
    metadata = parse_meta(meta)
    with open_graph(store) as graph:
        with validating("filter"):
            spec = NodeFilter(
                since=since_at,
                until=until_at,
                agent_id=agent_ref(graph, agent),
                model=model,
                metadata=metadata,
            )
        rows = graph.store.aggregate(spec, groupings)
        wanted = {key for r in rows if (key := r.group.get(GroupBy.AGENT)) is not None}
        agents = agent_names(graph, wanted) if GroupBy.AGENT in groupings and not as_json else {}
    if as_json:
        echo_json(report_json(rows))
    elif not any(r.completions for r in rows):
        click.echo("No completions match.")
    else:
        click.echo(report_table(rows, groupings, agents=agents))


def _tool_report(
    store: StoreChoice, since: datetime | None, until: datetime | None, by: str | None, as_json: bool
) -> None:
    groups = [g.strip() for g in by.split(",")] if by else ["tool"]
    with open_graph(store) as graph:
        try:
            rows = graph.tool_report(by=groups, since=since, until=until)
        except MemoryGraphError as exc:
            raise click.ClickException(f"--by: {error_line(exc)}") from exc
    if as_json:
        echo_json([row.model_dump(mode="json") for row in rows])
        return
    if not rows:
        click.echo("No tool runs match.")
        return
    header = [*groups, "calls", "errors", "pending", "cost $", "p50 ms", "p95 ms"]
    lines = [header] + [
        [visible(str(r.group[g] or "-")) for g in groups]
        + [
            str(r.calls),
            str(r.errors),
            str(r.pending),
            f"{r.cost_usd:.4f}",
            _number(r.duration_p50_ms),
            _number(r.duration_p95_ms),
        ]
        for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        click.echo(
            "  ".join(
                cell.ljust(w) if i < len(groups) else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
        )


#: Largest price table file ``reprice --prices`` reads.
MAX_PRICES_BYTES = 10_000_000


def read_prices(path: Path) -> PriceTable:
    """A price table from a JSON file, as ``PriceTable.from_json`` reads it."""
    try:
        if path.stat().st_size > MAX_PRICES_BYTES:
            raise click.ClickException(f"{path} is larger than {MAX_PRICES_BYTES:,} bytes")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise click.ClickException(f"cannot read a price table from {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise click.ClickException(f"{path} holds no price table (a JSON object with 'version' and 'models')")
    return PriceTable.from_json(data)


@click.command("reprice")
@click.option(
    "--since", metavar="WHEN", help="Completions created at or after WHEN (30m, 24h, 7d, or ISO 8601)."
)
@click.option("--until", metavar="WHEN", help="Completions created before WHEN; same forms as --since.")
@click.option(
    "--prices",
    "prices_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A price table (JSON: version and models); default the one this version ships.",
)
@click.option(
    "--dry-run", is_flag=True, help="Count the completions whose cost would change; change nothing."
)
@store_options
@output_options
def reprice(
    since: str | None,
    until: str | None,
    prices_file: Path | None,
    dry_run: bool,
    store: StoreChoice,
    as_json: bool,
) -> None:
    """Recompute the cost of completions from a price table.

    Completions priced from a table before, and those with token counts but no cost, get
    the table's prices on their day and its version; a cost the recording gave is kept.
    """
    now = utcnow()
    since_at, until_at = parse_moment(since, "--since", now), parse_moment(until, "--until", now)
    with open_graph(store, write=not dry_run) as graph:
        try:
            table = (
                read_prices(prices_file)
                if prices_file is not None
                else (graph.prices or PriceTable.shipped())
            )
            count = graph.reprice(since=since_at, until=until_at, prices=table, dry_run=dry_run)
        except MemoryGraphError as exc:
            raise click.ClickException(error_line(exc)) from exc
    if as_json:
        echo_json({"completions": count, "dry_run": dry_run, "price_version": table.version})
        return
    verb = "would change" if dry_run else "repriced"
    click.echo(
        f"{count:,} completion{'s' if count != 1 else ''} {verb} (price table {visible(table.version)})."
    )
