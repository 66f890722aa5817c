// Delete the hand-offs recorded in a conversation, in batches (auto-commit only).
// Parameters: $id
MATCH ()-[h:TRANSFERS_TO]->()
USING INDEX SEEK h:TRANSFERS_TO(conversation_id)
WHERE h.conversation_id = $id
CALL (h) { DELETE h } IN TRANSACTIONS OF 1000 ROWS
