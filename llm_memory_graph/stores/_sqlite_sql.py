"""Every SQL statement of the embedded store, by name, and the one builder for filters.

Nodes and edges keep their whole model as JSON in ``data``; the columns beside it are
copies of the fields that queries filter, order or join on, each with an index whose
leading columns match the query. ``node_meta`` holds one row per scalar metadata value so
that metadata equality is an index search too.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "COUNT_EDGES",
    "COUNT_FOREIGN_TABLES",
    "COUNT_NODES",
    "CREATE_DOOMED",
    "CREATE_SCHEMA",
    "DELETE_DOOMED",
    "DELETE_META_OF",
    "EXISTING_EDGES",
    "EXISTING_NODES",
    "GET_EDGE",
    "GET_NODES",
    "HAS_SCHEMA_VERSION",
    "INSERT_EDGE",
    "INSERT_META",
    "INSERT_NODE",
    "LINEAGE_EDGES",
    "MARK_CONVERSATION_DOOMED",
    "NEIGHBORS_IN",
    "NEIGHBORS_OUT",
    "NODE_TYPE",
    "RECORD_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "SCHEMA_VERSION_FOUND",
    "SET_CONVERSATION_STATE",
    "TRANSCRIPT",
    "UPDATE_EDGE",
    "UPDATE_NODE",
    "find_nodes_sql",
    "lineage_walk_sql",
]

#: Bump when the table layout changes, and add the upgrade step to the store.
SCHEMA_VERSION = 1

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
CREATE INDEX IF NOT EXISTS edges_source ON edges (source_id, type);
CREATE INDEX IF NOT EXISTS edges_target ON edges (target_id, type);
CREATE INDEX IF NOT EXISTS edges_type ON edges (type);
CREATE INDEX IF NOT EXISTS edges_conversation ON edges (conversation_id)
    WHERE conversation_id IS NOT NULL;
"""

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

INSERT_NODE = f"INSERT INTO nodes ({_NODE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"

UPDATE_NODE = """
UPDATE nodes SET user_id = ?, name = ?, request_model = ?, response_model = ?, data = ?
WHERE id = ?
"""

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

UPDATE_EDGE = "UPDATE edges SET conversation_id = ?, data = ? WHERE id = ?"

#: Parameter: a JSON array of ids.
EXISTING_NODES = """
SELECT id, type, created_at, conversation_id, agent_id, sequence, user_id, item_count,
       last_item_id, json_extract(data, '$.status')
FROM nodes WHERE id IN (SELECT value FROM json_each(?))
"""

#: Parameter: a JSON array of ids.
EXISTING_EDGES = """
SELECT id, type, created_at, source_id, target_id FROM edges WHERE id IN (SELECT value FROM json_each(?))
"""

#: Parameter: a JSON array of ids.
GET_NODES = "SELECT id, data FROM nodes WHERE id IN (SELECT value FROM json_each(?))"

GET_EDGE = "SELECT data FROM edges WHERE id = ?"

NODE_TYPE = "SELECT type, conversation_id FROM nodes WHERE id = ?"

_NEIGHBORS = """
SELECT e.data, n.data FROM edges e JOIN nodes n ON n.id = e.{far}
WHERE e.{near} = ? AND e.type IN (SELECT value FROM json_each(?))
"""
NEIGHBORS_OUT = _NEIGHBORS.format(near="source_id", far="target_id")
NEIGHBORS_IN = _NEIGHBORS.format(near="target_id", far="source_id")

#: An edge that records its conversation (a hand-off) is followed only inside the scope
#: conversation, when there is one.
_IN_SCOPE = "({scope} IS NULL OR {e}conversation_id IS NULL OR {e}conversation_id = {scope})"

#: Parameters: a JSON array of edge types, a JSON array of node ids, the scope conversation.
LINEAGE_EDGES = f"""
SELECT data FROM edges
WHERE source_id IN (SELECT value FROM json_each(?2))
  AND target_id IN (SELECT value FROM json_each(?2))
  AND type IN (SELECT value FROM json_each(?1))
  AND {_IN_SCOPE.format(scope="?3", e="")}
ORDER BY created_at, id
"""

TRANSCRIPT = "SELECT data FROM nodes WHERE conversation_id = ? ORDER BY sequence"

MARK_CONVERSATION_DOOMED = """
INSERT INTO temp.doomed (id)
SELECT id FROM nodes WHERE conversation_id = ?1 UNION SELECT ?1
"""

#: Run in order, after MARK_CONVERSATION_DOOMED; the first takes the conversation id.
DELETE_DOOMED = (
    "DELETE FROM edges WHERE conversation_id = ?",
    "DELETE FROM edges WHERE source_id IN (SELECT id FROM temp.doomed)",
    "DELETE FROM edges WHERE target_id IN (SELECT id FROM temp.doomed)",
    "DELETE FROM node_meta WHERE node_id IN (SELECT id FROM temp.doomed)",
    "DELETE FROM nodes WHERE id IN (SELECT id FROM temp.doomed)",
)

COUNT_NODES = "SELECT type, count(*) FROM nodes GROUP BY type"

COUNT_EDGES = "SELECT type, count(*) FROM edges GROUP BY type"


def lineage_walk_sql(*, from_target: bool, from_source: bool) -> str:
    """Return the recursive walk for one direction of lineage.

    ``from_target`` steps from an edge's target to its source (the edge types whose input is
    the source, walking up), ``from_source`` steps the other way. Parameters: ``:root``,
    ``:depth``, ``:to_source`` and ``:to_target`` (JSON arrays of edge types), ``:scope``
    (the root's conversation, or null). ``UNION`` drops repeated (node, depth) rows and the
    depth bound ends the walk, so cycles end.
    """
    scope = _IN_SCOPE.format(scope=":scope", e="e.")
    steps = []
    if from_target:
        steps.append(
            "SELECT e.source_id, w.depth + 1 FROM walk w JOIN edges e ON e.target_id = w.id "
            f"WHERE w.depth < :depth AND e.type IN (SELECT value FROM json_each(:to_source)) AND {scope}"
        )
    if from_source:
        steps.append(
            "SELECT e.target_id, w.depth + 1 FROM walk w JOIN edges e ON e.source_id = w.id "
            f"WHERE w.depth < :depth AND e.type IN (SELECT value FROM json_each(:to_target)) AND {scope}"
        )
    union = "".join(f"\n  UNION\n  {step}" for step in steps)
    return (
        f"WITH RECURSIVE walk(id, depth) AS (\n  SELECT :root, 0{union}\n)\n"
        "SELECT w.id, min(w.depth) AS depth, n.data FROM walk w JOIN nodes n ON n.id = w.id\n"
        "GROUP BY w.id ORDER BY depth, n.created_at, n.id"
    )


def find_nodes_sql(
    *,
    types: int,
    since: bool,
    until: bool,
    equals: Sequence[str],
    model: bool,
    metadata: int,
    after: bool,
) -> str:
    """Return the page query for a filter of this shape.

    Parameters follow the order of the arguments: the type names, since, until, one value
    per column in ``equals``, the model twice, a (key, value) pair per metadata condition,
    the cursor's (created_at, id), then the limit. The first metadata condition drives the
    query from ``node_meta``'s primary key, which is ordered like the result.
    """
    where: list[str] = []
    if types:
        where.append(f"n.type IN ({', '.join('?' * types)})")
    if since:
        where.append("n.created_at >= ?")
    if until:
        where.append("n.created_at < ?")
    where.extend(f"n.{column} = ?" for column in equals)
    if model:
        where.append("(n.request_model = ? OR n.response_model = ?)")
    order = "n.created_at, n.id"
    source = "nodes n"
    if metadata:
        source = "node_meta m JOIN nodes n ON n.id = m.node_id"
        where.append("m.key = ? AND m.value = ?")
        order = "m.created_at, m.node_id"
        where.extend(
            "EXISTS (SELECT 1 FROM node_meta x WHERE x.key = ? AND x.value = ? "
            "AND x.created_at = n.created_at AND x.node_id = n.id)"
            for _ in range(metadata - 1)
        )
    if after:
        where.append(f"({order}) > (?, ?)")
    condition = " AND ".join(where) or "1"
    return f"SELECT n.data FROM {source} WHERE {condition} ORDER BY {order} LIMIT ?"
