// A conversation's items in the order they were appended.
// Parameters: $id
MATCH (n:GraphNode)
WHERE n.conversation_id = $id
RETURN properties(n) AS props
ORDER BY n.sequence
