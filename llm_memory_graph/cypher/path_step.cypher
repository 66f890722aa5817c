// One level of a shortest-path search: every relationship of the allowed types that
// leaves a frontier node, either way, with the node at its other end.
// Parameters: $frontier, $types
UNWIND $frontier AS id
MATCH (a:GraphNode {id: id})-[r]-(b:GraphNode)
USING INDEX SEEK a:GraphNode(id)
WHERE type(r) IN $types
RETURN a.id AS from_id, b.id AS to_id, type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props,
       startNode(r).id AS source_id, endNode(r).id AS target_id
