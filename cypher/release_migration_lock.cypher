// Release the migration lock this runner took.
// Parameters: $owner
MATCH (l:MigrationLock {id: 'migrate', owner: $owner})
DELETE l
