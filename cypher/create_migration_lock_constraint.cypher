// At most one migration lock exists, so two runners cannot apply migrations at once.
// Parameters: none
CREATE CONSTRAINT migration_lock_id IF NOT EXISTS FOR (l:MigrationLock) REQUIRE l.id IS UNIQUE
