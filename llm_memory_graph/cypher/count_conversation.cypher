// What deleting a conversation will remove: the conversation, its items, every
// relationship touching them, and the hand-offs recorded in it.
// Parameters: $id
MATCH (c:Conversation {id: $id})
OPTIONAL MATCH (i:GraphNode {conversation_id: $id})
WITH c, collect(i) AS items
WITH [c] + items AS doomed
UNWIND doomed AS d
OPTIONAL MATCH (d)-[r]-()
WITH doomed, collect(DISTINCT r) AS touching
OPTIONAL MATCH ()-[h:TRANSFERS_TO {conversation_id: $id}]->()
WITH doomed, touching, collect(h) AS handoffs
RETURN size(doomed) AS nodes,
       size(touching) + size([h IN handoffs WHERE NOT h IN touching]) AS edges
