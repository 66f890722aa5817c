// The oldest $limit relationships of the followed types between two nodes of a lineage
// subgraph, expanded type by type from each node (see lineage_step.cypher for why). $members maps
// each of $ids to true: a lookup, which the planner cannot turn into a seek of every end
// node the way it does "t.id IN $ids".
// Parameters: $ids, $members, $types, $scope, $limit
UNWIND $ids AS id
MATCH (s:GraphNode {id: id})
USING INDEX SEEK s:GraphNode(id)
CALL (s) {
  WITH s WHERE 'CONTAINS' IN $types
  MATCH (s)-[r:CONTAINS]->(t:GraphNode)
  WHERE $members[t.id]
  RETURN r, t
  UNION ALL
  WITH s WHERE 'PRECEDES' IN $types
  MATCH (s)-[r:PRECEDES]->(t:GraphNode)
  WHERE $members[t.id]
  RETURN r, t
  UNION ALL
  WITH s WHERE 'GENERATES' IN $types
  MATCH (s)-[r:GENERATES]->(t:GraphNode)
  WHERE $members[t.id]
  RETURN r, t
  UNION ALL
  WITH s WHERE 'TRIGGERS' IN $types
  MATCH (s)-[r:TRIGGERS]->(t:GraphNode)
  WHERE $members[t.id]
  RETURN r, t
  UNION ALL
  WITH s WHERE 'REFERENCES' IN $types
  MATCH (s)-[r:REFERENCES]->(t:GraphNode)
  WHERE $members[t.id]
  RETURN r, t
  UNION ALL
  WITH s WHERE 'DEPENDS_ON' IN $types
  MATCH (s)-[r:DEPENDS_ON]->(t:GraphNode)
  WHERE $members[t.id]
  RETURN r, t
  UNION ALL
  WITH s WHERE 'DERIVED_FROM' IN $types
  MATCH (s)-[r:DERIVED_FROM]->(t:GraphNode)
  WHERE $members[t.id]
  RETURN r, t
  UNION ALL
  WITH s WHERE 'INSTANTIATES' IN $types
  MATCH (s)-[r:INSTANTIATES]->(t:GraphNode)
  WHERE $members[t.id]
  RETURN r, t
  UNION ALL
  WITH s WHERE 'INHERITS' IN $types
  MATCH (s)-[r:INHERITS]->(t:GraphNode)
  WHERE $members[t.id]
  RETURN r, t
  UNION ALL
  WITH s WHERE 'HANDLED_BY' IN $types
  MATCH (s)-[r:HANDLED_BY]->(t:GraphNode)
  WHERE $members[t.id]
  RETURN r, t
  UNION ALL
  WITH s WHERE 'TRANSFERS_TO' IN $types
  MATCH (s)-[r:TRANSFERS_TO]->(t:GraphNode)
  WHERE $members[t.id]
  RETURN r, t
  UNION ALL
  WITH s WHERE 'RATES' IN $types
  MATCH (s)-[r:RATES]->(t:GraphNode)
  WHERE $members[t.id]
  RETURN r, t
  UNION ALL
  WITH s WHERE 'LABELS' IN $types
  MATCH (s)-[r:LABELS]->(t:GraphNode)
  WHERE $members[t.id]
  RETURN r, t
}
WITH s, r, t
WHERE $scope IS NULL OR r.conversation_id IS NULL OR r.conversation_id = $scope
WITH s, r, t ORDER BY r.created_at, r.id LIMIT $limit
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
