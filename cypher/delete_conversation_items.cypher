// Delete a conversation's items and their relationships, in batches (auto-commit only).
// Parameters: $id
MATCH (n:GraphNode)
USING INDEX SEEK n:GraphNode(conversation_id, created_at, id)
WHERE n.conversation_id = $id AND n.created_at IS NOT NULL AND n.id IS NOT NULL
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS
