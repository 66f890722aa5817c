// Tail: one keyset page of the anchor's matches, oldest first (DESC throughout for newest).
// Parameters: $limit
WITH n ORDER BY n.created_at ASC, n.id ASC LIMIT $limit
RETURN properties(n) AS props
