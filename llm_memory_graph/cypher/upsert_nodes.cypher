// Write nodes by id: every node carries GraphNode and its own type label.
// row.props holds every property, so SET n = row.props leaves no stale field behind.
// Each scalar metadata entry (row.props.meta_kv) is also a HAS_META self-loop, the index
// that metadata filters seek (see migrations/V0005); entries the node no longer has go.
// Parameters: $rows
UNWIND $rows AS row
MERGE (n:GraphNode {id: row.id})
SET n = row.props, n:$(row.type)
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
