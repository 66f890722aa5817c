// What deleting a conversation will remove: the conversation, its items, every
// relationship touching them, and the hand-offs recorded in it (HAS_META self-loops are
// the metadata index, not edges of the graph).
// Parameters: $id
MATCH (c:Conversation {id: $id})
USING INDEX SEEK c:Conversation(id)
OPTIONAL MATCH (i:GraphNode)
USING INDEX SEEK i:GraphNode(conversation_id, created_at, id)
WHERE i.conversation_id = $id AND i.created_at IS NOT NULL AND i.id IS NOT NULL
WITH c, collect(i) AS items
WITH [c] + items AS doomed
UNWIND doomed AS d
OPTIONAL MATCH (d)-[r]-()
WHERE type(r) <> 'HAS_META'
WITH doomed, collect(DISTINCT r) AS touching
OPTIONAL MATCH ()-[h:TRANSFERS_TO {conversation_id: $id}]->()
USING INDEX SEEK h:TRANSFERS_TO(conversation_id)
WITH doomed, touching, collect(h) AS handoffs
RETURN size(doomed) AS nodes,
       size(touching) + size([h IN handoffs WHERE NOT h IN touching]) AS edges
