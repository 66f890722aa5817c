// Write an upsert's rows, in one round trip per chunk, in this order: nodes by id ($nodes),
// conversations' append counters ($conversations), then relationships by id between
// nodes that exist ($edges: each relationship type's rows in a list of its own).
//
// A node carries GraphNode and its own type label; SET n = row.props leaves no stale field
// behind. Each scalar metadata entry (row.props.meta_kv) is also a HAS_META self-loop, the
// index metadata filters seek (migrations/V0005); entries the node no longer has go.
// Each relationship list is written by a MERGE on its static type: a MERGE on a dynamic
// type ($(row.type)) cannot seek the type's id index, and Neo4j 5.26 plans it as a scan of
// every relationship in the database, once per row. Timestamps arrive as ISO-8601 text
// and are stored as DateTime values.
// Parameters: $nodes, $conversations, $edges
CALL () {
  UNWIND $nodes AS row
  MERGE (n:GraphNode {id: row.id})
  SET n = row.props, n:$(row.type),
      n.created_at = datetime(row.props.created_at), n.closed_at = datetime(row.props.closed_at)
  WITH n, row
  CALL (n, row) {
    MATCH (n)-[stale:HAS_META]->(n)
    WHERE NOT stale.kv IN row.props.meta_kv
    DELETE stale
  }
  WITH n, row
  CALL (n, row) {
    UNWIND row.props.meta_kv AS kv
    MERGE (n)-[m:HAS_META {kv: kv}]->(n)
    SET m.created_at = n.created_at, m.node_id = n.id
  }
}
CALL () {
  UNWIND $conversations AS row
  MATCH (c:Conversation {id: row.id})
  USING INDEX SEEK c:Conversation(id)
  SET c.item_count = row.item_count, c.last_item_id = row.last_item_id
}
CALL () {
  UNWIND $edges.CONTAINS AS row
  MATCH (s:GraphNode {id: row.source_id})
  USING INDEX SEEK s:GraphNode(id)
  MATCH (t:GraphNode {id: row.target_id})
  USING INDEX SEEK t:GraphNode(id)
  MERGE (s)-[r:CONTAINS {id: row.id}]->(t)
  SET r = row.props, r.created_at = datetime(row.props.created_at)
}
CALL () {
  UNWIND $edges.PRECEDES AS row
  MATCH (s:GraphNode {id: row.source_id})
  USING INDEX SEEK s:GraphNode(id)
  MATCH (t:GraphNode {id: row.target_id})
  USING INDEX SEEK t:GraphNode(id)
  MERGE (s)-[r:PRECEDES {id: row.id}]->(t)
  SET r = row.props, r.created_at = datetime(row.props.created_at)
}
CALL () {
  UNWIND $edges.GENERATES AS row
  MATCH (s:GraphNode {id: row.source_id})
  USING INDEX SEEK s:GraphNode(id)
  MATCH (t:GraphNode {id: row.target_id})
  USING INDEX SEEK t:GraphNode(id)
  MERGE (s)-[r:GENERATES {id: row.id}]->(t)
  SET r = row.props, r.created_at = datetime(row.props.created_at)
}
CALL () {
  UNWIND $edges.TRIGGERS AS row
  MATCH (s:GraphNode {id: row.source_id})
  USING INDEX SEEK s:GraphNode(id)
  MATCH (t:GraphNode {id: row.target_id})
  USING INDEX SEEK t:GraphNode(id)
  MERGE (s)-[r:TRIGGERS {id: row.id}]->(t)
  SET r = row.props, r.created_at = datetime(row.props.created_at)
}
CALL () {
  UNWIND $edges.REFERENCES AS row
  MATCH (s:GraphNode {id: row.source_id})
  USING INDEX SEEK s:GraphNode(id)
  MATCH (t:GraphNode {id: row.target_id})
  USING INDEX SEEK t:GraphNode(id)
  MERGE (s)-[r:REFERENCES {id: row.id}]->(t)
  SET r = row.props, r.created_at = datetime(row.props.created_at)
}
CALL () {
  UNWIND $edges.DEPENDS_ON AS row
  MATCH (s:GraphNode {id: row.source_id})
  USING INDEX SEEK s:GraphNode(id)
  MATCH (t:GraphNode {id: row.target_id})
  USING INDEX SEEK t:GraphNode(id)
  MERGE (s)-[r:DEPENDS_ON {id: row.id}]->(t)
  SET r = row.props, r.created_at = datetime(row.props.created_at)
}
CALL () {
  UNWIND $edges.DERIVED_FROM AS row
  MATCH (s:GraphNode {id: row.source_id})
  USING INDEX SEEK s:GraphNode(id)
  MATCH (t:GraphNode {id: row.target_id})
  USING INDEX SEEK t:GraphNode(id)
  MERGE (s)-[r:DERIVED_FROM {id: row.id}]->(t)
  SET r = row.props, r.created_at = datetime(row.props.created_at)
}
CALL () {
  UNWIND $edges.INSTANTIATES AS row
  MATCH (s:GraphNode {id: row.source_id})
  USING INDEX SEEK s:GraphNode(id)
  MATCH (t:GraphNode {id: row.target_id})
  USING INDEX SEEK t:GraphNode(id)
  MERGE (s)-[r:INSTANTIATES {id: row.id}]->(t)
  SET r = row.props, r.created_at = datetime(row.props.created_at)
}
CALL () {
  UNWIND $edges.INHERITS AS row
  MATCH (s:GraphNode {id: row.source_id})
  USING INDEX SEEK s:GraphNode(id)
  MATCH (t:GraphNode {id: row.target_id})
  USING INDEX SEEK t:GraphNode(id)
  MERGE (s)-[r:INHERITS {id: row.id}]->(t)
  SET r = row.props, r.created_at = datetime(row.props.created_at)
}
CALL () {
  UNWIND $edges.HANDLED_BY AS row
  MATCH (s:GraphNode {id: row.source_id})
  USING INDEX SEEK s:GraphNode(id)
  MATCH (t:GraphNode {id: row.target_id})
  USING INDEX SEEK t:GraphNode(id)
  MERGE (s)-[r:HANDLED_BY {id: row.id}]->(t)
  SET r = row.props, r.created_at = datetime(row.props.created_at)
}
CALL () {
  UNWIND $edges.TRANSFERS_TO AS row
  MATCH (s:GraphNode {id: row.source_id})
  USING INDEX SEEK s:GraphNode(id)
  MATCH (t:GraphNode {id: row.target_id})
  USING INDEX SEEK t:GraphNode(id)
  MERGE (s)-[r:TRANSFERS_TO {id: row.id}]->(t)
  SET r = row.props, r.created_at = datetime(row.props.created_at)
}
CALL () {
  UNWIND $edges.RATES AS row
  MATCH (s:GraphNode {id: row.source_id})
  USING INDEX SEEK s:GraphNode(id)
  MATCH (t:GraphNode {id: row.target_id})
  USING INDEX SEEK t:GraphNode(id)
  MERGE (s)-[r:RATES {id: row.id}]->(t)
  SET r = row.props, r.created_at = datetime(row.props.created_at)
}
CALL () {
  UNWIND $edges.LABELS AS row
  MATCH (s:GraphNode {id: row.source_id})
  USING INDEX SEEK s:GraphNode(id)
  MATCH (t:GraphNode {id: row.target_id})
  USING INDEX SEEK t:GraphNode(id)
  MERGE (s)-[r:LABELS {id: row.id}]->(t)
  SET r = row.props, r.created_at = datetime(row.props.created_at)
}
