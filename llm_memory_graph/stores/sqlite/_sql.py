"""Every SQL statement of the embedded store, by name, and the one builder for filters.

Nodes keep their whole model as JSON in ``data``; edges keep there only what no column
holds (``edge_json`` reads them whole). The columns beside ``data`` are
copies of the fields that queries filter, order or join on, each with an index whose
leading columns match the query. ``node_meta`` holds one row per scalar metadata value so
that metadata equality is an index search too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...schema import ITEM_TYPES, ONE_PER_PAIR_EDGE_TYPES, EdgeType
from ...spec import NodeFilter, Order, RangeField
from ...text_search import parse_text_query
from ..codec import meta_value, to_micros
from ..upsert import HEX_DIGITS, KEPT_EDGE_XOR, variant_digits

__all__ = [
    "ADD_EDGE_COUNT",
    "CONVERSATION_EDGES",
    "COUNT_DOOMED_EDGES",
    "COUNT_EDGES",
    "COUNT_FOREIGN_TABLES",
    "COUNT_NODES",
    "CREATE_DOOMED",
    "CREATE_SCHEMA",
    "DELETE_DOOMED",
    "DELETE_META_OF",
    "DELETE_TEXT_OF",
    "EXISTING_EDGES",
    "EXISTING_NODES",
    "GET_EDGE",
    "GET_NODES",
    "HAS_SCHEMA_VERSION",
    "INSERT_EDGE",
    "INSERT_KEPT_EDGES",
    "INSERT_META",
    "INSERT_NODE",
    "INSERT_TEXT",
    "INSERT_TEXT_AT",
    "LINEAGE_EDGES",
    "MARK_ATTACHED_DOOMED",
    "MARK_CONVERSATION_DOOMED",
    "MAX_NODE_ROWID",
    "MAX_TEMPLATE_VERSION",
    "NEIGHBORS_IN",
    "NEIGHBORS_OUT",
    "NODE_DATA",
    "NODE_TYPE",
    "OPTIMIZE_TEXT",
    "PATH_STEP_IN",
    "PATH_STEP_OUT",
    "RECORD_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "SCHEMA_VERSION_FOUND",
    "SET_CONVERSATION_STATE",
    "TEMPLATE_VERSION_BY_HASH",
    "TEXT_TYPES",
    "TRANSCRIPT_AFTER",
    "UPDATE_EDGE",
    "UPDATE_NODE",
    "UPGRADES",
    "Statement",
    "count_statement",
    "edge_json",
    "filter_conditions",
    "lineage_step_sql",
    "page_statement",
    "search_statement",
    "where_sql",
]

#: Bump when the table layout changes, and add the upgrade's statements to UPGRADES.
SCHEMA_VERSION = 6

#: Contentless: the text lives once, in ``nodes.data``; the index keeps only what MATCH and
#: bm25 need. A row is removed with FTS5's 'delete' command and the text it was indexed
#: with, read back from ``nodes`` (``_FTS_DELETE``).
_CREATE_FTS = """
CREATE VIRTUAL TABLE IF NOT EXISTS node_fts USING fts5(
    content, title, content = '', tokenize = 'unicode61 remove_diacritics 2'
)"""

#: Node types whose text is searchable, and the fields searched.
TEXT_TYPES = ("Prompt", "Completion", "Document", "Context")

_TEXT_OF_NODES = (
    "SELECT rowid, json_extract(data, '$.content'), json_extract(data, '$.title') FROM nodes "
    f"WHERE type IN ({', '.join(repr(t) for t in TEXT_TYPES)})"
)

_FTS_DELETE = (
    "INSERT INTO node_fts (node_fts, rowid, content, title) SELECT 'delete', "
    + _TEXT_OF_NODES.removeprefix("SELECT ")
)

#: The last column of ``edges_source``: '' for an edge of a type two nodes hold once
#: (``schema.ONE_PER_PAIR_EDGE_TYPES``), whose ends then make it unique, and its id for the
#: types that may repeat between two nodes (TRANSFERS_TO, LABELS).
_REPEATABLE = ", ".join(f"'{t}'" for t in sorted(set(EdgeType) - ONE_PER_PAIR_EDGE_TYPES))
_PAIR_KEY = f"CASE WHEN type IN ({_REPEATABLE}) THEN id ELSE '' END"
_EDGES_SOURCE = (
    f"CREATE UNIQUE INDEX IF NOT EXISTS edges_source ON edges (source_id, type, target_id, {_PAIR_KEY})"
)

_TEMPLATE_INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS nodes_template_name ON nodes (name) WHERE type = 'PromptTemplate'",
    "CREATE UNIQUE INDEX IF NOT EXISTS nodes_template_version ON nodes "
    "(json_extract(data, '$.template_id'), json_extract(data, '$.version')) WHERE type = 'TemplateVersion'",
    "CREATE INDEX IF NOT EXISTS nodes_template_hash ON nodes "
    "(json_extract(data, '$.template_id'), json_extract(data, '$.content_hash')) WHERE type = 'TemplateVersion'",
)

#: Statements that bring a file from the version before each key to that version.
UPGRADES: dict[int, tuple[str, ...]] = {
    # rowid of node_fts = rowid of the node it indexes
    2: (_CREATE_FTS, f"INSERT INTO node_fts (rowid, content, title) {_TEXT_OF_NODES}"),
    3: _TEMPLATE_INDEXES,
    # Edges the store keeps are written with only what no column holds (see ``edge_json``);
    # rows written before keep their whole JSON, which reads the same. Edges are counted
    # by type in ``edge_counts`` instead of through an index on ``type``, which cost every
    # write a page per edge type it touched (a sixth of a single write's pages). The text
    # index becomes contentless: the text was stored twice.
    4: (
        "DROP TABLE node_fts",
        _CREATE_FTS,
        f"INSERT INTO node_fts (rowid, content, title) {_TEXT_OF_NODES}",
        "CREATE TABLE edge_counts (type TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID",
        "INSERT INTO edge_counts (type, n) SELECT type, count(*) FROM edges GROUP BY type",
        "DROP INDEX IF EXISTS edges_type",
    ),
    # Every edge is written with only what no column holds; rows written before read the
    # same. Nothing to rewrite: the version only stops older releases (whose reads take a
    # caller's edge ``data`` as whole) from opening the file.
    5: (),
    # Two nodes hold one edge of each type but TRANSFERS_TO and LABELS: duplicates that
    # retried calls added before (each edge got a fresh id) go, the earliest written stays,
    # and edges_source becomes the unique index that keeps it so.
    6: (
        f"DELETE FROM edges WHERE type NOT IN ({_REPEATABLE}) AND rowid NOT IN "
        "(SELECT min(rowid) FROM edges GROUP BY source_id, type, target_id)",
        "DELETE FROM edge_counts",
        "INSERT INTO edge_counts (type, n) SELECT type, count(*) FROM edges GROUP BY type",
        "DROP INDEX IF EXISTS edges_source",
        _EDGES_SOURCE,
    ),
}

CREATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS nodes (
    id              TEXT NOT NULL UNIQUE,
    type            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,   -- microseconds since the Unix epoch, UTC
    conversation_id TEXT,
    sequence        INTEGER,
    agent_id        TEXT,
    user_id         TEXT,
    name            TEXT,               -- Agent.name, PromptTemplate.name, tool_name
    request_model   TEXT,
    response_model  TEXT,
    item_count      INTEGER,            -- conversations: items appended so far
    last_item_id    TEXT,               -- conversations: the item appended last
    data            TEXT NOT NULL       -- the whole node as JSON
);
CREATE INDEX IF NOT EXISTS nodes_created ON nodes (created_at, id);
CREATE INDEX IF NOT EXISTS nodes_type ON nodes (type, created_at, id);
CREATE UNIQUE INDEX IF NOT EXISTS nodes_sequence ON nodes (conversation_id, sequence)
    WHERE conversation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS nodes_conversation ON nodes (conversation_id, created_at, id)
    WHERE conversation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS nodes_agent ON nodes (agent_id, created_at, id)
    WHERE agent_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS nodes_user ON nodes (user_id, created_at, id)
    WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS nodes_name ON nodes (name, created_at, id)
    WHERE name IS NOT NULL;
CREATE INDEX IF NOT EXISTS nodes_request_model ON nodes (request_model, created_at, id)
    WHERE request_model IS NOT NULL;
CREATE INDEX IF NOT EXISTS nodes_response_model ON nodes (response_model, created_at, id)
    WHERE response_model IS NOT NULL;
CREATE TABLE IF NOT EXISTS node_meta (
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,           -- canonical JSON of a scalar (see _codec.meta_value)
    created_at INTEGER NOT NULL,
    node_id    TEXT NOT NULL,
    PRIMARY KEY (key, value, created_at, node_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS node_meta_node ON node_meta (node_id);
CREATE TABLE IF NOT EXISTS edges (
    id              TEXT NOT NULL UNIQUE,
    type            TEXT NOT NULL,
    source_id       TEXT NOT NULL,
    target_id       TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    conversation_id TEXT,               -- TRANSFERS_TO: the conversation of the hand-off
    data            TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS edges_target ON edges (target_id, type);
CREATE TABLE IF NOT EXISTS edge_counts (
    type TEXT PRIMARY KEY,
    n    INTEGER NOT NULL                -- edges of this type; kept by every write and delete
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edges_conversation ON edges (conversation_id)
    WHERE conversation_id IS NOT NULL;
""" + ";\n".join([_EDGES_SOURCE, _CREATE_FTS.strip(), *_TEMPLATE_INDEXES])

HAS_SCHEMA_VERSION = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"

SCHEMA_VERSION_FOUND = "SELECT max(version) FROM schema_version"

RECORD_SCHEMA_VERSION = "INSERT INTO schema_version (version) VALUES (?)"

COUNT_FOREIGN_TABLES = "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"

#: Ids a cascade delete collects before deleting; private to each connection.
CREATE_DOOMED = "CREATE TEMP TABLE IF NOT EXISTS doomed (id TEXT PRIMARY KEY)"

_NODE_COLUMNS = (
    "id, type, created_at, conversation_id, sequence, agent_id, user_id, name, "
    "request_model, response_model, item_count, data"
)

#: The first parameter is the row's rowid, chosen by the writer (``MAX_NODE_ROWID`` + 1, + 2
#: ... inside its write transaction) so the row's text goes into ``node_fts`` under that
#: rowid with no lookup (``INSERT_TEXT_AT``).
INSERT_NODE = f"INSERT INTO nodes (rowid, {_NODE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"

MAX_NODE_ROWID = "SELECT coalesce(max(rowid), 0) FROM nodes"

UPDATE_NODE = """
UPDATE nodes SET user_id = ?, name = ?, request_model = ?, response_model = ?, data = ?
WHERE id = ?
"""

INSERT_TEXT = "INSERT INTO node_fts (rowid, content, title) SELECT rowid, ?, ? FROM nodes WHERE id = ?"

INSERT_TEXT_AT = "INSERT INTO node_fts (rowid, content, title) VALUES (?, ?, ?)"

#: Run before the node's row is rewritten: it reads the text the node was indexed with.
DELETE_TEXT_OF = f"{_FTS_DELETE} AND id = ?"

INSERT_META = "INSERT OR IGNORE INTO node_meta (key, value, created_at, node_id) VALUES (?,?,?,?)"

DELETE_META_OF = "DELETE FROM node_meta WHERE node_id = ?"

SET_CONVERSATION_STATE = """
UPDATE nodes SET item_count = ?, last_item_id = ?, data = json_set(data, '$.item_count', ?)
WHERE id = ?
"""

INSERT_EDGE = """
INSERT INTO edges (id, type, source_id, target_id, created_at, conversation_id, data)
VALUES (?,?,?,?,?,?,?)
"""


def _kept_edge_id(edge_type: EdgeType) -> str:
    """``_upsert.kept_edge_id`` of the item ``n.id``, in SQL."""
    digits = variant_digits(KEPT_EDGE_XOR[edge_type])
    return (
        f"substr(n.id, 1, 19) || substr('{digits}', instr('{HEX_DIGITS}', substr(n.id, 20, 1)), 1) "
        "|| substr(n.id, 21)"
    )


#: ``+n.type``: the rowid range drives, never the type index.
_NEW_ITEM = (
    f"n.rowid BETWEEN ?1 AND ?2 AND +n.type IN ({', '.join(sorted(repr(str(t)) for t in ITEM_TYPES))})"
)

#: The edges the store keeps for the new items among the nodes with rowids ?1 to ?2 (see
#: ``UpsertPlan.appended``): derived from the item rows in SQL, not row by row in Python.
#: The item before another in its conversation is the one numbered one less: an item's
#: number is fixed when it is appended, and only whole conversations are deleted.
INSERT_KEPT_EDGES = f"""
INSERT INTO edges (id, type, source_id, target_id, created_at, data)
SELECT {_kept_edge_id(EdgeType.HANDLED_BY)}, 'HANDLED_BY', n.id, n.agent_id, n.created_at, '{{}}'
FROM nodes n WHERE {_NEW_ITEM} AND n.agent_id IS NOT NULL
UNION ALL
SELECT {_kept_edge_id(EdgeType.CONTAINS)}, 'CONTAINS', n.conversation_id, n.id, n.created_at,
       json_object('position', n.sequence)
FROM nodes n WHERE {_NEW_ITEM} AND n.conversation_id IS NOT NULL
UNION ALL
SELECT {_kept_edge_id(EdgeType.PRECEDES)}, 'PRECEDES', p.id, n.id, n.created_at, '{{}}'
FROM nodes n JOIN nodes p ON p.conversation_id = n.conversation_id AND p.sequence = n.sequence - 1
WHERE {_NEW_ITEM} AND n.sequence > 1
"""

UPDATE_EDGE = "UPDATE edges SET conversation_id = ?, data = ? WHERE id = ?"

#: Parameter: a JSON array of ids.
EXISTING_NODES = """
SELECT id, type, created_at, conversation_id, agent_id, sequence, user_id, item_count,
       last_item_id, json_extract(data, '$.status')
FROM nodes WHERE id IN (SELECT value FROM json_each(?))
"""

#: Parameter: a JSON array of ids.
EXISTING_EDGES = f"""
SELECT id, type, created_at, source_id, target_id FROM edges WHERE id IN (SELECT value FROM json_each(?1))
UNION
SELECT e.id, e.type, e.created_at, e.source_id, e.target_id
FROM json_each(?2) AS p
JOIN edges AS e ON e.source_id = json_extract(p.value, '$[0]') AND e.type = json_extract(p.value, '$[1]')
    AND e.target_id = json_extract(p.value, '$[2]')
WHERE e.type NOT IN ({_REPEATABLE})
"""

#: Parameter: a JSON array of ids.
GET_NODES = "SELECT id, data FROM nodes WHERE id IN (SELECT value FROM json_each(?))"

#: ISO 8601 text of a column of microseconds since the epoch, as pydantic writes it (with a
#: fraction always; the parsed value is the same). The fraction is taken modulo a second
#: so times before 1970 come out right.
#:
#: SQLite's date arithmetic (3.40 at least) gets one day wrong: 0300-03-01 comes out as
#: 0300-02-29, a day no calendar has (every other day from 0001 to 9999 comes out right).
#: That day is written out.
_ISO_MICROS = (
    "CASE WHEN {c} BETWEEN -52695014400000000 AND -52694928000000001 "
    "THEN '0300-03-01' || strftime('T%H:%M:%S', ({c} - (({c} % 1000000) + 1000000) % 1000000) / 1000000, "
    "'unixepoch') "
    "ELSE strftime('%Y-%m-%dT%H:%M:%S', ({c} - (({c} % 1000000) + 1000000) % 1000000) / 1000000, 'unixepoch') "
    "END || printf('.%06dZ', (({c} % 1000000) + 1000000) % 1000000)"
)


def edge_json(alias: str = "") -> str:
    """The SQL of an edge row's whole JSON: ``data`` (the fields no column holds) with the
    columns put back. ``data`` is the target of ``json_patch``, so its nulls stay; a row
    written whole (before schema version 5) gets the same values back.
    """
    e = f"{alias}." if alias else ""
    columns = (
        f"json_object('id', {e}id, 'created_at', {_ISO_MICROS.format(c=e + 'created_at')}, "
        f"'metadata', json_object(), 'source_id', {e}source_id, 'target_id', {e}target_id, 'type', {e}type)"
    )
    return f"json_patch({e}data, {columns})"


GET_EDGE = f"SELECT {edge_json()} FROM edges WHERE id = ?"

NODE_TYPE = "SELECT type, conversation_id FROM nodes WHERE id = ?"

#: A node's type, conversation and whole JSON.
NODE_DATA = "SELECT type, conversation_id, data FROM nodes WHERE id = ?"

#: One page of a node's neighbours one way, by the edge's (created_at, id). Parameters: the
#: node, a JSON array of edge types, the cursor's (micros, id) (nulls on the first page), and
#: the page size. Edges are ordered, and cut, before any JSON is built or any node is read.
_NEIGHBORS = f"""
SELECT {edge_json("e")}, n.data FROM (
  SELECT rowid FROM edges
  WHERE {{near}} = ?1 AND type IN (SELECT value FROM json_each(?2))
    AND (?3 IS NULL OR (created_at, id) > (?3, ?4))
  ORDER BY created_at, id LIMIT ?5
) page JOIN edges e ON e.rowid = page.rowid JOIN nodes n ON n.id = e.{{far}}
ORDER BY e.created_at, e.id
"""
NEIGHBORS_OUT = _NEIGHBORS.format(near="source_id", far="target_id")
NEIGHBORS_IN = _NEIGHBORS.format(near="target_id", far="source_id")

#: An edge that records its conversation (a hand-off) is followed only inside the scope
#: conversation, when there is one.
_IN_SCOPE = "({scope} IS NULL OR {e}conversation_id IS NULL OR {e}conversation_id = {scope})"

#: Parameters: a JSON array of edge types, a JSON array of node ids, the scope conversation,
#: the most edges to return (the oldest). Driven by the source end (``+target_id`` keeps the planner off the target index): the
#: hubs a lineage reaches (agents, documents) are the targets of thousands of edges and the
#: sources of few.
LINEAGE_EDGES = f"""
SELECT {edge_json()} FROM edges
WHERE source_id IN (SELECT value FROM json_each(?2))
  AND +target_id IN (SELECT value FROM json_each(?2))
  AND type IN (SELECT value FROM json_each(?1))
  AND {_IN_SCOPE.format(scope="?3", e="")}
ORDER BY created_at, id LIMIT ?4
"""

#: One level of a path search, each way along the edges. Parameters: JSON arrays of
#: frontier ids and of edge types, and the most edges to read.
PATH_STEP_OUT = f"""
SELECT source_id, target_id, {edge_json()} FROM edges
WHERE source_id IN (SELECT value FROM json_each(?1)) AND type IN (SELECT value FROM json_each(?2))
LIMIT ?3
"""
PATH_STEP_IN = f"""
SELECT target_id, source_id, {edge_json()} FROM edges
WHERE target_id IN (SELECT value FROM json_each(?1)) AND type IN (SELECT value FROM json_each(?2))
LIMIT ?3
"""

#: The oldest ``?2`` edges (by created_at, id) touching a conversation or its items, and
#: the hand-offs recorded in it. Only rowids are collected and ordered; the JSON is built
#: for the edges kept.
CONVERSATION_EDGES = f"""
SELECT {edge_json()} FROM edges WHERE rowid IN (
  SELECT rowid FROM edges WHERE rowid IN (
    SELECT rowid FROM edges WHERE source_id IN (SELECT id FROM nodes WHERE conversation_id = ?1 UNION SELECT ?1)
    UNION
    SELECT rowid FROM edges WHERE target_id IN (SELECT id FROM nodes WHERE conversation_id = ?1 UNION SELECT ?1)
    UNION
    SELECT rowid FROM edges WHERE conversation_id = ?1
  )
  ORDER BY created_at, id LIMIT ?2
)
ORDER BY created_at, id
"""

#: A template's version with this content, if it was published before.
TEMPLATE_VERSION_BY_HASH = """
SELECT data FROM nodes
WHERE type = 'TemplateVersion' AND json_extract(data, '$.template_id') = ?
  AND json_extract(data, '$.content_hash') = ?
"""

#: A template's newest version number (null before the first).
MAX_TEMPLATE_VERSION = """
SELECT max(json_extract(data, '$.version')) FROM nodes
WHERE type = 'TemplateVersion' AND json_extract(data, '$.template_id') = ?
"""

#: One page of a transcript: the items after sequence number ``?2``, at most ``?3``.
TRANSCRIPT_AFTER = """
SELECT data FROM nodes WHERE conversation_id = ?1 AND sequence > ?2 ORDER BY sequence LIMIT ?3
"""

MARK_CONVERSATION_DOOMED = """
INSERT INTO temp.doomed (id)
SELECT id FROM nodes WHERE conversation_id = ?1 UNION SELECT ?1
"""

#: Context and feedback recorded without the conversation but attached only to its items
#: (by REFERENCES or RATES; HANDLED_BY joins a shared agent) go with them. Run after
#: MARK_CONVERSATION_DOOMED.
MARK_ATTACHED_DOOMED = """
INSERT OR IGNORE INTO temp.doomed (id)
SELECT n.id FROM nodes AS n
WHERE n.conversation_id IS NULL AND n.type IN ('Context', 'Feedback')
  AND n.id IN (
    SELECT source_id FROM edges WHERE target_id IN (SELECT id FROM temp.doomed)
    UNION SELECT target_id FROM edges WHERE source_id IN (SELECT id FROM temp.doomed)
  )
  AND NOT EXISTS (
    SELECT 1 FROM edges AS e
    WHERE e.type <> 'HANDLED_BY' AND (
      (e.source_id = n.id AND e.target_id NOT IN (SELECT id FROM temp.doomed))
      OR (e.target_id = n.id AND e.source_id NOT IN (SELECT id FROM temp.doomed))
    )
  )
"""

#: Merges the text index into one segment: FTS5 keeps a deleted row's terms in the old
#: segments until they merge, readable in the file. It rewrites the whole index, so it
#: costs in proportion to it; only deleting a conversation runs it.
OPTIMIZE_TEXT = "INSERT INTO node_fts (node_fts) VALUES ('optimize')"

#: Run in order, after MARK_CONVERSATION_DOOMED; the first takes the conversation id.
DELETE_DOOMED = (
    "DELETE FROM edges WHERE conversation_id = ?",
    "DELETE FROM edges WHERE source_id IN (SELECT id FROM temp.doomed)",
    "DELETE FROM edges WHERE target_id IN (SELECT id FROM temp.doomed)",
    "DELETE FROM node_meta WHERE node_id IN (SELECT id FROM temp.doomed)",
    f"{_FTS_DELETE} AND id IN (SELECT id FROM temp.doomed)",
    "DELETE FROM nodes WHERE id IN (SELECT id FROM temp.doomed)",
)

COUNT_NODES = "SELECT type, count(*) FROM nodes GROUP BY type"

COUNT_EDGES = "SELECT type, n FROM edge_counts WHERE n > 0"

#: Parameters: an edge type and how many edges of it were written (or, negative, deleted).
ADD_EDGE_COUNT = """
INSERT INTO edge_counts (type, n) VALUES (?, ?) ON CONFLICT (type) DO UPDATE SET n = n + excluded.n
"""

#: The edges ``DELETE_DOOMED`` is about to delete, by type; the parameter is the conversation.
COUNT_DOOMED_EDGES = """
SELECT type, count(*) FROM edges
WHERE conversation_id = ?1 OR source_id IN (SELECT id FROM temp.doomed) OR target_id IN (SELECT id FROM temp.doomed)
GROUP BY type
"""


def lineage_step_sql(*, from_target: bool, from_source: bool) -> str:
    """Return one level of a lineage walk: the nodes one provenance step from a frontier
    that the walk has not met yet, oldest first, with their JSON.

    ``from_target`` steps from an edge's target to its source (the edge types whose input is
    the source, walking up), ``from_source`` steps the other way. Parameters: ``:frontier``
    and ``:seen`` (JSON arrays of node ids), ``:to_source`` and ``:to_target`` (JSON arrays
    of edge types), ``:scope`` (the root's conversation, or null) and ``:limit``. The far
    ends are collected first (each edge of the frontier read once), then read by id.
    """
    scope = _IN_SCOPE.format(scope=":scope", e="e.")
    steps = []
    if from_target:
        steps.append(
            "SELECT e.source_id FROM edges e WHERE e.target_id IN (SELECT value FROM json_each(:frontier)) "
            f"AND e.type IN (SELECT value FROM json_each(:to_source)) AND {scope}"
        )
    if from_source:
        steps.append(
            "SELECT e.target_id FROM edges e WHERE e.source_id IN (SELECT value FROM json_each(:frontier)) "
            f"AND e.type IN (SELECT value FROM json_each(:to_target)) AND {scope}"
        )
    union = "\n  UNION\n  ".join(steps) or "SELECT NULL WHERE 0"
    return (
        f"WITH far(id) AS MATERIALIZED (\n  {union}\n)\n"
        "SELECT n.id, n.data FROM far CROSS JOIN nodes n ON n.id = far.id\n"
        "WHERE far.id NOT IN (SELECT value FROM json_each(:seen))\n"
        "ORDER BY n.created_at, n.id LIMIT :limit"
    )


@dataclass(frozen=True)
class Statement:
    """One built statement and its parameters, in placeholder order."""

    text: str
    params: list[Any]


#: Fields kept only inside ``data``; filters read them with json_extract.
_JSON_EQUALS = ("provider", "status", "finish_reason", "template_id")
_COLUMN_EQUALS = ("conversation_id", "agent_id", "user_id", "name")


def filter_conditions(
    spec: NodeFilter, *, drive_by_metadata: bool
) -> tuple[str, list[str], list[Any], tuple[str, str]]:
    """Return the FROM clause, the WHERE conditions, their parameters, and the columns that
    order results by (created_at, id).

    The first metadata equality, when ``drive_by_metadata``, drives the query from
    ``node_meta``'s primary key, which is ordered like the result; every other condition
    filters rows found through an index.
    """
    source, order = "nodes n", ("n.created_at", "n.id")
    where: list[str] = []
    params: list[Any] = []
    metadata = list(spec.metadata.items())
    if drive_by_metadata and metadata:
        (key, value), metadata = metadata[0], metadata[1:]
        source, order = "node_meta m JOIN nodes n ON n.id = m.node_id", ("m.created_at", "m.node_id")
        where.append("m.key = ? AND m.value = ?")
        params += [key, meta_value(value)]
    if spec.types:
        where.append(f"n.type IN ({', '.join('?' * len(spec.types))})")
        params += [str(t) for t in spec.types]
    if spec.since is not None:
        where.append("n.created_at >= ?")
        params.append(to_micros(spec.since))
    if spec.until is not None:
        where.append("n.created_at < ?")
        params.append(to_micros(spec.until))
    for column in _COLUMN_EQUALS:
        if (value := getattr(spec, column)) is not None:
            where.append(f"n.{column} = ?")
            params.append(value)
    if spec.model is not None:
        where.append("(n.request_model = ? OR n.response_model = ?)")
        params += [spec.model, spec.model]
    for field in _JSON_EQUALS:
        if (value := getattr(spec, field)) is not None:
            where.append(f"json_extract(n.data, '$.{field}') = ?")
            params.append(value)
    for key, value in metadata:
        where.append(
            "EXISTS (SELECT 1 FROM node_meta x WHERE x.node_id = n.id AND x.key = ? AND x.value = ?)"
        )
        params += [key, meta_value(value)]
    for key, values in spec.metadata_in.items():
        marks = ", ".join("?" * len(values))
        where.append(
            f"EXISTS (SELECT 1 FROM node_meta x WHERE x.node_id = n.id AND x.key = ? AND x.value IN ({marks}))"
        )
        params += [key, *(meta_value(v) for v in values)]
    for key in spec.metadata_exists:
        where.append("EXISTS (SELECT 1 FROM node_meta x WHERE x.node_id = n.id AND x.key = ?)")
        params.append(key)
    for field, bounds in spec.ranges.items():
        name = RangeField(field).value  # checked again: it is spliced into the SQL
        if bounds.gte is not None:
            where.append(f"json_extract(n.data, '$.{name}') >= ?")
            params.append(bounds.gte)
        if bounds.lte is not None:
            where.append(f"json_extract(n.data, '$.{name}') <= ?")
            params.append(bounds.lte)
    return source, where, params, order


def where_sql(conditions: list[str]) -> str:
    return " AND ".join(conditions) or "1"


def page_statement(spec: NodeFilter, *, after: tuple[int, str] | None, limit: int) -> Statement:
    """The page query of a filter ordered by time; ``after`` is the cursor's (micros, id)."""
    source, where, params, (first, second) = filter_conditions(spec, drive_by_metadata=True)
    if spec.text is not None:
        where.append("n.rowid IN (SELECT rowid FROM node_fts WHERE node_fts MATCH ?)")
        params.append(parse_text_query(spec.text).fts5())
    descending = spec.order is Order.NEWEST
    if after is not None:
        where.append(f"({first}, {second}) {'<' if descending else '>'} (?, ?)")
        params += list(after)
    direction = " DESC" if descending else ""
    text = f"SELECT n.data FROM {source} WHERE {where_sql(where)} ORDER BY {first}{direction}, {second}{direction} LIMIT ?"
    return Statement(text, [*params, limit])


def search_statement(spec: NodeFilter, *, after: tuple[float, str] | None, limit: int) -> Statement:
    """The page query of a text search ordered by relevance (bm25, lower is better), then id."""
    assert spec.text is not None
    _, where, params, _ = filter_conditions(spec, drive_by_metadata=False)
    inner = (
        "SELECT n.data AS data, n.id AS id, bm25(node_fts) AS score "
        "FROM node_fts JOIN nodes n ON n.rowid = node_fts.rowid "
        f"WHERE node_fts MATCH ? AND {where_sql(where)}"
    )
    params = [parse_text_query(spec.text).fts5(), *params]
    outer = ""
    if after is not None:
        outer = "WHERE (score, id) > (?, ?) "
        params += list(after)
    return Statement(f"SELECT data, score FROM ({inner}) {outer}ORDER BY score, id LIMIT ?", [*params, limit])


def count_statement(spec: NodeFilter) -> Statement:
    """How many nodes match a filter."""
    source, where, params, _ = filter_conditions(spec, drive_by_metadata=True)
    if spec.text is not None:
        where.append("n.rowid IN (SELECT rowid FROM node_fts WHERE node_fts MATCH ?)")
        params.append(parse_text_query(spec.text).fts5())
    return Statement(f"SELECT count(*) FROM {source} WHERE {where_sql(where)}", params)
