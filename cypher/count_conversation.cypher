// What deleting a conversation will remove: the conversation, its items, the context and
// feedback attached only to them (as delete_conversation_attached.cypher finds them), every
// relationship touching these, and the hand-offs recorded in it (HAS_META self-loops are
// the metadata index, not edges of the graph).
// Parameters: $id
MATCH (c:Conversation {id: $id})
USING INDEX SEEK c:Conversation(id)
OPTIONAL MATCH (i:GraphNode)
USING INDEX SEEK i:GraphNode(conversation_id, created_at, id)
WHERE i.conversation_id = $id AND i.created_at IS NOT NULL AND i.id IS NOT NULL
WITH c, collect(i) AS items
CALL (items) {
  UNWIND items AS i
  MATCH (i)-[:REFERENCES|DEPENDS_ON|RATES]-(x:GraphNode)
  WHERE x.conversation_id IS NULL AND x.type IN ['Context', 'Feedback']
  WITH DISTINCT x
  WHERE NOT EXISTS {
    MATCH (x)-[r]-(y:GraphNode)
    WHERE y <> x AND NOT type(r) IN ['HANDLED_BY', 'HAS_META']
      AND (y.conversation_id IS NULL OR y.conversation_id <> $id)
  }
  RETURN collect(x) AS attached
}
WITH [c] + items + attached AS doomed
UNWIND doomed AS d
OPTIONAL MATCH (d)-[r]-()
WHERE type(r) <> 'HAS_META'
WITH doomed, collect(DISTINCT r) AS touching
OPTIONAL MATCH ()-[h:TRANSFERS_TO {conversation_id: $id}]->()
USING INDEX SEEK h:TRANSFERS_TO(conversation_id)
WITH doomed, touching, collect(h) AS handoffs
RETURN size(doomed) AS nodes,
       size(touching) + size([h IN handoffs WHERE NOT h IN touching]) AS edges
