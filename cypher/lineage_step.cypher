// One level of a lineage walk: the nodes one provenance step from the frontier that the
// walk has not met ($seen maps each id met to true), oldest first, at most $limit, with
// every property. $to_source lists the types crossed from an edge's target to its source,
// $to_target the types crossed the other way. Edges recording another conversation than
// $scope (a hand-off between shared agents) are not followed when $scope is given.
// One branch per type and direction, each expanding its static type only, behind a guard
// on the lists: a node's relationships are grouped by type, so an agent's 300,000 incoming
// HANDLED_BY edges are never read when the walk does not follow them (an expansion with
// the type in a WHERE reads every relationship of the node first).
// Parameters: $frontier, $seen, $to_source, $to_target, $scope, $limit
UNWIND $frontier AS id
MATCH (a:GraphNode {id: id})
USING INDEX SEEK a:GraphNode(id)
CALL (a) {
  WITH a WHERE 'CONTAINS' IN $to_source
  MATCH (a)<-[r:CONTAINS]-(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'PRECEDES' IN $to_source
  MATCH (a)<-[r:PRECEDES]-(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'GENERATES' IN $to_source
  MATCH (a)<-[r:GENERATES]-(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'TRIGGERS' IN $to_source
  MATCH (a)<-[r:TRIGGERS]-(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'REFERENCES' IN $to_source
  MATCH (a)<-[r:REFERENCES]-(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'DEPENDS_ON' IN $to_source
  MATCH (a)<-[r:DEPENDS_ON]-(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'DERIVED_FROM' IN $to_source
  MATCH (a)<-[r:DERIVED_FROM]-(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'INSTANTIATES' IN $to_source
  MATCH (a)<-[r:INSTANTIATES]-(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'INHERITS' IN $to_source
  MATCH (a)<-[r:INHERITS]-(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'HANDLED_BY' IN $to_source
  MATCH (a)<-[r:HANDLED_BY]-(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'TRANSFERS_TO' IN $to_source
  MATCH (a)<-[r:TRANSFERS_TO]-(b:GraphNode)
    WHERE $scope IS NULL OR r.conversation_id IS NULL OR r.conversation_id = $scope
  RETURN b
  UNION
  WITH a WHERE 'RATES' IN $to_source
  MATCH (a)<-[r:RATES]-(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'LABELS' IN $to_source
  MATCH (a)<-[r:LABELS]-(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'CONTAINS' IN $to_target
  MATCH (a)-[r:CONTAINS]->(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'PRECEDES' IN $to_target
  MATCH (a)-[r:PRECEDES]->(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'GENERATES' IN $to_target
  MATCH (a)-[r:GENERATES]->(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'TRIGGERS' IN $to_target
  MATCH (a)-[r:TRIGGERS]->(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'REFERENCES' IN $to_target
  MATCH (a)-[r:REFERENCES]->(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'DEPENDS_ON' IN $to_target
  MATCH (a)-[r:DEPENDS_ON]->(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'DERIVED_FROM' IN $to_target
  MATCH (a)-[r:DERIVED_FROM]->(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'INSTANTIATES' IN $to_target
  MATCH (a)-[r:INSTANTIATES]->(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'INHERITS' IN $to_target
  MATCH (a)-[r:INHERITS]->(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'HANDLED_BY' IN $to_target
  MATCH (a)-[r:HANDLED_BY]->(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'TRANSFERS_TO' IN $to_target
  MATCH (a)-[r:TRANSFERS_TO]->(b:GraphNode)
    WHERE $scope IS NULL OR r.conversation_id IS NULL OR r.conversation_id = $scope
  RETURN b
  UNION
  WITH a WHERE 'RATES' IN $to_target
  MATCH (a)-[r:RATES]->(b:GraphNode)
  RETURN b
  UNION
  WITH a WHERE 'LABELS' IN $to_target
  MATCH (a)-[r:LABELS]->(b:GraphNode)
  RETURN b
}
WITH DISTINCT b
WHERE $seen[b.id] IS NULL
WITH b ORDER BY b.created_at, b.id LIMIT $limit
RETURN b {.*, created_at: toString(b.created_at), closed_at: toString(b.closed_at)} AS props
