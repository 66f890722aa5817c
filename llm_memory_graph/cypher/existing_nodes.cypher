// What an upsert must know of nodes already stored: their type, when they were first
// written, their place in a conversation, and each conversation's append counter.
// Parameters: $ids
UNWIND $ids AS id
MATCH (n:GraphNode {id: id})
USING INDEX SEEK n:GraphNode(id)
RETURN n.id AS id, n.type AS type, n.created_at AS created_at,
       n.conversation_id AS conversation_id, n.agent_id AS agent_id, n.sequence AS sequence,
       n.user_id AS user_id, n.item_count AS item_count, n.last_item_id AS last_item_id,
       n.status AS status
