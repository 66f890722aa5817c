// Take the migration lock; fails on the uniqueness constraint while another runner holds it.
// Parameters: $owner
CREATE (:MigrationLock {id: 'migrate', owner: $owner, acquired_at: datetime()})
