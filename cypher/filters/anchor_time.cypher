// Anchor: every node, read in keyset order from the (created_at, id) index between $lower
// and $upper; for filters with no field of their own to seek.
// Parameters: $lower, $upper, $limit
CALL () {
  MATCH (n:GraphNode)
  USING INDEX SEEK n:GraphNode(created_at, id)
  WHERE n.created_at >= $lower AND n.created_at <= $upper AND n.id IS NOT NULL
  // conditions
  WITH n ORDER BY n.created_at ASC, n.id ASC LIMIT $limit // page
  RETURN n
}
RETURN n
