// Write relationships by id between nodes that exist (the caller checked the endpoints).
// Parameters: $rows
UNWIND $rows AS row
MATCH (s:GraphNode {id: row.source_id})
MATCH (t:GraphNode {id: row.target_id})
MERGE (s)-[r:$(row.type) {id: row.id}]->(t)
SET r = row.props
