// Nodes by id, with every property.
// Parameters: $ids
UNWIND $ids AS id
MATCH (n:GraphNode {id: id})
RETURN properties(n) AS props
