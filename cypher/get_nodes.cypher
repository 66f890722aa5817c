// Nodes by id, with every property.
// Parameters: $ids
UNWIND $ids AS id
MATCH (n:GraphNode {id: id})
USING INDEX SEEK n:GraphNode(id)
RETURN n {.*, created_at: toString(n.created_at), closed_at: toString(n.closed_at)} AS props
