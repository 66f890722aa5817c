// Anchor: completions by model, requested or responding. Each value in $anchor
// is one seek of the (request_model, created_at, id) index and one of the (response_model,
// created_at, id) index between $lower and $upper, read in keyset order; the second skips
// what the first found.
// Parameters: $anchor, $lower, $upper, $limit
UNWIND $anchor AS anchor
CALL (anchor) {
  MATCH (n:GraphNode)
  USING INDEX SEEK n:GraphNode(request_model, created_at, id)
  WHERE n.request_model = anchor AND n.created_at >= $lower AND n.created_at <= $upper AND n.id IS NOT NULL
  // conditions
  WITH n ORDER BY n.request_model ASC, n.created_at ASC, n.id ASC LIMIT $limit // page
  RETURN n
  UNION ALL
  MATCH (n:GraphNode)
  USING INDEX SEEK n:GraphNode(response_model, created_at, id)
  WHERE n.response_model = anchor AND n.created_at >= $lower AND n.created_at <= $upper AND n.id IS NOT NULL
    AND NOT coalesce(n.request_model = anchor, false)
  // conditions
  WITH n ORDER BY n.response_model ASC, n.created_at ASC, n.id ASC LIMIT $limit // page
  RETURN n
}
RETURN n
