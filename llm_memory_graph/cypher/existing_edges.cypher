// Edges of a batch that are already stored, found from their source node.
// Parameters: $rows
UNWIND $rows AS row
MATCH (s:GraphNode {id: row.source_id})-[r]->(t:GraphNode)
USING INDEX SEEK s:GraphNode(id)
WHERE r.id = row.id
RETURN r.id AS id, type(r) AS type, r.created_at AS created_at, s.id AS source_id, t.id AS target_id
