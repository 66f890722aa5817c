// Every relationship of the followed types between two nodes of a lineage subgraph.
// Parameters: $ids, $types, $scope
UNWIND $ids AS id
MATCH (s:GraphNode {id: id})-[r]->(t:GraphNode)
USING INDEX SEEK s:GraphNode(id)
WHERE type(r) IN $types AND t.id IN $ids
  AND ($scope IS NULL OR r.conversation_id IS NULL OR r.conversation_id = $scope)
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
ORDER BY r.created_at, r.id
