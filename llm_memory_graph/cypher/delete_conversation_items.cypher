// Delete a conversation's items and their relationships, in batches (auto-commit only).
// Parameters: $id
MATCH (n:GraphNode)
WHERE n.conversation_id = $id
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS
