// Store a conversation's append counter and the item its PRECEDES chain ends at.
// Parameters: $rows
UNWIND $rows AS row
MATCH (c:Conversation {id: row.id})
USING INDEX SEEK c:Conversation(id)
SET c.item_count = row.item_count, c.last_item_id = row.last_item_id
