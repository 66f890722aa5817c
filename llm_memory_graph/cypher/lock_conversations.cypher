// Take the write lock of every conversation a batch appends to, before reading their
// counters, so concurrent appends are serialised and never fork the PRECEDES chain.
// Parameters: $ids
UNWIND $ids AS id
MATCH (c:Conversation {id: id})
USING INDEX SEEK c:Conversation(id)
SET c.lock = true
REMOVE c.lock
RETURN count(c) AS locked
