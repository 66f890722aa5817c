// Tail: one page of search hits, best first (score, then id), after the cursor's hit
// ($after_score, $after_id; nulls on the first page). Only the page's nodes are read whole.
// Parameters: $after_score, $after_id, $limit
WITH n, score
WHERE $after_score IS NULL OR score < $after_score OR (score = $after_score AND n.id > $after_id)
WITH n, score ORDER BY score DESC, n.id ASC LIMIT $limit
RETURN n {.*, created_at: toString(n.created_at), closed_at: toString(n.closed_at)} AS props, score
