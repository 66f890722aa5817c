// Every relationship touching a conversation or its items, and the hand-offs recorded in it.
// Parameters: $id
MATCH (c:Conversation {id: $id})
OPTIONAL MATCH (i:GraphNode {conversation_id: $id})
WITH c, collect(i) AS items
UNWIND [c] + items AS member
MATCH (member)-[r]-()
RETURN DISTINCT type(r) AS type, properties(r) AS props, startNode(r).id AS source_id, endNode(r).id AS target_id
UNION
MATCH (s:GraphNode)-[r:TRANSFERS_TO {conversation_id: $id}]->(t:GraphNode)
RETURN type(r) AS type, properties(r) AS props, s.id AS source_id, t.id AS target_id
