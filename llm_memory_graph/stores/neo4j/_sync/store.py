# Generated from llm_memory_graph/stores/neo4j/_async/store.py by scripts/unasync.py; do not edit.
"""The Neo4j store: the repository over the named queries in ``cypher/``.

Every query is a named file in ``cypher`` (``_query``) or, for node
filters, composed per filter shape from the fragments in ``cypher/filters`` (``_compose``),
and runs through ``_run`` inside a managed transaction (``execute_read`` goes to readers,
``execute_write`` to the leader), on the configured database. Transient failures are retried by one tenacity policy (the
driver's own retry loop is switched off, so attempts and waits are exactly the policy's);
writes MERGE on ids, so a retried batch never duplicates anything.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Callable, Collection, Sequence
from datetime import datetime
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase
from tenacity import (
    Retrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from ....errors import (
    EdgeNotFoundError,
    GraphClosedError,
    InvalidInputError,
    MigrationError,
    NodeNotFoundError,
)
from ....paging import (
    MAX_EDGES,
    MAX_NODES,
    NEIGHBORS_LIMIT,
    TRANSCRIPT_LIMIT,
    iter_pages,
    check_bounds,
    check_depth,
    check_limit,
)
from ....schema import Direction, Edge, EdgeType, Inherits, Labels, Node, NodeType, TemplateVersion
from ....spec import (
    AggregateRow,
    Deleted,
    GraphPath,
    GroupBy,
    Lineage,
    Neighbor,
    Neighbors,
    NodeFilter,
    NodeList,
    Order,
    Page,
    Stats,
    Subgraph,
)
from ..._aggregate import aggregate_row, check_aggregate, finish, population
from ..._common import (
    LineageWalk,
    PathSearch,
    Step,
    conversation_prefix,
    lineage_steps,
    neighbor_page,
    neighbor_types,
    page_of,
    path_types,
    ranked_page_of,
    transcript_page,
)
from ..._publish import check_label, label_at
from ...codec import decode_cursor, decode_rank_cursor, decode_sequence_cursor
from ...retry import RetryHook
from ...upsert import ConversationState, ExistingEdge, ExistingNode, check_batch, plan_upsert, referenced_ids
from .._compose import Composed, aggregate_query, count_query, page_query, ranked_query
from .._connection import Neo4jSettings, RetryPolicy
from .._errors import is_transient, translate_errors
from .._queries import check_parameters, latest_migration, query
from .._records import edge_from_record, node_from_properties
from .._rows import check_types, chunks, conversation_ids, read_calls, write_calls

__all__ = ["Neo4jStore"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Rows sent in one UNWIND; larger batches are sent in several, inside one transaction.
CHUNK = 5000


class Neo4jStore:
    """A graph in a Neo4j 5 database (5.26 LTS or 2025.x).

        store = Neo4jStore(Neo4jSettings(uri="neo4j://localhost:7687", password="..."))
        graph = MemoryGraph(store=store)

    The database must have been migrated (``llm-memory-graph migrate``); the store checks
    once, on first use. Constructing it opens no connection. Safe to share between tasks or threads.

    :param settings: where and how to connect; see ``Neo4jSettings``.
    :param driver: a driver you built yourself; the store then neither configures nor
        closes it (default: one built from ``settings``).
    :param retry: attempts and backoff for transient failures (default ``RetryPolicy()``).

    ``retries`` counts the retries so far by error class; ``on_retry``, when set, is called
    with the error's class name on each (the graph's metrics set it).
    """

    name = "neo4j"

    def __init__(
        self,
        settings: Neo4jSettings,
        *,
        driver: neo4j.Driver | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.retry = retry or RetryPolicy()
        self.retries: dict[str, int] = {}
        self.on_retry: RetryHook | None = None
        self._owns_driver = driver is None
        try:
            self._driver = driver or GraphDatabase.driver(
                settings.uri,
                auth=settings.auth(),
                max_transaction_retry_time=0,  # one retry policy: ours
                user_agent="llm-memory-graph",
                # A fresh database lacks the labels its queries name ("label does not exist"):
                # expected, and not worth a warning in the user's log on every read.
                notifications_disabled_classifications=["UNRECOGNIZED"],
            )
        except (neo4j.exceptions.ConfigurationError, ValueError) as exc:
            # Neo4jSettings refused credentials in the URI, so the message holds none.
            raise InvalidInputError(f"the driver refuses this URI: {exc}", field="uri") from exc
        self._closed = False
        self._migrated = False

    def __repr__(self) -> str:
        return f"Neo4jStore({self.settings.uri!r}, database={self.settings.database!r})"

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def driver(self) -> neo4j.Driver:
        """The driver the store runs queries through (to hand to neomodel, say)."""
        return self._driver

    def change_token(self) -> int | None:
        """See ``GraphStore.change_token``: Neo4j has no cheap one, so read caches expire."""
        return None

    def close(self) -> None:
        """Close the driver (unless it was handed in); later calls raise ``GraphClosedError``."""
        if not self._closed:
            self._closed = True
            if self._owns_driver:
                self._driver.close()

    # ------------------------------------------------------------ the funnel

    def _query(
        self, tx: neo4j.ManagedTransaction, name: str, /, **params: Any
    ) -> list[neo4j.Record]:
        """Run one named query inside a transaction; every query passes through here."""
        found = query(name)
        check_parameters(found, params)
        return self._run(tx, Composed(name, found.text, params))

    def _run(self, tx: neo4j.ManagedTransaction, composed: Composed) -> list[neo4j.Record]:
        """Run a named or composed query; its records, all read."""
        started = time.perf_counter()
        result = tx.run(composed.text, composed.params)
        records = [record for record in result]
        elapsed = (time.perf_counter() - started) * 1000
        log.debug("neo4j %s: %d rows in %.3f ms", composed.name, len(records), elapsed)
        return records

    def _retrying(self) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(self.retry.attempts),
            wait=wait_random_exponential(multiplier=self.retry.backoff, max=self.retry.max_backoff),
            retry=retry_if_exception(is_transient),
            before_sleep=self._count_retry,
            reraise=True,
        )

    def _count_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        kind = type(error).__name__
        self.retries[kind] = self.retries.get(kind, 0) + 1
        if self.on_retry is not None:
            self.on_retry(kind)
        log.debug("neo4j retry %d after %s", state.attempt_number, kind)

    def _transact(
        self,
        work: Callable[[neo4j.ManagedTransaction], T],
        *,
        write: bool,
        migrated_only: bool = True,
    ) -> T:
        """Run ``work`` in one managed transaction, retried whole on transient failures.

        :param migrated_only: refuse a database that lacks this library's migrations
            (only the migrator itself turns this off).
        """
        if self._closed:
            raise GraphClosedError("store")
        with translate_errors():
            if migrated_only and not self._migrated:
                self._check_migrated()
            for attempt in self._retrying():
                with attempt:
                    with self._driver.session(database=self.settings.database) as session:
                        run = session.execute_write if write else session.execute_read
                        outcome = run(work)
        return outcome

    def _auto_commit(self, name: str, /, **params: Any) -> None:
        """Run one named query in an auto-commit transaction (``CALL ... IN TRANSACTIONS``)."""
        found = query(name)
        check_parameters(found, params)
        self._run_statement(found.text, params)
        log.debug("neo4j %s (auto-commit) done", name)

    def _run_statement(self, text: str, params: dict[str, Any] | None = None) -> None:
        """Run one statement in its own auto-commit transaction, with retries.

        Schema commands (the migrations) and batched deletes must run this way.
        """
        if self._closed:
            raise GraphClosedError("store")
        with translate_errors():
            for attempt in self._retrying():
                with attempt:
                    with self._driver.session(database=self.settings.database) as session:
                        result = session.run(text, params or {})
                        result.consume()

    def _check_migrated(self) -> None:
        def work(tx: neo4j.ManagedTransaction) -> Any:
            return (self._query(tx, "schema_version"))[0]["version"]

        with self._driver.session(database=self.settings.database) as session:
            found = session.execute_read(work)
        needed = latest_migration()
        if found is None or found < needed:
            at = "has no migrations" if found is None else f"is at migration V{found:04d}"
            raise MigrationError(
                f"the database {at}; this library needs V{needed:04d}: run `llm-memory-graph migrate`",
                store="neo4j",
            )
        self._migrated = True

    # ------------------------------------------------------------ writes

    def upsert(self, nodes: Sequence[Node] = (), edges: Sequence[Edge] = ()) -> list[Node]:
        """See ``GraphStore.upsert``."""
        check_batch(nodes, edges)
        check_types(nodes, edges)
        if not nodes and not edges:
            return []

        def work(tx: neo4j.ManagedTransaction) -> list[Node]:
            return self._upsert_in(tx, nodes, edges)

        return self._transact(work, write=True)

    def _upsert_in(
        self, tx: neo4j.ManagedTransaction, nodes: Sequence[Node], edges: Sequence[Edge]
    ) -> list[Node]:
        """The body of an upsert, inside a write transaction the caller holds: one query
        reads what it must know, one writes (more only past ``CHUNK`` rows).
        """
        existing, states, existing_edges = self._read_for_upsert(tx, nodes, edges)
        plan = plan_upsert(
            nodes, edges, existing_nodes=existing, existing_edges=existing_edges, conversations=states
        )
        for params in write_calls(
            [*plan.new_nodes, *plan.changed_nodes],
            plan.conversations,
            list(plan.kept_edges()),
            [*plan.new_edges, *plan.changed_edges],
            CHUNK,
        ):
            self._query(tx, "upsert_write", **params)
        return plan.result()

    def publish_version(
        self, version: TemplateVersion, *, parent_id: str | None = None, label: Labels | None = None
    ) -> tuple[TemplateVersion, bool]:
        """See ``GraphStore.publish_version``: the template's node lock orders publishers, and
        the version and the label move share one transaction.
        """
        check_label(version, label)
        if label is not None:
            check_types([], [label])

        def work(tx: neo4j.ManagedTransaction) -> tuple[TemplateVersion, bool]:
            self._require(tx, version.template_id, NodeType.PROMPT_TEMPLATE, field="template")
            self._query(tx, "lock_template", id=version.template_id)
            if parent_id is not None:
                self._require(tx, parent_id, NodeType.TEMPLATE_VERSION, field="parent")
            same = self._query(
                tx,
                "template_version_by_hash",
                template_id=version.template_id,
                content_hash=version.content_hash,
            )
            if same:
                stored: TemplateVersion = node_from_properties(same[0]["props"])  # type: ignore[assignment]
                created = False
            else:
                (top,) = self._query(tx, "max_template_version", template_id=version.template_id)
                numbered = version.model_copy(update={"version": (top["version"] or 0) + 1})
                edges = [Inherits(source_id=numbered.id, target_id=parent_id)] if parent_id else []
                (stored,) = self._upsert_in(tx, [numbered], edges)  # type: ignore[assignment]
                created = True
            if label is not None:  # refused: the transaction, version included, rolls back
                self._upsert_in(tx, [], [label_at(label, stored)])
            return stored, created

        return self._transact(work, write=True)

    def _read_for_upsert(
        self, tx: neo4j.ManagedTransaction, nodes: Sequence[Node], edges: Sequence[Edge]
    ) -> tuple[dict[str, ExistingNode], dict[str, ConversationState], dict[str, ExistingEdge]]:
        """Lock the conversations the upsert appends to, then read the nodes it names (and
        each conversation's counter) and the edges it writes that are already stored.
        """
        found: dict[str, ExistingNode] = {}
        states: dict[str, ConversationState] = {}
        stored_edges: dict[str, ExistingEdge] = {}
        ids = sorted(referenced_ids(nodes, edges))
        for params in read_calls(conversation_ids(nodes), ids, edges, CHUNK):
            (record,) = self._query(tx, "upsert_read", **params)
            for r in record["nodes"]:
                node_type = NodeType(r["type"])
                found[r["id"]] = ExistingNode(
                    node_type,
                    datetime.fromisoformat(r["created_at"]),
                    r["conversation_id"],
                    r["agent_id"],
                    r["sequence"],
                    r["user_id"],
                )
                if node_type is NodeType.CONVERSATION:
                    states[r["id"]] = ConversationState(
                        r["item_count"] or 0, r["last_item_id"], r["user_id"], r["status"] == "closed"
                    )
            for r in record["edges"]:
                stored_edges[r["id"]] = ExistingEdge(
                    EdgeType(r["type"]),
                    datetime.fromisoformat(r["created_at"]),
                    r["source_id"],
                    r["target_id"],
                )
        return found, states, stored_edges

    def delete_conversation(self, conversation_id: str) -> Deleted:
        """See ``GraphStore.delete_conversation``; large conversations go in batches.

        Not one transaction: hand-offs, attached context, items and the conversation go
        in that order, each in batches of their own. A crash part way leaves the
        conversation with some of what it held; since the conversation node goes last,
        calling this again finishes the delete.
        """

        def count(tx: neo4j.ManagedTransaction) -> Deleted:
            self._require(tx, conversation_id, NodeType.CONVERSATION, field="conversation")
            (row,) = self._query(tx, "count_conversation", id=conversation_id)
            return Deleted(nodes=row["nodes"], edges=row["edges"])

        deleted = self._transact(count, write=False)
        self._auto_commit("delete_conversation_handoffs", id=conversation_id)
        self._auto_commit("delete_conversation_attached", id=conversation_id)
        self._auto_commit("delete_conversation_items", id=conversation_id)
        self._auto_commit("delete_conversation", id=conversation_id)  # last: a rerun finishes
        return deleted

    # ------------------------------------------------------------ reads

    def get_node(self, node_id: str) -> Node:
        """See ``GraphStore.get_node``."""
        return (self.get_nodes([node_id]))[0]

    def get_nodes(self, node_ids: Sequence[str]) -> list[Node]:
        """See ``GraphStore.get_nodes``."""

        def work(tx: neo4j.ManagedTransaction) -> dict[str, Node]:
            return self._nodes(tx, list(node_ids))

        found = self._transact(work, write=False)
        missing = [i for i in node_ids if i not in found]
        if missing:
            raise NodeNotFoundError(missing)
        return [found[i] for i in node_ids]

    def _nodes(self, tx: neo4j.ManagedTransaction, ids: list[str]) -> dict[str, Node]:
        found: dict[str, Node] = {}
        for chunk in chunks(ids, CHUNK):
            for r in self._query(tx, "get_nodes", ids=chunk):
                node = node_from_properties(r["props"])
                found[node.id] = node
        return found

    def get_edge(self, edge_id: str) -> Edge:
        """See ``GraphStore.get_edge``."""

        def work(tx: neo4j.ManagedTransaction) -> list[neo4j.Record]:
            return self._query(tx, "get_edge", id=edge_id)

        rows = self._transact(work, write=False)
        if not rows:
            raise EdgeNotFoundError(edge_id)
        r = rows[0]
        return edge_from_record(r["type"], r["props"], r["source_id"], r["target_id"])

    def find_nodes(self, filter: NodeFilter, *, cursor: str | None = None, limit: int = 100) -> Page:
        """See ``GraphStore.find_nodes``.

        A text search starts from the full-text index's hits and filters them in the same
        query. Relevance order is the index's score, highest first, then id; a page of it
        reads only its own nodes whole.
        """
        check_limit(limit)
        if filter.order is Order.RELEVANCE:
            after_hit = decode_rank_cursor(cursor) if cursor is not None else None

            def ranked(tx: neo4j.ManagedTransaction) -> list[tuple[Node, float]]:
                rows = self._run(tx, ranked_query(filter, after_hit, limit + 1))
                return [(node_from_properties(r["props"]), float(r["score"])) for r in rows]

            return ranked_page_of(self._transact(ranked, write=False), limit)
        after = decode_cursor(cursor) if cursor is not None else None

        def work(tx: neo4j.ManagedTransaction) -> list[Node]:
            found = page_query(filter, after, limit + 1, newest=filter.order is Order.NEWEST)
            return [node_from_properties(r["props"]) for r in self._run(tx, found)]

        return page_of(self._transact(work, write=False), limit)

    def count_nodes(self, filter: NodeFilter) -> int:
        """See ``GraphStore.count_nodes``."""

        def work(tx: neo4j.ManagedTransaction) -> int:
            (row,) = self._run(tx, count_query(filter))
            return int(row["count"])

        return self._transact(work, write=False)

    def aggregate(self, filter: NodeFilter, by: Sequence[GroupBy]) -> list[AggregateRow]:
        """See ``GraphStore.aggregate``: grouped, summed and ranked by one Cypher query."""
        groupings = check_aggregate(filter, by)
        found = aggregate_query(population(filter), [g.value for g in groupings])

        def work(tx: neo4j.ManagedTransaction) -> list[AggregateRow]:
            rows = self._run(tx, found)
            return [aggregate_row(groupings, r.data()) for r in rows]

        return finish(groupings, self._transact(work, write=False))

    def iter_nodes(self, filter: NodeFilter, *, batch_size: int = 500) -> Iterator[Node]:
        """See ``GraphStore.iter_nodes``."""
        return iter_pages(self.find_nodes, filter, batch_size)

    def neighbors(
        self,
        node_id: str,
        *,
        direction: Direction = Direction.BOTH,
        edge_types: Collection[EdgeType] | None = None,
        cursor: str | None = None,
        limit: int = NEIGHBORS_LIMIT,
    ) -> Neighbors:
        """See ``GraphStore.neighbors``."""
        types = neighbor_types(direction, edge_types)
        check_limit(limit)
        after = decode_cursor(cursor) if cursor is not None else None

        def work(tx: neo4j.ManagedTransaction) -> list[neo4j.Record]:
            self._require(tx, node_id)
            return self._query(
                tx,
                "neighbors",
                id=node_id,
                types=types,
                outgoing=direction in (Direction.OUT, Direction.BOTH),
                incoming=direction in (Direction.IN, Direction.BOTH),
                after_time=after[0] if after else None,
                after_id=after[1] if after else None,
                limit=limit + 1,
            )

        rows = self._transact(work, write=False)
        found = [
            Neighbor(
                edge=edge_from_record(r["type"], r["props"], r["source_id"], r["target_id"]),
                node=node_from_properties(r["node"]),
            )
            for r in rows
        ]
        return neighbor_page(found, limit)

    def lineage(
        self,
        node_id: str,
        *,
        direction: Direction = Direction.UP,
        edge_types: Collection[EdgeType] | None = None,
        depth: int = 10,
        max_nodes: int = MAX_NODES,
        max_edges: int = MAX_EDGES,
    ) -> Lineage:
        """See ``GraphStore.lineage``: a breadth-first walk, one query per level, each
        returning the level's new nodes whole.
        """
        check_depth(depth)
        check_bounds(max_nodes, max_edges)
        to_source, to_target = lineage_steps(direction, edge_types)

        def work(tx: neo4j.ManagedTransaction) -> Lineage:
            rows = self._query(tx, "node_info", id=node_id)
            if not rows:
                raise NodeNotFoundError(node_id)
            scope = rows[0]["conversation_id"]
            walk = LineageWalk(node_from_properties(rows[0]["props"]), depth=depth, max_nodes=max_nodes)
            while not walk.done:
                found = self._query(
                    tx,
                    "lineage_step",
                    frontier=walk.frontier,
                    seen=dict.fromkeys(walk.depths, True),
                    to_source=to_source,
                    to_target=to_target,
                    scope=scope,
                    limit=walk.room + 1,
                )
                walk.advance([node_from_properties(r["props"]) for r in found])
            edges = self._query(
                tx,
                "lineage_edges",
                ids=list(walk.depths),
                members=dict.fromkeys(walk.depths, True),
                types=sorted({*to_source, *to_target}),
                scope=scope,
                limit=max_edges + 1,
            )
            return Lineage(
                root_id=node_id,
                direction=direction,
                nodes=walk.nodes,
                edges=[
                    edge_from_record(r["type"], r["props"], r["source_id"], r["target_id"])
                    for r in edges[:max_edges]
                ],
                depths=walk.depths,
                truncated=walk.truncated or len(edges) > max_edges,
            )

        return self._transact(work, write=False)

    def shortest_path(
        self,
        source_id: str,
        target_id: str,
        *,
        edge_types: Collection[EdgeType] | None = None,
        max_depth: int = 10,
        max_nodes: int = MAX_NODES,
        max_edges: int = MAX_EDGES,
    ) -> GraphPath | None:
        """See ``GraphStore.shortest_path``: a breadth-first search, one query per level."""
        check_depth(max_depth)
        check_bounds(max_nodes, max_edges)
        types = path_types(edge_types)

        def work(tx: neo4j.ManagedTransaction) -> GraphPath | None:
            self._require(tx, source_id, field="source")
            self._require(tx, target_id, field="target")
            search = PathSearch(source_id, target_id, max_nodes=max_nodes, max_edges=max_edges)
            for _ in range(max_depth):
                if search.found or not search.frontier:
                    break
                rows = self._query(
                    tx, "path_step", frontier=search.frontier, types=types, limit=search.edge_room + 1
                )
                search.advance(
                    [
                        Step(
                            r["from_id"],
                            r["to_id"],
                            edge_from_record(r["type"], r["props"], r["source_id"], r["target_id"]),
                        )
                        for r in rows
                    ]
                )
            if not search.found:
                return None
            ids, edges = search.path()
            nodes = self._nodes(tx, ids)
            return GraphPath(nodes=[nodes[i] for i in ids], edges=edges)

        return self._transact(work, write=False)

    def conversation_graph(
        self, conversation_id: str, *, max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES
    ) -> Subgraph:
        """See ``GraphStore.conversation_graph``."""
        check_bounds(max_nodes, max_edges)

        def work(tx: neo4j.ManagedTransaction) -> Subgraph:
            self._require(tx, conversation_id, NodeType.CONVERSATION, field="conversation")
            rows = self._query(tx, "conversation_edges", id=conversation_id, limit=max_edges + 1)
            ids, edges, truncated = conversation_prefix(
                conversation_id,
                [edge_from_record(r["type"], r["props"], r["source_id"], r["target_id"]) for r in rows],
                max_nodes=max_nodes,
                max_edges=max_edges,
            )
            nodes = self._nodes(tx, ids)
            return Subgraph(
                nodes=sorted(nodes.values(), key=lambda n: (n.created_at, n.id)),
                edges=edges,
                truncated=truncated,
            )

        return self._transact(work, write=False)

    def transcript(
        self, conversation_id: str, *, cursor: str | None = None, limit: int = TRANSCRIPT_LIMIT
    ) -> NodeList:
        """See ``GraphStore.transcript``."""
        check_limit(limit)
        after = decode_sequence_cursor(cursor) if cursor is not None else 0

        def work(tx: neo4j.ManagedTransaction) -> list[Node]:
            self._require(tx, conversation_id, NodeType.CONVERSATION, field="conversation")
            rows = self._query(tx, "transcript", id=conversation_id, after=after, limit=limit + 1)
            return [node_from_properties(r["props"]) for r in rows]

        return transcript_page(self._transact(work, write=False), limit)

    def stats(self) -> Stats:
        """See ``GraphStore.stats``; counts come from Neo4j's count store, not a scan."""

        def work(tx: neo4j.ManagedTransaction) -> Stats:
            nodes = self._query(tx, "count_nodes")
            edges = self._query(tx, "count_edges")
            return Stats(
                nodes={NodeType(r["type"]): r["count"] for r in nodes},
                edges={EdgeType(r["type"]): r["count"] for r in edges},
            )

        return self._transact(work, write=False)

    def _require(
        self,
        tx: neo4j.ManagedTransaction,
        node_id: str,
        node_type: NodeType | None = None,
        *,
        field: str = "node",
    ) -> str | None:
        """Raise unless the node exists (and is of ``node_type``); return its conversation."""
        rows = self._query(tx, "node_info", id=node_id)
        if not rows:
            raise NodeNotFoundError(node_id)
        found = rows[0]["type"]
        if node_type is not None and found != node_type:
            raise InvalidInputError(f"{node_id} is a {found}, not a {node_type}", field=field)
        conversation_id: str | None = rows[0]["conversation_id"]
        return conversation_id
