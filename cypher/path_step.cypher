// One level of a shortest-path search: every relationship of the allowed types that
// leaves a frontier node, either way, with the node at its other end; one branch per type,
// each expanding its static type only (see lineage_step.cypher for why); at most $limit.
// Parameters: $frontier, $types, $limit
UNWIND $frontier AS id
MATCH (a:GraphNode {id: id})
USING INDEX SEEK a:GraphNode(id)
CALL (a) {
  WITH a WHERE 'CONTAINS' IN $types
  MATCH (a)-[r:CONTAINS]-(b:GraphNode)
  RETURN r, b
  UNION ALL
  WITH a WHERE 'PRECEDES' IN $types
  MATCH (a)-[r:PRECEDES]-(b:GraphNode)
  RETURN r, b
  UNION ALL
  WITH a WHERE 'GENERATES' IN $types
  MATCH (a)-[r:GENERATES]-(b:GraphNode)
  RETURN r, b
  UNION ALL
  WITH a WHERE 'TRIGGERS' IN $types
  MATCH (a)-[r:TRIGGERS]-(b:GraphNode)
  RETURN r, b
  UNION ALL
  WITH a WHERE 'REFERENCES' IN $types
  MATCH (a)-[r:REFERENCES]-(b:GraphNode)
  RETURN r, b
  UNION ALL
  WITH a WHERE 'DEPENDS_ON' IN $types
  MATCH (a)-[r:DEPENDS_ON]-(b:GraphNode)
  RETURN r, b
  UNION ALL
  WITH a WHERE 'DERIVED_FROM' IN $types
  MATCH (a)-[r:DERIVED_FROM]-(b:GraphNode)
  RETURN r, b
  UNION ALL
  WITH a WHERE 'INSTANTIATES' IN $types
  MATCH (a)-[r:INSTANTIATES]-(b:GraphNode)
  RETURN r, b
  UNION ALL
  WITH a WHERE 'INHERITS' IN $types
  MATCH (a)-[r:INHERITS]-(b:GraphNode)
  RETURN r, b
  UNION ALL
  WITH a WHERE 'HANDLED_BY' IN $types
  MATCH (a)-[r:HANDLED_BY]-(b:GraphNode)
  RETURN r, b
  UNION ALL
  WITH a WHERE 'TRANSFERS_TO' IN $types
  MATCH (a)-[r:TRANSFERS_TO]-(b:GraphNode)
  RETURN r, b
  UNION ALL
  WITH a WHERE 'RATES' IN $types
  MATCH (a)-[r:RATES]-(b:GraphNode)
  RETURN r, b
  UNION ALL
  WITH a WHERE 'LABELS' IN $types
  MATCH (a)-[r:LABELS]-(b:GraphNode)
  RETURN r, b
}
WITH a, r, b LIMIT $limit
RETURN a.id AS from_id, b.id AS to_id, type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props,
       startNode(r).id AS source_id, endNode(r).id AS target_id
