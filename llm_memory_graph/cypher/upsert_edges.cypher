// Write relationships by id between nodes that exist (the caller checked the endpoints).
// One branch per relationship type, each a MERGE on its static type: a MERGE on a dynamic
// type ($(row.type)) cannot seek the type's id index, and Neo4j 5.26 plans it as a scan of
// every relationship in the database, once per row.
// Parameters: $rows
UNWIND $rows AS row
MATCH (s:GraphNode {id: row.source_id})
USING INDEX SEEK s:GraphNode(id)
MATCH (t:GraphNode {id: row.target_id})
USING INDEX SEEK t:GraphNode(id)
CALL (s, t, row) {
  WITH * WHERE row.type = 'CONTAINS'
  MERGE (s)-[r:CONTAINS {id: row.id}]->(t)
  SET r = row.props
}
CALL (s, t, row) {
  WITH * WHERE row.type = 'PRECEDES'
  MERGE (s)-[r:PRECEDES {id: row.id}]->(t)
  SET r = row.props
}
CALL (s, t, row) {
  WITH * WHERE row.type = 'GENERATES'
  MERGE (s)-[r:GENERATES {id: row.id}]->(t)
  SET r = row.props
}
CALL (s, t, row) {
  WITH * WHERE row.type = 'TRIGGERS'
  MERGE (s)-[r:TRIGGERS {id: row.id}]->(t)
  SET r = row.props
}
CALL (s, t, row) {
  WITH * WHERE row.type = 'REFERENCES'
  MERGE (s)-[r:REFERENCES {id: row.id}]->(t)
  SET r = row.props
}
CALL (s, t, row) {
  WITH * WHERE row.type = 'DEPENDS_ON'
  MERGE (s)-[r:DEPENDS_ON {id: row.id}]->(t)
  SET r = row.props
}
CALL (s, t, row) {
  WITH * WHERE row.type = 'DERIVED_FROM'
  MERGE (s)-[r:DERIVED_FROM {id: row.id}]->(t)
  SET r = row.props
}
CALL (s, t, row) {
  WITH * WHERE row.type = 'INSTANTIATES'
  MERGE (s)-[r:INSTANTIATES {id: row.id}]->(t)
  SET r = row.props
}
CALL (s, t, row) {
  WITH * WHERE row.type = 'INHERITS'
  MERGE (s)-[r:INHERITS {id: row.id}]->(t)
  SET r = row.props
}
CALL (s, t, row) {
  WITH * WHERE row.type = 'HANDLED_BY'
  MERGE (s)-[r:HANDLED_BY {id: row.id}]->(t)
  SET r = row.props
}
CALL (s, t, row) {
  WITH * WHERE row.type = 'TRANSFERS_TO'
  MERGE (s)-[r:TRANSFERS_TO {id: row.id}]->(t)
  SET r = row.props
}
CALL (s, t, row) {
  WITH * WHERE row.type = 'RATES'
  MERGE (s)-[r:RATES {id: row.id}]->(t)
  SET r = row.props
}
CALL (s, t, row) {
  WITH * WHERE row.type = 'LABELS'
  MERGE (s)-[r:LABELS {id: row.id}]->(t)
  SET r = row.props
}
