// Take a template's write lock, so concurrent publishers number versions one at a time.
// Parameters: $id
MATCH (t:PromptTemplate {id: $id})
USING INDEX SEEK t:PromptTemplate(id)
SET t.lock = true
REMOVE t.lock
RETURN t.id AS id
