// Wait until every index is online: a migration is recorded only once its indexes serve
// queries (the store's index hints fail on an index still being populated).
// Parameters: $seconds
CALL db.awaitIndexes($seconds)
