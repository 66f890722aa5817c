// Delete the conversation node itself, last, once its items are gone.
// Parameters: $id
MATCH (c:Conversation {id: $id})
USING INDEX SEEK c:Conversation(id)
DETACH DELETE c
