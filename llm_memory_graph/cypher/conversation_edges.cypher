// Every relationship touching a conversation or its items, and the hand-offs recorded in it
// (not the HAS_META self-loops that index metadata).
// Parameters: $id
MATCH (c:Conversation {id: $id})
USING INDEX SEEK c:Conversation(id)
OPTIONAL MATCH (i:GraphNode)
USING INDEX SEEK i:GraphNode(conversation_id, created_at, id)
WHERE i.conversation_id = $id AND i.created_at IS NOT NULL AND i.id IS NOT NULL
WITH c, collect(i) AS items
UNWIND [c] + items AS member
MATCH (member)-[r]-()
WHERE type(r) <> 'HAS_META'
RETURN DISTINCT type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, startNode(r).id AS source_id, endNode(r).id AS target_id
UNION
MATCH (s:GraphNode)-[r:TRANSFERS_TO {conversation_id: $id}]->(t:GraphNode)
USING INDEX SEEK r:TRANSFERS_TO(conversation_id)
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, s.id AS source_id, t.id AS target_id
