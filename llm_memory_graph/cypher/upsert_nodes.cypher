// Write nodes by id: every node carries GraphNode and its own type label.
// row.props holds every property, so SET n = row.props leaves no stale field behind.
// Parameters: $rows
UNWIND $rows AS row
MERGE (n:GraphNode {id: row.id})
SET n = row.props, n:$(row.type)
