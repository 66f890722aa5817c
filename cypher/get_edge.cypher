// One relationship by id, whatever its type: one indexed lookup per relationship type.
// Parameters: $id
MATCH (s:GraphNode)-[r:CONTAINS {id: $id}]->(t:GraphNode)
USING INDEX SEEK r:CONTAINS(id)
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
UNION ALL
MATCH (s:GraphNode)-[r:PRECEDES {id: $id}]->(t:GraphNode)
USING INDEX SEEK r:PRECEDES(id)
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
UNION ALL
MATCH (s:GraphNode)-[r:GENERATES {id: $id}]->(t:GraphNode)
USING INDEX SEEK r:GENERATES(id)
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
UNION ALL
MATCH (s:GraphNode)-[r:TRIGGERS {id: $id}]->(t:GraphNode)
USING INDEX SEEK r:TRIGGERS(id)
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
UNION ALL
MATCH (s:GraphNode)-[r:REFERENCES {id: $id}]->(t:GraphNode)
USING INDEX SEEK r:REFERENCES(id)
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
UNION ALL
MATCH (s:GraphNode)-[r:DEPENDS_ON {id: $id}]->(t:GraphNode)
USING INDEX SEEK r:DEPENDS_ON(id)
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
UNION ALL
MATCH (s:GraphNode)-[r:DERIVED_FROM {id: $id}]->(t:GraphNode)
USING INDEX SEEK r:DERIVED_FROM(id)
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
UNION ALL
MATCH (s:GraphNode)-[r:INSTANTIATES {id: $id}]->(t:GraphNode)
USING INDEX SEEK r:INSTANTIATES(id)
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
UNION ALL
MATCH (s:GraphNode)-[r:INHERITS {id: $id}]->(t:GraphNode)
USING INDEX SEEK r:INHERITS(id)
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
UNION ALL
MATCH (s:GraphNode)-[r:HANDLED_BY {id: $id}]->(t:GraphNode)
USING INDEX SEEK r:HANDLED_BY(id)
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
UNION ALL
MATCH (s:GraphNode)-[r:TRANSFERS_TO {id: $id}]->(t:GraphNode)
USING INDEX SEEK r:TRANSFERS_TO(id)
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
UNION ALL
MATCH (s:GraphNode)-[r:RATES {id: $id}]->(t:GraphNode)
USING INDEX SEEK r:RATES(id)
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
UNION ALL
MATCH (s:GraphNode)-[r:LABELS {id: $id}]->(t:GraphNode)
USING INDEX SEEK r:LABELS(id)
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
