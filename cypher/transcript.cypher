// One page of a conversation's items in the order they were appended: those after item
// number $after, at most $limit, read from the index in order.
// Parameters: $id, $after, $limit
MATCH (n:GraphNode)
USING INDEX SEEK n:GraphNode(conversation_id, sequence)
WHERE n.conversation_id = $id AND n.sequence > $after
WITH n ORDER BY n.conversation_id, n.sequence LIMIT $limit
RETURN n {.*, created_at: toString(n.created_at), closed_at: toString(n.closed_at)} AS props
