// One page of the nodes one relationship away, following arrows out of the node, into it,
// or both, by the relationship's (created_at, id), after the cursor's ($after_time,
// $after_id; nulls on the first page), at most $limit. One branch per type and direction,
// each expanding its static type only (see lineage_step.cypher for why).
// Parameters: $id, $types, $outgoing, $incoming, $after_time, $after_id, $limit
MATCH (n:GraphNode {id: $id})
USING INDEX SEEK n:GraphNode(id)
CALL (n) {
  WITH n WHERE $outgoing AND 'CONTAINS' IN $types
  MATCH (n)-[r:CONTAINS]->(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $outgoing AND 'PRECEDES' IN $types
  MATCH (n)-[r:PRECEDES]->(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $outgoing AND 'GENERATES' IN $types
  MATCH (n)-[r:GENERATES]->(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $outgoing AND 'TRIGGERS' IN $types
  MATCH (n)-[r:TRIGGERS]->(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $outgoing AND 'REFERENCES' IN $types
  MATCH (n)-[r:REFERENCES]->(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $outgoing AND 'DEPENDS_ON' IN $types
  MATCH (n)-[r:DEPENDS_ON]->(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $outgoing AND 'DERIVED_FROM' IN $types
  MATCH (n)-[r:DERIVED_FROM]->(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $outgoing AND 'INSTANTIATES' IN $types
  MATCH (n)-[r:INSTANTIATES]->(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $outgoing AND 'INHERITS' IN $types
  MATCH (n)-[r:INHERITS]->(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $outgoing AND 'HANDLED_BY' IN $types
  MATCH (n)-[r:HANDLED_BY]->(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $outgoing AND 'TRANSFERS_TO' IN $types
  MATCH (n)-[r:TRANSFERS_TO]->(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $outgoing AND 'RATES' IN $types
  MATCH (n)-[r:RATES]->(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $outgoing AND 'LABELS' IN $types
  MATCH (n)-[r:LABELS]->(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $incoming AND 'CONTAINS' IN $types
  MATCH (n)<-[r:CONTAINS]-(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $incoming AND 'PRECEDES' IN $types
  MATCH (n)<-[r:PRECEDES]-(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $incoming AND 'GENERATES' IN $types
  MATCH (n)<-[r:GENERATES]-(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $incoming AND 'TRIGGERS' IN $types
  MATCH (n)<-[r:TRIGGERS]-(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $incoming AND 'REFERENCES' IN $types
  MATCH (n)<-[r:REFERENCES]-(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $incoming AND 'DEPENDS_ON' IN $types
  MATCH (n)<-[r:DEPENDS_ON]-(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $incoming AND 'DERIVED_FROM' IN $types
  MATCH (n)<-[r:DERIVED_FROM]-(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $incoming AND 'INSTANTIATES' IN $types
  MATCH (n)<-[r:INSTANTIATES]-(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $incoming AND 'INHERITS' IN $types
  MATCH (n)<-[r:INHERITS]-(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $incoming AND 'HANDLED_BY' IN $types
  MATCH (n)<-[r:HANDLED_BY]-(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $incoming AND 'TRANSFERS_TO' IN $types
  MATCH (n)<-[r:TRANSFERS_TO]-(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $incoming AND 'RATES' IN $types
  MATCH (n)<-[r:RATES]-(m:GraphNode)
  RETURN r, m
  UNION ALL
  WITH n WHERE $incoming AND 'LABELS' IN $types
  MATCH (n)<-[r:LABELS]-(m:GraphNode)
  RETURN r, m
}
WITH r, m
WHERE $after_time IS NULL OR r.created_at > $after_time OR (r.created_at = $after_time AND r.id > $after_id)
WITH r, m ORDER BY r.created_at, r.id LIMIT $limit
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, startNode(r).id AS source_id,
       endNode(r).id AS target_id, m {.*, created_at: toString(m.created_at), closed_at: toString(m.closed_at)} AS node
