"""The ``llm-memory-graph`` command: record a demo session, then look around the graph.

    llm-memory-graph demo
    llm-memory-graph lineage ID --down --depth 3
    llm-memory-graph find --type Completion --model gpt-4o-mini --json

Every subcommand takes ``--db PATH`` (else ``$LLM_MEMORY_GRAPH_DB``, else ``graph.db`` in
the user's data folder) and ``--json``, anywhere after its name. Errors from the library
become one ``Error: ...`` line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import dataclasses
import io
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from .._sync.graph import MemoryGraph
from ..demo import record_demo
from ..errors import MemoryGraphError
from ..schema import Agent, Conversation, Node, NodeType, utcnow
from ..spec import Stats
from ..stores.neo4j import Neo4jSettings
from ..views import text as render
from ..views.export import to_dot, to_html, to_mermaid
from .common import (
    PROG,
    StoreChoice,
    agent_names,
    agent_ref,
    color,
    echo_json,
    error_line,
    open_graph,
    output_options,
    parse_meta,
    store_options,
)
from .metrics import serve_metrics_command
from .report import parse_moment, report, reprice
from .templates import templates

if TYPE_CHECKING:
    from ..stores.neo4j import Neo4jStore
    from ..stores.neo4j.migrate import Migration

__all__ = ["cli", "main"]

_CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


# ---------------------------------------------------------------- helpers


def _agent_names(graph: MemoryGraph, nodes: Sequence[Node]) -> dict[str, str]:
    """Return the names of the agents that handled ``nodes``, by agent id."""
    names = {node.id: node.name for node in nodes if isinstance(node, Agent)}
    wanted = {a for node in nodes if (a := getattr(node, "agent_id", None)) is not None}
    return names | agent_names(graph, wanted - names.keys())


def _parse_types(values: Iterable[str]) -> list[NodeType]:
    """Parse ``--type`` values, case-insensitively; each may list several, comma-separated."""
    known = {str(t).lower(): t for t in NodeType}
    types: list[NodeType] = []
    for value in values:
        for name in filter(None, (part.strip() for part in value.split(","))):
            if name.lower() not in known:
                raise click.ClickException(
                    f"--type: unknown node type {name!r}; expected one of {', '.join(NodeType)}"
                )
            types.append(known[name.lower()])
    return types


def _counts(before: Stats, after: Stats) -> tuple[dict[str, int], dict[str, int]]:
    """Return the nodes and edges added between two ``Stats``, by type, leaving out zeros."""
    nodes = {str(t): n - before.nodes.get(t, 0) for t, n in after.nodes.items()}
    edges = {str(t): n - before.edges.get(t, 0) for t, n in after.edges.items()}
    return {t: n for t, n in nodes.items() if n}, {t: n for t, n in edges.items() if n}


# ---------------------------------------------------------------- commands


@click.group(context_settings=_CONTEXT_SETTINGS)
@click.version_option(package_name="llm-memory-graph", prog_name=PROG)
def cli() -> None:
    """Record what LLM systems do as a graph, and trace where answers came from.

    Start with `llm-memory-graph demo`, then follow the commands it suggests.
    """


@cli.command()
@store_options
@output_options
@click.option(
    "--depth", type=int, default=10, show_default=True, help="How many edges up the printed lineage reaches."
)
def demo(store: StoreChoice, as_json: bool, depth: int) -> None:
    """Record a sample multi-agent RAG session and trace its answer.

    A router agent hands a customer's refund question to a researcher, who retrieves three
    documents and calls a calculator; a writer answers; the customer rates the answer; the
    writer's prompt is revised, re-run and rated again. Each run adds one conversation;
    agents and documents are shared between runs. Creates the database if needed.
    """
    with open_graph(store, create=True) as graph:
        before = graph.stats()
        result = record_demo(graph)
        after = graph.stats()
        lineage = graph.lineage(result.answer_id, direction="up", depth=depth)
        conversation = graph.get(result.conversation_id)
    added_nodes, added_edges = _counts(before, after)
    if as_json:
        echo_json(
            {
                "db": store.describe(),
                **dataclasses.asdict(result),
                "added": {"nodes": added_nodes, "edges": added_edges},
                "lineage": render.lineage_json(lineage),
            }
        )
        return
    assert isinstance(conversation, Conversation)
    title = render.clip(conversation.title or "")
    nodes_text = ", ".join(f"{t} {n}" for t, n in added_nodes.items())
    click.echo(f"Recorded a multi-agent RAG session in {store.describe()}")
    click.echo(f"  conversation  {conversation.id}  {title}, {conversation.item_count} items")
    click.echo(f"  added         {sum(added_nodes.values())} nodes ({nodes_text})")
    click.echo(f"                {sum(added_edges.values())} edges")
    click.echo(f"  graph total   {after.total_nodes} nodes, {after.total_edges} edges")
    click.echo()
    click.echo(f"Where the final answer came from (lineage up, depth {depth}):")
    click.echo()
    click.echo(render.lineage_tree(lineage, color=color()))
    click.echo()
    hint = store.hint()
    tries = [
        (f"lineage {result.question_id} --down", "everything the question led to, ratings included"),
        (f"transcript {result.conversation_id}", "the conversation in order"),
        (f"show {result.answer_id}", "every field of the final answer"),
        ("find --type Completion --meta attempt=2", "filter nodes by type, model or metadata"),
        ("stats", "what the graph holds"),
    ]
    click.echo("Try next:")
    for command, what in tries:
        click.echo(f"  {PROG} {command}{hint}")
        click.echo(f"      {what}")


@cli.command()
@store_options
@output_options
def stats(store: StoreChoice, as_json: bool) -> None:
    """Count the graph's nodes and edges by type."""
    with open_graph(store) as graph:
        counts = graph.stats()
    if as_json:
        echo_json(render.stats_json(counts))
    else:
        click.echo(render.stats_table(counts))


@cli.command()
@click.argument("node_id", metavar="ID")
@store_options
@output_options
def show(node_id: str, store: StoreChoice, as_json: bool) -> None:
    """Print every field of one node."""
    with open_graph(store) as graph:
        node = graph.get(node_id)
        agents = {} if as_json else _agent_names(graph, [node])
    if as_json:
        echo_json(render.node_json(node))
    else:
        click.echo(render.node_details(node, agents=agents))


@cli.command()
@click.argument("node_id", metavar="ID")
@click.option(
    "--up/--down",
    "up",
    default=True,
    help="Walk to what the node came from (--up, the default) or to what it influenced (--down).",
)
@click.option("--depth", type=int, default=10, show_default=True, help="Most edges from the node (0 to 100).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["tree", "json", "mermaid", "dot", "html"]),
    default="tree",
    show_default=True,
    help="A text tree, JSON, a Mermaid flowchart, Graphviz DOT, or a self-contained HTML page.",
)
@click.option(
    "--max-nodes",
    type=int,
    default=10_000,
    show_default=True,
    help="Most nodes walked to; past it the nearest are kept and a note says so.",
)
@store_options
@output_options
def lineage(
    node_id: str, up: bool, depth: int, fmt: str, max_nodes: int, store: StoreChoice, as_json: bool
) -> None:
    """Print where a node came from, or what it led to, as a tree or a drawing.

    Walking up from an answer reaches its prompt, the documents and context it used, tool
    calls and their inputs, earlier answers it depended on, and the agents that handled
    them. A node reached twice is printed in full once, and later as "(see above)".
    `--format html > lineage.html` writes a page that draws the graph with no network.
    """
    with open_graph(store) as graph:
        found = graph.lineage(node_id, direction="up" if up else "down", depth=depth, max_nodes=max_nodes)
        agents = _agent_names(graph, found.nodes) if fmt == "tree" and not as_json else {}
    if found.truncated:  # on stderr: a drawing on stdout stays a valid file
        click.echo(
            f"Truncated: {len(found.nodes):,} nodes and {len(found.edges):,} edges shown, the nearest; "
            "raise --max-nodes or lower --depth.",
            err=True,
        )
    if as_json or fmt == "json":
        echo_json(render.lineage_json(found) | {"truncated": found.truncated})
    elif fmt == "mermaid":
        click.echo(render.inert(to_mermaid(found)), nl=False)
    elif fmt == "dot":
        click.echo(render.inert(to_dot(found)), nl=False)
    elif fmt == "html":
        click.echo(render.inert(to_html(found, title=f"Lineage of {node_id}")), nl=False)
    else:
        click.echo(render.lineage_tree(found, agents=agents, color=color()))


@cli.command()
@click.argument("conversation_id", metavar="CONVERSATION_ID")
@click.option(
    "--limit", type=int, default=1000, show_default=True, help="Most items on the page (up to 10,000)."
)
@click.option("--cursor", metavar="CURSOR", help="Start after the previous page (its printed next cursor).")
@store_options
@output_options
def transcript(
    conversation_id: str, limit: int, cursor: str | None, store: StoreChoice, as_json: bool
) -> None:
    """Print a conversation's items in the order they happened, one page at a time.

    When more follow, the next page's cursor is printed; pass it back with --cursor.
    """
    with open_graph(store) as graph:
        items = graph.transcript(conversation_id, cursor=cursor, limit=limit)
        conversation = graph.get(conversation_id)
        agents = {} if as_json else _agent_names(graph, items)
    if as_json:
        echo_json(
            {
                "conversation": render.node_json(conversation),
                "items": [render.node_json(i) for i in items],
                "next_cursor": items.next_cursor,
            }
        )
        return
    assert isinstance(conversation, Conversation)
    click.echo(render.transcript_text(conversation, items, agents=agents, color=color()))
    if items.next_cursor is not None:
        click.echo()
        click.echo(f"More items; next page: --cursor {items.next_cursor}")


@cli.command()
@click.option(
    "--type",
    "types",
    multiple=True,
    metavar="TYPE",
    help=f"Node type, repeatable or comma-separated: {', '.join(NodeType)}.",
)
@click.option(
    "--since",
    metavar="WHEN",
    help="Created at or after WHEN: a duration before now (30m, 24h, 7d, 2w) or an ISO 8601 "
    "date or datetime (UTC unless it says otherwise).",
)
@click.option("--until", metavar="WHEN", help="Created before WHEN; same forms as --since.")
@click.option("--conversation", metavar="ID", help="Only items of this conversation.")
@click.option("--agent", metavar="ID|NAME", help="Only items handled by this agent (an id or a name).")
@click.option("--model", metavar="NAME", help="Only completions that asked for or got this model.")
@click.option(
    "--meta",
    multiple=True,
    metavar="KEY=VALUE",
    help="Metadata equal to VALUE, repeatable. A JSON number, true or false matches that "
    'value; quote text as JSON ("3") to match it as a string; anything else is text.',
)
@click.option("--limit", type=int, default=20, show_default=True, help="Most nodes on the page.")
@click.option("--cursor", metavar="CURSOR", help="Start after the previous page (its printed next cursor).")
@store_options
@output_options
def find(
    types: tuple[str, ...],
    since: str | None,
    until: str | None,
    conversation: str | None,
    agent: str | None,
    model: str | None,
    meta: tuple[str, ...],
    limit: int,
    cursor: str | None,
    store: StoreChoice,
    as_json: bool,
) -> None:
    """Print one page of nodes that match every filter, oldest first.

    When more match, the next page's cursor is printed; pass it back with --cursor.
    """
    node_types = _parse_types(types)
    now = utcnow()
    since_at, until_at = parse_moment(since, "--since", now), parse_moment(until, "--until", now)
    metadata = parse_meta(meta)
    with open_graph(store) as graph:
        page = graph.find(
            types=node_types or None,
            since=since_at,
            until=until_at,
            conversation=conversation,
            agent=agent_ref(graph, agent),
            model=model,
            metadata=metadata,
            cursor=cursor,
            limit=limit,
        )
        agents = {} if as_json else _agent_names(graph, page.items)
    if as_json:
        echo_json(render.page_json(page))
        return
    if page.items:
        click.echo(render.nodes_table(page.items, agents=agents, color=color()))
    else:
        click.echo("No nodes match.")
    if page.next_cursor is not None:
        click.echo()
        click.echo(f"More match; next page: --cursor {page.next_cursor}")


@contextmanager
def _neo4j_store(store: StoreChoice) -> Iterator[Neo4jStore]:
    """Open the Neo4j store a migration command works on, or explain why there is none."""
    from ..stores.neo4j import Neo4jStore  # the driver is imported only for Neo4j commands

    if store.uri is None:
        raise click.ClickException(
            "migrations are for Neo4j: pass --uri or set NEO4J_URI (an embedded file upgrades itself)"
        )
    try:
        with Neo4jStore(Neo4jSettings.from_env(store.uri, user=store.user, database=store.database)) as neo4j:
            yield neo4j
    except MemoryGraphError as exc:
        raise click.ClickException(error_line(exc)) from exc


@cli.group(invoke_without_command=True)
@store_options
@output_options
@click.option("--dry-run", is_flag=True, help="Print the migrations that would run, and run none.")
@click.option("--silent", is_flag=True, help="Do not print each statement as it runs.")
@click.pass_context
def migrate(ctx: click.Context, store: StoreChoice, as_json: bool, dry_run: bool, silent: bool) -> None:
    """Apply the Neo4j schema migrations (constraints, indexes) this version needs.

    Each script runs once, in order, and is recorded in the database with its checksum;
    a script changed after it was applied is refused, and a lock keeps two runs apart.
    Run it before the first use of a Neo4j database and after every upgrade.
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..stores.neo4j.migrate import Migrator

    with _neo4j_store(store) as neo4j:
        migrator = Migrator(neo4j)
        try:
            if dry_run:
                steps = migrator.plan()
            else:

                def progress(migration: Migration, statement: str) -> None:
                    if not (silent or as_json):
                        text = render.clip(" ".join(statement.split()), 90)
                        click.echo(f"V{migration.version:04d} {migration.name}: {text}")

                steps = migrator.apply(on_statement=progress)
        except MemoryGraphError as exc:
            raise click.ClickException(error_line(exc)) from exc
    if as_json:
        echo_json({"dry_run": dry_run, "migrations": [{"version": m.version, "name": m.name} for m in steps]})
    elif not steps:
        click.echo(f"{store.describe()} is up to date.")
    else:
        verb = "Would apply" if dry_run else "Applied"
        click.echo(f"{verb} {len(steps)} migration(s) to {store.describe()}:")
        for m in steps:
            click.echo(f"  V{m.version:04d} {m.name} ({len(m.statements)} statements)")


@migrate.command("status")
@store_options
@output_options
def migrate_status(store: StoreChoice, as_json: bool) -> None:
    """Print which migrations the Neo4j database has and which it still needs."""
    from ..stores.neo4j.migrate import Migrator

    with _neo4j_store(store) as neo4j:
        try:
            states = Migrator(neo4j).status()
        except MemoryGraphError as exc:
            raise click.ClickException(error_line(exc)) from exc
    if as_json:
        echo_json(
            [
                dataclasses.asdict(s) | {"applied_at": s.applied_at and s.applied_at.isoformat()}
                for s in states
            ]
        )
        return
    for s in states:
        when = f"applied {s.applied_at:%Y-%m-%d %H:%M:%S}" if s.applied_at else "pending"
        click.echo(f"V{s.version:04d} {s.name:<24} {when}")


cli.add_command(report)
cli.add_command(reprice)
cli.add_command(templates)
cli.add_command(serve_metrics_command)


def main() -> None:
    """Run the command line (the ``llm-memory-graph`` console script)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            # A terminal that cannot show a character gets "?" rather than a traceback.
            stream.reconfigure(errors="replace")
    cli(prog_name=PROG)
