// Whether a node exists, its type, and its conversation.
// Parameters: $id
MATCH (n:GraphNode {id: $id})
USING INDEX SEEK n:GraphNode(id)
RETURN n.type AS type, n.conversation_id AS conversation_id
