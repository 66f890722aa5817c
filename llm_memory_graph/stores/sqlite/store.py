"""The embedded store: one SQLite file (stdlib ``sqlite3``, WAL), no server.

The graph's reads and writes, as the store contract (``stores/base.py``) asks; the
connections, transactions and busy retries they run in are ``_connections.py``'s.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

from ...errors import (
    EdgeNotFoundError,
    InvalidInputError,
    NodeNotFoundError,
)
from ...paging import (
    MAX_EDGES,
    MAX_NODES,
    NEIGHBORS_LIMIT,
    TRANSCRIPT_LIMIT,
    check_bounds,
    check_depth,
    check_limit,
    iter_pages,
)
from ...schema import (
    ONE_PER_PAIR_EDGE_TYPES,
    Direction,
    Edge,
    EdgeType,
    Inherits,
    Labels,
    Node,
    NodeType,
    TemplateVersion,
    parse_edge,
    parse_node,
)
from ...spec import (
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
from .._aggregate import aggregate_row, check_aggregate, finish, population
from .._common import (
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
from .._publish import check_label, label_at
from ..codec import decode_cursor, decode_rank_cursor, decode_sequence_cursor, from_micros, to_micros
from ..retry import RetryPolicy
from ..upsert import (
    ConversationState,
    ExistingEdge,
    ExistingNode,
    check_batch,
    plan_upsert,
    referenced_ids,
)
from . import _sql as sql
from ._aggregate import aggregate_statement
from ._connections import Connections
from ._rows import (
    edge_conversation,
    edge_counts,
    edge_data,
    edge_row,
    meta_rows,
    node_row,
    node_update_row,
    text_of,
)
from ._threaded import AsyncThreadedStore

__all__ = ["AsyncSQLiteStore", "SQLiteStore"]

log = logging.getLogger(__name__)


class SQLiteStore(Connections):
    """A graph in one SQLite file.

        store = SQLiteStore("graph.db")
        graph = MemoryGraph(store=store)

    The file is opened (and its schema created or checked) on first use, not by the
    constructor. Writes share one connection under a lock; each thread reads on a
    connection of its own, so readers never wait for each other or for a write (WAL mode).
    A store is safe to share between threads, and other processes may use the same file at
    the same time. An in-memory or read-only graph has the one connection, which reads
    and writes take in turn.

    :param path: the database file, created if missing; ``":memory:"`` for a private
        in-memory graph.
    :param timeout: seconds to wait, in all and retries included, for another
        connection's lock before raising ``StoreTimeoutError`` (default 5).
    :param durable: ``True`` makes every commit reach the disk before returning
        (``synchronous=FULL``); the default ``False`` (``synchronous=NORMAL``) survives a
        crashed process but may lose the last commits on power loss.
    :param retry: attempts and backoff for a busy error SQLite reports without waiting
        (a stale read snapshot, a WAL being recovered), all within ``timeout`` (default
        ``RetryPolicy()``: 5 tries); see the module docstring for what is retried.
    :param read_only: open the file read-only (a ``mode=ro`` URI); writes then raise
        ``StoreReadOnlyError``. The file must exist and hold a graph.

    ``retries`` counts the retries so far by SQLite result code (``SQLITE_BUSY`` ...);
    ``on_retry``, when set, is called with that code on each (the graph's metrics set it).
    """

    name = "sqlite"

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------ writes

    def upsert(self, nodes: Sequence[Node] = (), edges: Sequence[Edge] = ()) -> list[Node]:
        """See ``GraphStore.upsert``."""
        check_batch(nodes, edges)
        if not nodes and not edges:
            return []
        with self._write():
            existing, states = self._existing_nodes(referenced_ids(nodes, edges))
            existing_edges = self._existing_edges(edges) if edges else {}
            plan = plan_upsert(
                nodes, edges, existing_nodes=existing, existing_edges=existing_edges, conversations=states
            )
            first = self._execute("max_rowid", sql.MAX_NODE_ROWID).fetchone()[0] + 1
            self._executemany(
                "insert_node",
                sql.INSERT_NODE,
                [node_row(rowid, n) for rowid, n in enumerate(plan.new_nodes, first)],
            )
            self._executemany(
                "insert_text_at",
                sql.INSERT_TEXT_AT,
                [(rowid, *text) for rowid, n in enumerate(plan.new_nodes, first) if (text := text_of(n))],
            )
            self._executemany(  # before the rows change: it reads the text they were indexed with
                "delete_text", sql.DELETE_TEXT_OF, [(n.id,) for n in plan.changed_nodes if text_of(n)]
            )
            self._executemany(
                "update_node", sql.UPDATE_NODE, [node_update_row(n) for n in plan.changed_nodes]
            )
            self._executemany("delete_meta", sql.DELETE_META_OF, [(n.id,) for n in plan.changed_nodes])
            self._executemany(
                "insert_text",
                sql.INSERT_TEXT,
                [(*text, n.id) for n in plan.changed_nodes if (text := text_of(n))],
            )
            self._executemany(
                "insert_meta",
                sql.INSERT_META,
                [row for n in (*plan.new_nodes, *plan.changed_nodes) for row in meta_rows(n)],
            )
            self._executemany(
                "set_conversation_state",
                sql.SET_CONVERSATION_STATE,
                [(s.item_count, s.last_item_id, s.item_count, cid) for cid, s in plan.conversations.items()],
            )
            if plan.appended:
                self._execute(
                    "insert_kept_edges", sql.INSERT_KEPT_EDGES, (first, first + len(plan.new_nodes) - 1)
                )
            self._executemany("insert_edge", sql.INSERT_EDGE, [edge_row(e) for e in plan.new_edges])
            stored = plan.result()
            self._executemany("add_edge_count", sql.ADD_EDGE_COUNT, edge_counts(stored, plan))
            self._executemany(
                "update_edge",
                sql.UPDATE_EDGE,
                [(edge_conversation(e), edge_data(e), e.id) for e in plan.changed_edges],
            )
        return stored

    def publish_version(
        self, version: TemplateVersion, *, parent_id: str | None = None, label: Labels | None = None
    ) -> tuple[TemplateVersion, bool]:
        """See ``GraphStore.publish_version``: the version and the label move share one transaction."""
        check_label(version, label)
        with self._write():
            self._require(version.template_id, NodeType.PROMPT_TEMPLATE, field="template")
            if parent_id is not None:
                self._require(parent_id, NodeType.TEMPLATE_VERSION, field="parent")
            same = self._execute(
                "template_version_by_hash",
                sql.TEMPLATE_VERSION_BY_HASH,
                (version.template_id, version.content_hash),
            ).fetchone()
            if same is not None:
                stored: TemplateVersion = parse_node(same[0])  # type: ignore[assignment]
                created = False
            else:
                (top,) = self._execute(
                    "max_template_version", sql.MAX_TEMPLATE_VERSION, (version.template_id,)
                ).fetchone()
                numbered = version.model_copy(update={"version": (top or 0) + 1})
                edges = [Inherits(source_id=numbered.id, target_id=parent_id)] if parent_id else []
                (stored,) = self.upsert([numbered], edges)  # type: ignore[assignment]
                created = True
            if label is not None:  # refused: the version above rolls back with it
                self.upsert(edges=[label_at(label, stored)])
        return stored, created

    def _existing_nodes(self, ids: set[str]) -> tuple[dict[str, ExistingNode], dict[str, ConversationState]]:
        found: dict[str, ExistingNode] = {}
        states: dict[str, ConversationState] = {}
        rows = self._execute("existing_nodes", sql.EXISTING_NODES, (json.dumps(sorted(ids)),))
        for (
            node_id,
            type_,
            created,
            conversation_id,
            agent_id,
            sequence,
            user_id,
            count,
            last,
            status,
        ) in rows:
            node_type = NodeType(type_)
            found[node_id] = ExistingNode(
                node_type, from_micros(created), conversation_id, agent_id, sequence, user_id
            )
            if node_type is NodeType.CONVERSATION:
                states[node_id] = ConversationState(count or 0, last, user_id, status == "closed")
        return found, states

    def _existing_edges(self, edges: Sequence[Edge]) -> dict[str, ExistingEdge]:
        """The edges stored under these edges' ids, and those joining the same pairs."""
        ids = json.dumps([e.id for e in edges])
        pairs = json.dumps(
            [(e.source_id, e.type, e.target_id) for e in edges if e.type in ONE_PER_PAIR_EDGE_TYPES]
        )
        rows = self._execute("existing_edges", sql.EXISTING_EDGES, (ids, pairs))
        return {i: ExistingEdge(EdgeType(t), from_micros(c), s, d) for i, t, c, s, d in rows}

    def delete_conversation(self, conversation_id: str) -> Deleted:
        """See ``GraphStore.delete_conversation``: erased, not only unlinked.

        With ``secure_delete`` on, SQLite overwrites what it frees with zeros; the text
        index is merged so no old segment keeps the conversation's terms; and the WAL,
        which holds the pages as they were, is checkpointed and truncated after the commit
        (when another connection is reading just then, the next checkpoint does it).
        """
        with self._lock:
            (secure,) = self._execute("secure_delete", "PRAGMA secure_delete").fetchone()
            self._execute("secure_delete", "PRAGMA secure_delete = ON")
            try:
                deleted = self._delete_conversation(conversation_id)
            finally:
                self._execute("secure_delete", f"PRAGMA secure_delete = {int(secure)}")
            if not self._conn().in_transaction:
                self._execute("checkpoint", "PRAGMA wal_checkpoint(TRUNCATE)")
        return deleted

    def _delete_conversation(self, conversation_id: str) -> Deleted:
        with self._write():
            self._require(conversation_id, NodeType.CONVERSATION, field="conversation")
            self._execute("mark_doomed", sql.MARK_CONVERSATION_DOOMED, (conversation_id,))
            self._execute("mark_attached", sql.MARK_ATTACHED_DOOMED)
            doomed = self._execute(
                "count_doomed_edges", sql.COUNT_DOOMED_EDGES, (conversation_id,)
            ).fetchall()
            self._executemany("add_edge_count", sql.ADD_EDGE_COUNT, [(t, -n) for t, n in doomed])
            counts = []
            for i, statement in enumerate(sql.DELETE_DOOMED):
                params = (conversation_id,) if i == 0 else ()
                counts.append(self._execute("delete_doomed", statement, params).rowcount)
            self._execute("clear_doomed", "DELETE FROM temp.doomed")
            self._execute("optimize_text", sql.OPTIMIZE_TEXT)
        return Deleted(nodes=counts[-1], edges=sum(counts[:3]))

    # ------------------------------------------------------------ reads

    def get_node(self, node_id: str) -> Node:
        """See ``GraphStore.get_node``."""
        return self.get_nodes([node_id])[0]

    def get_nodes(self, node_ids: Sequence[str]) -> list[Node]:
        """See ``GraphStore.get_nodes``."""
        with self._reading():
            rows = self._execute("get_nodes", sql.GET_NODES, (json.dumps(list(node_ids)),)).fetchall()
        found = dict(rows)
        missing = [i for i in node_ids if i not in found]
        if missing:
            raise NodeNotFoundError(missing)
        return [parse_node(found[i]) for i in node_ids]

    def get_edge(self, edge_id: str) -> Edge:
        """See ``GraphStore.get_edge``."""
        with self._reading():
            row = self._execute("get_edge", sql.GET_EDGE, (edge_id,)).fetchone()
        if row is None:
            raise EdgeNotFoundError(edge_id)
        return parse_edge(row[0])

    def find_nodes(self, filter: NodeFilter, *, cursor: str | None = None, limit: int = 100) -> Page:
        """See ``GraphStore.find_nodes``."""
        check_limit(limit)
        if filter.order is Order.RELEVANCE:
            after_hit = decode_rank_cursor(cursor) if cursor is not None else None
            statement = sql.search_statement(filter, after=after_hit, limit=limit + 1)
            with self._reading():
                rows = self._execute("search_nodes", statement.text, statement.params).fetchall()
            return ranked_page_of([(parse_node(data), score) for data, score in rows], limit)
        after = decode_cursor(cursor) if cursor is not None else None
        statement = sql.page_statement(
            filter, after=(to_micros(after[0]), after[1]) if after else None, limit=limit + 1
        )
        with self._reading():
            rows = self._execute("find_nodes", statement.text, statement.params).fetchall()
        return page_of([parse_node(data) for (data,) in rows], limit)

    def count_nodes(self, filter: NodeFilter) -> int:
        """See ``GraphStore.count_nodes``."""
        statement = sql.count_statement(filter)
        with self._reading():
            (count,) = self._execute("count_nodes", statement.text, statement.params).fetchone()
        return int(count)

    def aggregate(self, filter: NodeFilter, by: Sequence[GroupBy]) -> list[AggregateRow]:
        """See ``GraphStore.aggregate``: one statement, grouped and ranked inside SQLite."""
        groupings = check_aggregate(filter, by)
        statement = aggregate_statement(population(filter), groupings)
        with self._reading():
            cursor = self._execute("aggregate", statement.text, statement.params)
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        return finish(groupings, [aggregate_row(groupings, dict(zip(names, r, strict=True))) for r in rows])

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
        types = json.dumps(neighbor_types(direction, edge_types))
        check_limit(limit)
        after = decode_cursor(cursor) if cursor is not None else None
        keyset = (to_micros(after[0]), after[1]) if after else (None, None)
        statements = {
            Direction.OUT: [sql.NEIGHBORS_OUT],
            Direction.IN: [sql.NEIGHBORS_IN],
            Direction.BOTH: [sql.NEIGHBORS_OUT, sql.NEIGHBORS_IN],
        }[direction]
        with self._reading():
            self._require(node_id)
            rows = [
                row
                for s in statements
                for row in self._execute("neighbors", s, (node_id, types, *keyset, limit + 1))
            ]
        found = [Neighbor(edge=parse_edge(e), node=parse_node(n)) for e, n in rows]
        found.sort(key=lambda nb: (nb.edge.created_at, nb.edge.id))
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
        """See ``GraphStore.lineage``: a breadth-first walk, one statement per level."""
        check_depth(depth)
        check_bounds(max_nodes, max_edges)
        to_source, to_target = lineage_steps(direction, edge_types)
        step = sql.lineage_step_sql(from_target=bool(to_source), from_source=bool(to_target))
        types = json.dumps(sorted({*to_source, *to_target}))
        with self._reading():
            row = self._execute("node_data", sql.NODE_DATA, (node_id,)).fetchone()
            if row is None:
                raise NodeNotFoundError(node_id)
            scope: str | None = row[1]
            walk = LineageWalk(parse_node(row[2]), depth=depth, max_nodes=max_nodes)
            params = {"to_source": json.dumps(to_source), "to_target": json.dumps(to_target), "scope": scope}
            while not walk.done:
                found = self._execute(
                    "lineage_step",
                    step,
                    params
                    | {
                        "frontier": json.dumps(walk.frontier),
                        "seen": json.dumps(list(walk.depths)),
                        "limit": walk.room + 1,
                    },
                ).fetchall()
                walk.advance([parse_node(data) for _, data in found])
            edges = self._execute(
                "lineage_edges",
                sql.LINEAGE_EDGES,
                (types, json.dumps(list(walk.depths)), scope, max_edges + 1),
            ).fetchall()
        return Lineage(
            root_id=node_id,
            direction=direction,
            nodes=walk.nodes,
            edges=[parse_edge(data) for (data,) in edges[:max_edges]],
            depths=walk.depths,
            truncated=walk.truncated or len(edges) > max_edges,
        )

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
        """See ``GraphStore.shortest_path``."""
        check_depth(max_depth)
        check_bounds(max_nodes, max_edges)
        types = json.dumps(path_types(edge_types))
        search = PathSearch(source_id, target_id, max_nodes=max_nodes, max_edges=max_edges)
        with self._reading():
            self._require(source_id, field="source")
            self._require(target_id, field="target")
            for _ in range(max_depth):
                if search.found or not search.frontier:
                    break
                frontier = json.dumps(search.frontier)
                rows: list[Any] = []
                for statement in (sql.PATH_STEP_OUT, sql.PATH_STEP_IN):
                    rows += self._execute(
                        "path_step", statement, (frontier, types, search.edge_room + 1 - len(rows))
                    ).fetchall()
                search.advance([Step(a, b, parse_edge(data)) for a, b, data in rows])
            if not search.found:
                return None
            ids, edges = search.path()
            return GraphPath(nodes=self.get_nodes(ids), edges=edges)

    def conversation_graph(
        self, conversation_id: str, *, max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES
    ) -> Subgraph:
        """See ``GraphStore.conversation_graph``."""
        check_bounds(max_nodes, max_edges)
        with self._reading():
            self._require(conversation_id, NodeType.CONVERSATION, field="conversation")
            rows = self._execute(
                "conversation_edges", sql.CONVERSATION_EDGES, (conversation_id, max_edges + 1)
            ).fetchall()
            ids, edges, truncated = conversation_prefix(
                conversation_id,
                [parse_edge(data) for (data,) in rows],
                max_nodes=max_nodes,
                max_edges=max_edges,
            )
            nodes = self.get_nodes(ids)
        return Subgraph(
            nodes=sorted(nodes, key=lambda n: (n.created_at, n.id)), edges=edges, truncated=truncated
        )

    def transcript(
        self, conversation_id: str, *, cursor: str | None = None, limit: int = TRANSCRIPT_LIMIT
    ) -> NodeList:
        """See ``GraphStore.transcript``."""
        check_limit(limit)
        after = decode_sequence_cursor(cursor) if cursor is not None else 0
        with self._reading():
            self._require(conversation_id, NodeType.CONVERSATION, field="conversation")
            rows = self._execute(
                "transcript", sql.TRANSCRIPT_AFTER, (conversation_id, after, limit + 1)
            ).fetchall()
        return transcript_page([parse_node(data) for (data,) in rows], limit)

    def stats(self) -> Stats:
        """See ``GraphStore.stats``."""
        with self._reading():
            nodes = self._execute("count_nodes", sql.COUNT_NODES).fetchall()
            edges = self._execute("count_edges", sql.COUNT_EDGES).fetchall()
        return Stats(
            nodes=dict.fromkeys(NodeType, 0) | {NodeType(t): n for t, n in nodes},
            edges=dict.fromkeys(EdgeType, 0) | {EdgeType(t): n for t, n in edges},
        )

    def _require(self, node_id: str, node_type: NodeType | None = None, *, field: str = "node") -> str | None:
        """Raise unless the node exists (and is of ``node_type``); return its conversation."""
        row = self._execute("node_type", sql.NODE_TYPE, (node_id,)).fetchone()
        if row is None:
            raise NodeNotFoundError(node_id)
        if node_type is not None and row[0] != node_type:
            raise InvalidInputError(f"{node_id} is a {row[0]}, not a {node_type}", field=field)
        conversation_id: str | None = row[1]
        return conversation_id


class AsyncSQLiteStore(AsyncThreadedStore):
    """The embedded store for asyncio: a ``SQLiteStore`` driven from one worker thread.

        store = AsyncSQLiteStore("graph.db")
        graph = AsyncMemoryGraph(store=store)

    Every call runs on a single dedicated thread that owns the connection, so the event
    loop never waits on disk I/O or on SQLite's locks. Safe to share between tasks.
    Parameters are those of ``SQLiteStore``.
    """

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        timeout: float = 5.0,
        durable: bool = False,
        retry: RetryPolicy | None = None,
        read_only: bool = False,
    ) -> None:
        super().__init__(
            SQLiteStore(path, timeout=timeout, durable=durable, retry=retry, read_only=read_only)
        )
        self.path = str(path)

    def __repr__(self) -> str:
        return f"AsyncSQLiteStore({self.path!r})"
