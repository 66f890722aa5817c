// Anchor: agents and templates by name, tool calls by tool name. Each value in $anchor is
// one seek of the (name, created_at, id) index and one of the (tool_name, created_at, id)
// index between $lower and $upper, read in keyset order; no node has both fields.
// Parameters: $anchor, $lower, $upper, $limit
UNWIND $anchor AS anchor
CALL (anchor) {
  MATCH (n:GraphNode)
  USING INDEX SEEK n:GraphNode(name, created_at, id)
  WHERE n.name = anchor AND n.created_at >= $lower AND n.created_at <= $upper AND n.id IS NOT NULL
  // conditions
  WITH n ORDER BY n.name ASC, n.created_at ASC, n.id ASC LIMIT $limit // page
  RETURN n
  UNION ALL
  MATCH (n:GraphNode)
  USING INDEX SEEK n:GraphNode(tool_name, created_at, id)
  WHERE n.tool_name = anchor AND n.created_at >= $lower AND n.created_at <= $upper AND n.id IS NOT NULL
  // conditions
  WITH n ORDER BY n.tool_name ASC, n.created_at ASC, n.id ASC LIMIT $limit // page
  RETURN n
}
RETURN n
