// Anchor: nodes with a metadata entry. Each key=value in $anchor is one seek of the
// (kv, created_at, node_id) index of HAS_META self-loops between $lower and $upper, read
// in keyset order (Neo4j indexes no list elements, so meta_kv itself cannot be sought).
// Parameters: $anchor, $lower, $upper, $limit
UNWIND $anchor AS anchor
CALL (anchor) {
  MATCH (n:GraphNode)-[m:HAS_META]->(n)
  USING INDEX SEEK m:HAS_META(kv, created_at, node_id)
  WHERE m.kv = anchor AND m.created_at >= $lower AND m.created_at <= $upper AND m.node_id IS NOT NULL
  // conditions
  WITH n, m ORDER BY m.kv ASC, m.created_at ASC, m.node_id ASC LIMIT $limit // page
  RETURN n
}
RETURN n
