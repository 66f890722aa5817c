// The oldest $limit relationships (by created_at, id) touching a conversation or its
// items, and the hand-offs recorded in it (not the HAS_META self-loops that index
// metadata). Only the relationships are collected and ordered; their properties are read
// for those kept.
// Parameters: $id, $limit
CALL () {
  MATCH (c:Conversation {id: $id})
  USING INDEX SEEK c:Conversation(id)
  OPTIONAL MATCH (i:GraphNode)
  USING INDEX SEEK i:GraphNode(conversation_id, created_at, id)
  WHERE i.conversation_id = $id AND i.created_at IS NOT NULL AND i.id IS NOT NULL
  WITH c, collect(i) AS items
  UNWIND [c] + items AS member
  MATCH (member)-[r]-()
  WHERE type(r) <> 'HAS_META'
  RETURN r
  UNION
  MATCH (:GraphNode)-[r:TRANSFERS_TO {conversation_id: $id}]->(:GraphNode)
  USING INDEX SEEK r:TRANSFERS_TO(conversation_id)
  RETURN r
}
WITH r ORDER BY r.created_at, r.id LIMIT $limit
RETURN type(r) AS type, r {.*, created_at: toString(r.created_at)} AS props, startNode(r).id AS source_id,
       endNode(r).id AS target_id
