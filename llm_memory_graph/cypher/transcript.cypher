// A conversation's items in the order they were appended.
// Parameters: $id
MATCH (n:GraphNode)
USING INDEX SEEK n:GraphNode(conversation_id, sequence)
WHERE n.conversation_id = $id AND n.sequence IS NOT NULL
RETURN n {.*, created_at: toString(n.created_at), closed_at: toString(n.closed_at)} AS props
ORDER BY n.conversation_id, n.sequence
