// Whether a node exists, its type, its conversation, and every property.
// Parameters: $id
MATCH (n:GraphNode {id: $id})
USING INDEX SEEK n:GraphNode(id)
RETURN n.type AS type, n.conversation_id AS conversation_id,
       n {.*, created_at: toString(n.created_at), closed_at: toString(n.closed_at)} AS props
