"""What every CLI command shares: choosing the graph (``--db``/``--uri``), ``--json``,
opening the graph with one-line errors, and reading ``--meta`` and ``--agent`` values.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import os
import shlex
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

import click
from click.core import ParameterSource

from .._sync.graph import MemoryGraph
from ..arguments import DB_ENV, default_db_path
from ..errors import MemoryGraphError, NodeNotFoundError
from ..schema import Agent, MetadataScalar, NodeType
from ..views import text as render

__all__ = [
    "PROG",
    "StoreChoice",
    "agent_names",
    "agent_ref",
    "color",
    "echo_json",
    "error_line",
    "meta_value",
    "open_graph",
    "output_options",
    "parse_meta",
    "store_options",
]

_F = TypeVar("_F", bound=Callable[..., Any])

PROG = "llm-memory-graph"

#: The longest error line the CLI prints, in characters; the rest is cut with an ellipsis.
ERROR_WIDTH = 500


@dataclasses.dataclass(frozen=True)
class StoreChoice:
    """The graph a command works on: an embedded file, or a Neo4j server.

    A flag beats the environment, and ``--db`` beats ``--uri`` when both are given; with
    neither, ``$LLM_MEMORY_GRAPH_DB`` then ``$NEO4J_URI`` decide, else the default file.
    The Neo4j password comes only from ``$NEO4J_PASSWORD``, never from the command line.
    """

    db: Path | None
    uri: str | None
    user: str | None
    database: str | None
    timeout: float
    from_command_line: bool

    def describe(self) -> str:
        """Where the graph is, for messages (never with a password)."""
        if self.uri is not None:
            return self.uri + (f" (database {self.database})" if self.database else "")
        return str(default_db_path() if self.db is None else self.db)

    def hint(self) -> str:
        """`` --db PATH`` or `` --uri URI`` when given on the command line, for copyable hints."""
        if not self.from_command_line:
            return ""
        if self.uri is not None:
            return f" --uri {shlex.quote(self.uri)}"
        return f" --db {shlex.quote(str(self.db))}"


def _choose_store(
    db: Path | None, uri: str | None, user: str | None, database: str | None, timeout: float
) -> StoreChoice:
    ctx = click.get_current_context()
    typed = {name: ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE for name in ("db", "uri")}
    use_uri = uri is not None and ((typed["uri"] and not typed["db"]) or db is None)
    return StoreChoice(
        db=None if use_uri else db,
        uri=uri if use_uri else None,
        user=user,
        database=database,
        timeout=timeout,
        from_command_line=typed["uri"] if use_uri else typed["db"],
    )


def store_options(func: _F) -> _F:
    """Add the options that choose the graph (``--db``, ``--uri``, ``--user``,
    ``--database``, ``--timeout``) and hand the command one ``store: StoreChoice``.
    """

    @functools.wraps(func)
    def command(
        *args: Any,
        db: Path | None,
        uri: str | None,
        user: str | None,
        database: str | None,
        timeout: float,
        **kwargs: Any,
    ) -> Any:
        return func(*args, store=_choose_store(db, uri, user, database, timeout), **kwargs)

    options = [
        click.option(
            "--db",
            "db",
            type=click.Path(path_type=Path),
            envvar=DB_ENV,
            show_envvar=True,
            metavar="PATH",
            help="The graph database file.  [default: graph.db in the user data folder]",
        ),
        click.option(
            "--uri",
            envvar="NEO4J_URI",
            show_envvar=True,
            metavar="URI",
            help="A Neo4j server (bolt:// or neo4j://) instead of a file; the password comes "
            "from $NEO4J_PASSWORD.",
        ),
        click.option("--user", envvar="NEO4J_USER", show_envvar=True, help="Neo4j user.  [default: neo4j]"),
        click.option(
            "--database",
            envvar="NEO4J_DATABASE",
            show_envvar=True,
            help="Neo4j database.  [default: the server's]",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0),
            default=5.0,
            show_default=True,
            metavar="SECONDS",
            help="The longest wait, retries included, while another process holds the database "
            "file's lock; 0 gives up at once.",
        ),
    ]
    wrapped: Any = command
    for option in reversed(options):
        wrapped = option(wrapped)
    return cast(_F, wrapped)


def output_options(func: _F) -> _F:
    """Add ``--json``, which prints machine-readable JSON instead of text."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(func)


def color() -> bool:
    """Style text unless ``NO_COLOR`` is set; ``click.echo`` drops styles off a terminal."""
    return "NO_COLOR" not in os.environ


def echo_json(value: Any) -> None:
    click.echo(render.dumps(value))


def error_line(exc: BaseException) -> str:
    """Return a library error as one line for ``Error: ...``: control characters shown as
    escapes (a newline too), cut to ``ERROR_WIDTH`` characters.
    """
    text = render.visible(str(exc))
    return text if len(text) <= ERROR_WIDTH else text[: ERROR_WIDTH - 1] + "…"


@contextmanager
def open_graph(store: StoreChoice, *, create: bool = False, write: bool = False) -> Iterator[MemoryGraph]:
    """Open the chosen graph and turn library errors into one-line CLI errors.

    :param create: make the database file if it is missing; otherwise a missing file is
        an error. Neo4j databases are made by ``migrate``.
    :param write: the command writes to an existing graph. Without ``create`` or
        ``write`` a file is opened read-only: a read command never creates, converts or
        upgrades a file, and works on a read-only folder or mount.
    """
    try:
        if store.uri is not None:
            target: str | Path = store.uri
        else:
            target = default_db_path() if store.db is None else store.db
            if target.is_dir():
                raise click.ClickException(f"{target} is a folder; pass the database file's path to --db")
            if not create and not target.exists():
                raise click.ClickException(f"no graph database at {target}; run `{PROG} demo` or pass --db")
        with MemoryGraph.open(
            target,
            user=store.user,
            database=store.database,
            timeout=store.timeout,
            read_only=not (create or write),
        ) as graph:
            yield graph
    except MemoryGraphError as exc:
        raise click.ClickException(error_line(exc)) from exc


def parse_meta(pairs: Iterable[str]) -> dict[str, MetadataScalar]:
    """Parse ``--meta KEY=VALUE`` pairs; see ``meta_value`` for how values are read."""
    metadata: dict[str, MetadataScalar] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.ClickException(f"--meta: expected KEY=VALUE, got {pair!r}")
        if key in metadata:
            raise click.ClickException(f"--meta: key {key!r} is given twice")
        metadata[key] = meta_value(raw)
    return metadata


def meta_value(raw: str) -> MetadataScalar:
    """Read a JSON number, ``true``/``false`` or quoted string; anything else stays text."""
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float) and math.isfinite(value):
        return value
    return raw


def agent_ref(graph: MemoryGraph, value: str | None) -> str | None:
    """Return an agent id from ``--agent``, which takes an id or an agent's name."""
    if value is None:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        pass
    found = graph.find(types=NodeType.AGENT, name=value, limit=1)
    if not found.items:
        raise click.ClickException(f"--agent: no agent with id or name {value!r}")
    return found.items[0].id


def agent_names(graph: MemoryGraph, agent_ids: Iterable[str]) -> dict[str, str]:
    """Return the names of the agents with these ids (ids that are not agents are left out)."""
    names: dict[str, str] = {}
    for agent_id in sorted(set(agent_ids)):
        try:
            agent = graph.get(agent_id)
        except NodeNotFoundError:
            continue
        if isinstance(agent, Agent):
            names[agent_id] = agent.name
    return names
