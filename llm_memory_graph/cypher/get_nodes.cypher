// Nodes by id, with every property.
// Parameters: $ids
UNWIND $ids AS id
MATCH (n:GraphNode {id: id})
USING INDEX SEEK n:GraphNode(id)
RETURN properties(n) AS props
