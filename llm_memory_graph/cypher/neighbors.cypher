// Nodes one relationship away, following arrows out of the node, into it, or both.
// Parameters: $id, $types, $outgoing, $incoming
MATCH (n:GraphNode {id: $id})-[r]-(m:GraphNode)
USING INDEX SEEK n:GraphNode(id)
WHERE type(r) IN $types AND (($outgoing AND startNode(r) = n) OR ($incoming AND endNode(r) = n))
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, startNode(r).id AS source_id,
       endNode(r).id AS target_id, m {.*, created_at: toString(m.created_at), closed_at: toString(m.closed_at)} AS node
ORDER BY r.created_at, r.id
