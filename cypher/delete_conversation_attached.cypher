// Delete the context and feedback recorded without the conversation but attached only to
// its items (REFERENCES, DEPENDS_ON, RATES; HANDLED_BY joins a shared agent), before the
// items go: count_conversation.cypher counts the same nodes. Batches, auto-commit only.
// Parameters: $id
MATCH (i:GraphNode)
USING INDEX SEEK i:GraphNode(conversation_id, created_at, id)
WHERE i.conversation_id = $id AND i.created_at IS NOT NULL AND i.id IS NOT NULL
MATCH (i)-[:REFERENCES|DEPENDS_ON|RATES]-(x:GraphNode)
WHERE x.conversation_id IS NULL AND x.type IN ['Context', 'Feedback']
WITH DISTINCT x
WHERE NOT EXISTS {
  MATCH (x)-[r]-(y:GraphNode)
  WHERE y <> x AND NOT type(r) IN ['HANDLED_BY', 'HAS_META']
    AND (y.conversation_id IS NULL OR y.conversation_id <> $id)
}
CALL (x) { DETACH DELETE x } IN TRANSACTIONS OF 1000 ROWS
