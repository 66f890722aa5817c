// Anchor: the items an agent handled. Each value in $anchor is one seek of the
// (agent_id, created_at, id) index between $lower and $upper, read in keyset order.
// Parameters: $anchor, $lower, $upper, $limit
UNWIND $anchor AS anchor
CALL (anchor) {
  MATCH (n:GraphNode)
  USING INDEX SEEK n:GraphNode(agent_id, created_at, id)
  WHERE n.agent_id = anchor AND n.created_at >= $lower AND n.created_at <= $upper AND n.id IS NOT NULL
  // conditions
  WITH n ORDER BY n.agent_id ASC, n.created_at ASC, n.id ASC LIMIT $limit // page
  RETURN n
}
RETURN n
