// What an upsert must know of the graph, in one round trip per chunk: it locks the
// conversations it appends to ($lock_ids, only in a transaction's first call), then reads
// the nodes it names ($ids: type, first write, place in a conversation, each
// conversation's append counter) and the edges it writes that are already stored
// ($edges, found from the source node: by id, and for a type two nodes hold once, by
// type and target too, whatever its id). Timestamps come back as text.
// Parameters: $lock_ids, $ids, $edges
CALL () {
  UNWIND $lock_ids AS id
  MATCH (c:Conversation {id: id})
  USING INDEX SEEK c:Conversation(id)
  SET c.lock = true
  REMOVE c.lock
  RETURN count(c) AS locked
}
CALL () {
  UNWIND $ids AS id
  MATCH (n:GraphNode {id: id})
  USING INDEX SEEK n:GraphNode(id)
  RETURN collect(n {
    .id, .type, created_at: toString(n.created_at), .conversation_id, .agent_id, .sequence,
    .user_id, .item_count, .last_item_id, .status
  }) AS nodes
}
CALL () {
  UNWIND $edges AS row
  MATCH (s:GraphNode {id: row.source_id})-[r]->(t:GraphNode)
  USING INDEX SEEK s:GraphNode(id)
  WHERE r.id = row.id OR (row.one_per_pair AND type(r) = row.type AND t.id = row.target_id)
  RETURN collect(DISTINCT {
    id: r.id, type: type(r), created_at: toString(r.created_at), source_id: s.id, target_id: t.id
  }) AS edges
}
RETURN locked, nodes, edges
