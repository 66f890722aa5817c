// Tail: one keyset page of the anchor's matches, oldest first (DESC throughout for newest).
// Parameters: $limit
WITH n ORDER BY n.created_at ASC, n.id ASC LIMIT $limit
RETURN n {.*, created_at: toString(n.created_at), closed_at: toString(n.closed_at)} AS props
